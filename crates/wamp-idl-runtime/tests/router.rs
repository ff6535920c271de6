//! End-to-end tests of the in-process router through the `Session` trait,
//! with every serializer on both sides of each exchange.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wamp_idl_runtime::id::is_valid_id;
use wamp_idl_runtime::message::keys::{
    CallOptions, PublishOptions, RegisterOptions, SubscribeOptions,
};
use wamp_idl_runtime::message::Event;
use wamp_idl_runtime::router::{Router, RouterSession};
use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::session::{
    CallError, EventHandler, InvocationHandler, Registration, Session,
};
use wamp_idl_runtime::{Dict, Payload, Serializer, Value};

/// How a test session talks to the router.
#[derive(Clone, Copy, Debug, PartialEq)]
enum TestCodec {
    /// One of the array serializers.
    Array(Serializer),
    /// The FlatBuffers envelope with args/kwargs in the given serializer.
    FlatBuffers(Serializer),
}

impl TestCodec {
    /// The serializer args/kwargs arrive in.
    fn payload_serializer(self) -> Serializer {
        match self {
            TestCodec::Array(s) | TestCodec::FlatBuffers(s) => s,
        }
    }
}

impl From<Serializer> for TestCodec {
    fn from(serializer: Serializer) -> TestCodec {
        TestCodec::Array(serializer)
    }
}

/// Every envelope the crate has: each array serializer, and FlatBuffers with
/// CBOR (its default), MessagePack and JSON payloads.
fn serializers() -> Vec<TestCodec> {
    let mut all: Vec<TestCodec> = Serializer::ALL.into_iter().map(TestCodec::Array).collect();
    for payload in [Serializer::Cbor, Serializer::MsgPack, Serializer::Json] {
        all.push(TestCodec::FlatBuffers(payload));
    }
    all
}

fn join(router: &Router, codec: impl Into<TestCodec>) -> RouterSession {
    let codec = codec.into();
    let joined = match codec {
        TestCodec::Array(serializer) => router.join(serializer),
        TestCodec::FlatBuffers(payload) => {
            router.join(FlatBuffersCodec::new().with_payload_serializer(payload))
        }
    };
    joined.unwrap_or_else(|e| panic!("joining with {codec:?} failed: {e}"))
}

/// A handler answering every invocation with `f(args, kwargs)`.
fn handler(
    f: impl Fn(Vec<Value>, Dict) -> Result<Payload, CallError> + Send + Sync + 'static,
) -> InvocationHandler {
    let f = Arc::new(f);
    Arc::new(move |invocation| {
        let f = f.clone();
        Box::pin(async move {
            let args = invocation
                .payload
                .args_list()
                .map_err(|e| CallError::invalid_argument(e.to_string()))?;
            let kwargs = invocation
                .payload
                .kwargs_dict()
                .map_err(|e| CallError::invalid_argument(e.to_string()))?;
            f(args.unwrap_or_default(), kwargs.unwrap_or_default())
        })
    })
}

/// A subscriber handler that records every event.
fn recorder() -> (EventHandler, Arc<Mutex<Vec<Event>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let handler: EventHandler = Arc::new(move |event| sink.lock().unwrap().push(event));
    (handler, events)
}

fn args_of(payload: &Payload) -> Vec<Value> {
    payload.args_list().unwrap().unwrap_or_default()
}

fn kwargs_of(payload: &Payload) -> Dict {
    payload.kwargs_dict().unwrap().unwrap_or_default()
}

fn sample_kwargs() -> Dict {
    let mut kwargs = Dict::new();
    kwargs.insert("name", "Grüße 🌍");
    kwargs.insert("count", 3u64);
    kwargs.insert("negative", Value::integer(-17));
    kwargs.insert("ratio", 0.5f64);
    kwargs.insert("blob", vec![0u8, 1, 2, 255]);
    kwargs.insert("flag", true);
    kwargs
}

#[tokio::test]
async fn call_with_args_and_kwargs_for_every_serializer_pair() {
    for callee_serializer in serializers() {
        for caller_serializer in serializers() {
            let router = Router::new();
            let callee = join(&router, callee_serializer);
            let caller = join(&router, caller_serializer);
            let seen_raw = Arc::new(Mutex::new(None));
            let seen = seen_raw.clone();
            let echo: InvocationHandler = Arc::new(move |invocation| {
                // What the callee receives was decoded from its own serializer.
                *seen.lock().unwrap() = invocation
                    .payload
                    .args()
                    .and_then(|a| a.encoded().map(|(_, s)| s));
                Box::pin(async move {
                    let mut args = invocation.payload.args_list().unwrap().unwrap_or_default();
                    args.reverse();
                    let kwargs = invocation
                        .payload
                        .kwargs_dict()
                        .unwrap()
                        .unwrap_or_default();
                    Ok(Payload::from_args_kwargs(args, kwargs))
                })
            });
            callee
                .register("com.example.echo", RegisterOptions::new(), echo)
                .await
                .unwrap();

            let payload = Payload::from_args_kwargs(
                vec![
                    Value::from(1u64),
                    Value::from("two"),
                    Value::List(vec![Value::Null, Value::from(false)]),
                ],
                sample_kwargs(),
            );
            let result = caller
                .call("com.example.echo", CallOptions::new(), payload)
                .await
                .unwrap();
            let context = format!("caller {caller_serializer:?}, callee {callee_serializer:?}");
            assert_eq!(
                args_of(&result.payload),
                vec![
                    Value::List(vec![Value::Null, Value::from(false)]),
                    Value::from("two"),
                    Value::from(1u64)
                ],
                "{context}"
            );
            assert_eq!(kwargs_of(&result.payload), sample_kwargs(), "{context}");
            assert_eq!(
                *seen_raw.lock().unwrap(),
                Some(callee_serializer.payload_serializer()),
                "{context}"
            );
            // The caller's RESULT is raw in the caller's serializer.
            let raw = result
                .payload
                .args()
                .and_then(|a| a.encoded().map(|(_, s)| s));
            assert_eq!(
                raw,
                Some(caller_serializer.payload_serializer()),
                "{context}"
            );
        }
    }
}

#[tokio::test]
async fn call_without_payload_and_typed_deserialization() {
    let router = Router::new();
    let callee = join(&router, Serializer::MsgPack);
    let caller = join(&router, Serializer::Json);
    let add = handler(|args, _| {
        let sum: i64 = args.iter().filter_map(Value::as_i64).sum();
        Ok(Payload::from_args(vec![Value::integer(sum)]))
    });
    callee
        .register("com.example.add", RegisterOptions::new(), add)
        .await
        .unwrap();
    let result = caller
        .call(
            "com.example.add",
            CallOptions::new(),
            Payload::from_args(vec![Value::integer(40), Value::integer(2)]),
        )
        .await
        .unwrap();
    let (sum,): (i64,) = result.payload.args().unwrap().deserialize().unwrap();
    assert_eq!(sum, 42);
    let empty = caller
        .call("com.example.add", CallOptions::new(), Payload::default())
        .await
        .unwrap();
    assert_eq!(args_of(&empty.payload), vec![Value::integer(0)]);
}

#[tokio::test]
async fn callee_errors_reach_the_caller_with_their_payload() {
    for serializer in serializers() {
        let router = Router::new();
        let callee = join(&router, serializer);
        let caller = join(&router, Serializer::Json);
        let failing = handler(|args, _| {
            let mut kwargs = Dict::new();
            kwargs.insert("field", "b");
            Err(CallError::with_payload(
                "com.example.error.out_of_range",
                Payload::from_args_kwargs(
                    vec![Value::from("b is too large"), args[0].clone()],
                    kwargs,
                ),
            ))
        });
        callee
            .register("com.example.check", RegisterOptions::new(), failing)
            .await
            .unwrap();
        let error = caller
            .call(
                "com.example.check",
                CallOptions::new(),
                Payload::from_args(vec![Value::from(99u64)]),
            )
            .await
            .unwrap_err();
        assert_eq!(
            error.uri(),
            "com.example.error.out_of_range",
            "{serializer:?}"
        );
        assert_eq!(
            args_of(error.payload()),
            vec![Value::from("b is too large"), Value::from(99u64)]
        );
        assert_eq!(
            kwargs_of(error.payload()).get("field"),
            Some(&Value::from("b"))
        );
        assert_eq!(error.message().as_deref(), Some("b is too large"));
    }
}

#[tokio::test]
async fn an_invalid_error_uri_from_the_callee_becomes_a_runtime_error() {
    let router = Router::new();
    let callee = join(&router, Serializer::Cbor);
    let caller = join(&router, Serializer::Cbor);
    let bad = handler(|_, _| Err(CallError::new("not a uri!")));
    callee
        .register("com.example.bad", RegisterOptions::new(), bad)
        .await
        .unwrap();
    let error = caller
        .call("com.example.bad", CallOptions::new(), Payload::default())
        .await
        .unwrap_err();
    assert_eq!(error.uri(), CallError::RUNTIME_ERROR);
    let message = error.message().unwrap();
    assert!(message.contains("not a valid WAMP message"), "{message}");
}

#[tokio::test]
async fn calling_an_unknown_procedure_fails() {
    for serializer in serializers() {
        let router = Router::new();
        let caller = join(&router, serializer);
        let error = caller
            .call(
                "com.example.missing",
                CallOptions::new(),
                Payload::default(),
            )
            .await
            .unwrap_err();
        assert_eq!(error.uri(), CallError::NO_SUCH_PROCEDURE);
        assert!(error.message().unwrap().contains("com.example.missing"));
    }
}

#[tokio::test]
async fn invalid_uris_are_refused_before_sending() {
    let router = Router::new();
    let session = join(&router, Serializer::Json);
    let error = session
        .call("com..example", CallOptions::new(), Payload::default())
        .await
        .unwrap_err();
    assert_eq!(error.uri(), CallError::INVALID_URI);
    let error = session
        .register(
            "com.my app",
            RegisterOptions::new(),
            handler(|_, _| Ok(Payload::default())),
        )
        .await
        .unwrap_err();
    assert_eq!(error.uri(), CallError::INVALID_URI);
    let error = session
        .publish("", PublishOptions::new(), Payload::default())
        .await
        .unwrap_err();
    assert_eq!(error.uri(), CallError::INVALID_URI);
    // The session still works afterwards.
    assert_eq!(
        session
            .call("com.example.x", CallOptions::new(), Payload::default())
            .await
            .unwrap_err()
            .uri()
            .to_owned(),
        CallError::NO_SUCH_PROCEDURE
    );
}

#[tokio::test]
async fn duplicate_registration_is_refused() {
    let router = Router::new();
    let first = join(&router, Serializer::Json);
    let second = join(&router, Serializer::MsgPack);
    let ok = || handler(|_, _| Ok(Payload::default()));
    let registration = first
        .register("com.example.proc", RegisterOptions::new(), ok())
        .await
        .unwrap();
    assert!(is_valid_id(registration.id));
    for session in [&first, &second] {
        let error = session
            .register("com.example.proc", RegisterOptions::new(), ok())
            .await
            .unwrap_err();
        assert_eq!(error.uri(), CallError::PROCEDURE_ALREADY_EXISTS);
    }
    // Another procedure gets another id.
    let other = second
        .register("com.example.other", RegisterOptions::new(), ok())
        .await
        .unwrap();
    assert_ne!(other.id, registration.id);
}

#[tokio::test]
async fn pattern_registrations_are_not_supported() {
    let router = Router::new();
    let session = join(&router, Serializer::Json);
    let mut options = RegisterOptions::new();
    options.set_match_policy(wamp_idl_runtime::message::keys::MatchPolicy::Prefix);
    let error = session
        .register(
            "com.example.",
            options,
            handler(|_, _| Ok(Payload::default())),
        )
        .await
        .unwrap_err();
    assert_eq!(error.uri(), "wamp.error.option_not_allowed");
}

#[tokio::test]
async fn unregister_removes_the_procedure() {
    let router = Router::new();
    let callee = join(&router, Serializer::Cbor);
    let caller = join(&router, Serializer::Json);
    let other = join(&router, Serializer::MsgPack);
    let answer = || handler(|_, _| Ok(Payload::from_args(vec![Value::from("here")])));
    let registration = callee
        .register("com.example.proc", RegisterOptions::new(), answer())
        .await
        .unwrap();
    caller
        .call("com.example.proc", CallOptions::new(), Payload::default())
        .await
        .unwrap();

    // Only the owner may unregister.
    let error = other.unregister(registration).await.unwrap_err();
    assert_eq!(error.uri(), "wamp.error.no_such_registration");

    callee.unregister(registration).await.unwrap();
    let error = caller
        .call("com.example.proc", CallOptions::new(), Payload::default())
        .await
        .unwrap_err();
    assert_eq!(error.uri(), CallError::NO_SUCH_PROCEDURE);
    let error = callee.unregister(registration).await.unwrap_err();
    assert_eq!(error.uri(), "wamp.error.no_such_registration");
    let error = callee
        .unregister(Registration { id: 12345 })
        .await
        .unwrap_err();
    assert_eq!(error.uri(), "wamp.error.no_such_registration");

    // The URI is free again.
    other
        .register("com.example.proc", RegisterOptions::new(), answer())
        .await
        .unwrap();
    let result = caller
        .call("com.example.proc", CallOptions::new(), Payload::default())
        .await
        .unwrap();
    assert_eq!(args_of(&result.payload), vec![Value::from("here")]);
}

#[tokio::test]
async fn publish_reaches_every_subscriber_but_not_the_publisher() {
    for serializer in serializers() {
        let router = Router::new();
        let publisher = join(&router, serializer);
        let (publisher_handler, publisher_events) = recorder();
        publisher
            .subscribe(
                "com.example.topic",
                SubscribeOptions::new(),
                publisher_handler,
            )
            .await
            .unwrap();
        let mut subscribers = Vec::new();
        for other in serializers() {
            let session = join(&router, other);
            let (handler, events) = recorder();
            let subscription = session
                .subscribe("com.example.topic", SubscribeOptions::new(), handler)
                .await
                .unwrap();
            subscribers.push((session, subscription, events));
        }
        // One subscription per topic: every session gets the same id.
        let first_id = subscribers[0].1.id;
        assert!(subscribers.iter().all(|(_, s, _)| s.id == first_id));

        let payload = Payload::from_args_kwargs(vec![Value::from("hello")], sample_kwargs());
        let published = publisher
            .publish("com.example.topic", PublishOptions::new(), payload)
            .await
            .unwrap();
        assert_eq!(published, None);

        for (session, subscription, events) in &subscribers {
            let events = events.lock().unwrap();
            assert_eq!(events.len(), 1, "{serializer:?} -> {:?}", session);
            let event = &events[0];
            assert_eq!(event.subscription, subscription.id);
            assert!(is_valid_id(event.publication));
            assert_eq!(event.details.publisher(), None);
            assert_eq!(args_of(&event.payload), vec![Value::from("hello")]);
            assert_eq!(kwargs_of(&event.payload), sample_kwargs());
        }
        assert!(
            publisher_events.lock().unwrap().is_empty(),
            "exclude_me defaults to true"
        );

        // Publishing to a topic nobody subscribed to is fine.
        publisher
            .publish(
                "com.example.nobody",
                PublishOptions::new(),
                Payload::default(),
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn exclude_me_false_includes_the_publisher_and_disclose_me_names_it() {
    let router = Router::new();
    let publisher = join(&router, Serializer::Json);
    let (handler, events) = recorder();
    publisher
        .subscribe("com.example.topic", SubscribeOptions::new(), handler)
        .await
        .unwrap();
    let mut options = PublishOptions::new();
    options.set_exclude_me(false).set_disclose_me(true);
    publisher
        .publish(
            "com.example.topic",
            options,
            Payload::from_args(vec![Value::from(1u64)]),
        )
        .await
        .unwrap();
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].details.publisher(), Some(publisher.id()));
}

#[tokio::test]
async fn exclude_and_eligible_lists_filter_subscribers() {
    let router = Router::new();
    let publisher = join(&router, Serializer::Cbor);
    let a = join(&router, Serializer::Json);
    let b = join(&router, Serializer::MsgPack);
    let (handler_a, events_a) = recorder();
    let (handler_b, events_b) = recorder();
    a.subscribe("com.example.t", SubscribeOptions::new(), handler_a)
        .await
        .unwrap();
    b.subscribe("com.example.t", SubscribeOptions::new(), handler_b)
        .await
        .unwrap();
    let mut options = PublishOptions::new();
    options.set_exclude(vec![a.id()]);
    publisher
        .publish("com.example.t", options, Payload::default())
        .await
        .unwrap();
    let mut options = PublishOptions::new();
    options.set_eligible(vec![a.id()]);
    publisher
        .publish("com.example.t", options, Payload::default())
        .await
        .unwrap();
    assert_eq!(events_a.lock().unwrap().len(), 1);
    assert_eq!(events_b.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn acknowledged_publish_returns_the_publication_id() {
    for serializer in serializers() {
        let router = Router::new();
        let publisher = join(&router, serializer);
        let subscriber = join(&router, Serializer::Json);
        let (handler, events) = recorder();
        subscriber
            .subscribe("com.example.topic", SubscribeOptions::new(), handler)
            .await
            .unwrap();
        let mut options = PublishOptions::new();
        options.set_acknowledge(true);
        let publication = publisher
            .publish("com.example.topic", options.clone(), Payload::default())
            .await
            .unwrap();
        let publication = publication.expect("PUBLISHED carries the publication id");
        assert!(is_valid_id(publication));
        assert_eq!(events.lock().unwrap()[0].publication, publication);
        // Also acknowledged when nobody is subscribed.
        let other = publisher
            .publish("com.example.empty", options, Payload::default())
            .await
            .unwrap();
        assert!(other.is_some_and(|id| id != publication));
    }
}

#[tokio::test]
async fn unsubscribe_stops_events() {
    let router = Router::new();
    let publisher = join(&router, Serializer::Json);
    let stays = join(&router, Serializer::Cbor);
    let goes = join(&router, Serializer::MsgPack);
    let (handler_stays, events_stays) = recorder();
    let (handler_goes, events_goes) = recorder();
    stays
        .subscribe("com.example.topic", SubscribeOptions::new(), handler_stays)
        .await
        .unwrap();
    let subscription = goes
        .subscribe("com.example.topic", SubscribeOptions::new(), handler_goes)
        .await
        .unwrap();
    publisher
        .publish(
            "com.example.topic",
            PublishOptions::new(),
            Payload::default(),
        )
        .await
        .unwrap();
    goes.unsubscribe(subscription).await.unwrap();
    publisher
        .publish(
            "com.example.topic",
            PublishOptions::new(),
            Payload::default(),
        )
        .await
        .unwrap();
    assert_eq!(events_stays.lock().unwrap().len(), 2);
    assert_eq!(events_goes.lock().unwrap().len(), 1);
    let error = goes.unsubscribe(subscription).await.unwrap_err();
    assert_eq!(error.uri(), "wamp.error.no_such_subscription");
}

#[tokio::test]
async fn nested_calls_work() {
    let router = Router::new();
    let inner = join(&router, Serializer::Cbor);
    let middle = join(&router, Serializer::MsgPack);
    let caller = join(&router, Serializer::Json);
    inner
        .register(
            "com.example.double",
            RegisterOptions::new(),
            handler(|args, _| {
                let x = args.first().and_then(Value::as_i64).unwrap_or(0);
                Ok(Payload::from_args(vec![Value::integer(x * 2)]))
            }),
        )
        .await
        .unwrap();

    // `quadruple` calls `double` twice from its handler, once through another
    // session and once through its own session's procedure `increment`.
    let own = middle.clone();
    let quadruple: InvocationHandler = Arc::new(move |invocation| {
        let session = own.clone();
        Box::pin(async move {
            let once = session
                .call("com.example.double", CallOptions::new(), invocation.payload)
                .await?;
            let twice = session
                .call("com.example.double", CallOptions::new(), once.payload)
                .await?;
            let bumped = session
                .call("com.example.increment", CallOptions::new(), twice.payload)
                .await?;
            Ok(bumped.payload)
        })
    });
    middle
        .register(
            "com.example.quadruple_plus_one",
            RegisterOptions::new(),
            quadruple,
        )
        .await
        .unwrap();
    middle
        .register(
            "com.example.increment",
            RegisterOptions::new(),
            handler(|args, _| {
                let x = args.first().and_then(Value::as_i64).unwrap_or(0);
                Ok(Payload::from_args(vec![Value::integer(x + 1)]))
            }),
        )
        .await
        .unwrap();

    let result = caller
        .call(
            "com.example.quadruple_plus_one",
            CallOptions::new(),
            Payload::from_args(vec![Value::integer(5)]),
        )
        .await
        .unwrap();
    assert_eq!(args_of(&result.payload), vec![Value::integer(21)]);

    // An error deep down propagates through the nested handler.
    inner
        .register(
            "com.example.fail",
            RegisterOptions::new(),
            handler(|_, _| {
                Err(CallError::with_message(
                    "com.example.error.deep",
                    "from the inner callee",
                ))
            }),
        )
        .await
        .unwrap();
    let relay = middle.clone();
    let relaying: InvocationHandler = Arc::new(move |_| {
        let session = relay.clone();
        Box::pin(async move {
            session
                .call("com.example.fail", CallOptions::new(), Payload::default())
                .await
                .map(|r| r.payload)
        })
    });
    middle
        .register("com.example.relay", RegisterOptions::new(), relaying)
        .await
        .unwrap();
    let error = caller
        .call("com.example.relay", CallOptions::new(), Payload::default())
        .await
        .unwrap_err();
    assert_eq!(error.uri(), "com.example.error.deep");
    assert_eq!(error.message().as_deref(), Some("from the inner callee"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_from_many_tasks() {
    let router = Router::new();
    let callee = join(&router, Serializer::MsgPack);
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let (now, max) = (in_flight.clone(), max_in_flight.clone());
    // The handler suspends, so calls from several tasks overlap and each
    // handler must be woken through its caller's waker.
    let slow_square: InvocationHandler = Arc::new(move |invocation| {
        let (now, max) = (now.clone(), max.clone());
        Box::pin(async move {
            let current = now.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(current, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(2)).await;
            tokio::task::yield_now().await;
            now.fetch_sub(1, Ordering::SeqCst);
            let (x,): (i64,) = invocation
                .payload
                .args()
                .ok_or_else(|| CallError::invalid_argument("missing args"))?
                .deserialize()
                .map_err(|e| CallError::invalid_argument(e.to_string()))?;
            Ok(Payload::from_args(vec![Value::integer(x * x)]))
        })
    });
    callee
        .register("com.example.square", RegisterOptions::new(), slow_square)
        .await
        .unwrap();

    let mut tasks = Vec::new();
    for (task, serializer) in serializers().into_iter().cycle().take(8).enumerate() {
        let session = join(&router, serializer);
        tasks.push(tokio::spawn(async move {
            for i in 0..25i64 {
                let x = task as i64 * 100 + i;
                let result = session
                    .call(
                        "com.example.square",
                        CallOptions::new(),
                        Payload::from_args(vec![Value::integer(x)]),
                    )
                    .await
                    .unwrap();
                assert_eq!(args_of(&result.payload), vec![Value::integer(x * x)]);
            }
        }));
    }
    // A concurrent publisher and subscriber on the same router.
    let (handler, events) = recorder();
    let subscriber = join(&router, Serializer::Cbor);
    subscriber
        .subscribe("com.example.tick", SubscribeOptions::new(), handler)
        .await
        .unwrap();
    let publisher = join(&router, Serializer::Json);
    let publishing = tokio::spawn(async move {
        for i in 0..100u64 {
            publisher
                .publish(
                    "com.example.tick",
                    PublishOptions::new(),
                    Payload::from_args(vec![Value::from(i)]),
                )
                .await
                .unwrap();
        }
    });
    for task in tasks {
        task.await.unwrap();
    }
    publishing.await.unwrap();
    assert!(
        max_in_flight.load(Ordering::SeqCst) > 1,
        "calls never overlapped"
    );
    let ticks: Vec<Value> = events
        .lock()
        .unwrap()
        .iter()
        .map(|e| args_of(&e.payload)[0].clone())
        .collect();
    assert_eq!(
        ticks,
        (0..100u64).map(Value::from).collect::<Vec<_>>(),
        "events of one publisher stay in order"
    );
}

#[tokio::test]
async fn ids_follow_the_wamp_rules() {
    let router = Router::new();
    let callee = join(&router, Serializer::Json);
    let caller = join(&router, Serializer::Json);
    assert!(is_valid_id(callee.id()) && is_valid_id(caller.id()));
    assert_ne!(callee.id(), caller.id());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let record: InvocationHandler = Arc::new(move |invocation| {
        seen.lock()
            .unwrap()
            .push((invocation.request, invocation.details.caller()));
        Box::pin(async { Ok(Payload::default()) })
    });
    callee
        .register("com.example.p", RegisterOptions::new(), record)
        .await
        .unwrap();
    for _ in 0..3 {
        caller
            .call("com.example.p", CallOptions::new(), Payload::default())
            .await
            .unwrap();
    }
    let mut options = CallOptions::new();
    options.set_disclose_me(true);
    caller
        .call("com.example.p", options, Payload::default())
        .await
        .unwrap();
    assert_eq!(
        *requests.lock().unwrap(),
        vec![(1, None), (2, None), (3, None), (4, Some(caller.id()))],
        "INVOCATION request ids count per callee session; disclose_me names the caller"
    );
}

#[tokio::test]
async fn wrong_realm_is_refused() {
    let router = Router::with_realm("com.example.realm").unwrap();
    assert_eq!(router.realm(), "com.example.realm");
    let error = router
        .join_realm("com.example.other", Serializer::Cbor)
        .unwrap_err();
    assert_eq!(error.uri(), "wamp.error.no_such_realm");
    assert!(error.message().unwrap().contains("com.example.other"));
    assert!(router.join(Serializer::Cbor).is_ok());
    assert!(Router::with_realm("bad realm").is_err());
}

#[tokio::test]
async fn leaving_ends_registrations_subscriptions_and_requests() {
    let router = Router::new();
    let callee = join(&router, Serializer::Cbor);
    let caller = join(&router, Serializer::Json);
    let (handler_events, events) = recorder();
    callee
        .subscribe("com.example.topic", SubscribeOptions::new(), handler_events)
        .await
        .unwrap();
    callee
        .register(
            "com.example.p",
            RegisterOptions::new(),
            handler(|_, _| Ok(Payload::default())),
        )
        .await
        .unwrap();
    assert_eq!(router.session_count(), 2);
    callee.leave().unwrap();
    assert!(!callee.is_joined());
    assert_eq!(router.session_count(), 1);
    let error = caller
        .call("com.example.p", CallOptions::new(), Payload::default())
        .await
        .unwrap_err();
    assert_eq!(error.uri(), CallError::NO_SUCH_PROCEDURE);
    caller
        .publish(
            "com.example.topic",
            PublishOptions::new(),
            Payload::default(),
        )
        .await
        .unwrap();
    assert!(events.lock().unwrap().is_empty());
    let error = callee
        .call("com.example.p", CallOptions::new(), Payload::default())
        .await
        .unwrap_err();
    assert_eq!(error.uri(), CallError::CANCELED);
    assert!(callee.leave().is_err());
    // Another session may take the procedure now.
    caller
        .register(
            "com.example.p",
            RegisterOptions::new(),
            handler(|_, _| Ok(Payload::default())),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_callee_leaving_mid_call_cancels_the_call() {
    let router = Router::new();
    let callee = join(&router, Serializer::MsgPack);
    let caller = join(&router, Serializer::Json);
    let release = Arc::new(tokio::sync::Notify::new());
    let entered = Arc::new(tokio::sync::Notify::new());
    let (wait, signal) = (release.clone(), entered.clone());
    let blocking: InvocationHandler = Arc::new(move |_| {
        let (wait, signal) = (wait.clone(), signal.clone());
        Box::pin(async move {
            signal.notify_one();
            wait.notified().await;
            Ok(Payload::default())
        })
    });
    callee
        .register("com.example.block", RegisterOptions::new(), blocking)
        .await
        .unwrap();
    let call = tokio::spawn(async move {
        caller
            .call("com.example.block", CallOptions::new(), Payload::default())
            .await
    });
    entered.notified().await;
    callee.leave().unwrap();
    let error = call.await.unwrap().unwrap_err();
    assert_eq!(error.uri(), CallError::CANCELED);
    release.notify_one();
}

#[tokio::test]
async fn dropping_the_last_handle_closes_the_session() {
    let router = Router::new();
    let session = join(&router, Serializer::Json);
    session
        .register(
            "com.example.p",
            RegisterOptions::new(),
            handler(|_, _| Ok(Payload::default())),
        )
        .await
        .unwrap();
    let clone = session.clone();
    drop(session);
    assert_eq!(router.session_count(), 1, "a clone keeps the session");
    drop(clone);
    assert_eq!(router.session_count(), 0);
    let caller = join(&router, Serializer::Json);
    let error = caller
        .call("com.example.p", CallOptions::new(), Payload::default())
        .await
        .unwrap_err();
    assert_eq!(error.uri(), CallError::NO_SUCH_PROCEDURE);
}

#[test]
fn works_without_tokio() {
    futures::executor::block_on(async {
        let router = Router::new();
        let callee = join(
            &router,
            Serializer::Ubjson(wamp_idl_runtime::serializer::UbjsonDialect::Draft12),
        );
        let caller = join(&router, Serializer::Cbor);
        callee
            .register(
                "com.example.hi",
                RegisterOptions::new(),
                handler(|_, _| Ok(Payload::from_args(vec![Value::from("hi")]))),
            )
            .await
            .unwrap();
        let result = caller
            .call("com.example.hi", CallOptions::new(), Payload::default())
            .await
            .unwrap();
        assert_eq!(args_of(&result.payload), vec![Value::from("hi")]);
    });
}

#[tokio::test]
async fn transparent_payloads_pass_through_with_their_keys() {
    for serializer in serializers() {
        let router = Router::new();
        let callee = join(&router, serializer);
        let caller = join(&router, Serializer::Json);
        let subscriber = join(&router, serializer);
        let seen = Arc::new(Mutex::new(None));
        let record = seen.clone();
        let opaque: InvocationHandler = Arc::new(move |invocation| {
            *record.lock().unwrap() = Some((
                invocation.payload.transparent_bytes().cloned(),
                invocation.details.enc_algo().map(str::to_owned),
                invocation.details.enc_serializer().map(str::to_owned),
            ));
            Box::pin(async { Ok(Payload::from_args(vec![Value::from("seen")])) })
        });
        callee
            .register("com.example.opaque", RegisterOptions::new(), opaque)
            .await
            .unwrap();
        let mut options = CallOptions::new();
        options.set_enc_algo("x_test").set_enc_serializer("cbor");
        let secret = vec![0u8, 159, 146, 150, 255];
        caller
            .call(
                "com.example.opaque",
                options,
                Payload::transparent(secret.clone()),
            )
            .await
            .unwrap();
        let (bytes, algo, ser) = seen.lock().unwrap().clone().unwrap();
        assert_eq!(bytes.as_deref(), Some(&secret[..]), "{serializer:?}");
        assert_eq!(algo.as_deref(), Some("x_test"));
        assert_eq!(ser.as_deref(), Some("cbor"));

        let (handler, events) = recorder();
        subscriber
            .subscribe("com.example.sealed", SubscribeOptions::new(), handler)
            .await
            .unwrap();
        let mut options = PublishOptions::new();
        options.set_enc_algo("cryptobox");
        caller
            .publish(
                "com.example.sealed",
                options,
                Payload::transparent(secret.clone()),
            )
            .await
            .unwrap();
        let events = events.lock().unwrap();
        assert_eq!(
            events[0].payload.transparent_bytes().map(|b| b.to_vec()),
            Some(secret)
        );
        assert_eq!(events[0].details.enc_algo(), Some("cryptobox"));
    }
}

#[tokio::test]
async fn a_session_subscribed_twice_runs_both_handlers() {
    let router = Router::new();
    let session = join(&router, Serializer::Json);
    let publisher = join(&router, Serializer::Json);
    let (first, first_events) = recorder();
    let (second, second_events) = recorder();
    let a = session
        .subscribe("com.example.t", SubscribeOptions::new(), first)
        .await
        .unwrap();
    let b = session
        .subscribe("com.example.t", SubscribeOptions::new(), second)
        .await
        .unwrap();
    assert_eq!(a, b);
    publisher
        .publish("com.example.t", PublishOptions::new(), Payload::default())
        .await
        .unwrap();
    assert_eq!(
        (
            first_events.lock().unwrap().len(),
            second_events.lock().unwrap().len()
        ),
        (1, 1)
    );
    session.unsubscribe(a).await.unwrap();
    publisher
        .publish("com.example.t", PublishOptions::new(), Payload::default())
        .await
        .unwrap();
    assert_eq!(
        (
            first_events.lock().unwrap().len(),
            second_events.lock().unwrap().len()
        ),
        (1, 1)
    );
}

#[tokio::test]
async fn a_dropped_call_future_abandons_the_invocation() {
    let router = Router::new();
    let callee = join(&router, Serializer::Cbor);
    let caller = join(&router, Serializer::Cbor);
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let never: InvocationHandler = Arc::new(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::pending())
    });
    callee
        .register("com.example.never", RegisterOptions::new(), never)
        .await
        .unwrap();
    let timed_out = tokio::time::timeout(
        Duration::from_millis(20),
        caller.call("com.example.never", CallOptions::new(), Payload::default()),
    )
    .await;
    assert!(timed_out.is_err());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // The session still works, and request ids move on.
    callee
        .register(
            "com.example.now",
            RegisterOptions::new(),
            handler(|_, _| Ok(Payload::default())),
        )
        .await
        .unwrap();
    caller
        .call("com.example.now", CallOptions::new(), Payload::default())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_nested_calls_and_registrations_do_not_deadlock() {
    let router = Router::new();
    let inner = join(&router, Serializer::Cbor);
    let outer = join(&router, Serializer::MsgPack);
    let slow_double: InvocationHandler = Arc::new(|invocation| {
        Box::pin(async move {
            tokio::task::yield_now().await;
            let x = args_of(&invocation.payload)
                .first()
                .and_then(Value::as_i64)
                .unwrap_or(0);
            Ok(Payload::from_args(vec![Value::integer(2 * x)]))
        })
    });
    inner
        .register("com.example.double", RegisterOptions::new(), slow_double)
        .await
        .unwrap();
    let relay = outer.clone();
    let plus_double: InvocationHandler = Arc::new(move |invocation| {
        let session = relay.clone();
        Box::pin(async move {
            let x = args_of(&invocation.payload)
                .first()
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let doubled = session
                .call("com.example.double", CallOptions::new(), invocation.payload)
                .await?;
            let y = args_of(&doubled.payload)
                .first()
                .and_then(Value::as_i64)
                .unwrap_or(0);
            Ok(Payload::from_args(vec![Value::integer(x + y)]))
        })
    });
    outer
        .register("com.example.triple", RegisterOptions::new(), plus_double)
        .await
        .unwrap();

    let mut tasks = Vec::new();
    for task in 0..6i64 {
        let session = join(&router, serializers()[task as usize % serializers().len()]);
        tasks.push(tokio::spawn(async move {
            for i in 0..20i64 {
                let x = task * 1000 + i;
                let result = session
                    .call(
                        "com.example.triple",
                        CallOptions::new(),
                        Payload::from_args(vec![Value::integer(x)]),
                    )
                    .await
                    .unwrap();
                assert_eq!(args_of(&result.payload), vec![Value::integer(3 * x)]);
                // Registration churn on the same router while calls are in flight.
                let uri = format!("com.example.tmp{task}");
                let registration = session
                    .register(
                        &uri,
                        RegisterOptions::new(),
                        handler(|_, _| Ok(Payload::default())),
                    )
                    .await
                    .unwrap();
                session.unregister(registration).await.unwrap();
            }
        }));
    }
    for task in tasks {
        tokio::time::timeout(Duration::from_secs(30), task)
            .await
            .expect("deadlock")
            .unwrap();
    }
}

#[tokio::test]
async fn options_of_the_wrong_type_are_refused_before_sending() {
    let router = Router::new();
    let session = join(&router, Serializer::Json);
    let mut options = CallOptions::new();
    options.insert("timeout", "soon");
    let error = session
        .call("com.example.p", options, Payload::default())
        .await
        .unwrap_err();
    assert_eq!(error.uri(), CallError::INVALID_ARGUMENT);
    assert!(error.message().unwrap().contains("timeout"), "{error}");
}
