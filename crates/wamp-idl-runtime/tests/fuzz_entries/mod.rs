//! Entry functions of the runtime's fuzz targets (`fuzz/fuzz_targets/runtime_*.rs`
//! include this file by path) and of the seed-corpus test in `tests/hostile.rs`,
//! so that CI compiles and runs the fuzz code without libFuzzer.
//!
//! Each function takes arbitrary bytes and panics only when a property fails:
//!
//! - decoding never panics;
//! - a frame an array codec accepts has args/kwargs that decode (the decoder
//!   checked them while skipping; FlatBuffers leaves them unchecked, so there a
//!   failure must only be a clean codec error), a JSON description, and
//!   re-encodes with the same codec into a frame that decodes to an equal message;
//! - a single value the codec accepts re-encodes and decodes to itself;
//! - typed payload decoding (`RawValue::deserialize`) never panics.
//!
//! NaN is not equal to itself, and UBJSON draft 12 writes NaN/infinities as
//! null, so the equality checks skip values holding non-finite floats.

#![allow(dead_code)] // each fuzz target uses only some of the entries

use wamp_idl_runtime::describe;
use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::serializer::{Codec, Limits, Serializer, UbjsonDialect};
use wamp_idl_runtime::value::Value;
use wamp_idl_runtime::{ErrorKind, Message, RawValue};

/// The array-envelope serializers, indexed by a selector byte.
pub const ARRAY_SERIALIZERS: [Serializer; 5] = [
    Serializer::Json,
    Serializer::MsgPack,
    Serializer::Cbor,
    Serializer::Ubjson(UbjsonDialect::BjData),
    Serializer::Ubjson(UbjsonDialect::Draft12),
];

/// Whether a value holds bytes (which `serde_json::Value` cannot hold).
fn has_bytes(v: &Value) -> bool {
    match v {
        Value::Bytes(_) => true,
        Value::List(items) => items.iter().any(has_bytes),
        Value::Dict(d) => d.iter().any(|(_, v)| has_bytes(v)),
        _ => false,
    }
}

fn has_non_finite(v: &Value) -> bool {
    match v {
        Value::Float(f) => !f.is_finite(),
        Value::List(items) => items.iter().any(has_non_finite),
        Value::Dict(d) => d.iter().any(|(_, v)| has_non_finite(v)),
        _ => false,
    }
}

/// Checks the properties of an accepted message; `reencode` writes it with
/// the codec that read it and `redecode` reads that frame back.
/// `payload_checked`: whether the decoder promises that args/kwargs of an
/// accepted frame decode (the array codecs check them while skipping; the
/// FlatBuffers codec keeps them as unchecked bytes until asked).
fn check_accepted(
    what: &str,
    message: &Message,
    payload_checked: bool,
    reencode: impl Fn(&Message) -> wamp_idl_runtime::Result<Vec<u8>>,
    redecode: impl Fn(Vec<u8>) -> wamp_idl_runtime::Result<Message>,
) {
    let value = match message.to_value() {
        Ok(v) => v,
        Err(e) if !payload_checked => {
            assert_eq!(e.kind(), ErrorKind::Codec, "{what}: {e}");
            return;
        }
        Err(e) => panic!("{what}: accepted frame, but its args/kwargs do not decode: {e}"),
    };
    // A JSON description may fail only for values JSON cannot hold.
    if let Err(e) = describe::to_json(message) {
        let text = e.to_string();
        assert!(
            text.contains("float") || text.contains("U+0000"),
            "{what}: no JSON description: {e}"
        );
    }
    let frame = match reencode(message) {
        Ok(frame) => frame,
        Err(e) => {
            // The decoded values are the format's own, so only limits can stop them.
            panic!("{what}: accepted message does not re-encode: {e}\n{message:?}")
        }
    };
    match redecode(frame) {
        Ok(back) => {
            if !has_non_finite(&value) {
                assert_eq!(&back, message, "{what}: re-encoded message differs");
            }
        }
        Err(e) => panic!("{what}: re-encoded frame does not decode: {e}\n{message:?}"),
    }
}

/// One frame of an array envelope, then the same bytes as a single value.
pub fn array_frame(serializer: Serializer, data: &[u8]) {
    let codec = Codec::new(serializer);
    if let Ok(message) = codec.decode_slice(data) {
        check_accepted(
            &format!("{serializer:?}"),
            &message,
            true,
            |m| codec.encode(m),
            |f| codec.decode(f),
        );
    }
    let limits = Limits::default();
    if let Ok(value) = serializer.decode_value(data, &limits) {
        let bytes = match serializer.encode_value(&value) {
            Ok(bytes) => bytes,
            Err(e) => panic!("{serializer:?}: accepted value does not re-encode: {e}\n{value:?}"),
        };
        match serializer.decode_value(&bytes, &limits) {
            Ok(back) => {
                if !has_non_finite(&value) {
                    assert_eq!(back, value, "{serializer:?}: re-encoded value differs");
                }
            }
            Err(e) => panic!("{serializer:?}: re-encoded value does not decode: {e}\n{value:?}"),
        }
    }
}

/// One FlatBuffers frame; the first byte picks the payload serializer.
pub fn flatbuffers_frame(data: &[u8]) {
    let Some((&selector, frame)) = data.split_first() else {
        return;
    };
    let payload = ARRAY_SERIALIZERS[usize::from(selector) % ARRAY_SERIALIZERS.len()];
    let codec = FlatBuffersCodec::new().with_payload_serializer(payload);
    if let Ok(view) = codec.view(frame.to_vec()) {
        let _ = (view.message_type(), view.request(), view.uri());
        let _ = (view.args(), view.kwargs(), view.payload());
    }
    if let Ok(message) = codec.decode(frame.to_vec()) {
        check_accepted(
            "flatbuffers",
            &message,
            false,
            |m| codec.encode(m),
            |f| codec.decode(f),
        );
    }
}

/// A batched frame; the first byte picks the envelope (the five array
/// serializers, then FlatBuffers).
pub fn batch(data: &[u8]) {
    let Some((&selector, frame)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        max_batch_messages: 64,
        ..Limits::default()
    };
    match ARRAY_SERIALIZERS.get(usize::from(selector) % 6) {
        Some(&serializer) => {
            let codec = Codec::new(serializer).with_limits(limits);
            if let Ok(messages) = codec.decode_batch(frame.to_vec()) {
                assert!(!messages.is_empty(), "{serializer:?}: empty batch accepted");
                let again = match codec.encode_batch(&messages) {
                    Ok(again) => again,
                    Err(e) => panic!("{serializer:?}: accepted batch does not re-encode: {e}"),
                };
                if let Err(e) = codec.decode_batch(again) {
                    panic!("{serializer:?}: re-encoded batch does not decode: {e}");
                }
            }
        }
        None => {
            let codec = FlatBuffersCodec::new().with_limits(limits);
            if let Ok(messages) = codec.decode_batch(frame.to_vec()) {
                assert!(!messages.is_empty(), "flatbuffers: empty batch accepted");
            }
        }
    }
}

/// A small typed payload, as generated code would deserialize args into.
#[derive(Debug, serde::Deserialize)]
pub struct Order {
    /// An id.
    pub id: u64,
    /// A name.
    pub name: String,
    /// Optional float.
    pub price: Option<f64>,
    /// A list of strings.
    #[serde(default)]
    pub tags: Vec<String>,
    /// A nested enum.
    pub kind: Option<Kind>,
}

/// An enum with unit, newtype and struct variants.
#[derive(Debug, serde::Deserialize)]
pub enum Kind {
    /// Unit.
    Plain,
    /// Newtype.
    Sized(i32),
    /// Struct.
    Boxed {
        /// Width.
        w: u16,
        /// Height.
        h: u16,
    },
}

/// One encoded value as a typed payload; the first byte picks the serializer.
pub fn typed_payload(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let serializer = ARRAY_SERIALIZERS[usize::from(selector) % ARRAY_SERIALIZERS.len()];
    let raw = RawValue::from_encoded(bytes.to_vec().into(), serializer);
    let as_json = raw.deserialize::<serde_json::Value>();
    let as_value = raw.to_value();
    if let (Ok(_), Err(e)) = (&as_json, &as_value) {
        panic!("{serializer:?}: typed decoding accepts bytes that `to_value` rejects: {e}");
    }
    // Both read the same bytes: one accepts exactly when the other does,
    // except for values serde_json cannot hold (bytes, non-finite floats).
    if let (Err(e), Ok(v)) = (&as_json, &as_value) {
        assert!(
            has_bytes(v) || has_non_finite(v),
            "{serializer:?}: value decodes but not into serde_json::Value: {e}\n{v:?}"
        );
    }
    let _ = raw.deserialize::<Order>();
    let _ = raw.deserialize::<(u64, String, Vec<u8>)>();
    let _ = raw.deserialize::<Vec<Kind>>();
    let _ = raw.deserialize::<std::collections::BTreeMap<String, Option<i64>>>();
}
