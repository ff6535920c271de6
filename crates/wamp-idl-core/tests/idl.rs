//! End-to-end tests of the WAMP IDL layer: real schemas through `compile`.

use std::path::{Path, PathBuf};

use wamp_idl_core::diag::Severity;
use wamp_idl_core::idl::{MethodKind, UriRule, ValueConstraint};
use wamp_idl_core::{compile, Compiled, FsLoader, MemoryLoader, Options};

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

fn compile_meta() -> Compiled {
    let options = Options {
        include_dirs: vec![schemas_dir()],
    };
    compile(&[schemas_dir().join("wamp-meta.fbs")], &options, &FsLoader)
}

fn compile_memory(files: &[(&str, &str)]) -> Compiled {
    let mut loader = MemoryLoader::new();
    for (path, text) in files {
        loader = loader.with(*path, *text);
    }
    let root = PathBuf::from(files[0].0);
    compile(&[root], &Options::default(), &loader)
}

const BASE: &str = r#"
attribute arg; attribute kwarg; attribute type; attribute wampid; attribute wampuri; attribute uuid;
namespace wamp;
table Void {}
"#;

#[test]
fn wamp_base_file_checks_clean() {
    let compiled = compile(
        &[schemas_dir().join("wamp.fbs")],
        &Options::default(),
        &FsLoader,
    );
    let rendered = compiled.diagnostics.render(&compiled.sources);
    assert_eq!(rendered, "");
    let catalog = compiled.catalog.expect("catalog");
    assert!(catalog.interfaces.is_empty());
    let schema = compiled.schema.expect("schema");
    assert!(schema.find_object("wamp.Void").is_some());
    assert!(schema.find_object("wamp.uint128_t").is_some());
    for attr in [
        "arg",
        "kwarg",
        "wampid",
        "wampname_s",
        "wampuri_spp",
        "uuid",
        "ethadr",
        "type",
    ] {
        assert!(
            schema
                .declared_attributes
                .iter()
                .any(|(name, _)| name == attr),
            "`{attr}` not declared"
        );
    }
}

#[test]
fn meta_catalog_checks_clean_and_lists_the_meta_api() {
    let compiled = compile_meta();
    assert_eq!(compiled.diagnostics.render(&compiled.sources), "");
    let schema = compiled.schema.as_ref().expect("schema");
    let catalog = compiled.catalog.as_ref().expect("catalog");
    let meta = catalog.interface("wamp.IWampMeta").expect("IWampMeta");
    assert_eq!(
        meta.uuid.as_deref(),
        Some("88711231-3d95-44bc-9464-58d871dd7fd7")
    );
    assert_eq!(meta.uri_prefix.as_deref(), Some("wamp"));
    let procedures: Vec<&str> = meta.procedures.iter().map(|m| m.uri.as_str()).collect();
    let topics: Vec<&str> = meta.topics.iter().map(|m| m.uri.as_str()).collect();
    for uri in [
        "wamp.session.count",
        "wamp.session.list",
        "wamp.session.get",
        "wamp.session.kill",
        "wamp.session.kill_by_authid",
        "wamp.session.kill_by_authrole",
        "wamp.session.kill_all",
        "wamp.registration.list",
        "wamp.registration.lookup",
        "wamp.registration.match",
        "wamp.registration.get",
        "wamp.registration.list_callees",
        "wamp.registration.count_callees",
        "wamp.subscription.list",
        "wamp.subscription.lookup",
        "wamp.subscription.match",
        "wamp.subscription.get",
        "wamp.subscription.list_subscribers",
        "wamp.subscription.count_subscribers",
    ] {
        assert!(procedures.contains(&uri), "missing procedure {uri}");
    }
    for uri in [
        "wamp.session.on_join",
        "wamp.session.on_leave",
        "wamp.registration.on_create",
        "wamp.registration.on_register",
        "wamp.registration.on_unregister",
        "wamp.registration.on_delete",
        "wamp.subscription.on_create",
        "wamp.subscription.on_subscribe",
        "wamp.subscription.on_unsubscribe",
        "wamp.subscription.on_delete",
    ] {
        assert!(topics.contains(&uri), "missing topic {uri}");
    }
    assert_eq!((procedures.len(), topics.len()), (19, 10));
    assert!(meta.topics.iter().all(|t| t.kind == MethodKind::Topic));

    // wamp.session.kill: args [session (wampid)], kwargs {reason (wampuri), message}.
    let (_, kill) = catalog.method_by_uri("wamp.session.kill").expect("kill");
    let payload = catalog.payload(kill.request).expect("payload");
    let args: Vec<&str> = payload.args.iter().map(|f| f.name.as_str()).collect();
    let kwargs: Vec<&str> = payload.kwargs.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(args, ["session"]);
    assert_eq!(kwargs, ["reason", "message"]);
    assert_eq!(payload.args[0].constraint, Some(ValueConstraint::WampId));
    assert_eq!(
        payload.kwargs[0].constraint,
        Some(ValueConstraint::Uri(UriRule::Uri))
    );
    assert_eq!(
        payload.kwargs[0]
            .def(schema, kill.request)
            .map(|f| f.name.as_str()),
        Some("reason")
    );
    assert_eq!(schema.object(kill.response).name, "Void");
    assert!(catalog.payload(kill.response).is_some_and(|p| p.is_empty()));
}

#[test]
fn meta_catalog_json_and_markdown() {
    let compiled = compile_meta();
    let schema = compiled.schema.as_ref().expect("schema");
    let catalog = compiled.catalog.as_ref().expect("catalog");
    let json = wamp_idl_core::catalog::to_json(catalog, schema, &compiled.sources);
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(value["interfaces"][0]["name"], "IWampMeta");
    let kill = &value["payloads"]["wamp.SessionKillByAuthid"];
    assert_eq!(kill["args"][0]["name"], "authid");
    assert_eq!(kill["args"][0]["type"], "string");
    assert_eq!(kill["kwargs"][0]["wamp"], "wampuri");
    assert_eq!(
        value["payloads"]["wamp.SessionIds"]["args"][0]["type"],
        "[ulong]"
    );
    let md = wamp_idl_core::catalog::to_markdown(catalog, schema, &compiled.sources);
    assert!(md.contains("## Interface `wamp.IWampMeta`"));
    assert!(md.contains("#### `wamp.session.kill_by_authid`"));
    assert!(
        md.contains("| kwargs | `reason` | `string` | `wampuri` |"),
        "{md}"
    );
}

#[test]
fn spec_style_catalog_with_root_namespace_void_works() {
    // The spec's wamp.fbs declares `Void` without a namespace; catalogs in
    // `namespace wamp` refer to it unqualified.
    let compiled = compile_memory(&[
        (
            "meta.fbs",
            r#"include "base.fbs";
namespace wamp;
table SessionInfo { session: uint64 (wampid); }
rpc_service IWampMeta (type: "interface", uuid: "88711231-3d95-44bc-9464-58d871dd7fd7", wampuri: "wamp") {
    session_on_join (SessionInfo): Void (type: "topic", wampuri: "wamp.session.on_join");
}
"#,
        ),
        (
            "base.fbs",
            "attribute arg; attribute kwarg; attribute type; attribute wampid; attribute wampuri; attribute uuid;\ntable Void {}\n",
        ),
    ]);
    assert_eq!(compiled.diagnostics.render(&compiled.sources), "");
    let catalog = compiled.catalog.expect("catalog");
    assert_eq!(catalog.interfaces[0].topics[0].uri, "wamp.session.on_join");
}

#[test]
fn duplicate_uri_is_a_warning_pointing_at_the_first_use() {
    let compiled = compile_memory(&[
        (
            "calc.fbs",
            r#"include "base.fbs";
namespace calc;
table Args { a: int; }
rpc_service ICalc (type: "interface", uuid: "4ac8a6b5-9d2b-4a5c-8a3c-5e0f0d7e3b11", wampuri: "com.calc") {
    add (Args): Args (type: "procedure", wampuri: "com.calc.add");
    on_add (Args): wamp.Void (type: "topic", wampuri: "com.calc.add");
}
"#,
        ),
        ("base.fbs", BASE),
    ]);
    assert!(!compiled.diagnostics.has_errors());
    let diags: Vec<_> = compiled.diagnostics.iter().collect();
    assert_eq!(
        diags.len(),
        1,
        "{}",
        compiled.diagnostics.render(&compiled.sources)
    );
    assert_eq!(diags[0].severity, Severity::Warning);
    assert_eq!(diags[0].message, "URI `com.calc.add` is declared twice");
    assert_eq!(diags[0].secondary[0].message, "first used here");
    let rendered = compiled.diagnostics.render(&compiled.sources);
    assert!(rendered.contains("calc.fbs:6:"), "{rendered}");
    assert!(rendered.contains("--> calc.fbs:5:"), "{rendered}");
}

#[test]
fn plain_flatbuffers_services_are_ignored() {
    let compiled = compile_memory(&[
        (
            "svc.fbs",
            r#"include "base.fbs";
namespace svc;
table Req { a: int; }
rpc_service Greeter { hello (Req): Req (streaming: "none"); }
"#,
        ),
        ("base.fbs", BASE),
    ]);
    assert_eq!(compiled.diagnostics.render(&compiled.sources), "");
    assert!(compiled.catalog.expect("catalog").interfaces.is_empty());
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let compiled = compile_memory(&[
        (
            "bad.fbs",
            r#"include "base.fbs";
namespace bad;
table T { a: int (kwarg); b: int; c: string (wampid); }
rpc_service I (type: "interface", uuid: "nope", wampuri: "a..b") {
    m (T): T (type: "topic", wampuri: "a b");
}
"#,
        ),
        ("base.fbs", BASE),
    ]);
    let messages: Vec<&str> = compiled
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    for expected in [
        "positional field `b` follows keyword field `a`",
        "`wampid` applies to integer fields, found `string`",
        "invalid uuid `nope`",
        "invalid WAMP URI `a..b`",
        "invalid WAMP URI `a b`",
        "topic `m` of interface `I` must return `Void`",
    ] {
        assert!(
            messages.contains(&expected),
            "missing {expected:?} in {messages:#?}"
        );
    }
}

#[test]
fn user_catalog_in_its_own_namespace_uses_wamp_void() {
    // The example of the `idl` module docs, against our schemas/wamp.fbs.
    let text = r#"include "wamp.fbs";
namespace com.example;

table AddArgs { a: int; b: int; }
table AddResult { sum: int; }
table Added { sum: int; by: string (kwarg, wampname); }

rpc_service ICalc (type: "interface", uuid: "4ac8a6b5-9d2b-4a5c-8a3c-5e0f0d7e3b11",
                   wampuri: "com.example") {
    add (AddArgs): AddResult (type: "procedure", wampuri: "com.example.add");
    on_add (Added): wamp.Void (type: "topic", wampuri: "com.example.on_add");
}
"#;
    let wamp = std::fs::read_to_string(schemas_dir().join("wamp.fbs")).expect("read wamp.fbs");
    let compiled = compile_memory(&[("calc.fbs", text), ("wamp.fbs", &wamp)]);
    assert_eq!(compiled.diagnostics.render(&compiled.sources), "");
    let catalog = compiled.catalog.expect("catalog");
    let calc = catalog.interface("ICalc").expect("ICalc");
    assert_eq!(calc.procedures[0].uri, "com.example.add");
    let added = catalog.payload(calc.topics[0].request).expect("payload");
    assert_eq!(added.args.len(), 1);
    assert_eq!(
        added.kwargs[0].constraint,
        Some(ValueConstraint::Uri(UriRule::Name))
    );
}

/// The official catalog's shapes (WAMP-REFERENCE §5.5): methods without `type`
/// are procedures, methods without `wampuri` extend the interface prefix, and
/// URI templates keep their placeholders.
#[test]
fn official_catalog_shapes() {
    use wamp_idl_core::idl::uri::PlaceholderKind;
    let options = Options {
        include_dirs: vec![schemas_dir()],
    };
    for name in ["wamp-auth.fbs", "wamp-control.fbs", "wamp-exchange.fbs"] {
        let compiled = compile(&[schemas_dir().join(name)], &options, &FsLoader);
        let errors: Vec<_> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.message.clone())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let catalog = compiled.catalog.expect("catalog");
        match name {
            "wamp-control.fbs" => {
                let control = catalog.interface("INodeControl").unwrap();
                assert_eq!(control.procedures.len() + control.topics.len(), 27);
                let first = &control.procedures[0];
                assert_eq!(
                    first.uri,
                    "crossbarfabriccenter.node.<node_id:str>.worker.<worker_id:str>.get_router_realms"
                );
                let names: Vec<_> = first
                    .placeholders
                    .iter()
                    .map(|p| (p.name.as_str(), p.kind))
                    .collect();
                assert_eq!(
                    names,
                    [
                        ("node_id", PlaceholderKind::String),
                        ("worker_id", PlaceholderKind::String)
                    ]
                );
            }
            "wamp-exchange.fbs" => {
                for interface in &catalog.interfaces {
                    assert_eq!(interface.procedures.len(), 1);
                    assert_eq!(interface.procedures[0].uri, "wamp.fixme");
                    assert_eq!(interface.procedures[0].kind, MethodKind::Procedure);
                }
            }
            _ => {
                let auth = catalog.interface("IWampAuthorize").unwrap();
                assert_eq!(auth.procedures[0].uri, "wamp.session.authorize");
                assert!(auth.procedures[0].placeholders.is_empty());
            }
        }
    }
}
