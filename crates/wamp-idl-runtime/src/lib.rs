//! Runtime of wamp-idl generated code: the WAMP message model, the
//! application payload, and the envelope serializers.
//!
//! | module | what |
//! |---|---|
//! | [`value`] | the dynamic [`Value`] and the insertion-ordered [`Dict`], serde conversions |
//! | [`message`] | the 25 message types, [`Message`], [`MessageType`], typed Options/Details |
//! | [`payload`] | args/kwargs (kept raw until asked) vs transparent payload |
//! | [`serializer`] | JSON, MessagePack, CBOR, UBJSON/BJData codecs, the FlatBuffers envelope, batching, negotiation names |
//! | [`serde_format`] | typed serde decoding/encoding straight over each format's bytes |
//! | [`session`] | the [`Session`] trait generated clients and callee glue run on |
//! | [`router`] | an in-process dealer and broker with a [`Session`] per joined client |
//! | [`client_state`] | the sans-IO client side of a session (request ids, replies, handlers) and an executor-free oneshot |
//! | [`typed`] | typed payloads ([`typed::WampPayload`]), typed message builders, interface reflection |
//! | [`uri`], [`id`] | URI and ID rules |
//! | [`describe`] | a message as JSON with named attributes (test-vector form) |
//!
//! # Wire decisions (WAMP-REFERENCE §8)
//!
//! Where autobahn-python and the spec disagree we match autobahn on the wire
//! and accept both on input:
//!
//! - transparent payloads: the `enc_algo`/`enc_serializer`/`enc_key` keys are
//!   validated and kept in Options/Details as they came; the spec's `ppt_*`
//!   keys are accepted as well. The bytes replace the args element on output
//!   ([`message::TransparentForm::Autobahn`], default); the spec form (bytes as
//!   the only args item) is accepted on input and can be chosen for output;
//! - `EVENT_RECEIVED` is code 337;
//! - request id 0 only in the revocation forms of UNSUBSCRIBED/UNREGISTERED;
//!   every other id is `1 ..= 2^53`;
//! - `wamp.2.ubjson` is BJData by default, UBJSON draft 12 selectable;
//! - batched JSON: `0x18` written (configurable), `0x18` and `0x1e` accepted;
//! - ABORT with args/kwargs is accepted (spec), though autobahn sends only 3 elements;
//! - UNSUBSCRIBE/UNREGISTER take autobahn's optional 4th Options element.
//!
//! - FlatBuffers: autobahn's tables and slots, `msg_type` = the WAMP code
//!   (EVENT_RECEIVED = 37), Options/Details keys without a slot kept in an
//!   extra `x_extra` slot (a CBOR map) that autobahn ignores; see
//!   [`serializer::flatbuffers`].
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::serializer::{Codec, Serializer};
//! use wamp_idl_runtime::Message;
//!
//! let frame = br#"[16,239714735,{},"com.myapp.mytopic1",["Hello, world!"]]"#;
//! let codec = Codec::new(Serializer::Json);
//! let msg = codec.decode(&frame[..]).unwrap();
//! let Message::Publish(publish) = &msg else { panic!("not a PUBLISH") };
//! let (greeting,): (String,) = publish.payload.args().unwrap().deserialize().unwrap();
//! assert_eq!(greeting, "Hello, world!");
//! // Re-encoding reproduces autobahn's bytes (args are copied from the frame).
//! assert_eq!(codec.encode(&msg).unwrap(), frame);
//! ```

pub mod client_state;
pub mod describe;
pub mod error;
pub mod id;
pub mod message;
pub mod payload;
pub mod router;
pub mod serde_format;
pub mod serializer;
pub mod session;
pub mod typed;
pub mod uri;
pub mod value;

pub use error::{Error, ErrorKind, Result};
pub use message::{Message, MessageType};
pub use payload::{Payload, RawValue};
pub use serializer::{Codec, Serializer};
pub use session::{CallError, Session};
pub use value::{Dict, Value};

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use __private::validate::ValidationError;
pub use __private::verify::{DecodeError, VerifyOptions};
pub use wamp_idl_macros::wamp_interface;
/// `#[derive(WampPayload)]` for plain structs: implements
/// [`typed::WampPayload`] from the struct's fields (see
/// [`wamp_idl_macros::WampPayload`]).
pub use wamp_idl_macros::WampPayload;

/// Attribute macros. `#[wamp_interface(schema = "...", interface = "...")]`
/// checks a hand-written trait against an interface of a catalog (see
/// [`wamp_idl_macros::wamp_interface_attr`]); it lives here because the name
/// `wamp_interface` at the crate root is the function-like macro.
pub mod attr {
    pub use wamp_idl_macros::wamp_interface_attr as wamp_interface;
}
