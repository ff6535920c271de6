//! A message as a JSON object with named attributes, the form of the
//! `expected_attributes` of the wamp-proto test vectors (WAMP-REFERENCE §6).
//!
//! ```json
//! {"message_type": 16, "request_id": 239714735, "options": {}, "topic": "com.myapp.mytopic1",
//!  "args": ["Hello, world!"], "kwargs": null, "payload": null}
//! ```
//!
//! `message_type` is the wire code; every other element of the message array
//! is named by [`attributes`] (one table for every consumer: the `wamp-idl
//! decode`/`encode` commands and the conformance test). Names follow the
//! vectors, which are not uniform: EVENT says `subscription`/`publication`,
//! other types `subscription_id`/`publication_id`. [`from_json`] also accepts
//! the alternative spellings listed in the table.
//!
//! Payload-carrying types have three more attributes: `args` (a list),
//! `kwargs` (a dict) and `payload` (the transparent payload bytes as lower-case
//! hex); [`to_json`] writes all three, `null` when absent, and [`from_json`]
//! treats `null` as absent.
//!
//! # Values
//!
//! Values inside the attributes map to JSON losslessly:
//!
//! - integers stay integers (the full `u64` range and negative `i64`), floats
//!   are written with a fraction or exponent (`1.0`) and read back as floats;
//! - **bytes** use the `wamp.2.json` convention: a string whose first
//!   character is U+0000 followed by the standard base64 of the bytes
//!   (`"\u0000AQI="`). A string value that itself starts with U+0000 would be
//!   ambiguous, so [`to_json`] rejects it, as the JSON serializer does;
//! - non-finite floats (NaN, ±infinity) have no JSON form and are rejected.
//!
//! Omitted attributes: an `options`/`details`/`extra` dict that the message
//! requires may be left out (it is then empty); for HELLO and WELCOME a
//! top-level `roles` (as in the vectors) stands for `details: {"roles": ...}`.
//! The optional trailing elements (UNSUBSCRIBE/UNREGISTER `options`,
//! UNSUBSCRIBED/UNREGISTERED `details`) are written only when present.
//! Unknown attribute names are an error.
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::describe;
//! use wamp_idl_runtime::message::{Message, Published};
//!
//! let msg = Message::from(Published { request: 239714735, publication: 4429313566 });
//! let json = describe::to_json(&msg).unwrap();
//! assert_eq!(json.to_string(),
//!            r#"{"message_type":17,"request_id":239714735,"publication_id":4429313566}"#);
//! assert_eq!(describe::from_json(&json).unwrap(), msg);
//! ```

use base64::Engine as _;
use serde_json::{Map, Number, Value as Json};

use crate::error::{Error, Result};
use crate::message::{Message, MessageType};
use crate::value::{Dict, Value};

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Whether an element may be left out of the JSON object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// The attribute must be given.
    Required,
    /// A dict the message requires; left out, it is empty.
    EmptyIfMissing,
    /// An optional trailing element of the message array; left out, the
    /// element is not written.
    Optional,
}

/// One element of a message array after the type code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The name written by [`to_json`] (the test vectors' spelling).
    pub name: &'static str,
    /// Other spellings [`from_json`] accepts.
    pub aliases: &'static [&'static str],
    /// Whether the attribute may be left out.
    pub presence: Presence,
}

const fn req(name: &'static str, aliases: &'static [&'static str]) -> Attribute {
    Attribute {
        name,
        aliases,
        presence: Presence::Required,
    }
}

const fn dict(name: &'static str) -> Attribute {
    Attribute {
        name,
        aliases: &[],
        presence: Presence::EmptyIfMissing,
    }
}

const fn optional(name: &'static str) -> Attribute {
    Attribute {
        name,
        aliases: &[],
        presence: Presence::Optional,
    }
}

const REQUEST: Attribute = req("request_id", &["request"]);
const OPTIONS: Attribute = dict("options");
const DETAILS: Attribute = dict("details");

/// The attribute names of the payload elements: args, kwargs and the
/// transparent payload (hex).
pub const PAYLOAD_ATTRIBUTES: [&str; 3] = ["args", "kwargs", "payload"];

/// The named elements of a message type, in array order after the type code,
/// not counting the payload (see [`PAYLOAD_ATTRIBUTES`]).
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::describe::attributes;
/// use wamp_idl_runtime::MessageType;
///
/// let names: Vec<_> = attributes(MessageType::Event).iter().map(|a| a.name).collect();
/// assert_eq!(names, ["subscription", "publication", "details"]);
/// ```
pub fn attributes(ty: MessageType) -> &'static [Attribute] {
    match ty {
        MessageType::Hello => const { &[req("realm", &[]), DETAILS] },
        MessageType::Welcome => const { &[req("session_id", &["session"]), DETAILS] },
        MessageType::Abort | MessageType::Goodbye => const { &[DETAILS, req("reason", &[])] },
        MessageType::Challenge => const { &[req("method", &["auth_method"]), dict("extra")] },
        MessageType::Authenticate => const { &[req("signature", &[]), dict("extra")] },
        MessageType::Error => {
            const {
                &[
                    req("request_type", &[]),
                    REQUEST,
                    DETAILS,
                    req("error", &[]),
                ]
            }
        }
        MessageType::Publish | MessageType::Subscribe => {
            const { &[REQUEST, OPTIONS, req("topic", &[])] }
        }
        MessageType::Published => const { &[REQUEST, req("publication_id", &["publication"])] },
        MessageType::Subscribed => const { &[REQUEST, req("subscription_id", &["subscription"])] },
        MessageType::Unsubscribe => {
            const {
                &[
                    REQUEST,
                    req("subscription_id", &["subscription"]),
                    optional("options"),
                ]
            }
        }
        MessageType::Unsubscribed | MessageType::Unregistered => {
            const { &[REQUEST, optional("details")] }
        }
        MessageType::Event => {
            const {
                &[
                    req("subscription", &["subscription_id"]),
                    req("publication", &["publication_id"]),
                    DETAILS,
                ]
            }
        }
        MessageType::EventReceived => const { &[req("publication", &["publication_id"])] },
        MessageType::Call | MessageType::Register => {
            const { &[REQUEST, OPTIONS, req("procedure", &[])] }
        }
        MessageType::Cancel | MessageType::Interrupt | MessageType::Yield => {
            const { &[REQUEST, OPTIONS] }
        }
        MessageType::Result => const { &[REQUEST, DETAILS] },
        MessageType::Registered => const { &[REQUEST, req("registration_id", &["registration"])] },
        MessageType::Unregister => {
            const {
                &[
                    REQUEST,
                    req("registration_id", &["registration"]),
                    optional("options"),
                ]
            }
        }
        MessageType::Invocation => {
            const { &[REQUEST, req("registration_id", &["registration"]), DETAILS] }
        }
    }
}

/// The message as a JSON object with named attributes (see the module docs).
///
/// # Errors
///
/// A raw args/kwargs element that does not decode, or a value without a
/// lossless JSON form (non-finite float, string starting with U+0000); the
/// error names the attribute.
pub fn to_json(message: &Message) -> Result<Json> {
    let ty = message.message_type();
    let Value::List(elements) = message.to_value()? else {
        return Err(Error::encode("message array form is not a list"));
    };
    let mut object = Map::new();
    object.insert("message_type".into(), Json::from(ty.code()));
    // Element 0 is the type code; the named elements follow.
    let mut rest = elements.into_iter().skip(1);
    for attribute in attributes(ty) {
        if let Some(element) = rest.next() {
            let json = value_to_json(&element).map_err(|e| at(attribute.name, e))?;
            object.insert(attribute.name.into(), json);
        }
    }
    if ty.payload_index().is_some() {
        let (mut args, mut kwargs, mut payload) = (Json::Null, Json::Null, Json::Null);
        match rest.next() {
            Some(Value::Bytes(bytes)) => payload = Json::String(hex(&bytes)),
            Some(list) => {
                args = value_to_json(&list).map_err(|e| at("args", e))?;
                if let Some(dict) = rest.next() {
                    kwargs = value_to_json(&dict).map_err(|e| at("kwargs", e))?;
                }
            }
            None => {}
        }
        object.insert("args".into(), args);
        object.insert("kwargs".into(), kwargs);
        object.insert("payload".into(), payload);
    }
    Ok(Json::Object(object))
}

/// Builds and validates a message from its named-attribute JSON form (see the
/// module docs).
///
/// # Errors
///
/// Not an object, a missing or unknown `message_type`, a missing required or
/// an unknown attribute, invalid hex or base64, both a transparent payload
/// and args/kwargs, or a message that fails validation.
pub fn from_json(json: &Json) -> Result<Message> {
    let object = json.as_object().ok_or_else(|| {
        Error::protocol(format!(
            "a message description must be a JSON object, got {}",
            json_type(json)
        ))
    })?;
    let code = match object.get("message_type") {
        Some(Json::Number(n)) => n.as_u64().ok_or_else(|| {
            Error::protocol(format!(
                "`message_type` must be a message type code, got {n}"
            ))
        })?,
        Some(other) => {
            return Err(Error::protocol(format!(
                "`message_type` must be an integer, got {}",
                json_type(other)
            )))
        }
        None => return Err(Error::protocol("attribute `message_type` missing")),
    };
    let ty = MessageType::from_code(code)
        .ok_or_else(|| Error::protocol(format!("unknown message type code {code}")))?;

    let mut used = vec!["message_type"];
    let mut list = vec![Value::UInt(code)];
    let mut omitted_optional: Option<&str> = None;
    for attribute in attributes(ty) {
        let found = std::iter::once(&attribute.name)
            .chain(attribute.aliases)
            .find_map(|name| object.get(*name).map(|v| (*name, v)));
        let value = match found {
            Some((name, json)) => {
                used.push(name);
                json_to_value(json).map_err(|e| at(name, e))?
            }
            None if attribute.name == "details" && object.contains_key("roles") => {
                used.push("roles");
                let mut details = Dict::new();
                let roles = json_to_value(&object["roles"]).map_err(|e| at("roles", e))?;
                details.insert("roles", roles);
                Value::Dict(details)
            }
            None => match attribute.presence {
                Presence::Required => {
                    return Err(Error::protocol(format!(
                        "{}: attribute `{}` missing",
                        ty.name(),
                        attribute.name
                    )))
                }
                Presence::EmptyIfMissing => Value::Dict(Dict::new()),
                Presence::Optional => {
                    omitted_optional = Some(attribute.name);
                    continue;
                }
            },
        };
        if let Some(gap) = omitted_optional {
            return Err(Error::protocol(format!(
                "{}: attribute `{}` given without the optional `{gap}` before it",
                ty.name(),
                attribute.name
            )));
        }
        list.push(value);
    }
    if ty.payload_index().is_some() {
        used.extend(PAYLOAD_ATTRIBUTES);
        let get = |name: &str| object.get(name).filter(|v| !v.is_null());
        match (get("args"), get("kwargs"), get("payload")) {
            (None, None, Some(payload)) => {
                let text = payload.as_str().ok_or_else(|| {
                    Error::protocol(format!(
                        "`payload` must be a hex string, got {}",
                        json_type(payload)
                    ))
                })?;
                list.push(Value::Bytes(unhex(text).map_err(|e| at("payload", e))?));
            }
            (args, kwargs, None) => {
                match args {
                    Some(args) => list.push(json_to_value(args).map_err(|e| at("args", e))?),
                    // kwargs need an args element before them.
                    None if kwargs.is_some() => list.push(Value::List(Vec::new())),
                    None => {}
                }
                if let Some(kwargs) = kwargs {
                    list.push(json_to_value(kwargs).map_err(|e| at("kwargs", e))?);
                }
            }
            (_, _, Some(_)) => {
                return Err(Error::protocol(
                    "a transparent `payload` excludes `args` and `kwargs` (give them as null)",
                ))
            }
        }
    }
    if let Some(unknown) = object.keys().find(|k| !used.contains(&k.as_str())) {
        let known: Vec<&str> = attributes(ty).iter().map(|a| a.name).collect();
        let payload = if ty.payload_index().is_some() {
            ", args, kwargs, payload"
        } else {
            ""
        };
        return Err(Error::protocol(format!(
            "{}: unknown attribute `{unknown}` (known: message_type, {}{payload})",
            ty.name(),
            known.join(", ")
        )));
    }
    Message::from_value(Value::List(list))
}

/// Converts a value to JSON (bytes as `"\u0000"` + base64).
///
/// # Errors
///
/// A non-finite float or a string starting with U+0000; the error gives the
/// path inside the value (e.g. `[2].key`).
pub fn value_to_json(value: &Value) -> Result<Json> {
    let mut path = String::new();
    to_json_at(value, &mut path)
}

fn to_json_at(value: &Value, path: &mut String) -> Result<Json> {
    let fail = |path: &str, msg: String| {
        let msg = if path.is_empty() {
            msg
        } else {
            format!("at {path}: {msg}")
        };
        Err(Error::encode(msg))
    };
    Ok(match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::UInt(u) => Json::from(*u),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => match Number::from_f64(*f) {
            Some(n) => Json::Number(n),
            None => return fail(path, format!("JSON cannot represent the float {f}")),
        },
        Value::Str(s) if s.starts_with('\0') => {
            return fail(
                path,
                "a string starting with U+0000 has no JSON form: that prefix marks bytes".into(),
            )
        }
        Value::Str(s) => Json::String(s.clone()),
        Value::Bytes(b) => Json::String(format!("\0{}", BASE64.encode(b))),
        Value::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                out.push(to_json_at(item, path)?);
                path.truncate(len);
            }
            Json::Array(out)
        }
        Value::Dict(d) => {
            let mut out = Map::new();
            for (k, item) in d.iter() {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                out.insert(k.to_owned(), to_json_at(item, path)?);
                path.truncate(len);
            }
            Json::Object(out)
        }
    })
}

/// Converts JSON to a value: integers in normal form (see [`Value`]), other
/// numbers as floats, strings starting with U+0000 as base64 bytes.
///
/// # Errors
///
/// Invalid base64 after a U+0000 prefix; the error gives the path.
pub fn json_to_value(json: &Json) -> Result<Value> {
    let mut path = String::new();
    to_value_at(json, &mut path)
}

fn to_value_at(json: &Json, path: &mut String) -> Result<Value> {
    Ok(match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            if let Some(u) = n.as_u64() {
                Value::UInt(u)
            } else if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else {
                // Without serde_json's arbitrary_precision every other number is an f64.
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Json::String(s) => match s.strip_prefix('\0') {
            Some(b64) => Value::Bytes(BASE64.decode(b64).map_err(|e| {
                let place = if path.is_empty() {
                    String::new()
                } else {
                    format!("at {path}: ")
                };
                Error::protocol(format!(
                    "{place}invalid base64 after the U+0000 bytes marker: {e}"
                ))
            })?),
            None => Value::Str(s.clone()),
        },
        Json::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                out.push(to_value_at(item, path)?);
                path.truncate(len);
            }
            Value::List(out)
        }
        Json::Object(map) => {
            let mut d = Dict::with_capacity(map.len());
            for (k, item) in map {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                d.insert(k.clone(), to_value_at(item, path)?);
                path.truncate(len);
            }
            Value::Dict(d)
        }
    })
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Parses hex (either case, no separators); the error gives the offset of the
/// first bad character.
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::describe::unhex;
///
/// assert_eq!(unhex("0aFF").unwrap(), [0x0a, 0xff]);
/// assert!(unhex("0g").unwrap_err().to_string().contains("offset 1"));
/// ```
pub fn unhex(text: &str) -> Result<Vec<u8>> {
    let digit = |c: u8, offset: usize| {
        char::from(c).to_digit(16).ok_or_else(|| {
            Error::codec(format!(
                "invalid hex digit {:?} at offset {offset}",
                char::from(c)
            ))
        })
    };
    let bytes = text.as_bytes();
    if bytes.len() % 2 != 0 {
        return Err(Error::codec(format!(
            "odd number of hex digits ({})",
            bytes.len()
        )));
    }
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let hi = digit(pair[0], 2 * i)?;
        let lo = digit(pair[1], 2 * i + 1)?;
        // Two hex digits are at most 0xff.
        out.push(u8::try_from(hi * 16 + lo).unwrap_or(u8::MAX));
    }
    Ok(out)
}

fn at(attribute: &str, e: Error) -> Error {
    Error::new(e.kind(), format!("`{attribute}`: {}", e.message()))
}

fn json_type(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "list",
        Json::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_floats_round_trip() {
        let v = Value::List(vec![
            Value::Bytes(vec![0, 1, 255]),
            Value::Float(1.0),
            Value::UInt(u64::MAX),
            Value::Int(i64::MIN),
            Value::Str("plain".into()),
        ]);
        let json = value_to_json(&v).unwrap();
        assert_eq!(
            json.to_string(),
            r#"["\u0000AAH/",1.0,18446744073709551615,-9223372036854775808,"plain"]"#
        );
        assert_eq!(json_to_value(&json).unwrap(), v);
    }

    #[test]
    fn ambiguous_and_non_finite_values_are_rejected_with_a_path() {
        let mut d = Dict::new();
        d.insert("k", Value::List(vec![Value::Float(f64::NAN)]));
        let err = value_to_json(&Value::Dict(d)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "at .k[0]: JSON cannot represent the float NaN"
        );
        let err = value_to_json(&Value::Str("\0x".into())).unwrap_err();
        assert!(err.to_string().contains("U+0000"), "{err}");
        let err = json_to_value(&serde_json::json!({"a": "\u{0}!!"})).unwrap_err();
        assert!(
            err.to_string().starts_with("at .a: invalid base64"),
            "{err}"
        );
    }

    #[test]
    fn every_type_has_a_table_consistent_with_its_element_count() {
        for ty in MessageType::all() {
            let (min, max) = ty.element_count();
            let named = attributes(ty).len();
            let required = attributes(ty)
                .iter()
                .filter(|a| a.presence != Presence::Optional)
                .count();
            assert_eq!(1 + required, min, "{}", ty.name());
            match ty.payload_index() {
                Some(at) => {
                    assert_eq!(1 + named, at, "{}", ty.name());
                    assert_eq!(at + 2, max, "{}", ty.name());
                }
                None => assert_eq!(1 + named, max, "{}", ty.name()),
            }
        }
    }

    #[test]
    fn unknown_and_missing_attributes_are_named() {
        let err = from_json(&serde_json::json!({"message_type": 17, "request_id": 1})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "PUBLISHED: attribute `publication_id` missing"
        );
        let err = from_json(&serde_json::json!(
            {"message_type": 17, "request_id": 1, "publication_id": 2, "topic": "x"}
        ))
        .unwrap_err();
        assert!(
            err.to_string().contains("unknown attribute `topic`"),
            "{err}"
        );
        let err = from_json(
            &serde_json::json!({"message_type": 34, "request_id": 1, "subscription_id": 2, "options": {}}),
        );
        assert!(err.is_ok(), "{err:?}");
    }

    #[test]
    fn transparent_payload_round_trips_as_hex() {
        let json = serde_json::json!({
            "message_type": 16, "request_id": 5,
            "options": {"enc_algo": "cryptobox", "enc_serializer": "cbor"},
            "topic": "t", "args": null, "kwargs": null, "payload": "a1ff"
        });
        let msg = from_json(&json).unwrap();
        assert_eq!(to_json(&msg).unwrap(), json);
    }
}
