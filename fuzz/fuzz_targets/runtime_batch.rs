//! Fuzzes the batch splitters and batched decoding; the first byte picks the envelope.
//! Properties: see `crates/wamp-idl-runtime/tests/fuzz_entries/mod.rs`
//! (shared with the seed-corpus test in `tests/hostile.rs`).

#![no_main]

#[path = "../../crates/wamp-idl-runtime/tests/fuzz_entries/mod.rs"]
mod fuzz_entries;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_entries::batch(data);
});
