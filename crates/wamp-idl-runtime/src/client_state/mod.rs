//! The sans-IO client side of a WAMP session, shared by every [`Session`]
//! implementation that talks to a router (the in-process
//! [`RouterSession`](crate::router::RouterSession) and the network client of
//! `wamp-idl-client`): request ids, the requests waiting for a reply, the
//! handlers of registrations and subscriptions, and the session's phase.
//!
//! # Contract
//!
//! [`ClientState`] does no I/O and runs no user code. A decoded message goes
//! in ([`ClientState::receive`]), [`Action`]s come out; the caller keeps the
//! state behind its lock, takes the actions out, **releases the lock**, then
//! runs them: resolving a request future wakes its task, and handlers may call
//! back into the session, so neither may run under the lock.
//!
//! A request goes through [`ClientState::start_request`] (which allocates its
//! id and records its [`Pending`] reply channel, a [`oneshot`] sender), then
//! the caller sends the message; a request whose future is dropped, or whose
//! message could not be sent, is forgotten with [`ClientState::cancel`].
//!
//! ```
//! use wamp_idl_runtime::client_state::{oneshot, Action, ClientState, Pending};
//! use wamp_idl_runtime::message::{CallResult, Message};
//!
//! let mut state = ClientState::new();
//! state.welcomed(42); // WELCOME arrived
//! let (tx, rx) = oneshot::channel();
//! let request = state.start_request(Some(Pending::Call(tx))).unwrap();
//! // ... send CALL with `request`; later the router answers:
//! let actions = state.receive(Message::Result(CallResult {
//!     request,
//!     ..CallResult::default()
//! }));
//! // (release the lock here)
//! for action in actions {
//!     if let Action::Complete(complete) = action {
//!         complete();
//!     }
//! }
//! let result = futures::executor::block_on(rx).unwrap();
//! assert_eq!(result.unwrap().request, request);
//! ```
//!
//! [`Session`]: crate::session::Session

pub mod oneshot;

use std::collections::HashMap;

use crate::id::MAX_ID;
use crate::message::keys::ResultDetails;
use crate::message::{
    Abort, CallResult, ErrorMessage, Event, Goodbye, Invocation, Message, MessageType, Yield,
};
use crate::payload::Payload;
use crate::session::{CallError, EventHandler, InvocationHandler, Registration, Subscription};

use self::oneshot::Sender;

/// `wamp.error.protocol_violation`: the peer broke the protocol.
pub const PROTOCOL_VIOLATION: &str = "wamp.error.protocol_violation";
/// `wamp.error.no_such_registration`: an INVOCATION (or UNREGISTER) names a
/// registration that does not exist.
pub const NO_SUCH_REGISTRATION: &str = "wamp.error.no_such_registration";
/// `wamp.close.goodbye_and_out`: the reason of a GOODBYE echo.
pub const GOODBYE_AND_OUT: &str = "wamp.close.goodbye_and_out";

/// A request waiting for its reply, with where the reply goes.
pub enum Pending {
    /// CALL: resolves to the RESULT.
    Call(Sender<Result<CallResult, CallError>>),
    /// REGISTER: resolves to the registration; the handler serves its INVOCATIONs.
    Register(Sender<Result<Registration, CallError>>, InvocationHandler),
    /// UNREGISTER of the registration with this id.
    Unregister(Sender<Result<(), CallError>>, u64),
    /// SUBSCRIBE: resolves to the subscription; the handler takes its EVENTs.
    Subscribe(Sender<Result<Subscription, CallError>>, EventHandler),
    /// UNSUBSCRIBE of the subscription with this id.
    Unsubscribe(Sender<Result<(), CallError>>, u64),
    /// An acknowledged PUBLISH: resolves to the publication id.
    Publish(Sender<Result<Option<u64>, CallError>>),
}

impl Pending {
    /// The request's message type (what an ERROR for it names).
    fn request_type(&self) -> MessageType {
        match self {
            Pending::Call(_) => MessageType::Call,
            Pending::Register(..) => MessageType::Register,
            Pending::Unregister(..) => MessageType::Unregister,
            Pending::Subscribe(..) => MessageType::Subscribe,
            Pending::Unsubscribe(..) => MessageType::Unsubscribe,
            Pending::Publish(_) => MessageType::Publish,
        }
    }

    /// An action that fails the request with `error`.
    fn fail(self, error: CallError) -> Action {
        Action::Complete(match self {
            Pending::Call(tx) => Box::new(move || tx.send(Err(error))),
            Pending::Register(tx, _) => Box::new(move || tx.send(Err(error))),
            Pending::Unregister(tx, _) => Box::new(move || tx.send(Err(error))),
            Pending::Subscribe(tx, _) => Box::new(move || tx.send(Err(error))),
            Pending::Unsubscribe(tx, _) => Box::new(move || tx.send(Err(error))),
            Pending::Publish(tx) => Box::new(move || tx.send(Err(error))),
        })
    }
}

/// What the caller must do after a message was taken in, once it has
/// released its lock.
pub enum Action {
    /// Resolve a request future (wakes its task).
    Complete(Box<dyn FnOnce() + Send>),
    /// Run a subscriber's handler with the event.
    Event(EventHandler, Event),
    /// Start a callee's handler; its result goes back to the router as YIELD or ERROR.
    Invoke(InvocationHandler, Invocation),
    /// Send a message to the router (the GOODBYE echo, an ERROR for an
    /// unknown registration, an ABORT).
    Send(Message),
}

/// Where the session is in its lifetime.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    /// HELLO sent, no WELCOME yet.
    Joining,
    /// WELCOME received.
    Joined,
    /// GOODBYE sent, waiting for the echo.
    Leaving,
    /// Left, aborted, or the connection is gone; the error new requests fail with.
    Closed(CallError),
}

/// The client state machine of one session (see the [module docs](self)).
pub struct ClientState {
    session: u64,
    phase: Phase,
    last_request: u64,
    pending: HashMap<u64, Pending>,
    registrations: HashMap<u64, InvocationHandler>,
    subscriptions: HashMap<u64, Vec<EventHandler>>,
}

impl Default for ClientState {
    fn default() -> ClientState {
        ClientState::new()
    }
}

impl ClientState {
    /// A session that has sent HELLO and waits for WELCOME.
    pub fn new() -> ClientState {
        ClientState {
            session: 0,
            phase: Phase::Joining,
            last_request: 0,
            pending: HashMap::new(),
            registrations: HashMap::new(),
            subscriptions: HashMap::new(),
        }
    }

    /// The session id from WELCOME (0 before it).
    pub fn session(&self) -> u64 {
        self.session
    }

    /// Takes the WELCOME: requests can be sent from now on. A session closed
    /// meanwhile stays closed.
    pub fn welcomed(&mut self, session: u64) {
        self.session = session;
        if self.phase == Phase::Joining {
            self.phase = Phase::Joined;
        }
    }

    /// Whether requests can be sent (welcomed, not leaving, not closed).
    pub fn is_joined(&self) -> bool {
        self.phase == Phase::Joined
    }

    /// Whether the session is over (left, aborted, or the connection is gone).
    pub fn is_closed(&self) -> bool {
        self.closed_error().is_some()
    }

    /// The error the session was closed with, if it is closed.
    pub fn closed_error(&self) -> Option<&CallError> {
        match &self.phase {
            Phase::Closed(error) => Some(error),
            _ => None,
        }
    }

    /// The error a request fails with, if it cannot be sent now.
    fn not_joined(&self) -> Option<CallError> {
        match &self.phase {
            Phase::Joined => None,
            Phase::Joining => Some(CallError::with_message(
                CallError::CANCELED,
                "the session has not joined yet",
            )),
            Phase::Leaving => Some(CallError::with_message(
                CallError::CANCELED,
                "the session is leaving the router",
            )),
            Phase::Closed(error) => Some(error.clone()),
        }
    }

    /// Allocates the next request id (1, 2, 3 … per session, wrapping after
    /// 2^53 and skipping ids still waiting) and records `pending` under it,
    /// if given (a PUBLISH without acknowledgement waits for nothing).
    ///
    /// # Errors
    ///
    /// `wamp.error.canceled` before WELCOME or while leaving; the close
    /// error once the session is closed.
    pub fn start_request(&mut self, pending: Option<Pending>) -> Result<u64, CallError> {
        if let Some(error) = self.not_joined() {
            return Err(error);
        }
        let request = loop {
            self.last_request = if self.last_request >= MAX_ID {
                1
            } else {
                self.last_request + 1
            };
            if !self.pending.contains_key(&self.last_request) {
                break self.last_request;
            }
        };
        if let Some(pending) = pending {
            self.pending.insert(request, pending);
        }
        Ok(request)
    }

    /// Forgets a request whose future was dropped or whose message could not
    /// be sent; a late reply to it is ignored.
    pub fn cancel(&mut self, request: u64) {
        self.pending.remove(&request);
    }

    /// Marks the session as leaving (GOODBYE about to be sent): new requests
    /// fail, and the router's GOODBYE is taken as the echo.
    ///
    /// # Errors
    ///
    /// As [`ClientState::start_request`]: the session is not joined.
    pub fn start_leaving(&mut self) -> Result<(), CallError> {
        if let Some(error) = self.not_joined() {
            return Err(error);
        }
        self.phase = Phase::Leaving;
        Ok(())
    }

    /// Ends the session: every waiting request fails with `error`, handlers
    /// are dropped, later requests fail with `error`. Closing a closed
    /// session does nothing (the first error stays).
    pub fn close(&mut self, error: CallError) -> Vec<Action> {
        if self.is_closed() {
            return Vec::new();
        }
        self.phase = Phase::Closed(error.clone());
        self.registrations.clear();
        self.subscriptions.clear();
        self.pending
            .drain()
            .map(|(_, pending)| pending.fail(error.clone()))
            .collect()
    }

    /// Takes in one message from the router. A closed session ignores it; a
    /// message a client does not expect closes the session with an ABORT.
    pub fn receive(&mut self, message: Message) -> Vec<Action> {
        if self.is_closed() {
            return Vec::new();
        }
        match message {
            Message::Result(result) => match self.pending.remove(&result.request) {
                Some(Pending::Call(tx)) => complete(move || tx.send(Ok(result))),
                other => self.unexpected(result.request, other, "RESULT"),
            },
            Message::Error(error) => self.error(error),
            Message::Registered(registered) => match self.pending.remove(&registered.request) {
                Some(Pending::Register(tx, handler)) => {
                    let id = registered.registration;
                    self.registrations.insert(id, handler);
                    complete(move || tx.send(Ok(Registration { id })))
                }
                other => self.unexpected(registered.request, other, "REGISTERED"),
            },
            Message::Unregistered(unregistered) => {
                if unregistered.request == 0 {
                    // Revocation by the router (registration_revocation).
                    let revoked = unregistered.details.as_ref().and_then(|d| d.registration());
                    if let Some(id) = revoked {
                        self.registrations.remove(&id);
                    }
                    return Vec::new();
                }
                match self.pending.remove(&unregistered.request) {
                    Some(Pending::Unregister(tx, id)) => {
                        self.registrations.remove(&id);
                        complete(move || tx.send(Ok(())))
                    }
                    other => self.unexpected(unregistered.request, other, "UNREGISTERED"),
                }
            }
            Message::Subscribed(subscribed) => match self.pending.remove(&subscribed.request) {
                Some(Pending::Subscribe(tx, handler)) => {
                    let id = subscribed.subscription;
                    self.subscriptions.entry(id).or_default().push(handler);
                    complete(move || tx.send(Ok(Subscription { id })))
                }
                other => self.unexpected(subscribed.request, other, "SUBSCRIBED"),
            },
            Message::Unsubscribed(unsubscribed) => {
                if unsubscribed.request == 0 {
                    // Revocation by the router (subscription_revocation).
                    let revoked = unsubscribed.details.as_ref().and_then(|d| d.subscription());
                    if let Some(id) = revoked {
                        self.subscriptions.remove(&id);
                    }
                    return Vec::new();
                }
                match self.pending.remove(&unsubscribed.request) {
                    Some(Pending::Unsubscribe(tx, id)) => {
                        self.subscriptions.remove(&id);
                        complete(move || tx.send(Ok(())))
                    }
                    other => self.unexpected(unsubscribed.request, other, "UNSUBSCRIBED"),
                }
            }
            Message::Published(published) => match self.pending.remove(&published.request) {
                Some(Pending::Publish(tx)) => {
                    let id = published.publication;
                    complete(move || tx.send(Ok(Some(id))))
                }
                other => self.unexpected(published.request, other, "PUBLISHED"),
            },
            Message::Event(event) => match self.subscriptions.get(&event.subscription) {
                Some(handlers) => handlers
                    .iter()
                    .map(|handler| Action::Event(handler.clone(), event.clone()))
                    .collect(),
                // Events racing an UNSUBSCRIBE are dropped.
                None => Vec::new(),
            },
            Message::Invocation(invocation) => {
                match self.registrations.get(&invocation.registration) {
                    Some(handler) => vec![Action::Invoke(handler.clone(), invocation)],
                    None => vec![Action::Send(Message::Error(ErrorMessage {
                        request_type: MessageType::Invocation.code(),
                        request: invocation.request,
                        details: ResultDetails::new(),
                        error: NO_SUCH_REGISTRATION.to_owned(),
                        payload: Payload::from_args(vec![format!(
                            "this session has no handler for registration {}",
                            invocation.registration
                        )
                        .into()]),
                    }))],
                }
            }
            Message::Goodbye(goodbye) => {
                let router_initiated = self.phase != Phase::Leaving;
                let error = if router_initiated {
                    format!("the router closed the session ({})", goodbye.reason)
                } else {
                    "the session left the router".to_owned()
                };
                let mut actions = self.close(CallError::with_message(CallError::CANCELED, error));
                if router_initiated {
                    actions.push(Action::Send(Message::Goodbye(Goodbye {
                        reason: GOODBYE_AND_OUT.to_owned(),
                        ..Goodbye::default()
                    })));
                }
                actions
            }
            Message::Abort(abort) => self.close(abort_error(abort)),
            other => self.violation(format!(
                "the router sent {}, which a joined client does not expect",
                other.message_type().name()
            )),
        }
    }

    /// Closes the session for a protocol violation described by `message`
    /// (e.g. a frame that could not be decoded) and ABORTs it with
    /// [`PROTOCOL_VIOLATION`]. A closed session stays as it is and sends nothing.
    pub fn violation(&mut self, message: String) -> Vec<Action> {
        if self.is_closed() {
            return Vec::new();
        }
        let mut abort = Abort {
            reason: PROTOCOL_VIOLATION.to_owned(),
            ..Abort::default()
        };
        abort.details.set_message(message.clone());
        let mut actions = self.close(CallError::with_message(PROTOCOL_VIOLATION, message));
        actions.push(Action::Send(Message::Abort(abort)));
        actions
    }

    /// An ERROR reply: fails its request (a protocol violation if it names
    /// another request type).
    fn error(&mut self, error: ErrorMessage) -> Vec<Action> {
        let Some(pending) = self.pending.remove(&error.request) else {
            return Vec::new();
        };
        let expected = pending.request_type();
        if expected.code() != error.request_type {
            return vec![pending.fail(CallError::with_message(
                PROTOCOL_VIOLATION,
                format!(
                    "the router answered request {} ({}) with an ERROR for request type {}",
                    error.request,
                    expected.name(),
                    error.request_type
                ),
            ))];
        }
        vec![pending.fail(CallError::with_payload(error.error, error.payload))]
    }

    /// A reply that does not match its request: the request fails.
    fn unexpected(&mut self, request: u64, pending: Option<Pending>, reply: &str) -> Vec<Action> {
        match pending {
            Some(pending) => {
                let expected = pending.request_type().name();
                vec![pending.fail(CallError::with_message(
                    PROTOCOL_VIOLATION,
                    format!("the router answered request {request} ({expected}) with {reply}"),
                ))]
            }
            // A reply to a request whose future was dropped.
            None => Vec::new(),
        }
    }
}

fn complete(f: impl FnOnce() + Send + 'static) -> Vec<Action> {
    vec![Action::Complete(Box::new(f))]
}

/// The error an ABORT stands for: its reason URI, with `Details.message` as
/// `args[0]` when the ABORT carries no payload of its own.
pub fn abort_error(abort: Abort) -> CallError {
    let payload = match (abort.details.message(), abort.payload.args().is_none()) {
        (Some(message), true) => Payload::from_args(vec![message.into()]),
        _ => abort.payload,
    };
    CallError::with_payload(abort.reason, payload)
}

/// The answer to INVOCATION `request` for a handler's `result`: YIELD with
/// the payload, or ERROR with the error's URI and payload.
///
/// ```
/// use wamp_idl_runtime::client_state::invocation_reply;
/// use wamp_idl_runtime::{CallError, Message, Payload};
///
/// let reply = invocation_reply(7, Err(CallError::new("app.error.busy")));
/// assert!(matches!(reply, Message::Error(e) if e.request == 7 && e.error == "app.error.busy"));
/// assert!(matches!(invocation_reply(7, Ok(Payload::default())), Message::Yield(_)));
/// ```
pub fn invocation_reply(request: u64, result: crate::session::InvocationResult) -> Message {
    match result {
        Ok(payload) => Message::Yield(Yield {
            request,
            payload,
            ..Yield::default()
        }),
        Err(error) => {
            let (error, payload) = error.into_parts();
            Message::Error(ErrorMessage {
                request_type: MessageType::Invocation.code(),
                request,
                details: ResultDetails::new(),
                error,
                payload,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Registered, Subscribed};
    use futures::executor::block_on;

    fn joined() -> ClientState {
        let mut state = ClientState::new();
        state.welcomed(42);
        state
    }

    fn run(actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Complete(complete) => complete(),
                _ => panic!("expected a completion"),
            }
        }
    }

    #[test]
    fn request_ids_count_from_one_and_wrap_after_2_pow_53() {
        let mut state = joined();
        let ids: Vec<u64> = (0..3).map(|_| state.start_request(None).unwrap()).collect();
        assert_eq!(ids, [1, 2, 3]);
        state.last_request = MAX_ID - 1;
        assert_eq!(state.start_request(None).unwrap(), MAX_ID);
        // 1 is still waiting for its reply, so it is skipped.
        let (tx, _rx) = oneshot::channel();
        state.pending.insert(1, Pending::Publish(tx));
        assert_eq!(state.start_request(None).unwrap(), 2);
    }

    #[test]
    fn requests_fail_before_welcome() {
        let mut state = ClientState::new();
        assert_eq!(state.session(), 0);
        assert!(!state.is_joined());
        assert_eq!(
            state.start_request(None).unwrap_err().to_string(),
            "wamp.error.canceled: the session has not joined yet"
        );
        state.welcomed(7);
        assert_eq!(state.session(), 7);
        assert_eq!(state.start_request(None).unwrap(), 1);
    }

    #[test]
    fn closing_fails_waiting_requests_and_later_ones() {
        let mut state = joined();
        let (tx, rx) = oneshot::channel();
        state.start_request(Some(Pending::Call(tx))).unwrap();
        let actions = state.close(CallError::with_message(
            CallError::CANCELED,
            "the connection to the router was lost",
        ));
        assert_eq!(actions.len(), 1, "the waiting call is failed");
        run(actions);
        let error = block_on(rx).unwrap().unwrap_err();
        assert_eq!(error.uri(), CallError::CANCELED);
        assert_eq!(
            state.start_request(None).unwrap_err().to_string(),
            "wamp.error.canceled: the connection to the router was lost"
        );
    }

    #[test]
    fn closing_twice_keeps_the_first_error() {
        let mut state = joined();
        run(state.close(CallError::new("wamp.close.killed")));
        assert!(state.close(CallError::new("wamp.close.other")).is_empty());
        assert!(state.violation("late".to_owned()).is_empty());
        assert_eq!(state.closed_error().unwrap().uri(), "wamp.close.killed");
        // A WELCOME arriving after the close does not reopen the session.
        state.welcomed(9);
        assert!(state.is_closed());
    }

    #[test]
    fn a_reply_of_the_wrong_kind_fails_the_request() {
        let mut state = joined();
        let (tx, rx) = oneshot::channel();
        let request = state.start_request(Some(Pending::Call(tx))).unwrap();
        run(state.receive(Message::Registered(Registered {
            request,
            registration: 5,
        })));
        let error = block_on(rx).unwrap().unwrap_err();
        assert_eq!(error.uri(), PROTOCOL_VIOLATION);
        assert!(error.message().unwrap().contains("REGISTERED"));
    }

    #[test]
    fn replies_to_unknown_requests_are_ignored() {
        let mut state = joined();
        let actions = state.receive(Message::Subscribed(Subscribed {
            request: 9,
            subscription: 1,
        }));
        assert!(actions.is_empty());
        assert!(state.is_joined());
    }

    #[test]
    fn a_router_goodbye_is_echoed() {
        let mut state = joined();
        let actions = state.receive(Message::Goodbye(Goodbye {
            reason: "wamp.close.system_shutdown".into(),
            ..Default::default()
        }));
        assert!(matches!(
            actions.as_slice(),
            [Action::Send(Message::Goodbye(g))] if g.reason == GOODBYE_AND_OUT
        ));
        assert!(state
            .closed_error()
            .unwrap()
            .to_string()
            .contains("wamp.close.system_shutdown"));
    }

    #[test]
    fn the_goodbye_echo_after_leaving_is_not_answered() {
        let mut state = joined();
        state.start_leaving().unwrap();
        assert!(!state.is_joined());
        let actions = state.receive(Message::Goodbye(Goodbye {
            reason: GOODBYE_AND_OUT.into(),
            ..Default::default()
        }));
        assert!(actions.is_empty());
        assert_eq!(
            state.closed_error().unwrap().to_string(),
            "wamp.error.canceled: the session left the router"
        );
    }

    #[test]
    fn a_hello_from_the_router_aborts() {
        let mut state = joined();
        let actions = state.receive(Message::Hello(Default::default()));
        assert!(matches!(
            actions.as_slice(),
            [Action::Send(Message::Abort(a))] if a.reason == PROTOCOL_VIOLATION
        ));
        assert_eq!(state.closed_error().unwrap().uri(), PROTOCOL_VIOLATION);
    }
}
