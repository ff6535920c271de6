//! `wamp-idl decode` / `wamp-idl encode` through the built binary: every
//! wamp-proto test vector decodes to its `expected_attributes`, encode → decode
//! round-trips for every serializer id, and bad input exits 1 naming the line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value as Json};

fn wamp_idl(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wamp-idl"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wamp-idl");
    // Write from a thread so that a full stdout pipe cannot deadlock us.
    let mut pipe = child.stdin.take().expect("stdin pipe");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let output = child.wait_with_output().expect("wait for wamp-idl");
    writer.join().expect("writer thread").expect("write stdin");
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json_lines(bytes: &[u8]) -> Vec<Json> {
    text(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("output line {l:?}: {e}")))
        .collect()
}

fn vector_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("vectors dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            vector_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// A test-vector frame: where it is from, its hex and the expected attributes.
struct Frame {
    at: String,
    hex: String,
    expected: serde_json::Map<String, Json>,
}

/// The vectors' frames of one of our serializer ids.
fn vector_frames(serializer: &str) -> Vec<Frame> {
    let (key, skip_note) = match serializer {
        "ubjson" => ("ubjson", "UBJSON"),
        "ubjson-draft12" => ("ubjson", "BJData"),
        other => (other, "\0never"),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../wamp-idl-runtime/tests/vectors/singlemessage");
    let mut files = Vec::new();
    vector_files(&root, &mut files);
    let mut frames = Vec::new();
    for file in files {
        let doc: Json = serde_json::from_str(&std::fs::read_to_string(&file).expect("read vector"))
            .expect("vector JSON");
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        for (si, sample) in doc["samples"]
            .as_array()
            .expect("samples")
            .iter()
            .enumerate()
        {
            let Some(expected) = sample["expected_attributes"].as_object() else {
                continue;
            };
            let variants = sample["serializers"][key]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for (vi, variant) in variants.iter().enumerate() {
                if variant["note"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with(skip_note)
                {
                    continue;
                }
                let hex = match (variant["bytes_hex"].as_str(), variant["bytes"].as_str()) {
                    (Some(h), _) => h.to_ascii_lowercase(),
                    (None, Some(t)) => t.bytes().map(|b| format!("{b:02x}")).collect(),
                    (None, None) => panic!("{name:?} sample {si} variant {vi}: no hex"),
                };
                frames.push(Frame {
                    at: format!("{name:?} sample {si} {key} variant {vi}"),
                    hex,
                    expected: expected.clone(),
                });
            }
        }
    }
    frames
}

/// Checks a decoded object against `expected_attributes`: every expected key
/// has the same value (`roles` is `details.roles`, a null is absent), and any
/// other key is a defaulted empty dict or null payload element. Mismatches are
/// pushed to `failures`.
fn check_attributes(
    at: &str,
    got: &Json,
    expected: &serde_json::Map<String, Json>,
    failures: &mut Vec<String>,
) {
    let Some(got) = got.as_object() else {
        failures.push(format!("{at}: not an object: {got}"));
        return;
    };
    for (key, want) in expected {
        let have = if key == "roles" {
            got.get("details").and_then(|d| d.get("roles"))
        } else {
            got.get(key)
        };
        let have = have.unwrap_or(&Json::Null);
        if have != want {
            failures.push(format!(
                "{at}: attribute `{key}`: got {have}, expected {want}"
            ));
        }
    }
    for (key, have) in got {
        if expected.contains_key(key) {
            continue;
        }
        let defaulted = match key.as_str() {
            "details" if expected.contains_key("roles") => {
                have.as_object().is_some_and(|d| d.len() <= 1)
            }
            "details" | "options" | "extra" => *have == json!({}),
            "args" | "kwargs" | "payload" => have.is_null(),
            _ => false,
        };
        if !defaulted {
            failures.push(format!("{at}: unexpected attribute `{key}`: {have}"));
        }
    }
}

const SERIALIZERS: [&str; 6] = [
    "json",
    "msgpack",
    "cbor",
    "ubjson",
    "ubjson-draft12",
    "flatbuffers",
];

#[test]
fn decode_matches_every_test_vector() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for serializer in SERIALIZERS {
        let frames = vector_frames(serializer);
        assert!(
            frames.len() >= 25,
            "{serializer}: only {} frames",
            frames.len()
        );
        let input: String = frames.iter().map(|f| format!("{}\n", f.hex)).collect();
        let out = wamp_idl(
            &["decode", "--serializer", serializer, "--hex"],
            input.as_bytes(),
        );
        assert!(
            out.status.success(),
            "{serializer}: exit {:?}\n{}",
            out.status,
            text(&out.stderr)
        );
        let decoded = json_lines(&out.stdout);
        assert_eq!(
            decoded.len(),
            frames.len(),
            "{serializer}: one line per frame"
        );
        for (frame, got) in frames.iter().zip(&decoded) {
            let mut expected = frame.expected.clone();
            // autobahn's FlatBuffers HELLO/WELCOME carry no roles (the
            // vectors' bytes say so); the other attributes must match.
            if serializer == "flatbuffers" {
                expected.remove("roles");
            }
            check_attributes(&frame.at, got, &expected, &mut failures);
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 150, "only {checked} frames checked");
}

/// Messages that exercise every attribute kind, bytes and floats in values,
/// the optional trailing elements and the transparent payload.
fn sample_messages() -> Vec<Json> {
    let mut messages = vector_frames("json")
        .into_iter()
        .map(|f| Json::Object(f.expected))
        .collect::<Vec<_>>();
    messages.extend([
        json!({"message_type": 16, "request_id": 1, "options": {"x_custom": [1.5, -3, null]},
               "topic": "com.example.t", "args": ["\u{0}AQL/", 1.0, -9007199254740993i64],
               "kwargs": {"blob": "\u{0}", "n": 18446744073709551615u64}, "payload": null}),
        json!({"message_type": 34, "request_id": 2, "subscription_id": 3, "options": {}}),
        json!({"message_type": 35, "request_id": 0, "details": {"subscription": 3, "reason": "wamp.close"}}),
        json!({"message_type": 36, "subscription": 4, "publication": 5,
               "details": {"enc_algo": "cryptobox"}, "args": null, "kwargs": null, "payload": "00ff10"}),
        json!({"message_type": 50, "request_id": 6, "details": {}, "args": [],
               "kwargs": {"k": {"deep": [[]]}}, "payload": null}),
    ]);
    messages
}

/// The decoded form of the sample messages (what decode prints for them).
fn normalized(serializer: &str, messages: &[Json]) -> Vec<Json> {
    let input: String = messages.iter().map(|m| format!("{m}\n")).collect();
    let out = wamp_idl(&["encode", "-s", serializer, "--hex"], input.as_bytes());
    assert!(out.status.success(), "{serializer}: {}", text(&out.stderr));
    let out = wamp_idl(&["decode", "-s", serializer, "--hex"], &out.stdout);
    assert!(out.status.success(), "{serializer}: {}", text(&out.stderr));
    json_lines(&out.stdout)
}

#[test]
fn encode_then_decode_round_trips_for_every_serializer() {
    let messages = sample_messages();
    // JSON first: its decoded form is the reference for every other serializer.
    let reference = normalized("json", &messages);
    assert_eq!(reference.len(), messages.len());
    for (want, got) in messages.iter().zip(&reference) {
        let want = want.as_object().expect("object");
        let mut failures = Vec::new();
        check_attributes("json round trip", got, want, &mut failures);
        assert!(failures.is_empty(), "{failures:#?}");
    }
    for serializer in [
        "json.batched",
        "msgpack",
        "msgpack.batched",
        "cbor",
        "cbor.batched",
        "ubjson",
        "ubjson.batched",
        "ubjson-draft12",
        "ubjson-draft12.batched",
        "flatbuffers",
        "flatbuffers+json",
        "flatbuffers+msgpack.batched",
        "flatbuffers+ubjson",
    ] {
        let got = normalized(serializer, &messages);
        assert_eq!(got.len(), reference.len(), "{serializer}");
        for (i, (got, want)) in got.iter().zip(&reference).enumerate() {
            assert_eq!(got, want, "{serializer}: message {i}");
        }
    }
}

#[test]
fn batched_hex_is_one_line_and_raw_frames_round_trip() {
    let messages = "{\"message_type\":17,\"request_id\":1,\"publication_id\":2}\n\
                    {\"message_type\":67,\"request_id\":3}\n";
    let out = wamp_idl(
        &["encode", "-s", "json.batched", "--hex"],
        messages.as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "5b31372c312c325d185b36372c335d18\n");

    for serializer in ["cbor.batched", "msgpack", "flatbuffers.batched", "json"] {
        let input = if serializer.ends_with(".batched") {
            messages
        } else {
            messages.lines().next().unwrap_or_default()
        };
        let raw = wamp_idl(&["encode", "--serializer", serializer], input.as_bytes());
        assert!(raw.status.success(), "{serializer}: {}", text(&raw.stderr));
        let back = wamp_idl(
            &["decode", &format!("--serializer={serializer}")],
            &raw.stdout,
        );
        assert!(
            back.status.success(),
            "{serializer}: {}",
            text(&back.stderr)
        );
        let want: Vec<Json> = input
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(json_lines(&back.stdout), want, "{serializer}");
    }
    // JSON text on a terminal ends with a newline; that is whitespace.
    let out = wamp_idl(&["decode", "-s", "json"], b"[17,1,2]\n");
    assert_eq!(
        text(&out.stdout),
        "{\"message_type\":17,\"request_id\":1,\"publication_id\":2}\n"
    );
}

#[test]
fn bad_input_exits_1_naming_the_line() {
    let out = wamp_idl(
        &["decode", "-s", "json", "--hex"],
        b"5b31372c312c325d\n5b3x\n\n5b31372c312c\n",
    );
    assert_eq!(out.status.code(), Some(1));
    // The good line is still printed.
    assert_eq!(json_lines(&out.stdout).len(), 1);
    let err = text(&out.stderr);
    assert!(
        err.contains("error: line 2: bad hex: invalid hex digit 'x' at offset 3"),
        "{err}"
    );
    assert!(err.contains("error: line 4: cannot decode: "), "{err}");

    let out = wamp_idl(&["decode", "-s", "cbor"], b"\xff\xff");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("error: frame: cannot decode: "),
        "{}",
        text(&out.stderr)
    );

    let out = wamp_idl(&["decode", "-s", "msgpack", "--hex"], b"\n\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "error: no frame on stdin\n");

    let out = wamp_idl(
        &["encode", "-s", "cbor", "--hex"],
        b"{\"message_type\":17,\"request_id\":1,\"publication_id\":2}\n{oops\n{\"message_type\":17}\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing written on bad input");
    let err = text(&out.stderr);
    assert!(err.contains("error: line 2: invalid JSON: "), "{err}");
    assert!(
        err.contains(
            "error: line 3: not a valid message: PUBLISHED: attribute `request_id` missing"
        ),
        "{err}"
    );

    let out = wamp_idl(
        &["encode", "-s", "json"],
        b"{\"message_type\":67,\"request_id\":1}\n{\"message_type\":67,\"request_id\":2}\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("without --hex only one frame"),
        "{}",
        text(&out.stderr)
    );

    let out = wamp_idl(
        &["encode", "-s", "json"],
        b"{\"message_type\":16,\"request_id\":1,\"topic\":\"t\",\"args\":[\"\\u0000!!\"]}\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("line 1: not a valid message: `args`: at [0]: invalid base64"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn usage_errors_exit_2() {
    for (args, message) in [
        (&["decode"][..], "`decode` needs `--serializer S`"),
        (&["encode", "-s", "xml"][..], "unknown serializer `xml`"),
        (
            &["decode", "-s", "json", "frames.bin"][..],
            "takes no file argument",
        ),
        (
            &["encode", "--serializer"][..],
            "`--serializer` needs a value",
        ),
        (
            &["decode", "-s", "json", "--frob"][..],
            "unknown option `--frob`",
        ),
    ] {
        let out = wamp_idl(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(err.contains("Usage: wamp-idl"), "{args:?}: {err}");
    }
    let out = wamp_idl(&["decode", "--help"], b"");
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("flatbuffers+json"));
}
