//! Fuzzes the `.fbs` lexer, parser and pretty-printer.
//!
//! Properties: parsing never panics, whatever the bytes; diagnostics render;
//! a file without syntax errors prints to text that parses without errors
//! and prints the same again.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wamp_idl_core::diag::{Diagnostics, SourceMap};
use wamp_idl_core::syntax::{parse, print::print};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut sources = SourceMap::new();
    let id = sources.add("fuzz.fbs", text.clone());
    let mut diagnostics = Diagnostics::new();
    let file = parse(id, &text, &mut diagnostics);
    let _ = diagnostics.render(&sources);
    if diagnostics.has_errors() {
        return;
    }
    let printed = print(&file);
    let mut reparse_diagnostics = Diagnostics::new();
    let reparsed = parse(id, &printed, &mut reparse_diagnostics);
    assert!(
        !reparse_diagnostics.has_errors(),
        "printed text does not parse:\n{printed}\n{reparse_diagnostics:?}"
    );
    assert_eq!(print(&reparsed), printed, "printing is not stable");
});
