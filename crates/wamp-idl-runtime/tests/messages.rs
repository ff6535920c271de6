//! The message model: validation, typed Options/Details, payload modes,
//! typed payloads, zero-copy args, transparent payload placement.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use wamp_idl_runtime::message::keys::{CancelMode, MatchPolicy};
use wamp_idl_runtime::message::{
    Call, Cancel, EventReceived, Message, MessageType, Publish, Subscribe, TransparentForm,
    Unregistered,
};
use wamp_idl_runtime::payload::Payload;
use wamp_idl_runtime::serializer::{Codec, Serializer, UbjsonDialect};
use wamp_idl_runtime::value::{Dict, Value};

fn json(text: &str) -> Result<Message, String> {
    Codec::new(Serializer::Json)
        .decode(text.as_bytes().to_vec())
        .map_err(|e| e.to_string())
}

#[test]
fn there_are_25_message_types_with_unique_codes() {
    let codes: std::collections::BTreeSet<u64> =
        MessageType::all().map(MessageType::code).collect();
    assert_eq!(codes.len(), 25);
    for ty in MessageType::all() {
        assert_eq!(MessageType::from_code(ty.code()), Some(ty));
    }
    assert_eq!(MessageType::EventReceived.code(), 337);
}

#[test]
fn event_received_uses_code_337_in_every_format() {
    let msg = Message::from(EventReceived { publication: 1 });
    let expect: [(Serializer, &[u8]); 5] = [
        (Serializer::Json, b"[337,1]"),
        (Serializer::MsgPack, &[0x92, 0xcd, 0x01, 0x51, 0x01]),
        (Serializer::Cbor, &[0x82, 0x19, 0x01, 0x51, 0x01]),
        (
            Serializer::Ubjson(UbjsonDialect::BjData),
            b"[u\x51\x01U\x01]",
        ),
        (
            Serializer::Ubjson(UbjsonDialect::Draft12),
            b"[I\x01\x51U\x01]",
        ),
    ];
    for (s, bytes) in expect {
        let codec = Codec::new(s);
        assert_eq!(codec.encode(&msg).unwrap(), bytes, "{s:?}");
        assert_eq!(codec.decode(bytes.to_vec()).unwrap(), msg, "{s:?}");
    }
}

#[test]
fn wrong_types_for_known_keys_are_rejected_naming_the_key() {
    let cases = [
        (
            r#"[16,1,{"acknowledge":"yes"},"t"]"#,
            "PUBLISH options.acknowledge: expected bool, got string",
        ),
        (
            r#"[16,1,{"exclude":[1,"x"]},"t"]"#,
            "PUBLISH options.exclude: item 1: expected ID, got string",
        ),
        (
            r#"[16,1,{"exclude":[0]},"t"]"#,
            "PUBLISH options.exclude: item 0: 0 is not a valid ID (1 to 2^53)",
        ),
        (
            r#"[16,1,{"forward_for":[{"session":1,"authid":"a"}]},"t"]"#,
            "PUBLISH options.forward_for: item 0: missing key `authrole`",
        ),
        (
            r#"[32,1,{"match":"regex"},"t"]"#,
            r#"SUBSCRIBE options.match: expected one of "exact", "prefix", "wildcard", got "regex""#,
        ),
        (
            r#"[48,1,{"timeout":-5},"p"]"#,
            "CALL options.timeout: expected non-negative integer, got integer",
        ),
        (
            r#"[49,1,{"mode":"stop"}]"#,
            r#"CANCEL options.mode: expected one of "skip", "kill", "killnowait", got "stop""#,
        ),
        (
            r#"[36,1,2,{"trustlevel":"high"}]"#,
            "EVENT details.trustlevel: expected non-negative integer, got string",
        ),
        (
            r#"[70,1,{"progress":1}]"#,
            "YIELD options.progress: expected bool, got integer",
        ),
        (
            r#"[50,1,{"progress":null}]"#,
            "RESULT details.progress: expected bool, got null",
        ),
        (
            r#"[1,"realm",{"authmethods":"ticket"}]"#,
            "HELLO details.authmethods: expected list of strings, got string",
        ),
        (
            r#"[6,{"message":1},"wamp.close.normal"]"#,
            "GOODBYE details.message: expected string, got integer",
        ),
        (
            r#"[67,0,{"registration":"x"}]"#,
            "UNREGISTERED details.registration: expected ID, got string",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(json(text).unwrap_err(), expected, "{text}");
    }
}

#[test]
fn structure_errors_name_the_element() {
    let cases = [
        (
            r#"[16,0,{},"t"]"#,
            "PUBLISH Request: 0 is not a valid ID (1 to 2^53)",
        ),
        (
            r#"[16,1,[],"t"]"#,
            "PUBLISH Options: expected dict, got list",
        ),
        (
            r#"[16,1,{},"bad uri"]"#,
            "PUBLISH Topic: URI `bad uri` contains the character ' '",
        ),
        (
            r#"[16,1,{},"a..b"]"#,
            "PUBLISH Topic: URI `a..b` has an empty component",
        ),
        (
            r#"[16,1,{},"t","args"]"#,
            "PUBLISH args: expected list, got string",
        ),
        (
            r#"[16,1,{},"t",[],[]]"#,
            "PUBLISH kwargs: expected dict, got list",
        ),
        (
            r#"[8,36,1,{},"wamp.error.x"]"#,
            "ERROR ReqType: 36 is not a request type that can fail (16, 32, 34, 48, 64, 66, 68)",
        ),
        (
            r#"[35,0]"#,
            "UNSUBSCRIBED Request: 0 is allowed only in the revocation form with Details",
        ),
        (
            r#"["16",1,{},"t"]"#,
            "message type code: expected integer, got string",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(json(text).unwrap_err(), expected, "{text}");
    }
}

#[test]
fn pattern_uris_follow_the_match_policy() {
    assert!(json(r#"[32,1,{"match":"wildcard"},"com..topic"]"#).is_ok());
    assert!(json(r#"[32,1,{"match":"prefix"},"com.myapp."]"#).is_ok());
    assert!(json(r#"[32,1,{"match":"prefix"},"com..x"]"#).is_err());
    assert!(json(r#"[64,1,{"match":"wildcard"},"com..proc"]"#).is_ok());
    assert!(json(r#"[64,1,{},"com..proc"]"#).is_err());
}

#[test]
fn revocation_forms_allow_request_zero() {
    let msg = json(r#"[67,0,{"registration":42,"reason":"wamp.error.kicked"}]"#).unwrap();
    let Message::Unregistered(Unregistered {
        request: 0,
        details: Some(d),
    }) = &msg
    else {
        panic!("{msg:?}")
    };
    assert_eq!(d.registration(), Some(42));
    assert!(json(r#"[35,0,{"subscription":7}]"#).is_ok());
}

#[test]
fn unknown_keys_round_trip_in_order() {
    let text =
        r#"[48,7,{"zz":1,"_custom_x":{"n":[1,2]},"receive_progress":true,"aa":"x"},"com.p",[]]"#;
    let msg = json(text).unwrap();
    let Message::Call(call) = &msg else { panic!() };
    assert_eq!(call.options.receive_progress(), Some(true));
    assert_eq!(
        call.options.keys().collect::<Vec<_>>(),
        ["zz", "_custom_x", "receive_progress", "aa"]
    );
    assert_eq!(
        Codec::new(Serializer::Json).encode(&msg).unwrap(),
        text.as_bytes()
    );
}

#[test]
fn typed_option_setters_write_wire_values() {
    let mut subscribe = Subscribe {
        request: 1,
        topic: "com.myapp".into(),
        ..Subscribe::default()
    };
    subscribe
        .options
        .set_match_policy(MatchPolicy::Prefix)
        .set_get_retained(true);
    let bytes = Codec::new(Serializer::Json)
        .encode(&subscribe.clone().into())
        .unwrap();
    assert_eq!(
        bytes,
        br#"[32,1,{"match":"prefix","get_retained":true},"com.myapp"]"#
    );

    let mut cancel = Cancel {
        request: 3,
        ..Cancel::default()
    };
    cancel.options.set_mode(CancelMode::KillNoWait);
    assert_eq!(cancel.options.mode(), Some(CancelMode::KillNoWait));
    let mut publish = Publish::new(1, "t");
    publish
        .options
        .set_exclude(vec![1, 2])
        .set_eligible_authrole(vec!["admin".to_string()]);
    assert_eq!(publish.options.exclude(), Some(vec![1, 2]));
    assert_eq!(publish.options.eligible_authrole(), Some(vec!["admin"]));
    assert!(Message::from(publish).validate().is_ok());
}

#[test]
fn args_stay_raw_slices_of_the_frame() {
    let frame = Bytes::from_static(br#"[48,7,{},"com.p",[1,"two",{"three":3}],{"k":"v"}]"#);
    let msg = Codec::new(Serializer::Json).decode(frame.clone()).unwrap();
    let payload = msg.payload().unwrap();
    let (args, format) = payload.args().unwrap().encoded().unwrap();
    assert_eq!(format, Serializer::Json);
    assert_eq!(&args[..], br#"[1,"two",{"three":3}]"#);
    // Zero-copy: the slice points into the frame's buffer.
    let range = frame.as_ptr() as usize..frame.as_ptr() as usize + frame.len();
    assert!(range.contains(&(args.as_ptr() as usize)));
    let (kwargs, _) = payload.kwargs().unwrap().encoded().unwrap();
    assert_eq!(&kwargs[..], br#"{"k":"v"}"#);
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Order {
    id: u64,
    items: Vec<String>,
    note: Option<String>,
    #[serde(with = "serde_bytes_like")]
    blob: Vec<u8>,
}

/// Serializes a `Vec<u8>` as bytes (what `serde_bytes` does), to check the bytes path.
mod serde_bytes_like {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
        }
        d.deserialize_byte_buf(V)
    }
}

#[test]
fn typed_payloads_round_trip_through_every_format() {
    let order = Order {
        id: 1 << 53,
        items: vec!["tea".into(), "scone".into()],
        note: None,
        blob: vec![0, 255, 16],
    };
    let mut call = Call::new(5, "com.shop.order");
    call.payload = Payload::from_serialize_args(&(order.id, "express"))
        .unwrap()
        .with_serialize_kwargs(&order)
        .unwrap();
    let msg = Message::from(call);
    for s in Serializer::ALL {
        let codec = Codec::new(s);
        let back = codec.decode(codec.encode(&msg).unwrap()).unwrap();
        let payload = back.payload().unwrap();
        let (id, mode): (u64, String) = payload.args().unwrap().deserialize().unwrap();
        assert_eq!((id, mode.as_str()), (1 << 53, "express"), "{s:?}");
        let got: Order = payload.kwargs().unwrap().deserialize().unwrap();
        assert_eq!(got, order, "{s:?}");
    }
    // A type mismatch is a payload error that says what went wrong.
    let err = msg
        .payload()
        .unwrap()
        .args()
        .unwrap()
        .deserialize::<(String, String)>()
        .unwrap_err();
    assert!(err.to_string().contains("invalid type: integer"), "{err}");
    assert!(Payload::from_serialize_args(&5u8).is_err());
}

#[test]
fn kwargs_only_is_sent_with_empty_args() {
    let mut kwargs = Dict::new();
    kwargs.insert("a", 1u64);
    let payload = Payload::Normal {
        args: None,
        kwargs: Some(wamp_idl_runtime::RawValue::from_value(Value::Dict(kwargs))),
    };
    let mut publish = Publish::new(1, "t");
    publish.payload = payload;
    let bytes = Codec::new(Serializer::Json)
        .encode(&publish.into())
        .unwrap();
    assert_eq!(bytes, br#"[16,1,{},"t",[],{"a":1}]"#);
}

#[test]
fn transparent_payload_placement() {
    // AB/TV form: the bytes replace args.
    let ab = r#"[16,1,{"enc_algo":"cryptobox","enc_serializer":"cbor"},"t","\u0000AQID"]"#;
    let msg = json(ab).unwrap();
    assert_eq!(
        msg.payload().unwrap().transparent_bytes().map(|b| &b[..]),
        Some(&[1u8, 2, 3][..])
    );
    assert_eq!(
        Codec::new(Serializer::Json).encode(&msg).unwrap(),
        ab.as_bytes()
    );
    // Spec form: the bytes are the only item of args; decodes to the same payload.
    let spec = r#"[16,1,{"enc_algo":"cryptobox","enc_serializer":"cbor"},"t",["\u0000AQID"]]"#;
    let spec_msg = json(spec).unwrap();
    assert_eq!(spec_msg, msg);
    let spec_codec = Codec::new(Serializer::Json).with_transparent_form(TransparentForm::Spec);
    assert_eq!(spec_codec.encode(&msg).unwrap(), spec.as_bytes());
    // The spec's key names work too.
    assert!(json(r#"[36,1,2,{"ppt_scheme":"wamp","ppt_serializer":"cbor"},"\u0000AQID"]"#).is_ok());
}

#[test]
fn payload_mode_conflicts_are_clear_errors() {
    assert_eq!(
        json(r#"[16,1,{"enc_algo":"cryptobox"},"t",["a"]]"#).unwrap_err(),
        "PUBLISH: options.enc_algo announces a transparent payload, but the message carries args/kwargs"
    );
    assert_eq!(
        json(r#"[16,1,{},"t","\u0000AQID"]"#).unwrap_err(),
        "PUBLISH: transparent payload without options.enc_algo or options.ppt_scheme"
    );
    assert_eq!(
        json(r#"[16,1,{"enc_algo":"cryptobox"},"t","\u0000AQID",{}]"#).unwrap_err(),
        "PUBLISH payload: a transparent payload cannot be followed by a kwargs element"
    );
    assert!(Payload::transparent(vec![1])
        .with_serialize_kwargs(&Dict::new())
        .is_err());
    assert!(json(r#"[16,1,{"enc_algo":"rot13"},"t","\u0000AQID"]"#)
        .unwrap_err()
        .contains("enc_algo"));
}

#[test]
fn null_args_are_tolerated_on_input() {
    // Read as the `[]` they are written back as (see hostile.rs).
    let msg = json(r#"[36,1,2,{},null,{"k":1}]"#).unwrap();
    let payload = msg.payload().unwrap();
    assert_eq!(payload.args_list().unwrap(), Some(Vec::new()));
    assert_eq!(
        payload.kwargs_dict().unwrap().unwrap().get("k"),
        Some(&Value::UInt(1))
    );
}

#[test]
fn raw_args_convert_between_formats() {
    let msg = json(r#"[50,9,{},["\u0000AQID",-1,2.5,"ü"]]"#).unwrap();
    let cbor = Codec::new(Serializer::Cbor).encode(&msg).unwrap();
    assert_eq!(
        cbor,
        [
            0x84, 0x18, 0x32, 0x09, 0xa0, 0x84, 0x43, 1, 2, 3, 0x20, 0xfb, 0x40, 0x04, 0, 0, 0, 0,
            0, 0, 0x62, 0xc3, 0xbc
        ]
    );
    assert_eq!(Codec::new(Serializer::Cbor).decode(cbor).unwrap(), msg);
}
