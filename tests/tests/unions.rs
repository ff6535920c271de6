//! Unions with table, struct and aliased members, cross-checked with flatc.

mod support;

mod generated {
    wamp_idl_runtime::wamp_interface!("schemas/unions.fbs");
}

use generated::test::unions::{Drawing, DrawingRef, Label, Point, Shape, ShapeRef};

const SCHEMA: &str = "schemas/unions.fbs";

#[test]
fn union_members_of_every_kind_match_flatc() {
    // flatc 2.0.8 rejects struct union members for JSON ("only tables can be
    // union elements"), so this schema is cross-checked with flatc 25 alone.
    for input in ["unions-struct.json", "unions-alias-table.json"] {
        let json = support::crate_dir().join("schemas").join(input);
        {
            let flatc = support::flatc_new();
            let out = support::scratch(&format!("unions-{input}"));
            let bytes = support::json_to_binary(&flatc, SCHEMA, &json, &out);
            let drawing = Drawing::from_flatbuffer(&bytes).expect("flatc's buffer verifies");
            let ours = support::normalize(serde_json::to_value(&drawing).unwrap());
            let theirs = support::binary_to_json(&flatc, SCHEMA, &bytes, &out);
            assert_eq!(ours, theirs, "{input} read with {}", flatc.display());

            let rebuilt = drawing.to_flatbuffer();
            let theirs = support::binary_to_json(&flatc, SCHEMA, &rebuilt, &out);
            assert_eq!(ours, theirs, "{input} written, read by {}", flatc.display());
        }
    }
}

#[test]
fn union_readers_and_owned_values() {
    let drawing = Drawing {
        shape: Shape::Point(Point { x: 3, y: 4 }),
        shapes_count: 1,
        optional_shape: Some(Shape::Other(Box::new(Label {
            text: Some("o".into()),
        }))),
    };
    let bytes = drawing.to_flatbuffer();
    let reader = DrawingRef::from_flatbuffer(&bytes).unwrap();
    assert!(matches!(
        reader.shape(),
        Some(ShapeRef::Point(Point { x: 3, y: 4 }))
    ));
    match reader.optional_shape() {
        Some(ShapeRef::Other(label)) => assert_eq!(label.text(), Some("o")),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(reader.unpack().unwrap(), drawing);
    let json = serde_json::to_value(&drawing).unwrap();
    assert_eq!(json["shape_type"], "Point");
    assert_eq!(json["optional_shape_type"], "Other");
    let back: Drawing = serde_json::from_value(json).unwrap();
    assert_eq!(back, drawing);
}

#[test]
fn required_union_is_enforced_when_reading() {
    // A buffer without the required union fails verification.
    let mut fbb = wamp_idl_runtime::__private::flatbuffers::FlatBufferBuilder::new();
    let start = fbb.start_table();
    fbb.push_slot::<i32>(8, 5, 0);
    let root = fbb.end_table(start);
    fbb.finish(root, None);
    assert!(Drawing::from_flatbuffer(fbb.finished_data()).is_err());
    // And JSON without it is rejected too.
    assert!(serde_json::from_str::<Drawing>(r#"{"shapes_count": 1}"#).is_err());
}
