//! The application payload of PUBLISH, EVENT, CALL, INVOCATION, YIELD, RESULT,
//! ERROR and ABORT (WAMP-REFERENCE §2).
//!
//! A payload is either *normal* (positional `args` and/or keyword `kwargs`) or
//! *transparent* (opaque `payload` bytes, announced by the `enc_algo` /
//! `enc_serializer` / `enc_key` Options/Details keys, or their spec names
//! `ppt_scheme` / `ppt_serializer` / `ppt_cipher` / `ppt_keyid`; those keys stay
//! in the message's Options/Details dictionary so they round-trip in order).
//! Having both at once cannot be represented, and a decoder rejects it.
//!
//! Decoded args/kwargs stay *raw* ([`RawValue`]): the encoded bytes of that
//! element (a zero-copy slice of the frame) plus the format they are in, until
//! the application asks for a [`Value`] or a typed value. Encoding a raw
//! element into the same format copies its bytes; into another format it is
//! decoded and re-encoded.
//!
//! Trailing-element rule: with only kwargs, an empty args list is written
//! before them, so such a payload decodes with `args = []`. `null` args are
//! accepted on input and read as absent.
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::payload::Payload;
//!
//! #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
//! struct Point(i32, i32);
//!
//! let payload = Payload::from_serialize_args(&Point(1, -2)).unwrap();
//! let back: Point = payload.args().unwrap().deserialize().unwrap();
//! assert_eq!(back, Point(1, -2));
//! ```

use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::message::{Out, OutList};
use crate::serializer::{Limits, Serializer};
use crate::value::{Dict, Value};

/// One args or kwargs element: either still encoded (bytes + format, as a
/// decoder leaves it) or an in-memory [`Value`].
#[derive(Clone)]
pub struct RawValue {
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    Encoded {
        bytes: Bytes,
        serializer: Serializer,
        limits: Limits,
        /// The bytes were skipped by a codec's decoder, which rejected
        /// malformed items and duplicate dict keys at every level; typed
        /// decoding need not track the keys again (it still checks UTF-8,
        /// lengths and depth, which it cannot avoid reading).
        keys_checked: bool,
    },
    Decoded(Value),
}

impl RawValue {
    /// Wraps an in-memory value.
    pub fn from_value(value: Value) -> RawValue {
        RawValue {
            repr: Repr::Decoded(value),
        }
    }

    /// Wraps one encoded value in `serializer`'s format. The bytes are not
    /// checked until the value is asked for; then default [`Limits`] apply.
    pub fn from_encoded(bytes: Bytes, serializer: Serializer) -> RawValue {
        RawValue::from_encoded_with_limits(bytes, serializer, Limits::default())
    }

    /// Like [`RawValue::from_encoded`], decoding later with `limits` (a codec
    /// passes its own, so a payload it accepted also decodes).
    pub fn from_encoded_with_limits(
        bytes: Bytes,
        serializer: Serializer,
        limits: Limits,
    ) -> RawValue {
        RawValue {
            repr: Repr::Encoded {
                bytes,
                serializer,
                limits,
                keys_checked: false,
            },
        }
    }

    /// An args/kwargs element that a codec's decoder has just skipped,
    /// validating it completely (see `Repr::Encoded::keys_checked`).
    pub(crate) fn from_validated(bytes: Bytes, serializer: Serializer, limits: Limits) -> RawValue {
        RawValue {
            repr: Repr::Encoded {
                bytes,
                serializer,
                limits,
                keys_checked: true,
            },
        }
    }

    /// Converts a typed value (see [`crate::value::to_value`]).
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<RawValue> {
        crate::value::to_value(value).map(RawValue::from_value)
    }

    /// The encoded bytes and their format, if the value is still encoded.
    pub fn encoded(&self) -> Option<(&Bytes, Serializer)> {
        match &self.repr {
            Repr::Encoded {
                bytes, serializer, ..
            } => Some((bytes, *serializer)),
            Repr::Decoded(_) => None,
        }
    }

    /// The in-memory value, if it is not encoded.
    pub fn as_value(&self) -> Option<&Value> {
        match &self.repr {
            Repr::Decoded(v) => Some(v),
            Repr::Encoded { .. } => None,
        }
    }

    /// Decodes the value.
    pub fn to_value(&self) -> Result<Value> {
        match &self.repr {
            Repr::Decoded(v) => Ok(v.clone()),
            Repr::Encoded {
                bytes,
                serializer,
                limits,
                ..
            } => serializer.decode_value(bytes, limits),
        }
    }

    /// Decodes the value into any deserializable type, straight from the
    /// encoded bytes (no intermediate [`Value`]; see [`crate::serde_format`]).
    ///
    /// # Errors
    ///
    /// A [`crate::ErrorKind::Payload`] error naming the mismatch and its path
    /// (`[1]: expected i32, got string "x"`), or a [`crate::ErrorKind::Codec`]
    /// error for malformed bytes.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T> {
        self.deserialize_at("")
    }

    /// Like [`RawValue::deserialize`], for types that borrow strings or bytes
    /// from the encoded value (zero-copy). An in-memory value (not encoded)
    /// cannot lend its strings: borrowing types then fail with a type error.
    pub fn deserialize_borrowed<'de, T: Deserialize<'de>>(&'de self) -> Result<T> {
        self.deserialize_at("")
    }

    /// Decodes the value, naming it `root` in error paths (`args[1]: ...`).
    pub fn deserialize_at<'de, T: Deserialize<'de>>(&'de self, root: &str) -> Result<T> {
        match &self.repr {
            Repr::Encoded {
                bytes,
                serializer,
                limits,
                keys_checked,
            } => {
                crate::serde_format::from_slice_in(*serializer, bytes, limits, root, !keys_checked)
            }
            Repr::Decoded(v) => {
                T::deserialize(v.clone()).map_err(
                    |e: Error| {
                        if root.is_empty() {
                            e
                        } else {
                            e.context(root)
                        }
                    },
                )
            }
        }
    }

    /// Encodes a typed value straight into `serializer`'s format (no
    /// intermediate [`Value`]); a codec of the same format copies the bytes.
    pub fn serialize_in<T: Serialize + ?Sized>(
        value: &T,
        serializer: Serializer,
    ) -> Result<RawValue> {
        thread_local! {
            /// Reused across calls so that encoding a payload costs one
            /// exact-size allocation (the `Bytes`), not a growing `Vec` plus
            /// the `Bytes` bookkeeping for its spare capacity.
            static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        /// Larger scratch buffers are freed after use rather than kept per thread.
        const KEEP_SCRATCH: usize = 1 << 20;
        /// From this size on, copying the bytes costs more than two
        /// allocations: the scratch buffer itself becomes the `Bytes`.
        const HAND_OVER: usize = 4096;
        let bytes = SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                scratch.clear();
                let written = crate::serde_format::to_writer(serializer, value, &mut scratch);
                let bytes = match written {
                    Ok(()) if scratch.len() >= HAND_OVER => {
                        let capacity = scratch.capacity().min(KEEP_SCRATCH);
                        Ok(Bytes::from(std::mem::replace(
                            &mut *scratch,
                            Vec::with_capacity(capacity),
                        )))
                    }
                    Ok(()) => Ok(Bytes::copy_from_slice(&scratch)),
                    Err(e) => Err(e),
                };
                if scratch.capacity() > KEEP_SCRATCH {
                    *scratch = Vec::new();
                }
                bytes
            }
            // A `Serialize` impl that encodes a payload itself (re-entrant call).
            Err(_) => crate::serde_format::to_vec(serializer, value).map(Bytes::from),
        })?;
        Ok(RawValue::from_encoded(bytes, serializer))
    }

    /// Whether the value is a list (`Some(true)`), a dict (`Some(false)`) or
    /// neither (`None`), judged from the first byte if it is encoded.
    fn container_kind(&self) -> Option<bool> {
        match &self.repr {
            Repr::Decoded(Value::List(_)) => Some(true),
            Repr::Decoded(Value::Dict(_)) => Some(false),
            Repr::Decoded(_) => None,
            Repr::Encoded {
                bytes, serializer, ..
            } => {
                let first = *bytes.first()?;
                match serializer {
                    Serializer::Json => match first {
                        b'[' => Some(true),
                        b'{' => Some(false),
                        _ => None,
                    },
                    Serializer::MsgPack => match first {
                        0x90..=0x9f | 0xdc | 0xdd => Some(true),
                        0x80..=0x8f | 0xde | 0xdf => Some(false),
                        _ => None,
                    },
                    Serializer::Cbor => match first >> 5 {
                        4 => Some(true),
                        5 => Some(false),
                        _ => None,
                    },
                    Serializer::Ubjson(d) => {
                        let bytes_marker = match d {
                            crate::serializer::UbjsonDialect::BjData => b'B',
                            crate::serializer::UbjsonDialect::Draft12 => b'U',
                        };
                        match (first, bytes.get(1..3)) {
                            (b'[', Some([b'$', m])) if *m == bytes_marker => None,
                            (b'[', _) => Some(true),
                            (b'{', _) => Some(false),
                            _ => None,
                        }
                    }
                }
            }
        }
    }
}

impl PartialEq for RawValue {
    /// Equal if both decode to equal values (formats may differ).
    fn eq(&self, other: &RawValue) -> bool {
        match (self.to_value(), other.to_value()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Debug for RawValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Decoded(v) => v.fmt(f),
            Repr::Encoded {
                bytes, serializer, ..
            } => f
                .debug_struct("Encoded")
                .field("serializer", serializer)
                .field("len", &bytes.len())
                .finish(),
        }
    }
}

/// The application payload of a message.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// Normal mode: positional and keyword arguments (either may be absent).
    Normal {
        /// Positional arguments (a list).
        args: Option<RawValue>,
        /// Keyword arguments (a dict).
        kwargs: Option<RawValue>,
    },
    /// Transparent mode: opaque bytes, possibly encrypted; the scheme is in the
    /// message's Options/Details (`enc_algo` or `ppt_scheme`).
    Transparent(Bytes),
}

impl Default for Payload {
    fn default() -> Payload {
        Payload::Normal {
            args: None,
            kwargs: None,
        }
    }
}

impl Payload {
    /// A normal payload with positional arguments.
    pub fn from_args(args: Vec<Value>) -> Payload {
        Payload::Normal {
            args: Some(RawValue::from_value(Value::List(args))),
            kwargs: None,
        }
    }

    /// A normal payload with positional and keyword arguments.
    pub fn from_args_kwargs(args: Vec<Value>, kwargs: Dict) -> Payload {
        Payload::Normal {
            args: Some(RawValue::from_value(Value::List(args))),
            kwargs: Some(RawValue::from_value(Value::Dict(kwargs))),
        }
    }

    /// A normal payload whose args are a typed value that serializes as a
    /// sequence (a tuple, tuple struct, `Vec`, ...).
    ///
    /// # Errors
    ///
    /// If `args` does not serialize to a list.
    pub fn from_serialize_args<T: Serialize + ?Sized>(args: &T) -> Result<Payload> {
        let value = crate::value::to_value(args)?;
        if !matches!(value, Value::List(_)) {
            return Err(Error::payload(format!(
                "args must serialize to a list, got {}",
                value.type_name()
            )));
        }
        Ok(Payload::Normal {
            args: Some(RawValue::from_value(value)),
            kwargs: None,
        })
    }

    /// Like [`Payload::from_serialize_args`], encoding the args straight into
    /// `serializer`'s format (no intermediate [`Value`]); pass the format of
    /// the codec that will send the message, which then copies the bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use wamp_idl_runtime::payload::Payload;
    /// use wamp_idl_runtime::serializer::Serializer;
    ///
    /// let payload = Payload::from_serialize_args_in(&("Hello, world!",), Serializer::Cbor)
    ///     .unwrap()
    ///     .with_serialize_kwargs_in(&[("n", 1u8)].into_iter().collect::<std::collections::BTreeMap<_, _>>(), Serializer::Cbor)
    ///     .unwrap();
    /// let (greeting,): (String,) = payload.deserialize_args().unwrap();
    /// assert_eq!(greeting, "Hello, world!");
    /// ```
    ///
    /// # Errors
    ///
    /// If `args` does not serialize to a list or cannot be written in the format.
    pub fn from_serialize_args_in<T: Serialize + ?Sized>(
        args: &T,
        serializer: Serializer,
    ) -> Result<Payload> {
        let raw = RawValue::serialize_in(args, serializer)?;
        if raw.container_kind() != Some(true) {
            return Err(Error::payload("args must serialize to a list"));
        }
        Ok(Payload::Normal {
            args: Some(raw),
            kwargs: None,
        })
    }

    /// Like [`Payload::with_serialize_kwargs`], encoding the kwargs straight
    /// into `serializer`'s format.
    pub fn with_serialize_kwargs_in<T: Serialize + ?Sized>(
        self,
        kwargs: &T,
        serializer: Serializer,
    ) -> Result<Payload> {
        let raw = RawValue::serialize_in(kwargs, serializer)?;
        if raw.container_kind() != Some(false) {
            return Err(Error::payload("kwargs must serialize to a dict"));
        }
        match self {
            Payload::Normal { args, .. } => Ok(Payload::Normal {
                args,
                kwargs: Some(raw),
            }),
            Payload::Transparent(_) => Err(Error::payload(
                "cannot add kwargs to a transparent payload: a payload is either normal or transparent",
            )),
        }
    }

    /// Decodes the args into a typed value (errors name `args[i]...`).
    /// Absent args decode like an empty list.
    pub fn deserialize_args<'de, T: Deserialize<'de>>(&'de self) -> Result<T> {
        match self.args() {
            Some(raw) => raw.deserialize_at("args"),
            None => T::deserialize(Value::List(Vec::new())).map_err(|e: Error| e.context("args")),
        }
    }

    /// Decodes the kwargs into a typed value (errors name `kwargs.key...`).
    /// Absent kwargs decode like an empty dict.
    pub fn deserialize_kwargs<'de, T: Deserialize<'de>>(&'de self) -> Result<T> {
        match self.kwargs() {
            Some(raw) => raw.deserialize_at("kwargs"),
            None => {
                T::deserialize(Value::Dict(Dict::new())).map_err(|e: Error| e.context("kwargs"))
            }
        }
    }

    /// Adds keyword arguments from a typed value that serializes as a map or
    /// struct. On a transparent payload this is an error.
    pub fn with_serialize_kwargs<T: Serialize + ?Sized>(self, kwargs: &T) -> Result<Payload> {
        let value = crate::value::to_value(kwargs)?;
        if !matches!(value, Value::Dict(_)) {
            return Err(Error::payload(format!(
                "kwargs must serialize to a dict, got {}",
                value.type_name()
            )));
        }
        match self {
            Payload::Normal { args, .. } => Ok(Payload::Normal {
                args,
                kwargs: Some(RawValue::from_value(value)),
            }),
            Payload::Transparent(_) => Err(Error::payload(
                "cannot add kwargs to a transparent payload: a payload is either normal or transparent",
            )),
        }
    }

    /// A transparent payload.
    pub fn transparent(bytes: impl Into<Bytes>) -> Payload {
        Payload::Transparent(bytes.into())
    }

    /// The args element, if any.
    pub fn args(&self) -> Option<&RawValue> {
        match self {
            Payload::Normal { args, .. } => args.as_ref(),
            Payload::Transparent(_) => None,
        }
    }

    /// The kwargs element, if any.
    pub fn kwargs(&self) -> Option<&RawValue> {
        match self {
            Payload::Normal { kwargs, .. } => kwargs.as_ref(),
            Payload::Transparent(_) => None,
        }
    }

    /// The transparent bytes, if this is a transparent payload.
    pub fn transparent_bytes(&self) -> Option<&Bytes> {
        match self {
            Payload::Transparent(b) => Some(b),
            Payload::Normal { .. } => None,
        }
    }

    /// The decoded args list (`None` when absent).
    pub fn args_list(&self) -> Result<Option<Vec<Value>>> {
        match self.args().map(RawValue::to_value).transpose()? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::List(l)) => Ok(Some(l)),
            Some(other) => Err(Error::payload(format!(
                "args: expected list, got {}",
                other.type_name()
            ))),
        }
    }

    /// The decoded kwargs dict (`None` when absent).
    pub fn kwargs_dict(&self) -> Result<Option<Dict>> {
        match self.kwargs().map(RawValue::to_value).transpose()? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Dict(d)) => Ok(Some(d)),
            Some(other) => Err(Error::payload(format!(
                "kwargs: expected dict, got {}",
                other.type_name()
            ))),
        }
    }

    /// The payload elements to write; with only kwargs, an empty args list is
    /// written first (the trailing-element rule).
    pub(crate) fn outputs<'a>(&'a self, out: &mut OutList<'a>) {
        match self {
            Payload::Normal { args, kwargs } => match (args, kwargs) {
                (None, None) => {}
                (Some(a), None) => out.push(Out::Raw(a)),
                (Some(a), Some(k)) => out.extend([Out::Raw(a), Out::Raw(k)]),
                (None, Some(k)) => out.extend([Out::EmptyList, Out::Raw(k)]),
            },
            Payload::Transparent(b) => out.push(Out::Bytes(b)),
        }
    }
}
