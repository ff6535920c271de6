//! Rebuild tracking: a crate using `wamp_interface!` is recompiled when a schema
//! file the macro read changes (the root file and an included file), and is not
//! recompiled when nothing changed.
//!
//! The test builds a tiny crate in `CARGO_TARGET_TMPDIR` whose binary prints the
//! `Debug` of a generated table; editing a schema (and only the schema) must
//! change what the rebuilt binary prints.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT_SCHEMA: &str = "\
include \"shared.fbs\";
namespace probe;
table Probe { name: string; point: probe.shared.Point; }
root_type Probe;
";

const INCLUDED_SCHEMA: &str = "\
namespace probe.shared;
table Point { x: int = 1; }
";

const MAIN_RS: &str = "\
mod generated {
    wamp_idl_runtime::wamp_interface!(\"schemas/probe.fbs\", include = [\"schemas/inc\"]);
}

fn main() {
    let point = generated::probe::shared::Point::default();
    let probe = generated::probe::Probe::default();
    println!(\"{point:?} {probe:?}\");
}
";

fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is inside the workspace")
        .to_path_buf()
}

/// Writes the probe crate (fresh sources each run; the target dir is reused).
fn write_probe_crate(dir: &Path) {
    let runtime = workspace_dir().join("crates/wamp-idl-runtime");
    let manifest = format!(
        "[package]\nname = \"rebuild-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nwamp-idl-runtime = {{ path = {:?} }}\n\n\
         # Not a member of the wamp-idl workspace this directory is inside of.\n[workspace]\n",
        runtime.display().to_string()
    );
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("schemas/inc")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    // The workspace's lock file pins every dependency, so the build needs no network.
    std::fs::copy(workspace_dir().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    write_if_changed(&dir.join("src/main.rs"), MAIN_RS);
    std::fs::write(dir.join("schemas/probe.fbs"), ROOT_SCHEMA).unwrap();
    std::fs::write(dir.join("schemas/inc/shared.fbs"), INCLUDED_SCHEMA).unwrap();
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap();
    }
}

/// Outcome of `cargo build` of the probe crate.
struct Build {
    /// Whether cargo recompiled the probe crate (its artifact was not fresh).
    recompiled: bool,
    /// What the probe binary prints.
    output: String,
}

fn build(dir: &Path, target: &Path) -> Build {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(dir)
        .args(["build", "--offline", "--message-format=json"])
        .env("CARGO_TARGET_DIR", target)
        // The outer `cargo test` may set flags meant for the tests crate only.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "probe crate failed to build:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let mut recompiled = None;
    let mut executable = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let is_probe = message["reason"] == "compiler-artifact"
            && message["target"]["name"] == "rebuild-probe";
        if is_probe {
            recompiled = message["fresh"].as_bool().map(|fresh| !fresh);
            executable = message["executable"].as_str().map(PathBuf::from);
        }
    }
    let recompiled = recompiled.expect("cargo reported the probe crate's artifact");
    let executable = executable.expect("cargo reported the probe binary");
    let run = Command::new(&executable).output().expect("probe runs");
    assert!(run.status.success(), "probe binary failed");
    Build {
        recompiled,
        output: String::from_utf8_lossy(&run.stdout).trim().to_string(),
    }
}

#[test]
fn editing_a_schema_rebuilds_the_crate() {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rebuild");
    let dir = base.join("probe");
    let target = base.join("target");
    write_probe_crate(&dir);

    let first = build(&dir, &target);
    assert_eq!(
        first.output,
        "Point { x: 1 } Probe { name: None, point: None }"
    );

    // Nothing changed: cargo must not recompile (tracking is precise, not "always").
    let unchanged = build(&dir, &target);
    assert!(
        !unchanged.recompiled,
        "probe crate recompiled with no change"
    );
    assert_eq!(unchanged.output, first.output);

    // Edit the included file only: a new field with a default.
    let included = dir.join("schemas/inc/shared.fbs");
    std::fs::write(
        &included,
        INCLUDED_SCHEMA.replace("x: int = 1;", "x: int = 1; added: short = 7;"),
    )
    .unwrap();
    let after_include_edit = build(&dir, &target);
    assert!(
        after_include_edit.recompiled,
        "editing an included schema did not recompile the crate"
    );
    assert_eq!(
        after_include_edit.output,
        "Point { x: 1, added: 7 } Probe { name: None, point: None }"
    );

    // Edit the root file only: another field.
    std::fs::write(
        dir.join("schemas/probe.fbs"),
        ROOT_SCHEMA.replace("name: string;", "name: string; count: uint = 3;"),
    )
    .unwrap();
    let after_root_edit = build(&dir, &target);
    assert!(
        after_root_edit.recompiled,
        "editing the root schema did not recompile the crate"
    );
    assert_eq!(
        after_root_edit.output,
        "Point { x: 1, added: 7 } Probe { name: None, count: 3, point: None }"
    );
}
