//! The sans-IO dealer and broker: a decoded message from a session goes in,
//! the messages to send (each addressed to a session) come out. No I/O, no
//! locks, no handlers: [`super::Router`] owns the bytes and the delivery.

use std::collections::{BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) use crate::client_state::{GOODBYE_AND_OUT, NO_SUCH_REGISTRATION, PROTOCOL_VIOLATION};
use crate::id::MAX_ID;
use crate::message::keys::{EventDetails, InvocationDetails, MatchPolicy, ResultDetails};
use crate::message::{
    Abort, Call, CallResult, ErrorMessage, Event, Goodbye, Hello, Invocation, Message, MessageType,
    Publish, Published, Register, Registered, Subscribe, Subscribed, Unregister, Unregistered,
    Unsubscribe, Unsubscribed, Welcome, Yield,
};
use crate::payload::Payload;
use crate::session::CallError;
use crate::value::{Dict, Value};

/// Messages to send, each with the id of the session it goes to.
pub(crate) type Outgoing = Vec<(u64, Message)>;

/// `wamp.error.no_such_subscription`.
pub(crate) const NO_SUCH_SUBSCRIPTION: &str = "wamp.error.no_such_subscription";
/// `wamp.error.option_not_allowed`.
pub(crate) const OPTION_NOT_ALLOWED: &str = "wamp.error.option_not_allowed";
/// `wamp.error.no_such_realm`.
pub(crate) const NO_SUCH_REALM: &str = "wamp.error.no_such_realm";

/// Options/Details keys of payload transparency that the router copies from a
/// request to what it forwards (the payload cannot be read without them).
const PASSTHROUGH_KEYS: [&str; 7] = [
    "enc_algo",
    "enc_serializer",
    "enc_key",
    "ppt_scheme",
    "ppt_serializer",
    "ppt_cipher",
    "ppt_keyid",
];

/// One joined session, as the router sees it.
struct SessionEntry {
    /// The last INVOCATION request id sent to this session (session scope).
    last_invocation: u64,
}

/// A procedure and the session that registered it.
struct RegistrationEntry {
    procedure: String,
    callee: u64,
}

/// A topic and the sessions subscribed to it (one subscription per topic).
struct SubscriptionEntry {
    topic: String,
    subscribers: BTreeSet<u64>,
}

/// A CALL waiting for the callee's YIELD or ERROR.
struct PendingCall {
    caller: u64,
    caller_request: u64,
}

/// The state of one realm: sessions, registrations, subscriptions and the
/// calls in flight.
pub(crate) struct RouterCore {
    realm: String,
    sessions: HashMap<u64, SessionEntry>,
    procedures: HashMap<String, u64>,
    registrations: HashMap<u64, RegistrationEntry>,
    topics: HashMap<String, u64>,
    subscriptions: HashMap<u64, SubscriptionEntry>,
    /// Keyed by (callee session, INVOCATION request id).
    invocations: HashMap<(u64, u64), PendingCall>,
    /// Last registration/subscription id handed out (router scope, sequential).
    last_scoped_id: u64,
    ids: IdGenerator,
}

impl RouterCore {
    /// An empty realm.
    pub(crate) fn new(realm: String) -> RouterCore {
        RouterCore {
            realm,
            sessions: HashMap::new(),
            procedures: HashMap::new(),
            registrations: HashMap::new(),
            topics: HashMap::new(),
            subscriptions: HashMap::new(),
            invocations: HashMap::new(),
            last_scoped_id: 0,
            ids: IdGenerator::new(),
        }
    }

    /// The realm's URI.
    pub(crate) fn realm(&self) -> &str {
        &self.realm
    }

    /// How many sessions are joined.
    pub(crate) fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Whether `session` is joined.
    pub(crate) fn is_open(&self, session: u64) -> bool {
        self.sessions.contains_key(&session)
    }

    /// Answers a HELLO: WELCOME with a fresh global session id, or ABORT
    /// (boxed: a refusal is rare and an `Abort` is large).
    pub(crate) fn hello(&mut self, hello: &Hello) -> Result<Welcome, Box<Abort>> {
        if hello.realm != self.realm {
            let mut abort = Abort {
                reason: NO_SUCH_REALM.to_owned(),
                ..Abort::default()
            };
            abort.details.set_message(format!(
                "this router serves realm `{}`, not `{}`",
                self.realm, hello.realm
            ));
            return Err(Box::new(abort));
        }
        let session = loop {
            let id = self.ids.next_id();
            if !self.sessions.contains_key(&id) {
                break id;
            }
        };
        self.sessions
            .insert(session, SessionEntry { last_invocation: 0 });
        let mut welcome = Welcome {
            session,
            ..Welcome::default()
        };
        let mut roles = Dict::new();
        roles.insert("broker", Dict::new());
        roles.insert("dealer", Dict::new());
        welcome
            .details
            .set_roles(roles)
            .set_agent(format!(
                "wamp-idl-runtime/{} in-process router",
                env!("CARGO_PKG_VERSION")
            ))
            .set_realm(self.realm.clone());
        Ok(welcome)
    }

    /// Handles one message from the joined session `from`.
    pub(crate) fn handle(&mut self, from: u64, message: Message) -> Outgoing {
        if !self.is_open(from) {
            return Vec::new();
        }
        match message {
            Message::Register(register) => vec![(from, self.register(from, register))],
            Message::Unregister(unregister) => vec![(from, self.unregister(from, unregister))],
            Message::Call(call) => vec![self.call(from, call)],
            Message::Yield(reply) => self.yield_result(from, reply).into_iter().collect(),
            Message::Error(error) if error.request_type == MessageType::Invocation.code() => {
                self.invocation_error(from, error).into_iter().collect()
            }
            Message::Subscribe(subscribe) => vec![(from, self.subscribe(from, subscribe))],
            Message::Unsubscribe(unsubscribe) => {
                vec![(from, self.unsubscribe(from, unsubscribe))]
            }
            Message::Publish(publish) => self.publish(from, publish),
            Message::Goodbye(_) => {
                let reply = Goodbye {
                    reason: GOODBYE_AND_OUT.to_owned(),
                    ..Goodbye::default()
                };
                let mut out = vec![(from, Message::Goodbye(reply))];
                out.extend(self.close(from));
                out
            }
            // ABORT is never answered: the session is just gone.
            Message::Abort(_) => self.close(from),
            other => self.abort(
                from,
                format!(
                    "a client may not send {} to the router (or it needs a feature this router lacks)",
                    other.message_type().name()
                ),
            ),
        }
    }

    /// ABORTs `session` with `wamp.error.protocol_violation` and closes it.
    pub(crate) fn abort(&mut self, session: u64, message: String) -> Outgoing {
        let mut abort = Abort {
            reason: PROTOCOL_VIOLATION.to_owned(),
            ..Abort::default()
        };
        abort.details.set_message(message);
        let mut out = vec![(session, Message::Abort(abort))];
        out.extend(self.close(session));
        out
    }

    /// Removes `session` with its registrations and subscriptions; callers
    /// waiting on it get `wamp.error.canceled`.
    pub(crate) fn close(&mut self, session: u64) -> Outgoing {
        if self.sessions.remove(&session).is_none() {
            return Vec::new();
        }
        let procedures = &mut self.procedures;
        self.registrations.retain(|_, entry| {
            let keep = entry.callee != session;
            if !keep {
                procedures.remove(&entry.procedure);
            }
            keep
        });
        let topics = &mut self.topics;
        self.subscriptions.retain(|_, entry| {
            entry.subscribers.remove(&session);
            let keep = !entry.subscribers.is_empty();
            if !keep {
                topics.remove(&entry.topic);
            }
            keep
        });
        let mut out = Vec::new();
        let sessions = &self.sessions;
        self.invocations.retain(|&(callee, _), pending| {
            if callee == session {
                if sessions.contains_key(&pending.caller) {
                    out.push((
                        pending.caller,
                        error_message(
                            MessageType::Call,
                            pending.caller_request,
                            CallError::CANCELED,
                            "the callee left the router before answering",
                        ),
                    ));
                }
                false
            } else {
                pending.caller != session
            }
        });
        out
    }

    /// What to send instead of `message` when it cannot be encoded for
    /// `to`: the request it answers fails with `wamp.error.runtime_error`.
    /// Events and other messages are dropped.
    pub(crate) fn undeliverable(&mut self, to: u64, message: &Message, reason: &str) -> Outgoing {
        match message {
            Message::Invocation(invocation) => {
                let error = ErrorMessage {
                    request_type: MessageType::Invocation.code(),
                    request: invocation.request,
                    details: ResultDetails::new(),
                    error: CallError::RUNTIME_ERROR.to_owned(),
                    payload: message_payload(&format!(
                        "the router could not encode the INVOCATION for the callee: {reason}"
                    )),
                };
                self.invocation_error(to, error).into_iter().collect()
            }
            Message::Result(result) => vec![(
                to,
                error_message(
                    MessageType::Call,
                    result.request,
                    CallError::RUNTIME_ERROR,
                    &format!("the router could not encode the RESULT for the caller: {reason}"),
                ),
            )],
            Message::Error(error) if error.request_type == MessageType::Call.code() => vec![(
                to,
                error_message(
                    MessageType::Call,
                    error.request,
                    CallError::RUNTIME_ERROR,
                    &format!(
                        "the router could not encode the callee's `{}` ERROR for the caller: {reason}",
                        error.error
                    ),
                ),
            )],
            _ => Vec::new(),
        }
    }

    fn next_scoped_id(&mut self) -> u64 {
        // Router-scope ids count up from 1; after 2^53 they start over, skipping live ones.
        loop {
            self.last_scoped_id = if self.last_scoped_id >= MAX_ID {
                1
            } else {
                self.last_scoped_id + 1
            };
            let id = self.last_scoped_id;
            if !self.registrations.contains_key(&id) && !self.subscriptions.contains_key(&id) {
                return id;
            }
        }
    }

    fn register(&mut self, from: u64, register: Register) -> Message {
        if let Some(policy) = non_exact(register.options.match_policy()) {
            return error_message(
                MessageType::Register,
                register.request,
                OPTION_NOT_ALLOWED,
                &format!(
                    "`match: {policy}` registrations are not supported by the in-process router"
                ),
            );
        }
        if self.procedures.contains_key(&register.procedure) {
            return error_message(
                MessageType::Register,
                register.request,
                CallError::PROCEDURE_ALREADY_EXISTS,
                &format!("procedure `{}` is already registered", register.procedure),
            );
        }
        let registration = self.next_scoped_id();
        self.procedures
            .insert(register.procedure.clone(), registration);
        self.registrations.insert(
            registration,
            RegistrationEntry {
                procedure: register.procedure,
                callee: from,
            },
        );
        Message::Registered(Registered {
            request: register.request,
            registration,
        })
    }

    fn unregister(&mut self, from: u64, unregister: Unregister) -> Message {
        match self.registrations.get(&unregister.registration) {
            Some(entry) if entry.callee == from => {
                if let Some(entry) = self.registrations.remove(&unregister.registration) {
                    self.procedures.remove(&entry.procedure);
                }
                // Calls already invoked may still be answered.
                Message::Unregistered(Unregistered {
                    request: unregister.request,
                    details: None,
                })
            }
            _ => error_message(
                MessageType::Unregister,
                unregister.request,
                NO_SUCH_REGISTRATION,
                &format!(
                    "this session has no registration {}",
                    unregister.registration
                ),
            ),
        }
    }

    fn call(&mut self, from: u64, call: Call) -> (u64, Message) {
        let target = self
            .procedures
            .get(&call.procedure)
            .and_then(|id| Some((*id, self.registrations.get(id)?.callee)));
        let Some((registration, callee)) = target else {
            return (
                from,
                error_message(
                    MessageType::Call,
                    call.request,
                    CallError::NO_SUCH_PROCEDURE,
                    &format!("no callee registered procedure `{}`", call.procedure),
                ),
            );
        };
        let Some(callee_entry) = self.sessions.get_mut(&callee) else {
            return (
                from,
                error_message(
                    MessageType::Call,
                    call.request,
                    CallError::NO_SUCH_PROCEDURE,
                    &format!("the callee of procedure `{}` is gone", call.procedure),
                ),
            );
        };
        let request = loop {
            // Session-scope ids: 1, 2, 3 ...; after 2^53 start over, skipping ids in flight.
            let next = if callee_entry.last_invocation >= MAX_ID {
                1
            } else {
                callee_entry.last_invocation + 1
            };
            callee_entry.last_invocation = next;
            if !self.invocations.contains_key(&(callee, next)) {
                break next;
            }
        };
        let mut details = InvocationDetails::new();
        copy_passthrough(&call.options, &mut details);
        if call.options.disclose_me() == Some(true) {
            details.set_caller(from);
        }
        self.invocations.insert(
            (callee, request),
            PendingCall {
                caller: from,
                caller_request: call.request,
            },
        );
        (
            callee,
            Message::Invocation(Invocation {
                request,
                registration,
                details,
                payload: call.payload,
            }),
        )
    }

    fn yield_result(&mut self, from: u64, reply: Yield) -> Option<(u64, Message)> {
        if reply.options.progress() == Some(true) {
            // No caller asked for progressive results (the option is not forwarded).
            return None;
        }
        // A YIELD for an unknown or abandoned invocation is ignored (spec).
        let pending = self.invocations.remove(&(from, reply.request))?;
        let mut details = ResultDetails::new();
        copy_passthrough(&reply.options, &mut details);
        Some((
            pending.caller,
            Message::Result(CallResult {
                request: pending.caller_request,
                details,
                payload: reply.payload,
            }),
        ))
    }

    fn invocation_error(&mut self, from: u64, error: ErrorMessage) -> Option<(u64, Message)> {
        let pending = self.invocations.remove(&(from, error.request))?;
        let mut details = ResultDetails::new();
        copy_passthrough(&error.details, &mut details);
        Some((
            pending.caller,
            Message::Error(ErrorMessage {
                request_type: MessageType::Call.code(),
                request: pending.caller_request,
                details,
                error: error.error,
                payload: error.payload,
            }),
        ))
    }

    fn subscribe(&mut self, from: u64, subscribe: Subscribe) -> Message {
        if let Some(policy) = non_exact(subscribe.options.match_policy()) {
            return error_message(
                MessageType::Subscribe,
                subscribe.request,
                OPTION_NOT_ALLOWED,
                &format!(
                    "`match: {policy}` subscriptions are not supported by the in-process router"
                ),
            );
        }
        let subscription = match self.topics.get(&subscribe.topic) {
            Some(id) => *id,
            None => {
                let id = self.next_scoped_id();
                self.topics.insert(subscribe.topic.clone(), id);
                self.subscriptions.insert(
                    id,
                    SubscriptionEntry {
                        topic: subscribe.topic,
                        subscribers: BTreeSet::new(),
                    },
                );
                id
            }
        };
        if let Some(entry) = self.subscriptions.get_mut(&subscription) {
            entry.subscribers.insert(from);
        }
        Message::Subscribed(Subscribed {
            request: subscribe.request,
            subscription,
        })
    }

    fn unsubscribe(&mut self, from: u64, unsubscribe: Unsubscribe) -> Message {
        let removed = match self.subscriptions.get_mut(&unsubscribe.subscription) {
            Some(entry) => entry.subscribers.remove(&from),
            None => false,
        };
        if !removed {
            return error_message(
                MessageType::Unsubscribe,
                unsubscribe.request,
                NO_SUCH_SUBSCRIPTION,
                &format!(
                    "this session has no subscription {}",
                    unsubscribe.subscription
                ),
            );
        }
        let now_empty = self
            .subscriptions
            .get(&unsubscribe.subscription)
            .is_some_and(|entry| entry.subscribers.is_empty());
        if now_empty {
            if let Some(entry) = self.subscriptions.remove(&unsubscribe.subscription) {
                self.topics.remove(&entry.topic);
            }
        }
        Message::Unsubscribed(Unsubscribed {
            request: unsubscribe.request,
            details: None,
        })
    }

    fn publish(&mut self, from: u64, publish: Publish) -> Outgoing {
        let publication = self.ids.next_id();
        let options = &publish.options;
        let exclude_me = options.exclude_me().unwrap_or(true);
        let exclude = options.exclude().unwrap_or_default();
        let eligible = options.eligible();
        let mut details = EventDetails::new();
        copy_passthrough(options, &mut details);
        if options.disclose_me() == Some(true) {
            details.set_publisher(from);
        }
        let mut out = Vec::new();
        let subscription = self.topics.get(&publish.topic).copied();
        if let Some(entry) = subscription.and_then(|id| self.subscriptions.get(&id)) {
            for &subscriber in &entry.subscribers {
                let excluded = (exclude_me && subscriber == from)
                    || exclude.contains(&subscriber)
                    || eligible.as_ref().is_some_and(|e| !e.contains(&subscriber));
                if excluded {
                    continue;
                }
                out.push((
                    subscriber,
                    Message::Event(Event {
                        subscription: subscription.unwrap_or_default(),
                        publication,
                        details: details.clone(),
                        payload: publish.payload.clone(),
                    }),
                ));
            }
        }
        if options.acknowledge() == Some(true) {
            out.push((
                from,
                Message::Published(Published {
                    request: publish.request,
                    publication,
                }),
            ));
        }
        out
    }
}

/// The name of a match policy other than `exact`.
fn non_exact(policy: Option<MatchPolicy>) -> Option<&'static str> {
    match policy {
        Some(MatchPolicy::Exact) | None => None,
        Some(other) => Some(other.as_str()),
    }
}

/// Copies the payload-transparency keys from `from` to `to`.
fn copy_passthrough(from: &Dict, to: &mut Dict) {
    for key in PASSTHROUGH_KEYS {
        if let Some(value) = from.get(key) {
            to.insert(key, value.clone());
        }
    }
}

/// A payload with a human-readable message as `args[0]`.
fn message_payload(message: &str) -> Payload {
    Payload::from_args(vec![Value::from(message)])
}

/// An ERROR answering request `request` of type `request_type`.
pub(crate) fn error_message(
    request_type: MessageType,
    request: u64,
    error: &str,
    message: &str,
) -> Message {
    Message::Error(ErrorMessage {
        request_type: request_type.code(),
        request,
        details: ResultDetails::new(),
        error: error.to_owned(),
        payload: message_payload(message),
    })
}

/// Global-scope ids (sessions, publications): drawn from `1 ..= 2^53` by a
/// SplitMix64 sequence seeded from the clock, so they look random without a
/// dependency (they are not meant to be unguessable).
pub(crate) struct IdGenerator {
    state: u64,
}

impl IdGenerator {
    /// A generator seeded from the clock and this value's address.
    pub(crate) fn new() -> IdGenerator {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let marker = 0u8;
        let address = std::ptr::addr_of!(marker) as usize as u64;
        IdGenerator {
            state: nanos ^ address.rotate_left(32),
        }
    }

    /// The next id in `1 ..= 2^53`.
    pub(crate) fn next_id(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // The top 53 bits give 0 .. 2^53; shifting by one makes it 1 ..= 2^53.
        (z >> 11) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::is_valid_id;

    fn joined(core: &mut RouterCore) -> u64 {
        match core.hello(&Hello::new("realm1")) {
            Ok(welcome) => welcome.session,
            Err(abort) => panic!("HELLO refused: {abort:?}"),
        }
    }

    #[test]
    fn ids_stay_in_range() {
        let mut ids = IdGenerator::new();
        for _ in 0..10_000 {
            assert!(is_valid_id(ids.next_id()));
        }
    }

    #[test]
    fn wrong_realm_is_aborted() {
        let mut core = RouterCore::new("realm1".to_owned());
        let abort = core.hello(&Hello::new("other.realm")).unwrap_err();
        assert_eq!(abort.reason, NO_SUCH_REALM);
        assert_eq!(core.session_count(), 0);
    }

    #[test]
    fn call_is_routed_and_answered() {
        let mut core = RouterCore::new("realm1".to_owned());
        let callee = joined(&mut core);
        let caller = joined(&mut core);
        let out = core.handle(callee, Register::default_with(1, "com.example.add").into());
        let [(to, Message::Registered(registered))] = out.as_slice() else {
            panic!("expected REGISTERED, got {out:?}")
        };
        assert_eq!(*to, callee);
        let out = core.handle(caller, Call::new(7, "com.example.add").into());
        let [(to, Message::Invocation(invocation))] = out.as_slice() else {
            panic!("expected INVOCATION, got {out:?}")
        };
        assert_eq!(
            (*to, invocation.request, invocation.registration),
            (callee, 1, registered.registration)
        );
        let out = core.handle(
            callee,
            Yield {
                request: 1,
                ..Yield::default()
            }
            .into(),
        );
        let [(to, Message::Result(result))] = out.as_slice() else {
            panic!("expected RESULT, got {out:?}")
        };
        assert_eq!((*to, result.request), (caller, 7));
        // A second YIELD for the same invocation is ignored.
        assert!(core
            .handle(
                callee,
                Yield {
                    request: 1,
                    ..Yield::default()
                }
                .into()
            )
            .is_empty());
    }

    #[test]
    fn callee_leaving_cancels_pending_calls() {
        let mut core = RouterCore::new("realm1".to_owned());
        let callee = joined(&mut core);
        let caller = joined(&mut core);
        core.handle(callee, Register::default_with(1, "com.example.slow").into());
        core.handle(caller, Call::new(3, "com.example.slow").into());
        let out = core.close(callee);
        let [(to, Message::Error(error))] = out.as_slice() else {
            panic!("expected ERROR, got {out:?}")
        };
        assert_eq!(
            (*to, error.request, error.error.as_str()),
            (caller, 3, CallError::CANCELED)
        );
        let out = core.handle(caller, Call::new(4, "com.example.slow").into());
        let [(_, Message::Error(error))] = out.as_slice() else {
            panic!("expected ERROR, got {out:?}")
        };
        assert_eq!(error.error, CallError::NO_SUCH_PROCEDURE);
    }

    #[test]
    fn a_message_a_client_may_not_send_aborts_the_session() {
        let mut core = RouterCore::new("realm1".to_owned());
        let session = joined(&mut core);
        let out = core.handle(
            session,
            Message::Published(Published {
                request: 1,
                publication: 2,
            }),
        );
        let [(to, Message::Abort(abort))] = out.as_slice() else {
            panic!("expected ABORT, got {out:?}")
        };
        assert_eq!((*to, abort.reason.as_str()), (session, PROTOCOL_VIOLATION));
        assert!(abort.details.message().unwrap().contains("PUBLISHED"));
        assert!(!core.is_open(session));
        assert!(core
            .handle(session, Call::new(1, "com.example.x").into())
            .is_empty());
    }

    #[test]
    fn goodbye_is_echoed_and_closes_the_session() {
        let mut core = RouterCore::new("realm1".to_owned());
        let session = joined(&mut core);
        core.handle(session, Register::default_with(1, "com.example.p").into());
        let out = core.handle(session, Goodbye::default().into());
        let [(to, Message::Goodbye(goodbye))] = out.as_slice() else {
            panic!("expected GOODBYE, got {out:?}")
        };
        assert_eq!((*to, goodbye.reason.as_str()), (session, GOODBYE_AND_OUT));
        assert_eq!(core.session_count(), 0);
        // The registration went with the session.
        let other = joined(&mut core);
        let out = core.handle(other, Register::default_with(1, "com.example.p").into());
        assert!(
            matches!(out.as_slice(), [(_, Message::Registered(_))]),
            "{out:?}"
        );
    }

    impl Register {
        fn default_with(request: u64, procedure: &str) -> Register {
            Register {
                request,
                procedure: procedure.to_owned(),
                ..Register::default()
            }
        }
    }
}
