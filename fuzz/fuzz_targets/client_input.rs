//! Fuzzes the network client's input path: the router's RawSocket handshake
//! reply and frames (`wamp_idl_client::rawsocket`), decoded messages fed to a
//! welcomed `ClientState` with a call, a registration and a subscription
//! waiting. First byte: serializer; second: receive-limit exponent.
//! Properties: see `crates/wamp-idl-client/tests/fuzz_entries/mod.rs`
//! (shared with the seed test in `tests/hostile_input.rs`).

#![no_main]

#[path = "../../crates/wamp-idl-client/tests/fuzz_entries/mod.rs"]
mod fuzz_entries;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_entries::client_input(data);
});
