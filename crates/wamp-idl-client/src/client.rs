//! [`Client`]: a WAMP session over RawSocket that implements [`Session`].

use std::fmt;
use std::future::Future;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;
use wamp_idl_runtime::client_state::{
    abort_error, invocation_reply, oneshot, Action, ClientState, Pending, PROTOCOL_VIOLATION,
};
use wamp_idl_runtime::message::keys::{
    AuthExtra, CallOptions, PublishOptions, RegisterOptions, ResultDetails, SubscribeOptions,
    WelcomeDetails,
};
use wamp_idl_runtime::message::{
    Abort, Authenticate, Call, CallResult, ErrorMessage, Goodbye, Hello, Invocation, Message,
    MessageType, Publish, Register, Subscribe, Unregister, Unsubscribe,
};
use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::serializer::FLATBUFFERS_RAWSOCKET_ID;
use wamp_idl_runtime::session::{
    CallError, EventHandler, InvocationHandler, Registration, Session, Subscription,
};
use wamp_idl_runtime::{Codec, Dict, Payload, Serializer, Value};

use crate::rawsocket::{client_handshake, parse_handshake_reply, MaxLength, RawSocketError};
use crate::transport::{
    Incoming, MessageReader, MessageWriter, RawSocketReader, RawSocketWriter, ReadError,
};

/// `wamp.error.payload_size_exceeded`: a message is above the router's limit.
pub const PAYLOAD_SIZE_EXCEEDED: &str = "wamp.error.payload_size_exceeded";

/// The features announced in HELLO, per role: what this client handles.
///
/// Everything else (progressive results and invocations, call canceling,
/// call timeouts, event history, payload transparency negotiation) is not
/// announced: options for them may still be sent through the typed Options,
/// but the client does nothing special with the replies.
pub const FEATURES: &[(&str, &[&str])] = &[
    ("caller", &["caller_identification"]),
    (
        "callee",
        &[
            "caller_identification",
            "pattern_based_registration",
            "shared_registration",
            "registration_revocation",
        ],
    ),
    (
        "publisher",
        &[
            "publisher_exclusion",
            "publisher_identification",
            "subscriber_blackwhite_listing",
        ],
    ),
    (
        "subscriber",
        &[
            "publisher_identification",
            "pattern_based_subscription",
            "subscription_revocation",
        ],
    ),
];

/// The envelope a client speaks: one of the runtime's codecs.
#[derive(Clone, Debug)]
enum Wire {
    /// JSON, MessagePack, CBOR or UBJSON/BJData.
    Array(Codec),
    /// The FlatBuffers envelope (not supported by Crossbar.io).
    FlatBuffers(FlatBuffersCodec),
}

impl Wire {
    fn rawsocket_id(&self) -> u8 {
        match self {
            Wire::Array(codec) => codec.serializer().rawsocket_id(),
            Wire::FlatBuffers(_) => FLATBUFFERS_RAWSOCKET_ID,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Wire::Array(codec) => codec.serializer().id(),
            Wire::FlatBuffers(_) => "flatbuffers",
        }
    }

    /// The WebSocket subprotocol, and whether messages travel as text.
    #[cfg(feature = "websocket")]
    fn subprotocol(&self) -> (&'static str, bool) {
        match self {
            Wire::Array(codec) => (
                codec.serializer().subprotocol(),
                !codec.serializer().is_binary(),
            ),
            Wire::FlatBuffers(_) => (wamp_idl_runtime::serializer::FLATBUFFERS_SUBPROTOCOL, false),
        }
    }

    fn encode(&self, message: &Message) -> wamp_idl_runtime::Result<Vec<u8>> {
        match self {
            Wire::Array(codec) => codec.encode(message),
            Wire::FlatBuffers(codec) => codec.encode(message),
        }
    }

    fn decode(&self, frame: Vec<u8>) -> wamp_idl_runtime::Result<Message> {
        match self {
            Wire::Array(codec) => codec.decode(frame),
            Wire::FlatBuffers(codec) => codec.decode(frame),
        }
    }
}

/// How a [`Client`] connects: realm, serializer, limits, authentication.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use wamp_idl_client::ClientConfig;
/// use wamp_idl_runtime::Serializer;
///
/// let config = ClientConfig::new("realm1")
///     .serializer(Serializer::Cbor)
///     .max_message_size(1 << 20)
///     .ticket("joe", "secret!!!")
///     .timeout(Duration::from_secs(5));
/// assert_eq!(config.realm(), "realm1");
/// ```
#[derive(Clone)]
pub struct ClientConfig {
    realm: String,
    wire: Wire,
    max_receive: MaxLength,
    agent: String,
    ticket: Option<(String, String)>,
    timeout: Duration,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The ticket is a secret: only its authid is shown.
        f.debug_struct("ClientConfig")
            .field("realm", &self.realm)
            .field("serializer", &self.wire.name())
            .field("max_receive", &self.max_receive.bytes())
            .field("agent", &self.agent)
            .field(
                "ticket_authid",
                &self.ticket.as_ref().map(|(authid, _)| authid),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ClientConfig {
    /// Joins `realm` with JSON, a 16 MiB receive limit, no authentication
    /// (anonymous), and a 10 s timeout.
    pub fn new(realm: impl Into<String>) -> ClientConfig {
        ClientConfig {
            realm: realm.into(),
            wire: Wire::Array(Codec::new(Serializer::Json)),
            max_receive: MaxLength::MAX,
            agent: format!("wamp-idl-client/{}", env!("CARGO_PKG_VERSION")),
            ticket: None,
            timeout: Duration::from_secs(10),
        }
    }

    /// The realm to join.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// Speaks `serializer` (a [`Codec`] with default settings).
    pub fn serializer(self, serializer: Serializer) -> ClientConfig {
        self.codec(Codec::new(serializer))
    }

    /// Speaks `codec` (JSON, MessagePack, CBOR or UBJSON with chosen settings).
    pub fn codec(mut self, codec: Codec) -> ClientConfig {
        self.wire = Wire::Array(codec);
        self
    }

    /// Speaks the FlatBuffers envelope (RawSocket serializer 5). Crossbar.io
    /// does not support it; it is meant for peers of our own.
    pub fn flatbuffers(mut self, codec: FlatBuffersCodec) -> ClientConfig {
        self.wire = Wire::FlatBuffers(codec);
        self
    }

    /// The longest message the client accepts, rounded down to what the
    /// handshake can announce (a power of two from 512 octets to 16 MiB).
    /// A longer frame from the router fails the connection.
    pub fn max_message_size(mut self, bytes: usize) -> ClientConfig {
        self.max_receive = MaxLength::at_most(bytes);
        self
    }

    /// Authenticates with WAMP-Ticket: HELLO announces `authmethods:
    /// ["ticket"]` and `authid`, and a `ticket` CHALLENGE is answered with
    /// `ticket` (in clear text: use it on trusted networks or over TLS).
    pub fn ticket(mut self, authid: impl Into<String>, ticket: impl Into<String>) -> ClientConfig {
        self.ticket = Some((authid.into(), ticket.into()));
        self
    }

    /// The `agent` string sent in HELLO.
    pub fn agent(mut self, agent: impl Into<String>) -> ClientConfig {
        self.agent = agent.into();
        self
    }

    /// How long connecting, the handshake with the join, and the GOODBYE
    /// exchange of [`Client::leave`] may each take.
    pub fn timeout(mut self, timeout: Duration) -> ClientConfig {
        self.timeout = timeout;
        self
    }

    /// The HELLO this configuration sends.
    fn hello(&self) -> Hello {
        let mut roles = Dict::new();
        for (role, features) in FEATURES {
            let mut flags = Dict::new();
            for feature in *features {
                flags.insert(*feature, true);
            }
            let mut details = Dict::new();
            details.insert("features", flags);
            roles.insert(*role, details);
        }
        let mut hello = Hello::new(self.realm.clone());
        hello.details.set_roles(roles);
        hello.details.set_agent(self.agent.clone());
        if let Some((authid, _)) = &self.ticket {
            hello.details.set_authmethods(vec!["ticket".to_owned()]);
            hello.details.set_authid(authid.clone());
        }
        hello
    }
}

/// Why [`Client::connect`] failed.
#[derive(Debug)]
pub enum ConnectError {
    /// The TCP connection could not be opened.
    Connect {
        /// The address.
        address: String,
        /// What the socket reported.
        cause: io::Error,
    },
    /// The RawSocket handshake failed or was refused.
    RawSocket(RawSocketError),
    /// The transport failed while the session was opening (a bad frame, an I/O error).
    Transport(String),
    /// The WebSocket URL, handshake or subprotocol was not right.
    WebSocket(String),
    /// A step took longer than [`ClientConfig::timeout`].
    Timeout {
        /// The step.
        step: &'static str,
        /// The timeout.
        after: Duration,
    },
    /// The router answered HELLO with ABORT: the reason URI and message.
    Aborted(CallError),
    /// The router asked for an authentication this client is not configured for.
    Authentication(String),
    /// The router broke the protocol while the session was opening.
    Protocol(String),
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Connect { address, cause } => {
                write!(f, "could not connect to {address}: {cause}")
            }
            ConnectError::RawSocket(e) => e.fmt(f),
            ConnectError::Timeout { step, after } => {
                write!(f, "{step} did not finish within {after:?}")
            }
            ConnectError::Aborted(e) => write!(f, "the router refused the session: {e}"),
            ConnectError::Transport(message)
            | ConnectError::WebSocket(message)
            | ConnectError::Authentication(message)
            | ConnectError::Protocol(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConnectError::Connect { cause, .. } => Some(cause),
            ConnectError::RawSocket(e) => Some(e),
            ConnectError::Aborted(e) => Some(e),
            _ => None,
        }
    }
}

impl From<RawSocketError> for ConnectError {
    fn from(e: RawSocketError) -> ConnectError {
        ConnectError::RawSocket(e)
    }
}

/// What the writer task sends.
enum Outgoing {
    /// An encoded WAMP message.
    Message(Vec<u8>),
    /// The answer to a PING.
    Pong(Vec<u8>),
    /// Close the connection (after the messages before it).
    Shutdown,
}

/// What the client, the reader and writer tasks, and invocation tasks share.
struct Shared {
    state: Mutex<ClientState>,
    outgoing: mpsc::UnboundedSender<Outgoing>,
    wire: Wire,
    /// The longest message the router accepts.
    send_limit: usize,
    closed: watch::Sender<Option<CallError>>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, ClientState> {
        // Nothing runs user code under the lock, so a poisoned lock still holds a consistent state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The error requests fail with once the session is closed.
    fn closed_error(&self) -> CallError {
        self.state().closed_error().cloned().unwrap_or_else(|| {
            CallError::with_message(
                CallError::CANCELED,
                "the connection to the router is closed",
            )
        })
    }

    /// Encodes and queues one message.
    fn send(&self, message: &Message) -> Result<(), CallError> {
        let name = message.message_type().name();
        let bytes = self.wire.encode(message).map_err(|e| {
            CallError::invalid_argument(format!(
                "could not encode {name} as {}: {e}",
                self.wire.name()
            ))
        })?;
        if bytes.len() > self.send_limit {
            return Err(CallError::with_message(
                PAYLOAD_SIZE_EXCEEDED,
                format!(
                    "the {name} message is {} octets, above the router's limit of {} octets",
                    bytes.len(),
                    self.send_limit
                ),
            ));
        }
        self.outgoing
            .send(Outgoing::Message(bytes))
            .map_err(|_| self.closed_error())
    }

    /// Runs actions (outside the lock), then publishes a close if there was one.
    fn run(self: &Arc<Self>, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Complete(complete) => complete(),
                Action::Event(handler, event) => {
                    // A panicking subscriber must not take the connection down with it.
                    let _ = catch_unwind(AssertUnwindSafe(|| handler(event)));
                }
                Action::Invoke(handler, invocation) => {
                    tokio::spawn(invoke(self.clone(), handler, invocation));
                }
                Action::Send(message) => {
                    // If the connection is gone the session is closed already.
                    let _ = self.send(&message);
                }
            }
        }
        let closed = self.state().closed_error().cloned();
        if let Some(error) = closed {
            self.closed.send_if_modified(|slot| {
                let first = slot.is_none();
                if first {
                    *slot = Some(error);
                }
                first
            });
        }
    }

    /// Closes the session with `error` (if not closed yet) and ends the connection.
    fn close(self: &Arc<Self>, error: CallError) {
        let actions = self.state().close(error);
        self.run(actions);
        let _ = self.outgoing.send(Outgoing::Shutdown);
    }
}

/// Runs a callee's handler for one INVOCATION and answers YIELD or ERROR.
async fn invoke(shared: Arc<Shared>, handler: InvocationHandler, invocation: Invocation) {
    let request = invocation.request;
    // A task of its own, so a panicking handler becomes an ERROR for the caller.
    let result = match tokio::spawn(handler(invocation)).await {
        Ok(result) => result,
        Err(e) => Err(CallError::with_message(
            CallError::RUNTIME_ERROR,
            if e.is_panic() {
                "the callee's handler panicked"
            } else {
                "the callee's handler was cancelled"
            },
        )),
    };
    let reply = invocation_reply(request, result);
    let sent = reply
        .validate()
        .map_err(|e| format!("the callee's reply is not a valid WAMP message: {e}"))
        .and_then(|()| {
            shared
                .send(&reply)
                .map_err(|e| format!("the callee's reply could not be sent: {e}"))
        });
    if let Err(message) = sent {
        if shared.state().is_joined() {
            let _ = shared.send(&Message::Error(ErrorMessage {
                request_type: MessageType::Invocation.code(),
                request,
                details: ResultDetails::new(),
                error: CallError::RUNTIME_ERROR.to_owned(),
                payload: Payload::from_args(vec![Value::from(message)]),
            }));
        }
    }
}

/// Reads messages until the connection or the session ends.
async fn read_loop(shared: Arc<Shared>, mut reader: Box<dyn MessageReader>) {
    let mut closed = shared.closed.subscribe();
    loop {
        let incoming = tokio::select! {
            incoming = reader.next() => incoming,
            _ = closed.wait_for(Option::is_some) => break,
        };
        match incoming {
            Ok(Incoming::Message(bytes)) => {
                let actions = match shared.wire.decode(bytes) {
                    Ok(message) => shared.state().receive(message),
                    Err(e) => shared.state().violation(format!(
                        "could not decode a {} message from the router: {e}",
                        shared.wire.name()
                    )),
                };
                shared.run(actions);
                if shared.state().closed_error().is_some() {
                    break;
                }
            }
            Ok(Incoming::Ping(payload)) => {
                let _ = shared.outgoing.send(Outgoing::Pong(payload));
            }
            Ok(Incoming::Nothing) => {}
            Err(ReadError::Closed) => {
                shared.close(CallError::with_message(
                    CallError::CANCELED,
                    "the connection to the router was lost: the router closed it",
                ));
                break;
            }
            Err(ReadError::Failed(e)) => {
                shared.close(CallError::with_message(
                    CallError::CANCELED,
                    format!("the connection to the router was lost: {e}"),
                ));
                break;
            }
        }
    }
    let _ = shared.outgoing.send(Outgoing::Shutdown);
}

/// Writes queued messages until told to shut down; flushes when the queue is empty.
async fn write_loop(
    shared: Arc<Shared>,
    mut outgoing: mpsc::UnboundedReceiver<Outgoing>,
    mut writer: Box<dyn MessageWriter>,
) {
    while let Some(item) = outgoing.recv().await {
        let mut written = match item {
            Outgoing::Message(message) => writer.send(&message).await,
            Outgoing::Pong(payload) => writer.pong(&payload).await,
            Outgoing::Shutdown => break,
        };
        if written.is_ok() && outgoing.is_empty() {
            written = writer.flush().await;
        }
        if let Err(e) = written {
            shared.close(CallError::with_message(
                CallError::CANCELED,
                format!("the connection to the router was lost: could not write: {e}"),
            ));
            return;
        }
    }
    writer.close().await;
}

/// Removes a request from the session if its future is dropped before the reply.
struct ForgetOnDrop {
    shared: Arc<Shared>,
    request: u64,
    armed: bool,
}

impl Drop for ForgetOnDrop {
    fn drop(&mut self) {
        if self.armed {
            self.shared.state().cancel(self.request);
        }
    }
}

struct ClientInner {
    shared: Arc<Shared>,
    reader: AbortHandle,
    session: u64,
    welcome: WelcomeDetails,
    timeout: Duration,
}

impl Drop for ClientInner {
    fn drop(&mut self) {
        // The last handle is gone: say GOODBYE without waiting for the echo.
        if self.shared.state().is_joined() {
            let mut goodbye = Goodbye {
                reason: "wamp.close.normal".to_owned(),
                ..Goodbye::default()
            };
            goodbye.details.set_message("the client was dropped");
            let _ = self.shared.send(&Message::Goodbye(goodbye));
        }
        self.shared.close(CallError::with_message(
            CallError::CANCELED,
            "the client was dropped",
        ));
        self.reader.abort();
    }
}

/// A joined WAMP session over RawSocket. Cloning shares the session.
///
/// It implements [`Session`], so generated typed clients
/// (`IFooClient::new(client)`) and callee glue (`register_all`) run on it
/// unchanged. Must be created inside a tokio runtime: it spawns a reader
/// and a writer task, and one task per INVOCATION; the futures it returns
/// run on any executor.
///
/// - Request ids count 1, 2, 3 … per session (wrapping after 2^53). A
///   request is sent when its method is called, not when its future is
///   first polled; dropping the future forgets the reply.
/// - Event handlers run on the reader task, one at a time and in order:
///   keep them short (hand work to a channel or a task). A panicking handler
///   is ignored.
/// - Invocation handlers run as tokio tasks, concurrently; a handler that
///   panics answers `wamp.error.runtime_error`.
/// - If the connection ends, waiting requests fail with
///   `wamp.error.canceled` and a message saying why, and so do later ones.
/// - Handlers that capture their own client keep it alive: call
///   [`Client::leave`] to end the session (dropping the last handle also
///   sends GOODBYE and closes the connection).
///
/// See the [crate documentation](crate) for an example.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("session", &self.inner.session)
            .field("serializer", &self.inner.shared.wire.name())
            .field("joined", &self.is_joined())
            .finish()
    }
}

/// Maps an error of the handshake's socket I/O: a reset or an early end is a refusal.
fn handshake_io(serializer: u8, cause: io::Error) -> ConnectError {
    match cause.kind() {
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => {
            ConnectError::RawSocket(RawSocketError::RefusedByReset { serializer, cause })
        }
        _ => ConnectError::RawSocket(RawSocketError::Io(cause)),
    }
}

/// Opens a TCP connection with a timeout.
async fn tcp_connect(address: &str, timeout: Duration) -> Result<TcpStream, ConnectError> {
    let stream = tokio::time::timeout(timeout, TcpStream::connect(address))
        .await
        .map_err(|_| ConnectError::Timeout {
            step: "connecting",
            after: timeout,
        })?
        .map_err(|cause| ConnectError::Connect {
            address: address.to_owned(),
            cause,
        })?;
    // WAMP messages are small and latency matters more than packing.
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// What the join established.
struct Joined {
    session: u64,
    welcome: WelcomeDetails,
    send_limit: usize,
}

/// The RawSocket handshake; returns the longest message the router accepts.
async fn rawsocket_handshake<R, W>(
    reader: &mut R,
    writer: &mut W,
    config: &ClientConfig,
) -> Result<usize, ConnectError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let serializer = config.wire.rawsocket_id();
    writer
        .write_all(&client_handshake(config.max_receive, serializer))
        .await
        .map_err(|e| handshake_io(serializer, e))?;
    let mut reply = [0u8; 4];
    reader
        .read_exact(&mut reply)
        .await
        .map_err(|e| handshake_io(serializer, e))?;
    Ok(parse_handshake_reply(reply, serializer)?.bytes())
}

/// Sends one message during the join and flushes it.
async fn send_now(
    writer: &mut dyn MessageWriter,
    config: &ClientConfig,
    send_limit: usize,
    message: Message,
) -> Result<(), ConnectError> {
    let name = message.message_type().name();
    let bytes = config.wire.encode(&message).map_err(|e| {
        ConnectError::Protocol(format!(
            "could not encode {name} as {}: {e}",
            config.wire.name()
        ))
    })?;
    if bytes.len() > send_limit {
        return Err(ConnectError::Protocol(format!(
            "the {name} message is {} octets, above the router's limit of {send_limit} octets",
            bytes.len()
        )));
    }
    let sent = match writer.send(&bytes).await {
        Ok(()) => writer.flush().await,
        Err(e) => Err(e),
    };
    sent.map_err(|e| ConnectError::Protocol(format!("could not send {name}: {e}")))
}

/// Says why the join failed with an ABORT (best effort: the router may be gone).
async fn abort_join(
    writer: &mut dyn MessageWriter,
    config: &ClientConfig,
    send_limit: usize,
    reason: &str,
    message: &str,
) {
    let mut abort = Abort {
        reason: reason.to_owned(),
        ..Abort::default()
    };
    abort.details.set_message(message);
    let _ = send_now(writer, config, send_limit, Message::Abort(abort)).await;
}

/// HELLO … WELCOME over an open transport.
async fn join(
    reader: &mut dyn MessageReader,
    writer: &mut dyn MessageWriter,
    config: &ClientConfig,
    send_limit: usize,
) -> Result<Joined, ConnectError> {
    let hello = Message::Hello(config.hello());
    hello
        .validate()
        .map_err(|e| ConnectError::Protocol(format!("invalid HELLO: {e}")))?;
    send_now(writer, config, send_limit, hello).await?;
    loop {
        let bytes = match reader.next().await {
            Ok(Incoming::Message(bytes)) => bytes,
            Ok(Incoming::Ping(payload)) => {
                let pong = match writer.pong(&payload).await {
                    Ok(()) => writer.flush().await,
                    Err(e) => Err(e),
                };
                pong.map_err(|e| ConnectError::Protocol(format!("could not answer a PING: {e}")))?;
                continue;
            }
            Ok(Incoming::Nothing) => continue,
            Err(ReadError::Closed) => {
                return Err(ConnectError::Protocol(
                    "the router closed the connection after HELLO without WELCOME or ABORT"
                        .to_owned(),
                ))
            }
            Err(ReadError::Failed(e)) => return Err(ConnectError::Transport(e)),
        };
        let message = config.wire.decode(bytes).map_err(|e| {
            ConnectError::Protocol(format!(
                "could not decode the router's answer to HELLO ({}): {e}",
                config.wire.name()
            ))
        })?;
        match message {
            Message::Welcome(welcome) => {
                return Ok(Joined {
                    session: welcome.session,
                    welcome: welcome.details,
                    send_limit,
                })
            }
            Message::Abort(abort) => return Err(ConnectError::Aborted(abort_error(abort))),
            Message::Challenge(challenge) => {
                let ticket = match (&config.ticket, challenge.auth_method.as_str()) {
                    (Some((_, ticket)), "ticket") => ticket.clone(),
                    (_, method) => {
                        let message = format!(
                            "the router asked for `{method}` authentication, which this client \
                             is not configured for (it does `ticket`: ClientConfig::ticket)"
                        );
                        abort_join(
                            writer,
                            config,
                            send_limit,
                            "wamp.error.authentication_failed",
                            &message,
                        )
                        .await;
                        return Err(ConnectError::Authentication(message));
                    }
                };
                let authenticate = Message::Authenticate(Authenticate {
                    signature: ticket,
                    extra: AuthExtra::new(),
                });
                send_now(writer, config, send_limit, authenticate).await?;
            }
            other => {
                let message = format!(
                    "the router answered HELLO with {}, not WELCOME, ABORT or CHALLENGE",
                    other.message_type().name()
                );
                abort_join(writer, config, send_limit, PROTOCOL_VIOLATION, &message).await;
                return Err(ConnectError::Protocol(message));
            }
        }
    }
}

impl Client {
    /// Connects to a router at `address` (e.g. `"127.0.0.1:8080"`) over
    /// TCP, does the RawSocket handshake and joins the realm.
    ///
    /// # Errors
    ///
    /// See [`ConnectError`]: the connection, the handshake (a refusal, or a
    /// reset, which is how Crossbar refuses a serializer), ABORT, an
    /// authentication the config does not cover, or a timeout.
    pub async fn connect(address: &str, config: ClientConfig) -> Result<Client, ConnectError> {
        let stream = tcp_connect(address, config.timeout).await?;
        Client::connect_stream(stream, config).await
    }

    /// Connects to a router's WebSocket transport at a `ws://` URL (e.g.
    /// `"ws://127.0.0.1:8080/ws"`), asking for subprotocol
    /// `wamp.2.<serializer>`, and joins the realm. JSON travels in text
    /// messages, the other serializers in binary ones; messages above
    /// [`ClientConfig::max_message_size`] fail the connection. There is no
    /// negotiated limit for what the client sends.
    ///
    /// # Errors
    ///
    /// As for [`Client::connect`]; [`ConnectError::WebSocket`] for a bad
    /// URL (`wss://` needs [`Client::connect_websocket_stream`] over a TLS
    /// stream), a failed handshake, or a router that does not accept the
    /// subprotocol.
    #[cfg(feature = "websocket")]
    pub async fn connect_websocket(
        url: &str,
        config: ClientConfig,
    ) -> Result<Client, ConnectError> {
        let address = crate::websocket::tcp_address(url)?;
        let stream = tcp_connect(&address, config.timeout).await?;
        Client::connect_websocket_stream(url, stream, config).await
    }

    /// Does the WebSocket handshake for `url` over an open byte stream (e.g.
    /// a TLS stream for `wss://`) and joins the realm.
    ///
    /// # Errors
    ///
    /// As for [`Client::connect_websocket`], without the connection step.
    #[cfg(feature = "websocket")]
    pub async fn connect_websocket_stream<S>(
        url: &str,
        stream: S,
        config: ClientConfig,
    ) -> Result<Client, ConnectError>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let timeout = config.timeout;
        let opened = async {
            let (subprotocol, text) = config.wire.subprotocol();
            let (reader, writer) =
                crate::websocket::open(url, stream, subprotocol, text, config.max_receive.bytes())
                    .await?;
            let mut reader: Box<dyn MessageReader> = Box::new(reader);
            let mut writer: Box<dyn MessageWriter> = Box::new(writer);
            let joined = join(&mut *reader, &mut *writer, &config, usize::MAX).await?;
            Ok::<_, ConnectError>((reader, writer, joined))
        };
        let (reader, writer, joined) =
            tokio::time::timeout(timeout, opened)
                .await
                .map_err(|_| ConnectError::Timeout {
                    step: "the WebSocket handshake and joining the realm",
                    after: timeout,
                })??;
        Ok(Client::start(reader, writer, joined, &config))
    }

    /// Does the RawSocket handshake and joins the realm over an open byte
    /// stream (a TCP or Unix socket, a TLS stream, an in-memory pipe).
    ///
    /// # Errors
    ///
    /// As for [`Client::connect`], without the connection step.
    pub async fn connect_stream<S>(stream: S, config: ClientConfig) -> Result<Client, ConnectError>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (mut reader, mut writer) = tokio::io::split(stream);
        let timeout = config.timeout;
        let opened = async {
            let send_limit = rawsocket_handshake(&mut reader, &mut writer, &config).await?;
            let mut reader: Box<dyn MessageReader> = Box::new(RawSocketReader {
                reader,
                limit: config.max_receive.bytes(),
            });
            let mut writer: Box<dyn MessageWriter> = Box::new(RawSocketWriter::new(writer));
            let joined = join(&mut *reader, &mut *writer, &config, send_limit).await?;
            Ok::<_, ConnectError>((reader, writer, joined))
        };
        let (reader, writer, joined) =
            tokio::time::timeout(timeout, opened)
                .await
                .map_err(|_| ConnectError::Timeout {
                    step: "the RawSocket handshake and joining the realm",
                    after: timeout,
                })??;
        Ok(Client::start(reader, writer, joined, &config))
    }

    /// Starts the reader and writer tasks of a joined session.
    fn start(
        reader: Box<dyn MessageReader>,
        writer: Box<dyn MessageWriter>,
        joined: Joined,
        config: &ClientConfig,
    ) -> Client {
        let (tx, rx) = mpsc::unbounded_channel();
        let (closed, _) = watch::channel(None);
        let mut state = ClientState::new();
        state.welcomed(joined.session);
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            outgoing: tx,
            wire: config.wire.clone(),
            send_limit: joined.send_limit,
            closed,
        });
        tokio::spawn(write_loop(shared.clone(), rx, writer));
        let reader = tokio::spawn(read_loop(shared.clone(), reader)).abort_handle();
        Client {
            inner: Arc::new(ClientInner {
                shared,
                reader,
                session: joined.session,
                welcome: joined.welcome,
                timeout: config.timeout,
            }),
        }
    }

    /// The session id from WELCOME.
    pub fn session_id(&self) -> u64 {
        self.inner.session
    }

    /// WELCOME's Details: the router's roles, `authid`, `authrole`, `authmethod` ….
    pub fn welcome_details(&self) -> &WelcomeDetails {
        &self.inner.welcome
    }

    /// Whether requests can be sent (joined, not leaving, connection up).
    pub fn is_joined(&self) -> bool {
        self.inner.shared.state().is_joined()
    }

    /// The serializer's name (`json`, `msgpack`, `cbor`, `ubjson`, `flatbuffers`).
    pub fn serializer_name(&self) -> &'static str {
        self.inner.shared.wire.name()
    }

    /// The longest message the router accepts from this client (from the
    /// RawSocket handshake; `usize::MAX` on WebSocket, which negotiates none).
    pub fn send_limit(&self) -> usize {
        self.inner.shared.send_limit
    }

    /// Waits until the session ends and returns why (GOODBYE, ABORT, a lost
    /// connection, or [`Client::leave`]).
    pub async fn closed(&self) -> CallError {
        let mut closed = self.inner.shared.closed.subscribe();
        let error = match closed.wait_for(Option::is_some).await {
            Ok(slot) => slot.clone(),
            Err(_) => None,
        };
        error.unwrap_or_else(|| self.inner.shared.closed_error())
    }

    /// Leaves the realm: sends GOODBYE (`wamp.close.normal`), waits for the
    /// router's echo, and closes the connection. Waiting requests fail with
    /// `wamp.error.canceled`; registrations and subscriptions end.
    ///
    /// # Errors
    ///
    /// The session's close error if it is closed already, or
    /// `wamp.error.canceled` if the router did not echo GOODBYE within the
    /// timeout (the connection is closed anyway).
    pub async fn leave(&self) -> Result<(), CallError> {
        let shared = &self.inner.shared;
        shared.state().start_leaving()?;
        let mut goodbye = Goodbye {
            reason: "wamp.close.normal".to_owned(),
            ..Goodbye::default()
        };
        goodbye.details.set_message("the client is leaving");
        if let Err(error) = shared.send(&Message::Goodbye(goodbye)) {
            shared.close(error.clone());
            return Err(error);
        }
        let echoed = tokio::time::timeout(self.inner.timeout, self.closed()).await;
        shared.close(CallError::with_message(
            CallError::CANCELED,
            "the session left the router",
        ));
        match echoed {
            Ok(_) => Ok(()),
            Err(_) => Err(CallError::with_message(
                CallError::CANCELED,
                format!(
                    "the router did not answer GOODBYE within {:?}; the connection was closed",
                    self.inner.timeout
                ),
            )),
        }
    }

    /// Starts a request: allocates its id, builds, checks and sends the
    /// message; returns what waits for the reply (see [`reply`]).
    fn request<T>(
        &self,
        pending: impl FnOnce(oneshot::Sender<Result<T, CallError>>) -> Pending,
        build: impl FnOnce(u64) -> Message,
    ) -> Result<Waiting<T>, CallError> {
        let shared = &self.inner.shared;
        let (tx, rx) = oneshot::channel();
        let request = shared.state().start_request(Some(pending(tx)))?;
        let guard = ForgetOnDrop {
            shared: shared.clone(),
            request,
            armed: true,
        };
        let message = build(request);
        message
            .validate()
            .map_err(|e| CallError::invalid_argument(e.to_string()))
            .and_then(|()| shared.send(&message))?;
        Ok(Waiting { rx, guard })
    }
}

/// A sent request waiting for its reply.
struct Waiting<T> {
    rx: oneshot::Receiver<Result<T, CallError>>,
    guard: ForgetOnDrop,
}

/// Waits for the reply of a sent request (or for the session's end).
async fn reply<T>(sent: Result<Waiting<T>, CallError>) -> Result<T, CallError> {
    let Waiting { rx, mut guard } = sent?;
    let reply = rx.await;
    guard.armed = false;
    // `None`: the session was closed and dropped the request unanswered.
    reply.unwrap_or_else(|| Err(guard.shared.closed_error()))
}

impl Session for Client {
    fn call(
        &self,
        procedure: &str,
        options: CallOptions,
        payload: Payload,
    ) -> impl Future<Output = Result<CallResult, CallError>> + Send {
        let sent = self.request(Pending::Call, |request| {
            Message::Call(Call {
                request,
                options,
                procedure: procedure.to_owned(),
                payload,
            })
        });
        reply(sent)
    }

    fn register(
        &self,
        procedure: &str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> impl Future<Output = Result<Registration, CallError>> + Send {
        let sent = self.request(
            |tx| Pending::Register(tx, handler),
            |request| {
                Message::Register(Register {
                    request,
                    options,
                    procedure: procedure.to_owned(),
                })
            },
        );
        reply(sent)
    }

    fn unregister(
        &self,
        registration: Registration,
    ) -> impl Future<Output = Result<(), CallError>> + Send {
        let sent = self.request(
            |tx| Pending::Unregister(tx, registration.id),
            |request| {
                Message::Unregister(Unregister {
                    request,
                    registration: registration.id,
                    options: None,
                })
            },
        );
        reply(sent)
    }

    fn publish(
        &self,
        topic: &str,
        options: PublishOptions,
        payload: Payload,
    ) -> impl Future<Output = Result<Option<u64>, CallError>> + Send {
        let acknowledge = options.acknowledge() == Some(true);
        let build = move |request| {
            Message::Publish(Publish {
                request,
                options,
                topic: topic.to_owned(),
                payload,
            })
        };
        let sent = if acknowledge {
            Ok(Some(self.request(Pending::Publish, build)))
        } else {
            let shared = &self.inner.shared;
            shared.state().start_request(None).and_then(|request| {
                let message = build(request);
                message
                    .validate()
                    .map_err(|e| CallError::invalid_argument(e.to_string()))
                    .and_then(|()| shared.send(&message))
                    .map(|()| None)
            })
        };
        async move {
            match sent? {
                Some(acknowledged) => reply(acknowledged).await,
                None => Ok(None),
            }
        }
    }

    fn subscribe(
        &self,
        topic: &str,
        options: SubscribeOptions,
        handler: EventHandler,
    ) -> impl Future<Output = Result<Subscription, CallError>> + Send {
        let sent = self.request(
            |tx| Pending::Subscribe(tx, handler),
            |request| {
                Message::Subscribe(Subscribe {
                    request,
                    options,
                    topic: topic.to_owned(),
                })
            },
        );
        reply(sent)
    }

    fn unsubscribe(
        &self,
        subscription: Subscription,
    ) -> impl Future<Output = Result<(), CallError>> + Send {
        let sent = self.request(
            |tx| Pending::Unsubscribe(tx, subscription.id),
            |request| {
                Message::Unsubscribe(Unsubscribe {
                    request,
                    subscription: subscription.id,
                    options: None,
                })
            },
        );
        reply(sent)
    }
}
