//! The expansion compiles where no prelude is in scope, inside nested modules.

mod outer {
    #![no_implicit_prelude]

    pub mod inner {
        ::wamp_idl_runtime::wamp_interface!("schemas/game.fbs", include = ["../schemas"]);
    }
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
