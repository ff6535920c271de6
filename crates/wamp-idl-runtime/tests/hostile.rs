//! Hostile input: no panic, no allocation sized by an unverified length
//! prefix, nesting limits, exact integers, clear errors.

use proptest::prelude::*;
use wamp_idl_runtime::serializer::{Codec, Limits, Serializer, UbjsonDialect};
use wamp_idl_runtime::value::Value;
use wamp_idl_runtime::ErrorKind;

const BJDATA: Serializer = Serializer::Ubjson(UbjsonDialect::BjData);
const UBJSON: Serializer = Serializer::Ubjson(UbjsonDialect::Draft12);

fn decode_err(s: Serializer, bytes: &[u8]) -> String {
    match Codec::new(s).decode(bytes.to_vec()) {
        Ok(m) => panic!("{s:?}: accepted {bytes:02x?} as {m:?}"),
        Err(e) => e.to_string(),
    }
}

fn value_err(s: Serializer, bytes: &[u8]) -> String {
    match s.decode_value(bytes, &Limits::default()) {
        Ok(v) => panic!("{s:?}: accepted {bytes:02x?} as {v:?}"),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Codec, "{e}");
            e.to_string()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        for s in Serializer::ALL {
            let codec = Codec::new(s);
            let _ = codec.decode(bytes.clone());
            let _ = codec.decode_batch(bytes.clone());
            let _ = s.decode_value(&bytes, &Limits::default());
        }
    }

    #[test]
    fn mutated_messages_never_panic(index in 0usize..60, byte in any::<u8>(), cut in 0usize..60) {
        let frames: [(Serializer, &[u8]); 3] = [
            (Serializer::Json, br#"[16,239714735,{"acknowledge":true},"com.myapp.topic1",["Hello",1],{"a":[1,2]}]"#),
            (Serializer::MsgPack, &[0x95, 0x10, 0x01, 0x81, 0xa1, 0x61, 0xc3, 0xa3, 0x61, 0x2e, 0x62, 0x92, 0x01, 0xc4, 0x01, 0x00]),
            (Serializer::Cbor, &[0x85, 0x10, 0x01, 0xa1, 0x61, 0x61, 0xf5, 0x63, 0x61, 0x2e, 0x62, 0x82, 0x01, 0x41, 0x00]),
        ];
        for (s, frame) in frames {
            let mut bytes = frame.to_vec();
            if let Some(b) = bytes.get_mut(index) {
                *b = byte;
            }
            bytes.truncate(cut.max(1));
            let _ = Codec::new(s).decode(bytes);
        }
    }
}

#[test]
fn every_truncation_of_a_valid_frame_is_an_error() {
    let msg = wamp_idl_runtime::Message::from_value(Value::List(vec![
        36u64.into(),
        5647382910u64.into(),
        998877665544u64.into(),
        [("publisher".to_string(), Value::from(7u64))]
            .into_iter()
            .collect::<wamp_idl_runtime::Dict>()
            .into(),
        Value::List(vec![
            Value::from("é"),
            Value::Bytes(vec![1, 2, 3]),
            Value::from(-70000i64),
            Value::Float(1.5),
        ]),
    ]))
    .unwrap();
    for s in Serializer::ALL {
        let codec = Codec::new(s);
        let frame = codec.encode(&msg).unwrap();
        assert_eq!(codec.decode(frame.clone()).unwrap(), msg);
        for len in 0..frame.len() {
            let prefix = frame[..len].to_vec();
            assert!(
                codec.decode(prefix).is_err(),
                "{s:?}: prefix of {len} bytes accepted"
            );
        }
    }
}

#[test]
fn huge_length_prefixes_fail_without_allocating() {
    // A tiny frame announcing a 4 GiB string/bytes/array/map.
    assert!(
        value_err(Serializer::MsgPack, &[0xdb, 0xff, 0xff, 0xff, 0xff, b'a']).contains("truncated")
    );
    assert!(value_err(Serializer::MsgPack, &[0xc6, 0xff, 0xff, 0xff, 0xff]).contains("truncated"));
    assert!(
        value_err(Serializer::MsgPack, &[0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]).contains("truncated")
    );
    assert!(value_err(Serializer::MsgPack, &[0xdf, 0xff, 0xff, 0xff, 0xff]).contains("truncated"));
    assert!(
        value_err(Serializer::Cbor, &[0x7a, 0xff, 0xff, 0xff, 0xff, b'a']).contains("truncated")
    );
    assert!(value_err(
        Serializer::Cbor,
        &[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    )
    .contains("truncated"));
    assert!(value_err(
        Serializer::Cbor,
        &[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
    )
    .contains("truncated"));
    assert!(value_err(
        Serializer::Cbor,
        &[0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    )
    .contains("truncated"));
    for s in [BJDATA, UBJSON] {
        assert!(value_err(s, &[b'S', b'l', 0x7f, 0xff, 0xff, 0x7f, b'a']).contains("truncated"));
        assert!(
            value_err(s, &[b'[', b'#', b'l', 0x7f, 0xff, 0xff, 0x7f, b'Z']).contains("announces")
        );
        assert!(value_err(s, &[b'{', b'#', b'l', 0x7f, 0xff, 0xff, 0x7f]).contains("announces"));
        // Items without body bytes would make a 10-byte frame worth billions of nulls.
        assert!(
            value_err(s, &[b'[', b'$', b'Z', b'#', b'l', 0x7f, 0xff, 0xff, 0x7f])
                .contains("item type")
        );
        assert!(value_err(s, &[b'S', b'i', 0xff]).contains("negative length"));
    }
    assert!(value_err(
        BJDATA,
        &[b'[', b'$', b'B', b'#', b'M', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    )
    .contains("announces"));
    // Batches: a length prefix beyond the frame.
    let err = Codec::new(Serializer::Cbor)
        .decode_batch(vec![0xff, 0xff, 0xff, 0xff, 0x82])
        .unwrap_err();
    assert!(
        err.to_string().contains("announces 4294967295 bytes"),
        "{err}"
    );
}

#[test]
fn deep_nesting_is_limited_not_a_stack_overflow() {
    let n = 100_000;
    let cases: Vec<(Serializer, Vec<u8>)> = vec![
        (Serializer::Json, "[".repeat(n).into_bytes()),
        (Serializer::Json, "{\"a\":".repeat(n).into_bytes()),
        (Serializer::MsgPack, vec![0x91; n]),
        (Serializer::MsgPack, [0x81, 0xa1, 0x61].repeat(n)),
        (Serializer::Cbor, vec![0x81; n]),
        (Serializer::Cbor, vec![0x9f; n]),
        (Serializer::Cbor, vec![0xc6; n]), // a chain of tags
        (BJDATA, vec![b'['; n]),
        (UBJSON, [b'{', b'U', 1, b'a'].repeat(n)),
    ];
    for (s, bytes) in cases {
        let err = value_err(s, &bytes);
        assert!(
            err.contains("nesting deeper than the limit of 64"),
            "{s:?}: {err}"
        );
        let is_array = match s {
            Serializer::MsgPack => bytes[0] == 0x91,
            Serializer::Cbor => matches!(bytes[0], 0x81 | 0x9f),
            _ => bytes[0] == b'[',
        };
        if is_array {
            let err = decode_err(s, &bytes);
            assert!(err.contains("nesting deeper"), "{s:?}: {err}");
        }
    }
    // The limit is configurable.
    let shallow = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    assert!(Serializer::Json.decode_value(b"[[1]]", &shallow).is_ok());
    assert!(Serializer::Json.decode_value(b"[[[1]]]", &shallow).is_err());
    let codec = Codec::new(Serializer::Json).with_limits(shallow);
    assert!(codec.decode(&b"[16,1,{},\"t\",[[1]]]"[..]).is_err());
}

#[test]
fn integers_are_exact_and_range_checked() {
    let big = Serializer::Json
        .decode_value(b"9007199254740993", &Limits::default())
        .unwrap();
    assert_eq!(big, Value::UInt(9_007_199_254_740_993)); // 2^53 + 1, not rounded
    let max = Serializer::Json
        .decode_value(b"18446744073709551615", &Limits::default())
        .unwrap();
    assert_eq!(max, Value::UInt(u64::MAX));
    let min = Serializer::Json
        .decode_value(b"-9223372036854775808", &Limits::default())
        .unwrap();
    assert_eq!(min, Value::Int(i64::MIN));
    assert!(value_err(Serializer::Json, b"18446744073709551616").contains("64-bit range"));
    assert!(value_err(Serializer::Json, b"-9223372036854775809").contains("64-bit range"));
    assert!(value_err(
        Serializer::Cbor,
        &[0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    )
    .contains("64-bit range"));
    assert!(value_err(Serializer::Cbor, &[0xc2, 0x41, 0x01]).contains("bignums"));
    // IDs above 2^53 are rejected by the message layer, naming the element.
    let err = decode_err(Serializer::Json, b"[17,9007199254740993,1]");
    assert_eq!(
        err,
        "PUBLISHED Request: 9007199254740993 is not a valid ID (1 to 2^53)"
    );
    let err = decode_err(Serializer::Json, b"[17,1.0,1]");
    assert_eq!(err, "PUBLISHED Request: expected integer, got float");
}

#[test]
fn malformed_documents_say_what_and_where() {
    assert_eq!(
        value_err(Serializer::Json, b"[1,]"),
        "JSON at byte 3: trailing comma in array"
    );
    assert_eq!(
        value_err(Serializer::Json, b"[1 2]"),
        "JSON at byte 3: expected `,` or `]` in array"
    );
    assert_eq!(
        value_err(Serializer::Json, b"\"\xff\""),
        "JSON at byte 1: invalid UTF-8"
    );
    assert_eq!(
        value_err(Serializer::Json, b"\"\\ud800\""),
        "JSON at byte 7: unpaired surrogate in \\u escape"
    );
    assert_eq!(
        value_err(Serializer::Json, b"\"\\u0000!!\""),
        "JSON at byte 1: invalid base64 in binary string: Invalid symbol 33, offset 0."
    );
    assert_eq!(
        value_err(Serializer::Json, b"{\"a\":1,\"a\":2}"),
        "JSON at byte 7: duplicate key \"a\""
    );
    assert_eq!(
        value_err(Serializer::Json, b"01"),
        "JSON at byte 2: invalid number"
    );
    assert_eq!(
        value_err(Serializer::Json, b"[] x"),
        "JSON at byte 3: trailing bytes after the value"
    );
    assert_eq!(
        value_err(Serializer::MsgPack, &[0xa1, 0xff]),
        "MessagePack at byte 1: invalid UTF-8 in string"
    );
    assert_eq!(
        value_err(Serializer::MsgPack, &[0xd4, 0x01, 0x02]),
        "MessagePack at byte 0: extension types are not supported"
    );
    assert_eq!(
        value_err(Serializer::MsgPack, &[0x81, 0x01, 0x02]),
        "MessagePack at byte 1: dict key is not a string"
    );
    assert_eq!(
        value_err(Serializer::Cbor, &[0xa1, 0x01, 0x02]),
        "CBOR at byte 1: dict key is not a text string"
    );
    assert_eq!(
        value_err(Serializer::Cbor, &[0xff]),
        "CBOR at byte 0: unexpected break"
    );
    assert_eq!(
        value_err(Serializer::Cbor, &[0x1c]),
        "CBOR at byte 0: reserved additional information 28"
    );
    assert_eq!(
        value_err(BJDATA, b"X"),
        "BJData at byte 0: unknown marker 'X'"
    );
    // Draft 12 has no unsigned 16-bit marker.
    assert_eq!(
        value_err(UBJSON, &[b'u', 1, 0]),
        "UBJSON at byte 0: unknown marker 'u'"
    );
    // Not a message array at all.
    assert_eq!(
        decode_err(Serializer::Json, b"{}"),
        "JSON at byte 0: expected `[` (a WAMP message is a JSON array)"
    );
    assert_eq!(decode_err(Serializer::Json, b"[]"), "empty message array");
    assert_eq!(
        decode_err(Serializer::Json, b"[999,1]"),
        "unknown message type code 999"
    );
    assert_eq!(
        decode_err(Serializer::Json, b"[1,\"realm\",{},1,2,3,4,5,6]"),
        "HELLO: expected 3 elements, got 9"
    );
    assert_eq!(
        decode_err(Serializer::Json, b"[1,\"realm\",{},1]"),
        "HELLO: expected 3 elements, got 4"
    );
}

#[test]
fn empty_batches_and_messages_are_rejected() {
    let json = Codec::new(Serializer::Json);
    assert!(json
        .decode_batch(Vec::new())
        .unwrap_err()
        .to_string()
        .contains("empty batch"));
    assert!(json
        .decode_batch(b"\x18".to_vec())
        .unwrap_err()
        .to_string()
        .contains("empty message"));
    let err = json
        .decode_batch(b"[337,1]\x18[337,0]\x18".to_vec())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "batch message 1: EVENT_RECEIVED Publication: 0 is not a valid ID (1 to 2^53)"
    );
    assert!(Codec::new(Serializer::MsgPack).encode_batch(&[]).is_err());
    let err = Codec::new(Serializer::MsgPack)
        .decode_batch(vec![0, 0, 0])
        .unwrap_err();
    assert!(err.to_string().contains("truncated length prefix"), "{err}");
}

#[test]
fn raw_args_are_checked_while_skipped() {
    // Invalid UTF-8 inside args is found at decode time, though args stay raw.
    let cases: [(Serializer, &[u8]); 5] = [
        (Serializer::Json, b"[16,1,{},\"t\",[\"\xff\"]]"),
        (
            Serializer::MsgPack,
            &[0x95, 0x10, 0x01, 0x80, 0xa1, b't', 0x91, 0xa1, 0xff],
        ),
        (
            Serializer::Cbor,
            &[0x85, 0x10, 0x01, 0xa0, 0x61, b't', 0x81, 0x61, 0xff],
        ),
        (BJDATA, b"[U\x10U\x01{}Ct[SU\x01\xff]]"),
        (UBJSON, b"[U\x10U\x01{}Ct[SU\x01\xff]]"),
    ];
    for (s, bytes) in cases {
        let err = decode_err(s, bytes);
        assert!(err.contains("invalid UTF-8"), "{s:?}: {err}");
    }
    // Nesting inside args counts too.
    let mut deep = b"[16,1,{},\"t\",".to_vec();
    deep.extend(std::iter::repeat_n(b'[', 10_000));
    assert!(decode_err(Serializer::Json, &deep).contains("nesting deeper"));
    let mut deep = vec![0x95, 0x10, 0x01, 0x80, 0xa1, b't'];
    deep.extend(std::iter::repeat_n(0x91, 10_000));
    assert!(decode_err(Serializer::MsgPack, &deep).contains("nesting deeper"));
    let mut deep = b"[U\x10U\x01{}Ct".to_vec();
    deep.extend(std::iter::repeat_n(b'[', 10_000));
    assert!(decode_err(BJDATA, &deep).contains("nesting deeper"));
}

#[test]
fn json_refuses_strings_that_would_read_back_as_bytes() {
    let err = Serializer::Json
        .encode_value(&Value::from("\0AQID"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Encode);
    assert!(err.to_string().contains("U+0000"), "{err}");
    // Other formats carry such strings as text.
    for s in [Serializer::MsgPack, Serializer::Cbor, BJDATA, UBJSON] {
        let bytes = s.encode_value(&Value::from("\0AQID")).unwrap();
        assert_eq!(
            s.decode_value(&bytes, &Limits::default()).unwrap(),
            Value::from("\0AQID")
        );
    }
}

/// Found by fuzzing (`runtime_json`): `135e7924680` parsed as infinity, a
/// value the JSON encoder cannot write back.
#[test]
fn json_numbers_beyond_the_float_range_are_rejected() {
    for text in ["1e999", "-1e999", "135e7924680"] {
        let err = value_err(Serializer::Json, text.as_bytes());
        assert_eq!(err, "JSON at byte 0: number out of the float range");
    }
    assert!(
        decode_err(Serializer::Json, b"[36,1,1e400,{}]").contains("number out of the float range")
    );
    // Inside raw (skipped) args and kwargs too; found by fuzzing as well.
    for frame in [
        &b"[16,1,{},\"t\",[1e999]]"[..],
        b"[16,1,{},\"t\",[],{\"k\":-1e999}]",
        b"[16,1,{},\"t\",[34444444444444444444444]]",
        b"[16,1,{},\"t\",[-9223372036854775809]]",
    ] {
        let err = decode_err(Serializer::Json, frame);
        assert!(err.contains("out of the"), "{err}");
    }
    // The largest finite doubles and underflow to zero are fine.
    let v = Serializer::Json
        .decode_value(b"[1.7976931348623157e308,1e-400]", &Limits::default())
        .unwrap();
    assert_eq!(
        v,
        Value::List(vec![Value::Float(f64::MAX), Value::Float(0.0)])
    );
}

/// Found by fuzzing (`runtime_msgpack`): args/kwargs are skipped, not decoded,
/// and the skip paths let duplicate keys through, so `Codec::decode` accepted
/// frames whose payload failed later in `to_value`/`deserialize`.
#[test]
fn duplicate_keys_in_raw_payload_are_rejected_at_decode() {
    use wamp_idl_runtime::value::Dict;
    for s in Serializer::ALL {
        let mut kwargs = Dict::new();
        kwargs.insert("aa", 1u64);
        kwargs.insert("ab", Value::List(vec![Value::Dict(Dict::new())]));
        let mut nested = Dict::new();
        nested.insert("k", Value::Dict(kwargs.clone()));
        let message = Value::List(vec![
            16u64.into(),
            1u64.into(),
            Value::Dict(Dict::new()),
            "t".into(),
            Value::List(vec![Value::Dict(nested)]),
            Value::Dict(kwargs),
        ]);
        let good = s.encode_value(&message).unwrap();
        assert!(Codec::new(s).decode(good.clone()).is_ok(), "{s:?}");
        // Rename every key `ab` to `aa` (same length): duplicates in args and kwargs.
        let mut bad = good.clone();
        let mut renamed = 0;
        for i in 0..bad.len().saturating_sub(1) {
            if &bad[i..i + 2] == b"ab" {
                bad[i + 1] = b'a';
                renamed += 1;
            }
        }
        assert_eq!(renamed, 2, "{s:?}");
        let err = decode_err(s, &bad);
        assert!(err.contains("duplicate key \"aa\""), "{s:?}: {err}");
    }
}

/// CBOR keys can be written whole or in chunks (indefinite length); the skip
/// path kept the two kinds in separate sets, so a key written once each way
/// got through `Codec::decode`. Typed decoding of codec-validated args/kwargs
/// relies on the codec for duplicate keys, so this must be caught here.
#[test]
fn cbor_chunked_and_whole_duplicate_keys_are_rejected_at_decode() {
    // [16, 1, {}, "t", [], {"a": 1, (_ "a"): 2}]
    let mut frame = vec![0x86, 0x10, 0x01, 0xa0, 0x61, b't', 0x80];
    frame.extend([0xa2, 0x61, b'a', 0x01, 0x7f, 0x61, b'a', 0xff, 0x02]);
    let err = decode_err(Serializer::Cbor, &frame);
    assert!(err.contains("duplicate key \"a\""), "{err}");
    // The same in args, nested in a list.
    let mut frame = vec![0x85, 0x10, 0x01, 0xa0, 0x61, b't', 0x81];
    frame.extend([0xa2, 0x7f, 0x61, b'a', 0xff, 0x01, 0x61, b'a', 0x02]);
    let err = decode_err(Serializer::Cbor, &frame);
    assert!(err.contains("duplicate key \"a\""), "{err}");
}

/// Found by fuzzing (`runtime_json`): the skip path for raw args/kwargs did not
/// check the base64 of `"\u0000..."` binary strings.
#[test]
fn invalid_base64_in_raw_payload_is_rejected_at_decode() {
    let err = decode_err(Serializer::Json, b"[16,1,{},\"t\",[\"\\u0000A]==\"]]");
    assert!(err.contains("invalid base64 in binary string"), "{err}");
    let err = decode_err(Serializer::Json, b"[16,1,{},\"t\",[],{\"k\":\"\\u0000!\"}]");
    assert!(err.contains("invalid base64 in binary string"), "{err}");
    // Valid base64 and other escapes still pass.
    let ok = Codec::new(Serializer::Json)
        .decode(b"[16,1,{},\"t\",[\"\\u0000AQI=\",\"\\u0041\"]]".to_vec())
        .unwrap();
    let args = ok
        .payload()
        .and_then(|p| p.args())
        .unwrap()
        .to_value()
        .unwrap();
    assert_eq!(
        args,
        Value::List(vec![Value::Bytes(vec![1, 2]), Value::from("A")])
    );
}

mod fuzz_entries;

/// Test-vector frames of one of our serializers (both UBJSON dialects' variants
/// are returned for both: the other dialect's bytes are hostile input too).
fn vector_frames(key: &str) -> Vec<Vec<u8>> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("vectors dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/singlemessage"),
        &mut files,
    );
    let mut frames = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read vector");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("vector JSON");
        for sample in doc["samples"].as_array().into_iter().flatten() {
            for variant in sample["serializers"][key].as_array().into_iter().flatten() {
                if let Some(hex) = variant["bytes_hex"].as_str() {
                    frames.push(wamp_idl_runtime::describe::unhex(hex).expect("vector hex"));
                }
            }
        }
    }
    frames
}

/// Runs the fuzz targets' entry functions over a seed corpus built from the
/// test vectors (plus truncations and one-byte mutations), so that CI compiles
/// and exercises the fuzz code without libFuzzer.
#[test]
fn fuzz_entries_hold_on_the_seed_corpus() {
    use fuzz_entries::ARRAY_SERIALIZERS;
    let keys = ["json", "msgpack", "cbor", "ubjson", "ubjson"];
    let mut runs = 0;
    for (selector, (&serializer, key)) in ARRAY_SERIALIZERS.iter().zip(keys).enumerate() {
        let selector = u8::try_from(selector).expect("five serializers");
        let frames = vector_frames(key);
        assert!(frames.len() >= 25, "{key}: {} frames", frames.len());
        for frame in &frames {
            let mut variants = vec![frame.clone()];
            for cut in [1, frame.len() / 2, frame.len().saturating_sub(1)] {
                variants.push(frame[..cut.min(frame.len())].to_vec());
            }
            for at in [1, frame.len() / 3, frame.len() / 2] {
                let mut mutated = frame.clone();
                if let Some(b) = mutated.get_mut(at) {
                    *b ^= 0x5a;
                }
                variants.push(mutated);
            }
            for bytes in &variants {
                fuzz_entries::array_frame(serializer, bytes);
                let mut batch = vec![selector];
                if serializer == Serializer::Json {
                    batch.extend_from_slice(bytes);
                    batch.push(0x1e);
                } else {
                    let len = u32::try_from(bytes.len()).expect("small frame");
                    batch.extend_from_slice(&len.to_be_bytes());
                    batch.extend_from_slice(bytes);
                }
                fuzz_entries::batch(&batch);
                let mut typed = vec![selector];
                typed.extend_from_slice(bytes);
                fuzz_entries::typed_payload(&typed);
                runs += 3;
            }
        }
    }
    for frame in vector_frames("flatbuffers") {
        for payload in 0..5u8 {
            let mut input = vec![payload];
            input.extend_from_slice(&frame);
            fuzz_entries::flatbuffers_frame(&input);
            input.truncate(input.len() / 2);
            fuzz_entries::flatbuffers_frame(&input);
            runs += 2;
        }
    }
    // Typed payloads that match the target types.
    for (selector, &serializer) in ARRAY_SERIALIZERS.iter().enumerate() {
        let selector = u8::try_from(selector).expect("five serializers");
        let mut order = wamp_idl_runtime::value::Dict::new();
        order.insert("id", 7u64);
        order.insert("name", "tea");
        order.insert("price", 2.5);
        order.insert("tags", Value::List(vec![Value::from("hot")]));
        order.insert("kind", "Plain");
        for value in [
            Value::Dict(order),
            Value::List(vec![
                Value::from(1u64),
                Value::from("x"),
                Value::Bytes(vec![1, 2]),
            ]),
            Value::List(vec![Value::from("Plain")]),
        ] {
            let mut input = vec![selector];
            input.extend(serializer.encode_value(&value).expect("encode seed"));
            fuzz_entries::typed_payload(&input);
            runs += 1;
        }
    }
    assert!(runs > 1000, "only {runs} runs");
}

/// Inputs on which the `runtime_payload` fuzz target once failed: the typed
/// decode accepted duplicate keys and JSON float overflow that `to_value`
/// rejects. Each must now pass the target's checks.
#[test]
fn typed_payload_fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz_regressions/runtime_payload");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("regression corpus") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        fuzz_entries::typed_payload(&bytes);
        count += 1;
    }
    assert!(count >= 5, "{count} regression inputs in {}", dir.display());
}

/// Found by the `runtime_msgpack` fuzz target: `[70, 6, {}, null, {}]` (a
/// YIELD with null args and empty kwargs) decoded to args `None`, but
/// re-encoding writes `[]` for args before kwargs (as autobahn does), which
/// decoded to an empty list: decoding was not stable under re-encoding. Null
/// args followed by kwargs now decode as an empty list, in every format.
#[test]
fn null_args_before_kwargs_decode_as_an_empty_list() {
    let frame = [0x95, 0x46, 0x06, 0x80, 0xc0, 0x80];
    fuzz_entries::array_frame(Serializer::MsgPack, &frame);
    for (serializer, frame) in [
        (Serializer::MsgPack, frame.to_vec()),
        (Serializer::Json, b"[70,6,{},null,{}]".to_vec()),
    ] {
        let message = Codec::new(serializer).decode(frame).expect("decodes");
        let payload = message.payload().expect("YIELD has a payload");
        assert_eq!(
            payload.args_list().unwrap(),
            Some(Vec::new()),
            "{serializer:?}"
        );
        assert_eq!(payload.kwargs_dict().unwrap().map(|d| d.len()), Some(0));
    }
}
