//! Runs the built `wamp-idl` binary on real files and checks exit codes and output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wamp_idl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wamp-idl"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("run wamp-idl")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch directory unique to one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wamp-idl-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

#[test]
fn help_and_version() {
    let out = wamp_idl(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(help.contains("wamp-idl check"), "{help}");
    assert!(help.contains("--format"), "{help}");
    let out = wamp_idl(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("wamp-idl "));
}

#[test]
fn usage_errors_exit_2_with_usage() {
    for args in [
        &[][..],
        &["frobnicate"][..],
        &["check"][..],
        &["catalog", "schemas/wamp-meta.fbs", "--format", "xml"][..],
        &["bfbs", "schemas/wamp-meta.fbs"][..],
    ] {
        let out = wamp_idl(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains("Usage:"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn check_accepts_the_meta_catalog() {
    let out = wamp_idl(&["check", "-I", "schemas", "schemas/wamp-meta.fbs"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    // The file's own directory is searched first, so `-I` is not needed here.
    let out = wamp_idl(&["check", "schemas/wamp-meta.fbs", "schemas/wamp.fbs"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn check_reports_errors_with_exit_1() {
    let dir = scratch("errors");
    let inc = dir.join("inc");
    std::fs::create_dir_all(&inc).expect("mkdir");
    std::fs::copy(workspace().join("schemas/wamp.fbs"), inc.join("wamp.fbs")).expect("copy");
    let bad = dir.join("bad.fbs");
    std::fs::write(
        &bad,
        "include \"wamp.fbs\";\nnamespace calc;\ntable Kill {\n    session: string (wampid);\n}\n",
    )
    .expect("write");
    // Without `-I`, the include is not found.
    let out = wamp_idl(&["check", bad.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    // With it, the IDL error is reported at the field attribute.
    let out = wamp_idl(&[
        "check",
        "-I",
        inc.to_str().expect("utf-8"),
        bad.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("bad.fbs:4:22: error: `wampid` applies to integer fields, found `string`"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("\nerror: found 1 error in the schema\n"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn check_checks_each_file_on_its_own() {
    // Two independent catalogs may declare the same names; each is checked alone.
    let dir = scratch("independent");
    let text_of = "namespace calc;\ntable Args { a: int; }\n";
    let a = dir.join("a.fbs");
    let b = dir.join("b.fbs");
    std::fs::write(&a, text_of).expect("write");
    std::fs::write(&b, text_of).expect("write");
    let out = wamp_idl(&[
        "check",
        a.to_str().expect("utf-8"),
        b.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // An error in either file fails the run, and both files are reported.
    let c = dir.join("c.fbs");
    std::fs::write(&c, "table T { a: Nope; }\n").expect("write");
    let out = wamp_idl(&[
        "check",
        c.to_str().expect("utf-8"),
        a.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("c.fbs:1:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_allows_warnings() {
    let dir = scratch("warnings");
    let file = dir.join("dup.fbs");
    std::fs::write(
        &file,
        r#"include "wamp.fbs";
namespace calc;
table Args { a: int; }
rpc_service ICalc (type: "interface", uuid: "4ac8a6b5-9d2b-4a5c-8a3c-5e0f0d7e3b11", wampuri: "com.calc") {
    add (Args): Args (type: "procedure", wampuri: "com.calc.add");
    add2 (Args): Args (type: "procedure", wampuri: "com.calc.add");
}
"#,
    )
    .expect("write");
    let out = wamp_idl(&["check", "-I", "schemas", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: URI `com.calc.add` is declared twice"),
        "{stderr}"
    );
    assert!(stderr.contains("first used here"), "{stderr}");
}

#[test]
fn catalog_prints_json_and_markdown() {
    let out = wamp_idl(&[
        "catalog",
        "-I",
        "schemas",
        "schemas/wamp-meta.fbs",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = text(&out.stdout);
    assert!(json.starts_with("{\n  \"interfaces\": ["), "{json}");
    assert!(
        json.contains("\"uri\": \"wamp.session.kill_by_authrole\""),
        "{json}"
    );
    assert!(json.contains("\"wamp.SessionKill\": {"), "{json}");

    let out = wamp_idl(&[
        "catalog",
        "-Ischemas",
        "schemas/wamp-meta.fbs",
        "--format=markdown",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.starts_with("# WAMP catalog\n"), "{md}");
    assert!(md.contains("## Interface `wamp.IWampMeta`"), "{md}");
    assert!(md.contains("#### `wamp.subscription.on_delete`"), "{md}");
}

#[test]
fn missing_file_is_an_error() {
    let out = wamp_idl(&["catalog", "schemas/no-such-file.fbs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no-such-file.fbs"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn bfbs_writes_a_reflection_schema() {
    let dir = scratch("bfbs");
    let out_path = dir.join("wamp-meta.bfbs");
    let out = wamp_idl(&[
        "bfbs",
        "-I",
        "schemas",
        "schemas/wamp-meta.fbs",
        "-o",
        out_path.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let bytes = std::fs::read(&out_path).expect("bfbs written");
    assert_eq!(bytes.get(4..8), Some(&b"BFBS"[..]));
    assert!(bytes.windows(b"IWampMeta".len()).any(|w| w == b"IWampMeta"));

    // An unwritable output path is an error, not a panic.
    let out = wamp_idl(&[
        "bfbs",
        "schemas/wamp-meta.fbs",
        "-o",
        dir.join("no/such/dir/x.bfbs").to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("error: cannot write"),
        "{}",
        text(&out.stderr)
    );
}
