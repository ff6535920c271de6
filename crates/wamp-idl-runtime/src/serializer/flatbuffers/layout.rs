//! The wire layout of every message table (`schemas/wamp/*.fbs`), the
//! Options/Details keys that have dedicated slots, and the order in which
//! autobahn-python's `build()` methods create objects and add fields (which
//! decides the byte layout; WAMP-REFERENCE §4.2, §4.5).

use crate::message::MessageType;

/// The wire type of one table slot, as the verifier and the reader see it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Wire {
    /// `bool` or a `ubyte` enum.
    U8,
    U16,
    U32,
    U64,
    Str,
    /// `[ubyte]`.
    Bytes,
    /// `[ulong]`.
    U64s,
    /// `[string]`.
    Strs,
    /// A sub-table.
    Table(&'static [Field]),
    /// A vector of sub-tables.
    Tables(&'static [Field]),
}

/// One slot: number, schema name, wire type.
pub(crate) type Field = (u16, &'static str, Wire);

/// How a key's value maps to its slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Bool,
    U64,
    U32,
    U16,
    Str,
    U64s,
    Strs,
    ForwardFor,
    Scheme,
    PptSerializer,
    Cipher,
    Match,
    Invoke,
    CancelMode,
    InterruptMode,
    AuthMethod,
}

/// An Options/Details key with a dedicated slot: slot, kind, key names
/// (`[autobahn name, spec name]` for the payload-passthru slots).
pub(crate) type Rule = (u16, Kind, &'static [&'static str]);

/// Everything the codec knows about one message table.
#[derive(Debug)]
pub(crate) struct TableDef {
    pub ty: MessageType,
    /// Table name in the schema.
    pub name: &'static str,
    pub fields: &'static [Field],
    /// Options/Details keys with dedicated slots.
    pub rules: &'static [Rule],
    /// Slot of `args` (then kwargs, payload, ppt_scheme, ppt_serializer,
    /// ppt_cipher, ppt_keyid follow), for payload-carrying tables.
    pub args: Option<u16>,
    /// Slot of the request id, if the message has one.
    pub request: Option<u16>,
    /// Slot of the message's URI (realm, reason, error, topic, procedure).
    pub uri: Option<u16>,
    /// The order autobahn creates strings/vectors/sub-tables in.
    pub create: &'static [u16],
    /// The fields autobahn writes, in the order it adds them (fields it
    /// never writes, such as `ppt_cipher`, are added after these).
    pub add: &'static [u16],
    /// Whether autobahn writes a `forward_for` principal's `authrole` even
    /// when empty (all but PUBLISH and EVENT).
    pub authrole_always: bool,
}

impl TableDef {
    /// The wamp-idl extension slot: the last one.
    pub fn extra_slot(&self) -> u16 {
        self.fields.last().map_or(0, |f| f.0)
    }

    /// Number of slots.
    pub fn slot_count(&self) -> usize {
        self.fields.len()
    }

    /// The field at `slot`.
    pub fn field(&self, slot: u16) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.0 == slot)
    }

    /// The field called `name`.
    pub fn field_named(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.1 == name)
    }
}

/// vtable offset of a slot.
pub(crate) const fn voffset(slot: u16) -> u16 {
    4 + 2 * slot
}

use Kind as K;
use Wire as W;

pub(crate) const PRINCIPAL: &[Field] = &[
    (0, "session", W::U64),
    (1, "authid", W::Str),
    (2, "authrole", W::Str),
];
const MAP: &[Field] = &[(0, "key", W::Str), (1, "value", W::Str)];
const BOOLS_14: &[Field] = &[
    (0, "f0", W::U8),
    (1, "f1", W::U8),
    (2, "f2", W::U8),
    (3, "f3", W::U8),
    (4, "f4", W::U8),
    (5, "f5", W::U8),
    (6, "f6", W::U8),
    (7, "f7", W::U8),
    (8, "f8", W::U8),
    (9, "f9", W::U8),
    (10, "f10", W::U8),
    (11, "f11", W::U8),
    (12, "f12", W::U8),
    (13, "f13", W::U8),
];
// Feature tables hold only bools; verifying 14 bool slots covers every one of them.
const CLIENT_ROLES: &[Field] = &[
    (0, "publisher", W::Table(BOOLS_14)),
    (1, "subscriber", W::Table(BOOLS_14)),
    (2, "caller", W::Table(BOOLS_14)),
    (3, "callee", W::Table(BOOLS_14)),
];
const ROUTER_ROLES: &[Field] = &[
    (0, "broker", W::Table(BOOLS_14)),
    (1, "dealer", W::Table(BOOLS_14)),
];

macro_rules! payload_fields {
    ($a:expr) => {
        [
            ($a, "args", W::Bytes),
            ($a + 1, "kwargs", W::Bytes),
            ($a + 2, "payload", W::Bytes),
            ($a + 3, "ppt_scheme", W::U8),
            ($a + 4, "ppt_serializer", W::U8),
            ($a + 5, "ppt_cipher", W::U8),
            ($a + 6, "ppt_keyid", W::Str),
        ]
    };
}

macro_rules! ppt_rules {
    ($a:expr) => {
        [
            ($a + 3, K::Scheme, &["enc_algo", "ppt_scheme"] as &[&str]),
            (
                $a + 4,
                K::PptSerializer,
                &["enc_serializer", "ppt_serializer"],
            ),
            ($a + 5, K::Cipher, &["ppt_cipher"]),
            ($a + 6, K::Str, &["enc_key", "ppt_keyid"]),
        ]
    };
}

/// Concatenates const slices of fields/rules into one static slice.
macro_rules! cat {
    ($t:ty; $($part:expr),* $(,)?) => {{
        const PARTS: &[&[$t]] = &[$(&$part),*];
        const LEN: usize = {
            let mut n = 0;
            let mut i = 0;
            while i < PARTS.len() {
                n += PARTS[i].len();
                i += 1;
            }
            n
        };
        const OUT: [$t; LEN] = {
            let mut out = [PARTS[0][0]; LEN];
            let mut n = 0;
            let mut i = 0;
            while i < PARTS.len() {
                let mut j = 0;
                while j < PARTS[i].len() {
                    out[n] = PARTS[i][j];
                    n += 1;
                    j += 1;
                }
                i += 1;
            }
            out
        };
        &OUT
    }};
}

const FF: Wire = W::Tables(PRINCIPAL);

pub(crate) static HELLO: TableDef = TableDef {
    ty: MessageType::Hello,
    name: "Hello",
    fields: &[
        (0, "session", W::U64),
        (1, "roles", W::Table(CLIENT_ROLES)),
        (2, "realm", W::Str),
        (3, "authmethods", W::Bytes),
        (4, "authid", W::Str),
        (5, "authrole", W::Str),
        (6, "authextra", W::Table(MAP)),
        (7, "resumable", W::U8),
        (8, "resume_session", W::U64),
        (9, "resume_token", W::Str),
        (10, "x_extra", W::Bytes),
    ],
    rules: &[
        (4, K::Str, &["authid"]),
        (5, K::Str, &["authrole"]),
        (7, K::Bool, &["resumable"]),
        (8, K::U64, &["resume-session"]),
        (9, K::Str, &["resume-token"]),
    ],
    args: None,
    request: None,
    uri: Some(2),
    create: &[2, 4, 5, 9],
    add: &[2, 4, 5, 7, 8, 9],
    authrole_always: true,
};

pub(crate) static WELCOME: TableDef = TableDef {
    ty: MessageType::Welcome,
    name: "Welcome",
    fields: &[
        (0, "session", W::U64),
        (1, "roles", W::Table(ROUTER_ROLES)),
        (2, "realm", W::Str),
        (3, "authid", W::Str),
        (4, "authrole", W::Str),
        (5, "authmethod", W::U8),
        (6, "authprovider", W::Str),
        (7, "authextra", W::Table(MAP)),
        (8, "resumed", W::U8),
        (9, "resumable", W::U8),
        (10, "resume_token", W::Str),
        (11, "x_extra", W::Bytes),
    ],
    rules: &[
        (2, K::Str, &["realm"]),
        (3, K::Str, &["authid"]),
        (4, K::Str, &["authrole"]),
        (5, K::AuthMethod, &["authmethod"]),
        (6, K::Str, &["authprovider"]),
        (8, K::Bool, &["resumed"]),
        (9, K::Bool, &["resumable"]),
        (10, K::Str, &["resume_token"]),
    ],
    args: None,
    request: None,
    uri: None,
    create: &[2, 3, 4, 6, 10],
    add: &[0, 2, 3, 4, 6, 8, 9, 10],
    authrole_always: true,
};

pub(crate) static ABORT: TableDef = TableDef {
    ty: MessageType::Abort,
    name: "Abort",
    fields: &[
        (0, "session", W::U64),
        (1, "reason", W::Str),
        (2, "message", W::Str),
        (3, "x_extra", W::Bytes),
    ],
    rules: &[(2, K::Str, &["message"])],
    args: None,
    request: None,
    uri: Some(1),
    create: &[1, 2],
    add: &[0, 1, 2],
    authrole_always: true,
};

pub(crate) static CHALLENGE: TableDef = TableDef {
    ty: MessageType::Challenge,
    name: "Challenge",
    fields: &[
        (0, "session", W::U64),
        (1, "method", W::U8),
        (2, "extra", W::Table(MAP)),
        (3, "x_extra", W::Bytes),
    ],
    rules: &[],
    args: None,
    request: None,
    uri: None,
    create: &[],
    add: &[0, 1],
    authrole_always: true,
};

pub(crate) static AUTHENTICATE: TableDef = TableDef {
    ty: MessageType::Authenticate,
    name: "Authenticate",
    fields: &[
        (0, "session", W::U64),
        (1, "signature", W::Str),
        (2, "extra", W::Table(MAP)),
        (3, "x_extra", W::Bytes),
    ],
    rules: &[],
    args: None,
    request: None,
    uri: None,
    create: &[1],
    add: &[0, 1],
    authrole_always: true,
};

pub(crate) static GOODBYE: TableDef = TableDef {
    ty: MessageType::Goodbye,
    name: "Goodbye",
    fields: &[
        (0, "session", W::U64),
        (1, "reason", W::Str),
        (2, "message", W::Str),
        (3, "resumable", W::U8),
        (4, "x_extra", W::Bytes),
    ],
    rules: &[(2, K::Str, &["message"]), (3, K::Bool, &["resumable"])],
    args: None,
    request: None,
    uri: Some(1),
    create: &[1, 2],
    add: &[0, 1, 2, 3],
    authrole_always: true,
};

pub(crate) static ERROR: TableDef = TableDef {
    ty: MessageType::Error,
    name: "Error",
    fields: cat!(Field;
        [(0, "session", W::U64), (1, "request_type", W::U16), (2, "request", W::U64), (3, "error", W::Str)],
        payload_fields!(4),
        [(11, "forward_for", FF), (12, "x_extra", W::Bytes)],
    ),
    rules: cat!(Rule; ppt_rules!(4), [(11, K::ForwardFor, &["forward_for"] as &[&str])]),
    args: Some(4),
    request: Some(2),
    uri: Some(3),
    create: &[4, 5, 6, 3, 10, 11],
    add: &[1, 2, 3, 4, 5, 6, 7, 8, 10, 11],
    authrole_always: true,
};

pub(crate) static PUBLISH: TableDef = TableDef {
    ty: MessageType::Publish,
    name: "Publish",
    fields: cat!(Field;
        [(0, "session", W::U64), (1, "request", W::U64), (2, "topic", W::Str)],
        payload_fields!(3),
        [
            (10, "acknowledge", W::U8),
            (11, "exclude_me", W::U8),
            (12, "exclude", W::U64s),
            (13, "exclude_authid", W::Strs),
            (14, "exclude_authrole", W::Strs),
            (15, "eligible", W::U64s),
            (16, "eligible_authid", W::Strs),
            (17, "eligible_authrole", W::Strs),
            (18, "retain", W::U8),
            (19, "transaction_hash", W::Str),
            (20, "forward_for", FF),
            (21, "x_extra", W::Bytes),
        ],
    ),
    rules: cat!(Rule; ppt_rules!(3), [
        (10, K::Bool, &["acknowledge"] as &[&str]),
        (11, K::Bool, &["exclude_me"]),
        (12, K::U64s, &["exclude"]),
        (13, K::Strs, &["exclude_authid"]),
        (14, K::Strs, &["exclude_authrole"]),
        (15, K::U64s, &["eligible"]),
        (16, K::Strs, &["eligible_authid"]),
        (17, K::Strs, &["eligible_authrole"]),
        (18, K::Bool, &["retain"]),
        (19, K::Str, &["transaction_hash"]),
        (20, K::ForwardFor, &["forward_for"]),
    ]),
    args: Some(3),
    request: Some(1),
    uri: Some(2),
    create: &[3, 4, 5, 2, 19, 9, 12, 13, 14, 15, 16, 17, 20],
    add: &[
        1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ],
    authrole_always: false,
};

const fn ids(name: &'static str) -> [Field; 3] {
    [
        (0, "session", W::U64),
        (1, "request", W::U64),
        (2, name, W::U64),
    ]
}

macro_rules! ack_table {
    ($id:ident, $ty:ident, $name:literal, $field:literal) => {
        pub(crate) static $id: TableDef = TableDef {
            ty: MessageType::$ty,
            name: $name,
    fields: cat!(Field; ids($field), [(3, "x_extra", W::Bytes)]),
            rules: &[],
            args: None,
            request: Some(1),
            uri: None,
            create: &[],
            add: &[0, 1, 2],
            authrole_always: true,
        };
    };
}

ack_table!(PUBLISHED, Published, "Published", "publication");
ack_table!(SUBSCRIBED, Subscribed, "Subscribed", "subscription");
ack_table!(UNSUBSCRIBE, Unsubscribe, "Unsubscribe", "subscription");
ack_table!(REGISTERED, Registered, "Registered", "registration");
ack_table!(UNREGISTER, Unregister, "Unregister", "registration");

pub(crate) static SUBSCRIBE: TableDef = TableDef {
    ty: MessageType::Subscribe,
    name: "Subscribe",
    fields: &[
        (0, "session", W::U64),
        (1, "request", W::U64),
        (2, "topic", W::Str),
        (3, "match", W::U8),
        (4, "get_retained", W::U8),
        (5, "x_extra", W::Bytes),
    ],
    rules: &[(3, K::Match, &["match"]), (4, K::Bool, &["get_retained"])],
    args: None,
    request: Some(1),
    uri: Some(2),
    create: &[2],
    add: &[0, 1, 2, 3, 4],
    authrole_always: true,
};

macro_rules! revocation_table {
    ($id:ident, $ty:ident, $name:literal, $field:literal) => {
        pub(crate) static $id: TableDef = TableDef {
            ty: MessageType::$ty,
            name: $name,
    fields: cat!(Field; ids($field), [(3, "reason", W::Str), (4, "x_extra", W::Bytes)]),
            rules: &[(2, K::U64, &[$field]), (3, K::Str, &["reason"])],
            args: None,
            request: Some(1),
            uri: None,
            create: &[3],
            add: &[0, 1, 2, 3],
            authrole_always: true,
        };
    };
}

revocation_table!(UNSUBSCRIBED, Unsubscribed, "Unsubscribed", "subscription");
revocation_table!(UNREGISTERED, Unregistered, "Unregistered", "registration");

pub(crate) static EVENT: TableDef = TableDef {
    ty: MessageType::Event,
    name: "Event",
    fields: cat!(Field;
        [(0, "session", W::U64), (1, "subscription", W::U64), (2, "publication", W::U64)],
        payload_fields!(3),
        [
            (10, "publisher", W::U64),
            (11, "publisher_authid", W::Str),
            (12, "publisher_authrole", W::Str),
            (13, "topic", W::Str),
            (14, "retained", W::U8),
            (15, "transaction_hash", W::Str),
            (16, "acknowledge", W::U8),
            (17, "forward_for", FF),
            (18, "x_extra", W::Bytes),
        ],
    ),
    rules: cat!(Rule; ppt_rules!(3), [
        (10, K::U64, &["publisher"] as &[&str]),
        (11, K::Str, &["publisher_authid"]),
        (12, K::Str, &["publisher_authrole"]),
        (13, K::Str, &["topic"]),
        (14, K::Bool, &["retained"]),
        (15, K::Str, &["transaction_hash"]),
        (16, K::Bool, &["x_acknowledged_delivery"]),
        (17, K::ForwardFor, &["forward_for"]),
    ]),
    args: Some(3),
    request: None,
    uri: None,
    create: &[3, 4, 5, 11, 12, 13, 15, 9, 17],
    add: &[1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 6, 9, 7, 17],
    authrole_always: false,
};

pub(crate) static EVENT_RECEIVED: TableDef = TableDef {
    ty: MessageType::EventReceived,
    name: "EventReceived",
    fields: &[
        (0, "session", W::U64),
        (1, "publication", W::U64),
        (2, "forward_for", FF),
        (3, "x_extra", W::Bytes),
    ],
    rules: &[],
    args: None,
    request: None,
    uri: None,
    create: &[],
    add: &[1],
    authrole_always: true,
};

pub(crate) static CALL: TableDef = TableDef {
    ty: MessageType::Call,
    name: "Call",
    fields: cat!(Field;
        [(0, "session", W::U64), (1, "request", W::U64), (2, "procedure", W::Str)],
        payload_fields!(3),
        [
            (10, "timeout", W::U32),
            (11, "receive_progress", W::U8),
            (12, "transaction_hash", W::Str),
            (13, "caller", W::U64),
            (14, "caller_authid", W::Str),
            (15, "caller_authrole", W::Str),
            (16, "forward_for", FF),
            (17, "x_extra", W::Bytes),
        ],
    ),
    rules: cat!(Rule; ppt_rules!(3), [
        (10, K::U32, &["timeout"] as &[&str]),
        (11, K::Bool, &["receive_progress"]),
        (12, K::Str, &["transaction_hash"]),
        (13, K::U64, &["caller"]),
        (14, K::Str, &["caller_authid"]),
        (15, K::Str, &["caller_authrole"]),
        (16, K::ForwardFor, &["forward_for"]),
    ]),
    args: Some(3),
    request: Some(1),
    uri: Some(2),
    create: &[3, 4, 5, 2, 12, 14, 15, 9, 16],
    add: &[1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16],
    authrole_always: true,
};

pub(crate) static CANCEL: TableDef = TableDef {
    ty: MessageType::Cancel,
    name: "Cancel",
    fields: &[
        (0, "session", W::U64),
        (1, "request", W::U64),
        (2, "mode", W::U8),
        (3, "forward_for", FF),
        (4, "x_extra", W::Bytes),
    ],
    rules: &[
        (2, K::CancelMode, &["mode"]),
        (3, K::ForwardFor, &["forward_for"]),
    ],
    args: None,
    request: Some(1),
    uri: None,
    create: &[3],
    add: &[1, 2, 3],
    authrole_always: true,
};

macro_rules! result_table {
    ($id:ident, $ty:ident, $name:literal, $add:expr) => {
        pub(crate) static $id: TableDef = TableDef {
            ty: MessageType::$ty,
            name: $name,
            fields: cat!(Field;
                [(0, "session", W::U64), (1, "request", W::U64)],
                payload_fields!(2),
                [
                    (9, "progress", W::U8),
                    (10, "callee", W::U64),
                    (11, "callee_authid", W::Str),
                    (12, "callee_authrole", W::Str),
                    (13, "forward_for", FF),
                    (14, "x_extra", W::Bytes),
                ],
            ),
            rules: cat!(Rule; ppt_rules!(2), [
                (9, K::Bool, &["progress"] as &[&str]),
                (10, K::U64, &["callee"]),
                (11, K::Str, &["callee_authid"]),
                (12, K::Str, &["callee_authrole"]),
                (13, K::ForwardFor, &["forward_for"]),
            ]),
            args: Some(2),
            request: Some(1),
            uri: None,
            create: &[2, 3, 4, 8, 11, 12, 13],
            add: $add,
            authrole_always: true,
        };
    };
}

result_table!(
    RESULT,
    Result,
    "Result",
    &[1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13]
);
result_table!(
    YIELD,
    Yield,
    "Yield",
    &[1, 2, 3, 4, 9, 5, 6, 8, 10, 11, 12, 13]
);

pub(crate) static REGISTER: TableDef = TableDef {
    ty: MessageType::Register,
    name: "Register",
    fields: &[
        (0, "session", W::U64),
        (1, "request", W::U64),
        (2, "procedure", W::Str),
        (3, "match", W::U8),
        (4, "invoke", W::U8),
        (5, "concurrency", W::U16),
        (6, "force_reregister", W::U8),
        (7, "x_extra", W::Bytes),
    ],
    rules: &[
        (3, K::Match, &["match"]),
        (4, K::Invoke, &["invoke"]),
        (5, K::U16, &["concurrency"]),
        (6, K::Bool, &["force_reregister"]),
    ],
    args: None,
    request: Some(1),
    uri: Some(2),
    create: &[2],
    add: &[0, 1, 2, 3, 4, 5, 6],
    authrole_always: true,
};

pub(crate) static INVOCATION: TableDef = TableDef {
    ty: MessageType::Invocation,
    name: "Invocation",
    fields: cat!(Field;
        [(0, "session", W::U64), (1, "request", W::U64), (2, "registration", W::U64)],
        payload_fields!(3),
        [
            (10, "procedure", W::Str),
            (11, "timeout", W::U32),
            (12, "receive_progress", W::U8),
            (13, "transaction_hash", W::Str),
            (14, "caller", W::U64),
            (15, "caller_authid", W::Str),
            (16, "caller_authrole", W::Str),
            (17, "forward_for", FF),
            (18, "x_extra", W::Bytes),
        ],
    ),
    rules: cat!(Rule; ppt_rules!(3), [
        (10, K::Str, &["procedure"] as &[&str]),
        (11, K::U32, &["timeout"]),
        (12, K::Bool, &["receive_progress"]),
        (13, K::Str, &["transaction_hash"]),
        (14, K::U64, &["caller"]),
        (15, K::Str, &["caller_authid"]),
        (16, K::Str, &["caller_authrole"]),
        (17, K::ForwardFor, &["forward_for"]),
    ]),
    args: Some(3),
    request: Some(1),
    uri: None,
    create: &[3, 4, 5, 10, 13, 15, 16, 9, 17],
    add: &[1, 2, 3, 4, 5, 11, 12, 14, 15, 16, 10, 6, 7, 9, 13, 17],
    authrole_always: true,
};

pub(crate) static INTERRUPT: TableDef = TableDef {
    ty: MessageType::Interrupt,
    name: "Interrupt",
    fields: &[
        (0, "session", W::U64),
        (1, "request", W::U64),
        (2, "mode", W::U8),
        (3, "reason", W::Str),
        (4, "forward_for", FF),
        (5, "x_extra", W::Bytes),
    ],
    rules: &[
        (2, K::InterruptMode, &["mode"]),
        (3, K::Str, &["reason"]),
        (4, K::ForwardFor, &["forward_for"]),
    ],
    args: None,
    request: Some(1),
    uri: None,
    create: &[3, 4],
    add: &[1, 2, 3, 4],
    authrole_always: true,
};

/// The table of a message type.
pub(crate) fn table_def(ty: MessageType) -> &'static TableDef {
    match ty {
        MessageType::Hello => &HELLO,
        MessageType::Welcome => &WELCOME,
        MessageType::Abort => &ABORT,
        MessageType::Challenge => &CHALLENGE,
        MessageType::Authenticate => &AUTHENTICATE,
        MessageType::Goodbye => &GOODBYE,
        MessageType::Error => &ERROR,
        MessageType::Publish => &PUBLISH,
        MessageType::Published => &PUBLISHED,
        MessageType::Subscribe => &SUBSCRIBE,
        MessageType::Subscribed => &SUBSCRIBED,
        MessageType::Unsubscribe => &UNSUBSCRIBE,
        MessageType::Unsubscribed => &UNSUBSCRIBED,
        MessageType::Event => &EVENT,
        MessageType::EventReceived => &EVENT_RECEIVED,
        MessageType::Call => &CALL,
        MessageType::Cancel => &CANCEL,
        MessageType::Result => &RESULT,
        MessageType::Register => &REGISTER,
        MessageType::Registered => &REGISTERED,
        MessageType::Unregister => &UNREGISTER,
        MessageType::Unregistered => &UNREGISTERED,
        MessageType::Invocation => &INVOCATION,
        MessageType::Interrupt => &INTERRUPT,
        MessageType::Yield => &YIELD,
    }
}

/// The `msg_type` byte of a message type: the WAMP code, 37 for EVENT_RECEIVED.
pub(crate) fn fb_code(ty: MessageType) -> u8 {
    match ty {
        MessageType::EventReceived => 37,
        other => u8::try_from(other.code()).unwrap_or(0),
    }
}

/// The message type of a `msg_type` byte.
pub(crate) fn type_of_fb_code(code: u8) -> Option<MessageType> {
    match code {
        37 => Some(MessageType::EventReceived),
        code => MessageType::from_code(u64::from(code)),
    }
}
