//! Front-end throughput: parse + resolve + check (+ `.bfbs`) on our schemas and
//! on a generated 10,000-line schema.

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wamp_idl_core::bfbs::{self, BfbsOptions};
use wamp_idl_core::{compile, FsLoader, MemoryLoader, Options};

#[path = "support/large_schema.rs"]
mod large_schema;

fn bench_large(c: &mut Criterion) {
    let text = large_schema::large_schema(10_000);
    let loader = MemoryLoader::new().with("large.fbs", text.clone());
    let roots = [PathBuf::from("large.fbs")];
    let options = Options::default();
    let check = compile(&roots, &options, &loader);
    assert!(
        !check.diagnostics.has_errors(),
        "generated schema must be valid:\n{}",
        check.diagnostics.render(&check.sources)
    );

    let mut group = c.benchmark_group("large_schema");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("compile", |b| b.iter(|| compile(&roots, &options, &loader)));
    group.bench_function("compile+bfbs", |b| {
        b.iter(|| {
            let compiled = compile(&roots, &options, &loader);
            let schema = compiled.schema.as_ref().expect("schema");
            bfbs::write(schema, &compiled.sources, &BfbsOptions::default())
        })
    });
    group.finish();
}

fn bench_shipped(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "fbs"));
    files.sort();
    let mut group = c.benchmark_group("schemas");
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let roots = [file.clone()];
        let options = Options::default();
        group.bench_with_input(
            BenchmarkId::new("compile+bfbs", name),
            &roots,
            |b, roots| {
                b.iter(|| {
                    let compiled = compile(roots, &options, &FsLoader);
                    compiled
                        .schema
                        .as_ref()
                        .map(|s| bfbs::write(s, &compiled.sources, &BfbsOptions::default()))
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_large, bench_shipped);
criterion_main!(benches);
