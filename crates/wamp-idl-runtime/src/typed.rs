//! Typed payloads and typed interfaces: what generated code builds on.
//!
//! Every table a WAMP IDL interface uses as a request, result or event gets an
//! implementation of [`WampPayload`] (from `wamp_interface!`), which maps the
//! table onto WAMP's `args`/`kwargs` pair (WAMP-REFERENCE §5.1):
//!
//! - fields not marked `kwarg` are positional arguments, in declaration order
//!   (`args[0]`, `args[1]`, …); the others are keyword arguments keyed by their
//!   schema name;
//! - nested values use flatc's JSON mapping (tables as dicts keyed by field
//!   name, enums by value name, unions as `<field>_type` + `<field>`);
//! - a union field of the table itself travels as flatc's JSON writes it, as
//!   two parts: `<field>_type` (the member's name, e.g. `"Circle"`) and
//!   `<field>` (the member's value). As a positional argument, `<field>_type`
//!   takes its own position just before `<field>` (as its hidden field id
//!   does), so `table Draw { id: int; shape: Shape; }` is
//!   `args = [id, "Circle", {..}]`; as a keyword argument, both are keys
//!   (`{"shape_type": "Circle", "shape": {..}}`). A vector of unions is a
//!   list of names and a list of values, pairwise. An unknown member name is
//!   an error at its path (`args[1]: unknown member ...`,
//!   `kwargs.shape_type: ...`), and validation errors inside the member name
//!   the value's path (`kwargs.shape.name: ...`);
//! - on output, absent optional arguments at the end of `args` are left out
//!   (an absent one in the middle is sent as `null`), absent optional keyword
//!   arguments are left out, and an empty `args` list or `kwargs` dict is not
//!   sent at all ("don't send empty args/kwargs");
//! - on input, `null` reads as absent, a missing trailing argument that is not
//!   `required` takes its schema default, extra positional arguments and
//!   unknown keyword arguments are ignored (as flatc ignores unknown JSON keys,
//!   so an older peer accepts a newer schema's additions), and the value is
//!   then validated against the WAMP IDL value rules (`wampid`, `wampuri`, …).
//!
//! Errors name the WAMP field path: `args[1]: expected i32, got string "x"`,
//! `kwargs.reason: "a..b" is not a valid URI ...`, `args: missing required
//! argument 0 (`name`)`. Callee glue answers them with
//! `wamp.error.invalid_argument` and the message as `args[0]`
//! ([`PayloadError::into_call_error`]).
//!
//! Besides args/kwargs, a table can travel as a FlatBuffers buffer in a
//! transparent payload ([`PayloadMode::FlatBuffers`]): the message's
//! Options/Details then carry `enc_algo: "x_plain"` (no encryption) and
//! `enc_serializer: "flatbuffers"`, and [`decode_payload`] reads such a
//! payload back (it also accepts the spec's `ppt_scheme`/`ppt_serializer`).
//!
//! The message builders ([`call_message`], [`yield_message`],
//! [`publish_message`], [`event_message`], [`error_message`]) make complete
//! WAMP messages from typed values for a chosen [`PayloadMode`].
//!
//! # Examples
//!
//! ```
//! mod meta {
//!     wamp_idl_runtime::wamp_interface!("../../schemas/wamp-meta.fbs");
//! }
//! use meta::wamp::SessionKill;
//! use wamp_idl_runtime::typed::WampPayload;
//! use wamp_idl_runtime::{Payload, Value};
//!
//! // `session` is positional, `reason` and `message` are keyword arguments.
//! let kill = SessionKill {
//!     session: 42,
//!     reason: Some("wamp.close.killed".into()),
//!     message: None,
//! };
//! let payload = kill.to_payload().unwrap();
//! assert_eq!(payload.args_list().unwrap(), Some(vec![Value::from(42u64)]));
//! assert_eq!(SessionKill::from_payload(&payload).unwrap(), kill);
//!
//! // Errors name the WAMP field path.
//! let bad = Payload::from_args(vec![Value::from("42")]);
//! let error = SessionKill::from_payload(&bad).unwrap_err();
//! assert!(error.to_string().starts_with("args[0]: "), "{error}");
//! let bad = Payload::from_args(vec![Value::from(0u64)]);
//! let error = SessionKill::from_payload(&bad).unwrap_err();
//! assert!(error.to_string().starts_with("args[0]: 0 is not a WAMP id"), "{error}");
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::message::keys::{CallOptions, PublishOptions, RegisterOptions, SubscribeOptions};
use crate::message::{Call, ErrorMessage, Event, Invocation, MessageType, Publish, Yield};
use crate::payload::{Payload, RawValue};
use crate::serializer::Serializer;
use crate::session::{
    CallError, EventHandler, InvocationHandler, Registration, Session, Subscription,
};
use crate::value::{Dict, Value};
use crate::ValidationError;

/// The `enc_algo` value of an unencrypted FlatBuffers transparent payload.
pub const PLAIN_SCHEME: &str = "x_plain";

/// The `enc_serializer` value of a FlatBuffers transparent payload.
pub const FLATBUFFERS_SERIALIZER: &str = "flatbuffers";

/// A typed payload could not be read: what is wrong, with its WAMP field path
/// (`args[1]: expected i32, got string "x"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayloadError {
    message: String,
}

impl PayloadError {
    /// An error with a message that already names the field path.
    pub fn new(message: impl Into<String>) -> PayloadError {
        PayloadError {
            message: message.into(),
        }
    }

    /// The message (field path first).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error with `context` in front (`RESULT of com.example.add: ...`).
    pub fn context(self, context: impl fmt::Display) -> PayloadError {
        PayloadError {
            message: format!("{context}: {}", self.message),
        }
    }

    /// `wamp.error.invalid_argument` with the message as `args[0]` (what a
    /// callee answers to a payload that does not fit its procedure).
    pub fn into_call_error(self) -> CallError {
        CallError::invalid_argument(self.message)
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PayloadError {}

impl From<Error> for PayloadError {
    fn from(error: Error) -> PayloadError {
        PayloadError::new(error.message())
    }
}

impl From<PayloadError> for CallError {
    fn from(error: PayloadError) -> CallError {
        error.into_call_error()
    }
}

/// Where a field of a payload table travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldSlot {
    /// Positional argument at this index.
    Arg(usize),
    /// Keyword argument (keyed by the field name).
    Kwarg,
}

/// A table mapped onto a WAMP `args`/`kwargs` payload (generated for every
/// payload table of an interface).
pub trait WampPayload: Sized {
    /// The table's fully qualified schema name (`wamp.SessionId`).
    const TYPE_NAME: &'static str;

    /// The table's fields (schema names) and where each travels.
    const FIELDS: &'static [(&'static str, FieldSlot)];

    /// Encodes the value as args/kwargs held in memory (encoded later by
    /// whatever codec sends the message).
    ///
    /// # Errors
    ///
    /// If a value cannot be represented (e.g. a non-finite float where the
    /// value model has none); generated types otherwise always encode.
    fn to_payload(&self) -> Result<Payload> {
        self.to_payload_in(None)
    }

    /// Encodes the value as args/kwargs; with `Some(serializer)`, straight into
    /// that format's bytes (pass the format of the codec that will send it).
    ///
    /// # Errors
    ///
    /// As [`WampPayload::to_payload`].
    fn to_payload_in(&self, serializer: Option<Serializer>) -> Result<Payload>;

    /// Decodes args/kwargs without checking the WAMP value rules.
    ///
    /// # Errors
    ///
    /// A [`PayloadError`] naming the field path of the first value that does
    /// not fit, or a missing required argument.
    fn decode_args_kwargs(payload: &Payload) -> std::result::Result<Self, PayloadError>;

    /// Checks the WAMP IDL value rules, naming the WAMP field path on error.
    ///
    /// # Errors
    ///
    /// The first value that breaks a rule.
    fn validate_payload(&self) -> std::result::Result<(), PayloadError>;

    /// Whether the type has a FlatBuffers encoding (schema tables do;
    /// `#[derive(WampPayload)]` structs do not, and [`encode_payload`]
    /// refuses [`PayloadMode::FlatBuffers`] for them).
    const HAS_FLATBUFFERS: bool = true;

    /// Encodes the value as a FlatBuffers buffer with the table as root
    /// (only meaningful when [`WampPayload::HAS_FLATBUFFERS`]).
    fn to_flatbuffer_bytes(&self) -> Vec<u8>;

    /// Verifies and decodes a FlatBuffers buffer with the table as root.
    ///
    /// # Errors
    ///
    /// If the buffer does not verify.
    fn from_flatbuffer_bytes(bytes: &[u8]) -> std::result::Result<Self, PayloadError>;

    /// Decodes a normal payload (args/kwargs) and validates it.
    ///
    /// # Errors
    ///
    /// As [`WampPayload::decode_args_kwargs`] and [`WampPayload::validate_payload`];
    /// a transparent payload is an error here (see [`decode_payload`]).
    fn from_payload(payload: &Payload) -> std::result::Result<Self, PayloadError> {
        if payload.transparent_bytes().is_some() {
            return Err(PayloadError::new(format!(
                "expected args/kwargs of `{}`, got a transparent payload",
                Self::TYPE_NAME
            )));
        }
        let value = Self::decode_args_kwargs(payload)?;
        value.validate_payload()?;
        Ok(value)
    }
}

/// How a typed value is put into a message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PayloadMode {
    /// args/kwargs as in-memory values, encoded by the sending codec. Default.
    #[default]
    Values,
    /// args/kwargs encoded up front in this format (the sending codec copies
    /// the bytes when it uses the same format).
    Encoded(Serializer),
    /// A transparent payload holding the table as a FlatBuffers buffer.
    FlatBuffers,
}

/// Encodes a typed value for `mode`, and writes the transparent-payload keys
/// into `options` for [`PayloadMode::FlatBuffers`].
///
/// # Errors
///
/// As [`WampPayload::to_payload`]; [`PayloadMode::FlatBuffers`] for a type
/// without a FlatBuffers encoding.
pub fn encode_payload<T: WampPayload>(
    value: &T,
    mode: PayloadMode,
    options: &mut Dict,
) -> Result<Payload> {
    match mode {
        PayloadMode::Values => value.to_payload_in(None),
        PayloadMode::Encoded(serializer) => value.to_payload_in(Some(serializer)),
        PayloadMode::FlatBuffers if !T::HAS_FLATBUFFERS => Err(Error::payload(format!(
            "`{}` has no FlatBuffers encoding (it derives `WampPayload`); send it as args/kwargs",
            T::TYPE_NAME
        ))),
        PayloadMode::FlatBuffers => {
            options.insert("enc_algo", PLAIN_SCHEME);
            options.insert("enc_serializer", FLATBUFFERS_SERIALIZER);
            Ok(Payload::transparent(value.to_flatbuffer_bytes()))
        }
    }
}

/// Whether Options/Details announce an unencrypted FlatBuffers transparent payload.
fn is_plain_flatbuffers(details: &Dict) -> std::result::Result<bool, PayloadError> {
    let serializer = ["enc_serializer", "ppt_serializer"]
        .into_iter()
        .find_map(|key| details.get(key).and_then(Value::as_str));
    let scheme = ["enc_algo", "ppt_scheme"]
        .into_iter()
        .find_map(|key| details.get(key).and_then(Value::as_str));
    match (scheme, serializer) {
        (None, _) => Ok(false),
        (Some("cryptobox" | "wamp" | "xbr"), _) => Err(PayloadError::new(format!(
            "the payload is end-to-end encrypted (scheme {:?}); decrypt it before decoding",
            scheme.unwrap_or_default()
        ))),
        (Some(_), Some(FLATBUFFERS_SERIALIZER)) => Ok(true),
        (Some(scheme), serializer) => Err(PayloadError::new(format!(
            "transparent payload with scheme {scheme:?} and serializer {:?}: only FlatBuffers transparent payloads can be decoded into a typed value",
            serializer.unwrap_or("")
        ))),
    }
}

/// Decodes and validates the payload of a message whose Options/Details are
/// `details`: args/kwargs, or a FlatBuffers transparent payload.
///
/// # Errors
///
/// A [`PayloadError`] with the WAMP field path, or naming what kind of
/// transparent payload could not be read.
pub fn decode_payload<T: WampPayload>(
    payload: &Payload,
    details: &Dict,
) -> std::result::Result<T, PayloadError> {
    match payload.transparent_bytes() {
        Some(bytes) if is_plain_flatbuffers(details)? => {
            let value = T::from_flatbuffer_bytes(bytes)?;
            value.validate_payload()?;
            Ok(value)
        }
        _ => T::from_payload(payload),
    }
}

/// Turns a table-relative validation error (`details.authid: ...`) into one
/// with the WAMP field path (`args[0].authid: ...`), given the table's fields.
pub fn wamp_validation_error(
    error: ValidationError,
    fields: &[(&'static str, FieldSlot)],
) -> PayloadError {
    let path = error.path.as_str();
    for (name, slot) in fields {
        let Some(rest) = path.strip_prefix(name) else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')) {
            continue;
        }
        let head = match slot {
            FieldSlot::Arg(index) => format!("args[{index}]"),
            FieldSlot::Kwarg => format!("kwargs.{name}"),
        };
        return PayloadError::new(format!("{head}{rest}: {}", error.message));
    }
    PayloadError::new(error.to_string())
}

/// Builds a `CALL` carrying a typed request.
///
/// # Errors
///
/// As [`WampPayload::to_payload`].
pub fn call_message<T: WampPayload>(
    request: u64,
    procedure: &str,
    value: &T,
    mode: PayloadMode,
) -> Result<Call> {
    let mut options = CallOptions::new();
    let payload = encode_payload(value, mode, &mut options.0)?;
    Ok(Call {
        request,
        options,
        procedure: procedure.to_owned(),
        payload,
    })
}

/// Builds a `YIELD` carrying a typed result.
///
/// # Errors
///
/// As [`WampPayload::to_payload`].
pub fn yield_message<T: WampPayload>(request: u64, value: &T, mode: PayloadMode) -> Result<Yield> {
    let mut message = Yield {
        request,
        options: Default::default(),
        payload: Payload::default(),
    };
    message.payload = encode_payload(value, mode, &mut message.options.0)?;
    Ok(message)
}

/// Builds a `PUBLISH` carrying a typed event.
///
/// # Errors
///
/// As [`WampPayload::to_payload`].
pub fn publish_message<T: WampPayload>(
    request: u64,
    topic: &str,
    value: &T,
    mode: PayloadMode,
) -> Result<Publish> {
    let mut options = PublishOptions::new();
    let payload = encode_payload(value, mode, &mut options.0)?;
    Ok(Publish {
        request,
        options,
        topic: topic.to_owned(),
        payload,
    })
}

/// Builds an `EVENT` carrying a typed event.
///
/// # Errors
///
/// As [`WampPayload::to_payload`].
pub fn event_message<T: WampPayload>(
    subscription: u64,
    publication: u64,
    value: &T,
    mode: PayloadMode,
) -> Result<Event> {
    let mut message = Event {
        subscription,
        publication,
        details: Default::default(),
        payload: Payload::default(),
    };
    message.payload = encode_payload(value, mode, &mut message.details.0)?;
    Ok(message)
}

/// Builds an `ERROR` answering a request of `request_type` (e.g.
/// [`MessageType::Invocation`]) with an error URI and a typed payload.
///
/// # Errors
///
/// As [`WampPayload::to_payload`].
pub fn error_message<T: WampPayload>(
    request_type: MessageType,
    request: u64,
    error: &str,
    value: &T,
    mode: PayloadMode,
) -> Result<ErrorMessage> {
    let mut message = ErrorMessage {
        request_type: request_type.code(),
        request,
        details: Default::default(),
        error: error.to_owned(),
        payload: Payload::default(),
    };
    message.payload = encode_payload(value, mode, &mut message.details.0)?;
    Ok(message)
}

/// Decodes the args (`root` = `"args"`) or kwargs (`"kwargs"`) element into a
/// generated helper type, with the WAMP field path in errors. In-memory values
/// (a payload built locally, not received) go through CBOR bytes first, so
/// their errors carry element paths (`args[1]: ...`) like received ones do.
///
/// # Errors
///
/// The first value that does not fit, with its path.
#[doc(hidden)]
pub fn deserialize_element<T: serde::de::DeserializeOwned>(
    payload: &Payload,
    root: &str,
) -> Result<T> {
    let raw = if root == "args" {
        payload.args()
    } else {
        payload.kwargs()
    };
    match raw.and_then(RawValue::as_value) {
        Some(value) => RawValue::serialize_in(value, Serializer::Cbor)?.deserialize_at(root),
        None if root == "args" => payload.deserialize_args(),
        None => payload.deserialize_kwargs(),
    }
}

/// Builds the payload of a typed value from generated args/kwargs views:
/// `args` only when it has elements, `kwargs` only when it has entries.
///
/// # Errors
///
/// If a value cannot be represented in the format.
#[doc(hidden)]
pub fn build_payload<A, K>(
    args: Option<&A>,
    kwargs: Option<&K>,
    serializer: Option<Serializer>,
) -> Result<Payload>
where
    A: serde::Serialize + ?Sized,
    K: serde::Serialize + ?Sized,
{
    let payload = match (args, serializer) {
        (None, _) => Payload::default(),
        (Some(args), None) => Payload::from_serialize_args(args)?,
        (Some(args), Some(serializer)) => Payload::from_serialize_args_in(args, serializer)?,
    };
    match (kwargs, serializer) {
        (None, _) => Ok(payload),
        (Some(kwargs), None) => payload.with_serialize_kwargs(kwargs),
        (Some(kwargs), Some(serializer)) => payload.with_serialize_kwargs_in(kwargs, serializer),
    }
}

/// Calls `procedure` with a typed request and decodes the typed result (what
/// generated clients run).
///
/// # Errors
///
/// The callee's or router's `ERROR`; `wamp.error.invalid_argument` if the
/// request cannot be encoded or the `RESULT` does not fit `Res` (the message
/// names the procedure and the field path).
pub async fn call<S, Req, Res>(
    session: &S,
    procedure: &str,
    request: &Req,
    mode: PayloadMode,
) -> std::result::Result<Res, CallError>
where
    S: Session + ?Sized,
    Req: WampPayload + Sync,
    Res: WampPayload,
{
    let mut options = CallOptions::new();
    let payload = encode_payload(request, mode, &mut options.0)
        .map_err(|e| CallError::invalid_argument(format!("CALL {procedure}: {}", e.message())))?;
    let result = session.call(procedure, options, payload).await?;
    decode_payload::<Res>(&result.payload, &result.details.0).map_err(|e| {
        e.context(format_args!("RESULT of {procedure}"))
            .into_call_error()
    })
}

/// Publishes a typed event to `topic` (what generated clients run).
///
/// # Errors
///
/// The router's `ERROR`, or `wamp.error.invalid_argument` if the event cannot
/// be encoded.
pub async fn publish<S, Ev>(
    session: &S,
    topic: &str,
    event: &Ev,
    options: PublishOptions,
    mode: PayloadMode,
) -> std::result::Result<Option<u64>, CallError>
where
    S: Session + ?Sized,
    Ev: WampPayload + Sync,
{
    let mut options = options;
    let payload = encode_payload(event, mode, &mut options.0)
        .map_err(|e| CallError::invalid_argument(format!("PUBLISH {topic}: {}", e.message())))?;
    session.publish(topic, options, payload).await
}

/// Subscribes to `topic`; `handler` gets each event decoded and validated
/// (or the [`PayloadError`] of an event that does not fit `Ev`).
///
/// # Errors
///
/// The router's `ERROR`.
pub async fn subscribe<S, Ev, F>(
    session: &S,
    topic: &str,
    handler: F,
) -> std::result::Result<Subscription, CallError>
where
    S: Session + ?Sized,
    Ev: WampPayload,
    F: Fn(std::result::Result<Ev, PayloadError>) + Send + Sync + 'static,
{
    let handler: EventHandler = Arc::new(move |event: Event| {
        handler(decode_payload::<Ev>(&event.payload, &event.details.0));
    });
    session
        .subscribe(topic, SubscribeOptions::new(), handler)
        .await
}

/// An [`InvocationHandler`] that decodes and validates each INVOCATION's
/// payload into `Req` (answering `wamp.error.invalid_argument` with the field
/// path in `args[0]` when it does not fit), runs `f`, and answers the typed
/// result as YIELD (args/kwargs) or `f`'s error as ERROR.
pub fn procedure_handler<Req, Res, F, Fut>(f: F) -> InvocationHandler
where
    Req: WampPayload + Send + 'static,
    Res: WampPayload + 'static,
    F: Fn(Req) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = std::result::Result<Res, CallError>> + Send + 'static,
{
    let f = Arc::new(f);
    Arc::new(move |invocation: Invocation| {
        let f = Arc::clone(&f);
        Box::pin(async move {
            let request = decode_payload::<Req>(&invocation.payload, &invocation.details.0)
                .map_err(PayloadError::into_call_error)?;
            let response = f(request).await?;
            response.to_payload().map_err(|e| {
                CallError::with_message(
                    CallError::RUNTIME_ERROR,
                    format!(
                        "result of `{}` cannot be encoded: {}",
                        Res::TYPE_NAME,
                        e.message()
                    ),
                )
            })
        })
    })
}

/// Registers every `(procedure URI, handler)` pair; if one fails, the ones
/// registered before it are unregistered again and the error returned.
///
/// # Errors
///
/// The router's `ERROR` for the first registration that failed
/// (e.g. `wamp.error.procedure_already_exists`).
pub async fn register_procedures<S, U>(
    session: &S,
    procedures: Vec<(U, InvocationHandler)>,
) -> std::result::Result<Vec<Registration>, CallError>
where
    S: Session + ?Sized,
    U: AsRef<str> + Send,
{
    let mut registrations = Vec::with_capacity(procedures.len());
    for (procedure, handler) in procedures {
        match session
            .register(procedure.as_ref(), RegisterOptions::new(), handler)
            .await
        {
            Ok(registration) => registrations.push(registration),
            Err(error) => {
                for registration in registrations {
                    // Best effort: the first error is the one worth reporting.
                    let _ = session.unregister(registration).await;
                }
                return Err(error);
            }
        }
    }
    Ok(registrations)
}

/// Whether a method is a procedure or a topic (reflection data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MethodKind {
    /// Called with CALL, answered with RESULT.
    Procedure,
    /// Published with PUBLISH, received as EVENT.
    Topic,
}

/// Static description of one procedure or topic of an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodInfo {
    /// The rpc method name in the schema (`session_get`).
    pub name: &'static str,
    /// Procedure or topic.
    pub kind: MethodKind,
    /// The WAMP URI (`wamp.session.get`).
    pub uri: &'static str,
    /// Fully qualified name of the request (procedures) or event (topics) table.
    pub request: &'static str,
    /// Fully qualified name of the result table (`wamp.Void` for topics).
    pub response: &'static str,
    /// The `///` documentation, lines joined with `\n`.
    pub docs: &'static str,
}

/// Static description of a WAMP IDL interface (generated as `REFLECTION`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterfaceInfo {
    /// Short name (`IWampMeta`).
    pub name: &'static str,
    /// Fully qualified name (`wamp.IWampMeta`).
    pub full_name: &'static str,
    /// The interface UUID (canonical text).
    pub uuid: &'static str,
    /// The URI prefix (`wampuri` of the interface).
    pub uri_prefix: &'static str,
    /// The `///` documentation, lines joined with `\n`.
    pub docs: &'static str,
    /// Procedures then topics, each in declaration order.
    pub methods: &'static [MethodInfo],
}

impl InterfaceInfo {
    /// The method registered under `uri`.
    pub fn method_by_uri(&self, uri: &str) -> Option<&'static MethodInfo> {
        self.methods.iter().find(|m| m.uri == uri)
    }

    /// The method with this schema name.
    pub fn method(&self, name: &str) -> Option<&'static MethodInfo> {
        self.methods.iter().find(|m| m.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_paths_become_wamp_paths() {
        let fields = [
            ("details", FieldSlot::Arg(0)),
            ("detail", FieldSlot::Arg(1)),
            ("reason", FieldSlot::Kwarg),
        ];
        let error = |path: &str| ValidationError {
            path: path.to_owned(),
            message: "bad".to_owned(),
        };
        let map = |path: &str| wamp_validation_error(error(path), &fields).to_string();
        assert_eq!(map("details.authid"), "args[0].authid: bad");
        assert_eq!(map("detail[3]"), "args[1][3]: bad");
        assert_eq!(map("reason"), "kwargs.reason: bad");
        assert_eq!(map("other"), "other: bad");
    }

    #[test]
    fn transparent_keys_are_checked() {
        let mut details = Dict::new();
        assert_eq!(is_plain_flatbuffers(&details), Ok(false));
        details.insert("enc_algo", "cryptobox");
        assert!(is_plain_flatbuffers(&details)
            .unwrap_err()
            .message()
            .contains("encrypted"));
        let mut details = Dict::new();
        details.insert("ppt_scheme", "x_plain");
        details.insert("ppt_serializer", "flatbuffers");
        assert_eq!(is_plain_flatbuffers(&details), Ok(true));
        let mut details = Dict::new();
        details.insert("enc_algo", "x_plain");
        details.insert("enc_serializer", "cbor");
        assert!(is_plain_flatbuffers(&details).is_err());
    }
}
