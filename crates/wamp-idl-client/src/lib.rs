//! A WAMP client over RawSocket/TCP and WebSocket (tokio) that implements
//! [`wamp_idl_runtime::Session`], so the typed clients and callee glue that
//! `wamp_interface!` generates talk to a real router such as Crossbar.io.
//!
//! | module | what |
//! |---|---|
//! | [`Client`], [`ClientConfig`] | connect (RawSocket or WebSocket), join, call/register/publish/subscribe, leave |
//! | [`rawsocket`] | the RawSocket handshake and framing (WAMP-REFERENCE §3.8) |
//!
//! # What it does
//!
//! - **Transport**: RawSocket over TCP ([`Client::connect`]) or over any
//!   byte stream ([`Client::connect_stream`]). The handshake announces the
//!   client's receive limit ([`ClientConfig::max_message_size`], 16 MiB by
//!   default) and reads the router's; an error reply (serializer
//!   unsupported, length unacceptable, reserved bits, connection limit), a
//!   bad magic octet, or a reset during the handshake (Crossbar's answer to
//!   a serializer it does not support) fails [`Client::connect`] with a
//!   [`ConnectError`] that says so. PINGs are answered with PONGs. A frame
//!   above the client's limit, or with reserved bits or types, fails the
//!   connection; nothing is allocated from a length above the limit. A
//!   message above the router's limit is not sent: the request fails with
//!   `wamp.error.payload_size_exceeded`.
//! - **WebSocket** (feature `websocket`, on by default):
//!   [`Client::connect_websocket`] with a `ws://` URL, or
//!   [`Client::connect_websocket_stream`] over any stream (TLS for
//!   `wss://`); subprotocol `wamp.2.<serializer>`, JSON in text messages,
//!   the others in binary ones, the receive limit enforced per message.
//! - **Serializers**: the runtime's JSON, MessagePack, CBOR and UBJSON
//!   (BJData by default) codecs ([`ClientConfig::serializer`],
//!   [`ClientConfig::codec`]) and the FlatBuffers envelope
//!   ([`ClientConfig::flatbuffers`]; Crossbar.io does not support it).
//! - **Session**: HELLO with the roles caller, callee, publisher and
//!   subscriber and the features in [`FEATURES`]; WELCOME, ABORT (a
//!   [`ConnectError::Aborted`] with the reason and message), WAMP-Ticket
//!   authentication ([`ClientConfig::ticket`]; other methods are refused
//!   with a clear error); GOODBYE on [`Client::leave`] and in answer to the
//!   router's; request ids 1, 2, 3 … per session.
//! - **Roles**: CALL/RESULT/ERROR; REGISTER and INVOCATION dispatch to the
//!   registered handler, answered with YIELD or ERROR (a handler's
//!   [`CallError`](wamp_idl_runtime::CallError) becomes ERROR with its URI
//!   and payload); PUBLISH with or without `acknowledge`; SUBSCRIBE and
//!   EVENT dispatch; UNREGISTER/UNSUBSCRIBE and the router's revocations.
//!   When the connection is lost, every waiting request fails with
//!   `wamp.error.canceled` and a message saying so.
//!
//! Not implemented: TLS (bring a TLS stream to [`Client::connect_stream`] or
//! [`Client::connect_websocket_stream`]), batched WebSocket subprotocols,
//! progressive results and invocations, call canceling, authentication
//! methods other than ticket, reconnection.
//!
//! # Examples
//!
//! ```no_run
//! use std::sync::Arc;
//! use wamp_idl_client::{Client, ClientConfig};
//! use wamp_idl_runtime::session::{CallError, InvocationHandler, Session};
//! use wamp_idl_runtime::{Payload, Serializer, Value};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = ClientConfig::new("realm1").serializer(Serializer::Cbor);
//! let client = Client::connect("127.0.0.1:8080", config).await?;
//!
//! let add: InvocationHandler = Arc::new(|invocation| {
//!     Box::pin(async move {
//!         let (a, b): (i64, i64) = invocation
//!             .payload
//!             .args()
//!             .ok_or_else(|| CallError::invalid_argument("expected two integers"))?
//!             .deserialize()
//!             .map_err(|e| CallError::invalid_argument(e.to_string()))?;
//!         Ok(Payload::from_args(vec![Value::from(a + b)]))
//!     })
//! });
//! client.register("com.example.add", Default::default(), add).await?;
//!
//! let args = Payload::from_args(vec![Value::from(2i64), Value::from(3i64)]);
//! let result = client.call("com.example.add", Default::default(), args).await?;
//! let (sum,): (i64,) = result.payload.args().unwrap().deserialize()?;
//! assert_eq!(sum, 5);
//!
//! // Generated typed clients run on it too, e.g. the WAMP meta API:
//! // let meta = IWampMetaClient::new(client.clone());
//! // let count = meta.session_count(&Default::default()).await?.count;
//!
//! client.leave().await?;
//! # Ok(())
//! # }
//! ```

mod client;
pub mod rawsocket;
mod transport;
#[cfg(feature = "websocket")]
mod websocket;

pub use client::{Client, ClientConfig, ConnectError, FEATURES, PAYLOAD_SIZE_EXCEEDED};
