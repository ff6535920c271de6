//! Conformance against the wamp-proto test vectors (`tests/vectors/`, a copy of
//! `wamp-proto/wamp-proto: testsuite/`), following the matching rules of
//! WAMP-REFERENCE §6.2:
//!
//! - serialization samples: for every serializer variant we support (json,
//!   msgpack, cbor, ubjson as BJData and as UBJSON draft 12), every listed
//!   variant of that format decodes to the message described by
//!   `expected_attributes`, and our encoding of the decoded message equals at
//!   least one listed variant byte for byte, both when args/kwargs are copied
//!   raw and when our encoder writes them from values;
//! - validation samples (`wmsg`): accepted or rejected as annotated, through
//!   `Message::from_value` and through every codec; a rejection names the key.
//!
//! FlatBuffers variants are checked by `tests/flatbuffers.rs` (same matching
//! rules, through `FlatBuffersCodec`); here they are counted and left to it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use wamp_idl_runtime::describe;
use wamp_idl_runtime::message::MessageType;
use wamp_idl_runtime::serializer::{Codec, Serializer, UbjsonDialect};
use wamp_idl_runtime::value::Value;
use wamp_idl_runtime::Message;

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd-length hex string");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// The vector variants a serializer of ours must handle, by the variant's note.
fn variants_for(ours: Serializer, sample: &Json) -> Vec<(usize, Vec<u8>)> {
    let Some(list) = sample["serializers"][ours.id()].as_array() else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter(|(_, v)| {
            let note = v["note"].as_str().unwrap_or("");
            match ours {
                Serializer::Ubjson(UbjsonDialect::BjData) => !note.starts_with("UBJSON"),
                Serializer::Ubjson(UbjsonDialect::Draft12) => !note.starts_with("BJData"),
                _ => true,
            }
        })
        .map(|(i, v)| {
            let bytes = if let Some(h) = v["bytes_hex"].as_str() {
                hex(h)
            } else if let Some(b) = v["bytes_base64"].as_str() {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .expect("base64")
            } else {
                v["bytes"].as_str().expect("bytes").as_bytes().to_vec()
            };
            (i, bytes)
        })
        .collect()
}

fn name(s: Serializer) -> &'static str {
    match s {
        Serializer::Ubjson(UbjsonDialect::BjData) => "ubjson/bjdata",
        Serializer::Ubjson(UbjsonDialect::Draft12) => "ubjson/draft12",
        other => other.id(),
    }
}

fn vector_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("vectors dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            vector_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json")
            && path.file_name() != Some("SCHEMA.json".as_ref())
        {
            out.push(path);
        }
    }
}

#[derive(Default)]
struct Counts {
    decoded: usize,
    encoded: usize,
    validated: usize,
}

#[test]
fn wamp_proto_vectors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/singlemessage");
    let mut files = Vec::new();
    vector_files(&root, &mut files);
    assert!(
        files.len() >= 20,
        "expected the vendored vectors, found {} files",
        files.len()
    );

    let mut counts: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut flatbuffers_skipped = 0;
    let mut serialization_samples = 0;
    let mut validation_samples = 0;
    let mut model_validated = 0;

    for file in &files {
        let text = std::fs::read_to_string(file).expect("read vector file");
        let doc: Json = serde_json::from_str(&text).expect("vector file is JSON");
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        for (si, sample) in doc["samples"]
            .as_array()
            .expect("samples")
            .iter()
            .enumerate()
        {
            let at = format!("{rel} sample {si}");
            if let Some(wmsg) = sample.get("wmsg") {
                validation_samples += 1;
                check_validation_sample(
                    &at,
                    sample,
                    wmsg,
                    &mut counts,
                    &mut model_validated,
                    &mut failures,
                );
                continue;
            }
            serialization_samples += 1;
            if let Some(fb) = sample["serializers"]["flatbuffers"].as_array() {
                flatbuffers_skipped += fb.len();
            }
            // The attribute mapping table is the runtime's `describe` module.
            let expected_msg = match describe::from_json(&sample["expected_attributes"]) {
                Ok(m) => m,
                Err(e) => {
                    failures.push(format!(
                        "{at}: expected_attributes do not form a valid message: {e}"
                    ));
                    continue;
                }
            };
            for ours in Serializer::ALL {
                check_serialization(&at, ours, sample, &expected_msg, &mut counts, &mut failures);
            }
        }
    }

    let mut report = String::new();
    writeln!(report, "wamp-proto vectors: {} files, {serialization_samples} serialization samples, {validation_samples} validation samples", files.len()).ok();
    writeln!(
        report,
        "{:<16} {:>8} {:>8} {:>10}",
        "serializer", "decoded", "encoded", "validated"
    )
    .ok();
    for (name, c) in &counts {
        writeln!(
            report,
            "{name:<16} {:>8} {:>8} {:>10}",
            c.decoded, c.encoded, c.validated
        )
        .ok();
    }
    writeln!(
        report,
        "message model: {model_validated}/{validation_samples} validation samples as annotated"
    )
    .ok();
    writeln!(
        report,
        "flatbuffers variants left to tests/flatbuffers.rs: {flatbuffers_skipped}"
    )
    .ok();
    println!("{report}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}\n{report}",
        failures.len(),
        failures.join("\n")
    );
    // Every serialization sample must have been checked by every serializer.
    for (name, c) in &counts {
        assert_eq!(
            c.encoded, serialization_samples,
            "{name}: not every sample encoded"
        );
    }
}

fn check_serialization(
    at: &str,
    ours: Serializer,
    sample: &Json,
    expected: &Message,
    counts: &mut BTreeMap<&'static str, Counts>,
    failures: &mut Vec<String>,
) {
    let variants = variants_for(ours, sample);
    let at = format!("{at} [{}]", name(ours));
    if variants.is_empty() {
        failures.push(format!("{at}: no variant for this serializer"));
        return;
    }
    let codec = Codec::new(ours);
    let mut decoded_all = Vec::new();
    for (vi, bytes) in &variants {
        match codec.decode(bytes.clone()) {
            Ok(m) if &m == expected => {
                counts.entry(name(ours)).or_default().decoded += 1;
                decoded_all.push(m);
            }
            Ok(m) => failures.push(format!(
                "{at} variant {vi}: decoded {m:?}, expected {expected:?}"
            )),
            Err(e) => failures.push(format!("{at} variant {vi}: decode failed: {e}")),
        }
    }
    let Some(decoded) = decoded_all.first() else {
        return;
    };
    let listed = |bytes: &[u8]| variants.iter().any(|(_, v)| v == bytes);
    // Re-encoding the decoded message (args/kwargs copied raw) ...
    let raw = codec.encode(decoded);
    // ... and with every element written by our encoder from values.
    let from_values = decoded
        .to_value()
        .and_then(Message::from_value)
        .and_then(|m| codec.encode(&m));
    match (raw, from_values) {
        (Ok(a), Ok(b)) if listed(&a) && listed(&b) => counts.entry(name(ours)).or_default().encoded += 1,
        (Ok(a), Ok(b)) => failures.push(format!(
            "{at}: our encoding matches no listed variant:\n  raw copy:    {}\n  from values: {}\n  listed:      {}",
            hexs(&a),
            hexs(&b),
            variants.iter().map(|(_, v)| hexs(v)).collect::<Vec<_>>().join(" | ")
        )),
        (Err(e), _) | (_, Err(e)) => failures.push(format!("{at}: encode failed: {e}")),
    }
}

fn hexs(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn check_validation_sample(
    at: &str,
    sample: &Json,
    wmsg: &Json,
    counts: &mut BTreeMap<&'static str, Counts>,
    model_validated: &mut usize,
    failures: &mut Vec<String>,
) {
    let mut value = describe::json_to_value(wmsg).expect("wmsg converts to a value");
    // `wmsg` cannot express bytes: a transparent payload is given as hex text
    // at the payload index (WAMP-REFERENCE §6.2); turn it into bytes.
    if let Value::List(items) = &mut value {
        let index = items
            .first()
            .and_then(Value::as_u64)
            .and_then(MessageType::from_code)
            .and_then(MessageType::payload_index);
        if let Some(slot) = index.and_then(|i| items.get_mut(i)) {
            if let Value::Str(text) = slot {
                *slot = Value::Bytes(hex(text));
            }
        }
    }
    let expected_error = sample
        .get("expected_error")
        .and_then(|e| e["contains"].as_str());
    let verdict = |result: Result<Message, wamp_idl_runtime::Error>| -> Result<(), String> {
        match (result, expected_error) {
            (Ok(_), None) => Ok(()),
            (Err(e), Some(key)) if e.to_string().contains(key) => Ok(()),
            (Err(e), Some(key)) => Err(format!(
                "rejected, but the error does not name `{key}`: {e}"
            )),
            (Ok(m), Some(key)) => Err(format!(
                "accepted, expected a rejection naming `{key}`: {m:?}"
            )),
            (Err(e), None) => Err(format!("rejected, expected acceptance: {e}")),
        }
    };
    match verdict(Message::from_value(value.clone())) {
        Ok(()) => *model_validated += 1,
        Err(e) => failures.push(format!("{at} [model]: {e}")),
    }
    for ours in Serializer::ALL {
        let at = format!("{at} [{}]", name(ours));
        let bytes = match ours.encode_value(&value) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{at}: cannot encode wmsg: {e}"));
                continue;
            }
        };
        match verdict(Codec::new(ours).decode(bytes)) {
            Ok(()) => counts.entry(name(ours)).or_default().validated += 1,
            Err(e) => failures.push(format!("{at}: {e}")),
        }
    }
}
