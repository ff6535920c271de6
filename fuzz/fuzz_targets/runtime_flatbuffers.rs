//! Fuzzes the FlatBuffers envelope decoder and view; the first byte picks the args/kwargs serializer.
//! Properties: see `crates/wamp-idl-runtime/tests/fuzz_entries/mod.rs`
//! (shared with the seed-corpus test in `tests/hostile.rs`).

#![no_main]

#[path = "../../crates/wamp-idl-runtime/tests/fuzz_entries/mod.rs"]
mod fuzz_entries;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_entries::flatbuffers_frame(data);
});
