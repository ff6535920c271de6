//! The WAMP message model: one struct per message type, the [`Message`] enum,
//! and the [`MessageType`] codes (WAMP-REFERENCE §1.1).
//!
//! Options/Details are kept as ordered [`Dict`]s so unknown keys round-trip;
//! [`keys`] has typed getters/setters for the keys of WAMP-REFERENCE §1.2 and
//! the validation that rejects wrong types for them. Every message built by a
//! decoder (or by [`Message::from_value`]) has passed [`Message::validate`].
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::message::{Message, Publish};
//! use wamp_idl_runtime::payload::Payload;
//! use wamp_idl_runtime::value::Value;
//!
//! let mut publish = Publish::new(1, "com.myapp.topic1");
//! publish.options.set_acknowledge(true);
//! publish.payload = Payload::from_args(vec![Value::from("Hello")]);
//! let msg = Message::from(publish);
//! assert_eq!(msg.message_type().code(), 16);
//! assert!(msg.validate().is_ok());
//! ```

pub mod keys;
mod pubsub;
mod rpc;
mod session;

pub use keys::ForwardFor;
pub use pubsub::{
    Event, EventReceived, Publish, Published, Subscribe, Subscribed, Unsubscribe, Unsubscribed,
};
pub use rpc::{
    Call, Cancel, Interrupt, Invocation, Register, Registered, Result as CallResult, Unregister,
    Unregistered, Yield,
};
pub use session::{Abort, Authenticate, Challenge, Error as ErrorMessage, Goodbye, Hello, Welcome};

use crate::error::{Error, Result};
use crate::id::{is_valid_id, is_valid_id_or_zero};
use crate::payload::{Payload, RawValue};
use crate::serializer::Container;
use crate::uri::{check_uri, UriCheck, UriKind};
use crate::value::{Dict, Value};

/// The type code of a WAMP message (element 0 of the array).
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::message::MessageType;
///
/// assert_eq!(MessageType::from_code(337), Some(MessageType::EventReceived));
/// assert_eq!(MessageType::Call.name(), "CALL");
/// assert_eq!(MessageType::Call.code(), 48);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageType {
    /// `HELLO` (1).
    Hello,
    /// `WELCOME` (2).
    Welcome,
    /// `ABORT` (3).
    Abort,
    /// `CHALLENGE` (4).
    Challenge,
    /// `AUTHENTICATE` (5).
    Authenticate,
    /// `GOODBYE` (6).
    Goodbye,
    /// `ERROR` (8).
    Error,
    /// `PUBLISH` (16).
    Publish,
    /// `PUBLISHED` (17).
    Published,
    /// `SUBSCRIBE` (32).
    Subscribe,
    /// `SUBSCRIBED` (33).
    Subscribed,
    /// `UNSUBSCRIBE` (34).
    Unsubscribe,
    /// `UNSUBSCRIBED` (35).
    Unsubscribed,
    /// `EVENT` (36).
    Event,
    /// `EVENT_RECEIVED` (337 in the array serializers; autobahn extension).
    EventReceived,
    /// `CALL` (48).
    Call,
    /// `CANCEL` (49).
    Cancel,
    /// `RESULT` (50).
    Result,
    /// `REGISTER` (64).
    Register,
    /// `REGISTERED` (65).
    Registered,
    /// `UNREGISTER` (66).
    Unregister,
    /// `UNREGISTERED` (67).
    Unregistered,
    /// `INVOCATION` (68).
    Invocation,
    /// `INTERRUPT` (69).
    Interrupt,
    /// `YIELD` (70).
    Yield,
}

/// `(type, code, name, min elements, max elements, index of args or None)`.
type TypeRow = (MessageType, u64, &'static str, usize, usize, Option<usize>);

const TYPES: [TypeRow; 25] = [
    (MessageType::Hello, 1, "HELLO", 3, 3, None),
    (MessageType::Welcome, 2, "WELCOME", 3, 3, None),
    (MessageType::Abort, 3, "ABORT", 3, 5, Some(3)),
    (MessageType::Challenge, 4, "CHALLENGE", 3, 3, None),
    (MessageType::Authenticate, 5, "AUTHENTICATE", 3, 3, None),
    (MessageType::Goodbye, 6, "GOODBYE", 3, 3, None),
    (MessageType::Error, 8, "ERROR", 5, 7, Some(5)),
    (MessageType::Publish, 16, "PUBLISH", 4, 6, Some(4)),
    (MessageType::Published, 17, "PUBLISHED", 3, 3, None),
    (MessageType::Subscribe, 32, "SUBSCRIBE", 4, 4, None),
    (MessageType::Subscribed, 33, "SUBSCRIBED", 3, 3, None),
    (MessageType::Unsubscribe, 34, "UNSUBSCRIBE", 3, 4, None),
    (MessageType::Unsubscribed, 35, "UNSUBSCRIBED", 2, 3, None),
    (MessageType::Event, 36, "EVENT", 4, 6, Some(4)),
    (
        MessageType::EventReceived,
        337,
        "EVENT_RECEIVED",
        2,
        2,
        None,
    ),
    (MessageType::Call, 48, "CALL", 4, 6, Some(4)),
    (MessageType::Cancel, 49, "CANCEL", 3, 3, None),
    (MessageType::Result, 50, "RESULT", 3, 5, Some(3)),
    (MessageType::Register, 64, "REGISTER", 4, 4, None),
    (MessageType::Registered, 65, "REGISTERED", 3, 3, None),
    (MessageType::Unregister, 66, "UNREGISTER", 3, 4, None),
    (MessageType::Unregistered, 67, "UNREGISTERED", 2, 3, None),
    (MessageType::Invocation, 68, "INVOCATION", 4, 6, Some(4)),
    (MessageType::Interrupt, 69, "INTERRUPT", 3, 3, None),
    (MessageType::Yield, 70, "YIELD", 3, 5, Some(3)),
];

impl MessageType {
    fn entry(self) -> &'static TypeRow {
        // Every variant has exactly one row; the fallback row is never reached.
        TYPES.iter().find(|row| row.0 == self).unwrap_or(&TYPES[0])
    }

    /// The type for a wire code, or `None` for an unknown code.
    pub fn from_code(code: u64) -> Option<MessageType> {
        TYPES.iter().find(|row| row.1 == code).map(|row| row.0)
    }

    /// The wire code (337 for `EVENT_RECEIVED`).
    pub fn code(self) -> u64 {
        self.entry().1
    }

    /// The upper-case name used by the spec, e.g. `"EVENT_RECEIVED"`.
    pub fn name(self) -> &'static str {
        self.entry().2
    }

    /// The smallest and largest number of array elements (type code included).
    pub fn element_count(self) -> (usize, usize) {
        (self.entry().3, self.entry().4)
    }

    /// The array index of the first application-payload element (args or the
    /// transparent payload), or `None` for messages without a payload.
    pub fn payload_index(self) -> Option<usize> {
        self.entry().5
    }

    /// All 25 message types.
    pub fn all() -> impl Iterator<Item = MessageType> {
        TYPES.iter().map(|row| row.0)
    }
}

/// A WAMP message of any type.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// `HELLO`: see [`Hello`].
    Hello(Hello),
    /// `WELCOME`: see [`Welcome`].
    Welcome(Welcome),
    /// `ABORT`: see [`Abort`].
    Abort(Abort),
    /// `CHALLENGE`: see [`Challenge`].
    Challenge(Challenge),
    /// `AUTHENTICATE`: see [`Authenticate`].
    Authenticate(Authenticate),
    /// `GOODBYE`: see [`Goodbye`].
    Goodbye(Goodbye),
    /// `ERROR`: see [`ErrorMessage`].
    Error(ErrorMessage),
    /// `PUBLISH`: see [`Publish`].
    Publish(Publish),
    /// `PUBLISHED`: see [`Published`].
    Published(Published),
    /// `SUBSCRIBE`: see [`Subscribe`].
    Subscribe(Subscribe),
    /// `SUBSCRIBED`: see [`Subscribed`].
    Subscribed(Subscribed),
    /// `UNSUBSCRIBE`: see [`Unsubscribe`].
    Unsubscribe(Unsubscribe),
    /// `UNSUBSCRIBED`: see [`Unsubscribed`].
    Unsubscribed(Unsubscribed),
    /// `EVENT`: see [`Event`].
    Event(Event),
    /// `EVENT_RECEIVED`: see [`EventReceived`].
    EventReceived(EventReceived),
    /// `CALL`: see [`Call`].
    Call(Call),
    /// `CANCEL`: see [`Cancel`].
    Cancel(Cancel),
    /// `RESULT`: see [`CallResult`].
    Result(CallResult),
    /// `REGISTER`: see [`Register`].
    Register(Register),
    /// `REGISTERED`: see [`Registered`].
    Registered(Registered),
    /// `UNREGISTER`: see [`Unregister`].
    Unregister(Unregister),
    /// `UNREGISTERED`: see [`Unregistered`].
    Unregistered(Unregistered),
    /// `INVOCATION`: see [`Invocation`].
    Invocation(Invocation),
    /// `INTERRUPT`: see [`Interrupt`].
    Interrupt(Interrupt),
    /// `YIELD`: see [`Yield`].
    Yield(Yield),
}

macro_rules! dispatch {
    ($self:expr, $m:ident => $body:expr) => {
        match $self {
            Message::Hello($m) => $body,
            Message::Welcome($m) => $body,
            Message::Abort($m) => $body,
            Message::Challenge($m) => $body,
            Message::Authenticate($m) => $body,
            Message::Goodbye($m) => $body,
            Message::Error($m) => $body,
            Message::Publish($m) => $body,
            Message::Published($m) => $body,
            Message::Subscribe($m) => $body,
            Message::Subscribed($m) => $body,
            Message::Unsubscribe($m) => $body,
            Message::Unsubscribed($m) => $body,
            Message::Event($m) => $body,
            Message::EventReceived($m) => $body,
            Message::Call($m) => $body,
            Message::Cancel($m) => $body,
            Message::Result($m) => $body,
            Message::Register($m) => $body,
            Message::Registered($m) => $body,
            Message::Unregister($m) => $body,
            Message::Unregistered($m) => $body,
            Message::Invocation($m) => $body,
            Message::Interrupt($m) => $body,
            Message::Yield($m) => $body,
        }
    };
}

macro_rules! from_struct {
    ($($variant:ident($ty:ty)),* $(,)?) => {$(
        impl From<$ty> for Message {
            fn from(m: $ty) -> Message {
                Message::$variant(m)
            }
        }
    )*};
}
from_struct!(
    Hello(Hello),
    Welcome(Welcome),
    Abort(Abort),
    Challenge(Challenge),
    Authenticate(Authenticate),
    Goodbye(Goodbye),
    Error(ErrorMessage),
    Publish(Publish),
    Published(Published),
    Subscribe(Subscribe),
    Subscribed(Subscribed),
    Unsubscribe(Unsubscribe),
    Unsubscribed(Unsubscribed),
    Event(Event),
    EventReceived(EventReceived),
    Call(Call),
    Cancel(Cancel),
    Result(CallResult),
    Register(Register),
    Registered(Registered),
    Unregister(Unregister),
    Unregistered(Unregistered),
    Invocation(Invocation),
    Interrupt(Interrupt),
    Yield(Yield),
);

/// What every message struct implements; used by the envelope codecs.
pub(crate) trait WampMessage: Sized {
    const TYPE: MessageType;
    /// Reads the elements after the type code.
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self>;
    /// Lists the elements after the type code.
    fn encode<'a>(&'a self, out: &mut OutList<'a>);
    /// Checks the invariants that a decoder checks.
    fn validate(&self) -> Result<()>;
}

impl Message {
    /// The message's type.
    pub fn message_type(&self) -> MessageType {
        fn ty<M: WampMessage>(_: &M) -> MessageType {
            M::TYPE
        }
        dispatch!(self, m => ty(m))
    }

    /// Checks ids, URIs, known Options/Details keys and the payload mode, as a
    /// decoder does; the error names the offending element or key.
    pub fn validate(&self) -> Result<()> {
        dispatch!(self, m => m.validate())
    }

    /// The application payload, for the seven payload-carrying types.
    pub fn payload(&self) -> Option<&Payload> {
        match self {
            Message::Abort(m) => Some(&m.payload),
            Message::Error(m) => Some(&m.payload),
            Message::Publish(m) => Some(&m.payload),
            Message::Event(m) => Some(&m.payload),
            Message::Call(m) => Some(&m.payload),
            Message::Result(m) => Some(&m.payload),
            Message::Invocation(m) => Some(&m.payload),
            Message::Yield(m) => Some(&m.payload),
            _ => None,
        }
    }

    /// Builds and validates a message from its decoded array form, e.g. the
    /// `wmsg` of a test vector. Bytes values become transparent payloads.
    ///
    /// # Examples
    ///
    /// ```
    /// use wamp_idl_runtime::message::Message;
    /// use wamp_idl_runtime::value::{Dict, Value};
    ///
    /// let mut options = Dict::new();
    /// options.insert("acknowledge", "hello");
    /// let wmsg = Value::List(vec![16u64.into(), 123u64.into(), options.into(), "com.example.topic".into()]);
    /// let err = Message::from_value(wmsg).unwrap_err();
    /// assert_eq!(err.to_string(), "PUBLISH options.acknowledge: expected bool, got string");
    /// ```
    pub fn from_value(value: Value) -> Result<Message> {
        match value {
            Value::List(items) => Message::read(&mut ValueSource {
                count: items.len(),
                items: items.into_iter(),
            }),
            other => Err(Error::protocol(format!(
                "a WAMP message must be a list, got {}",
                other.type_name()
            ))),
        }
    }

    /// The message in its array form; payload elements are decoded.
    ///
    /// # Errors
    ///
    /// Fails only if a raw args/kwargs element cannot be decoded.
    pub fn to_value(&self) -> Result<Value> {
        let mut list = vec![Value::UInt(self.message_type().code())];
        for out in self.outputs(TransparentForm::default()).items() {
            list.push(match *out {
                Out::UInt(u) => Value::UInt(u),
                Out::Str(s) => Value::from(s),
                Out::Dict(d) => Value::Dict(d.clone()),
                Out::Raw(r) => r.to_value()?,
                Out::EmptyList => Value::List(Vec::new()),
                Out::Bytes(b) => Value::Bytes(b.to_vec()),
                Out::BytesInList(b) => Value::List(vec![Value::Bytes(b.to_vec())]),
            });
        }
        Ok(Value::List(list))
    }

    /// Reads, checks and validates one message, its elements read straight
    /// from `source` in order.
    pub(crate) fn read<S: ElementSource>(source: &mut S) -> Result<Message> {
        let ty = match source.uint()? {
            Some(Ok(code)) => MessageType::from_code(code)
                .ok_or_else(|| Error::protocol(format!("unknown message type code {code}")))?,
            Some(Err(other)) => {
                return Err(Error::protocol(format!(
                    "message type code: expected integer, got {other}"
                )))
            }
            None => return Err(Error::protocol("empty message array")),
        };
        // Formats that announce the count get it checked before any element.
        if let Some(count) = source.announced_count() {
            check_count(ty, count)?;
        }
        let mut f = Fields {
            ty,
            read: 1,
            source,
        };
        fn read<M: WampMessage + Into<Message>, S: ElementSource>(
            f: &mut Fields<S>,
        ) -> Result<Message> {
            let m = M::decode(f)?;
            if f.source.has_next()? {
                // More elements than the type has: count them for the error.
                let mut count = f.read;
                while f.source.value()?.is_some() {
                    count += 1;
                }
                check_count(f.ty, count)?;
            }
            m.validate()?;
            Ok(m.into())
        }
        match ty {
            MessageType::Hello => read::<Hello, _>(&mut f),
            MessageType::Welcome => read::<Welcome, _>(&mut f),
            MessageType::Abort => read::<Abort, _>(&mut f),
            MessageType::Challenge => read::<Challenge, _>(&mut f),
            MessageType::Authenticate => read::<Authenticate, _>(&mut f),
            MessageType::Goodbye => read::<Goodbye, _>(&mut f),
            MessageType::Error => read::<ErrorMessage, _>(&mut f),
            MessageType::Publish => read::<Publish, _>(&mut f),
            MessageType::Published => read::<Published, _>(&mut f),
            MessageType::Subscribe => read::<Subscribe, _>(&mut f),
            MessageType::Subscribed => read::<Subscribed, _>(&mut f),
            MessageType::Unsubscribe => read::<Unsubscribe, _>(&mut f),
            MessageType::Unsubscribed => read::<Unsubscribed, _>(&mut f),
            MessageType::Event => read::<Event, _>(&mut f),
            MessageType::EventReceived => read::<EventReceived, _>(&mut f),
            MessageType::Call => read::<Call, _>(&mut f),
            MessageType::Cancel => read::<Cancel, _>(&mut f),
            MessageType::Result => read::<CallResult, _>(&mut f),
            MessageType::Register => read::<Register, _>(&mut f),
            MessageType::Registered => read::<Registered, _>(&mut f),
            MessageType::Unregister => read::<Unregister, _>(&mut f),
            MessageType::Unregistered => read::<Unregistered, _>(&mut f),
            MessageType::Invocation => read::<Invocation, _>(&mut f),
            MessageType::Interrupt => read::<Interrupt, _>(&mut f),
            MessageType::Yield => read::<Yield, _>(&mut f),
        }
    }

    /// The elements after the type code, with the payload laid out in `form`.
    pub(crate) fn outputs(&self, form: TransparentForm) -> OutList<'_> {
        let mut out = OutList::new();
        dispatch!(self, m => m.encode(&mut out));
        if form == TransparentForm::Spec {
            for o in out.items_mut() {
                if let Out::Bytes(b) = *o {
                    *o = Out::BytesInList(b);
                }
            }
        }
        out
    }
}

/// Where a transparent payload goes in the array serializers (WAMP-REFERENCE §2.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TransparentForm {
    /// The bytes replace the args element (autobahn and the test vectors). Default.
    #[default]
    Autobahn,
    /// The bytes are the single item of the args list (spec text).
    Spec,
}

/// One decoded element of a message array: a value, or an args/kwargs
/// element kept in its encoded form.
#[derive(Debug)]
pub(crate) enum Element {
    Value(Value),
    Raw(RawValue),
}

/// Checks an array of `count` elements (type code included) against the
/// element count of `ty`.
fn check_count(ty: MessageType, count: usize) -> Result<()> {
    let (min, max) = ty.element_count();
    if (min..=max).contains(&count) {
        return Ok(());
    }
    let expected = if min == max {
        format!("{min}")
    } else {
        format!("{min} to {max}")
    };
    Err(Error::protocol(format!(
        "{}: expected {expected} elements, got {count}",
        ty.name()
    )))
}

/// An element read as `T`, or the type name of what was there instead.
pub(crate) type Typed<T> = std::result::Result<T, &'static str>;

/// A decoded element as an unsigned integer.
pub(crate) fn typed_uint(value: Value) -> Typed<u64> {
    match value {
        Value::UInt(u) => Ok(u),
        other => Err(other.type_name()),
    }
}

/// A decoded element as a string.
pub(crate) fn typed_string(value: Value) -> Typed<String> {
    match value {
        Value::Str(s) => Ok(s),
        other => Err(other.type_name()),
    }
}

/// Where the elements of a message being decoded come from, in order: a
/// parser reading the frame, or an in-memory list. Each read returns `None`
/// after the last element.
///
/// The typed reads exist so that a parser can read an ID or a URI without
/// building a [`Value`] first (measured: moving `Value`s through the
/// decoder's layers cost more than parsing them).
pub(crate) trait ElementSource {
    /// Reads the next element.
    fn value(&mut self) -> Result<Option<Value>>;
    /// Reads the next element as an unsigned integer.
    fn uint(&mut self) -> Result<Option<Typed<u64>>> {
        Ok(self.value()?.map(typed_uint))
    }
    /// Reads the next element as a string.
    fn string(&mut self) -> Result<Option<Typed<String>>> {
        Ok(self.value()?.map(typed_string))
    }
    /// Reads the next element, kept encoded if it is a `container` (the
    /// args list or the kwargs dict).
    fn payload_element(&mut self, container: Container) -> Result<Option<Element>>;
    /// Whether another element follows.
    fn has_next(&mut self) -> Result<bool>;
    /// The element count, type code included, if known before reading.
    fn announced_count(&self) -> Option<usize>;
}

/// The elements of an in-memory list ([`Message::from_value`]).
struct ValueSource {
    count: usize,
    items: std::vec::IntoIter<Value>,
}

impl ElementSource for ValueSource {
    fn value(&mut self) -> Result<Option<Value>> {
        Ok(self.items.next())
    }
    fn payload_element(&mut self, _container: Container) -> Result<Option<Element>> {
        Ok(self.items.next().map(Element::Value))
    }
    fn has_next(&mut self) -> Result<bool> {
        Ok(self.items.len() > 0)
    }
    fn announced_count(&self) -> Option<usize> {
        Some(self.count)
    }
}

/// One element to encode.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Out<'a> {
    UInt(u64),
    Str(&'a str),
    Dict(&'a Dict),
    Raw(&'a RawValue),
    /// `[]` before kwargs when there are no args.
    EmptyList,
    Bytes(&'a [u8]),
    BytesInList(&'a [u8]),
}

/// The elements after the type code, on the stack: encoding a message does
/// not allocate for its element list (ERROR, the longest, has 6).
pub(crate) struct OutList<'a> {
    items: [Out<'a>; MAX_ELEMENTS_AFTER_CODE],
    len: usize,
}

/// The most elements any message array has after its type code.
const MAX_ELEMENTS_AFTER_CODE: usize = 6;

impl<'a> OutList<'a> {
    fn new() -> OutList<'a> {
        OutList {
            items: [Out::EmptyList; MAX_ELEMENTS_AFTER_CODE],
            len: 0,
        }
    }

    /// Appends one element. Every message type lists at most
    /// [`MAX_ELEMENTS_AFTER_CODE`] elements, which the unit test
    /// `every_message_fits_out_list` checks for all 25 types.
    pub(crate) fn push(&mut self, out: Out<'a>) {
        debug_assert!(self.len < MAX_ELEMENTS_AFTER_CODE, "OutList overflow");
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = out;
            self.len += 1;
        }
    }

    /// Appends several elements.
    pub(crate) fn extend<const N: usize>(&mut self, outs: [Out<'a>; N]) {
        for out in outs {
            self.push(out);
        }
    }

    /// The elements listed so far.
    pub(crate) fn items(&self) -> &[Out<'a>] {
        self.items.get(..self.len).unwrap_or(&[])
    }

    fn items_mut(&mut self) -> &mut [Out<'a>] {
        self.items.get_mut(..self.len).unwrap_or(&mut [])
    }

    /// How many elements were listed.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// Cursor over the elements of a message being decoded; errors name the
/// message type and the element.
pub(crate) struct Fields<'s, S> {
    ty: MessageType,
    /// Elements read so far, type code included.
    read: usize,
    source: &'s mut S,
}

impl<S: ElementSource> Fields<'_, S> {
    fn err(&self, what: &str, msg: impl std::fmt::Display) -> Error {
        Error::protocol(format!("{} {what}: {msg}", self.ty.name()))
    }

    /// The error for a missing element: the count error, as formats that
    /// announce the count give it.
    fn missing(&self, what: &str) -> Error {
        match check_count(self.ty, self.read) {
            Err(e) => e,
            Ok(()) => self.err(what, "missing element"),
        }
    }

    /// Counts an element read, or fails if there was none.
    fn got<T>(&mut self, what: &str, element: Option<T>) -> Result<T> {
        match element {
            Some(element) => {
                self.read += 1;
                Ok(element)
            }
            None => Err(self.missing(what)),
        }
    }

    fn value(&mut self, what: &str) -> Result<Value> {
        let element = self.source.value()?;
        self.got(what, element)
    }

    /// An integer in `0 ..= u64::MAX`.
    fn uint(&mut self, what: &str) -> Result<u64> {
        let element = self.source.uint()?;
        self.got(what, element)?
            .map_err(|other| self.err(what, format!("expected integer, got {other}")))
    }

    /// A WAMP ID in `1 ..= 2^53`.
    fn id(&mut self, what: &str) -> Result<u64> {
        let id = self.uint(what)?;
        if !is_valid_id(id) {
            return Err(self.err(what, format!("{id} is not a valid ID (1 to 2^53)")));
        }
        Ok(id)
    }

    /// A WAMP ID, or 0 (revocation forms).
    fn id_or_zero(&mut self, what: &str) -> Result<u64> {
        let id = self.uint(what)?;
        if !is_valid_id_or_zero(id) {
            return Err(self.err(what, format!("{id} is not a valid ID (0 to 2^53)")));
        }
        Ok(id)
    }

    fn string(&mut self, what: &str) -> Result<String> {
        let element = self.source.string()?;
        self.got(what, element)?
            .map_err(|other| self.err(what, format!("expected string, got {other}")))
    }

    fn dict(&mut self, what: &str) -> Result<Dict> {
        match self.value(what)? {
            Value::Dict(d) => Ok(d),
            other => Err(self.err(what, format!("expected dict, got {}", other.type_name()))),
        }
    }

    fn opt_dict(&mut self, what: &str) -> Result<Option<Dict>> {
        if self.source.has_next()? {
            self.dict(what).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The trailing payload elements (args, kwargs, or the transparent payload).
    /// `dict` is the message's Options/Details: with `enc_algo`/`ppt_scheme`
    /// set, an args list holding only a byte string is the spec's form of a
    /// transparent payload.
    fn payload(&mut self, dict: &Dict) -> Result<Payload> {
        let args = match self.source.payload_element(Container::List)? {
            None => return Ok(Payload::default()),
            Some(e) => e,
        };
        let kwargs = self.source.payload_element(Container::Dict)?;
        self.read += 1 + usize::from(kwargs.is_some());
        let args = match args {
            Element::Value(Value::Bytes(b)) => {
                if kwargs.is_some() {
                    return Err(self.err(
                        "payload",
                        "a transparent payload cannot be followed by a kwargs element",
                    ));
                }
                return Ok(Payload::Transparent(b.into()));
            }
            Element::Value(Value::Null) => None,
            Element::Value(v @ Value::List(_)) => Some(RawValue::from_value(v)),
            Element::Raw(r) => Some(r),
            Element::Value(other) => {
                return Err(self.err("args", format!("expected list, got {}", other.type_name())))
            }
        };
        let kwargs = match kwargs {
            None | Some(Element::Value(Value::Null)) => None,
            Some(Element::Value(v @ Value::Dict(_))) => Some(RawValue::from_value(v)),
            Some(Element::Raw(r)) => Some(r),
            Some(Element::Value(other)) => {
                return Err(self.err(
                    "kwargs",
                    format!("expected dict, got {}", other.type_name()),
                ))
            }
        };
        // Null args before kwargs are written back as `[]` (as autobahn
        // writes them), so read them as that: decoding stays stable under
        // re-encoding.
        let args = match (args, &kwargs) {
            (None, Some(_)) => Some(RawValue::from_value(Value::List(Vec::new()))),
            (args, _) => args,
        };
        let announces_transparent =
            dict.contains_key("enc_algo") || dict.contains_key("ppt_scheme");
        if let (true, Some(raw), None) = (announces_transparent, &args, &kwargs) {
            if let Value::List(mut items) = raw.to_value()? {
                if let (1, Some(Value::Bytes(_))) = (items.len(), items.first()) {
                    if let Some(Value::Bytes(b)) = items.pop() {
                        return Ok(Payload::Transparent(b.into()));
                    }
                }
            }
        }
        Ok(Payload::Normal { args, kwargs })
    }
}

/// Checks a URI element loosely (WAMP-REFERENCE §7.4).
fn check_uri_field(ty: MessageType, what: &str, uri: &str, kind: UriKind) -> Result<()> {
    if kind == UriKind::Exact && is_plain_loose_uri(uri) {
        return Ok(());
    }
    // The full check, which also says what is wrong.
    check_uri(uri, UriCheck::Loose, kind)
        .map_err(|msg| Error::protocol(format!("{} {what}: {msg}", ty.name())))
}

/// One pass over the bytes for the common case of `check_uri(Loose, Exact)`:
/// true if `uri` is non-empty ASCII without `#`, whitespace or empty
/// components. False does not mean invalid (non-ASCII URIs take the full check).
fn is_plain_loose_uri(uri: &str) -> bool {
    let bytes = uri.as_bytes();
    let mut previous = b'.';
    for &b in bytes {
        let bad = match b {
            b'.' => previous == b'.',
            b'#' | 0x80..=0xff => true,
            _ => b.is_ascii_whitespace() || b == 0x0b,
        };
        if bad {
            return false;
        }
        previous = b;
    }
    previous != b'.'
}

/// Checks the payload mode against the Options/Details: a transparent payload
/// needs `enc_algo` or `ppt_scheme`; those keys with args/kwargs are an error;
/// args/kwargs elements must be a list and a dict.
fn check_payload(ty: MessageType, field: &str, dict: &Dict, payload: &Payload) -> Result<()> {
    let scheme_key = ["enc_algo", "ppt_scheme"]
        .into_iter()
        .find(|k| dict.contains_key(k));
    match (payload, scheme_key) {
        (Payload::Transparent(_), None) => Err(Error::protocol(format!(
            "{}: transparent payload without {field}.enc_algo or {field}.ppt_scheme",
            ty.name()
        ))),
        (Payload::Normal { args, kwargs }, Some(key)) if args.is_some() || kwargs.is_some() => {
            // The spec form: the transparent bytes are the only item of args.
            Err(Error::protocol(format!(
                "{}: {field}.{key} announces a transparent payload, but the message carries args/kwargs",
                ty.name()
            )))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_uri_fast_path_agrees_with_check_uri() {
        let mut uris: Vec<String> = vec![String::new(), "com.myapp.topic1".into(), "a..b".into()];
        let alphabet: Vec<char> = (0u8..0x80)
            .map(char::from)
            .chain(['\u{85}', '\u{a0}', 'é', '\u{2028}'])
            .collect();
        for a in &alphabet {
            for b in ['a', '.', ' '] {
                uris.push(format!("{a}{b}"));
                uris.push(format!("{b}{a}"));
                uris.push(format!("x.{a}{b}.y"));
            }
        }
        for uri in &uris {
            let full = check_uri(uri, UriCheck::Loose, UriKind::Exact).is_ok();
            if is_plain_loose_uri(uri) {
                assert!(full, "fast path accepted {uri:?}");
            } else if uri.is_ascii() {
                assert!(!full, "fast path rejected valid ASCII {uri:?}");
            }
        }
    }

    #[test]
    fn every_message_fits_out_list() {
        // Encoders list what decoders accept, at most the largest element count.
        for ty in MessageType::all() {
            let (_, max) = ty.element_count();
            assert!(max - 1 <= MAX_ELEMENTS_AFTER_CODE, "{}", ty.name());
        }
        let error = ErrorMessage {
            request_type: 48,
            request: 1,
            error: "wamp.error.runtime_error".into(),
            payload: Payload::from_args_kwargs(vec![Value::from(1u64)], Dict::new()),
            ..ErrorMessage::default()
        };
        let msg = Message::from(error);
        assert_eq!(msg.outputs(TransparentForm::Autobahn).len(), 6);
    }
}
