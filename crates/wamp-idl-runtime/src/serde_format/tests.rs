//! Typed paths against the `Value` paths, zero-copy, error paths, limits,
//! and CBOR against `ciborium` as an independent oracle.

use std::borrow::Cow;
use std::collections::BTreeMap;

use proptest::prelude::*;
use serde::{Deserialize, Serialize};

use super::{from_slice, from_slice_at, to_vec};
use crate::error::ErrorKind;
use crate::serializer::{Limits, Serializer, UbjsonDialect};
use crate::value::{to_value, Dict, Value};

const ALL: [Serializer; 5] = [
    Serializer::Json,
    Serializer::MsgPack,
    Serializer::Cbor,
    Serializer::Ubjson(UbjsonDialect::BjData),
    Serializer::Ubjson(UbjsonDialect::Draft12),
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum Shape {
    Dot,
    Circle(f64),
    Rect { w: u16, h: u16 },
    Pair(i8, String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Record {
    id: u64,
    delta: i64,
    name: String,
    tags: Vec<String>,
    #[serde(with = "serde_bytes_vec")]
    blob: Vec<u8>,
    maybe: Option<i32>,
    shape: Shape,
    attrs: BTreeMap<String, bool>,
    ratio: f64,
}

/// `serialize_bytes`/`deserialize_byte_buf` for a `Vec<u8>` field, like
/// `serde_bytes` does.
mod serde_bytes_vec {
    use serde::de::{Deserializer, Error, Visitor};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(b)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        d.deserialize_byte_buf(V)
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Dot),
        (-1e9f64..1e9).prop_map(Shape::Circle),
        (any::<u16>(), any::<u16>()).prop_map(|(w, h)| Shape::Rect { w, h }),
        (any::<i8>(), "\\PC{0,8}").prop_map(|(i, s)| Shape::Pair(i, s)),
    ]
}

prop_compose! {
    fn record()(
        id in any::<u64>(),
        delta in any::<i64>(),
        name in "\\PC{0,24}",
        tags in prop::collection::vec("[a-z\\u{e9}\\u{1f600}\"\\\\\n]{0,6}", 0..4),
        blob in prop::collection::vec(any::<u8>(), 0..40),
        maybe in any::<Option<i32>>(),
        shape in shape(),
        attrs in prop::collection::btree_map("[a-z]{1,5}", any::<bool>(), 0..4),
        ratio in -1e12f64..1e12,
    ) -> Record {
        Record { id, delta, name, tags, blob, maybe, shape, attrs, ratio }
    }
}

/// Any `Value` the formats can all represent (no NaN: JSON cannot).
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::UInt),
        (i64::MIN..0).prop_map(Value::Int),
        (-1e300f64..1e300).prop_map(Value::Float),
        "\\PC{0,12}".prop_map(Value::Str),
        prop::collection::vec(any::<u8>(), 0..16).prop_map(Value::Bytes),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::List),
            prop::collection::btree_map("[a-z]{0,4}", inner, 0..6)
                .prop_map(|m| Value::Dict(m.into_iter().collect::<Dict>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Typed encode gives the bytes of the `Value` path, and typed decode of
    /// them gives the value back, in every format.
    #[test]
    fn typed_round_trip_equals_value_path(r in record()) {
        let value = to_value(&r).unwrap();
        for s in ALL {
            let typed = to_vec(s, &r).unwrap();
            prop_assert_eq!(&typed, &s.encode_value(&value).unwrap(), "{:?}", s);
            let back: Record = from_slice(s, &typed, &Limits::default()).unwrap();
            prop_assert_eq!(&back, &r, "{:?}", s);
            let via_value: Record = crate::value::from_value(
                s.decode_value(&typed, &Limits::default()).unwrap()
            ).unwrap();
            prop_assert_eq!(&via_value, &back, "{:?}", s);
        }
    }

    /// Deserializing any value into `Value` through the typed deserializer
    /// gives what the codec's own decoder gives.
    #[test]
    fn dynamic_values_agree_with_the_codecs(v in value()) {
        for s in ALL {
            let bytes = s.encode_value(&v).unwrap();
            let typed: Value = from_slice(s, &bytes, &Limits::default()).unwrap();
            prop_assert_eq!(&typed, &s.decode_value(&bytes, &Limits::default()).unwrap());
            prop_assert_eq!(to_vec(s, &v).unwrap(), bytes, "{:?}", s);
        }
    }

    /// ciborium (independent implementation) reads our typed CBOR and we
    /// read its output.
    #[test]
    fn cbor_agrees_with_ciborium(r in record()) {
        let ours = to_vec(Serializer::Cbor, &r).unwrap();
        let theirs: Record = ciborium::from_reader(&ours[..]).unwrap();
        prop_assert_eq!(&theirs, &r);
        let mut out = Vec::new();
        ciborium::into_writer(&r, &mut out).unwrap();
        let back: Record = from_slice(Serializer::Cbor, &out, &Limits::default()).unwrap();
        prop_assert_eq!(&back, &r);
    }

    /// Arbitrary bytes never panic and are accepted exactly when the codec
    /// accepts them.
    #[test]
    fn arbitrary_bytes_agree_with_the_codecs(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        for s in ALL {
            let typed = from_slice::<Value>(s, &bytes, &Limits::default());
            let codec = s.decode_value(&bytes, &Limits::default());
            prop_assert_eq!(typed.is_ok(), codec.is_ok(), "{:?} {:?} {:?}", s, typed, codec);
            if let (Ok(a), Ok(b)) = (typed, codec) {
                prop_assert_eq!(a, b);
            }
        }
    }
}

/// Why CBOR args are not written with ciborium: autobahn (cbor2) writes
/// every float as float 64, ciborium the shortest lossless width.
#[test]
fn ciborium_float_width_differs_from_autobahn() {
    let ours = to_vec(Serializer::Cbor, &3.5f64).unwrap();
    assert_eq!(ours, [0xfb, 0x40, 0x0c, 0, 0, 0, 0, 0, 0]);
    let mut theirs = Vec::new();
    ciborium::into_writer(&3.5f64, &mut theirs).unwrap();
    assert_ne!(
        theirs, ours,
        "ciborium now writes float 64 too: {theirs:x?}"
    );
}

#[derive(Debug, Deserialize, PartialEq)]
struct Borrowing<'a> {
    name: &'a str,
    #[serde(borrow)]
    note: Cow<'a, str>,
    #[serde(with = "serde_bytes_borrowed")]
    data: &'a [u8],
}

mod serde_bytes_borrowed {
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'de [u8], D::Error> {
        serde::Deserialize::deserialize(d)
    }
}

#[test]
fn binary_formats_lend_strings_and_bytes() {
    #[derive(Serialize)]
    struct Out<'a> {
        name: &'a str,
        note: &'a str,
        #[serde(with = "serde_bytes_vec")]
        data: Vec<u8>,
    }
    let out = Out {
        name: "ann",
        note: "hi",
        data: vec![1, 2, 3],
    };
    for s in [
        Serializer::MsgPack,
        Serializer::Cbor,
        Serializer::Ubjson(UbjsonDialect::BjData),
    ] {
        let bytes = to_vec(s, &out).unwrap();
        let b: Borrowing = from_slice(s, &bytes, &Limits::default()).unwrap();
        assert_eq!(b.name, "ann", "{s:?}");
        assert!(matches!(b.note, Cow::Borrowed("hi")), "{s:?}");
        assert_eq!(b.data, [1, 2, 3], "{s:?}");
        // The borrowed slices point into the input.
        let range = bytes.as_ptr_range();
        assert!(range.contains(&b.name.as_ptr()), "{s:?}");
    }
    // JSON lends strings without escapes; escaped ones are owned.
    let json = br#"{"name":"ann","note":"a\nb","data":"\u0000AQID"}"#;
    #[derive(Debug, Deserialize)]
    struct J<'a> {
        name: &'a str,
        #[serde(borrow)]
        note: Cow<'a, str>,
        #[serde(with = "serde_bytes_vec")]
        data: Vec<u8>,
    }
    let j: J = from_slice(Serializer::Json, json, &Limits::default()).unwrap();
    assert_eq!(j.name, "ann");
    assert!(matches!(j.note, Cow::Owned(ref s) if s == "a\nb"));
    assert_eq!(j.data, [1, 2, 3]);
}

#[test]
fn byte_strings_fill_plain_byte_vectors_and_arrays() {
    for s in ALL {
        let bytes = s.encode_value(&Value::Bytes(vec![9, 8, 7])).unwrap();
        let v: Vec<u8> = from_slice(s, &bytes, &Limits::default()).unwrap();
        assert_eq!(v, [9, 8, 7], "{s:?}");
        let a: [u8; 3] = from_slice(s, &bytes, &Limits::default()).unwrap();
        assert_eq!(a, [9, 8, 7], "{s:?}");
    }
}

#[test]
fn errors_name_the_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct User {
        name: u32,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Kw {
        user: User,
    }
    let kwargs = Value::Dict(
        [("user", Value::Dict([("name", "ann")].into_iter().collect()))]
            .into_iter()
            .collect(),
    );
    let args = Value::List(vec![Value::from(1u64), Value::from("x")]);
    for s in ALL {
        let a = s.encode_value(&args).unwrap();
        let e = from_slice_at::<(u8, i32)>(s, &a, &Limits::default(), "args").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Payload);
        assert_eq!(
            e.to_string(),
            r#"args[1]: expected i32, got string "x""#,
            "{s:?}"
        );
        let k = s.encode_value(&kwargs).unwrap();
        let e = from_slice_at::<Kw>(s, &k, &Limits::default(), "kwargs").unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"kwargs.user.name: expected u32, got string "ann""#,
            "{s:?}"
        );
        // Too few / too many items.
        let pair = s
            .encode_value(&Value::List(vec![1u64.into(), 2u64.into()]))
            .unwrap();
        let e = from_slice::<(u8, u8, u8)>(s, &pair, &Limits::default()).unwrap_err();
        assert!(
            e.to_string().contains("expected a tuple of size 3"),
            "{s:?}: {e}"
        );
        let e = from_slice::<(u8,)>(s, &pair, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("fewer items"), "{s:?}: {e}");
    }
    // Malformed bytes are codec errors, with the path where they were found.
    let e = from_slice_at::<Vec<String>>(
        Serializer::Json,
        b"[\"a\", \"\xff\"]",
        &Limits::default(),
        "args",
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Codec);
    assert_eq!(e.to_string(), "args[1]: JSON at byte 7: invalid UTF-8");
}

#[test]
fn depth_limit_and_hostile_lengths() {
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let nested = b"[[[1]]]";
    assert_eq!(
        from_slice::<Value>(Serializer::Json, nested, &limits).unwrap(),
        Serializer::Json.decode_value(nested, &limits).unwrap()
    );
    let too_deep = b"[[[[1]]]]";
    let e = from_slice::<Value>(Serializer::Json, too_deep, &limits).unwrap_err();
    assert!(
        e.to_string().contains("nesting deeper than the limit of 3"),
        "{e}"
    );
    assert!(Serializer::Json.decode_value(too_deep, &limits).is_err());
    // A CBOR list announcing 2^32 items, a MessagePack string of 4 GiB:
    // rejected at the end of the input, nothing allocated for the count.
    let e = from_slice::<Vec<u8>>(Serializer::Cbor, &[0x9a, 0xff, 0xff, 0xff, 0xff], &limits)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Codec, "{e}");
    let e = from_slice::<String>(
        Serializer::MsgPack,
        &[0xdb, 0xff, 0xff, 0xff, 0xff],
        &limits,
    )
    .unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");
    // Tag chains count towards the depth.
    let tags = [0xc6u8; 10]
        .iter()
        .copied()
        .chain([0x01])
        .collect::<Vec<_>>();
    assert!(from_slice::<u8>(Serializer::Cbor, &tags, &limits).is_err());
    // Typed encode refuses what the format cannot carry.
    assert!(to_vec(Serializer::Json, &f64::NAN).is_err());
    assert!(to_vec(Serializer::Json, "\0abc").is_err());
    let mut deep = Value::Null;
    for _ in 0..100 {
        deep = Value::List(vec![deep]);
    }
    assert!(to_vec(Serializer::Cbor, &deep).is_err());
    let bad_keys: BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into_iter().collect();
    let e = to_vec(Serializer::Cbor, &bad_keys).unwrap_err();
    assert_eq!(e.to_string(), "dict keys must be strings, got list");
}

#[test]
fn unknown_length_sequences_and_maps_are_buffered() {
    #[derive(Serialize)]
    struct Inner {
        b: u8,
    }
    #[derive(Serialize)]
    struct Outer {
        a: u8,
        #[serde(flatten)]
        inner: Inner,
    }
    for s in ALL {
        let v = Outer {
            a: 1,
            inner: Inner { b: 2 },
        };
        let bytes = to_vec(s, &v).unwrap();
        assert_eq!(
            bytes,
            s.encode_value(&to_value(&v).unwrap()).unwrap(),
            "{s:?}"
        );
    }
}

#[test]
fn ubjson_typed_containers_decode() {
    // [$i#3 1 2 3] and {$U#1 key "a" value 7}, draft 12.
    let s = Serializer::Ubjson(UbjsonDialect::Draft12);
    let list = b"[$i#U\x03\x01\x02\x03";
    let v: Vec<i8> = from_slice(s, list, &Limits::default()).unwrap();
    assert_eq!(v, [1, 2, 3]);
    let dict = b"{$U#U\x01U\x01a\x07";
    let m: BTreeMap<String, u8> = from_slice(s, dict, &Limits::default()).unwrap();
    assert_eq!(m.get("a"), Some(&7));
    let nested = b"[[$i#U\x02\x01\x02Z]";
    let v: (Vec<i8>, Option<u8>) = from_slice(s, nested, &Limits::default()).unwrap();
    assert_eq!(v, (vec![1, 2], None));
}

/// Found by the `runtime_payload` fuzz target: the typed path must reject what
/// `to_value` rejects, or a payload decodes differently depending on the API.
#[test]
fn typed_decode_rejects_duplicate_keys_and_float_overflow() {
    // {"a": 1, "a": 2} in each format.
    let duplicates: [(Serializer, &[u8]); 3] = [
        (Serializer::Json, br#"{"a":1,"a":2}"#),
        (
            Serializer::MsgPack,
            &[0x82, 0xa1, b'a', 0x01, 0xa1, b'a', 0x02],
        ),
        (
            Serializer::Cbor,
            &[0xa2, 0x61, b'a', 0x01, 0x61, b'a', 0x02],
        ),
    ];
    for (s, bytes) in duplicates {
        let error = from_slice::<BTreeMap<String, u8>>(s, bytes, &Limits::default()).unwrap_err();
        assert!(
            error.to_string().contains("duplicate key `a`"),
            "{s:?}: {error}"
        );
        let error = from_slice::<serde_json::Value>(s, bytes, &Limits::default()).unwrap_err();
        assert!(
            error.to_string().contains("duplicate key `a`"),
            "{s:?}: {error}"
        );
    }
    let error = from_slice::<f64>(Serializer::Json, b"1e999", &Limits::default()).unwrap_err();
    assert!(
        error.to_string().contains("out of the float range"),
        "{error}"
    );
}
