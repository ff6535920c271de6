//! Hostile router input: runs the `client_input` fuzz target's entry
//! (`tests/fuzz_entries/mod.rs`) over hand-built RawSocket streams and simple
//! mutations of them, so CI exercises the fuzz code without libFuzzer.
//!
//! `CLIENT_INPUT_WRITE_SEEDS=1 cargo test -p wamp-idl-client --test hostile_input`
//! rewrites `fuzz/seeds/client_input/` from the streams built here.

mod fuzz_entries;

use std::path::PathBuf;

use fuzz_entries::{client_input, Outcome, Wire, WIRES};
use wamp_idl_client::rawsocket::{encode_frame, FrameKind};
use wamp_idl_runtime::message::{
    Abort, CallResult, ErrorMessage, Event, Goodbye, Hello, Invocation, Registered, Subscribed,
};
use wamp_idl_runtime::{Message, MessageType, Payload, Value};

/// Receive-limit exponent of the seeds: 2^(9+3) = 4096 octets.
const EXPONENT: u8 = 3;
/// Request ids of the entry's initial requests.
const CALL: u64 = 1;
const REGISTER: u64 = 2;
const SUBSCRIBE: u64 = 3;
const REGISTRATION: u64 = 100;
const SUBSCRIPTION: u64 = 200;

fn args() -> Payload {
    Payload::from_args(vec![Value::from(1i64), Value::from("a")])
}

fn result(request: u64) -> Message {
    Message::Result(CallResult {
        request,
        payload: args(),
        ..CallResult::default()
    })
}

fn registered() -> Message {
    Message::Registered(Registered {
        request: REGISTER,
        registration: REGISTRATION,
    })
}

fn subscribed() -> Message {
    Message::Subscribed(Subscribed {
        request: SUBSCRIBE,
        subscription: SUBSCRIPTION,
    })
}

fn invocation(registration: u64) -> Message {
    Message::Invocation(Invocation {
        request: 7,
        registration,
        payload: args(),
        ..Invocation::default()
    })
}

fn event() -> Message {
    Message::Event(Event {
        subscription: SUBSCRIPTION,
        publication: 5,
        payload: args(),
        ..Event::default()
    })
}

fn goodbye() -> Message {
    Message::Goodbye(Goodbye {
        reason: "wamp.close.system_shutdown".to_owned(),
        ..Goodbye::default()
    })
}

fn abort() -> Message {
    Message::Abort(Abort {
        reason: "wamp.error.authorization_failed".to_owned(),
        ..Abort::default()
    })
}

fn call_error(request: u64) -> Message {
    Message::Error(ErrorMessage {
        request_type: MessageType::Call.code(),
        request,
        error: "com.example.error".to_owned(),
        payload: args(),
        ..ErrorMessage::default()
    })
}

/// What the router sends after the handshake reply.
enum Piece {
    Message(Message),
    Ping(&'static [u8]),
    Pong(&'static [u8]),
    /// Raw octets (a bad header, garbage).
    Raw(Vec<u8>),
}

/// A stream: selector, exponent, the router's handshake reply, then the pieces.
fn stream(wire: Wire, exponent: u8, pieces: &[Piece]) -> Vec<u8> {
    let mut bytes = vec![
        wire.selector(),
        exponent,
        0x7f,
        0xf0 | wire.rawsocket_id(),
        0,
        0,
    ];
    for piece in pieces {
        let frame = match piece {
            Piece::Message(message) => {
                let payload = wire.encode(message).expect("a seed message encodes");
                encode_frame(FrameKind::Message, &payload)
            }
            Piece::Ping(payload) => encode_frame(FrameKind::Ping, payload),
            Piece::Pong(payload) => encode_frame(FrameKind::Pong, payload),
            Piece::Raw(raw) => Ok(raw.clone()),
        };
        bytes.extend(frame.expect("a seed frame fits"));
    }
    bytes
}

/// A seed: its name, its octets, and what its outcome must be.
type Seed = (&'static str, Vec<u8>, Box<dyn Fn(&Outcome)>);

/// The named seed streams of one serializer, with what each must do.
fn seeds(wire: Wire) -> Vec<Seed> {
    use Piece::{Message as M, Ping, Pong, Raw};
    vec![
        (
            "session",
            stream(
                wire,
                EXPONENT,
                &[
                    M(result(CALL)),
                    M(registered()),
                    Ping(b"ping"),
                    M(invocation(REGISTRATION)),
                    // No such registration: answered with an ERROR.
                    M(invocation(999)),
                    M(subscribed()),
                    M(event()),
                    Pong(b""),
                    M(call_error(4)),
                    M(goodbye()),
                ],
            ),
            Box::new(|o: &Outcome| {
                assert_eq!(o.frames, 10, "{o:?}");
                assert_eq!(o.handler_runs, 2, "one invocation, one event: {o:?}");
                // The 3 initial requests and one call after each of the 7
                // messages before GOODBYE (the ERROR fails the first of them).
                assert_eq!(o.started, 10, "{o:?}");
                assert!(o.closed_with.contains("system_shutdown"), "{o:?}");
            }),
        ),
        (
            "abort",
            stream(wire, EXPONENT, &[M(registered()), M(abort())]),
            Box::new(|o: &Outcome| {
                assert_eq!(o.closed_with, "wamp.error.authorization_failed", "{o:?}")
            }),
        ),
        (
            "result_then_eof",
            stream(wire, EXPONENT, &[M(result(CALL)), Ping(b"")]),
            Box::new(|o: &Outcome| {
                assert_eq!(o.frames, 2, "{o:?}");
                assert!(o.closed_with.contains("the router closed it"), "{o:?}");
            }),
        ),
        (
            "oversized_frame",
            // A 64 KiB frame against a 512-octet limit, payload never sent.
            stream(wire, 0, &[M(result(CALL)), Raw(vec![0, 1, 0, 0])]),
            Box::new(|o: &Outcome| {
                assert_eq!(o.frames, 1, "{o:?}");
                assert!(
                    o.closed_with
                        .contains("65536 octets exceeds the negotiated limit of 512"),
                    "{o:?}"
                );
            }),
        ),
        (
            "announced_16_mib",
            // X bit (2^24) within a 16 MiB limit, 3 octets sent: truncated.
            stream(wire, 15, &[Raw(vec![0x08, 0, 0, 0, 1, 2, 3])]),
            Box::new(|o: &Outcome| {
                assert!(o.closed_with.contains("7 of 16777220 octets"), "{o:?}")
            }),
        ),
        (
            "garbage_message",
            stream(wire, EXPONENT, &[Raw(vec![0, 0, 0, 3, 0xff, 0xfe, 0xfd])]),
            Box::new(|o: &Outcome| {
                assert!(
                    o.closed_with.starts_with("wamp.error.protocol_violation"),
                    "{o:?}"
                )
            }),
        ),
        (
            "hello_from_router",
            stream(wire, EXPONENT, &[M(Message::Hello(Hello::default()))]),
            Box::new(|o: &Outcome| assert!(o.closed_with.contains("HELLO"), "{o:?}")),
        ),
    ]
}

fn wire_name(wire: Wire) -> &'static str {
    ["json", "msgpack", "cbor", "bjdata", "ubjson", "flatbuffers"][usize::from(wire.selector())]
}

fn seed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/client_input")
}

/// Bit flips, truncations, a dropped octet and a duplicated tail.
fn mutations(seed: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for cut in 0..seed.len() {
        out.push(seed[..cut].to_vec());
    }
    for at in 0..seed.len() {
        for bit in [0x01, 0x10, 0x80] {
            let mut flipped = seed.to_vec();
            flipped[at] ^= bit;
            out.push(flipped);
        }
        let mut dropped = seed.to_vec();
        dropped.remove(at);
        out.push(dropped);
    }
    let mut doubled = seed.to_vec();
    doubled.extend_from_slice(&seed[seed.len() / 2..]);
    out.push(doubled);
    out
}

#[test]
fn seeds_do_what_they_are_built_for() {
    for wire in WIRES {
        for (name, seed, expect) in seeds(wire) {
            let outcome = client_input(&seed);
            assert!(outcome.handshake_ok, "{wire:?} {name}");
            expect(&outcome);
        }
    }
}

#[test]
fn the_handshake_reply_is_checked_first() {
    let mut seed = stream(WIRES[0], EXPONENT, &[Piece::Message(result(CALL))]);
    // Another serializer than the one asked for: no session.
    seed[3] = 0xf2;
    assert_eq!(client_input(&seed), Outcome::default());
    // An error reply.
    seed[3] = 0x10;
    assert_eq!(client_input(&seed), Outcome::default());
}

#[test]
fn mutated_seeds_keep_the_properties() {
    let mut runs = 0;
    for wire in WIRES {
        for (_, seed, _) in seeds(wire) {
            for input in mutations(&seed) {
                client_input(&input);
                runs += 1;
            }
        }
    }
    assert!(runs > 10_000, "{runs} runs");
}

#[test]
fn the_checked_in_seeds_are_the_built_ones() {
    let dir = seed_dir();
    let write = std::env::var_os("CLIENT_INPUT_WRITE_SEEDS").is_some();
    if write {
        std::fs::create_dir_all(&dir).expect("create the seed directory");
    }
    for wire in WIRES {
        for (name, seed, _) in seeds(wire) {
            let path = dir.join(format!("{}_{name}", wire_name(wire)));
            if write {
                std::fs::write(&path, &seed).expect("write a seed");
            }
            let stored = std::fs::read(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (regenerate with CLIENT_INPUT_WRITE_SEEDS=1)",
                    path.display()
                )
            });
            assert_eq!(stored, seed, "{} is stale", path.display());
            client_input(&stored);
        }
    }
}
