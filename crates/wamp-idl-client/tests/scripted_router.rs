//! The client against a scripted router on an in-memory pipe: handshake
//! replies (accepted, refused, reset, garbage), the join (WELCOME, ABORT,
//! ticket CHALLENGE), dispatch of INVOCATION and EVENT, PING/PONG, limits,
//! GOODBYE both ways, and connection loss. No network router needed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use wamp_idl_client::rawsocket::{encode_frame, read_frame, FrameKind, RawSocketError};
use wamp_idl_client::{Client, ClientConfig, ConnectError, PAYLOAD_SIZE_EXCEEDED};
use wamp_idl_runtime::message::keys::PublishOptions;
use wamp_idl_runtime::message::{
    Abort, CallResult, Challenge, ErrorMessage, Event, Goodbye, Invocation, Message, Published,
    Registered, Subscribed, Welcome,
};
use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::session::{CallError, EventHandler, InvocationHandler, Session};
use wamp_idl_runtime::{Codec, Payload, Serializer, Value};

/// The router's end of the pipe.
struct Router {
    stream: DuplexStream,
    codec: RouterCodec,
}

enum RouterCodec {
    Array(Codec),
    FlatBuffers(FlatBuffersCodec),
}

impl Router {
    async fn recv_frame(&mut self) -> (FrameKind, Vec<u8>) {
        read_frame(&mut self.stream, 1 << 24)
            .await
            .expect("a frame from the client")
    }

    async fn recv(&mut self) -> Message {
        let (kind, bytes) = self.recv_frame().await;
        assert_eq!(kind, FrameKind::Message);
        match &self.codec {
            RouterCodec::Array(codec) => codec.decode(bytes).expect("a valid message"),
            RouterCodec::FlatBuffers(codec) => codec.decode(bytes).expect("a valid message"),
        }
    }

    async fn send(&mut self, message: Message) {
        let bytes = match &self.codec {
            RouterCodec::Array(codec) => codec.encode(&message).unwrap(),
            RouterCodec::FlatBuffers(codec) => codec.encode(&message).unwrap(),
        };
        self.send_raw(&encode_frame(FrameKind::Message, &bytes).unwrap())
            .await;
    }

    async fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
    }

    /// Reads the client's handshake and answers `reply`.
    async fn handshake(&mut self, reply: [u8; 4]) -> [u8; 4] {
        let mut handshake = [0u8; 4];
        self.stream.read_exact(&mut handshake).await.unwrap();
        self.send_raw(&reply).await;
        handshake
    }

    /// Handshake, HELLO, WELCOME with session 7; returns the HELLO.
    async fn accept(&mut self) -> Message {
        let mut handshake = [0u8; 4];
        self.stream.read_exact(&mut handshake).await.unwrap();
        self.send_raw(&[0x7f, 0xf0 | (handshake[1] & 0x0f), 0, 0])
            .await;
        let hello = self.recv().await;
        self.send(welcome()).await;
        hello
    }
}

fn welcome() -> Message {
    Message::Welcome(Welcome {
        session: 7,
        ..Welcome::default()
    })
}

fn pipe(serializer: Serializer) -> (DuplexStream, Router) {
    let (client, router) = tokio::io::duplex(1 << 16);
    let codec = RouterCodec::Array(Codec::new(serializer));
    (
        client,
        Router {
            stream: router,
            codec,
        },
    )
}

fn config(serializer: Serializer) -> ClientConfig {
    ClientConfig::new("realm1")
        .serializer(serializer)
        .timeout(Duration::from_secs(5))
}

async fn joined(serializer: Serializer) -> (Client, Router) {
    let (stream, mut router) = pipe(serializer);
    let (client, _) = tokio::join!(
        Client::connect_stream(stream, config(serializer)),
        router.accept()
    );
    (client.expect("joined"), router)
}

#[tokio::test]
async fn hello_announces_roles_and_the_call_uses_request_id_1() {
    let (stream, mut router) = pipe(Serializer::Json);
    let serve = async {
        let handshake = router.handshake([0x7f, 0xf1, 0, 0]).await;
        assert_eq!(handshake, [0x7f, 0xf1, 0, 0]);
        let Message::Hello(hello) = router.recv().await else {
            panic!("expected HELLO")
        };
        assert_eq!(hello.realm, "realm1");
        let roles = hello.details.roles().expect("roles");
        let names: Vec<&str> = roles.keys().collect();
        assert_eq!(names, ["caller", "callee", "publisher", "subscriber"]);
        let publisher = roles.get("publisher").and_then(Value::as_dict).unwrap();
        let features = publisher.get("features").and_then(Value::as_dict).unwrap();
        assert_eq!(
            features.get("publisher_exclusion").and_then(Value::as_bool),
            Some(true)
        );
        assert!(hello
            .details
            .agent()
            .unwrap()
            .starts_with("wamp-idl-client/"));
        router.send(welcome()).await;
        let Message::Call(call) = router.recv().await else {
            panic!("expected CALL")
        };
        assert_eq!(
            (call.request, call.procedure.as_str()),
            (1, "com.example.add")
        );
        router
            .send(Message::Result(CallResult {
                request: 1,
                payload: Payload::from_args(vec![Value::from(5u64)]),
                ..CallResult::default()
            }))
            .await;
        router
    };
    let client = async {
        let client = Client::connect_stream(stream, config(Serializer::Json))
            .await
            .unwrap();
        assert_eq!(client.session_id(), 7);
        assert_eq!(client.send_limit(), 1 << 24);
        let args = Payload::from_args(vec![Value::from(2u64), Value::from(3u64)]);
        let result = client
            .call("com.example.add", Default::default(), args)
            .await
            .unwrap();
        assert_eq!(
            result.payload.args_list().unwrap(),
            Some(vec![Value::from(5u64)])
        );
        client
    };
    let (_router, _client) = tokio::join!(serve, client);
}

#[tokio::test]
async fn flatbuffers_is_serializer_5() {
    let (stream, router) = tokio::io::duplex(1 << 16);
    let codec = FlatBuffersCodec::new();
    let mut router = Router {
        stream: router,
        codec: RouterCodec::FlatBuffers(codec.clone()),
    };
    let config = ClientConfig::new("realm1").flatbuffers(codec);
    let serve = async {
        let handshake = router.handshake([0x7f, 0xf5, 0, 0]).await;
        assert_eq!(handshake[1] & 0x0f, 5);
        assert!(matches!(router.recv().await, Message::Hello(_)));
        router.send(welcome()).await;
        let Message::Call(call) = router.recv().await else {
            panic!("expected CALL")
        };
        router
            .send(Message::Result(CallResult {
                request: call.request,
                payload: Payload::from_args(vec![Value::from("ok")]),
                ..CallResult::default()
            }))
            .await;
        router
    };
    let client = async {
        let client = Client::connect_stream(stream, config).await.unwrap();
        assert_eq!(client.serializer_name(), "flatbuffers");
        let result = client
            .call("com.example.ping", Default::default(), Payload::default())
            .await
            .unwrap();
        assert_eq!(
            result.payload.args_list().unwrap(),
            Some(vec![Value::from("ok")])
        );
        client
    };
    let (_router, _client) = tokio::join!(serve, client);
}

#[tokio::test]
async fn a_handshake_error_reply_is_a_clear_refusal() {
    let (stream, mut router) = pipe(Serializer::Cbor);
    let (result, _) = tokio::join!(
        Client::connect_stream(stream, config(Serializer::Cbor)),
        router.handshake([0x7f, 0x10, 0, 0])
    );
    let error = result.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the router refused the RawSocket handshake: serializer unsupported (error 1)"
    );
    let (stream, mut router) = pipe(Serializer::Cbor);
    let (result, _) = tokio::join!(
        Client::connect_stream(stream, config(Serializer::Cbor)),
        router.handshake([0x7f, 0x40, 0, 0])
    );
    assert!(result
        .unwrap_err()
        .to_string()
        .ends_with("connection limit reached (error 4)"));
}

#[tokio::test]
async fn a_reset_during_the_handshake_is_a_refusal() {
    let (stream, mut router) = pipe(Serializer::MsgPack);
    let serve = async move {
        let mut handshake = [0u8; 4];
        router.stream.read_exact(&mut handshake).await.unwrap();
        drop(router);
    };
    let (result, ()) = tokio::join!(
        Client::connect_stream(stream, config(Serializer::MsgPack)),
        serve
    );
    let error = result.unwrap_err();
    assert!(
        matches!(
            error,
            ConnectError::RawSocket(RawSocketError::RefusedByReset { serializer: 2, .. })
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("it most likely does not support serializer msgpack (id 2)"),
        "{error}"
    );
}

#[tokio::test]
async fn a_server_that_is_not_rawsocket_is_named() {
    let (stream, mut router) = pipe(Serializer::Json);
    let (result, _) = tokio::join!(
        Client::connect_stream(stream, config(Serializer::Json)),
        router.handshake(*b"HTTP")
    );
    assert!(result
        .unwrap_err()
        .to_string()
        .contains("starts with 0x48, not 0x7f: the port does not speak RawSocket"));
}

#[tokio::test]
async fn abort_refuses_the_session_with_reason_and_message() {
    let (stream, mut router) = pipe(Serializer::Json);
    let serve = async {
        router.handshake([0x7f, 0xf1, 0, 0]).await;
        router.recv().await;
        let mut abort = Abort {
            reason: "wamp.error.no_such_realm".into(),
            ..Abort::default()
        };
        abort.details.set_message("no realm `realm1`");
        router.send(Message::Abort(abort)).await;
    };
    let (result, ()) = tokio::join!(
        Client::connect_stream(stream, config(Serializer::Json)),
        serve
    );
    let error = result.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the router refused the session: wamp.error.no_such_realm: no realm `realm1`"
    );
}

#[tokio::test]
async fn ticket_authentication_answers_the_challenge() {
    let (stream, mut router) = pipe(Serializer::Cbor);
    let serve = async {
        router.handshake([0x7f, 0xf3, 0, 0]).await;
        let Message::Hello(hello) = router.recv().await else {
            panic!("expected HELLO")
        };
        assert_eq!(hello.details.authmethods(), Some(vec!["ticket"]));
        assert_eq!(hello.details.authid(), Some("joe"));
        router
            .send(Message::Challenge(Challenge {
                auth_method: "ticket".into(),
                ..Challenge::default()
            }))
            .await;
        let Message::Authenticate(authenticate) = router.recv().await else {
            panic!("expected AUTHENTICATE")
        };
        assert_eq!(authenticate.signature, "secret!!!");
        router.send(welcome()).await;
    };
    let (result, ()) = tokio::join!(
        Client::connect_stream(stream, config(Serializer::Cbor).ticket("joe", "secret!!!")),
        serve
    );
    assert_eq!(result.unwrap().session_id(), 7);
}

#[tokio::test]
async fn an_unsupported_challenge_is_answered_with_abort() {
    let (stream, mut router) = pipe(Serializer::Json);
    let serve = async {
        router.handshake([0x7f, 0xf1, 0, 0]).await;
        router.recv().await;
        router
            .send(Message::Challenge(Challenge {
                auth_method: "wampcra".into(),
                ..Challenge::default()
            }))
            .await;
        let Message::Abort(abort) = router.recv().await else {
            panic!("expected ABORT")
        };
        assert_eq!(abort.reason, "wamp.error.authentication_failed");
    };
    let (result, ()) = tokio::join!(
        Client::connect_stream(stream, config(Serializer::Json)),
        serve
    );
    let error = result.unwrap_err();
    assert!(matches!(error, ConnectError::Authentication(_)));
    assert!(error.to_string().contains("`wampcra`"), "{error}");
}

#[tokio::test]
async fn ping_is_answered_with_pong() {
    let (_client, mut router) = joined(Serializer::Json).await;
    router
        .send_raw(&encode_frame(FrameKind::Ping, b"are you there?").unwrap())
        .await;
    let (kind, payload) = router.recv_frame().await;
    assert_eq!(
        (kind, payload.as_slice()),
        (FrameKind::Pong, &b"are you there?"[..])
    );
}

#[tokio::test]
async fn connection_loss_fails_waiting_calls() {
    let (client, mut router) = joined(Serializer::MsgPack).await;
    let call = client.call("com.example.slow", Default::default(), Payload::default());
    assert!(matches!(router.recv().await, Message::Call(_)));
    drop(router);
    let error = call.await.unwrap_err();
    assert_eq!(error.uri(), CallError::CANCELED);
    assert!(
        error
            .to_string()
            .contains("the connection to the router was lost"),
        "{error}"
    );
    let closed = client.closed().await;
    assert_eq!(closed, error);
    // Later requests fail the same way, without waiting.
    let later = client
        .call("com.example.slow", Default::default(), Payload::default())
        .await
        .unwrap_err();
    assert_eq!(later, error);
    assert!(!client.is_joined());
}

#[tokio::test]
async fn a_frame_above_the_client_limit_fails_the_connection() {
    let (stream, mut router) = pipe(Serializer::Json);
    let (client, _) = tokio::join!(
        Client::connect_stream(stream, config(Serializer::Json).max_message_size(4096)),
        router.accept()
    );
    let client = client.unwrap();
    let call = client.call("com.example.big", Default::default(), Payload::default());
    assert!(matches!(router.recv().await, Message::Call(_)));
    // A 2^24 X-bit frame header: refused before any payload is read.
    router.send_raw(&[0x08, 0, 0, 0]).await;
    let error = call.await.unwrap_err();
    assert!(
        error.to_string().contains(
            "RawSocket frame of 16777216 octets exceeds the negotiated limit of 4096 octets"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn reserved_frame_bits_fail_the_connection() {
    let (client, mut router) = joined(Serializer::Json).await;
    router.send_raw(&[0x40, 0, 0, 1, b'x']).await;
    let error = client.closed().await;
    assert!(error.to_string().contains("reserved bits"), "{error}");
}

#[tokio::test]
async fn a_message_above_the_router_limit_is_not_sent() {
    let (stream, mut router) = pipe(Serializer::Json);
    let serve = async {
        // The router accepts 512 octets.
        router.handshake([0x7f, 0x01, 0, 0]).await;
        router.recv().await;
        router.send(welcome()).await;
    };
    let (client, ()) = tokio::join!(
        Client::connect_stream(stream, config(Serializer::Json)),
        serve
    );
    let client = client.unwrap();
    assert_eq!(client.send_limit(), 512);
    let big = Payload::from_args(vec![Value::from("x".repeat(600))]);
    let error = client
        .call("com.example.big", Default::default(), big)
        .await
        .unwrap_err();
    assert_eq!(error.uri(), PAYLOAD_SIZE_EXCEEDED);
    assert!(error
        .to_string()
        .contains("above the router's limit of 512 octets"));
    assert!(client.is_joined(), "the session goes on");
}

#[tokio::test]
async fn invocations_are_answered_with_yield_or_error() {
    let (client, mut router) = joined(Serializer::Cbor).await;
    let handler: InvocationHandler = Arc::new(|invocation: Invocation| {
        Box::pin(async move {
            let args = invocation.payload.args_list().unwrap().unwrap_or_default();
            match args.first().and_then(Value::as_str) {
                Some("fail") => Err(CallError::with_message(
                    "com.example.error.failed",
                    "asked to fail",
                )),
                Some("panic") => panic!("asked to panic"),
                _ => Ok(Payload::from_args(args)),
            }
        })
    });
    let register = client.register("com.example.echo", Default::default(), handler);
    let Message::Register(register_message) = router.recv().await else {
        panic!("expected REGISTER")
    };
    router
        .send(Message::Registered(Registered {
            request: register_message.request,
            registration: 99,
        }))
        .await;
    assert_eq!(register.await.unwrap().id, 99);

    let invoke = |request: u64, arg: &str| {
        Message::Invocation(Invocation {
            request,
            registration: 99,
            payload: Payload::from_args(vec![Value::from(arg)]),
            ..Invocation::default()
        })
    };
    router.send(invoke(1, "hello")).await;
    let Message::Yield(reply) = router.recv().await else {
        panic!("expected YIELD")
    };
    assert_eq!(reply.request, 1);
    assert_eq!(
        reply.payload.args_list().unwrap(),
        Some(vec![Value::from("hello")])
    );

    router.send(invoke(2, "fail")).await;
    let Message::Error(error) = router.recv().await else {
        panic!("expected ERROR")
    };
    assert_eq!((error.request_type, error.request), (68, 2));
    assert_eq!(error.error, "com.example.error.failed");
    assert_eq!(
        error.payload.args_list().unwrap(),
        Some(vec![Value::from("asked to fail")])
    );

    router.send(invoke(3, "panic")).await;
    let Message::Error(error) = router.recv().await else {
        panic!("expected ERROR")
    };
    assert_eq!(
        (error.request, error.error.as_str()),
        (3, CallError::RUNTIME_ERROR)
    );

    // An INVOCATION for a registration this session does not have.
    router
        .send(Message::Invocation(Invocation {
            request: 4,
            registration: 1234,
            ..Invocation::default()
        }))
        .await;
    let Message::Error(error) = router.recv().await else {
        panic!("expected ERROR")
    };
    assert_eq!(error.error, "wamp.error.no_such_registration");
    drop(client);
}

#[tokio::test]
async fn events_reach_the_subscriber_and_acknowledged_publishes_return_the_id() {
    let (client, mut router) = joined(Serializer::Ubjson(Default::default())).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let handler: EventHandler = Arc::new(move |event: Event| {
        sink.lock()
            .unwrap()
            .push(event.payload.args_list().unwrap());
    });
    let subscribe = client.subscribe("com.example.topic", Default::default(), handler);
    let Message::Subscribe(subscribe_message) = router.recv().await else {
        panic!("expected SUBSCRIBE")
    };
    router
        .send(Message::Subscribed(Subscribed {
            request: subscribe_message.request,
            subscription: 5,
        }))
        .await;
    assert_eq!(subscribe.await.unwrap().id, 5);

    let mut options = PublishOptions::new();
    options.set_acknowledge(true);
    let publish = client.publish(
        "com.example.topic",
        options,
        Payload::from_args(vec![Value::from(1u64)]),
    );
    let Message::Publish(publish_message) = router.recv().await else {
        panic!("expected PUBLISH")
    };
    router
        .send(Message::Event(Event {
            subscription: 5,
            publication: 77,
            payload: publish_message.payload.clone(),
            ..Event::default()
        }))
        .await;
    router
        .send(Message::Published(Published {
            request: publish_message.request,
            publication: 77,
        }))
        .await;
    assert_eq!(publish.await.unwrap(), Some(77));
    assert_eq!(*seen.lock().unwrap(), [Some(vec![Value::from(1u64)])]);

    // Without acknowledge, publish returns once sent.
    let sent = client
        .publish("com.example.topic", Default::default(), Payload::default())
        .await;
    assert_eq!(sent, Ok(None));
    assert!(matches!(router.recv().await, Message::Publish(_)));
}

#[tokio::test]
async fn errors_reach_the_caller_with_uri_and_payload() {
    let (client, mut router) = joined(Serializer::Json).await;
    let call = client.call(
        "com.example.nothing",
        Default::default(),
        Payload::default(),
    );
    let Message::Call(call_message) = router.recv().await else {
        panic!("expected CALL")
    };
    router
        .send(Message::Error(ErrorMessage {
            request_type: 48,
            request: call_message.request,
            error: CallError::NO_SUCH_PROCEDURE.into(),
            payload: Payload::from_args(vec![Value::from("no callee")]),
            ..ErrorMessage::default()
        }))
        .await;
    let error = call.await.unwrap_err();
    assert_eq!(error.to_string(), "wamp.error.no_such_procedure: no callee");
}

#[tokio::test]
async fn leave_says_goodbye_and_a_router_goodbye_is_echoed() {
    let (client, mut router) = joined(Serializer::Json).await;
    let serve = async {
        let Message::Goodbye(goodbye) = router.recv().await else {
            panic!("expected GOODBYE")
        };
        assert_eq!(goodbye.reason, "wamp.close.normal");
        router
            .send(Message::Goodbye(Goodbye {
                reason: "wamp.close.goodbye_and_out".into(),
                ..Goodbye::default()
            }))
            .await;
    };
    let (left, ()) = tokio::join!(client.leave(), serve);
    left.unwrap();
    assert!(!client.is_joined());
    assert!(client.leave().await.is_err(), "leaving twice fails");

    let (client, mut router) = joined(Serializer::Json).await;
    router
        .send(Message::Goodbye(Goodbye {
            reason: "wamp.close.system_shutdown".into(),
            ..Goodbye::default()
        }))
        .await;
    let Message::Goodbye(echo) = router.recv().await else {
        panic!("expected the GOODBYE echo")
    };
    assert_eq!(echo.reason, "wamp.close.goodbye_and_out");
    let closed = client.closed().await;
    assert!(
        closed.to_string().contains("wamp.close.system_shutdown"),
        "{closed}"
    );
}

#[tokio::test]
async fn an_undecodable_message_aborts_the_session() {
    let (client, mut router) = joined(Serializer::Json).await;
    router
        .send_raw(&encode_frame(FrameKind::Message, b"[36, \"not an id\"").unwrap())
        .await;
    let Message::Abort(abort) = router.recv().await else {
        panic!("expected ABORT")
    };
    assert_eq!(abort.reason, "wamp.error.protocol_violation");
    let error = client.closed().await;
    assert_eq!(error.uri(), "wamp.error.protocol_violation");
    assert!(
        error
            .to_string()
            .contains("could not decode a json message"),
        "{error}"
    );
    // The client closes the connection after the ABORT.
    let mut rest = Vec::new();
    router.stream.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty());
}

#[tokio::test]
async fn a_yield_above_the_router_limit_becomes_an_error() {
    let (stream, mut router) = pipe(Serializer::Json);
    let serve = async {
        router.handshake([0x7f, 0x01, 0, 0]).await;
        router.recv().await;
        router.send(welcome()).await;
    };
    let (client, ()) = tokio::join!(
        Client::connect_stream(stream, config(Serializer::Json)),
        serve
    );
    let client = client.unwrap();
    let big: InvocationHandler = Arc::new(|_| {
        Box::pin(async { Ok(Payload::from_args(vec![Value::from("x".repeat(600))])) })
    });
    let register = client.register("com.example.big", Default::default(), big);
    let Message::Register(register_message) = router.recv().await else {
        panic!("expected REGISTER")
    };
    router
        .send(Message::Registered(Registered {
            request: register_message.request,
            registration: 1,
        }))
        .await;
    register.await.unwrap();
    router
        .send(Message::Invocation(Invocation {
            request: 9,
            registration: 1,
            ..Invocation::default()
        }))
        .await;
    let Message::Error(error) = router.recv().await else {
        panic!("expected ERROR")
    };
    assert_eq!(
        (error.request, error.error.as_str()),
        (9, CallError::RUNTIME_ERROR)
    );
    let message = error.payload.args_list().unwrap().unwrap();
    assert!(
        message[0]
            .as_str()
            .unwrap()
            .contains("above the router's limit of 512 octets"),
        "{message:?}"
    );
}
