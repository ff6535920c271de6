//! Typed serde decoding and encoding straight over the bytes of each
//! envelope format, without going through the dynamic [`Value`](crate::Value).
//!
//! [`from_slice`] runs a `serde::Deserializer` over JSON, MessagePack, CBOR
//! or UBJSON/BJData bytes; [`to_vec`] runs a `serde::Serializer` that writes
//! them. [`crate::RawValue::deserialize`] and
//! [`crate::Payload::from_serialize_args_in`] use them.
//!
//! - Same rules as the envelope codecs: nesting is limited by
//!   [`Limits::max_depth`], a length prefix is checked against the bytes that
//!   are there before anything is allocated for it, integers never go
//!   through `f64`, invalid UTF-8 is rejected, JSON strings starting with
//!   U+0000 carry base64 bytes (the WAMP binary convention).
//! - Zero-copy: a type that borrows (`&str`, `&[u8]`, `Cow`) gets slices of
//!   the input where the format stores the text or bytes as they are (all
//!   strings and byte strings of the binary formats; JSON strings without
//!   escapes).
//! - Byte strings deserialize into `serde_bytes`-style fields and into plain
//!   `Vec<u8>`/`[u8; N]` sequences alike.
//! - Errors name the path of the value that failed:
//!   `args[1]: expected i32, got string "x"`, `kwargs.user.name: ...`.
//!
//! The CBOR decoder is hand-written rather than `ciborium`: `ciborium`'s
//! reader-based deserializer cannot borrow from the input and zero-fills a
//! 4 KiB scratch buffer on every call, which made it 2-3x slower than
//! `serde_json` on WAMP-sized payloads (`docs/performance.md`). `ciborium`
//! serves as the independent oracle in the CBOR tests instead; it does not
//! write args either, as it shortens floats (3.5 as a half float) where
//! autobahn's cbor2 writes float 64.
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::serde_format::{from_slice, to_vec};
//! use wamp_idl_runtime::serializer::{Limits, Serializer};
//!
//! #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
//! struct User<'a> { name: &'a str, age: u8 }
//!
//! let bytes = to_vec(Serializer::Cbor, &User { name: "ann", age: 7 }).unwrap();
//! let user: User = from_slice(Serializer::Cbor, &bytes, &Limits::default()).unwrap();
//! assert_eq!(user, User { name: "ann", age: 7 });
//!
//! let err = from_slice::<(u8, i32)>(Serializer::Json, br#"[1,"x"]"#, &Limits::default())
//!     .unwrap_err();
//! assert_eq!(err.to_string(), r#"[1]: expected i32, got string "x""#);
//! ```

mod cbor;
mod de;
mod json;
mod msgpack;
mod ser;
mod ubjson;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::serializer::{Limits, Serializer};

/// Decodes one value of `serializer`'s format from `bytes` into `T`
/// (trailing bytes are an error).
///
/// # Errors
///
/// A [`crate::ErrorKind::Codec`] error for malformed bytes, a
/// [`crate::ErrorKind::Payload`] error when the value does not fit `T`;
/// both name the path of the offending value.
pub fn from_slice<'de, T: Deserialize<'de>>(
    serializer: Serializer,
    bytes: &'de [u8],
    limits: &Limits,
) -> Result<T> {
    from_slice_at(serializer, bytes, limits, "")
}

/// Like [`from_slice`], naming the value `root` in error paths
/// (`root[1].name: ...`).
pub fn from_slice_at<'de, T: Deserialize<'de>>(
    serializer: Serializer,
    bytes: &'de [u8],
    limits: &Limits,
    root: &str,
) -> Result<T> {
    from_slice_in(serializer, bytes, limits, root, true)
}

/// Like [`from_slice_at`]; `check_keys: false` skips the duplicate-key check
/// for bytes a codec's decoder has already validated (`RawValue`).
pub(crate) fn from_slice_in<'de, T: Deserialize<'de>>(
    serializer: Serializer,
    bytes: &'de [u8],
    limits: &Limits,
    root: &str,
    check_keys: bool,
) -> Result<T> {
    let result = match serializer {
        Serializer::Json => de::run(json::JsonReader::new(bytes), limits, check_keys),
        Serializer::MsgPack => de::run(msgpack::MsgPackReader::new(bytes), limits, check_keys),
        Serializer::Cbor => de::run(cbor::CborReader::new(bytes), limits, check_keys),
        Serializer::Ubjson(dialect) => de::run(
            ubjson::UbjsonReader::new(bytes, dialect),
            limits,
            check_keys,
        ),
    };
    result.map_err(|e| e.into_error(root))
}

/// Encodes a typed value in `serializer`'s format.
///
/// Output is what the envelope codecs write for the same value (see
/// [`Serializer::encode_value`]), so it can be embedded in a message as it is.
///
/// # Errors
///
/// A [`crate::ErrorKind::Encode`] or [`crate::ErrorKind::Payload`] error if
/// the value cannot be written in the format (NaN in JSON, non-string dict
/// keys, nesting deeper than the default depth limit, ...).
pub fn to_vec<T: Serialize + ?Sized>(serializer: Serializer, value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64);
    to_writer(serializer, value, &mut out)?;
    Ok(out)
}

/// Like [`to_vec`], appending to `out` (on error `out` may hold a partial value).
pub fn to_writer<T: Serialize + ?Sized>(
    serializer: Serializer,
    value: &T,
    out: &mut Vec<u8>,
) -> Result<()> {
    ser::write(serializer, value, out)
}

#[cfg(test)]
mod tests;
