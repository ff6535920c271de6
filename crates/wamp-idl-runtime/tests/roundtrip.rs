//! Round-trip property tests for every codec: random values and random
//! messages (binary, integers up to and beyond 2^53, negative integers,
//! unicode, empty and nested containers, unknown option keys).

use proptest::prelude::*;
use wamp_idl_runtime::message::{
    Call, CallResult, ErrorMessage, Event, Invocation, Message, Publish, Subscribe, Yield,
};
use wamp_idl_runtime::payload::Payload;
use wamp_idl_runtime::serializer::{Codec, Limits, Serializer};
use wamp_idl_runtime::value::{Dict, Value};

const MAX_ID: u64 = 1 << 53;

fn key() -> impl Strategy<Value = String> + Clone {
    // Unicode keys, plus short ASCII ones so that dicts get several entries.
    prop_oneof![r"[a-z_]{1,6}", any::<String>()]
}

fn leaf() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0..=MAX_ID).prop_map(Value::UInt),
        any::<u64>().prop_map(Value::UInt),
        (i64::MIN..0).prop_map(Value::Int),
        (-1000i64..0).prop_map(Value::Int),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::Float),
        // A string starting with U+0000 is the JSON binary convention; such
        // strings cannot exist as text in WAMP JSON.
        any::<String>()
            .prop_filter("no leading NUL", |s| !s.starts_with('\0'))
            .prop_map(Value::Str),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
    ]
}

fn value() -> impl Strategy<Value = Value> + Clone {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::List),
            proptest::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Dict(entries.into_iter().collect())),
        ]
    })
}

fn uri() -> impl Strategy<Value = String> {
    r"[a-z0-9_]{1,8}(\.[a-z0-9_]{1,8}){0,3}"
}

fn id() -> impl Strategy<Value = u64> {
    prop_oneof![1..=MAX_ID, Just(1u64), Just(MAX_ID), 1u64..300]
}

/// Options with implementation-specific keys (unknown to the validator) of any value.
fn custom_dict() -> impl Strategy<Value = Dict> {
    proptest::collection::vec((r"_[a-z0-9_]{3,8}", value()), 0..4)
        .prop_map(|entries| entries.into_iter().collect())
}

fn payload() -> impl Strategy<Value = (Payload, bool)> {
    let args = proptest::collection::vec(value(), 0..4);
    let kwargs = proptest::collection::vec((key(), value()), 0..4)
        .prop_map(|e: Vec<(String, Value)>| e.into_iter().collect::<Dict>());
    prop_oneof![
        Just((Payload::default(), false)),
        args.clone().prop_map(|a| (Payload::from_args(a), false)),
        (args, kwargs.clone()).prop_map(|(a, k)| (Payload::from_args_kwargs(a, k), false)),
        kwargs.prop_map(|k| (
            Payload::Normal {
                args: None,
                kwargs: Some(wamp_idl_runtime::RawValue::from_value(Value::Dict(k))),
            },
            false
        )),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(|b| (Payload::transparent(b), true)),
    ]
}

fn message() -> impl Strategy<Value = Message> {
    (0u8..8, id(), id(), custom_dict(), uri(), payload()).prop_map(
        |(kind, a, b, mut dict, uri, (payload, transparent))| {
            if transparent {
                dict.insert("enc_algo", "cryptobox");
                dict.insert("enc_serializer", "cbor");
            }
            match kind {
                0 => Publish {
                    request: a,
                    options: dict.into(),
                    topic: uri,
                    payload,
                }
                .into(),
                1 => Event {
                    subscription: a,
                    publication: b,
                    details: dict.into(),
                    payload,
                }
                .into(),
                2 => Call {
                    request: a,
                    options: dict.into(),
                    procedure: uri,
                    payload,
                }
                .into(),
                3 => CallResult {
                    request: a,
                    details: dict.into(),
                    payload,
                }
                .into(),
                4 => Invocation {
                    request: a,
                    registration: b,
                    details: dict.into(),
                    payload,
                }
                .into(),
                5 => Yield {
                    request: a,
                    options: dict.into(),
                    payload,
                }
                .into(),
                6 => ErrorMessage {
                    request_type: 48,
                    request: a,
                    details: dict.into(),
                    error: uri,
                    payload,
                }
                .into(),
                _ => Subscribe {
                    request: a,
                    options: dict.into(),
                    topic: uri,
                }
                .into(),
            }
        },
    )
}

/// The message as a decoder sees it: a kwargs-only payload is sent with an
/// empty args list first (trailing-element rule), which decodes as `args = []`.
fn wire_form(msg: &Message) -> Message {
    Message::from_value(msg.to_value().expect("to_value")).expect("valid")
}

/// Values equal up to what a format cannot carry (py-ubjson writes NaN as null;
/// not generated here, so plain equality holds).
fn assert_value_roundtrip(s: Serializer, v: &Value) -> Result<(), TestCaseError> {
    let bytes = s
        .encode_value(v)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back = s
        .decode_value(&bytes, &Limits::default())
        .map_err(|e| TestCaseError::fail(format!("{s:?}: {e}")))?;
    prop_assert_eq!(&back, v, "{:?}", s);
    // Canonical: re-encoding gives the same bytes.
    prop_assert_eq!(s.encode_value(&back).ok(), Some(bytes), "{:?}", s);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn values_roundtrip_in_every_format(v in value()) {
        for s in Serializer::ALL {
            assert_value_roundtrip(s, &v)?;
        }
    }

    #[test]
    fn messages_roundtrip_in_every_format(msg in message()) {
        prop_assert!(msg.validate().is_ok(), "{:?}", msg.validate());
        let msg = wire_form(&msg);
        for s in Serializer::ALL {
            let codec = Codec::new(s);
            let bytes = codec.encode(&msg).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back = codec.decode(bytes.clone()).map_err(|e| TestCaseError::fail(format!("{s:?}: {e}")))?;
            prop_assert_eq!(&back, &msg, "{:?}", s);
            prop_assert_eq!(codec.encode(&back).ok(), Some(bytes), "{:?}", s);
        }
    }

    #[test]
    fn messages_convert_between_formats(msg in message()) {
        // Raw args of one format re-encode in another.
        let json = Codec::new(Serializer::Json);
        let decoded = json.decode(json.encode(&msg).map_err(|e| TestCaseError::fail(e.to_string()))?)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for s in Serializer::ALL {
            let codec = Codec::new(s);
            let direct = codec.encode(&msg).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let via_json = codec.encode(&decoded).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(direct, via_json, "{:?}", s);
        }
    }

    #[test]
    fn batches_roundtrip(msgs in proptest::collection::vec(message(), 1..5)) {
        let msgs: Vec<Message> = msgs.iter().map(wire_form).collect();
        for s in Serializer::ALL {
            let codec = Codec::new(s);
            let frame = codec.encode_batch(&msgs).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back = codec.decode_batch(frame).map_err(|e| TestCaseError::fail(format!("{s:?}: {e}")))?;
            prop_assert_eq!(&back, &msgs, "{:?}", s);
        }
    }
}

#[test]
fn integer_edges_roundtrip() {
    let edges = [
        Value::UInt(0),
        Value::UInt(23),
        Value::UInt(24),
        Value::UInt(127),
        Value::UInt(128),
        Value::UInt(255),
        Value::UInt(256),
        Value::UInt(65535),
        Value::UInt(65536),
        Value::UInt(u64::from(u32::MAX)),
        Value::UInt(u64::from(u32::MAX) + 1),
        Value::UInt(MAX_ID),
        Value::UInt(i64::MAX as u64),
        Value::UInt(i64::MAX as u64 + 1),
        Value::UInt(u64::MAX),
        Value::Int(-1),
        Value::Int(-32),
        Value::Int(-33),
        Value::Int(-128),
        Value::Int(-129),
        Value::Int(i64::from(i16::MIN)),
        Value::Int(i64::from(i32::MIN)),
        Value::Int(i64::MIN),
    ];
    for s in Serializer::ALL {
        for v in &edges {
            let bytes = s.encode_value(v).unwrap();
            assert_eq!(
                &s.decode_value(&bytes, &Limits::default()).unwrap(),
                v,
                "{s:?}"
            );
        }
    }
}

#[test]
fn empty_and_nested_containers_roundtrip() {
    let v = Value::List(vec![
        Value::List(vec![]),
        Value::Dict(Dict::new()),
        Value::List(vec![Value::List(vec![Value::Dict(Dict::new())])]),
        Value::Bytes(vec![]),
        Value::from(""),
        Value::from("a"),
        Value::from("ünïcødé ✓ 😀"),
    ]);
    for s in Serializer::ALL {
        let bytes = s.encode_value(&v).unwrap();
        assert_eq!(
            s.decode_value(&bytes, &Limits::default()).unwrap(),
            v,
            "{s:?}"
        );
    }
}
