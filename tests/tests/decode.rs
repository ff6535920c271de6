//! Verified decoding: untrusted bytes are verified (with limits) before they are
//! read, the file identifier is checked, and unknown enum values survive.

use wamp_idl_runtime::{DecodeError, VerifyOptions};
use wamp_idl_tests::game::test::common::{Color, Perm};
use wamp_idl_tests::game::test::game::{Monster, MonsterRef, Weapon};

fn sample() -> Monster {
    Monster {
        name: "m".into(),
        color: Color(42),
        perms: Perm(0x80) | Perm::WRITE,
        enemy: Some(Box::new(Monster {
            name: "e".into(),
            enemy: Some(Box::new(Monster {
                name: "ee".into(),
                ..Default::default()
            })),
            ..Default::default()
        })),
        weapons: Some(vec![Weapon {
            name: "w".into(),
            damage: 0,
        }]),
        ..Default::default()
    }
}

#[test]
fn unknown_enum_values_round_trip() {
    let monster = sample();
    let back = Monster::from_flatbuffer(&monster.to_flatbuffer()).unwrap();
    assert_eq!(back.color, Color(42));
    assert_eq!(back.perms, Perm(0x82));
    assert_eq!(format!("{:?}", back.color), "Color(42)");
    // Unknown values are written as numbers in JSON, known ones as names.
    let json = serde_json::to_value(&back).unwrap();
    assert_eq!(json["color"], 42);
    assert_eq!(json["perms"], 0x82);
    assert_eq!(
        serde_json::to_value(Perm::READ | Perm::EXEC).unwrap(),
        "Read Exec"
    );
    assert_eq!(
        serde_json::from_value::<Perm>("Write Exec".into()).unwrap(),
        Perm::WRITE | Perm::EXEC
    );
    assert_eq!(back, monster);
}

#[test]
fn wrong_file_identifier_is_rejected() {
    let mut bytes = sample().to_flatbuffer();
    bytes[4..8].copy_from_slice(b"XXXX");
    let error = Monster::from_flatbuffer(&bytes).unwrap_err();
    assert_eq!(
        error.to_string(),
        "wrong file identifier: expected `MONS`, found `XXXX`"
    );
}

#[test]
fn verifier_limits_apply() {
    let bytes = sample().to_flatbuffer();
    let options = VerifyOptions {
        max_depth: 2,
        ..VerifyOptions::default()
    };
    assert!(matches!(
        MonsterRef::from_flatbuffer_with_options(&bytes, &options),
        Err(DecodeError::Invalid(_))
    ));
    let options = VerifyOptions {
        max_tables: 2,
        ..VerifyOptions::default()
    };
    assert!(Monster::from_flatbuffer_with_options(&bytes, &options).is_err());
    assert!(Monster::from_flatbuffer(&bytes).is_ok());
}

#[test]
fn corrupt_buffers_never_panic() {
    let bytes = sample().to_flatbuffer();
    // Every truncation and every single-byte change is either rejected or decodes.
    for len in 0..bytes.len() {
        let _ = Monster::from_flatbuffer(&bytes[..len]);
    }
    for i in 0..bytes.len() {
        for value in [0u8, 1, 0x7f, 0x80, 0xff] {
            let mut copy = bytes.clone();
            copy[i] = value;
            if let Ok(reader) = MonsterRef::from_flatbuffer(&copy) {
                let _ = reader.unpack();
            }
        }
    }
}

#[test]
fn defaults_are_not_written_unless_forced() {
    let plain = Monster {
        name: "m".into(),
        ..Default::default()
    };
    let small = plain.to_flatbuffer();
    let mut fbb = wamp_idl_runtime::__private::flatbuffers::FlatBufferBuilder::new();
    fbb.force_defaults(true);
    let root = plain.pack(&mut fbb);
    fbb.finish(root, Some("MONS"));
    let forced = fbb.finished_data().to_vec();
    assert!(
        forced.len() > small.len(),
        "{} vs {}",
        forced.len(),
        small.len()
    );
    assert_eq!(Monster::from_flatbuffer(&forced).unwrap(), plain);
    assert_eq!(MonsterRef::from_flatbuffer(&small).unwrap().hp(), 100);
}
