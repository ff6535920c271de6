//! The sans-IO client side of a session: request ids, the requests waiting
//! for a reply, and the handlers of registrations and subscriptions. A
//! decoded message goes in, [`Action`]s come out; the caller runs them after
//! releasing every lock (handlers and wakers never run under a lock).

use std::collections::HashMap;

use crate::id::MAX_ID;
use crate::message::{ErrorMessage, Message, MessageType};
use crate::payload::Payload;
use crate::session::{CallError, EventHandler, InvocationHandler, Registration, Subscription};

use super::core::{NO_SUCH_REGISTRATION, PROTOCOL_VIOLATION};
use super::oneshot::Sender;
use crate::message::keys::ResultDetails;
use crate::message::{CallResult, Event, Invocation};

/// A request waiting for its reply, with what to do when it comes.
pub(crate) enum Pending {
    Call(Sender<Result<CallResult, CallError>>),
    Register(Sender<Result<Registration, CallError>>, InvocationHandler),
    Unregister(Sender<Result<(), CallError>>, u64),
    Subscribe(Sender<Result<Subscription, CallError>>, EventHandler),
    Unsubscribe(Sender<Result<(), CallError>>, u64),
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

/// What to do after a message was taken in.
pub(crate) enum Action {
    /// Resolve a request future (wakes its task).
    Complete(Box<dyn FnOnce() + Send>),
    /// Run a subscriber's handler.
    Event(EventHandler, Event),
    /// Start a callee's handler; its result goes back as YIELD or ERROR.
    Invoke(InvocationHandler, Invocation),
    /// Send a message from this session (e.g. the GOODBYE echo).
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
    /// Left, aborted, or dropped; the error every new request fails with.
    Closed(CallError),
}

/// The client state machine of one session.
pub(crate) struct ClientState {
    session: u64,
    phase: Phase,
    last_request: u64,
    pending: HashMap<u64, Pending>,
    registrations: HashMap<u64, InvocationHandler>,
    subscriptions: HashMap<u64, Vec<EventHandler>>,
}

impl ClientState {
    /// A session that has sent HELLO.
    pub(crate) fn new() -> ClientState {
        ClientState {
            session: 0,
            phase: Phase::Joining,
            last_request: 0,
            pending: HashMap::new(),
            registrations: HashMap::new(),
            subscriptions: HashMap::new(),
        }
    }

    /// The session id (0 before WELCOME).
    pub(crate) fn session(&self) -> u64 {
        self.session
    }

    /// Whether requests can be sent.
    pub(crate) fn is_joined(&self) -> bool {
        self.phase == Phase::Joined
    }

    /// Whether the session is over (left, aborted or dropped).
    pub(crate) fn is_closed(&self) -> bool {
        matches!(self.phase, Phase::Closed(_))
    }

    /// Takes the WELCOME.
    pub(crate) fn welcomed(&mut self, session: u64) {
        self.session = session;
        self.phase = Phase::Joined;
    }

    /// The error a request on this session fails with, if it cannot be sent.
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

    /// Allocates the next request id (1, 2, 3 … per session) and records
    /// `pending` under it, if given.
    pub(crate) fn start_request(&mut self, pending: Option<Pending>) -> Result<u64, CallError> {
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

    /// Forgets a request whose future was dropped or whose message could not be sent.
    pub(crate) fn cancel(&mut self, request: u64) {
        self.pending.remove(&request);
    }

    /// Marks the session as leaving (GOODBYE about to be sent).
    pub(crate) fn start_leaving(&mut self) -> Result<(), CallError> {
        if let Some(error) = self.not_joined() {
            return Err(error);
        }
        self.phase = Phase::Leaving;
        Ok(())
    }

    /// Ends the session: every waiting request fails with `error`, handlers are dropped.
    pub(crate) fn close(&mut self, error: CallError) -> Vec<Action> {
        self.phase = Phase::Closed(error.clone());
        self.registrations.clear();
        self.subscriptions.clear();
        self.pending
            .drain()
            .map(|(_, pending)| pending.fail(error.clone()))
            .collect()
    }

    /// Takes in one message from the router.
    pub(crate) fn receive(&mut self, message: Message) -> Vec<Action> {
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
                    // Revocation by the router.
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
                let mut actions = self.close(CallError::with_message(
                    CallError::CANCELED,
                    format!("the session was closed ({})", goodbye.reason),
                ));
                if router_initiated {
                    actions.push(Action::Send(Message::Goodbye(crate::message::Goodbye {
                        reason: super::core::GOODBYE_AND_OUT.to_owned(),
                        ..Default::default()
                    })));
                }
                actions
            }
            Message::Abort(abort) => self.close(abort_error(abort)),
            other => self.close(CallError::with_message(
                PROTOCOL_VIOLATION,
                format!(
                    "the router sent {}, which a client does not expect",
                    other.message_type().name()
                ),
            )),
        }
    }

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
pub(crate) fn abort_error(abort: crate::message::Abort) -> CallError {
    let payload = match (abort.details.message(), abort.payload.args().is_none()) {
        (Some(message), true) => Payload::from_args(vec![message.into()]),
        _ => abort.payload,
    };
    CallError::with_payload(abort.reason, payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Registered, Subscribed};
    use crate::router::oneshot;

    fn joined() -> ClientState {
        let mut state = ClientState::new();
        state.welcomed(42);
        state
    }

    #[test]
    fn request_ids_count_from_one() {
        let mut state = joined();
        let ids: Vec<u64> = (0..3).map(|_| state.start_request(None).unwrap()).collect();
        assert_eq!(ids, [1, 2, 3]);
    }

    #[test]
    fn requests_fail_before_welcome_and_after_close() {
        let mut state = ClientState::new();
        assert_eq!(
            state.start_request(None).unwrap_err().uri(),
            CallError::CANCELED
        );
        state.welcomed(1);
        let (tx, _rx) = oneshot::channel();
        state.start_request(Some(Pending::Call(tx))).unwrap();
        let actions = state.close(CallError::new("wamp.close.killed"));
        assert_eq!(actions.len(), 1, "the waiting call is failed");
        assert_eq!(
            state.start_request(None).unwrap_err().uri(),
            "wamp.close.killed"
        );
    }

    #[test]
    fn a_reply_of_the_wrong_kind_fails_the_request() {
        let mut state = joined();
        let (tx, rx) = oneshot::channel();
        let request = state.start_request(Some(Pending::Call(tx))).unwrap();
        let actions = state.receive(Message::Registered(Registered {
            request,
            registration: 5,
        }));
        for action in actions {
            match action {
                Action::Complete(complete) => complete(),
                _ => panic!("expected a completion"),
            }
        }
        let reply = futures::executor::block_on(rx).unwrap();
        let error = reply.unwrap_err();
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
}
