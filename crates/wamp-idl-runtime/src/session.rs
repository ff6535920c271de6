//! The [`Session`] trait: what generated clients and callee glue need from a
//! joined WAMP session (call, register, publish, subscribe).
//!
//! Generated code is generic over `S: Session`, so the same typed API runs on
//! the in-process router (tests, examples) and on a network client. Methods
//! return `Send` futures so sessions work on multi-threaded executors; the
//! trait is executor-agnostic.
//!
//! Requests take the message types' typed Options wrappers and a [`Payload`];
//! replies are the WAMP messages themselves (`RESULT`, `EVENT`, `INVOCATION`),
//! so no Details key is lost on the way to the user.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::message::keys::{CallOptions, PublishOptions, RegisterOptions, SubscribeOptions};
use crate::message::{CallResult, Event, Invocation};
use crate::payload::Payload;
use crate::value::Value;

/// A boxed, `Send` future (what handlers return).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a callee answers: the `YIELD` payload, or an error.
pub type InvocationResult = Result<Payload, CallError>;

/// A callee's handler: called once per `INVOCATION`.
pub type InvocationHandler =
    Arc<dyn Fn(Invocation) -> BoxFuture<'static, InvocationResult> + Send + Sync>;

/// A subscriber's handler: called once per `EVENT`.
pub type EventHandler = Arc<dyn Fn(Event) + Send + Sync>;

/// An error in reply to a call: the `ERROR` message's URI and payload.
///
/// Callee handlers return it to answer `ERROR` instead of `YIELD`; callers get
/// it for an `ERROR` reply and for failures of the session itself (then with a
/// `wamp.error.*` URI such as [`CallError::CANCELED`]).
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::session::CallError;
///
/// let error = CallError::invalid_argument("args[1]: expected i32, got string");
/// assert_eq!(error.uri(), "wamp.error.invalid_argument");
/// assert_eq!(error.to_string(), "wamp.error.invalid_argument: args[1]: expected i32, got string");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CallError(Box<CallErrorInner>);

// Boxed so `Result<T, CallError>` stays small (a `Payload` is over 100 bytes).
#[derive(Clone, Debug, PartialEq)]
struct CallErrorInner {
    error: String,
    payload: Payload,
}

impl CallError {
    /// `wamp.error.invalid_argument`: the payload does not fit the procedure.
    pub const INVALID_ARGUMENT: &'static str = "wamp.error.invalid_argument";
    /// `wamp.error.no_such_procedure`: nothing is registered under the URI.
    pub const NO_SUCH_PROCEDURE: &'static str = "wamp.error.no_such_procedure";
    /// `wamp.error.procedure_already_exists`: the URI is registered already.
    pub const PROCEDURE_ALREADY_EXISTS: &'static str = "wamp.error.procedure_already_exists";
    /// `wamp.error.canceled`: the call was canceled or the session went away.
    pub const CANCELED: &'static str = "wamp.error.canceled";
    /// `wamp.error.runtime_error`: the callee failed (autobahn's name for an unexpected failure).
    pub const RUNTIME_ERROR: &'static str = "wamp.error.runtime_error";
    /// `wamp.error.invalid_uri`: a URI broke the URI rules.
    pub const INVALID_URI: &'static str = "wamp.error.invalid_uri";

    /// An error with a URI and no payload.
    pub fn new(error: impl Into<String>) -> CallError {
        CallError::with_payload(error, Payload::default())
    }

    /// An error with a URI and a payload (args/kwargs describing the error).
    pub fn with_payload(error: impl Into<String>, payload: Payload) -> CallError {
        CallError(Box::new(CallErrorInner {
            error: error.into(),
            payload,
        }))
    }

    /// An error with a URI and a human-readable message as `args[0]` (as autobahn sends them).
    pub fn with_message(error: impl Into<String>, message: impl Into<String>) -> CallError {
        CallError::with_payload(error, Payload::from_args(vec![Value::from(message.into())]))
    }

    /// The error URI.
    pub fn uri(&self) -> &str {
        &self.0.error
    }

    /// The error payload (args/kwargs).
    pub fn payload(&self) -> &Payload {
        &self.0.payload
    }

    /// Takes the error apart into its URI and payload.
    pub fn into_parts(self) -> (String, Payload) {
        let inner = *self.0;
        (inner.error, inner.payload)
    }

    /// `wamp.error.invalid_argument` with the message (e.g. the field path) as `args[0]`.
    pub fn invalid_argument(message: impl Into<String>) -> CallError {
        CallError::with_message(CallError::INVALID_ARGUMENT, message)
    }

    /// The first positional argument, if it is a string (the usual error message).
    pub fn message(&self) -> Option<String> {
        match self.0.payload.args_list() {
            Ok(Some(args)) => match args.into_iter().next() {
                Some(Value::Str(s)) => Some(s),
                _ => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.message() {
            Some(message) => write!(f, "{}: {message}", self.0.error),
            None => f.write_str(&self.0.error),
        }
    }
}

impl std::error::Error for CallError {}

/// A registration made through [`Session::register`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Registration {
    /// The router's registration id.
    pub id: u64,
}

/// A subscription made through [`Session::subscribe`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Subscription {
    /// The router's subscription id.
    pub id: u64,
}

/// A joined WAMP session, as generated clients and callee glue use it.
///
/// Errors of register/subscribe/publish (e.g. `wamp.error.procedure_already_exists`,
/// `wamp.error.not_authorized`) are reported as [`CallError`]s carrying the
/// router's ERROR URI and payload.
pub trait Session: Send + Sync {
    /// Sends `CALL` and waits for `RESULT` (returned) or `ERROR` (as `Err`).
    fn call(
        &self,
        procedure: &str,
        options: CallOptions,
        payload: Payload,
    ) -> impl Future<Output = Result<CallResult, CallError>> + Send;

    /// Sends `REGISTER`; each later `INVOCATION` runs `handler`, whose result
    /// is sent as `YIELD` or `ERROR`.
    fn register(
        &self,
        procedure: &str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> impl Future<Output = Result<Registration, CallError>> + Send;

    /// Sends `UNREGISTER`.
    fn unregister(
        &self,
        registration: Registration,
    ) -> impl Future<Output = Result<(), CallError>> + Send;

    /// Sends `PUBLISH`. With `acknowledge` set in `options`, waits for
    /// `PUBLISHED` and returns the publication id; otherwise returns `None`
    /// once the message is sent.
    fn publish(
        &self,
        topic: &str,
        options: PublishOptions,
        payload: Payload,
    ) -> impl Future<Output = Result<Option<u64>, CallError>> + Send;

    /// Sends `SUBSCRIBE`; each later `EVENT` runs `handler`.
    fn subscribe(
        &self,
        topic: &str,
        options: SubscribeOptions,
        handler: EventHandler,
    ) -> impl Future<Output = Result<Subscription, CallError>> + Send;

    /// Sends `UNSUBSCRIBE`.
    fn unsubscribe(
        &self,
        subscription: Subscription,
    ) -> impl Future<Output = Result<(), CallError>> + Send;
}
