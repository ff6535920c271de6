//! End to end: the typed API generated for `schemas/calc.fbs` and
//! `../schemas/wamp-meta.fbs`, over the in-process router, for every
//! serializer composition (JSON, MessagePack, CBOR, BJData, UBJSON draft 12,
//! and the FlatBuffers envelope with CBOR, JSON and MessagePack payloads).

use std::sync::{Arc, Mutex};

use futures::executor::block_on;
use wamp_idl_runtime::router::{Router, RouterSession};
use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::serializer::UbjsonDialect;
use wamp_idl_runtime::typed::{self, MethodKind, PayloadMode, WampPayload};
use wamp_idl_runtime::{CallError, Codec, Message, Payload, Serializer, Session, Value};

mod generated {
    wamp_idl_runtime::wamp_interface!("schemas/calc.fbs", include = ["../schemas"]);
}

use generated::calc::{
    i_calculator, ComputeRequest, ComputeResult, Greet, Greeting, ICalculator, ICalculatorClient,
    Op, Origin, Tick,
};

const COMPOSITIONS: [&str; 8] = [
    "json",
    "msgpack",
    "cbor",
    "bjdata",
    "ubjson-draft12",
    "flatbuffers+cbor",
    "flatbuffers+json",
    "flatbuffers+msgpack",
];

fn join(router: &Router, composition: &str) -> RouterSession {
    let session = match composition {
        "json" => router.join(Serializer::Json),
        "msgpack" => router.join(Serializer::MsgPack),
        "cbor" => router.join(Serializer::Cbor),
        "bjdata" => router.join(Serializer::Ubjson(UbjsonDialect::BjData)),
        "ubjson-draft12" => router.join(Serializer::Ubjson(UbjsonDialect::Draft12)),
        "flatbuffers+cbor" => router.join(FlatBuffersCodec::new()),
        "flatbuffers+json" => {
            router.join(FlatBuffersCodec::new().with_payload_serializer(Serializer::Json))
        }
        "flatbuffers+msgpack" => {
            router.join(FlatBuffersCodec::new().with_payload_serializer(Serializer::MsgPack))
        }
        other => panic!("unknown composition {other}"),
    };
    session.unwrap_or_else(|e| panic!("{composition}: join failed: {e}"))
}

struct Calculator;

impl ICalculator for Calculator {
    async fn compute(&self, request: ComputeRequest) -> Result<ComputeResult, CallError> {
        let (a, b) = (i64::from(request.a), i64::from(request.b));
        let (value, symbol) = match request.op {
            Op::ADD => (a + b, "+"),
            Op::SUB => (a - b, "-"),
            Op::MUL => (a * b, "*"),
            Op::DIV if b == 0 => {
                return Err(CallError::with_message(
                    "calc.error.division_by_zero",
                    format!("cannot divide {a} by zero"),
                ))
            }
            Op::DIV => (a / b, "/"),
            other => return Err(CallError::invalid_argument(format!("unknown op {other:?}"))),
        };
        let who = request
            .origin
            .as_ref()
            .and_then(|o| o.name.clone())
            .unwrap_or_default();
        Ok(ComputeResult {
            value,
            expression: Some(format!(
                "{a} {symbol} {b} (for {who}, p={})",
                request.precision
            )),
        })
    }

    async fn greet(&self, request: Greet) -> Result<Greeting, CallError> {
        let greeting = request.greeting.unwrap_or_else(|| "Hello".to_owned());
        Ok(Greeting {
            text: Some(format!("{greeting}, {}!", request.name)),
        })
    }
}

fn mul_request() -> ComputeRequest {
    ComputeRequest {
        a: 6,
        b: 7,
        op: Op::MUL,
        origin: Some(
            Origin {
                name: Some("ann".to_owned()),
                uri: Some("com.example.ann".to_owned()),
            }
            .into(),
        ),
        precision: 3,
    }
}

#[test]
fn payload_mapping_follows_args_then_kwargs() {
    let payload = mul_request().to_payload().unwrap();
    let args = payload.args_list().unwrap().unwrap();
    assert_eq!(
        args,
        vec![Value::from(6i64), Value::from(7i64), Value::from("Mul")]
    );
    let kwargs = payload.kwargs_dict().unwrap().unwrap();
    assert_eq!(kwargs.get("precision"), Some(&Value::from(3u64)));
    let origin = kwargs.get("origin").and_then(Value::as_dict).unwrap();
    assert_eq!(origin.get("uri"), Some(&Value::from("com.example.ann")));

    // Trailing absent optional args and empty kwargs are not sent.
    let greet = Greet {
        name: "bob".to_owned(),
        greeting: None,
    };
    let payload = greet.to_payload().unwrap();
    assert_eq!(payload.args_list().unwrap(), Some(vec![Value::from("bob")]));
    assert!(payload.kwargs().is_none());
    // A table without fields sends nothing at all.
    let payload = generated::wamp::Void::default().to_payload().unwrap();
    assert_eq!(payload, Payload::default());

    // Every format round-trips, including pre-encoded args/kwargs.
    for serializer in [
        Serializer::Json,
        Serializer::MsgPack,
        Serializer::Cbor,
        Serializer::Ubjson(UbjsonDialect::BjData),
    ] {
        let payload = mul_request().to_payload_in(Some(serializer)).unwrap();
        assert_eq!(
            ComputeRequest::from_payload(&payload).unwrap(),
            mul_request()
        );
    }
    assert_eq!(
        ComputeRequest::FIELDS,
        &[
            ("a", typed::FieldSlot::Arg(0)),
            ("b", typed::FieldSlot::Arg(1)),
            ("op", typed::FieldSlot::Arg(2)),
            ("origin", typed::FieldSlot::Kwarg),
            ("precision", typed::FieldSlot::Kwarg),
        ]
    );
}

#[test]
fn decoding_errors_name_the_wamp_field_path() {
    let bad = Payload::from_args(vec![Value::from(1i64), Value::from("x")]);
    let error = ComputeRequest::from_payload(&bad).unwrap_err().to_string();
    assert!(error.starts_with("args[1]: "), "{error}");
    assert!(error.contains("string"), "{error}");

    let error = Greet::from_payload(&Payload::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("missing required argument 0 (`name`) of `calc.Greet`"),
        "{error}"
    );

    let mut kwargs = wamp_idl_runtime::Dict::new();
    let mut origin = wamp_idl_runtime::Dict::new();
    origin.insert("uri", "not..a.uri");
    kwargs.insert("origin", Value::Dict(origin));
    let bad = Payload::from_args_kwargs(vec![Value::from(1i64)], kwargs);
    let error = ComputeRequest::from_payload(&bad).unwrap_err().to_string();
    assert!(error.starts_with("kwargs.origin.uri: "), "{error}");

    let tick = Tick {
        seq: 0,
        source: Some("calc".to_owned()),
        tags: None,
    };
    let error = Tick::from_payload(&tick.to_payload().unwrap())
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("args[0]: 0 is not a WAMP id"), "{error}");
}

#[test]
fn typed_calls_errors_and_events_over_every_composition() {
    for callee_kind in COMPOSITIONS {
        for caller_kind in [callee_kind, "json", "flatbuffers+cbor"] {
            let router = Router::new();
            let callee = join(&router, callee_kind);
            let caller = join(&router, caller_kind);
            let context = format!("callee {callee_kind}, caller {caller_kind}");
            block_on(async {
                let registrations = Arc::new(Calculator).register_all(&callee).await.unwrap();
                assert_eq!(registrations.len(), 2, "{context}");

                for mode in [
                    PayloadMode::Values,
                    PayloadMode::Encoded(Serializer::Cbor),
                    PayloadMode::FlatBuffers,
                ] {
                    let client = ICalculatorClient::new(caller.clone()).with_payload_mode(mode);
                    let result = client.compute(&mul_request()).await.unwrap();
                    assert_eq!(result.value, 42, "{context} {mode:?}");
                    assert_eq!(
                        result.expression.as_deref(),
                        Some("6 * 7 (for ann, p=3)"),
                        "{context} {mode:?}"
                    );
                    let greeting = client
                        .greet(&Greet {
                            name: "bob".into(),
                            greeting: None,
                        })
                        .await
                        .unwrap();
                    assert_eq!(greeting.text.as_deref(), Some("Hello, bob!"));

                    // A typed application error arrives with its URI and message.
                    let error = client
                        .compute(&ComputeRequest {
                            op: Op::DIV,
                            b: 0,
                            ..mul_request()
                        })
                        .await
                        .unwrap_err();
                    assert_eq!(error.uri(), "calc.error.division_by_zero", "{context}");
                    assert_eq!(error.message().as_deref(), Some("cannot divide 6 by zero"));
                }

                // Invalid payloads sent with the untyped API are rejected with the path.
                let bad = Payload::from_args(vec![Value::from(1i64), Value::from("x")]);
                let error = caller
                    .call(i_calculator::uri::COMPUTE, Default::default(), bad)
                    .await
                    .unwrap_err();
                assert_eq!(error.uri(), CallError::INVALID_ARGUMENT, "{context}");
                let message = error.message().unwrap();
                assert!(message.starts_with("args[1]: "), "{context}: {message}");
                let error = caller
                    .call(
                        i_calculator::uri::GREET,
                        Default::default(),
                        Payload::default(),
                    )
                    .await
                    .unwrap_err();
                assert_eq!(error.uri(), CallError::INVALID_ARGUMENT);
                assert!(error
                    .message()
                    .unwrap()
                    .contains("missing required argument 0"));

                // Typed events, and events that do not fit the type.
                let received = Arc::new(Mutex::new(Vec::new()));
                let errors = Arc::new(Mutex::new(Vec::new()));
                let subscriber = ICalculatorClient::new(callee.clone());
                let sink = Arc::clone(&received);
                subscriber
                    .subscribe_on_tick(move |tick: Tick| sink.lock().unwrap().push(tick))
                    .await
                    .unwrap();
                let sink = Arc::clone(&errors);
                subscriber
                    .subscribe_on_tick_checked(move |tick| {
                        if let Err(e) = tick {
                            sink.lock().unwrap().push(e.to_string());
                        }
                    })
                    .await
                    .unwrap();
                let tick = Tick {
                    seq: 9,
                    source: Some("calc.clock".into()),
                    tags: Some(vec!["a".into(), "b".into()]),
                };
                for mode in [PayloadMode::Values, PayloadMode::FlatBuffers] {
                    ICalculatorClient::new(caller.clone())
                        .with_payload_mode(mode)
                        .publish_on_tick(&tick, Default::default())
                        .await
                        .unwrap();
                }
                caller
                    .publish(
                        i_calculator::uri::ON_TICK,
                        Default::default(),
                        Payload::from_args(vec![Value::from("nine")]),
                    )
                    .await
                    .unwrap();
                assert_eq!(
                    *received.lock().unwrap(),
                    vec![tick.clone(), tick],
                    "{context}"
                );
                let errors = errors.lock().unwrap();
                assert_eq!(errors.len(), 1, "{context}: {errors:?}");
                assert!(errors[0].starts_with("args[0]: "), "{}", errors[0]);
            });
        }
    }
}

#[test]
fn message_builders_encode_for_each_envelope() {
    let request = mul_request();
    for mode in [
        PayloadMode::Values,
        PayloadMode::Encoded(Serializer::MsgPack),
        PayloadMode::FlatBuffers,
    ] {
        let message = i_calculator::call_compute(7, &request, mode).unwrap();
        for bytes_and_back in [
            {
                let codec = Codec::new(Serializer::Cbor);
                codec.decode(codec.encode(&message).unwrap()).unwrap()
            },
            {
                let codec = FlatBuffersCodec::new().with_payload_serializer(Serializer::Json);
                codec.decode(codec.encode(&message).unwrap()).unwrap()
            },
        ] {
            let Message::Call(call) = bytes_and_back else {
                panic!("not a CALL")
            };
            assert_eq!(call.procedure, "calc.compute");
            assert_eq!(call.request, 7);
            let back: ComputeRequest =
                typed::decode_payload(&call.payload, &call.options.0).unwrap();
            assert_eq!(back, request, "{mode:?}");
        }
    }
    let result = ComputeResult {
        value: 1,
        expression: None,
    };
    let Message::Yield(y) =
        i_calculator::yield_compute(3, &result, PayloadMode::FlatBuffers).unwrap()
    else {
        panic!("not a YIELD")
    };
    assert_eq!(
        y.options.0.get("enc_serializer"),
        Some(&Value::from("flatbuffers"))
    );
    assert!(y.payload.transparent_bytes().is_some());
    let tick = Tick {
        seq: 1,
        source: None,
        tags: None,
    };
    let Message::Event(event) =
        i_calculator::event_on_tick(5, 6, &tick, PayloadMode::Values).unwrap()
    else {
        panic!("not an EVENT")
    };
    assert_eq!(Tick::from_payload(&event.payload).unwrap(), tick);
    let Message::Error(error) = i_calculator::error(
        4,
        "calc.error.overflow",
        &Greeting {
            text: Some("too big".into()),
        },
        PayloadMode::Values,
    )
    .unwrap() else {
        panic!("not an ERROR")
    };
    assert_eq!(error.request_type, 68);
    assert_eq!(error.error, "calc.error.overflow");
}

#[test]
fn reflection_describes_the_interface() {
    let info = i_calculator::REFLECTION;
    assert_eq!(info.name, "ICalculator");
    assert_eq!(info.full_name, "calc.ICalculator");
    assert_eq!(info.uuid, i_calculator::UUID);
    assert_eq!(info.uuid, "4b8f4a52-2f05-4c39-9a4b-9d8f6c0f1e01");
    assert_eq!(info.uri_prefix, "calc");
    assert_eq!(info.docs, "A calculator.");
    let names: Vec<_> = info
        .methods
        .iter()
        .map(|m| (m.name, m.kind, m.uri))
        .collect();
    assert_eq!(
        names,
        vec![
            ("compute", MethodKind::Procedure, "calc.compute"),
            ("greet", MethodKind::Procedure, "calc.greet"),
            ("on_tick", MethodKind::Topic, "calc.on_tick"),
        ]
    );
    let compute = info.method_by_uri("calc.compute").unwrap();
    assert_eq!(compute.request, "calc.ComputeRequest");
    assert_eq!(compute.response, "calc.ComputeResult");
    assert_eq!(info.method("on_tick").unwrap().response, "wamp.Void");
}

mod meta {
    use super::*;
    use wamp_idl_tests::meta::wamp::{self as m, IWampMeta, IWampMetaClient};

    /// A fake meta API: two sessions, `session_count`, `session_list` and
    /// `session_get` implemented, the rest answers `wamp.error.not_implemented`.
    struct FakeMeta;

    fn not_implemented<T>() -> Result<T, CallError> {
        Err(CallError::new("wamp.error.not_implemented"))
    }

    const SESSIONS: [(u64, &str); 2] = [(11, "admin"), (12, "user")];

    impl IWampMeta for FakeMeta {
        async fn session_count(&self, request: m::SessionFilter) -> Result<m::Count, CallError> {
            let list = self.session_list(request).await?;
            Ok(m::Count {
                count: list.session_ids.map_or(0, |ids| ids.len() as u64),
            })
        }
        async fn session_list(
            &self,
            request: m::SessionFilter,
        ) -> Result<m::SessionIds, CallError> {
            let ids = SESSIONS
                .iter()
                .filter(|(_, role)| {
                    request
                        .filter_authroles
                        .as_ref()
                        .is_none_or(|roles| roles.iter().any(|r| r == role))
                })
                .map(|(id, _)| *id)
                .collect();
            Ok(m::SessionIds {
                session_ids: Some(ids),
            })
        }
        async fn session_get(&self, request: m::SessionId) -> Result<m::SessionInfo, CallError> {
            let Some((id, role)) = SESSIONS.iter().find(|(id, _)| *id == request.session) else {
                return Err(CallError::new("wamp.error.no_such_session"));
            };
            Ok(m::SessionInfo {
                details: Some(
                    m::SessionDetails {
                        session: *id,
                        authrole: Some((*role).to_owned()),
                        ..Default::default()
                    }
                    .into(),
                ),
            })
        }
        async fn session_kill(&self, _: m::SessionKill) -> Result<m::Void, CallError> {
            not_implemented()
        }
        async fn session_kill_by_authid(
            &self,
            _: m::SessionKillByAuthid,
        ) -> Result<m::Count, CallError> {
            not_implemented()
        }
        async fn session_kill_by_authrole(
            &self,
            _: m::SessionKillByAuthrole,
        ) -> Result<m::Count, CallError> {
            not_implemented()
        }
        async fn session_kill_all(&self, _: m::KillReason) -> Result<m::Count, CallError> {
            not_implemented()
        }
        async fn registration_list(
            &self,
            _: m::Void,
        ) -> Result<m::RegistrationListResult, CallError> {
            not_implemented()
        }
        async fn registration_lookup(
            &self,
            _: m::RegistrationLookup,
        ) -> Result<m::RegistrationIdResult, CallError> {
            not_implemented()
        }
        async fn registration_match(
            &self,
            _: m::RegistrationMatch,
        ) -> Result<m::RegistrationIdResult, CallError> {
            not_implemented()
        }
        async fn registration_get(
            &self,
            _: m::RegistrationId,
        ) -> Result<m::RegistrationGetResult, CallError> {
            not_implemented()
        }
        async fn registration_list_callees(
            &self,
            _: m::RegistrationId,
        ) -> Result<m::CalleeIds, CallError> {
            not_implemented()
        }
        async fn registration_count_callees(
            &self,
            _: m::RegistrationId,
        ) -> Result<m::Count, CallError> {
            not_implemented()
        }
        async fn subscription_list(
            &self,
            _: m::Void,
        ) -> Result<m::SubscriptionListResult, CallError> {
            not_implemented()
        }
        async fn subscription_lookup(
            &self,
            _: m::SubscriptionLookup,
        ) -> Result<m::SubscriptionIdResult, CallError> {
            not_implemented()
        }
        async fn subscription_match(
            &self,
            _: m::SubscriptionMatch,
        ) -> Result<m::SubscriptionIds, CallError> {
            not_implemented()
        }
        async fn subscription_get(
            &self,
            _: m::SubscriptionId,
        ) -> Result<m::SubscriptionGetResult, CallError> {
            not_implemented()
        }
        async fn subscription_list_subscribers(
            &self,
            _: m::SubscriptionId,
        ) -> Result<m::SubscriberIds, CallError> {
            not_implemented()
        }
        async fn subscription_count_subscribers(
            &self,
            _: m::SubscriptionId,
        ) -> Result<m::Count, CallError> {
            not_implemented()
        }
    }

    #[test]
    fn meta_client_calls_a_fake_meta_implementation() {
        let router = Router::new();
        let callee = join(&router, "cbor");
        let caller = join(&router, "json");
        block_on(async {
            let registrations = Arc::new(FakeMeta).register_all(&callee).await.unwrap();
            assert_eq!(registrations.len(), 19);
            let client = IWampMetaClient::new(caller);
            let all = client.session_count(&Default::default()).await.unwrap();
            assert_eq!(all.count, 2);
            let admins = client
                .session_list(&m::SessionFilter {
                    filter_authroles: Some(vec!["admin".into()]),
                })
                .await
                .unwrap();
            assert_eq!(admins.session_ids, Some(vec![11]));
            let info = client
                .session_get(&m::SessionId { session: 12 })
                .await
                .unwrap();
            assert_eq!(info.details.unwrap().authrole.as_deref(), Some("user"));
            let error = client
                .session_get(&m::SessionId { session: 99 })
                .await
                .unwrap_err();
            assert_eq!(error.uri(), "wamp.error.no_such_session");
            let error = client
                .registration_list(&m::Void::default())
                .await
                .unwrap_err();
            assert_eq!(error.uri(), "wamp.error.not_implemented");
            // The request is validated before the callee sees it: 0 is not a WAMP id.
            let error = client
                .session_get(&m::SessionId { session: 0 })
                .await
                .unwrap_err();
            assert_eq!(error.uri(), CallError::INVALID_ARGUMENT);
            assert!(error.message().unwrap().starts_with("args[0]: "));
            assert_eq!(m::i_wamp_meta::uri::SESSION_GET, "wamp.session.get");
            assert_eq!(m::i_wamp_meta::UUID, "88711231-3d95-44bc-9464-58d871dd7fd7");
        });
    }
}

mod hygiene {
    #![no_implicit_prelude]

    pub mod inner {
        ::wamp_idl_runtime::wamp_interface!("schemas/calc.fbs", include = ["../schemas"]);
    }
}

#[test]
fn interface_expansion_works_without_prelude() {
    use hygiene::inner::calc::{i_calculator, Greet, ICalculatorClient};
    let greet = Greet {
        name: "x".into(),
        greeting: Some("hi".into()),
    };
    assert_eq!(
        Greet::from_payload(&greet.to_payload().unwrap()).unwrap(),
        greet
    );
    assert_eq!(i_calculator::uri::GREET, "calc.greet");
    let router = Router::new();
    let client = ICalculatorClient::new(join(&router, "json"));
    let error = block_on(client.greet(&greet)).unwrap_err();
    assert_eq!(error.uri(), CallError::NO_SUCH_PROCEDURE);
}
