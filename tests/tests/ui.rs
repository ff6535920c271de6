//! UI tests: what the user sees when `wamp_interface!` / `#[wamp_interface]`
//! meets a broken schema, a broken invocation or a trait that does not match
//! its interface, or `#[derive(WampPayload)]` meets a struct it cannot map.
//! One case per distinct error, grouped by theme under `ui/`; each `.stderr`
//! is reviewed by hand. Regenerate with `TRYBUILD=overwrite`.
//!
//! trybuild compiles every case inside its own generated package
//! (`<target>/tests/trybuild/wamp-idl-tests/`), so `CARGO_MANIFEST_DIR` there
//! is not this crate's directory. The cases name their schemas relative to
//! this crate (`ui/<theme>/schemas/x.fbs`), as a user would; a symlink from the
//! generated package to `ui/` makes those paths resolve there too.

use std::path::{Path, PathBuf};

/// The target directory cargo builds into: the parent of the
/// `CARGO_TARGET_TMPDIR` cargo gives integration tests (`<target>/tmp`).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(Path::to_path_buf)
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp")
}

/// Makes `ui/...` resolve from trybuild's generated package.
fn link_ui_dir() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = target_dir()
        .join("tests")
        .join("trybuild")
        .join(env!("CARGO_PKG_NAME"));
    std::fs::create_dir_all(&project).expect("create trybuild's project directory");
    let link = project.join("ui");
    let wanted = manifest_dir.join("ui");
    if std::fs::read_link(&link).ok().as_deref() == Some(wanted.as_path()) {
        return;
    }
    // A stale link (another checkout) or leftover entry: replace it.
    let _ = std::fs::remove_file(&link);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&wanted, &link).expect("link ui/ into trybuild's project");
    #[cfg(windows)]
    std::os::windows::fs::symlink_dir(&wanted, &link).expect("link ui/ into trybuild's project");
}

#[test]
fn ui() {
    link_ui_dir();
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/schema_syntax/*.rs");
    t.compile_fail("ui/schema_resolve/*.rs");
    t.compile_fail("ui/idl_rules/*.rs");
    t.compile_fail("ui/macro_input/*.rs");
    t.compile_fail("ui/trait_mismatch/*.rs");
    t.compile_fail("ui/derive/*.rs");
    t.pass("ui/pass/*.rs");
}
