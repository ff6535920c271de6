//! Fuzzes the whole front-end: parse, resolve and the WAMP IDL checks.
//!
//! The input is the root file; it may `include "inc.fbs";`, a small valid
//! schema with WAMP IDL declarations, so that name lookup across files is
//! exercised too. Property: `compile` never panics and its diagnostics render.

#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use wamp_idl_core::{compile, MemoryLoader, Options};

const INCLUDED: &str = r#"
attribute "wampuri";
attribute "wampid";
attribute "arg";
attribute "kwarg";
attribute "uuid";
attribute "type";
namespace inc;

enum Color : ubyte (bit_flags) { Red, Green, Blue }
struct Point { x: float; y: float; }
table Request { a: int = 1; b: [string]; color: Color = Red; at: Point; }
table Response { sum: long; }
union Any { Request, Alias: Response }
rpc_service Calculator (type: "interface", uuid: "bf469db0-efea-425b-8de4-24b5770e6241", wampuri: "com.example") {
    add(Request): Response (type: "procedure", wampuri: "com.example.add");
}
"#;

fuzz_target!(|data: &[u8]| {
    let root = String::from_utf8_lossy(data).into_owned();
    let loader = MemoryLoader::new()
        .with("root.fbs", root)
        .with("inc.fbs", INCLUDED);
    let compiled = compile(&[PathBuf::from("root.fbs")], &Options::default(), &loader);
    let _ = compiled.diagnostics.render(&compiled.sources);
});
