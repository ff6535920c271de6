//! The FlatBuffers envelope (`wamp.2.flatbuffers`, RawSocket id 5) as
//! autobahn-python 26.x writes and reads it (WAMP-REFERENCE §4), described by
//! our schemas `schemas/wamp/*.fbs`.
//!
//! # Wire mapping
//!
//! - Root table `Message { msg: AnyMessage }`; `msg_type` is the WAMP code
//!   (EVENT_RECEIVED is 37 here), as autobahn writes it, not a union index.
//! - Fixed elements (ids, URIs) go to their slots; ids that are 0 and empty
//!   strings are left out, as autobahn does, and read back as 0 / `""`.
//! - Options/Details keys with a dedicated slot go there when the value fits
//!   the slot exactly (`timeout` ≤ u32, `concurrency` ≤ u16, lists of the right
//!   item type, `forward_for` hops with exactly session/authid/authrole, enum
//!   strings with an enum value). A present key is always written, even with
//!   the slot's default value, so `{"acknowledge": false}` round-trips
//!   (autobahn would drop it: same meaning, different bytes).
//! - **Extension slot `x_extra`**: every other key (custom keys, `disclose_me`,
//!   `trustlevel`, HELLO `roles`/`authmethods`/`authextra`, CHALLENGE and
//!   AUTHENTICATE `extra`, values that do not fit a slot) goes into one CBOR
//!   map in the table's last slot, `x_extra: [ubyte]`. autobahn does not know
//!   that slot and skips it, exactly as it ignores unknown keys; wamp-idl
//!   peers get every key back. An empty `x_extra` marks an optional Options
//!   (UNSUBSCRIBE/UNREGISTER) or Details (UNSUBSCRIBED/UNREGISTERED) dict that
//!   is present but empty.
//! - Payload passthru: `enc_algo`/`ppt_scheme` ↔ `ppt_scheme` (cryptobox 1,
//!   mqtt 2, xbr 3, opaque 4), `enc_serializer`/`ppt_serializer` ↔
//!   `ppt_serializer` (json 1, msgpack 2, cbor 3, ubjson 4, opaque 5,
//!   flatbuffers 6, flexbuffers 7), `ppt_cipher` ↔ `ppt_cipher`
//!   (xsalsa20poly1305 1, aes256gcm 2), `enc_key`/`ppt_keyid` ↔ `ppt_keyid`.
//!   Values without an enum value (custom `x_…` schemes) go to `x_extra`.
//!   On decode the keys are named `enc_*` (autobahn and the test vectors;
//!   `ppt_cipher` has no `enc_` name) or `ppt_*` ([`PptKeys`]).
//! - The transparent payload goes in `payload`, zero-copy on decode.
//!
//! # Which serializer args/kwargs are in
//!
//! args and kwargs are each one value serialized with the *payload
//! serializer* (CBOR by default, as autobahn). autobahn never records it for
//! normal payloads, so its JSON/MsgPack frames cannot be decoded by anybody
//! (including itself). We decide:
//!
//! - reader: a non-zero `ppt_serializer` in a message with args/kwargs (and no
//!   transparent payload) names their format (1 JSON, 2 MsgPack, 3 CBOR,
//!   4 UBJSON); 0 means the codec's payload serializer (CBOR by default);
//! - writer: with CBOR nothing is written (autobahn's bytes); with another
//!   payload serializer `ppt_serializer` is set (can be turned off with
//!   [`FlatBuffersCodec::with_announce_payload_serializer`]), so frames are
//!   self-describing. (autobahn 26.10's lazy reader honours `ppt_serializer`
//!   only when its `enc_serializer` attribute is read before `args`, checked
//!   against autobahn 26.10.2; otherwise it assumes CBOR. Only CBOR payloads
//!   interoperate reliably with autobahn.)
//!
//! FlatBuffers itself is not a payload serializer for args/kwargs (they are
//! schema-less values); a FlatBuffers-typed payload travels as a transparent
//! payload with `enc_serializer: "flatbuffers"` (`ppt_serializer` 6), in this
//! envelope or in any array envelope.
//!
//! # Byte layout and autobahn compatibility
//!
//! Objects are created and fields added in the order of autobahn-python's
//! `build()` methods, so with [`FlatBuffersCodec::with_autobahn_compat`] our
//! frames are byte-identical to autobahn 26.10.2's (every FlatBuffers test
//! vector and 43 of the 44 messages of a corpus generated with autobahn, see
//! `tests/flatbuffers.rs`). The default (lossless) mode differs from autobahn
//! only where autobahn would lose data: `x_extra`, explicit default values,
//! empty args/kwargs, `ppt_cipher`, WELCOME `authmethod`. We do not copy
//! autobahn's encoder slips: it fails on `exclude_authrole` without
//! `exclude_authid` (26.10.2 raises), and writes `killnowait` as SKIP
//! (CANCEL) or KILL (INTERRUPT); it cannot write `forward_for` in ERROR,
//! CALL, RESULT, INVOCATION and YIELD at all. Its reader has slips too (found
//! by the corpus test): ERROR args/payload are read from the wrong slots,
//! `match`/`invoke`/CANCEL `mode` are not read.
//!
//! # Not representable
//!
//! ABORT args/kwargs (the table has no payload slots) and CHALLENGE methods
//! other than anonymous/ticket/wampcra/wamp-scram/cryptosign are encoding
//! errors.
//!
//! # Decoding
//!
//! A frame is verified first with flatbuffers' [`Verifier`](::flatbuffers::Verifier)
//! ([`VerifierOptions`]: depth, number of tables, apparent size) after a
//! frame size check, against every slot of our schema. `required` is not
//! enforced (autobahn omits HELLO/WELCOME `roles` and more); a missing URI is
//! reported by message validation instead. Then the table is read in place
//! with bounds-checked safe code. [`FlatBuffersCodec::decode`] gives the
//! owned [`Message`] with args/kwargs as raw zero-copy slices of the frame;
//! [`FlatBuffersCodec::view`] gives a [`FlatBuffersView`] whose accessors read
//! single slots without allocating.
//!
//! # Batched
//!
//! autobahn has no batched FlatBuffers. `wamp.2.flatbuffers.batched` frames
//! each message as the other binary batched formats do: a u32 big-endian
//! length, then the message (a complete FlatBuffer).
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::message::{Message, Publish};
//! use wamp_idl_runtime::payload::Payload;
//! use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
//! use wamp_idl_runtime::value::Value;
//!
//! let mut publish = Publish::new(239714735, "com.myapp.mytopic1");
//! publish.payload = Payload::from_args(vec![Value::from("Hello, world!")]);
//! let codec = FlatBuffersCodec::new();
//! let frame = codec.encode(&Message::from(publish.clone())).unwrap();
//! // autobahn-python's bytes for the same message (test vector publish.json #0).
//! assert_eq!(frame[..8], [0x0c, 0, 0, 0, 0x08, 0, 0x0c, 0]);
//!
//! let view = codec.view(frame.clone()).unwrap();
//! assert_eq!(view.request(), Some(239714735));
//! assert_eq!(view.uri(), Some("com.myapp.mytopic1"));
//! assert_eq!(view.args(), Some(&b"\x81\x6dHello, world!"[..]));
//!
//! assert_eq!(codec.decode(frame).unwrap(), Message::from(publish));
//! ```

mod decode;
mod encode;
mod layout;

use ::flatbuffers::VerifierOptions;
use bytes::Bytes;

use self::decode::{Located, Reader};
use self::layout::Wire;
use super::batch::split_batch;
use super::{Limits, Serializer};
use crate::error::{Error, Result};
use crate::message::{Message, MessageType};

/// WebSocket subprotocol of the FlatBuffers envelope.
pub const SUBPROTOCOL: &str = "wamp.2.flatbuffers";
/// WebSocket subprotocol of batched FlatBuffers (our definition; see the module docs).
pub const BATCHED_SUBPROTOCOL: &str = "wamp.2.flatbuffers.batched";
/// RawSocket serializer id.
pub const RAWSOCKET_ID: u8 = 5;

/// Which key names a decoder gives the payload-passthru slots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PptKeys {
    /// `enc_algo`, `enc_serializer`, `enc_key` (and `ppt_cipher`), as
    /// autobahn and the test vectors. Default.
    #[default]
    Autobahn,
    /// `ppt_scheme`, `ppt_serializer`, `ppt_cipher`, `ppt_keyid` (spec).
    Spec,
}

/// The FlatBuffers envelope codec.
///
/// # Examples
///
/// ```
/// use flatbuffers::VerifierOptions;
/// use wamp_idl_runtime::message::{EventReceived, Message};
/// use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
/// use wamp_idl_runtime::serializer::Serializer;
///
/// let codec = FlatBuffersCodec::new()
///     .with_payload_serializer(Serializer::MsgPack)
///     .with_verifier_options(VerifierOptions { max_depth: 8, ..Default::default() })
///     .with_max_frame_size(1 << 20);
/// let msgs = vec![Message::from(EventReceived { publication: 7 })];
/// let batch = codec.encode_batch(&msgs).unwrap();
/// assert_eq!(codec.decode_batch(batch).unwrap(), msgs);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlatBuffersCodec {
    payload_serializer: Serializer,
    announce_payload_serializer: bool,
    autobahn_compat: bool,
    ppt_keys: PptKeys,
    verifier: VerifierOptions,
    max_frame_size: usize,
    limits: Limits,
}

impl Default for FlatBuffersCodec {
    fn default() -> FlatBuffersCodec {
        FlatBuffersCodec::new()
    }
}

impl FlatBuffersCodec {
    /// CBOR payloads, `enc_*` key names, flatbuffers' default verifier
    /// limits, frames up to 16 MiB, default payload [`Limits`].
    pub fn new() -> FlatBuffersCodec {
        FlatBuffersCodec {
            payload_serializer: Serializer::Cbor,
            announce_payload_serializer: true,
            autobahn_compat: false,
            ppt_keys: PptKeys::default(),
            verifier: VerifierOptions::default(),
            max_frame_size: 1 << 24,
            limits: Limits::default(),
        }
    }

    /// Sets the serializer of args/kwargs (CBOR by default).
    pub fn with_payload_serializer(mut self, serializer: Serializer) -> FlatBuffersCodec {
        self.payload_serializer = serializer;
        self
    }

    /// Whether a non-CBOR payload serializer is recorded in `ppt_serializer`
    /// (default true; false reproduces autobahn, whose frames then cannot be
    /// decoded without knowing the serializer).
    pub fn with_announce_payload_serializer(mut self, announce: bool) -> FlatBuffersCodec {
        self.announce_payload_serializer = announce;
        self
    }

    /// Encodes exactly as autobahn-python does, losses included: no
    /// `x_extra` (keys without a slot are dropped), keys with the slot's
    /// default value, empty strings and lists, empty args/kwargs and an empty
    /// transparent payload left out. Frames are then byte-identical to
    /// autobahn's (except where autobahn's encoder has slips, see the module
    /// docs). Default false: lossless.
    pub fn with_autobahn_compat(mut self, compat: bool) -> FlatBuffersCodec {
        self.autobahn_compat = compat;
        self
    }

    /// Sets the key names decoded payload-passthru slots get.
    pub fn with_ppt_keys(mut self, keys: PptKeys) -> FlatBuffersCodec {
        self.ppt_keys = keys;
        self
    }

    /// Sets the verifier limits (depth, tables, apparent size).
    pub fn with_verifier_options(mut self, options: VerifierOptions) -> FlatBuffersCodec {
        self.verifier = options;
        self
    }

    /// Sets the largest frame accepted (checked before verification).
    pub fn with_max_frame_size(mut self, bytes: usize) -> FlatBuffersCodec {
        self.max_frame_size = bytes;
        self
    }

    /// Sets the limits used when args/kwargs and `x_extra` are decoded, and
    /// the batch size limit.
    pub fn with_limits(mut self, limits: Limits) -> FlatBuffersCodec {
        self.limits = limits;
        self
    }

    /// The serializer of args/kwargs.
    pub fn payload_serializer(&self) -> Serializer {
        self.payload_serializer
    }

    /// The verifier limits.
    pub fn verifier_options(&self) -> &VerifierOptions {
        &self.verifier
    }

    /// Encodes a message (autobahn's byte layout; see the module docs).
    ///
    /// # Errors
    ///
    /// ABORT with a payload, an unknown CHALLENGE method, an ERROR request
    /// type above 65535, args/kwargs that cannot be re-encoded, or a message
    /// too large for a FlatBuffer.
    pub fn encode(&self, message: &Message) -> Result<Vec<u8>> {
        self.encode_message(message)
    }

    /// Verifies and decodes a frame into a validated message; args/kwargs
    /// and a transparent payload are zero-copy slices of `frame`.
    pub fn decode(&self, frame: impl Into<Bytes>) -> Result<Message> {
        let frame: Bytes = frame.into();
        let located = decode::verify(self, &frame)?;
        self.read_message(&frame, located)
    }

    /// Verifies a frame and returns a lazy view of it.
    pub fn view(&self, frame: impl Into<Bytes>) -> Result<FlatBuffersView> {
        let frame: Bytes = frame.into();
        let located = decode::verify(self, &frame)?;
        Ok(FlatBuffersView {
            frame,
            located,
            codec: self.clone(),
        })
    }

    /// Encodes messages as one `wamp.2.flatbuffers.batched` frame.
    ///
    /// # Errors
    ///
    /// An empty slice, a message that cannot be encoded (the error names its
    /// index), or a message longer than `u32::MAX`.
    pub fn encode_batch(&self, messages: &[Message]) -> Result<Vec<u8>> {
        if messages.is_empty() {
            return Err(Error::encode(
                "empty batch: a batched frame holds at least one message",
            ));
        }
        let mut out = Vec::new();
        for (i, message) in messages.iter().enumerate() {
            let frame = self
                .encode(message)
                .map_err(|e| e.context(format!("batch message {i}")))?;
            let len = u32::try_from(frame.len()).map_err(|_| {
                Error::encode(format!("batch message {i}: longer than u32::MAX bytes"))
            })?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&frame);
        }
        Ok(out)
    }

    /// Splits and decodes a `wamp.2.flatbuffers.batched` frame.
    pub fn decode_batch(&self, frame: impl Into<Bytes>) -> Result<Vec<Message>> {
        let frame: Bytes = frame.into();
        // Same framing as the other binary batched formats.
        split_batch(Serializer::Cbor, &frame, &self.limits)?
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                self.decode(part)
                    .map_err(|e| e.context(format!("batch message {i}")))
            })
            .collect()
    }
}

/// A verified FlatBuffers frame, read lazily: every accessor reads one slot
/// in place (no allocation, cost independent of the payload size).
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::message::{Message, MessageType, Published};
/// use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
///
/// let codec = FlatBuffersCodec::new();
/// let frame = codec.encode(&Message::from(Published { request: 1, publication: 2 })).unwrap();
/// let view = codec.view(frame).unwrap();
/// assert_eq!(view.message_type(), MessageType::Published);
/// assert_eq!(view.uint("publication"), Some(2));
/// assert_eq!(view.args(), None);
/// ```
#[derive(Clone, Debug)]
pub struct FlatBuffersView {
    frame: Bytes,
    located: Located,
    codec: FlatBuffersCodec,
}

impl FlatBuffersView {
    fn reader(&self) -> Reader<'_> {
        Reader::new(&self.frame, self.located)
    }

    /// The message type.
    pub fn message_type(&self) -> MessageType {
        self.located.ty
    }

    /// The whole frame.
    pub fn frame(&self) -> &Bytes {
        &self.frame
    }

    /// The request id (0 when absent), for the types that have one.
    pub fn request(&self) -> Option<u64> {
        let r = self.reader();
        r.def.request.map(|slot| r.u64(slot))
    }

    /// The message's URI: HELLO realm, ABORT/GOODBYE reason, ERROR error,
    /// PUBLISH/SUBSCRIBE topic, CALL/REGISTER procedure.
    pub fn uri(&self) -> Option<&str> {
        let r = self.reader();
        r.def.uri.and_then(|slot| r.str(slot))
    }

    /// An integer or boolean slot by its schema name (e.g. `"publication"`,
    /// `"timeout"`), `None` when absent or not an integer slot.
    pub fn uint(&self, field: &str) -> Option<u64> {
        let r = self.reader();
        let &(slot, _, wire) = r.def.field_named(field)?;
        match wire {
            Wire::U8 => r.scalar::<u8>(slot).map(u64::from),
            Wire::U16 => r.scalar::<u16>(slot).map(u64::from),
            Wire::U32 => r.scalar::<u32>(slot).map(u64::from),
            Wire::U64 => r.scalar::<u64>(slot),
            _ => None,
        }
    }

    /// A string slot by its schema name (e.g. `"topic"`, `"caller_authid"`).
    pub fn string(&self, field: &str) -> Option<&str> {
        let r = self.reader();
        match r.def.field_named(field)? {
            &(slot, _, Wire::Str) => r.str(slot),
            _ => None,
        }
    }

    fn payload_slot(&self, offset: u16) -> Option<&[u8]> {
        let r = self.reader();
        r.bytes(r.def.args? + offset)
    }

    fn payload_slot_bytes(&self, offset: u16) -> Option<Bytes> {
        let r = self.reader();
        let range = r.bytes_range(r.def.args? + offset)?;
        Some(self.frame.slice(range))
    }

    /// The encoded args (see [`FlatBuffersView::payload_serializer`]).
    pub fn args(&self) -> Option<&[u8]> {
        self.payload_slot(0)
    }

    /// The encoded kwargs.
    pub fn kwargs(&self) -> Option<&[u8]> {
        self.payload_slot(1)
    }

    /// The transparent payload.
    pub fn payload(&self) -> Option<&[u8]> {
        self.payload_slot(2)
    }

    /// The encoded args as a zero-copy [`Bytes`] of the frame.
    pub fn args_bytes(&self) -> Option<Bytes> {
        self.payload_slot_bytes(0)
    }

    /// The encoded kwargs as a zero-copy [`Bytes`] of the frame.
    pub fn kwargs_bytes(&self) -> Option<Bytes> {
        self.payload_slot_bytes(1)
    }

    /// The transparent payload as a zero-copy [`Bytes`] of the frame.
    pub fn payload_bytes(&self) -> Option<Bytes> {
        self.payload_slot_bytes(2)
    }

    /// The raw `x_extra` slot: a CBOR map of the keys without a dedicated slot.
    pub fn extra(&self) -> Option<&[u8]> {
        let r = self.reader();
        r.bytes(r.def.extra_slot())
    }

    /// The schema names of the slots present in the message table, in slot order.
    pub fn present_fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        let r = self.reader();
        r.def.fields.iter().filter(move |f| r.has(f.0)).map(|f| f.1)
    }

    /// The message table's name in `schemas/wamp/*.fbs` (e.g. `"EventReceived"`).
    pub fn table_name(&self) -> &'static str {
        self.reader().def.name
    }

    /// The raw `ppt_scheme` byte (0 when absent or not a payload message).
    pub fn ppt_scheme(&self) -> u8 {
        self.ppt_byte(3)
    }

    /// The raw `ppt_serializer` byte.
    pub fn ppt_serializer(&self) -> u8 {
        self.ppt_byte(4)
    }

    fn ppt_byte(&self, offset: u16) -> u8 {
        let r = self.reader();
        r.def
            .args
            .and_then(|a| r.scalar::<u8>(a + offset))
            .unwrap_or(0)
    }

    /// The format args/kwargs are in (the module docs say how it is chosen),
    /// or an error for a `ppt_serializer` that is not a list/dict format.
    pub fn payload_serializer(&self) -> Result<Serializer> {
        self.codec.args_format(self.ppt_serializer())
    }

    /// Decodes the whole message (owned, validated).
    pub fn to_message(&self) -> Result<Message> {
        self.codec.read_message(&self.frame, self.located)
    }
}

/// String ↔ enum value tables of the envelope (WAMP-REFERENCE §2.3, §4.3).
pub(crate) mod enum_codes {
    pub type Table = &'static [(u8, &'static str)];

    pub const SCHEMES: Table = &[(1, "cryptobox"), (2, "mqtt"), (3, "xbr"), (4, "opaque")];
    pub const SERIALIZERS: Table = &[
        (1, "json"),
        (2, "msgpack"),
        (3, "cbor"),
        (4, "ubjson"),
        (5, "opaque"),
        (6, "flatbuffers"),
        (7, "flexbuffers"),
    ];
    pub const CIPHERS: Table = &[(1, "xsalsa20poly1305"), (2, "aes256gcm")];
    pub const MATCH: Table = &[(0, "exact"), (1, "prefix"), (2, "wildcard")];
    pub const INVOKE: Table = &[
        (0, "single"),
        (1, "first"),
        (2, "last"),
        (3, "roundrobin"),
        (4, "random"),
    ];
    pub const CANCEL_MODE: Table = &[(0, "skip"), (1, "kill"), (2, "killnowait")];
    pub const INTERRUPT_MODE: Table = &[(1, "kill"), (2, "killnowait")];
    pub const AUTH_METHODS: Table = &[
        (0, "anonymous"),
        (1, "ticket"),
        (2, "wampcra"),
        (3, "wamp-scram"),
        (4, "cryptosign"),
    ];

    pub fn code(table: Table, name: &str) -> Option<u8> {
        table.iter().find(|e| e.1 == name).map(|e| e.0)
    }

    pub fn name(table: Table, code: u8) -> Option<&'static str> {
        table.iter().find(|e| e.0 == code).map(|e| e.1)
    }

    pub fn names(table: Table) -> String {
        table.iter().map(|e| e.1).collect::<Vec<_>>().join(", ")
    }
}
