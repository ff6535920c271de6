//! Envelope codec throughput: encode and decode of PUBLISH, EVENT, CALL and
//! RESULT with small, medium and large payloads in every serializer, each
//! against same-run baselines (a hand-written serde impl of the same message
//! array through serde_json / rmp-serde / ciborium, and the naive
//! `serde_json::Value` round trip), plus typed args/kwargs decode and heap
//! allocations per decode. See docs/performance.md for the numbers and how
//! to run it.
//!
//! Both sides do the same work: encode starts from typed args/kwargs and ends
//! with the frame bytes; decode starts from the frame and ends with the typed
//! args/kwargs (ours: `Codec::decode` + `Payload::deserialize_args/kwargs`).

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use std::alloc::System;
use std::fmt;
use std::hint::black_box;

use base64::Engine as _;
use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::de::{self, DeserializeOwned, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize};
use serde_bytes::ByteBuf;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use wamp_idl_runtime::message::{Call, CallResult as ResultMsg, Event, Publish};
use wamp_idl_runtime::payload::Payload;
use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::serializer::{Codec, Limits, Serializer, UbjsonDialect};
use wamp_idl_runtime::{serde_format, Message};

/// Counts heap allocations (a few atomic adds per allocation) so the bench
/// can report allocations per operation.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations_of(f: impl Fn()) -> f64 {
    const N: usize = 1000;
    f();
    let region = Region::new(GLOBAL);
    for _ in 0..N {
        f();
    }
    let stats = region.change();
    (stats.allocations + stats.reallocations) as f64 / N as f64
}

// ---------------------------------------------------------------------------
// Payloads (docs/performance.md defines them).

const GREETING: &str = "Hello, world!";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Kwargs {
    name: String,
    email: String,
    city: String,
    country: String,
    age: u32,
    id: u64,
    score: f64,
    ratio: f64,
    admin: bool,
    verified: bool,
}

fn kwargs() -> Kwargs {
    Kwargs {
        name: "Alice Example".into(),
        email: "alice@example.com".into(),
        city: "Erlangen".into(),
        country: "DE".into(),
        age: 42,
        id: 1_234_567_890,
        score: 98.25,
        ratio: 0.125,
        admin: false,
        verified: true,
    }
}

type MediumArgs = (String, u64, f64);

fn medium_args() -> MediumArgs {
    (GREETING.to_owned(), 123_456_789, 3.5)
}

const LARGE: usize = 16 * 1024;

fn large_bytes() -> Vec<u8> {
    (0..LARGE).map(|i| (i * 7 % 251) as u8).collect()
}

/// Bytes for the serde_json baseline: the WAMP "\0" + base64 string in
/// human-readable formats, a byte string otherwise.
#[derive(Clone, Debug, PartialEq)]
struct WampBytes(Vec<u8>);

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

impl Serialize for WampBytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            let mut text = String::with_capacity(1 + self.0.len().div_ceil(3) * 4);
            text.push('\0');
            BASE64.encode_string(&self.0, &mut text);
            s.serialize_str(&text)
        } else {
            s.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for WampBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<WampBytes, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WampBytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WampBytes, E> {
                let b64 = v
                    .strip_prefix('\0')
                    .ok_or_else(|| E::custom("not binary"))?;
                BASE64.decode(b64).map(WampBytes).map_err(E::custom)
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<WampBytes, E> {
                Ok(WampBytes(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<WampBytes, E> {
                Ok(WampBytes(v))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------
// Messages.

#[derive(Clone, Copy, Debug)]
enum Kind {
    Publish,
    Event,
    Call,
    Result,
}

impl Kind {
    fn code(self) -> u64 {
        match self {
            Kind::Publish => 16,
            Kind::Event => 36,
            Kind::Call => 48,
            Kind::Result => 50,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Kind::Publish => "publish",
            Kind::Event => "event",
            Kind::Call => "call",
            Kind::Result => "result",
        }
    }
}

const REQUEST: u64 = 239_714_735;
const PUBLICATION: u64 = 4_429_313_566;
const TOPIC: &str = "com.myapp.mytopic1";
const PROCEDURE: &str = "com.myapp.add2";

/// Builds our message from typed args/kwargs, encoding them straight into `s`.
fn wamp_message<A: Serialize, K: Serialize>(
    kind: Kind,
    s: Serializer,
    args: &A,
    kwargs: Option<&K>,
) -> Message {
    let mut payload = Payload::from_serialize_args_in(args, s).expect("args");
    if let Some(k) = kwargs {
        payload = payload.with_serialize_kwargs_in(k, s).expect("kwargs");
    }
    match kind {
        Kind::Publish => Message::from(Publish {
            request: REQUEST,
            options: Default::default(),
            topic: TOPIC.to_owned(),
            payload,
        }),
        Kind::Event => Message::from(Event {
            subscription: REQUEST,
            publication: PUBLICATION,
            details: Default::default(),
            payload,
        }),
        Kind::Call => Message::from(Call {
            request: REQUEST,
            options: Default::default(),
            procedure: PROCEDURE.to_owned(),
            payload,
        }),
        Kind::Result => Message::from(ResultMsg {
            request: REQUEST,
            details: Default::default(),
            payload,
        }),
    }
}

/// The empty Options/Details dict of the hand-written baseline.
#[derive(Serialize, Deserialize)]
struct Empty {}

/// Hand-written serde impl of the message array for the baselines.
struct Wire<A, K> {
    kind: Kind,
    uri: String,
    args: A,
    kwargs: Option<K>,
}

impl<A: Serialize, K: Serialize> Serialize for Wire<A, K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let head = match self.kind {
            Kind::Publish | Kind::Event | Kind::Call => 4,
            Kind::Result => 3,
        };
        let len = head + 1 + usize::from(self.kwargs.is_some());
        let mut seq = s.serialize_seq(Some(len))?;
        seq.serialize_element(&self.kind.code())?;
        match self.kind {
            Kind::Publish | Kind::Call => {
                seq.serialize_element(&REQUEST)?;
                seq.serialize_element(&Empty {})?;
                seq.serialize_element(&self.uri)?;
            }
            Kind::Event => {
                seq.serialize_element(&REQUEST)?;
                seq.serialize_element(&PUBLICATION)?;
                seq.serialize_element(&Empty {})?;
            }
            Kind::Result => {
                seq.serialize_element(&REQUEST)?;
                seq.serialize_element(&Empty {})?;
            }
        }
        seq.serialize_element(&self.args)?;
        if let Some(k) = &self.kwargs {
            seq.serialize_element(k)?;
        }
        seq.end()
    }
}

impl<'de, A: Deserialize<'de>, K: Deserialize<'de>> Deserialize<'de> for Wire<A, K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<A, K>(std::marker::PhantomData<(A, K)>);
        impl<'de, A: Deserialize<'de>, K: Deserialize<'de>> Visitor<'de> for V<A, K> {
            type Value = Wire<A, K>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a WAMP message array")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Wire<A, K>, S::Error> {
                let missing = || de::Error::custom("missing element");
                let code: u64 = seq.next_element()?.ok_or_else(missing)?;
                let _id: u64 = seq.next_element()?.ok_or_else(missing)?;
                let (kind, uri) = match code {
                    16 | 48 => {
                        let _: Empty = seq.next_element()?.ok_or_else(missing)?;
                        let uri: String = seq.next_element()?.ok_or_else(missing)?;
                        (
                            if code == 16 {
                                Kind::Publish
                            } else {
                                Kind::Call
                            },
                            uri,
                        )
                    }
                    36 => {
                        let _: u64 = seq.next_element()?.ok_or_else(missing)?;
                        let _: Empty = seq.next_element()?.ok_or_else(missing)?;
                        (Kind::Event, String::new())
                    }
                    50 => {
                        let _: Empty = seq.next_element()?.ok_or_else(missing)?;
                        (Kind::Result, String::new())
                    }
                    _ => return Err(de::Error::custom("unexpected message type")),
                };
                let args: A = seq.next_element()?.ok_or_else(missing)?;
                let kwargs: Option<K> = seq.next_element()?;
                Ok(Wire {
                    kind,
                    uri,
                    args,
                    kwargs,
                })
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

fn uri_of(kind: Kind) -> String {
    match kind {
        Kind::Publish => TOPIC.to_owned(),
        Kind::Call => PROCEDURE.to_owned(),
        Kind::Event | Kind::Result => String::new(),
    }
}

// ---------------------------------------------------------------------------
// Formats and their serde baselines.

/// One serde format for the baselines.
#[derive(Clone, Copy)]
enum Baseline {
    Json,
    MsgPack,
    Cbor,
}

impl Baseline {
    fn to_vec<T: Serialize>(self, v: &T) -> Vec<u8> {
        match self {
            Baseline::Json => serde_json::to_vec(v).expect("serde_json"),
            // Structs as maps, like WAMP dicts.
            Baseline::MsgPack => rmp_serde::to_vec_named(v).expect("rmp-serde"),
            Baseline::Cbor => {
                let mut out = Vec::with_capacity(64);
                ciborium::into_writer(v, &mut out).expect("ciborium");
                out
            }
        }
    }
    /// Whether the frame parses into a `serde_json::Value` (not if it holds
    /// a byte string in a binary format).
    fn value_ok(self, b: &[u8]) -> bool {
        match self {
            Baseline::Json => serde_json::from_slice::<serde_json::Value>(b).is_ok(),
            Baseline::MsgPack => rmp_serde::from_slice::<serde_json::Value>(b).is_ok(),
            Baseline::Cbor => ciborium::from_reader::<serde_json::Value, _>(b).is_ok(),
        }
    }
    fn decode<T: DeserializeOwned>(self, b: &[u8]) -> T {
        match self {
            Baseline::Json => serde_json::from_slice(b).expect("serde_json"),
            Baseline::MsgPack => rmp_serde::from_slice(b).expect("rmp-serde"),
            Baseline::Cbor => ciborium::from_reader(b).expect("ciborium"),
        }
    }
}

/// An envelope codec: the array family or the FlatBuffers envelope.
#[derive(Clone)]
enum Envelope {
    Array(Codec),
    FlatBuffers(FlatBuffersCodec),
}

impl Envelope {
    fn encode(&self, m: &Message) -> Vec<u8> {
        match self {
            Envelope::Array(c) => c.encode(m),
            Envelope::FlatBuffers(c) => c.encode(m),
        }
        .expect("encode")
    }
    fn decode(&self, frame: Bytes) -> Message {
        match self {
            Envelope::Array(c) => c.decode(frame),
            Envelope::FlatBuffers(c) => c.decode(frame),
        }
        .expect("decode")
    }
}

/// One benchmarked format: envelope, args/kwargs serializer, serde baseline.
#[derive(Clone)]
struct Format {
    name: &'static str,
    envelope: Envelope,
    payload: Serializer,
    baseline: Option<Baseline>,
}

fn array(name: &'static str, s: Serializer, baseline: Option<Baseline>) -> Format {
    Format {
        name,
        envelope: Envelope::Array(Codec::new(s)),
        payload: s,
        baseline,
    }
}

/// The formats benchmarked; adding one is one line here.
fn formats() -> Vec<Format> {
    let bjdata = Serializer::Ubjson(UbjsonDialect::BjData);
    vec![
        array("json", Serializer::Json, Some(Baseline::Json)),
        array("msgpack", Serializer::MsgPack, Some(Baseline::MsgPack)),
        array("cbor", Serializer::Cbor, Some(Baseline::Cbor)),
        array("ubjson", bjdata, None),
        Format {
            name: "flatbuffers",
            envelope: Envelope::FlatBuffers(FlatBuffersCodec::new()),
            payload: Serializer::Cbor,
            baseline: None,
        },
    ]
}

fn payload_of(m: &Message) -> &Payload {
    m.payload().expect("message with payload")
}

/// One message case: our encode/decode and the baselines'.
#[allow(clippy::too_many_arguments)]
fn bench_case<A, BA, K>(
    c: &mut Criterion,
    format: &Format,
    kind: Kind,
    size: &str,
    args: A,
    baseline_args: BA,
    kwargs: Option<K>,
    wire_bytes: u64,
) where
    A: Serialize + DeserializeOwned + PartialEq + fmt::Debug,
    BA: Serialize + DeserializeOwned + Clone,
    K: Serialize + DeserializeOwned + PartialEq + fmt::Debug + Clone,
{
    let (fname, s, baseline) = (format.name, format.payload, format.baseline);
    let codec = &format.envelope;
    let frame = codec.encode(&wamp_message(kind, s, &args, kwargs.as_ref()));
    // Decode must give back what was encoded (checked once, outside timing).
    let decoded = codec.decode(Bytes::from(frame.clone()));
    assert_eq!(
        payload_of(&decoded).deserialize_args::<A>().expect("args"),
        args
    );
    let frame = Bytes::from(frame);

    let mut group = c.benchmark_group(format!("{fname}-{}-{size}", kind.name()));
    group.throughput(Throughput::Bytes(wire_bytes));
    group.bench_function("enc-wamp", |b| {
        b.iter(|| {
            let m = wamp_message(kind, s, black_box(&args), black_box(kwargs.as_ref()));
            codec.encode(&m)
        })
    });
    group.bench_function("dec-wamp", |b| {
        b.iter(|| {
            let m = codec.decode(black_box(frame.clone()));
            let p = payload_of(&m);
            let a: A = p.deserialize_args().expect("args");
            let k: Option<K> = kwargs
                .as_ref()
                .map(|_| p.deserialize_kwargs().expect("kwargs"));
            (a, k)
        })
    });
    if let Some(base) = baseline {
        let wire = Wire {
            kind,
            uri: uri_of(kind),
            args: baseline_args.clone(),
            kwargs: kwargs.clone(),
        };
        let base_frame = base.to_vec(&wire);
        group.bench_function("enc-serde", |b| {
            b.iter(|| {
                let w = Wire {
                    kind,
                    uri: uri_of(kind),
                    args: black_box(&baseline_args),
                    kwargs: black_box(kwargs.as_ref()),
                };
                base.to_vec(&w)
            })
        });
        group.bench_function("dec-serde", |b| {
            b.iter(|| base.decode::<Wire<BA, K>>(black_box(&base_frame)))
        });
        if !base.value_ok(&base_frame) {
            group.finish();
            return;
        }
        group.bench_function("enc-value", |b| {
            b.iter(|| {
                let w = Wire {
                    kind,
                    uri: uri_of(kind),
                    args: black_box(&baseline_args),
                    kwargs: black_box(kwargs.as_ref()),
                };
                let v = serde_json::to_value(&w).expect("to_value");
                base.to_vec(&v)
            })
        });
        // The naive dynamic path: parse into serde_json::Value (no typed step).
        group.bench_function("dec-value", |b| {
            b.iter(|| base.decode::<serde_json::Value>(black_box(&base_frame)))
        });
    }
    group.finish();
}

fn bench_envelopes(c: &mut Criterion) {
    let kinds = [Kind::Publish, Kind::Event, Kind::Call, Kind::Result];
    for format in &formats() {
        for kind in kinds {
            let small = (GREETING.to_owned(),);
            bench_case::<_, _, Kwargs>(c, format, kind, "small", small.clone(), small, None, 1);
            let medium = medium_args();
            bench_case(
                c,
                format,
                kind,
                "medium",
                medium.clone(),
                medium,
                Some(kwargs()),
                1,
            );
            let large = large_bytes();
            bench_case::<_, _, Kwargs>(
                c,
                format,
                kind,
                "large",
                (ByteBuf::from(large.clone()),),
                (WampBytes(large),),
                None,
                LARGE as u64,
            );
        }
    }
}

/// Typed args+kwargs decode: ours over CBOR (and the other formats) against
/// serde_json's and ciborium's typed decode of the same payload.
fn bench_typed_payload(c: &mut Criterion) {
    let args = medium_args();
    let kw = kwargs();
    let limits = Limits::default();
    let mut group = c.benchmark_group("typed-args-kwargs-medium");
    for Format {
        name: fname,
        payload: s,
        envelope,
        ..
    } in formats()
    {
        if matches!(envelope, Envelope::FlatBuffers(_)) {
            continue;
        }
        let a = serde_format::to_vec(s, &args).expect("args");
        let k = serde_format::to_vec(s, &kw).expect("kwargs");
        group.bench_function(format!("dec-wamp-{fname}"), |b| {
            b.iter(|| {
                let a: MediumArgs = serde_format::from_slice(s, black_box(&a), &limits).unwrap();
                let k: Kwargs = serde_format::from_slice(s, black_box(&k), &limits).unwrap();
                (a, k)
            })
        });
    }
    let a = serde_json::to_vec(&args).expect("json");
    let k = serde_json::to_vec(&kw).expect("json");
    group.bench_function("dec-serde_json", |b| {
        b.iter(|| {
            let a: MediumArgs = serde_json::from_slice(black_box(&a)).unwrap();
            let k: Kwargs = serde_json::from_slice(black_box(&k)).unwrap();
            (a, k)
        })
    });
    let mut a = Vec::new();
    ciborium::into_writer(&args, &mut a).expect("cbor");
    let mut k = Vec::new();
    ciborium::into_writer(&kw, &mut k).expect("cbor");
    group.bench_function("dec-ciborium", |b| {
        b.iter(|| {
            let a: MediumArgs = ciborium::from_reader(black_box(&a[..])).unwrap();
            let k: Kwargs = ciborium::from_reader(black_box(&k[..])).unwrap();
            (a, k)
        })
    });
    group.finish();
}

/// Heap allocations per decode (printed, not timed), and the FlatBuffers
/// verified read (`FlatBuffersCodec::view`) small vs 16 KiB.
fn bench_allocations(c: &mut Criterion) {
    let small_and_large = |s| {
        [
            (
                "small",
                wamp_message::<_, Kwargs>(Kind::Publish, s, &(GREETING,), None),
            ),
            (
                "large",
                wamp_message::<_, Kwargs>(Kind::Publish, s, &(ByteBuf::from(large_bytes()),), None),
            ),
        ]
    };
    for format in formats() {
        let s = format.payload;
        let large = (ByteBuf::from(large_bytes()),);
        let encode_small = allocations_of(|| {
            let m = wamp_message::<_, Kwargs>(Kind::Publish, s, &(GREETING,), None);
            black_box(format.envelope.encode(&m));
        });
        let encode_large = allocations_of(|| {
            let m = wamp_message::<_, Kwargs>(Kind::Publish, s, &large, None);
            black_box(format.envelope.encode(&m));
        });
        println!(
            "allocations per encode (typed args + message + encode): {} publish small: {encode_small}, large: {encode_large}",
            format.name
        );
        for (size, msg) in small_and_large(format.payload) {
            let frame = Bytes::from(format.envelope.encode(&msg));
            let envelope = allocations_of(|| {
                black_box(format.envelope.decode(frame.clone()));
            });
            println!(
                "allocations per decode: {} publish {size}: {envelope}",
                format.name
            );
        }
    }
    let fb = FlatBuffersCodec::new();
    let mut group = c.benchmark_group("flatbuffers-verified-read");
    for (size, msg) in small_and_large(Serializer::Cbor) {
        let frame = Bytes::from(fb.encode(&msg).expect("encode"));
        let view_allocs = allocations_of(|| {
            let view = fb.view(frame.clone()).expect("verify");
            black_box((view.message_type(), view.request(), view.uri(), view.args()));
        });
        println!("allocations per FlatBuffers verified read ({size}): {view_allocs}");
        group.bench_function(format!("view-{size}"), |b| {
            b.iter(|| {
                let view = fb.view(black_box(frame.clone())).expect("verify");
                black_box((view.message_type(), view.request(), view.uri(), view.args()));
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_allocations,
    bench_typed_payload,
    bench_envelopes
);
criterion_main!(benches);
