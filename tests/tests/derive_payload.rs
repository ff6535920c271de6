//! `#[derive(WampPayload)]` on plain structs: the args/kwargs mapping through
//! every serializer, WAMP field-path errors, validation, and the `.fbs` text
//! each struct exports (compiled with wamp-idl-core and checked clean).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use wamp_idl_runtime::message::Message;
use wamp_idl_runtime::typed::{self, FieldSlot, PayloadMode, WampPayload};
use wamp_idl_runtime::{Codec, Dict, Payload, Serializer, Value};

/// A nested table (travels as a dict keyed by field name).
#[derive(wamp_idl_runtime::WampPayload, Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Origin {
    host: String,
    port: u16,
}

/// Positional arguments first, then keyword arguments.
#[derive(wamp_idl_runtime::WampPayload, Clone, Debug, PartialEq)]
struct Kill {
    #[wamp(id)]
    session: u64,
    #[wamp(arg)]
    tags: Vec<String>,
    note: Option<String>,
    #[wamp(kwarg, uri)]
    reason: Option<String>,
    #[wamp(kwarg, uri = "wampuri_pp", required)]
    prefix: Option<String>,
    #[wamp(kwarg, uuid)]
    oid: Option<String>,
    #[wamp(kwarg)]
    origin: Option<Origin>,
    #[wamp(kwarg)]
    scale: f64,
}

fn kill() -> Kill {
    Kill {
        session: 42,
        tags: vec!["a".into(), "b".into()],
        note: None,
        reason: Some("wamp.close.killed".into()),
        prefix: Some("com.example".into()),
        oid: Some("88711231-3d95-44bc-9464-58d871dd7fd7".into()),
        origin: Some(Origin {
            host: "example.com".into(),
            port: 8080,
        }),
        scale: 0.5,
    }
}

#[test]
fn fields_map_onto_args_then_kwargs() {
    assert_eq!(
        Kill::FIELDS,
        &[
            ("session", FieldSlot::Arg(0)),
            ("tags", FieldSlot::Arg(1)),
            ("note", FieldSlot::Arg(2)),
            ("reason", FieldSlot::Kwarg),
            ("prefix", FieldSlot::Kwarg),
            ("oid", FieldSlot::Kwarg),
            ("origin", FieldSlot::Kwarg),
            ("scale", FieldSlot::Kwarg),
        ]
    );
    assert_eq!(Kill::TYPE_NAME, "Kill");
    let payload = kill().to_payload().unwrap();
    // The absent trailing argument `note` is left out.
    assert_eq!(
        payload.args_list().unwrap(),
        Some(vec![
            Value::from(42u64),
            Value::List(vec![Value::from("a"), Value::from("b")])
        ])
    );
    let kwargs = payload.kwargs_dict().unwrap().unwrap();
    assert_eq!(
        kwargs.get("reason"),
        Some(&Value::from("wamp.close.killed"))
    );
    assert_eq!(kwargs.get("scale"), Some(&Value::from(0.5)));
    let Some(Value::Dict(origin)) = kwargs.get("origin") else {
        panic!("origin is not a dict: {kwargs:?}");
    };
    assert_eq!(origin.get("port"), Some(&Value::from(8080u64)));

    // Absent optional keyword arguments are left out.
    let mut sparse = kill();
    sparse.reason = None;
    sparse.oid = None;
    sparse.origin = None;
    let kwargs = sparse.to_payload().unwrap().kwargs_dict().unwrap().unwrap();
    let mut keys: Vec<String> = kwargs.iter().map(|(k, _)| k.to_string()).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["prefix", "scale"]);
    assert_eq!(
        Kill::from_payload(&sparse.to_payload().unwrap()),
        Ok(sparse)
    );
}

#[test]
fn round_trips_through_every_serializer() {
    let mut with_note = kill();
    with_note.note = Some("bye".into());
    for value in [kill(), with_note] {
        assert_eq!(
            Kill::from_payload(&value.to_payload().unwrap()),
            Ok(value.clone())
        );
        for serializer in Serializer::ALL {
            let payload = value.to_payload_in(Some(serializer)).unwrap();
            assert_eq!(
                Kill::from_payload(&payload),
                Ok(value.clone()),
                "{serializer:?}"
            );
            // And as a whole message, through bytes.
            for mode in [PayloadMode::Values, PayloadMode::Encoded(serializer)] {
                let message = typed::yield_message(7, &value, mode).unwrap();
                let codec = Codec::new(serializer);
                let back = codec
                    .decode(codec.encode(&Message::Yield(message)).unwrap())
                    .unwrap();
                let Message::Yield(back) = back else {
                    panic!("not a YIELD: {back:?}");
                };
                let decoded: Kill = typed::decode_payload(&back.payload, &back.options.0).unwrap();
                assert_eq!(decoded, value, "{serializer:?} {mode:?}");
            }
        }
    }
}

fn error_of(args: Vec<Value>, kwargs: Dict) -> String {
    let payload = Payload::from_args_kwargs(args, kwargs);
    Kill::from_payload(&payload).unwrap_err().to_string()
}

fn good_kwargs() -> Dict {
    let mut kwargs = Dict::new();
    kwargs.insert("prefix", "com.example");
    kwargs.insert("scale", 1.0);
    kwargs
}

#[test]
fn errors_name_the_wamp_field_path() {
    let tags = Value::List(vec![]);
    let error = error_of(vec![Value::from("42"), tags.clone()], good_kwargs());
    assert!(error.starts_with("args[0]: "), "{error}");
    let error = error_of(vec![Value::from(1u64), Value::from(3u64)], good_kwargs());
    assert!(error.starts_with("args[1]: "), "{error}");
    let mut kwargs = good_kwargs();
    kwargs.insert("scale", "big");
    let error = error_of(vec![Value::from(1u64), tags.clone()], kwargs);
    assert!(error.starts_with("kwargs.scale: "), "{error}");

    // Missing required values: a non-`Option` argument, a `required` kwarg.
    let error = error_of(vec![Value::from(1u64)], good_kwargs());
    assert_eq!(error, "args: missing required argument 1 (`tags`)");
    let mut kwargs = good_kwargs();
    kwargs.insert("prefix", Value::Null);
    let error = error_of(vec![Value::from(1u64), tags.clone()], kwargs);
    assert_eq!(error, "kwargs: missing required keyword argument `prefix`");
    let error = Kill::from_payload(&Payload::default())
        .unwrap_err()
        .to_string();
    assert_eq!(error, "args: missing required argument 0 (`session`)");

    // Unknown keyword arguments and extra positional arguments are ignored.
    let mut kwargs = good_kwargs();
    kwargs.insert("newer", true);
    let payload = Payload::from_args_kwargs(
        vec![Value::from(1u64), tags, Value::Null, Value::from("x")],
        kwargs,
    );
    assert_eq!(Kill::from_payload(&payload).unwrap().session, 1);
}

#[test]
fn wamp_rules_are_validated_with_field_paths() {
    let mut bad = kill();
    bad.session = 0;
    let error = Kill::from_payload(&bad.to_payload().unwrap()).unwrap_err();
    assert!(
        error.to_string().starts_with("args[0]: 0 is not a WAMP id"),
        "{error}"
    );
    bad.session = (1 << 53) + 1;
    assert!(bad.validate_payload().is_err());
    bad.session = 1 << 53;
    assert_eq!(bad.validate_payload(), Ok(()));

    let mut bad = kill();
    bad.reason = Some("a..b".into());
    let error = bad.validate_payload().unwrap_err().to_string();
    assert!(error.starts_with("kwargs.reason: "), "{error}");

    // `wampuri_pp` (a prefix) still needs non-empty components.
    let mut bad = kill();
    bad.prefix = Some("com..example".into());
    let error = bad.validate_payload().unwrap_err().to_string();
    assert!(error.starts_with("kwargs.prefix: "), "{error}");

    let mut bad = kill();
    bad.oid = Some("not-a-uuid".into());
    let error = bad.validate_payload().unwrap_err().to_string();
    assert!(error.starts_with("kwargs.oid: "), "{error}");
}

#[test]
fn flatbuffers_payloads_are_refused_with_a_message() {
    let error = Kill::from_flatbuffer_bytes(&[]).unwrap_err().to_string();
    assert!(error.contains("has no FlatBuffers encoding"), "{error}");
    // Sending one as a FlatBuffers payload is refused up front, never sent empty.
    let mut options = Dict::new();
    let error = typed::encode_payload(&kill(), PayloadMode::FlatBuffers, &mut options)
        .unwrap_err()
        .to_string();
    assert!(error.contains("has no FlatBuffers encoding"), "{error}");
    assert!(
        options.is_empty(),
        "no transparent-payload keys written: {options:?}"
    );
}

#[test]
fn exported_fbs_text_compiles_clean() {
    assert_eq!(
        Origin::WAMP_FBS,
        "table Origin {\n  host: string (arg, required);\n  port: uint16 (arg);\n}\n"
    );
    assert_eq!(
        Kill::WAMP_FBS,
        "table Kill {\n  \
         session: uint64 (arg, wampid);\n  \
         tags: [string] (arg, required);\n  \
         note: string (arg);\n  \
         reason: string (kwarg, wampuri);\n  \
         prefix: string (kwarg, wampuri_pp, required);\n  \
         oid: string (kwarg, uuid);\n  \
         origin: Origin (kwarg);\n  \
         scale: float64 (kwarg);\n}\n"
    );
    let catalog = format!(
        "include \"wamp.fbs\";\n\nnamespace derived;\n\n{}\n{}",
        Origin::WAMP_FBS,
        Kill::WAMP_FBS
    );
    let loader = wamp_idl_core::MemoryLoader::new()
        .with("derived.fbs", catalog)
        .with("wamp.fbs", include_str!("../../schemas/wamp.fbs"));
    let compiled = wamp_idl_core::compile(
        &[PathBuf::from("derived.fbs")],
        &wamp_idl_core::Options::default(),
        &loader,
    );
    let rendered: Vec<String> = compiled
        .diagnostics
        .iter()
        .map(|d| d.render(&compiled.sources))
        .collect();
    assert!(rendered.is_empty(), "{}", rendered.join("\n"));
    assert!(compiled.schema.is_some());
}
