//! An in-process WAMP router (dealer and broker) and the client sessions that
//! join it, so generated code runs end to end in tests and examples without
//! a network router.
//!
//! [`Router::join`] opens a [`RouterSession`], which implements [`Session`].
//! Every message between a session and the router travels as real bytes of
//! the session's envelope ([`FrameCodec`]: JSON, MessagePack, CBOR, UBJSON
//! or FlatBuffers): the sender encodes it, the receiver decodes it (and a
//! decoder validates it). So handlers see messages exactly as a peer
//! would: args/kwargs of an INVOCATION, EVENT or RESULT stay raw until asked,
//! and each session may use a different serializer.
//!
//! # How it runs
//!
//! The library needs no executor and starts no threads. A message is routed
//! synchronously inside the call that sends it. The callee's handler future
//! for an INVOCATION is driven by the future of the CALL that caused it (so
//! a callee's handler runs on the caller's task, woken by the caller's
//! waker); a callee that calls another procedure from its handler works the
//! same way, one level deeper. Event handlers run on the publisher's thread
//! before `publish` returns. No lock is held while a handler runs or a
//! future is polled.
//!
//! # Protocol
//!
//! HELLO/WELCOME on join; request ids 1, 2, 3 … per session;
//! REGISTER/REGISTERED, CALL → INVOCATION → YIELD/ERROR → RESULT/ERROR,
//! UNREGISTER/UNREGISTERED; SUBSCRIBE/SUBSCRIBED, PUBLISH → EVENT to every
//! subscriber (the publisher only with `exclude_me: false`; `exclude` and
//! `eligible` session lists are honoured), PUBLISHED with `acknowledge`,
//! UNSUBSCRIBE/UNSUBSCRIBED; GOODBYE echoed with `wamp.close.goodbye_and_out`.
//! Session and publication ids are global-scope (random-looking, in
//! `1 ..= 2^53`); registration and subscription ids are router-scope
//! (sequential); INVOCATION request ids are per callee session. Errors:
//! `wamp.error.no_such_procedure`, `procedure_already_exists`,
//! `no_such_registration`, `no_such_subscription`, `invalid_uri` (checked
//! before sending), `canceled` (the callee left, or the session is closed),
//! and callee errors passed through with their payload. A message the
//! router cannot decode, or may not receive, ABORTs the session with
//! `wamp.error.protocol_violation`.
//!
//! # Limits
//!
//! - Basic profile only: no authentication (every HELLO for the router's
//!   realm is welcomed, roles are not checked), no pattern-based
//!   registrations or subscriptions (`match` other than `exact` gets
//!   `wamp.error.option_not_allowed`), no shared registrations, no
//!   progressive results or invocations (a progressive YIELD is ignored),
//!   no call timeouts or canceling, no retained events, no meta API.
//! - `disclose_me` is honoured (INVOCATION `caller`, EVENT `publisher`);
//!   payload-transparency keys (`enc_*`, `ppt_*`) are forwarded untouched.
//! - A callee's handler runs only while the CALL future is polled: dropping
//!   that future abandons the invocation (a later YIELD is ignored).
//! - One realm per router. A session that subscribes twice to the same topic
//!   gets the same subscription id; both handlers run, and unsubscribing
//!   removes both.
//! - A handler that panics panics the task that drives it (the caller's,
//!   or the publisher's for event handlers).
//! - Handlers that capture their own session keep it alive; call
//!   [`RouterSession::leave`] to end it (dropping the last handle of a
//!   session also closes it, like a lost transport).
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use futures::executor::block_on;
//! use wamp_idl_runtime::router::Router;
//! use wamp_idl_runtime::session::{CallError, InvocationHandler, Session};
//! use wamp_idl_runtime::{Payload, Serializer, Value};
//!
//! block_on(async {
//!     let router = Router::new();
//!     let callee = router.join(Serializer::Cbor).unwrap();
//!     let caller = router.join(Serializer::Json).unwrap();
//!
//!     let add: InvocationHandler = Arc::new(|invocation| {
//!         Box::pin(async move {
//!             let (a, b): (i64, i64) = invocation
//!                 .payload
//!                 .args()
//!                 .ok_or_else(|| CallError::invalid_argument("expected two integers"))?
//!                 .deserialize()
//!                 .map_err(|e| CallError::invalid_argument(e.to_string()))?;
//!             Ok(Payload::from_args(vec![Value::from(a + b)]))
//!         })
//!     });
//!     callee.register("com.example.add", Default::default(), add).await.unwrap();
//!
//!     let args = Payload::from_args(vec![Value::from(2i64), Value::from(3i64)]);
//!     let result = caller.call("com.example.add", Default::default(), args).await.unwrap();
//!     let (sum,): (i64,) = result.payload.args().unwrap().deserialize().unwrap();
//!     assert_eq!(sum, 5);
//!
//!     let error = caller.call("com.example.nothing", Default::default(), Payload::default()).await;
//!     assert_eq!(error.unwrap_err().uri(), CallError::NO_SUCH_PROCEDURE);
//!     caller.leave().unwrap();
//! });
//! ```

mod core;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll};

use bytes::Bytes;

use crate::client_state::{abort_error, oneshot, Action, ClientState, Pending};
use crate::error::Result as WampResult;
use crate::message::keys::{CallOptions, PublishOptions, RegisterOptions, SubscribeOptions};
use crate::message::{
    Call, CallResult, Goodbye, Hello, Invocation, Message, MessageType, Publish, Register,
    Subscribe, Unregister, Unsubscribe,
};
use crate::payload::Payload;
use crate::serializer::flatbuffers::FlatBuffersCodec;
use crate::serializer::{Codec, Serializer};
use crate::session::{
    BoxFuture, CallError, EventHandler, InvocationHandler, InvocationResult, Registration, Session,
    Subscription,
};
use crate::uri::{check_uri, UriCheck, UriKind};

use self::core::{RouterCore, PROTOCOL_VIOLATION};

/// The realm a [`Router::new`] router serves.
pub const DEFAULT_REALM: &str = "realm1";

/// Turns messages into frames and back: what a session and the router use
/// on the wire between them.
///
/// Implemented for [`Codec`], for [`Serializer`] (a [`Codec`] with default
/// settings) and for the FlatBuffers envelope's [`FlatBuffersCodec`];
/// another envelope plugs in by implementing it.
pub trait FrameCodec: Send + Sync + 'static {
    /// A short name for messages, e.g. `"json"`.
    fn name(&self) -> String;
    /// Encodes one message into one frame.
    fn encode_frame(&self, message: &Message) -> WampResult<Vec<u8>>;
    /// Decodes and validates one frame.
    fn decode_frame(&self, frame: Bytes) -> WampResult<Message>;
}

impl FrameCodec for Codec {
    fn name(&self) -> String {
        self.serializer().id().to_owned()
    }

    fn encode_frame(&self, message: &Message) -> WampResult<Vec<u8>> {
        self.encode(message)
    }

    fn decode_frame(&self, frame: Bytes) -> WampResult<Message> {
        self.decode(frame)
    }
}

impl FrameCodec for FlatBuffersCodec {
    fn name(&self) -> String {
        format!("flatbuffers ({} payloads)", self.payload_serializer().id())
    }

    fn encode_frame(&self, message: &Message) -> WampResult<Vec<u8>> {
        self.encode(message)
    }

    fn decode_frame(&self, frame: Bytes) -> WampResult<Message> {
        self.decode(frame)
    }
}

impl FrameCodec for Serializer {
    fn name(&self) -> String {
        self.id().to_owned()
    }

    fn encode_frame(&self, message: &Message) -> WampResult<Vec<u8>> {
        Codec::new(*self).encode(message)
    }

    fn decode_frame(&self, frame: Bytes) -> WampResult<Message> {
        Codec::new(*self).decode(frame)
    }
}

/// An in-process WAMP router serving one realm. Cloning shares the router.
///
/// See the [module documentation](self) for what it supports.
#[derive(Clone)]
pub struct Router {
    shared: Arc<RouterShared>,
}

/// The router's state behind its lock.
struct RouterShared {
    state: Mutex<RouterState>,
}

struct RouterState {
    core: RouterCore,
    peers: HashMap<u64, Peer>,
}

/// How the router reaches a joined session.
struct Peer {
    codec: Arc<dyn FrameCodec>,
    client: Weak<ClientInner>,
}

impl Default for Router {
    fn default() -> Router {
        Router::new()
    }
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("Router")
            .field("realm", &state.core.realm())
            .field("sessions", &state.core.session_count())
            .finish()
    }
}

impl Router {
    /// A router serving the realm [`DEFAULT_REALM`] (`realm1`).
    pub fn new() -> Router {
        Router::with_realm_unchecked(DEFAULT_REALM.to_owned())
    }

    /// A router serving `realm`.
    ///
    /// # Errors
    ///
    /// `wamp.error.invalid_uri` if `realm` is not a valid URI.
    pub fn with_realm(realm: &str) -> Result<Router, CallError> {
        check_uri(realm, UriCheck::Loose, UriKind::Exact).map_err(|msg| {
            CallError::with_message(CallError::INVALID_URI, format!("realm `{realm}`: {msg}"))
        })?;
        Ok(Router::with_realm_unchecked(realm.to_owned()))
    }

    fn with_realm_unchecked(realm: String) -> Router {
        Router {
            shared: Arc::new(RouterShared {
                state: Mutex::new(RouterState {
                    core: RouterCore::new(realm),
                    peers: HashMap::new(),
                }),
            }),
        }
    }

    /// The realm this router serves.
    pub fn realm(&self) -> String {
        self.shared.lock().core.realm().to_owned()
    }

    /// How many sessions are joined.
    pub fn session_count(&self) -> usize {
        self.shared.lock().core.session_count()
    }

    /// Joins a new session to the router's realm, speaking `codec` (a
    /// [`Serializer`], a configured [`Codec`], or any [`FrameCodec`]).
    ///
    /// # Errors
    ///
    /// The router's ABORT as a [`CallError`], or `wamp.error.protocol_violation`
    /// if the HELLO/WELCOME exchange could not be encoded or decoded.
    pub fn join(&self, codec: impl FrameCodec) -> Result<RouterSession, CallError> {
        let realm = self.realm();
        self.join_realm(&realm, codec)
    }

    /// Joins a session to `realm`; a realm other than the router's is refused
    /// with `wamp.error.no_such_realm` (as a network router would).
    ///
    /// # Errors
    ///
    /// As [`Router::join`].
    pub fn join_realm(
        &self,
        realm: &str,
        codec: impl FrameCodec,
    ) -> Result<RouterSession, CallError> {
        let codec: Arc<dyn FrameCodec> = Arc::new(codec);
        let inner = Arc::new(ClientInner {
            router: self.shared.clone(),
            codec: codec.clone(),
            state: Mutex::new(ClientState::new()),
        });
        let mut hello = Hello::new(realm);
        let mut roles = crate::value::Dict::new();
        for role in ["caller", "callee", "publisher", "subscriber"] {
            roles.insert(role, crate::value::Dict::new());
        }
        hello
            .details
            .set_roles(roles)
            .set_agent(format!("wamp-idl-runtime/{}", env!("CARGO_PKG_VERSION")));
        let frame = codec
            .encode_frame(&Message::Hello(hello))
            .map_err(|e| codec_error(&*codec, "encode HELLO", &e))?;
        let reply = self
            .shared
            .accept(&codec, Arc::downgrade(&inner), Bytes::from(frame))?;
        match codec.decode_frame(Bytes::from(reply)) {
            Ok(Message::Welcome(welcome)) => {
                inner.state().welcomed(welcome.session);
                Ok(RouterSession { inner })
            }
            Ok(Message::Abort(abort)) => Err(abort_error(abort)),
            Ok(other) => Err(CallError::with_message(
                PROTOCOL_VIOLATION,
                format!(
                    "the router answered HELLO with {}",
                    other.message_type().name()
                ),
            )),
            Err(e) => Err(codec_error(&*codec, "decode WELCOME", &e)),
        }
    }
}

impl RouterShared {
    fn lock(&self) -> MutexGuard<'_, RouterState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a HELLO frame; returns the WELCOME or ABORT frame.
    fn accept(
        &self,
        codec: &Arc<dyn FrameCodec>,
        client: Weak<ClientInner>,
        frame: Bytes,
    ) -> Result<Vec<u8>, CallError> {
        let mut state = self.lock();
        let hello = match codec.decode_frame(frame) {
            Ok(Message::Hello(hello)) => hello,
            Ok(other) => {
                return Err(CallError::with_message(
                    PROTOCOL_VIOLATION,
                    format!(
                        "a session must start with HELLO, not {}",
                        other.message_type().name()
                    ),
                ))
            }
            Err(e) => return Err(codec_error(&**codec, "decode HELLO", &e)),
        };
        let reply = match state.core.hello(&hello) {
            Ok(welcome) => {
                let session = welcome.session;
                match codec.encode_frame(&Message::Welcome(welcome)) {
                    Ok(frame) => {
                        state.peers.insert(
                            session,
                            Peer {
                                codec: codec.clone(),
                                client,
                            },
                        );
                        return Ok(frame);
                    }
                    Err(e) => {
                        // Nothing was routed yet, so closing has nothing to deliver.
                        state.core.close(session);
                        return Err(codec_error(&**codec, "encode WELCOME", &e));
                    }
                }
            }
            Err(abort) => Message::Abort(*abort),
        };
        codec
            .encode_frame(&reply)
            .map_err(|e| codec_error(&**codec, "encode ABORT", &e))
    }

    /// Routes one frame from session `from`; returns what the receiving
    /// sessions must do next (run after the lock is released).
    fn route(&self, from: u64, frame: Bytes) -> Vec<Step> {
        let mut guard = self.lock();
        let state = &mut *guard;
        let Some(peer) = state.peers.get(&from) else {
            return Vec::new();
        };
        let first = match peer.codec.decode_frame(frame) {
            Ok(message) => state.core.handle(from, message),
            Err(e) => state.core.abort(
                from,
                format!(
                    "the router could not decode a {} frame: {e}",
                    peer.codec.name()
                ),
            ),
        };
        let actions = state.deliver(first);
        drop(guard);
        actions
    }

    /// Closes session `session` as if its transport was lost.
    fn close(&self, session: u64) -> Vec<Step> {
        let mut guard = self.lock();
        let state = &mut *guard;
        let out = state.core.close(session);
        state.peers.remove(&session);
        let actions = state.deliver(out);
        drop(guard);
        actions
    }
}

impl RouterState {
    /// Encodes each message for its session and hands it over; messages
    /// that cannot be encoded are replaced by what [`RouterCore::undeliverable`]
    /// says (once: replacements that fail are dropped).
    fn deliver(&mut self, outgoing: Vec<(u64, Message)>) -> Vec<Step> {
        let mut queue: VecDeque<(u64, Message, bool)> =
            outgoing.into_iter().map(|(to, m)| (to, m, false)).collect();
        let mut actions = Vec::new();
        while let Some((to, message, is_replacement)) = queue.pop_front() {
            let Some(peer) = self.peers.get(&to) else {
                continue;
            };
            let Some(client) = peer.client.upgrade() else {
                // The session's last handle is gone: like a lost transport.
                self.peers.remove(&to);
                queue.extend(self.core.close(to).into_iter().map(|(t, m)| (t, m, false)));
                continue;
            };
            let frame = match peer.codec.encode_frame(&message) {
                Ok(frame) => frame,
                Err(e) => {
                    if !is_replacement {
                        let reason = format!("{} encoder: {e}", peer.codec.name());
                        let replacement = self.core.undeliverable(to, &message, &reason);
                        queue.extend(replacement.into_iter().map(|(t, m)| (t, m, true)));
                    }
                    actions.push((client, None));
                    continue;
                }
            };
            match client.receive_frame(Bytes::from(frame)) {
                Ok(received) => {
                    actions.extend(received.into_iter().map(|a| (client.clone(), Some(a))))
                }
                Err(failed) => {
                    // The session could not read our frame: it is closed on both sides.
                    actions.extend(failed.into_iter().map(|a| (client.clone(), Some(a))));
                    self.peers.remove(&to);
                    queue.extend(self.core.close(to).into_iter().map(|(t, m)| (t, m, false)));
                }
            }
            // `client` is dropped by the caller after the lock is released
            // (its last handle may go there, and closing it locks the router).
            actions.push((client, None));
        }
        let core = &self.core;
        self.peers.retain(|id, _| core.is_open(*id));
        actions
    }
}

/// A session joined to a [`Router`]; implements [`Session`]. Cloning shares
/// the session; it closes when [`RouterSession::leave`] is called or the
/// last clone is dropped.
#[derive(Clone)]
pub struct RouterSession {
    inner: Arc<ClientInner>,
}

impl fmt::Debug for RouterSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouterSession")
            .field("id", &self.id())
            .field("serializer", &self.inner.codec.name())
            .finish()
    }
}

/// The client side of a session.
struct ClientInner {
    router: Arc<RouterShared>,
    codec: Arc<dyn FrameCodec>,
    state: Mutex<ClientState>,
}

impl ClientInner {
    fn state(&self) -> MutexGuard<'_, ClientState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decodes a frame from the router and updates the state. `Err` if the
    /// frame could not be decoded (the session is then closed).
    fn receive_frame(&self, frame: Bytes) -> Result<Vec<Action>, Vec<Action>> {
        match self.codec.decode_frame(frame) {
            Ok(message) => Ok(self.state().receive(message)),
            Err(e) => Err(self.state().close(CallError::with_message(
                PROTOCOL_VIOLATION,
                format!(
                    "the session could not decode a {} frame from the router: {e}",
                    self.codec.name()
                ),
            ))),
        }
    }
}

impl Drop for ClientInner {
    fn drop(&mut self) {
        let session = {
            let state = self.state();
            (!state.is_closed()).then(|| state.session())
        };
        if let Some(session) = session.filter(|id| *id != 0) {
            run_actions(self.router.close(session));
        }
    }
}

/// Encodes `message` and routes it from `client`'s session; returns the
/// callee handlers it started, which the sender's future must drive.
fn transmit(client: &Arc<ClientInner>, message: &Message) -> Result<Vec<Work>, CallError> {
    let frame = client.codec.encode_frame(message).map_err(|e| {
        codec_error(
            &*client.codec,
            &format!("encode {}", message.message_type().name()),
            &e,
        )
    })?;
    let session = client.state().session();
    Ok(run_actions(
        client.router.route(session, Bytes::from(frame)),
    ))
}

/// A started callee handler: runs it and sends its YIELD or ERROR.
type Work = BoxFuture<'static, ()>;

/// An action for a session, or `None` when the step only carries a session
/// handle out of the router's lock (dropping the last handle of a session
/// closes it, which locks the router).
type Step = (Arc<ClientInner>, Option<Action>);

/// Runs actions outside every lock; returns the handler futures started.
fn run_actions(actions: Vec<Step>) -> Vec<Work> {
    let mut work = Vec::new();
    for (client, action) in actions {
        let Some(action) = action else {
            continue;
        };
        match action {
            Action::Complete(complete) => complete(),
            Action::Event(handler, event) => handler(event),
            Action::Invoke(handler, invocation) => {
                work.push(Box::pin(invoke(client, handler, invocation)) as Work)
            }
            Action::Send(message) => {
                // Replies the state machine sends itself (GOODBYE echo, ERROR for
                // an unknown registration); if they cannot be sent there is no
                // one to tell.
                if let Ok(more) = transmit(&client, &message) {
                    work.extend(more);
                }
            }
        }
    }
    work
}

/// Runs a callee's handler for one INVOCATION and answers it.
async fn invoke(client: Arc<ClientInner>, handler: InvocationHandler, invocation: Invocation) {
    let request = invocation.request;
    let result: InvocationResult = handler(invocation).await;
    let reply = crate::client_state::invocation_reply(request, result);
    // A reply the router would refuse becomes an ERROR the caller can read.
    let reply = match reply.validate() {
        Ok(()) => reply,
        Err(e) => core::error_message(
            MessageType::Invocation,
            request,
            CallError::RUNTIME_ERROR,
            &format!("the callee's reply is not a valid WAMP message: {e}"),
        ),
    };
    let work = match transmit(&client, &reply) {
        Ok(work) => work,
        Err(error) => {
            let fallback = core::error_message(
                MessageType::Invocation,
                request,
                CallError::RUNTIME_ERROR,
                &format!("the callee's reply could not be sent: {error}"),
            );
            transmit(&client, &fallback).unwrap_or_default()
        }
    };
    WorkSet(work).await;
}

/// Drives a set of handler futures to completion.
struct WorkSet(Vec<Work>);

impl WorkSet {
    /// Polls every future once, dropping those that finished.
    fn poll_all(&mut self, cx: &mut Context<'_>) {
        self.0
            .retain_mut(|work| work.as_mut().poll(cx).is_pending());
    }
}

impl Future for WorkSet {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.poll_all(cx);
        if this.0.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// Waits for the reply to one request while driving the handlers it started.
struct Reply<T> {
    rx: oneshot::Receiver<Result<T, CallError>>,
    work: WorkSet,
    /// The request to forget if the future is dropped before its reply.
    waiting: Option<(Arc<ClientInner>, u64)>,
}

impl<T> Future for Reply<T> {
    type Output = Result<T, CallError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.work.poll_all(cx);
        match Pin::new(&mut this.rx).poll(cx) {
            Poll::Ready(reply) => {
                this.waiting = None;
                Poll::Ready(reply.unwrap_or_else(|| {
                    Err(CallError::with_message(
                        CallError::CANCELED,
                        "the request was dropped without a reply",
                    ))
                }))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for Reply<T> {
    fn drop(&mut self) {
        if let Some((client, request)) = self.waiting.take() {
            client.state().cancel(request);
        }
    }
}

impl RouterSession {
    /// The session id the router assigned in WELCOME.
    pub fn id(&self) -> u64 {
        self.inner.state().session()
    }

    /// Whether the session can still send requests.
    pub fn is_joined(&self) -> bool {
        self.inner.state().is_joined()
    }

    /// The router this session is joined to.
    pub fn router(&self) -> Router {
        Router {
            shared: self.inner.router.clone(),
        }
    }

    /// Leaves the realm: sends GOODBYE and takes the router's echo. Waiting
    /// requests fail with `wamp.error.canceled`; registrations and
    /// subscriptions end.
    ///
    /// # Errors
    ///
    /// `wamp.error.canceled` if the session is already closed or leaving.
    pub fn leave(&self) -> Result<(), CallError> {
        self.inner.state().start_leaving()?;
        let mut goodbye = Goodbye {
            reason: "wamp.close.normal".to_owned(),
            ..Goodbye::default()
        };
        goodbye.details.set_message("the session is leaving");
        let sent = transmit(&self.inner, &Message::Goodbye(goodbye));
        if !self.inner.state().is_closed() {
            // No echo came (e.g. GOODBYE could not be encoded): close locally.
            let error = CallError::with_message(CallError::CANCELED, "the session left the router");
            let session = self.inner.state().session();
            let mut actions: Vec<Step> = self
                .inner
                .state()
                .close(error)
                .into_iter()
                .map(|a| (self.inner.clone(), Some(a)))
                .collect();
            actions.extend(self.inner.router.close(session));
            run_actions(actions);
        }
        sent.map(drop)
    }

    /// Starts a request: allocates its id, builds and checks the message,
    /// and sends it. Returns the reply future.
    fn request<T>(
        &self,
        pending: impl FnOnce(oneshot::Sender<Result<T, CallError>>) -> Pending,
        build: impl FnOnce(u64) -> Message,
    ) -> Result<Reply<T>, CallError> {
        let (tx, rx) = oneshot::channel();
        let request = self.inner.state().start_request(Some(pending(tx)))?;
        let message = build(request);
        let sent = message
            .validate()
            .map_err(|e| CallError::invalid_argument(e.to_string()))
            .and_then(|()| transmit(&self.inner, &message));
        match sent {
            Ok(work) => Ok(Reply {
                rx,
                work: WorkSet(work),
                waiting: Some((self.inner.clone(), request)),
            }),
            Err(error) => {
                self.inner.state().cancel(request);
                Err(error)
            }
        }
    }
}

/// Checks a URI as the router would; `wamp.error.invalid_uri` names it.
fn checked_uri(what: &str, uri: &str, kind: UriKind) -> Result<(), CallError> {
    check_uri(uri, UriCheck::Loose, kind).map_err(|msg| {
        CallError::with_message(CallError::INVALID_URI, format!("{what} `{uri}`: {msg}"))
    })
}

/// The URI kind a `match` option asks for.
fn pattern_kind(policy: Option<crate::message::keys::MatchPolicy>) -> UriKind {
    use crate::message::keys::MatchPolicy;
    match policy {
        Some(MatchPolicy::Prefix) => UriKind::Prefix,
        Some(MatchPolicy::Wildcard) => UriKind::Wildcard,
        Some(MatchPolicy::Exact) | None => UriKind::Exact,
    }
}

fn codec_error(codec: &dyn FrameCodec, what: &str, error: &crate::Error) -> CallError {
    CallError::with_message(
        PROTOCOL_VIOLATION,
        format!("{} codec could not {what}: {error}", codec.name()),
    )
}

impl Session for RouterSession {
    fn call(
        &self,
        procedure: &str,
        options: CallOptions,
        payload: Payload,
    ) -> impl Future<Output = Result<CallResult, CallError>> + Send {
        let session = self.clone();
        let procedure = procedure.to_owned();
        async move {
            checked_uri("procedure", &procedure, UriKind::Exact)?;
            session
                .request(Pending::Call, |request| {
                    Message::Call(Call {
                        request,
                        options,
                        procedure,
                        payload,
                    })
                })?
                .await
        }
    }

    fn register(
        &self,
        procedure: &str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> impl Future<Output = Result<Registration, CallError>> + Send {
        let session = self.clone();
        let procedure = procedure.to_owned();
        async move {
            checked_uri(
                "procedure",
                &procedure,
                pattern_kind(options.match_policy()),
            )?;
            session
                .request(
                    |tx| Pending::Register(tx, handler),
                    |request| {
                        Message::Register(Register {
                            request,
                            options,
                            procedure,
                        })
                    },
                )?
                .await
        }
    }

    fn unregister(
        &self,
        registration: Registration,
    ) -> impl Future<Output = Result<(), CallError>> + Send {
        let session = self.clone();
        async move {
            session
                .request(
                    |tx| Pending::Unregister(tx, registration.id),
                    |request| {
                        Message::Unregister(Unregister {
                            request,
                            registration: registration.id,
                            options: None,
                        })
                    },
                )?
                .await
        }
    }

    fn publish(
        &self,
        topic: &str,
        options: PublishOptions,
        payload: Payload,
    ) -> impl Future<Output = Result<Option<u64>, CallError>> + Send {
        let session = self.clone();
        let topic = topic.to_owned();
        async move {
            checked_uri("topic", &topic, UriKind::Exact)?;
            if options.acknowledge() == Some(true) {
                return session
                    .request(Pending::Publish, |request| {
                        Message::Publish(Publish {
                            request,
                            options,
                            topic,
                            payload,
                        })
                    })?
                    .await;
            }
            let request = session.inner.state().start_request(None)?;
            let message = Message::Publish(Publish {
                request,
                options,
                topic,
                payload,
            });
            message
                .validate()
                .map_err(|e| CallError::invalid_argument(e.to_string()))?;
            WorkSet(transmit(&session.inner, &message)?).await;
            Ok(None)
        }
    }

    fn subscribe(
        &self,
        topic: &str,
        options: SubscribeOptions,
        handler: EventHandler,
    ) -> impl Future<Output = Result<Subscription, CallError>> + Send {
        let session = self.clone();
        let topic = topic.to_owned();
        async move {
            checked_uri("topic", &topic, pattern_kind(options.match_policy()))?;
            session
                .request(
                    |tx| Pending::Subscribe(tx, handler),
                    |request| {
                        Message::Subscribe(Subscribe {
                            request,
                            options,
                            topic,
                        })
                    },
                )?
                .await
        }
    }

    fn unsubscribe(
        &self,
        subscription: Subscription,
    ) -> impl Future<Output = Result<(), CallError>> + Send {
        let session = self.clone();
        async move {
            session
                .request(
                    |tx| Pending::Unsubscribe(tx, subscription.id),
                    |request| {
                        Message::Unsubscribe(Unsubscribe {
                            request,
                            subscription: subscription.id,
                            options: None,
                        })
                    },
                )?
                .await
        }
    }
}
