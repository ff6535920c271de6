//! The WebSocket transport (feature `websocket`): one WAMP message per
//! WebSocket message, text for JSON and binary otherwise, the serializer
//! negotiated as subprotocol `wamp.2.<serializer>`.

use std::io;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message as WsMessage};
use tokio_tungstenite::WebSocketStream;
use wamp_idl_runtime::session::BoxFuture;

use crate::client::ConnectError;
use crate::transport::{Incoming, MessageReader, MessageWriter, ReadError};

/// The receiving half of a WebSocket.
pub(crate) struct WebSocketReader<S> {
    stream: SplitStream<WebSocketStream<S>>,
}

/// The sending half of a WebSocket.
pub(crate) struct WebSocketWriter<S> {
    sink: SplitSink<WebSocketStream<S>, WsMessage>,
    text: bool,
}

fn read_error(error: WsError) -> ReadError {
    match error {
        WsError::ConnectionClosed | WsError::AlreadyClosed => ReadError::Closed,
        WsError::Capacity(e) => {
            ReadError::Failed(format!("WebSocket message above the client's limit: {e}"))
        }
        other => ReadError::Failed(format!("WebSocket error: {other}")),
    }
}

fn write_error(error: WsError) -> io::Error {
    io::Error::other(format!("WebSocket error: {error}"))
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> MessageReader for WebSocketReader<S> {
    fn next(&mut self) -> BoxFuture<'_, Result<Incoming, ReadError>> {
        Box::pin(async move {
            match self.stream.next().await {
                None => Err(ReadError::Closed),
                Some(Err(e)) => Err(read_error(e)),
                Some(Ok(WsMessage::Text(text))) => {
                    Ok(Incoming::Message(text.as_str().as_bytes().to_vec()))
                }
                Some(Ok(WsMessage::Binary(bytes))) => Ok(Incoming::Message(bytes.to_vec())),
                // tungstenite queues the PONG itself; the writer flushes it.
                Some(Ok(WsMessage::Ping(payload))) => Ok(Incoming::Ping(payload.to_vec())),
                Some(Ok(WsMessage::Close(_))) => Err(ReadError::Closed),
                Some(Ok(WsMessage::Pong(_) | WsMessage::Frame(_))) => Ok(Incoming::Nothing),
            }
        })
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> MessageWriter for WebSocketWriter<S> {
    fn send<'a>(&'a mut self, message: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(async move {
            let message = if self.text {
                let text = std::str::from_utf8(message).map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("a JSON message is not UTF-8: {e}"),
                    )
                })?;
                WsMessage::text(text)
            } else {
                WsMessage::binary(message.to_vec())
            };
            self.sink.feed(message).await.map_err(write_error)
        })
    }

    fn pong<'a>(&'a mut self, _payload: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        // The PONG is queued already (see the reader); flushing sends it.
        Box::pin(async move { self.sink.flush().await.map_err(write_error) })
    }

    fn flush(&mut self) -> BoxFuture<'_, io::Result<()>> {
        Box::pin(async move { self.sink.flush().await.map_err(write_error) })
    }

    fn close(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = self.sink.close().await;
        })
    }
}

/// The WebSocket opening handshake over `stream`, asking for `subprotocol`.
pub(crate) async fn open<S>(
    url: &str,
    stream: S,
    subprotocol: &str,
    text: bool,
    max_message_size: usize,
) -> Result<(WebSocketReader<S>, WebSocketWriter<S>), ConnectError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut request = url
        .into_client_request()
        .map_err(|e| ConnectError::WebSocket(format!("invalid WebSocket URL `{url}`: {e}")))?;
    let protocol = HeaderValue::from_str(subprotocol).map_err(|e| {
        ConnectError::WebSocket(format!("invalid subprotocol `{subprotocol}`: {e}"))
    })?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", protocol);
    let config = WebSocketConfig::default()
        .max_message_size(Some(max_message_size))
        .max_frame_size(Some(max_message_size));
    let (socket, response) =
        tokio_tungstenite::client_async_with_config(request, stream, Some(config))
            .await
            .map_err(|e| match e {
                // tungstenite checks the answered subprotocol itself.
                WsError::Protocol(ProtocolError::SecWebSocketSubProtocolError(why)) => {
                    ConnectError::WebSocket(format!(
                        "the router at {url} did not accept subprotocol `{subprotocol}`: {why}"
                    ))
                }
                other => ConnectError::WebSocket(format!(
                    "the WebSocket handshake with {url} failed: {other}"
                )),
            })?;
    let chosen = response
        .headers()
        .get("Sec-WebSocket-Protocol")
        .and_then(|v| v.to_str().ok());
    if chosen != Some(subprotocol) {
        return Err(ConnectError::WebSocket(format!(
            "the router at {url} did not accept subprotocol `{subprotocol}` (it chose {})",
            chosen.map_or("none".to_owned(), |c| format!("`{c}`"))
        )));
    }
    let (sink, stream) = socket.split();
    Ok((WebSocketReader { stream }, WebSocketWriter { sink, text }))
}

/// The `host:port` a `ws://` URL names (port 80 by default).
pub(crate) fn tcp_address(url: &str) -> Result<String, ConnectError> {
    let request = url
        .into_client_request()
        .map_err(|e| ConnectError::WebSocket(format!("invalid WebSocket URL `{url}`: {e}")))?;
    let uri = request.uri();
    match uri.scheme_str() {
        Some("ws") => {}
        Some("wss") => {
            return Err(ConnectError::WebSocket(format!(
                "`{url}`: wss:// needs TLS, which this client does not do itself; open a TLS \
                 stream and use Client::connect_websocket_stream"
            )))
        }
        other => {
            return Err(ConnectError::WebSocket(format!(
                "`{url}`: expected a ws:// URL, got scheme {other:?}"
            )))
        }
    }
    let host = uri
        .host()
        .ok_or_else(|| ConnectError::WebSocket(format!("`{url}` names no host")))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(80);
    Ok(if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    })
}
