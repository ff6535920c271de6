//! Code generation benchmarks:
//!
//! - `expand/*`: what `wamp_interface!` does per invocation (front end +
//!   code generation + rendering the token stream) on our largest catalogs and
//!   on a generated 10,000-line schema;
//! - `encode/*`, `decode/*`: our generated FlatBuffers code against flatc 25's
//!   `--rust --gen-object-api` output for the same schema, in the same run;
//! - `call/*`: a call round trip over the in-process router, untyped and
//!   through the generated client (args/kwargs and FlatBuffers payloads).

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use flatbuffers::FlatBufferBuilder;
use wamp_idl_benches::{flatc, ours, sample_event, sample_event_flatc};
use wamp_idl_core::codegen::{generate, CodegenOptions};
use wamp_idl_core::{compile, FileLoader, FsLoader, MemoryLoader, Options};
use wamp_idl_runtime::router::Router;
use wamp_idl_runtime::session::{CallError, InvocationHandler, Session};
use wamp_idl_runtime::typed::{procedure_handler, PayloadMode};
use wamp_idl_runtime::{Payload, Serializer, Value};

#[path = "../../crates/wamp-idl-core/benches/support/large_schema.rs"]
mod large_schema;

/// Front end + codegen + `to_string()`, as the proc macro runs them; returns
/// the length of the rendered code.
fn expand(roots: &[PathBuf], options: &Options, loader: &dyn FileLoader) -> usize {
    let compiled = compile(roots, options, loader);
    assert!(!compiled.diagnostics.has_errors(), "catalog must compile");
    let (Some(schema), Some(catalog)) = (&compiled.schema, &compiled.catalog) else {
        panic!("catalog must compile");
    };
    generate(schema, catalog, &CodegenOptions::default())
        .to_string()
        .len()
}

fn bench_expand(c: &mut Criterion) {
    let schemas = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let mut group = c.benchmark_group("expand");
    // wamp/message.fbs includes every other file of schemas/wamp/.
    for name in ["wamp-meta.fbs", "wamp-control.fbs", "wamp/message.fbs"] {
        let roots = [schemas.join(name)];
        let options = Options::default();
        group.bench_with_input(BenchmarkId::from_parameter(name), &roots, |b, roots| {
            b.iter(|| expand(roots, &options, &FsLoader))
        });
    }
    let text = large_schema::large_schema(10_000);
    let loader = MemoryLoader::new().with("large.fbs", text);
    let roots = [PathBuf::from("large.fbs")];
    group.bench_function("large_10k_lines", |b| {
        b.iter(|| expand(&roots, &Options::default(), &loader))
    });
    group.finish();
}

/// Reads every field of our reader, the way an application would.
fn read_all_ours(buf: &[u8]) {
    use ours::bench::{BodyRef, EventRef};
    let event = EventRef::from_flatbuffer(buf).expect("valid buffer");
    black_box((event.id(), event.session(), event.seq(), event.timestamp()));
    black_box((event.priority(), event.acknowledge(), event.retries()));
    black_box(event.topic().map(str::len));
    black_box(event.publisher().map(str::len));
    if let Some(p) = event.position() {
        black_box((p.lat, p.lon, p.alt, p.floor));
    }
    if let Some(tags) = event.tags() {
        for tag in tags.iter() {
            black_box((tag.key().map(str::len), tag.value().map(str::len)));
        }
    }
    match event.body() {
        Some(BodyRef::Reading(r)) => {
            black_box((r.sensor().map(str::len), r.unit().map(str::len)));
            if let Some(values) = r.values() {
                for v in values.iter() {
                    black_box(v);
                }
            }
        }
        Some(BodyRef::Text(t)) => {
            black_box((t.body().map(str::len), t.lang().map(str::len)));
        }
        _ => {}
    }
}

/// The same reads through flatc's generated accessors.
fn read_all_flatc(buf: &[u8]) {
    use flatc::bench::{Body, Event};
    let event = flatbuffers::root::<Event>(buf).expect("valid buffer");
    black_box((event.id(), event.session(), event.seq(), event.timestamp()));
    black_box((event.priority(), event.acknowledge(), event.retries()));
    black_box(event.topic().map(str::len));
    black_box(event.publisher().map(str::len));
    if let Some(p) = event.position() {
        black_box((p.lat(), p.lon(), p.alt(), p.floor()));
    }
    if let Some(tags) = event.tags() {
        for tag in tags.iter() {
            black_box((tag.key().map(str::len), tag.value().map(str::len)));
        }
    }
    match event.body_type() {
        Body::Reading => {
            if let Some(r) = event.body_as_reading() {
                black_box((r.sensor().map(str::len), r.unit().map(str::len)));
                if let Some(values) = r.values() {
                    for v in values.iter() {
                        black_box(v);
                    }
                }
            }
        }
        Body::Text => {
            if let Some(t) = event.body_as_text() {
                black_box((t.body().map(str::len), t.lang().map(str::len)));
            }
        }
        _ => {}
    }
}

fn bench_flatbuffers(c: &mut Criterion) {
    let event = sample_event();
    let event_flatc = sample_event_flatc();
    let ours_buf = event.to_flatbuffer();
    let flatc_buf = {
        let mut fbb = FlatBufferBuilder::new();
        let root = event_flatc.pack(&mut fbb);
        fbb.finish(root, None);
        fbb.finished_data().to_vec()
    };
    // Same value on both sides: each decodes the other's buffer to the same value.
    assert_eq!(
        ours::bench::Event::from_flatbuffer(&flatc_buf).expect("flatc's buffer"),
        event
    );
    let back = flatbuffers::root::<flatc::bench::Event>(&ours_buf)
        .expect("our buffer verifies in flatc")
        .unpack();
    assert_eq!(back, event_flatc);

    let mut group = c.benchmark_group("encode");
    // Building into a reused builder: the generated code alone.
    group.bench_function("pack_reused_builder/ours", |b| {
        let mut fbb = FlatBufferBuilder::with_capacity(1024);
        b.iter(|| {
            fbb.reset();
            let root = black_box(&event).pack(&mut fbb);
            fbb.finish(root, None);
            black_box(fbb.finished_data().len())
        })
    });
    group.bench_function("pack_reused_builder/flatc", |b| {
        let mut fbb = FlatBufferBuilder::with_capacity(1024);
        b.iter(|| {
            fbb.reset();
            let root = black_box(&event_flatc).pack(&mut fbb);
            fbb.finish(root, None);
            black_box(fbb.finished_data().len())
        })
    });
    // One-shot: a fresh builder and an owned Vec<u8>, what `to_flatbuffer` returns.
    group.bench_function("to_vec/ours", |b| {
        b.iter(|| black_box(&event).to_flatbuffer())
    });
    group.bench_function("to_vec/flatc", |b| {
        b.iter(|| {
            let mut fbb = FlatBufferBuilder::new();
            let root = black_box(&event_flatc).pack(&mut fbb);
            fbb.finish(root, None);
            fbb.finished_data().to_vec()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("decode");
    // Verified decode into the owned type (ours: `from_flatbuffer`; flatc: `root` + `unpack`).
    group.bench_function("owned/ours", |b| {
        b.iter(|| ours::bench::Event::from_flatbuffer(black_box(&ours_buf)).expect("valid"))
    });
    group.bench_function("owned/flatc", |b| {
        b.iter(|| {
            flatbuffers::root::<flatc::bench::Event>(black_box(&flatc_buf))
                .expect("valid")
                .unpack()
        })
    });
    // Verified zero-copy view and a read of every field.
    group.bench_function("view_read_all/ours", |b| {
        b.iter(|| read_all_ours(black_box(&ours_buf)))
    });
    group.bench_function("view_read_all/flatc", |b| {
        b.iter(|| read_all_flatc(black_box(&flatc_buf)))
    });
    group.finish();
}

/// The typed request matching [`sample_event`] (its union body an arg too).
fn sample_request() -> ours::bench::StoreRequest {
    let event = sample_event();
    ours::bench::StoreRequest {
        id: event.id,
        session: event.session,
        topic: event.topic,
        publisher: event.publisher,
        seq: event.seq,
        timestamp: event.timestamp,
        priority: event.priority,
        acknowledge: event.acknowledge,
        position: event.position,
        tags: event.tags,
        body: event.body,
    }
}

fn bench_call(c: &mut Criterion) {
    use ours::bench::{Ack, IEventSinkClient, StoreRequest};
    let router = Router::new();
    let callee = router.join(Serializer::Cbor).expect("join");
    let echo: InvocationHandler =
        Arc::new(|invocation| Box::pin(async move { Ok(invocation.payload) }));
    // What generated callee glue registers: decode + validate, answer typed.
    let store = procedure_handler(|request: StoreRequest| async move {
        Ok::<_, CallError>(Ack { seq: request.seq })
    });
    futures::executor::block_on(async {
        callee
            .register("bench.echo", Default::default(), echo)
            .await
            .expect("register");
        callee
            .register("bench.store", Default::default(), store)
            .await
            .expect("register");
    });

    let caller = router.join(Serializer::Cbor).expect("join");
    let values_client = IEventSinkClient::new(router.join(Serializer::Cbor).expect("join"));
    let flatbuffers_client = IEventSinkClient::new(router.join(Serializer::Cbor).expect("join"))
        .with_payload_mode(PayloadMode::FlatBuffers);
    let request = sample_request();

    let mut group = c.benchmark_group("call");
    // Baseline: two plain values echoed back, no generated code.
    group.bench_function("untyped_echo_2_args", |b| {
        b.iter(|| {
            let args = Payload::from_args(vec![Value::from(2i64), Value::from("two")]);
            futures::executor::block_on(caller.call("bench.echo", Default::default(), args))
                .expect("call")
        })
    });
    // The generated client, the request as args (11 fields, 8 tags, and the union
    // body as two args: its member name and a `Reading` with 16 values).
    group.bench_function("typed_client_args", |b| {
        b.iter(|| {
            futures::executor::block_on(values_client.store(black_box(&request)))
                .expect("call")
                .seq
        })
    });
    // The generated client, the request as a FlatBuffers transparent payload.
    group.bench_function("typed_client_flatbuffers", |b| {
        b.iter(|| {
            futures::executor::block_on(flatbuffers_client.store(black_box(&request)))
                .expect("call")
                .seq
        })
    });
    group.finish();
}

criterion_group!(benches, bench_expand, bench_flatbuffers, bench_call);
criterion_main!(benches);
