//! Strings are UTF-8-checked exactly once: the verifier checks them by range
//! only, the owned decode (`from_flatbuffer`, `unpack`) rejects invalid UTF-8
//! naming the field path, and view accessors never hand it out.

use wamp_idl_runtime::{DecodeError, VerifyOptions};
use wamp_idl_tests::game::test::game::{
    Equipment, EquipmentRef, Monster, MonsterRef, Note, Weapon,
};

/// A monster whose strings are unique markers, so tests can find and corrupt them.
fn sample() -> Monster {
    Monster {
        name: "@root-name@".into(),
        tags: Some(vec!["@tag-0@".into(), "@tag-1@".into()]),
        weapons: Some(vec![Weapon {
            name: "@weapon-0@".into(),
            damage: 3,
        }]),
        equipped: Some(Equipment::Note(Box::new(Note {
            text: Some("@note-text@".into()),
        }))),
        enemy: Some(Box::new(Monster {
            name: "@enemy-name@".into(),
            tags: Some(vec!["@enemy-tag@".into()]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// The buffer of [`sample`] with the first byte of `marker` replaced by `byte`.
fn corrupt(marker: &str, byte: u8) -> Vec<u8> {
    let mut bytes = sample().to_flatbuffer();
    let at = bytes
        .windows(marker.len())
        .position(|window| window == marker.as_bytes())
        .unwrap_or_else(|| panic!("marker {marker} not in the buffer"));
    bytes[at] = byte;
    bytes
}

fn utf8_error_path(result: Result<Monster, DecodeError>) -> String {
    match result {
        Err(DecodeError::InvalidUtf8 { path, valid_up_to }) => {
            assert_eq!(valid_up_to, 0, "the first byte is the bad one");
            path
        }
        other => panic!("expected an invalid UTF-8 error, got {other:?}"),
    }
}

#[test]
fn valid_strings_decode() {
    let bytes = sample().to_flatbuffer();
    assert_eq!(Monster::from_flatbuffer(&bytes).unwrap(), sample());
    let view = MonsterRef::from_flatbuffer(&bytes).unwrap();
    assert_eq!(view.unpack().unwrap(), sample());
}

#[test]
fn invalid_utf8_is_rejected_by_the_owned_decode_with_the_field_path() {
    // (marker, field path): a root field, a nested table, vectors of strings
    // (also nested), a vector of tables and a union member.
    let cases = [
        ("@root-name@", "name"),
        ("@tag-1@", "tags[1]"),
        ("@weapon-0@", "weapons[0].name"),
        ("@note-text@", "equipped.text"),
        ("@enemy-name@", "enemy.name"),
        ("@enemy-tag@", "enemy.tags[0]"),
    ];
    for (marker, expected) in cases {
        for byte in [0xff, 0x80, 0xc3] {
            let bytes = corrupt(marker, byte);
            // The buffer is structurally valid: the verifier accepts it.
            let view = MonsterRef::from_flatbuffer(&bytes).expect("range-verified");
            assert_eq!(utf8_error_path(Monster::from_flatbuffer(&bytes)), expected);
            assert_eq!(utf8_error_path(view.unpack()), expected);
            let options = VerifyOptions::default();
            assert_eq!(
                utf8_error_path(Monster::from_flatbuffer_with_options(&bytes, &options)),
                expected
            );
        }
    }
    let error = Monster::from_flatbuffer(&corrupt("@enemy-tag@", 0xff)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the string field `enemy.tags[0]` is not valid UTF-8 (invalid byte at 0)"
    );
}

#[test]
fn views_never_hand_out_invalid_utf8() {
    let bytes = corrupt("@root-name@", 0xff);
    let view = MonsterRef::from_flatbuffer(&bytes).unwrap();
    assert_eq!(view.name(), None, "an invalid string reads as absent");
    assert_eq!(view.hp(), 100, "other fields still read");

    let bytes = corrupt("@tag-1@", 0xff);
    let tags = MonsterRef::from_flatbuffer(&bytes).unwrap().tags().unwrap();
    assert_eq!(tags.len(), 2);
    assert_eq!(tags.get(0), Some("@tag-0@"));
    assert_eq!(tags.get(1), None);

    let bytes = corrupt("@weapon-0@", 0xff);
    let weapons = MonsterRef::from_flatbuffer(&bytes)
        .unwrap()
        .weapons()
        .unwrap();
    assert_eq!(weapons.get(0).unwrap().name(), None);

    let bytes = corrupt("@note-text@", 0xff);
    match MonsterRef::from_flatbuffer(&bytes).unwrap().equipped() {
        Some(EquipmentRef::Note(note)) => {
            assert_eq!(note.text(), None);
            assert!(matches!(
                EquipmentRef::Note(note).unpack(),
                Err(DecodeError::InvalidUtf8 { ref path, .. }) if path == "text"
            ));
        }
        other => panic!("unexpected {other:?}"),
    }

    let bytes = corrupt("@enemy-name@", 0xff);
    let enemy = MonsterRef::from_flatbuffer(&bytes)
        .unwrap()
        .enemy()
        .unwrap();
    assert_eq!(enemy.name(), None);
}

#[test]
fn missing_null_terminators_are_rejected_unless_allowed() {
    // The byte after a string's last byte must be 0, as flatc's verifiers require.
    let mut bytes = sample().to_flatbuffer();
    let marker = b"@tag-0@";
    let at = bytes
        .windows(marker.len())
        .position(|window| window == marker)
        .unwrap();
    bytes[at + marker.len()] = b'!';
    assert!(matches!(
        Monster::from_flatbuffer(&bytes),
        Err(DecodeError::Invalid(
            wamp_idl_runtime::__private::flatbuffers::InvalidFlatbuffer::MissingNullTerminator { .. }
        ))
    ));
    let options = VerifyOptions {
        ignore_missing_null_terminator: true,
        ..VerifyOptions::default()
    };
    let back = Monster::from_flatbuffer_with_options(&bytes, &options).unwrap();
    assert_eq!(back.tags.unwrap()[0], "@tag-0@");
    // The option does not stick to later verifications on the same thread.
    assert!(Monster::from_flatbuffer(&bytes).is_err());
}

#[test]
fn verification_errors_of_leaf_fields_keep_the_field_trace() {
    // Leaf fields skip flatbuffers' error-trace bookkeeping while they pass;
    // a failing one still reports which field it was.
    let mut bytes = sample().to_flatbuffer();
    let marker = b"@root-name@";
    let at = bytes
        .windows(marker.len())
        .position(|window| window == marker)
        .unwrap();
    // The string's length prefix, just before its bytes: claim far too many.
    bytes[at - 4..at].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
    let error = Monster::from_flatbuffer(&bytes).unwrap_err();
    assert!(matches!(error, DecodeError::Invalid(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("while verifying table field `name`"),
        "{text}"
    );
    assert!(text.contains("out of bounds"), "{text}");
}
