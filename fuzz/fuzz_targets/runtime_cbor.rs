//! Fuzzes the CBOR envelope decoder (one message, then one value).
//! Properties: see `crates/wamp-idl-runtime/tests/fuzz_entries/mod.rs`
//! (shared with the seed-corpus test in `tests/hostile.rs`).

#![no_main]

#[path = "../../crates/wamp-idl-runtime/tests/fuzz_entries/mod.rs"]
mod fuzz_entries;

use libfuzzer_sys::fuzz_target;
use wamp_idl_runtime::serializer::Serializer;

fuzz_target!(|data: &[u8]| {
    fuzz_entries::array_frame(Serializer::Cbor, data);
});
