//! Smoke test: the expansion compiles and round-trips a value.

mod generated {
    wamp_idl_runtime::wamp_interface!("schemas/game.fbs", include = ["../schemas"]);
}

use generated::test::game::{Monster, MonsterRef};

#[test]
fn round_trip() {
    let monster = Monster {
        name: "orc".into(),
        hp: 5,
        ..Default::default()
    };
    let bytes = monster.to_flatbuffer();
    let back = Monster::from_flatbuffer(&bytes).unwrap();
    assert_eq!(back, monster);
    let reader = MonsterRef::from_flatbuffer(&bytes).unwrap();
    assert_eq!(reader.name(), Some("orc"));
    assert_eq!(reader.hp(), 5);
    assert_eq!(reader.mana(), 150);
}
