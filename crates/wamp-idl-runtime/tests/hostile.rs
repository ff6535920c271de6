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
        "message array has more than 7 elements"
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
