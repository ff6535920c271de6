//! Cross-checks the generated code against flatc: buffers flatc builds from JSON
//! decode to the same JSON through our types, and buffers we build decode in
//! flatc to the JSON our serde mapping writes.

mod support;

mod generated {
    wamp_idl_runtime::wamp_interface!("schemas/game.fbs", include = ["../schemas"]);
}

use generated::test::common::{Color, Perm, Vec3};
use generated::test::game::{Equipment, Monster, MonsterRef, Weapon, WeaponRef};

const SCHEMA: &str = "schemas/game.fbs";

fn input_json() -> std::path::PathBuf {
    support::crate_dir().join("schemas/game.json")
}

#[test]
fn flatc_buffer_reads_back_as_the_same_json() {
    for flatc in support::all_flatc() {
        let out = support::scratch("read");
        let bytes = support::json_to_binary(&flatc, SCHEMA, &input_json(), &out);
        let monster = Monster::from_flatbuffer(&bytes).expect("flatc's buffer verifies");
        let ours = support::normalize(serde_json::to_value(&monster).unwrap());
        let theirs = support::binary_to_json(&flatc, SCHEMA, &bytes, &out);
        assert_eq!(ours, theirs, "with {}", flatc.display());
        // Spot checks of the typed view.
        assert_eq!(monster.name, "Orc");
        assert_eq!(monster.color, Color::GREEN);
        assert_eq!(monster.perms, Perm::READ | Perm::EXEC);
        assert_eq!(monster.maybe, Some(0));
        assert_eq!(
            monster.pos,
            Some(Vec3 {
                x: 1.0,
                y: 2.5,
                z: -3.0
            })
        );
        assert!(matches!(monster.equipped, Some(Equipment::Weapon(ref w)) if w.name == "bow"));
    }
}

#[test]
fn our_buffer_reads_in_flatc_as_our_json() {
    let input: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(input_json()).unwrap()).unwrap();
    let monster: Monster = serde_json::from_value(input).expect("flatc JSON deserializes");
    let bytes = monster.to_flatbuffer();
    assert_eq!(&bytes[4..8], b"MONS", "file_identifier written");
    for flatc in support::all_flatc() {
        let out = support::scratch("write");
        let theirs = support::binary_to_json(&flatc, SCHEMA, &bytes, &out);
        // Keyed vectors are sorted when written, so compare with the sorted value.
        let back = Monster::from_flatbuffer(&bytes).unwrap();
        let ours = support::normalize(serde_json::to_value(&back).unwrap());
        assert_eq!(ours, theirs, "with {}", flatc.display());
        // And flatc's own buffer of the same JSON gives the same JSON.
        let flatc_bytes = support::json_to_binary(&flatc, SCHEMA, &input_json(), &out);
        let flatc_json = support::binary_to_json(&flatc, SCHEMA, &flatc_bytes, &out);
        assert_eq!(ours, flatc_json, "with {}", flatc.display());
    }
}

#[test]
fn keyed_vectors_are_sorted_and_searchable() {
    let monster = Monster {
        name: "m".into(),
        weapons: Some(vec![
            Weapon {
                name: "sword".into(),
                damage: 3,
            },
            Weapon {
                name: "axe".into(),
                damage: 5,
            },
            Weapon {
                name: "bow".into(),
                damage: 1,
            },
        ]),
        ..Default::default()
    };
    let bytes = monster.to_flatbuffer();
    let reader = MonsterRef::from_flatbuffer(&bytes).unwrap();
    let weapons = reader.weapons().unwrap();
    let names: Vec<_> = weapons.iter().map(|w| w.name().unwrap()).collect();
    assert_eq!(names, ["axe", "bow", "sword"]);
    assert_eq!(
        WeaponRef::lookup_by_key(&weapons, "bow").unwrap().damage(),
        1
    );
    assert_eq!(
        WeaponRef::lookup_by_key(&weapons, "sword")
            .unwrap()
            .damage(),
        3
    );
    assert!(WeaponRef::lookup_by_key(&weapons, "club").is_none());
}
