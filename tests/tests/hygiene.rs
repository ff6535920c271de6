//! The expansion compiles where no prelude is in scope, inside nested modules.

mod outer {
    #![no_implicit_prelude]

    pub mod inner {
        ::wamp_idl_runtime::wamp_interface!("schemas/game.fbs", include = ["../schemas"]);
    }

    /// Vectors of unions, and unions in WAMP payload tables.
    pub mod union_vectors {
        ::wamp_idl_runtime::wamp_interface!("schemas/union_vectors.fbs", include = ["../schemas"]);
    }

    /// Union args and kwargs.
    pub mod union_payloads {
        ::wamp_idl_runtime::wamp_interface!("schemas/union_payloads.fbs", include = ["../schemas"]);
    }

    /// An interface with URI templates (`UriParams`, templated clients and callees).
    pub mod templated {
        ::wamp_idl_runtime::wamp_interface!("../schemas/wamp-control.fbs");
    }
}

#[test]
fn templated_interface_works_without_prelude() {
    use outer::templated::wamp::i_node_control::{uri, UriParams};
    let params = UriParams {
        node_id: "n".into(),
        worker_id: "w".into(),
    };
    assert_eq!(
        params.expand(uri::KILL_BY_AUTHID).unwrap(),
        "crossbarfabriccenter.node.n.worker.w.kill_by_authid"
    );
}

#[test]
fn expansion_works_without_prelude() {
    use outer::inner::test::game::{Monster, Result as GameResult};
    let monster = Monster {
        name: "x".into(),
        result: Some(Box::new(GameResult {
            r#type: Some("t".into()),
            self_: true,
            ..Default::default()
        })),
        ..Default::default()
    };
    let back = Monster::from_flatbuffer(&monster.to_flatbuffer()).unwrap();
    assert_eq!(back, monster);
    let json = serde_json::to_value(&back).unwrap();
    assert_eq!(json["result"]["type"], "t");
    assert_eq!(json["result"]["self"], true);
}

#[test]
fn union_expansions_work_without_prelude() {
    use outer::union_payloads::shapes::{Draw, Point, Shape};
    use outer::union_vectors::test::union_vectors::{Scene, Shape as SceneShape};
    use wamp_idl_runtime::typed::WampPayload;
    let draw = Draw {
        shape: Shape::Point(Point { x: 1, y: 2 }),
        layers: Some(vec![Shape::Point(Point { x: 3, y: 4 })]),
        ..Default::default()
    };
    assert_eq!(
        Draw::from_payload(&draw.to_payload().unwrap()).unwrap(),
        draw
    );
    let scene = Scene {
        pinned: vec![SceneShape::Point(
            outer::union_vectors::test::union_vectors::Point { x: 5, y: 6 },
        )],
        ..Default::default()
    };
    assert_eq!(
        Scene::from_flatbuffer(&scene.to_flatbuffer()).unwrap(),
        scene
    );
}
