//! Envelope serializers: JSON, MessagePack, CBOR and UBJSON/BJData
//! (WAMP-REFERENCE §3), with the negotiation constants and batched framing.
//!
//! Encoders and decoders are our own streaming code over byte slices. A
//! decoder leaves the args/kwargs elements of a message as raw, zero-copy
//! slices of the frame ([`crate::payload::RawValue`]); everything else is
//! decoded and validated. Encoders reproduce autobahn-python's bytes: compact
//! JSON with non-ASCII unescaped, the smallest integer encodings, dict keys in
//! insertion order.
//!
//! Hostile input never panics; a length prefix is checked against the bytes
//! that are actually there before anything is allocated for it; nesting is
//! limited by [`Limits::max_depth`]; integers never go through `f64`.
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::message::{Message, Published};
//! use wamp_idl_runtime::serializer::{Codec, Serializer};
//!
//! let codec = Codec::new(Serializer::Json);
//! let msg = Message::from(Published { request: 239714735, publication: 4429313566 });
//! let bytes = codec.encode(&msg).unwrap();
//! assert_eq!(bytes, b"[17,239714735,4429313566]");
//! assert_eq!(codec.decode(bytes).unwrap(), msg);
//! ```

pub mod batch;
pub mod cbor;
pub mod flatbuffers;
pub mod json;
pub mod msgpack;
pub mod ubjson;

use bytes::Bytes;

use crate::error::{Error, Result};
use crate::message::{
    typed_string, typed_uint, Element, ElementSource, Message, Out, TransparentForm, Typed,
};
use crate::payload::{Payload, RawValue};
use crate::value::Value;

pub use ubjson::UbjsonDialect;

/// WebSocket subprotocol of the FlatBuffers envelope (codec: [`flatbuffers::FlatBuffersCodec`]).
pub const FLATBUFFERS_SUBPROTOCOL: &str = "wamp.2.flatbuffers";
/// RawSocket serializer id of the FlatBuffers envelope.
pub const FLATBUFFERS_RAWSOCKET_ID: u8 = 5;
/// MIME type autobahn uses for the FlatBuffers envelope.
pub const FLATBUFFERS_MIME_TYPE: &str = "application/x-flatbuffers";

/// An envelope serializer of the array family.
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::serializer::{Serializer, UbjsonDialect};
///
/// assert_eq!(Serializer::Cbor.subprotocol(), "wamp.2.cbor");
/// assert_eq!(Serializer::MsgPack.batched_subprotocol(), "wamp.2.msgpack.batched");
/// assert_eq!(Serializer::from_subprotocol("wamp.2.ubjson.batched"),
///            Some((Serializer::Ubjson(UbjsonDialect::BjData), true)));
/// assert_eq!(Serializer::Json.rawsocket_id(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Serializer {
    /// JSON (`wamp.2.json`), text frames, bytes as `"\u0000"` + base64.
    Json,
    /// MessagePack (`wamp.2.msgpack`), spec version 5 (`str` and `bin` distinct).
    MsgPack,
    /// CBOR (`wamp.2.cbor`), RFC 8949.
    Cbor,
    /// `wamp.2.ubjson`: BJData (what autobahn ≥ 26.6 speaks) or UBJSON draft 12.
    Ubjson(UbjsonDialect),
}

impl Serializer {
    /// Every serializer variant, with both UBJSON dialects.
    pub const ALL: [Serializer; 5] = [
        Serializer::Json,
        Serializer::MsgPack,
        Serializer::Cbor,
        Serializer::Ubjson(UbjsonDialect::BjData),
        Serializer::Ubjson(UbjsonDialect::Draft12),
    ];

    /// The serializer id: `json`, `msgpack`, `cbor` or `ubjson`.
    pub fn id(self) -> &'static str {
        match self {
            Serializer::Json => "json",
            Serializer::MsgPack => "msgpack",
            Serializer::Cbor => "cbor",
            Serializer::Ubjson(_) => "ubjson",
        }
    }

    /// The WebSocket subprotocol, e.g. `wamp.2.json`.
    pub fn subprotocol(self) -> &'static str {
        match self {
            Serializer::Json => "wamp.2.json",
            Serializer::MsgPack => "wamp.2.msgpack",
            Serializer::Cbor => "wamp.2.cbor",
            Serializer::Ubjson(_) => "wamp.2.ubjson",
        }
    }

    /// The batched WebSocket subprotocol, e.g. `wamp.2.json.batched`.
    pub fn batched_subprotocol(self) -> &'static str {
        match self {
            Serializer::Json => "wamp.2.json.batched",
            Serializer::MsgPack => "wamp.2.msgpack.batched",
            Serializer::Cbor => "wamp.2.cbor.batched",
            Serializer::Ubjson(_) => "wamp.2.ubjson.batched",
        }
    }

    /// Parses a WebSocket subprotocol; returns the serializer (UBJSON as the
    /// default BJData dialect) and whether it is the batched variant.
    pub fn from_subprotocol(name: &str) -> Option<(Serializer, bool)> {
        let (base, batched) = match name.strip_suffix(".batched") {
            Some(base) => (base, true),
            None => (name, false),
        };
        let serializer = match base {
            "wamp.2.json" => Serializer::Json,
            "wamp.2.msgpack" => Serializer::MsgPack,
            "wamp.2.cbor" => Serializer::Cbor,
            "wamp.2.ubjson" => Serializer::Ubjson(UbjsonDialect::default()),
            _ => return None,
        };
        Some((serializer, batched))
    }

    /// The RawSocket serializer id (1 JSON, 2 MessagePack, 3 CBOR, 4 UBJSON).
    pub fn rawsocket_id(self) -> u8 {
        match self {
            Serializer::Json => 1,
            Serializer::MsgPack => 2,
            Serializer::Cbor => 3,
            Serializer::Ubjson(_) => 4,
        }
    }

    /// The serializer for a RawSocket id (UBJSON as the default dialect).
    pub fn from_rawsocket_id(id: u8) -> Option<Serializer> {
        match id {
            1 => Some(Serializer::Json),
            2 => Some(Serializer::MsgPack),
            3 => Some(Serializer::Cbor),
            4 => Some(Serializer::Ubjson(UbjsonDialect::default())),
            _ => None,
        }
    }

    /// The MIME type autobahn uses for HTTP long-poll.
    pub fn mime_type(self) -> &'static str {
        match self {
            Serializer::Json => "application/json",
            Serializer::MsgPack => "application/x-msgpack",
            Serializer::Cbor => "application/cbor",
            Serializer::Ubjson(_) => "application/ubjson",
        }
    }

    /// Whether messages go in binary WebSocket frames (all but JSON).
    pub fn is_binary(self) -> bool {
        !matches!(self, Serializer::Json)
    }

    /// Encodes one value.
    ///
    /// # Examples
    ///
    /// ```
    /// use wamp_idl_runtime::serializer::Serializer;
    /// use wamp_idl_runtime::value::Value;
    ///
    /// let v = Value::List(vec![Value::from(337u64), Value::Bytes(vec![1, 2])]);
    /// assert_eq!(Serializer::Json.encode_value(&v).unwrap(), b"[337,\"\\u0000AQI=\"]");
    /// assert_eq!(Serializer::Cbor.encode_value(&v).unwrap(), [0x82, 0x19, 0x01, 0x51, 0x42, 1, 2]);
    /// ```
    pub fn encode_value(self, value: &Value) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.encode_value_into(value, &mut out)?;
        Ok(out)
    }

    /// Encodes one value, appending to `out`.
    pub fn encode_value_into(self, value: &Value, out: &mut Vec<u8>) -> Result<()> {
        let depth = Limits::default().max_depth;
        match self {
            Serializer::Json => emit_value(&mut json::JsonEmitter::new(out), value, depth),
            Serializer::MsgPack => emit_value(&mut msgpack::MsgPackEmitter::new(out), value, depth),
            Serializer::Cbor => emit_value(&mut cbor::CborEmitter::new(out), value, depth),
            Serializer::Ubjson(d) => {
                emit_value(&mut ubjson::UbjsonEmitter::new(out, d), value, depth)
            }
        }
    }

    /// Decodes exactly one value (trailing bytes are an error).
    pub fn decode_value(self, bytes: &[u8], limits: &Limits) -> Result<Value> {
        fn run<'a, P: Parser<'a>>(mut p: P) -> Result<Value> {
            let v = p.value(1)?;
            p.finish()?;
            Ok(v)
        }
        match self {
            Serializer::Json => run(json::JsonParser::new(bytes, limits)),
            Serializer::MsgPack => run(msgpack::MsgPackParser::new(bytes, limits)),
            Serializer::Cbor => run(cbor::CborParser::new(bytes, limits)),
            Serializer::Ubjson(d) => run(ubjson::UbjsonParser::new(bytes, limits, d)),
        }
    }
}

/// Limits applied while decoding untrusted bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum container nesting depth; the message array itself is level 1.
    pub max_depth: usize,
    /// Maximum number of messages in one batched frame.
    pub max_batch_messages: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 64,
            max_batch_messages: 65_536,
        }
    }
}

/// A configured envelope codec: serializer, decoding limits and encoding options.
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::message::{Message, TransparentForm};
/// use wamp_idl_runtime::serializer::{Codec, Limits, Serializer};
///
/// let codec = Codec::new(Serializer::MsgPack)
///     .with_limits(Limits { max_depth: 16, ..Limits::default() })
///     .with_transparent_form(TransparentForm::Autobahn);
/// let msg = Message::from_value(serde_json_like()).unwrap();
/// # fn serde_json_like() -> wamp_idl_runtime::value::Value {
/// #     use wamp_idl_runtime::value::Value;
/// #     Value::List(vec![17u64.into(), 1u64.into(), 2u64.into()])
/// # }
/// assert_eq!(codec.encode(&msg).unwrap(), [0x93, 0x11, 0x01, 0x02]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Codec {
    serializer: Serializer,
    limits: Limits,
    transparent_form: TransparentForm,
    json_batch_separator: u8,
}

impl Codec {
    /// A codec with default limits and autobahn-compatible encoding.
    pub fn new(serializer: Serializer) -> Codec {
        Codec {
            serializer,
            limits: Limits::default(),
            transparent_form: TransparentForm::default(),
            json_batch_separator: batch::JSON_SEPARATOR_AUTOBAHN,
        }
    }

    /// Sets the decoding limits.
    pub fn with_limits(mut self, limits: Limits) -> Codec {
        self.limits = limits;
        self
    }

    /// Sets where a transparent payload is written.
    pub fn with_transparent_form(mut self, form: TransparentForm) -> Codec {
        self.transparent_form = form;
        self
    }

    /// Sets the separator written after each message of a batched JSON frame
    /// (`0x18` as autobahn writes, the default, or `0x1e` as the spec says).
    pub fn with_json_batch_separator(mut self, separator: u8) -> Codec {
        self.json_batch_separator = separator;
        self
    }

    /// The serializer.
    pub fn serializer(&self) -> Serializer {
        self.serializer
    }

    /// The decoding limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The JSON batch separator written by [`Codec::encode_batch`].
    pub fn json_batch_separator(&self) -> u8 {
        self.json_batch_separator
    }

    /// Encodes a message.
    pub fn encode(&self, message: &Message) -> Result<Vec<u8>> {
        // Room for the envelope plus the payload as it is (copied as is when
        // already in this format), so a large payload is not copied twice
        // while the buffer grows.
        let payload_len = match message.payload() {
            Some(Payload::Normal { args, kwargs }) => [args, kwargs]
                .into_iter()
                .flatten()
                .filter_map(|raw| raw.encoded())
                .map(|(bytes, _)| bytes.len())
                .sum(),
            Some(Payload::Transparent(bytes)) => bytes.len() + bytes.len() / 2,
            None => 0,
        };
        let mut out = Vec::with_capacity(payload_len.saturating_add(96));
        self.encode_into(message, &mut out)?;
        Ok(out)
    }

    /// Encodes a message, appending to `out`.
    pub fn encode_into(&self, message: &Message, out: &mut Vec<u8>) -> Result<()> {
        let s = self.serializer;
        let f = self.transparent_form;
        match s {
            Serializer::Json => encode_message(&mut json::JsonEmitter::new(out), message, s, f),
            Serializer::MsgPack => {
                encode_message(&mut msgpack::MsgPackEmitter::new(out), message, s, f)
            }
            Serializer::Cbor => encode_message(&mut cbor::CborEmitter::new(out), message, s, f),
            Serializer::Ubjson(d) => {
                encode_message(&mut ubjson::UbjsonEmitter::new(out, d), message, s, f)
            }
        }
    }

    /// Decodes and validates one message from a borrowed slice (copied once
    /// into a shared buffer so that args/kwargs can keep slices of it).
    pub fn decode_slice(&self, frame: &[u8]) -> Result<Message> {
        self.decode(Bytes::copy_from_slice(frame))
    }

    /// Decodes and validates one message. args/kwargs stay raw slices of `frame`.
    pub fn decode(&self, frame: impl Into<Bytes>) -> Result<Message> {
        let frame: Bytes = frame.into();
        let s = self.serializer;
        let l = &self.limits;
        match s {
            Serializer::Json => decode_message(&frame, json::JsonParser::new(&frame, l), s, *l),
            Serializer::MsgPack => {
                decode_message(&frame, msgpack::MsgPackParser::new(&frame, l), s, *l)
            }
            Serializer::Cbor => decode_message(&frame, cbor::CborParser::new(&frame, l), s, *l),
            Serializer::Ubjson(d) => {
                decode_message(&frame, ubjson::UbjsonParser::new(&frame, l, d), s, *l)
            }
        }
    }
}

/// Writes one format's primitives; [`emit_value`] and [`encode_message`] drive it.
pub(crate) trait Emitter {
    fn null(&mut self);
    fn bool(&mut self, b: bool);
    fn uint(&mut self, u: u64);
    fn int(&mut self, i: i64);
    fn float(&mut self, f: f64) -> Result<()>;
    fn str(&mut self, s: &str);
    fn bytes(&mut self, b: &[u8]);
    fn begin_list(&mut self, len: usize);
    /// Called before each list item (JSON writes the separator).
    fn item(&mut self);
    fn end_list(&mut self);
    fn begin_dict(&mut self, len: usize);
    /// Writes a dict key (and any separators).
    fn key(&mut self, k: &str);
    fn end_dict(&mut self);
    /// Writes an already encoded value of this format.
    fn raw(&mut self, bytes: &[u8]);
    /// Fails if the format cannot represent a string, byte string or
    /// container of `len` (MessagePack lengths are 32-bit).
    fn check_len(&self, _len: usize) -> Result<()> {
        Ok(())
    }
    /// Fails if a string value cannot be written faithfully (JSON: a string
    /// starting with U+0000 would read back as bytes).
    fn check_str(&self, _s: &str) -> Result<()> {
        Ok(())
    }
}

pub(crate) fn emit_value<E: Emitter>(e: &mut E, v: &Value, depth_left: usize) -> Result<()> {
    match v {
        Value::Null => e.null(),
        Value::Bool(b) => e.bool(*b),
        Value::UInt(u) => e.uint(*u),
        Value::Int(i) => e.int(*i),
        Value::Float(f) => e.float(*f)?,
        Value::Str(s) => {
            e.check_len(s.len())?;
            e.check_str(s)?;
            e.str(s);
        }
        Value::Bytes(b) => {
            e.check_len(b.len())?;
            e.bytes(b);
        }
        Value::List(items) => {
            let depth_left = deeper(depth_left)?;
            e.check_len(items.len())?;
            e.begin_list(items.len());
            for item in items {
                e.item();
                emit_value(e, item, depth_left)?;
            }
            e.end_list();
        }
        Value::Dict(d) => {
            let depth_left = deeper(depth_left)?;
            e.check_len(d.len())?;
            e.begin_dict(d.len());
            for (k, item) in d.iter() {
                e.key(k);
                emit_value(e, item, depth_left)?;
            }
            e.end_dict();
        }
    }
    Ok(())
}

fn deeper(depth_left: usize) -> Result<usize> {
    depth_left
        .checked_sub(1)
        .ok_or_else(|| Error::encode("value nested deeper than the depth limit"))
}

fn encode_message<E: Emitter>(
    e: &mut E,
    message: &Message,
    serializer: Serializer,
    form: TransparentForm,
) -> Result<()> {
    let outputs = message.outputs(form);
    let depth = Limits::default().max_depth;
    e.begin_list(outputs.len() + 1);
    e.item();
    e.uint(message.message_type().code());
    for out in outputs.items() {
        e.item();
        match *out {
            Out::UInt(u) => e.uint(u),
            Out::Str(s) => {
                e.check_len(s.len())?;
                e.check_str(s)?;
                e.str(s);
            }
            Out::Dict(d) => {
                e.check_len(d.len())?;
                e.begin_dict(d.len());
                for (k, v) in d.iter() {
                    e.key(k);
                    emit_value(e, v, depth)?;
                }
                e.end_dict();
            }
            Out::EmptyList => {
                e.begin_list(0);
                e.end_list();
            }
            Out::Raw(raw) => match raw.encoded() {
                Some((bytes, format)) if format == serializer => e.raw(bytes),
                Some(_) => emit_value(e, &raw.to_value()?, depth)?,
                None => {
                    if let Some(v) = raw.as_value() {
                        emit_value(e, v, depth)?;
                    }
                }
            },
            Out::Bytes(b) => {
                e.check_len(b.len())?;
                e.bytes(b);
            }
            Out::BytesInList(b) => {
                e.check_len(b.len())?;
                e.begin_list(1);
                e.item();
                e.bytes(b);
                e.end_list();
            }
        }
    }
    e.end_list();
    Ok(())
}

/// What kind of container the next value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Container {
    List,
    Dict,
}

/// Position inside the top-level message array.
#[derive(Debug)]
pub(crate) struct ListCursor {
    /// Items left, for counted containers; `None` for delimited ones.
    pub remaining: Option<usize>,
    /// Whether no item was read yet (JSON separators).
    pub first: bool,
}

/// Reads one format from a byte slice.
pub(crate) trait Parser<'a> {
    /// Byte offset of the next unread byte.
    fn pos(&self) -> usize;
    /// Reads one complete value; `depth` is the nesting level of its container.
    fn value(&mut self, depth: usize) -> Result<Value>;
    /// Skips one complete value, checking it is well-formed.
    fn skip(&mut self, depth: usize) -> Result<()> {
        self.value(depth).map(drop)
    }
    /// Reads a message element that should be an unsigned integer; for
    /// another value, its type name (for the error message).
    /// Parsers override it with a fast path for the plain case and fall
    /// back to this default for the rest.
    fn uint_element(&mut self) -> Result<Typed<u64>> {
        self.value(2).map(typed_uint)
    }
    /// Reads a message element that should be a string, like [`Parser::uint_element`].
    fn string_element(&mut self) -> Result<Typed<String>> {
        self.value(2).map(typed_string)
    }
    /// Moves to the start of the next value and says if it is a container.
    fn peek_container(&mut self) -> Result<Option<Container>>;
    /// Enters the top-level list.
    fn begin_list(&mut self) -> Result<ListCursor>;
    /// Whether another item of the top-level list follows.
    fn next_item(&mut self, cursor: &mut ListCursor) -> Result<bool>;
    /// Fails if anything but whitespace follows.
    fn finish(&mut self) -> Result<()>;
}

fn decode_message<'a, P: Parser<'a>>(
    frame: &Bytes,
    mut parser: P,
    serializer: Serializer,
    limits: Limits,
) -> Result<Message> {
    let cursor = parser.begin_list()?;
    let mut source = ParserSource {
        frame,
        announced: cursor.remaining,
        parser,
        cursor,
        pending: None,
        serializer,
        limits,
    };
    let message = Message::read(&mut source)?;
    source.parser.finish()?;
    Ok(message)
}

/// The elements of a message array, read by a parser straight from the frame.
struct ParserSource<'f, P> {
    frame: &'f Bytes,
    parser: P,
    cursor: ListCursor,
    announced: Option<usize>,
    /// What [`Parser::next_item`] said, if its item is not read yet.
    pending: Option<bool>,
    serializer: Serializer,
    limits: Limits,
}

impl<'a, P: Parser<'a>> ParserSource<'_, P> {
    /// Moves to the next element; false after the last.
    fn advance(&mut self) -> Result<bool> {
        let more = self.has_next()?;
        if more {
            // The item is about to be read; the end, once seen, stays seen.
            self.pending = None;
        }
        Ok(more)
    }
}

impl<'a, P: Parser<'a>> ElementSource for ParserSource<'_, P> {
    fn value(&mut self) -> Result<Option<Value>> {
        if !self.advance()? {
            return Ok(None);
        }
        self.parser.value(2).map(Some)
    }

    fn uint(&mut self) -> Result<Option<Typed<u64>>> {
        if !self.advance()? {
            return Ok(None);
        }
        self.parser.uint_element().map(Some)
    }

    fn string(&mut self) -> Result<Option<Typed<String>>> {
        if !self.advance()? {
            return Ok(None);
        }
        self.parser.string_element().map(Some)
    }

    fn payload_element(&mut self, container: Container) -> Result<Option<Element>> {
        if !self.advance()? {
            return Ok(None);
        }
        let p = &mut self.parser;
        // args (a list) and kwargs (a dict) stay raw; anything else in those
        // slots is decoded so that the message layer can report it.
        if p.peek_container()? == Some(container) {
            let start = p.pos();
            p.skip(2)?;
            let raw = self.frame.slice(start..p.pos());
            let raw = RawValue::from_validated(raw, self.serializer, self.limits);
            return Ok(Some(Element::Raw(raw)));
        }
        Ok(Some(Element::Value(p.value(2)?)))
    }

    fn has_next(&mut self) -> Result<bool> {
        match self.pending {
            Some(more) => Ok(more),
            None => {
                let more = self.parser.next_item(&mut self.cursor)?;
                self.pending = Some(more);
                Ok(more)
            }
        }
    }

    fn announced_count(&self) -> Option<usize> {
        self.announced
    }
}

/// How many items to preallocate for a container that announces `count`
/// items with `left` bytes remaining: every item takes at least one byte, and
/// the cap keeps a hostile count from reserving far more memory than the
/// frame's size (a `Value` is several times larger than one byte).
pub(crate) fn preallocation(count: usize, left: usize) -> usize {
    count.min(left).min(1024)
}

/// A codec error at a byte offset.
pub(crate) fn err_at(format: &str, pos: usize, msg: impl std::fmt::Display) -> Error {
    Error::codec(format!("{format} at byte {pos}: {msg}"))
}
