//! Golden diagnostics for invalid schemas.
//!
//! Every `tests/invalid/<stage>/<case>.fbs` is compiled on its own; the
//! rendered diagnostics must equal `<case>.stderr` next to it. Files under a
//! directory named `_inc` are only included by cases, never compiled as roots.
//! Regenerate with `BLESS=1 cargo test -p wamp-idl-core --test invalid` and review with `git diff`.

use std::path::{Path, PathBuf};

use wamp_idl_core::{compile, FsLoader, Options};

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "_inc") {
                cases(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "fbs") {
            out.push(path);
        }
    }
}

#[test]
fn invalid_schemas_match_golden_diagnostics() {
    let mut roots = Vec::new();
    cases(Path::new("tests/invalid"), &mut roots);
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for root in &roots {
        let options = Options {
            include_dirs: vec![PathBuf::from("tests/invalid/_inc")],
        };
        let compiled = compile(std::slice::from_ref(root), &options, &FsLoader);
        let actual = compiled.diagnostics.render(&compiled.sources);
        if !compiled.diagnostics.has_errors() {
            failures.push(format!(
                "{}: expected at least one error, got none",
                root.display()
            ));
        }
        let golden = root.with_extension("stderr");
        if bless {
            std::fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{}: diagnostics differ from {}\n--- expected\n{expected}--- actual\n{actual}",
                root.display(),
                golden.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed (BLESS=1 regenerates):\n\n{}",
        failures.len(),
        roots.len(),
        failures.join("\n")
    );
}
