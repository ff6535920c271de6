//! Entry function of the `client_input` fuzz target
//! (`fuzz/fuzz_targets/client_input.rs` includes this file by path) and of
//! the seed test in `tests/hostile_input.rs`, so CI compiles and runs the
//! fuzz code without libFuzzer.
//!
//! Input layout: octet 0 picks the serializer ([`WIRES`]), octet 1 is the
//! client's receive-limit exponent (2^(9+n) octets, n = octet & 0x0F), octets
//! 2..6 are the router's RawSocket handshake reply, the rest is the byte
//! stream the router sends after it. The stream is read frame by frame with
//! `wamp_idl_client::rawsocket::read_frame`, message frames are decoded with
//! the runtime codec and fed to a welcomed [`ClientState`] that waits for a
//! CALL, a REGISTER and a SUBSCRIBE, the way the client's reader task does;
//! the returned actions run outside the state's lock.
//!
//! Properties (a failing one panics):
//!
//! - nothing panics;
//! - a frame header announcing more than the limit fails with
//!   `FrameTooLarge` after consuming only the header (nothing read or
//!   reserved for the payload), and no frame longer than the limit is returned;
//! - actions run while the state's lock is free (handlers check it);
//! - completions never outnumber started requests, and once the session is
//!   closed every started request has completed exactly once;
//! - after a close, `start_request` fails and drops its reply channel.

#![allow(dead_code)] // the test and the fuzz target use different parts

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Waker};

use wamp_idl_client::rawsocket::{
    encode_frame, parse_frame_header, parse_handshake_reply, read_frame, FrameKind, MaxLength,
    RawSocketError, MAX_FRAME_LENGTH,
};
use wamp_idl_runtime::client_state::oneshot::{self, Receiver};
use wamp_idl_runtime::client_state::{invocation_reply, Action, ClientState, Pending};
use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::serializer::UbjsonDialect;
use wamp_idl_runtime::session::{EventHandler, InvocationHandler};
use wamp_idl_runtime::{CallError, Codec, Message, Serializer};

/// The serializers the first octet picks from (modulo their count).
pub const WIRES: [Wire; 6] = [
    Wire::Array(Serializer::Json),
    Wire::Array(Serializer::MsgPack),
    Wire::Array(Serializer::Cbor),
    Wire::Array(Serializer::Ubjson(UbjsonDialect::BjData)),
    Wire::Array(Serializer::Ubjson(UbjsonDialect::Draft12)),
    Wire::FlatBuffers,
];

/// A serializer the client can speak over RawSocket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Wire {
    /// An array-envelope codec with default settings.
    Array(Serializer),
    /// The FlatBuffers envelope with default settings.
    FlatBuffers,
}

impl Wire {
    /// The serializer picked by a selector octet.
    pub fn pick(selector: u8) -> Wire {
        WIRES[usize::from(selector) % WIRES.len()]
    }

    /// The selector octet of this serializer.
    pub fn selector(self) -> u8 {
        WIRES
            .iter()
            .position(|&w| w == self)
            .and_then(|i| u8::try_from(i).ok())
            .unwrap_or(0)
    }

    /// The RawSocket serializer id.
    pub fn rawsocket_id(self) -> u8 {
        match self {
            Wire::Array(Serializer::Json) => 1,
            Wire::Array(Serializer::MsgPack) => 2,
            Wire::Array(Serializer::Cbor) => 3,
            Wire::Array(Serializer::Ubjson(_)) => 4,
            Wire::FlatBuffers => 5,
        }
    }

    /// Encodes a message (what the client would send).
    pub fn encode(self, message: &Message) -> wamp_idl_runtime::Result<Vec<u8>> {
        match self {
            Wire::Array(s) => Codec::new(s).encode(message),
            Wire::FlatBuffers => FlatBuffersCodec::new().encode(message),
        }
    }

    /// Decodes a message frame.
    pub fn decode(self, frame: Vec<u8>) -> wamp_idl_runtime::Result<Message> {
        match self {
            Wire::Array(s) => Codec::new(s).decode(frame),
            Wire::FlatBuffers => FlatBuffersCodec::new().decode(frame),
        }
    }
}

/// Polls a future that never waits (everything here reads from a slice).
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a future over an in-memory stream is not ready"),
    }
}

/// The outcome of a request's reply channel, polled once.
fn outcome<T>(rx: &mut Receiver<T>) -> Poll<Option<T>> {
    let mut cx = Context::from_waker(Waker::noop());
    std::pin::Pin::new(rx).poll(&mut cx)
}

/// A request's reply channel, type-erased to what the checks need.
enum Waiting {
    Call(Receiver<Result<wamp_idl_runtime::message::CallResult, CallError>>),
    Register(Receiver<Result<wamp_idl_runtime::session::Registration, CallError>>),
    Subscribe(Receiver<Result<wamp_idl_runtime::session::Subscription, CallError>>),
}

impl Waiting {
    /// `Some(true)` once resolved with a value, `Some(false)` if the sender
    /// was dropped unsent, `None` while still waiting.
    fn resolved(&mut self) -> Option<bool> {
        fn check<T>(rx: &mut Receiver<T>) -> Option<bool> {
            match outcome(rx) {
                Poll::Ready(value) => Some(value.is_some()),
                Poll::Pending => None,
            }
        }
        match self {
            Waiting::Call(rx) => check(rx),
            Waiting::Register(rx) => check(rx),
            Waiting::Subscribe(rx) => check(rx),
        }
    }
}

/// The client side of the harness: the state behind its lock, the started
/// requests' reply channels, and counters.
struct Harness {
    wire: Wire,
    state: Arc<Mutex<ClientState>>,
    waiting: Vec<Waiting>,
    started: usize,
    completed: usize,
    handler_runs: Arc<AtomicUsize>,
}

impl Harness {
    fn state(&self) -> MutexGuard<'_, ClientState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A handler check: the state's lock must be free while actions run.
    fn lock_is_free(state: &Weak<Mutex<ClientState>>) {
        if let Some(state) = state.upgrade() {
            assert!(
                state.try_lock().is_ok(),
                "a handler runs while the session state is locked"
            );
        }
    }

    fn new(wire: Wire) -> Harness {
        let mut state = ClientState::new();
        state.welcomed(1);
        Harness {
            wire,
            state: Arc::new(Mutex::new(state)),
            waiting: Vec::new(),
            started: 0,
            completed: 0,
            handler_runs: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn invocation_handler(&self) -> InvocationHandler {
        // Weak: the state holds the handler, which must not keep the state alive.
        let state = Arc::downgrade(&self.state);
        let runs = self.handler_runs.clone();
        Arc::new(move |invocation| {
            Harness::lock_is_free(&state);
            runs.fetch_add(1, Ordering::Relaxed);
            // Echo the arguments, as a small callee would.
            let payload = invocation.payload;
            Box::pin(async move { Ok(payload) })
        })
    }

    fn event_handler(&self) -> EventHandler {
        let state = Arc::downgrade(&self.state);
        let runs = self.handler_runs.clone();
        Arc::new(move |_event| {
            Harness::lock_is_free(&state);
            runs.fetch_add(1, Ordering::Relaxed);
        })
    }

    /// Starts one request of `kind` (0 call, 1 register, 2 subscribe);
    /// returns whether the state took it.
    fn start(&mut self, kind: u8) -> bool {
        let (pending, waiting) = match kind {
            0 => {
                let (tx, rx) = oneshot::channel();
                (Pending::Call(tx), Waiting::Call(rx))
            }
            1 => {
                let (tx, rx) = oneshot::channel();
                let handler = self.invocation_handler();
                (Pending::Register(tx, handler), Waiting::Register(rx))
            }
            _ => {
                let (tx, rx) = oneshot::channel();
                let handler = self.event_handler();
                (Pending::Subscribe(tx, handler), Waiting::Subscribe(rx))
            }
        };
        let was_closed = self.state().is_closed();
        let started = self.state().start_request(Some(pending));
        let mut waiting = waiting;
        match started {
            Ok(request) => {
                assert!(!was_closed, "a closed session started request {request}");
                assert!(request >= 1, "request id {request}");
                self.started += 1;
                self.waiting.push(waiting);
                true
            }
            Err(error) => {
                assert!(
                    !self.state().is_joined(),
                    "a joined session refused a request: {error}"
                );
                // The refused request's channel is dropped unsent, never resolved.
                assert_eq!(waiting.resolved(), Some(false), "refused request resolved");
                false
            }
        }
    }

    /// Runs actions with the lock released, as the client does.
    fn run(&mut self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Complete(complete) => {
                    complete();
                    self.completed += 1;
                }
                Action::Event(handler, event) => handler(event),
                Action::Invoke(handler, invocation) => {
                    let request = invocation.request;
                    let reply = invocation_reply(request, ready(handler(invocation)));
                    if reply.validate().is_ok() {
                        let _ = self.wire.encode(&reply);
                    }
                }
                Action::Send(message) => {
                    if matches!(message, Message::Abort(_) | Message::Goodbye(_)) {
                        assert!(
                            self.state().is_closed(),
                            "the session sends {} but is not closed",
                            message.message_type().name()
                        );
                    }
                    // The client encodes what it sends; failing is fine, panicking is not.
                    let _ = self.wire.encode(&message);
                }
            }
            assert!(
                self.completed <= self.started,
                "{} completions for {} started requests",
                self.completed,
                self.started
            );
        }
    }

    /// Checks the state after it was closed.
    fn check_closed(&mut self) {
        assert!(self.state().is_closed());
        for kind in 0..3 {
            assert!(!self.start(kind), "a request started after the close");
        }
        let mut resolved = 0;
        for (index, waiting) in self.waiting.iter_mut().enumerate() {
            match waiting.resolved() {
                Some(true) => resolved += 1,
                Some(false) => panic!("request {index} was dropped without a reply"),
                None => panic!("request {index} still waits after the close"),
            }
        }
        assert_eq!(resolved, self.started);
        assert_eq!(self.completed, self.started);
    }
}

/// What one input did (for the seed test's expectations).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Whether the handshake reply was accepted.
    pub handshake_ok: bool,
    /// Frames read (messages, PINGs, PONGs).
    pub frames: usize,
    /// Requests started (the three initial ones and extra calls).
    pub started: usize,
    /// Invocation and event handler runs.
    pub handler_runs: usize,
    /// Why the session ended: the close error as text.
    pub closed_with: String,
}

impl Harness {
    fn outcome(&self, frames: usize) -> Outcome {
        Outcome {
            handshake_ok: true,
            frames,
            started: self.started,
            handler_runs: self.handler_runs.load(Ordering::Relaxed),
            closed_with: self
                .state()
                .closed_error()
                .map(ToString::to_string)
                .unwrap_or_default(),
        }
    }
}

/// At most this many extra calls are started while frames come in.
const EXTRA_CALLS: usize = 16;

/// The fuzz target's body: see the module docs for the input layout and properties.
pub fn client_input(data: &[u8]) -> Outcome {
    let [selector, exponent, rest @ ..] = data else {
        return Outcome::default();
    };
    let wire = Wire::pick(*selector);
    let limit = MaxLength::from_exponent(exponent & 0x0F)
        .unwrap_or(MaxLength::MAX)
        .bytes();
    let Some((reply, mut stream)) = rest.split_first_chunk::<4>() else {
        return Outcome::default();
    };
    match parse_handshake_reply(*reply, wire.rawsocket_id()) {
        Ok(router_limit) => assert!((512..=MAX_FRAME_LENGTH).contains(&router_limit.bytes())),
        Err(error) => {
            // The connection attempt fails with this message.
            assert!(!error.to_string().is_empty());
            return Outcome::default();
        }
    }

    let mut harness = Harness::new(wire);
    for kind in 0..3 {
        assert!(harness.start(kind), "a welcomed session refused a request");
    }
    let mut extra_calls = 0;
    let mut frames = 0;
    let close_reason = loop {
        let before = stream.len();
        // What the header announces, read independently of `read_frame`.
        let announced = stream
            .first_chunk::<4>()
            .and_then(|header| parse_frame_header(*header, MAX_FRAME_LENGTH).ok());
        let frame = ready(read_frame(&mut stream, limit));
        if let Some((_, length)) = announced {
            if length > limit {
                assert!(
                    matches!(frame, Err(RawSocketError::FrameTooLarge { length: l, limit: m }) if l == length && m == limit),
                    "a {length}-octet frame against a {limit}-octet limit: {frame:?}"
                );
                assert_eq!(
                    before - stream.len(),
                    4,
                    "an oversized frame's payload was read"
                );
            }
        }
        let (kind, payload) = match frame {
            Ok(frame) => frame,
            Err(RawSocketError::Closed) => {
                assert_eq!(before, 0, "`Closed` with {before} octets left");
                break "the router closed it".to_owned();
            }
            Err(error) => break error.to_string(),
        };
        assert!(payload.len() <= limit, "a frame above the limit was read");
        frames += 1;
        match kind {
            FrameKind::Message => {
                let actions = match wire.decode(payload) {
                    Ok(message) => harness.state().receive(message),
                    Err(e) => harness
                        .state()
                        .violation(format!("could not decode a message from the router: {e}")),
                };
                harness.run(actions);
                if harness.state().is_closed() {
                    harness.check_closed();
                    return harness.outcome(frames);
                }
                if extra_calls < EXTRA_CALLS {
                    extra_calls += 1;
                    assert!(harness.start(0), "a joined session refused a call");
                }
            }
            // The client echoes a PING's payload in a PONG; it fits the frame limit.
            FrameKind::Ping => {
                let pong = encode_frame(FrameKind::Pong, &payload);
                assert!(pong.is_ok(), "the PONG for a {}-octet PING", payload.len());
            }
            FrameKind::Pong => {}
        }
    };
    // The connection ended or broke: the client closes the session.
    let actions = harness.state().close(CallError::with_message(
        CallError::CANCELED,
        format!("the connection to the router was lost: {close_reason}"),
    ));
    harness.run(actions);
    harness.check_closed();
    harness.outcome(frames)
}
