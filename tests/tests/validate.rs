//! `validate()` checks the WAMP IDL value rules with field paths.

use wamp_idl_tests::game::test::game::Session;

fn valid() -> Session {
    Session {
        session: 1,
        authid: Some("joe".into()),
        realm: Some("com.example".into()),
        pattern: Some("com..add".into()),
        oid: Some("88711231-3d95-44bc-9464-58d871dd7fd7".into()),
        address: Some("0x52908400098527886E0F7030069857D2E4169EE7".into()),
        session_ids: Some(vec![1, 2, 1 << 53]),
        details: None,
    }
}

#[test]
fn valid_values_pass() {
    assert_eq!(valid().validate(), Ok(()));
    assert_eq!(Session::default().session, 0);
}

#[test]
fn errors_name_the_field_path() {
    let mut s = valid();
    s.session_ids = Some(vec![1, 2, 3, 0]);
    let error = s.validate().unwrap_err();
    assert_eq!(error.path, "session_ids[3]");
    assert_eq!(
        error.to_string(),
        "session_ids[3]: 0 is not a WAMP id (ids are integers in [1, 2^53])"
    );

    let mut s = valid();
    s.details = Some(Box::new(Session {
        authid: Some("a.b".into()),
        ..valid()
    }));
    let error = s.validate().unwrap_err();
    assert_eq!(
        error.to_string(),
        "details.authid: `a.b` does not follow the `wampname` rule"
    );

    let mut s = valid();
    s.session = (1 << 53) + 1;
    assert_eq!(s.validate().unwrap_err().path, "session");

    let mut s = valid();
    s.realm = Some("com..x".into());
    assert_eq!(s.validate().unwrap_err().path, "realm");

    let mut s = valid();
    s.oid = Some("not-a-uuid".into());
    assert_eq!(s.validate().unwrap_err().path, "oid");

    let mut s = valid();
    s.address = Some("0x123".into());
    assert_eq!(s.validate().unwrap_err().path, "address");
}
