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
use serde::Serialize;

use crate::error::{Error, Result};
use crate::message::Out;
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
            } => serializer.decode_value(bytes, limits),
        }
    }

    /// Decodes the value into any deserializable type.
    ///
    /// # Errors
    ///
    /// A [`crate::ErrorKind::Payload`] error naming the mismatch.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T> {
        crate::value::from_value(self.to_value()?)
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
    pub(crate) fn outputs<'a>(&'a self, out: &mut Vec<Out<'a>>) {
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
