//! Runnable examples of the typed WAMP APIs that `wamp_interface!` generates,
//! each on the in-process router (no network, no external router):
//!
//! | example | run with | shows |
//! |---|---|---|
//! | `calculator` | `cargo run -p wamp-idl-examples --example calculator` | a callee trait implementation, typed calls with args and kwargs, a typed application error, an invalid payload rejected with its field path |
//! | `pubsub` | `cargo run -p wamp-idl-examples --example pubsub` | typed topics: publish and subscribe across serializers, FlatBuffers transparent payloads, a malformed event reported |
//! | `meta_client` | `cargo run -p wamp-idl-examples --example meta_client` | the client of the WAMP meta API catalog (`schemas/wamp-meta.fbs`) against a callee implementing part of it |
//!
//! The schemas are in `examples/schemas/`; see `docs/walkthrough.md` for a
//! step-by-step explanation of the generated API.
