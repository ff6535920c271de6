//! The client's WebSocket transport against a scripted tungstenite server
//! on an in-memory pipe: subprotocol negotiation, text frames for JSON,
//! binary for CBOR, the receive limit, and URL errors.
#![cfg(feature = "websocket")]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::DuplexStream;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::WebSocketStream;
use wamp_idl_client::{Client, ClientConfig, ConnectError};
use wamp_idl_runtime::message::{CallResult, Message, Welcome};
use wamp_idl_runtime::session::Session;
use wamp_idl_runtime::{Codec, Payload, Serializer, Value};

/// Accepts the WebSocket handshake, answering with `subprotocol` (if any).
// The callback's `Result<Response, ErrorResponse>` is tungstenite's signature.
#[allow(clippy::result_large_err)]
async fn accept(
    stream: DuplexStream,
    subprotocol: Option<&'static str>,
) -> WebSocketStream<DuplexStream> {
    let callback =
        move |request: &Request, mut response: Response| -> Result<Response, ErrorResponse> {
            let asked = request
                .headers()
                .get("Sec-WebSocket-Protocol")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            assert!(asked.starts_with("wamp.2."), "asked for {asked}");
            if let Some(chosen) = subprotocol {
                response
                    .headers_mut()
                    .insert("Sec-WebSocket-Protocol", chosen.parse().unwrap());
            }
            Ok(response)
        };
    tokio_tungstenite::accept_hdr_async(stream, callback)
        .await
        .expect("a WebSocket handshake")
}

/// Reads one WAMP message, checking it came as text (JSON) or binary.
async fn receive(socket: &mut WebSocketStream<DuplexStream>, codec: &Codec, text: bool) -> Message {
    match socket.next().await.expect("a message").expect("no error") {
        WsMessage::Text(t) if text => codec.decode(t.as_str().as_bytes().to_vec()).unwrap(),
        WsMessage::Binary(b) if !text => codec.decode(b.to_vec()).unwrap(),
        other => panic!("unexpected {other:?} (text expected: {text})"),
    }
}

fn encode(codec: &Codec, text: bool, message: &Message) -> WsMessage {
    let bytes = codec.encode(message).unwrap();
    if text {
        WsMessage::text(String::from_utf8(bytes).unwrap())
    } else {
        WsMessage::binary(bytes)
    }
}

fn config(serializer: Serializer) -> ClientConfig {
    ClientConfig::new("realm1")
        .serializer(serializer)
        .timeout(Duration::from_secs(5))
}

#[tokio::test]
async fn json_travels_as_text_and_cbor_as_binary() {
    for (serializer, subprotocol) in [
        (Serializer::Json, "wamp.2.json"),
        (Serializer::Cbor, "wamp.2.cbor"),
    ] {
        let (client_end, router_end) = tokio::io::duplex(1 << 16);
        let codec = Codec::new(serializer);
        let serve = async {
            let mut socket = accept(router_end, Some(subprotocol)).await;
            let text = serializer == Serializer::Json;
            assert!(matches!(
                receive(&mut socket, &codec, text).await,
                Message::Hello(_)
            ));
            let welcome = Message::Welcome(Welcome {
                session: 3,
                ..Welcome::default()
            });
            socket.send(encode(&codec, text, &welcome)).await.unwrap();
            let Message::Call(call) = receive(&mut socket, &codec, text).await else {
                panic!("expected CALL")
            };
            assert_eq!(call.request, 1);
            let result = Message::Result(CallResult {
                request: call.request,
                payload: Payload::from_args(vec![Value::Bytes(vec![0, 255])]),
                ..CallResult::default()
            });
            socket.send(encode(&codec, text, &result)).await.unwrap();
            socket
        };
        let client = async {
            let client = Client::connect_websocket_stream(
                "ws://router.invalid/ws",
                client_end,
                config(serializer),
            )
            .await
            .unwrap();
            assert_eq!(client.session_id(), 3);
            assert_eq!(client.send_limit(), usize::MAX);
            let result = client
                .call("com.example.bytes", Default::default(), Payload::default())
                .await
                .unwrap();
            assert_eq!(
                result.payload.args_list().unwrap(),
                Some(vec![Value::Bytes(vec![0, 255])])
            );
            client
        };
        let (_socket, _client) = tokio::join!(serve, client);
    }
}

#[tokio::test]
async fn a_router_that_does_not_accept_the_subprotocol_is_refused() {
    let (client_end, router_end) = tokio::io::duplex(1 << 16);
    let (result, _socket) = tokio::join!(
        Client::connect_websocket_stream(
            "ws://router.invalid/",
            client_end,
            config(Serializer::MsgPack)
        ),
        accept(router_end, None)
    );
    let error = result.unwrap_err();
    assert!(matches!(error, ConnectError::WebSocket(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("did not accept subprotocol `wamp.2.msgpack`"),
        "{error}"
    );
}

#[tokio::test]
async fn a_message_above_the_limit_fails_the_connection() {
    let (client_end, router_end) = tokio::io::duplex(1 << 16);
    let codec = Codec::new(Serializer::Cbor);
    let serve = async {
        let mut socket = accept(router_end, Some("wamp.2.cbor")).await;
        socket.next().await.unwrap().unwrap();
        let welcome = codec
            .encode(&Message::Welcome(Welcome {
                session: 3,
                ..Welcome::default()
            }))
            .unwrap();
        socket.send(WsMessage::binary(welcome)).await.unwrap();
        socket
    };
    let (client, mut socket) = tokio::join!(
        Client::connect_websocket_stream(
            "ws://router.invalid/",
            client_end,
            config(Serializer::Cbor).max_message_size(1024)
        ),
        serve
    );
    let client = client.unwrap();
    let call = client.call("com.example.big", Default::default(), Payload::default());
    socket.next().await.unwrap().unwrap();
    let _ = socket.send(WsMessage::binary(vec![0u8; 4096])).await;
    let error = call.await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("WebSocket message above the client's limit"),
        "{error}"
    );
}

#[tokio::test]
async fn urls_are_checked() {
    let error = Client::connect_websocket("wss://127.0.0.1:1/ws", config(Serializer::Json))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("wss:// needs TLS"), "{error}");
    let error = Client::connect_websocket("http://127.0.0.1:1/ws", config(Serializer::Json))
        .await
        .unwrap_err();
    assert!(matches!(error, ConnectError::WebSocket(_)), "{error:?}");
    let error = Client::connect_websocket("ws://127.0.0.1:1/ws", config(Serializer::Json))
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("could not connect to 127.0.0.1:1:"),
        "{error}"
    );
}
