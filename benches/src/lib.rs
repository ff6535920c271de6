//! Benchmark support for wamp-idl's code generation: the benchmark schema
//! compiled twice, by `wamp_interface!` ([`ours`]) and by `flatc --rust
//! --gen-object-api` at build time ([`flatc`]), plus a sample value built the
//! same way on both sides.
//!
//! Run with `cargo bench -p wamp-idl-benches`.

// flatc's output names `alloc::` paths from its modules.
extern crate alloc;

/// The benchmark schema through `wamp_interface!`.
pub mod ours {
    wamp_idl_runtime::wamp_interface!("schemas/service.fbs", include = ["../schemas"]);
}

/// The benchmark schema through flatc 25 (`--rust --gen-object-api`), generated
/// into `OUT_DIR` by the build script.
#[allow(
    unsafe_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    unused_imports,
    dead_code,
    non_camel_case_types,
    mismatched_lifetime_syntaxes
)]
pub mod flatc {
    include!(concat!(env!("OUT_DIR"), "/event_generated.rs"));
}

/// The number of tags in the sample event.
pub const SAMPLE_TAGS: usize = 8;
/// The number of readings in the sample event.
pub const SAMPLE_VALUES: usize = 16;

/// A realistic event: every field set, 8 tags, a reading of 16 values.
pub fn sample_event() -> ours::bench::Event {
    use ours::bench::{Body, Event, Position, Priority, Reading, Tag};
    Event {
        id: 7_340_032_123,
        session: 2_251_799_813_685_248,
        topic: Some("com.example.sensors.temperature".into()),
        publisher: Some("sensor-gateway-eu-west-1".into()),
        seq: 42,
        timestamp: 1_764_547_200.125,
        priority: Priority::HIGH,
        acknowledge: true,
        position: Some(Position {
            lat: 52.52,
            lon: 13.405,
            alt: 34.5,
            floor: 3,
        }),
        tags: Some(
            (0..SAMPLE_TAGS)
                .map(|i| Tag {
                    key: Some(format!("key-{i}")),
                    value: Some(format!("value number {i}")),
                })
                .collect(),
        ),
        body: Some(Body::Reading(Box::new(Reading {
            sensor: Some("thermo-0042".into()),
            values: Some((0..SAMPLE_VALUES).map(|i| 20.0 + i as f64 * 0.25).collect()),
            unit: Some("celsius".into()),
        }))),
        retries: 2,
    }
}

/// [`sample_event`] as flatc's object-API type, field for field.
pub fn sample_event_flatc() -> flatc::bench::EventT {
    use flatc::bench::{BodyT, EventT, PositionT, Priority, ReadingT, TagT};
    EventT {
        id: 7_340_032_123,
        session: 2_251_799_813_685_248,
        topic: Some("com.example.sensors.temperature".into()),
        publisher: Some("sensor-gateway-eu-west-1".into()),
        seq: 42,
        timestamp: 1_764_547_200.125,
        priority: Priority::High,
        acknowledge: true,
        position: Some(PositionT {
            lat: 52.52,
            lon: 13.405,
            alt: 34.5,
            floor: 3,
        }),
        tags: Some(
            (0..SAMPLE_TAGS)
                .map(|i| TagT {
                    key: Some(format!("key-{i}")),
                    value: Some(format!("value number {i}")),
                })
                .collect(),
        ),
        body: BodyT::Reading(Box::new(ReadingT {
            sensor: Some("thermo-0042".into()),
            values: Some((0..SAMPLE_VALUES).map(|i| 20.0 + i as f64 * 0.25).collect()),
            unit: Some("celsius".into()),
        })),
        retries: 2,
    }
}
