//! Unions in WAMP payload tables: a union arg travels as two positional
//! arguments (`<field>_type`, the member's name, then `<field>`, its value); a
//! union kwarg as the two keys; a vector of unions as a list of names and a
//! list of values. End to end over the in-process router.

use std::sync::Arc;

use futures::executor::block_on;
use wamp_idl_runtime::router::{Router, RouterSession};
use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::typed::{self, PayloadMode, WampPayload};
use wamp_idl_runtime::{CallError, Dict, Payload, Serializer, Session, Value};

mod generated {
    wamp_idl_runtime::wamp_interface!("schemas/union_payloads.fbs", include = ["../schemas"]);
}

use generated::shapes::{i_draw, Circle, Draw, Drawn, IDraw, IDrawClient, Point, Shape, Square};

fn circle(name: &str) -> Shape {
    Shape::Circle(Box::new(Circle {
        radius: 1.5,
        name: Some(name.into()),
    }))
}

fn request() -> Draw {
    Draw {
        id: 7,
        shape: circle("c"),
        note: Some("n".into()),
        extra: Some(Shape::Square(Box::new(Square {
            side: 2.0,
            label: Some("sq".into()),
        }))),
        layers: Some(vec![Shape::Point(Point { x: 1, y: 2 }), circle("d")]),
    }
}

#[test]
fn union_args_and_kwargs_follow_flatc_json() {
    let payload = request().to_payload().unwrap();
    let args = payload.args_list().unwrap().unwrap();
    assert_eq!(args.len(), 4);
    assert_eq!(args[0], Value::from(7i64));
    assert_eq!(args[1], Value::from("Circle"));
    let shape = args[2].as_dict().unwrap();
    assert_eq!(shape.get("name"), Some(&Value::from("c")));
    assert_eq!(args[3], Value::from("n"));
    let kwargs = payload.kwargs_dict().unwrap().unwrap();
    assert_eq!(kwargs.get("extra_type"), Some(&Value::from("Square")));
    let extra = kwargs.get("extra").and_then(Value::as_dict).unwrap();
    assert_eq!(extra.get("label"), Some(&Value::from("sq")));
    assert_eq!(
        kwargs.get("layers_type"),
        Some(&Value::List(vec![
            Value::from("Point"),
            Value::from("Circle")
        ]))
    );
    let layers = kwargs.get("layers").and_then(Value::as_list).unwrap();
    assert_eq!(
        layers[0].as_dict().unwrap().get("y"),
        Some(&Value::from(2i64))
    );

    assert_eq!(
        Draw::FIELDS,
        &[
            ("id", typed::FieldSlot::Arg(0)),
            ("shape_type", typed::FieldSlot::Arg(1)),
            ("shape", typed::FieldSlot::Arg(2)),
            ("note", typed::FieldSlot::Arg(3)),
            ("extra_type", typed::FieldSlot::Kwarg),
            ("extra", typed::FieldSlot::Kwarg),
            ("layers_type", typed::FieldSlot::Kwarg),
            ("layers", typed::FieldSlot::Kwarg),
        ]
    );

    // Round trips in every format, pre-encoded or not, and without the optional parts.
    let minimal = Draw {
        id: 1,
        shape: Shape::Point(Point { x: 0, y: -1 }),
        ..Draw::default()
    };
    for value in [request(), minimal.clone()] {
        assert_eq!(
            Draw::from_payload(&value.to_payload().unwrap()).unwrap(),
            value
        );
        for serializer in [Serializer::Json, Serializer::MsgPack, Serializer::Cbor] {
            let payload = value.to_payload_in(Some(serializer)).unwrap();
            assert_eq!(
                Draw::from_payload(&payload).unwrap(),
                value,
                "{serializer:?}"
            );
        }
    }
    // Trailing absent optional args are not sent; the union's two parts are.
    let args = minimal.to_payload().unwrap().args_list().unwrap().unwrap();
    assert_eq!(args.len(), 3);
    assert!(minimal.to_payload().unwrap().kwargs().is_none());

    // The kwargs keys may come in any order (the value before its type too).
    let mut kwargs = Dict::new();
    let mut square = Dict::new();
    square.insert("side", 3.0);
    kwargs.insert("extra", Value::Dict(square));
    kwargs.insert("extra_type", "Square");
    let payload = Payload::from_args_kwargs(
        vec![Value::from(1i64), Value::from("Point"), point_value()],
        kwargs,
    );
    let decoded = Draw::from_payload(&payload).unwrap();
    assert!(matches!(decoded.extra, Some(Shape::Square(ref s)) if s.side == 3.0));
}

fn point_value() -> Value {
    let mut point = Dict::new();
    point.insert("x", 4i64);
    point.insert("y", 5i64);
    Value::Dict(point)
}

fn decode_error(args: Vec<Value>, kwargs: Option<Dict>) -> String {
    let payload = match kwargs {
        Some(kwargs) => Payload::from_args_kwargs(args, kwargs),
        None => Payload::from_args(args),
    };
    Draw::from_payload(&payload).unwrap_err().to_string()
}

#[test]
fn bad_union_parts_are_rejected_with_the_field_path() {
    let error = decode_error(
        vec![Value::from(1i64), Value::from("Hexagon"), point_value()],
        None,
    );
    assert!(
        error.starts_with(
            "args[1]: unknown member `Hexagon` of union `Shape` (expected one of: Circle, Square, Point)"
        ),
        "{error}"
    );
    let mut kwargs = Dict::new();
    kwargs.insert("extra_type", "Hexagon");
    kwargs.insert("extra", Value::Dict(Dict::new()));
    let args = vec![Value::from(1i64), Value::from("Point"), point_value()];
    let error = decode_error(args.clone(), Some(kwargs));
    assert!(
        error.starts_with("kwargs.extra_type: unknown member `Hexagon`"),
        "{error}"
    );
    let mut kwargs = Dict::new();
    kwargs.insert(
        "layers_type",
        Value::List(vec!["Point".into(), "Oval".into()]),
    );
    kwargs.insert("layers", Value::List(vec![point_value(), point_value()]));
    let error = decode_error(args.clone(), Some(kwargs));
    assert!(
        error.starts_with("kwargs.layers_type: entry 1: unknown member `Oval`"),
        "{error}"
    );

    // A value that does not fit the member named.
    let error = decode_error(
        vec![Value::from(1i64), Value::from("Point"), Value::from("x")],
        None,
    );
    assert!(error.starts_with("args[2]: "), "{error}");
    // Names and values that do not pair up.
    let mut kwargs = Dict::new();
    kwargs.insert("layers_type", Value::List(vec!["Point".into()]));
    kwargs.insert("layers", Value::List(vec![point_value(), point_value()]));
    let error = decode_error(args.clone(), Some(kwargs));
    assert!(
        error.contains("`layers_type` has 1 member names but `layers` has 2 values"),
        "{error}"
    );
    // A member name without its value, and a required union that is missing.
    let error = decode_error(vec![Value::from(1i64), Value::from("Circle")], None);
    assert!(
        error.contains("`shape_type` names the member `Circle` but `shape` has no value"),
        "{error}"
    );
    let error = decode_error(vec![Value::from(1i64)], None);
    assert!(
        error.contains("missing required argument 1 (`shape_type`) of `shapes.Draw`"),
        "{error}"
    );
    let error = decode_error(vec![Value::from(1i64), Value::Null, Value::Null], None);
    assert!(error.starts_with("args[2]: `shape` is required"), "{error}");
}

#[test]
fn validation_reports_the_path_inside_the_union() {
    let bad = Draw {
        extra: Some(circle("not.a.name")),
        ..request()
    };
    let payload = bad.to_payload().unwrap();
    let error = Draw::from_payload(&payload).unwrap_err().to_string();
    assert!(error.starts_with("kwargs.extra.name: "), "{error}");
    let bad = Draw {
        shape: circle("a b"),
        ..request()
    };
    let error = Draw::from_payload(&bad.to_payload().unwrap())
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("args[2].name: "), "{error}");
    let bad = Draw {
        layers: Some(vec![circle("ok"), circle("x.y")]),
        ..request()
    };
    let error = Draw::from_payload(&bad.to_payload().unwrap())
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("kwargs.layers[1].name: "), "{error}");
}

struct Drawer;

impl IDraw for Drawer {
    async fn draw(&self, request: Draw) -> Result<Drawn, CallError> {
        let mut shapes = vec![request.shape];
        shapes.extend(request.extra);
        shapes.extend(request.layers.unwrap_or_default());
        Ok(Drawn {
            count: i32::try_from(shapes.len()).unwrap_or(i32::MAX),
            shapes: Some(shapes),
        })
    }
}

fn join(router: &Router, composition: &str) -> RouterSession {
    match composition {
        "json" => router.join(Serializer::Json),
        "cbor" => router.join(Serializer::Cbor),
        "msgpack" => router.join(Serializer::MsgPack),
        "flatbuffers+cbor" => router.join(FlatBuffersCodec::new()),
        "flatbuffers+json" => {
            router.join(FlatBuffersCodec::new().with_payload_serializer(Serializer::Json))
        }
        other => panic!("unknown composition {other}"),
    }
    .unwrap_or_else(|e| panic!("{composition}: join failed: {e}"))
}

#[test]
fn typed_calls_with_union_args_and_kwargs() {
    for composition in [
        "json",
        "cbor",
        "msgpack",
        "flatbuffers+cbor",
        "flatbuffers+json",
    ] {
        let router = Router::new();
        let callee = join(&router, composition);
        let caller = join(&router, composition);
        block_on(async {
            Arc::new(Drawer).register_all(&callee).await.unwrap();
            for mode in [
                PayloadMode::Values,
                PayloadMode::Encoded(Serializer::Cbor),
                PayloadMode::Encoded(Serializer::Json),
                PayloadMode::FlatBuffers,
            ] {
                let context = format!("{composition} {mode:?}");
                let client = IDrawClient::new(caller.clone()).with_payload_mode(mode);
                let drawn = client.draw(&request()).await.unwrap();
                let expected = request();
                let mut shapes = vec![expected.shape];
                shapes.extend(expected.extra);
                shapes.extend(expected.layers.unwrap_or_default());
                assert_eq!(drawn.count, 4, "{context}");
                assert_eq!(drawn.shapes, Some(shapes), "{context}");

                // A request the callee rejects: a union value breaking a value rule.
                let error = client
                    .draw(&Draw {
                        extra: Some(circle("bad name")),
                        ..request()
                    })
                    .await
                    .unwrap_err();
                assert_eq!(error.uri(), CallError::INVALID_ARGUMENT, "{context}");
                let message = error.message().unwrap_or_default();
                assert!(
                    message.contains("kwargs.extra.name: "),
                    "{context}: {message}"
                );
            }

            // A bad member name sent with the untyped API is rejected with its path.
            let bad = Payload::from_args(vec![
                Value::from(1i64),
                Value::from("Hexagon"),
                point_value(),
            ]);
            let error = caller
                .call(i_draw::uri::DRAW, Default::default(), bad)
                .await
                .unwrap_err();
            assert_eq!(error.uri(), CallError::INVALID_ARGUMENT, "{composition}");
            let message = error.message().unwrap();
            assert!(
                message.starts_with("args[1]: unknown member `Hexagon` of union `Shape`"),
                "{composition}: {message}"
            );
        });
    }
}
