//! Vectors of unions (`[Shape]`): two vectors, `<field>_type` and `<field>`,
//! cross-checked with flatc 25 (flatc 2.0.8 rejects vectors of unions).

mod support;

mod generated {
    wamp_idl_runtime::wamp_interface!("schemas/union_vectors.fbs", include = ["../schemas"]);
}

use generated::test::union_vectors::{Label, Layer, Point, Scene, SceneRef, Shape, ShapeRef};
use wamp_idl_runtime::__private::flatbuffers::FlatBufferBuilder;
use wamp_idl_runtime::DecodeError;

const SCHEMA: &str = "schemas/union_vectors.fbs";

fn label(text: &str) -> Box<Label> {
    Box::new(Label {
        text: Some(text.into()),
        uri: None,
    })
}

fn sample() -> Scene {
    Scene {
        shapes: Some(vec![
            Shape::Label(label("a")),
            Shape::Point(Point { x: 1, y: -2 }),
            Shape::Other(label("b")),
        ]),
        count: 3,
        layers: Some(vec![
            Layer {
                name: Some("empty".into()),
                shapes: Some(vec![]),
            },
            Layer {
                name: Some("one".into()),
                shapes: Some(vec![Shape::Point(Point { x: 7, y: 8 })]),
            },
        ]),
        pinned: vec![Shape::Other(label("pin"))],
    }
}

#[test]
fn flatc_buffers_read_back_and_ours_read_in_flatc() {
    let flatc = support::flatc_new();
    let out = support::scratch("union-vectors");
    let json = support::crate_dir().join("schemas/union-vectors.json");
    let bytes = support::json_to_binary(&flatc, SCHEMA, &json, &out);
    let scene = Scene::from_flatbuffer(&bytes).expect("flatc's buffer verifies");
    let ours = support::normalize(serde_json::to_value(&scene).unwrap());
    let theirs = support::binary_to_json(&flatc, SCHEMA, &bytes, &out);
    assert_eq!(ours, theirs, "flatc's buffer read by us");
    assert_eq!(scene.shapes.as_ref().map(Vec::len), Some(4));
    assert_eq!(scene.pinned, vec![Shape::Other(label("pin"))]);

    // Our buffer, read by flatc, gives our JSON; so does flatc's JSON through serde.
    let rebuilt = scene.to_flatbuffer();
    assert_eq!(
        support::binary_to_json(&flatc, SCHEMA, &rebuilt, &out),
        ours,
        "our buffer read by flatc"
    );
    let input: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let from_json: Scene = serde_json::from_value(input).expect("flatc JSON deserializes");
    assert_eq!(from_json, scene);

    let value = sample();
    let bytes = value.to_flatbuffer();
    let theirs = support::binary_to_json(&flatc, SCHEMA, &bytes, &out);
    assert_eq!(
        support::normalize(serde_json::to_value(&value).unwrap()),
        theirs
    );
}

#[test]
fn union_vector_views_and_owned_values() {
    let value = sample();
    let bytes = value.to_flatbuffer();
    let view = SceneRef::from_flatbuffer(&bytes).unwrap();
    let shapes = view.shapes().unwrap();
    assert_eq!(shapes.len(), 3);
    assert_eq!(shapes.tag(1), Some(2));
    assert!(matches!(shapes.get(0), Some(ShapeRef::Label(l)) if l.text() == Some("a")));
    assert!(matches!(
        shapes.get(1),
        Some(ShapeRef::Point(Point { x: 1, y: -2 }))
    ));
    assert!(matches!(shapes.get(2), Some(ShapeRef::Other(l)) if l.text() == Some("b")));
    assert!(shapes.get(3).is_none());
    assert_eq!(shapes.iter().filter(Option::is_some).count(), 3);
    let layers = view.layers().unwrap();
    assert!(layers.get(0).unwrap().shapes().unwrap().is_empty());
    assert_eq!(view.unpack().unwrap(), value);
    assert_eq!(Scene::from_flatbuffer(&bytes).unwrap(), value);

    // serde: `<field>_type` holds the member names, pairwise with the values.
    let json = serde_json::to_value(&value).unwrap();
    assert_eq!(
        json["shapes_type"],
        serde_json::json!(["Label", "Point", "Other"])
    );
    assert_eq!(json["shapes"][1], serde_json::json!({"x": 1, "y": -2}));
    assert_eq!(serde_json::from_value::<Scene>(json).unwrap(), value);
}

#[test]
fn validation_paths_go_through_union_vectors() {
    let mut value = sample();
    value.layers.as_mut().unwrap()[1].shapes = Some(vec![
        Shape::Point(Point { x: 0, y: 0 }),
        Shape::Label(Box::new(Label {
            text: None,
            uri: Some("not a uri".into()),
        })),
    ]);
    let error = value.validate().unwrap_err();
    assert_eq!(error.path, "layers[1].shapes[1].uri");
}

#[test]
fn invalid_utf8_in_a_union_vector_member_names_the_path() {
    let mut value = sample();
    value.shapes.as_mut().unwrap()[2] = Shape::Other(label("@bad@"));
    let mut bytes = value.to_flatbuffer();
    let at = bytes.windows(5).position(|w| w == b"@bad@").unwrap();
    bytes[at] = 0xff;
    let view = SceneRef::from_flatbuffer(&bytes).expect("range-verified");
    assert!(
        matches!(view.shapes().unwrap().get(2), Some(ShapeRef::Other(l)) if l.text().is_none())
    );
    match Scene::from_flatbuffer(&bytes) {
        Err(DecodeError::InvalidUtf8 { path, .. }) => assert_eq!(path, "shapes[2].text"),
        other => panic!("unexpected {other:?}"),
    }
}

/// A `Scene` whose `shapes` are written by hand: tags, and values (tables `Label`).
fn handmade(tags: &[u8], labels: usize, with_types: bool, with_values: bool) -> Vec<u8> {
    let mut fbb = FlatBufferBuilder::new();
    let values: Vec<_> = (0..labels)
        .map(|_| {
            let text = fbb.create_string("x");
            let start = fbb.start_table();
            fbb.push_slot_always(4, text);
            fbb.end_table(start)
        })
        .collect();
    let values = fbb.create_vector(&values);
    let types = fbb.create_vector(tags);
    let pinned_types = fbb.create_vector(&[1u8]);
    let pinned_text = fbb.create_string("p");
    let start = fbb.start_table();
    fbb.push_slot_always(4, pinned_text);
    let pinned_label = fbb.end_table(start);
    let pinned_values = fbb.create_vector(&[pinned_label]);
    let start = fbb.start_table();
    // Field ids: shapes_type 0, shapes 1, count 2, layers 3, pinned_type 4, pinned 5.
    if with_types {
        fbb.push_slot_always(4, types);
    }
    if with_values {
        fbb.push_slot_always(6, values);
    }
    fbb.push_slot_always(12, pinned_types);
    fbb.push_slot_always(14, pinned_values);
    let root = fbb.end_table(start);
    fbb.finish(root, None);
    fbb.finished_data().to_vec()
}

#[test]
fn the_verifier_checks_both_vectors_together() {
    // Consistent: 2 labels, the second of a member a newer schema added (tag 9).
    let bytes = handmade(&[1, 9], 2, true, true);
    let view = SceneRef::from_flatbuffer(&bytes).expect("consistent vectors verify");
    let shapes = view.shapes().unwrap();
    assert_eq!(shapes.len(), 2);
    assert!(shapes.get(1).is_none(), "an unknown member reads as absent");
    // The owned vector leaves the unknown member out.
    assert_eq!(
        Scene::from_flatbuffer(&bytes).unwrap().shapes,
        Some(vec![Shape::Label(label("x"))])
    );

    let mismatch = handmade(&[1, 1, 1], 2, true, true);
    let error = Scene::from_flatbuffer(&mismatch).unwrap_err().to_string();
    assert!(
        error.contains("shapes_type") && error.contains("shapes"),
        "{error}"
    );
    assert!(Scene::from_flatbuffer(&handmade(&[1], 1, true, false)).is_err());
    assert!(Scene::from_flatbuffer(&handmade(&[1], 1, false, true)).is_err());
    let absent = handmade(&[], 0, false, false);
    assert_eq!(Scene::from_flatbuffer(&absent).unwrap().shapes, None);
}

#[test]
fn required_union_vectors_and_json_errors() {
    // `pinned` is required: a buffer without it fails verification.
    let mut fbb = FlatBufferBuilder::new();
    let start = fbb.start_table();
    fbb.push_slot::<i32>(8, 5, 0);
    let root = fbb.end_table(start);
    fbb.finish(root, None);
    assert!(Scene::from_flatbuffer(fbb.finished_data()).is_err());

    let error = serde_json::from_str::<Scene>(r#"{"count": 1}"#).unwrap_err();
    assert!(
        error.to_string().contains("missing field `pinned`"),
        "{error}"
    );
    let error =
        serde_json::from_str::<Scene>(r#"{"pinned_type": ["Label", "Point"], "pinned": [{}]}"#)
            .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`pinned_type` has 2 entries but `pinned` has 1"),
        "{error}"
    );
    let error = serde_json::from_str::<Scene>(r#"{"pinned_type": ["Circle"], "pinned": [{}]}"#)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`pinned[0]`: unknown member `Circle` of union `Shape`"),
        "{error}"
    );
    let error = serde_json::from_str::<Scene>(r#"{"pinned": [{}]}"#).unwrap_err();
    assert!(error.to_string().contains("needs both"), "{error}");
}
