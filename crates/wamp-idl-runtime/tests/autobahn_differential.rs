//! Differential test against autobahn-python 26.10.2, the reference WAMP
//! implementation (acceptance criterion of the runtime).
//!
//! For every serializer autobahn speaks (json, msgpack, cbor, ubjson = BJData,
//! and the FlatBuffers envelope with CBOR args/kwargs) we generate
//! `WAMP_DIFF_COUNT` (default 10,000) random messages, cycling through all 25
//! message types, from a fixed seed (`WAMP_DIFF_SEED`), and check both
//! directions through one oracle process per serializer
//! (`tests/peers/autobahn_oracle.py`, JSON lines over stdin/stdout):
//!
//! 1. our bytes → autobahn `serializer.unserialize` → autobahn's message must
//!    describe the same message as ours;
//! 2. autobahn builds the message with its constructor (`autobahn.wamp.message.<Type>(...)`)
//!    from that description → `serializer.serialize` → our decoder must give the
//!    same description (and autobahn's constructed message must describe it
//!    too). The bytes are compared as well: the byte-equality rate per
//!    serializer and type is printed, and for JSON, MessagePack and CBOR every
//!    message must encode to exactly autobahn's bytes.
//!
//! `WAMP_DIFF_ONLY=<serializer>` runs one serializer; `WAMP_DIFF_VERBOSE=<n>`
//! prints the first n mismatches and, per type, the first message whose bytes
//! differ from autobahn's. A failure names the seed and shows the first mismatch.
//!
//! A message is described in a canonical JSON form shared with the oracle: the
//! type code plus one entry per array element under a stable name (`request`,
//! `options`, `topic`, `args`, `kwargs`, `payload`, ...), with tagged values:
//! integers exact, floats as their IEEE bits, bytes as hex, dicts compared
//! without regard to key order (autobahn writes Options/Details in its own
//! order; the generator uses that order so that the bytes can match).
//!
//! The generator only produces what autobahn's constructors can express.
//! Where autobahn is lossy or wrong, the generator stays clear of the case;
//! each exclusion is listed here with its reason (autobahn 26.10.2,
//! `autobahn/wamp/message.py`):
//!
//! - `args = []` without kwargs, an empty kwargs dict, and an empty transparent
//!   payload: autobahn's `marshal()` tests them for truthiness and drops them
//!   (the spec treats empty and absent alike).
//! - A transparent payload always carries `enc_algo`: autobahn accepts bytes
//!   without it, our decoder deliberately rejects them (the payload mode must
//!   be announced). Custom `enc_algo`/`enc_serializer` values are `x_` + a
//!   lowercase letter + more (autobahn's `^x_([a-z][\da-z_]+)?$`; we accept any
//!   `x_…`, autobahn rejects e.g. `x_A`).
//! - `match: "exact"` (SUBSCRIBE, REGISTER) and `invoke: "single"`: dropped by
//!   `marshal()` as defaults; `concurrency` must be ≥ 1 (autobahn rejects 0).
//! - UNSUBSCRIBE/UNREGISTER Options only with a non-empty `forward_for`
//!   (otherwise dropped); UNSUBSCRIBED/UNREGISTERED Details only with a key,
//!   and the revocation id key only with request 0 (constructor assertion).
//! - HELLO: role features only from the role classes' known names (others are
//!   dropped), never an empty `features` dict; `resume-session` always with
//!   `resume-token` (autobahn requires it).
//! - WELCOME: `marshal()` drops falsy `realm`/`authid`/`authrole`/`authprovider`/
//!   `authextra`/`resumed`/`resumable`/`resume_token`, and writes `authmethod`
//!   only when `authrole` is set — as `null` when authmethod is unset (a bug:
//!   our decoder then rejects `authmethod: null`). So: non-empty strings, only
//!   `true` flags, `authmethod` exactly when `authrole`, `resumable` with
//!   `resume_token`; custom keys `x_` + lowercase.
//! - ABORT/GOODBYE: `message` non-empty, GOODBYE `resumable` only `true`
//!   (falsy values dropped); ABORT never carries args/kwargs (autobahn accepts
//!   only 3 elements).
//! - No `disclose_me`, `trustlevel`, `progress` on CALL, `runmode`, `rkey`,
//!   `nkey`, `disclose_caller`, `forward_timeout`, `ppt_*`: autobahn's
//!   constructors have no parameter for them (its parsers drop them).
//! - BJData: no subnormal floats. bjdata writes them as high-precision
//!   numbers (`H`, the exact decimal expansion) and reads `H` back as a
//!   `decimal.Decimal`, so autobahn hands the application a `Decimal`, not a
//!   float; we write the same bytes, so only autobahn's side is lossy.
//! - Strings never start with U+0000 (in JSON autobahn reads such a string as
//!   base64 bytes; our JSON encoder refuses to write one) and floats are
//!   finite (JSON has no NaN/Infinity).
//!
//! FlatBuffers (see [`flatbuffers_target`], [`fb_normalize`]): the envelope
//! carries only the Options/Details keys it has slots for, and autobahn's
//! FlatBuffers code has many slips of its own, so both descriptions are first
//! reduced to what survives between us and autobahn; each rule is documented
//! at [`fb_normalize`]. Generator restrictions for FlatBuffers (autobahn's
//! `build()` crashes otherwise): no `forward_for` in ERROR/CALL/RESULT/
//! INVOCATION/YIELD, `exclude_authid` and `exclude_authrole` only together
//! and non-empty, no empty `transaction_hash`, CALL `timeout` below 2^32,
//! CHALLENGE methods with an AuthMethod value, no custom `x_…` enc values
//! (written as 0 by autobahn, after which our decoder rightly rejects a
//! transparent payload without a scheme). Direction 1 is skipped for ERROR
//! messages with a payload ([`fb_error_with_payload`]). Our bytes are
//! compared with `FlatBuffersCodec::with_autobahn_compat(true)`; they differ
//! only where autobahn's writer slips (`killnowait`; ERROR `callee_authid`/
//! `callee_authrole` strings written into the buffer but never referenced).
//!
//! Needs autobahn in a venv: `source scripts/peers.sh && install_autobahn`
//! (sets `AUTOBAHN_PYTHON`; the default is `<workspace>/target/peers/autobahn-venv/bin/python`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use bytes::Bytes;
use serde_json::{json, Map, Value as Json};
use wamp_idl_runtime::message::MessageType;
use wamp_idl_runtime::serializer::flatbuffers::{self, FlatBuffersCodec};
use wamp_idl_runtime::serializer::{Codec, Serializer, UbjsonDialect};
use wamp_idl_runtime::value::{Dict, Value};
use wamp_idl_runtime::Message;

const DEFAULT_SEED: u64 = 0x5EED_2026_1130;
const DEFAULT_COUNT: usize = 10_000;

// ---------------------------------------------------------------------------
// Deterministic random numbers (SplitMix64: tiny, good enough, reproducible).

struct Rng {
    state: u64,
    /// Whether floats may be subnormal (not for BJData, see the module docs).
    subnormals: bool,
    /// FlatBuffers profile: only what autobahn's FlatBuffers envelope can
    /// build (see [`flatbuffers_target`]).
    flatbuffers: bool,
}

impl Rng {
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn flag(&mut self) -> bool {
        self.chance(50)
    }
}

// ---------------------------------------------------------------------------
// Random values and message fields.

const MAX_ID: u64 = 1 << 53;

fn id(r: &mut Rng) -> u64 {
    match r.below(6) {
        0 => 1,
        1 => MAX_ID,
        2 => *r.pick(&[
            2,
            255,
            256,
            65_535,
            65_536,
            (1 << 32) - 1,
            1 << 32,
            MAX_ID - 1,
        ]),
        _ => 1 + r.below(MAX_ID),
    }
}

fn int(r: &mut Rng) -> Value {
    let m = MAX_ID as i64;
    match r.below(10) {
        0..=2 => Value::UInt(r.below(300)),
        3 => Value::integer(-1 - r.below(300) as i64),
        4 => Value::integer(*r.pick(&[
            23,
            24,
            127,
            128,
            255,
            256,
            65_535,
            65_536,
            (1 << 31) - 1,
            1 << 31,
            (1 << 32) - 1,
            1 << 32,
            m - 1,
            m,
        ])),
        5 => Value::integer(*r.pick(&[
            -24,
            -25,
            -32,
            -33,
            -128,
            -129,
            -256,
            -257,
            -32_768,
            -32_769,
            -(1 << 31),
            -(1 << 31) - 1,
            -(1 << 32),
            -m + 1,
            -m,
        ])),
        6 | 7 => Value::integer(r.below(2 * MAX_ID + 1) as i64 - m),
        // Beyond ±2^53: the full 64-bit range every serializer here can carry.
        8 => {
            let random = r.next();
            Value::UInt(*r.pick(&[(1 << 63) - 1, 1 << 63, u64::MAX, MAX_ID + 1, random]))
        }
        _ => {
            let random = (r.next() | 1 << 63) as i64;
            Value::Int(*r.pick(&[i64::MIN, i64::MIN + 1, -m - 1, random]))
        }
    }
}

fn float(r: &mut Rng) -> f64 {
    let f = any_float(r);
    if f.is_subnormal() && !r.subnormals {
        f64::MIN_POSITIVE.copysign(f)
    } else {
        f
    }
}

fn any_float(r: &mut Rng) -> f64 {
    match r.below(4) {
        0 => *r.pick(&[
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1,
            0.5,
            1e16,
            1e15,
            -1e21,
            1e22,
            1e-7,
            123_456.789,
            5e-324,
            2.225_073_858_507_201_4e-308,
            f64::MAX,
            f64::MIN_POSITIVE,
            3.4e38,
            -2.5e-300,
        ]),
        1 => (r.below(2_000_001) as f64 - 1_000_000.0) / 64.0,
        _ => loop {
            let f = f64::from_bits(r.next());
            if f.is_finite() {
                break f;
            }
        },
    }
}

const CHARS: &[&str] = &[
    "a",
    "b",
    "Z",
    "0",
    "_",
    " ",
    "\n",
    "\t",
    "\"",
    "\\",
    "/",
    "\u{1}",
    "\u{1f}",
    "\u{7f}",
    "\0",
    "é",
    "ß",
    "✓",
    "中",
    "\u{2028}",
    "\u{feff}",
    "😀",
    "𝄞",
    "\u{10ffff}",
];

fn string(r: &mut Rng) -> String {
    let len = *r.pick(&[0, 1, 1, 2, 3, 5, 8, 20, 40]);
    let mut s = String::new();
    for _ in 0..len {
        s.push_str(CHARS[r.below(CHARS.len() as u64) as usize]);
    }
    // A leading U+0000 means "base64 bytes" to autobahn's JSON reader.
    if s.starts_with('\0') {
        s.insert(0, 'x');
    }
    s
}

fn nonempty_string(r: &mut Rng) -> String {
    let s = string(r);
    if s.is_empty() {
        "x".to_owned()
    } else {
        s
    }
}

fn bytes(r: &mut Rng) -> Vec<u8> {
    let len = *r.pick(&[0, 1, 2, 3, 16, 40, 300]);
    (0..len).map(|_| r.next() as u8).collect()
}

fn value(r: &mut Rng, depth: usize) -> Value {
    let leaf = depth >= 3;
    match r.below(if leaf { 8 } else { 11 }) {
        0 => Value::Null,
        1 => Value::Bool(r.flag()),
        2 | 3 => int(r),
        4 => Value::Float(float(r)),
        5 | 6 => Value::Str(string(r)),
        7 => Value::Bytes(bytes(r)),
        8 | 9 => Value::List(list(r, depth + 1)),
        _ => Value::Dict(dict(r, depth + 1)),
    }
}

fn list(r: &mut Rng, depth: usize) -> Vec<Value> {
    let n = *r.pick(&[0, 1, 2, 3, 5]);
    (0..n).map(|_| value(r, depth)).collect()
}

fn dict(r: &mut Rng, depth: usize) -> Dict {
    let n = *r.pick(&[0, 1, 2, 3, 5]);
    let mut d = Dict::new();
    for _ in 0..n {
        d.insert(string(r), value(r, depth));
    }
    d
}

const URI_PARTS: &[&str] = &[
    "com",
    "example",
    "myapp",
    "topic1",
    "a",
    "x_y",
    "9",
    "procedure",
    "ünï",
    "😀",
    "CamelCase",
    "a-b",
    "wamp",
    "error",
];

/// A URI; `empty` says which components may be empty (WAMP-REFERENCE §7.4).
fn uri_of(r: &mut Rng, kind: UriShape) -> String {
    let n = 1 + r.below(4) as usize;
    let mut parts: Vec<String> = (0..n).map(|_| (*r.pick(URI_PARTS)).to_owned()).collect();
    match kind {
        UriShape::Exact => {}
        UriShape::Wildcard => {
            if n > 1 || r.flag() {
                let i = r.below(n as u64 + 1) as usize;
                parts.insert(i.min(parts.len()), String::new());
            }
        }
        UriShape::Prefix => {
            if r.flag() {
                parts.push(String::new());
            }
        }
    }
    parts.join(".")
}

#[derive(Clone, Copy)]
enum UriShape {
    Exact,
    Wildcard,
    Prefix,
}

fn uri(r: &mut Rng) -> String {
    uri_of(r, UriShape::Exact)
}

fn forward_for(r: &mut Rng, nonempty: bool) -> Value {
    let n = r.below(3) + u64::from(nonempty);
    Value::List(
        (0..n)
            .map(|_| {
                let mut hop = Dict::new();
                hop.insert("session", id(r));
                hop.insert("authid", string(r));
                hop.insert("authrole", string(r));
                Value::Dict(hop)
            })
            .collect(),
    )
}

/// `forward_for` of ERROR, CALL, RESULT, INVOCATION and YIELD: autobahn's
/// FlatBuffers `build()` of these imports a module that does not exist
/// (`from wamp.proto import Principal`, ModuleNotFoundError), so none there.
fn call_forward_for(r: &mut Rng, d: &mut Dict) {
    if !r.flatbuffers {
        maybe(r, d, 20, "forward_for", |r| forward_for(r, false));
    }
}

fn id_list(r: &mut Rng) -> Value {
    let n = r.below(4);
    Value::List((0..n).map(|_| Value::UInt(id(r))).collect())
}

fn str_list(r: &mut Rng) -> Value {
    let n = r.below(4);
    Value::List((0..n).map(|_| Value::Str(string(r))).collect())
}

fn custom_name(r: &mut Rng) -> String {
    format!(
        "x_{}{}",
        r.pick(&["a", "b", "z"]),
        r.pick(&["1", "b", "_c", "yz9"])
    )
}

/// The payload of one message.
enum Shape {
    None,
    Args(Vec<Value>),
    Kwargs(Dict),
    Both(Vec<Value>, Dict),
    /// Transparent payload bytes and the `enc_*` keys in autobahn's order.
    Transparent(Vec<u8>, Vec<(&'static str, Value)>),
}

fn shape(r: &mut Rng) -> Shape {
    let nonempty_list = |r: &mut Rng| {
        let mut l = list(r, 1);
        if l.is_empty() {
            l.push(value(r, 1));
        }
        l
    };
    let nonempty_dict = |r: &mut Rng| {
        let mut d = dict(r, 1);
        if d.is_empty() {
            d.insert(string(r), value(r, 1));
        }
        d
    };
    match r.below(5) {
        0 => Shape::None,
        1 => Shape::Args(nonempty_list(r)),
        2 => Shape::Kwargs(nonempty_dict(r)),
        3 => Shape::Both(list(r, 1), nonempty_dict(r)),
        _ => {
            let mut payload = bytes(r);
            if payload.is_empty() {
                payload.push(r.next() as u8);
            }
            let mut enc = Vec::new();
            // Custom `x_…` schemes and serializers have no FlatBuffers enum
            // value: autobahn writes 0 (none) for them.
            let kinds = if r.flatbuffers { 3 } else { 4 };
            let algo = match r.below(kinds) {
                0 => "cryptobox".to_owned(),
                1 => "mqtt".to_owned(),
                2 => "xbr".to_owned(),
                _ => custom_name(r),
            };
            enc.push(("enc_algo", Value::Str(algo)));
            if r.flag() {
                enc.push(("enc_key", Value::Str(string(r))));
            }
            if r.flag() {
                let kinds = if r.flatbuffers { 5 } else { 6 };
                let ser = match r.below(kinds) {
                    5 => custom_name(r),
                    i => {
                        ["json", "msgpack", "cbor", "ubjson", "flatbuffers"][i as usize].to_owned()
                    }
                };
                enc.push(("enc_serializer", Value::Str(ser)));
            }
            Shape::Transparent(payload, enc)
        }
    }
}

impl Shape {
    fn enc_keys(&self, d: &mut Dict) {
        if let Shape::Transparent(_, enc) = self {
            for (k, v) in enc {
                d.insert(*k, v.clone());
            }
        }
    }

    fn push_elements(self, out: &mut Vec<Value>) {
        match self {
            Shape::None => {}
            Shape::Args(a) => out.push(Value::List(a)),
            Shape::Kwargs(k) => out.extend([Value::List(Vec::new()), Value::Dict(k)]),
            Shape::Both(a, k) => out.extend([Value::List(a), Value::Dict(k)]),
            Shape::Transparent(b, _) => out.push(Value::Bytes(b)),
        }
    }
}

/// Inserts `key` with probability `percent`.
fn maybe(r: &mut Rng, d: &mut Dict, percent: u64, key: &str, f: impl FnOnce(&mut Rng) -> Value) {
    if r.chance(percent) {
        let v = f(r);
        d.insert(key, v);
    }
}

fn bool_value(r: &mut Rng) -> Value {
    Value::Bool(r.flag())
}

fn str_value(r: &mut Rng) -> Value {
    Value::Str(string(r))
}

/// autobahn's FlatBuffers build() fails on an empty `transaction_hash`
/// (`int('')`, ValueError), so the FlatBuffers profile never sends one.
fn transaction_hash(r: &mut Rng) -> Value {
    if r.flatbuffers {
        Value::Str(nonempty_string(r))
    } else {
        Value::Str(string(r))
    }
}

fn id_value(r: &mut Rng) -> Value {
    Value::UInt(id(r))
}

fn uri_value(r: &mut Rng) -> Value {
    Value::Str(uri(r))
}

/// `(role, features in the role class's attribute order)` of autobahn's `role.py`.
const CLIENT_ROLES: &[(&str, &[&str])] = &[
    (
        "publisher",
        &[
            "publisher_identification",
            "subscriber_blackwhite_listing",
            "publisher_exclusion",
            "payload_transparency",
            "x_acknowledged_event_delivery",
            "payload_encryption_cryptobox",
        ],
    ),
    (
        "subscriber",
        &[
            "publisher_identification",
            "publication_trustlevels",
            "pattern_based_subscription",
            "subscription_revocation",
            "event_history",
            "payload_transparency",
            "payload_encryption_cryptobox",
        ],
    ),
    (
        "caller",
        &[
            "caller_identification",
            "call_timeout",
            "call_canceling",
            "progressive_call_results",
            "payload_transparency",
            "payload_encryption_cryptobox",
        ],
    ),
    (
        "callee",
        &[
            "caller_identification",
            "call_trustlevels",
            "pattern_based_registration",
            "shared_registration",
            "call_timeout",
            "call_canceling",
            "progressive_call_results",
            "registration_revocation",
            "payload_transparency",
            "payload_encryption_cryptobox",
        ],
    ),
];

const ROUTER_ROLES: &[(&str, &[&str])] = &[
    (
        "broker",
        &[
            "publisher_identification",
            "publication_trustlevels",
            "pattern_based_subscription",
            "session_meta_api",
            "subscription_meta_api",
            "subscriber_blackwhite_listing",
            "publisher_exclusion",
            "subscription_revocation",
            "event_history",
            "payload_transparency",
            "x_acknowledged_event_delivery",
            "payload_encryption_cryptobox",
            "event_retention",
        ],
    ),
    (
        "dealer",
        &[
            "caller_identification",
            "call_trustlevels",
            "pattern_based_registration",
            "session_meta_api",
            "registration_meta_api",
            "shared_registration",
            "call_timeout",
            "call_canceling",
            "progressive_call_results",
            "registration_revocation",
            "payload_transparency",
            "testament_meta_api",
            "payload_encryption_cryptobox",
        ],
    ),
];

fn roles(r: &mut Rng, table: &[(&str, &[&str])]) -> Value {
    let mut roles = Dict::new();
    // Some non-empty subset, in a random order.
    let mut order: Vec<usize> = (0..table.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, r.below(i as u64 + 1) as usize);
    }
    let count = 1 + r.below(table.len() as u64) as usize;
    for &i in order.iter().take(count) {
        let (name, features) = table[i];
        let mut role = Dict::new();
        let mut f = Dict::new();
        for feature in features.iter() {
            if r.chance(40) {
                f.insert(*feature, r.flag());
            }
        }
        if !f.is_empty() {
            role.insert("features", f);
        }
        roles.insert(name, role);
    }
    Value::Dict(roles)
}

/// One random message of type `ty`, in its array form, with Options/Details
/// keys in the order autobahn's `marshal()` writes them.
fn message(r: &mut Rng, ty: MessageType) -> Value {
    let code = Value::UInt(ty.code());
    let mut d = Dict::new();
    let items: Vec<Value> = match ty {
        MessageType::Hello => {
            d.insert("roles", roles(r, CLIENT_ROLES));
            maybe(r, &mut d, 40, "authmethods", str_list);
            maybe(r, &mut d, 40, "authid", str_value);
            maybe(r, &mut d, 40, "authrole", str_value);
            maybe(r, &mut d, 30, "authextra", |r| Value::Dict(dict(r, 1)));
            maybe(r, &mut d, 30, "resumable", bool_value);
            if r.chance(20) {
                d.insert("resume-session", id(r));
                d.insert("resume-token", string(r));
            }
            vec![Value::Str(uri(r)), Value::Dict(d)]
        }
        MessageType::Welcome => {
            for _ in 0..r.below(3) {
                d.insert(custom_name(r), value(r, 1));
            }
            let ne = |r: &mut Rng| Value::Str(nonempty_string(r));
            maybe(r, &mut d, 50, "realm", |r| Value::Str(uri(r)));
            maybe(r, &mut d, 50, "authid", ne);
            if r.chance(50) {
                d.insert("authrole", nonempty_string(r));
                d.insert("authmethod", nonempty_string(r));
            }
            maybe(r, &mut d, 30, "authprovider", ne);
            if r.chance(30) {
                let mut extra = dict(r, 1);
                extra.insert("k", value(r, 1));
                d.insert("authextra", extra);
            }
            maybe(r, &mut d, 20, "resumed", |_| Value::Bool(true));
            if r.chance(20) {
                d.insert("resumable", true);
                d.insert("resume_token", nonempty_string(r));
            } else {
                maybe(r, &mut d, 20, "resume_token", ne);
            }
            d.insert("roles", roles(r, ROUTER_ROLES));
            vec![Value::UInt(id(r)), Value::Dict(d)]
        }
        MessageType::Abort => {
            maybe(r, &mut d, 50, "message", |r| Value::Str(nonempty_string(r)));
            vec![Value::Dict(d), Value::Str(uri(r))]
        }
        MessageType::Challenge if r.flatbuffers => {
            // The envelope has an AuthMethod enum, not a string.
            let method = *r.pick(&["anonymous", "ticket", "wampcra", "wamp-scram", "cryptosign"]);
            vec![Value::from(method), Value::Dict(dict(r, 1))]
        }
        MessageType::Challenge | MessageType::Authenticate => {
            vec![Value::Str(string(r)), Value::Dict(dict(r, 1))]
        }
        MessageType::Goodbye => {
            maybe(r, &mut d, 50, "message", |r| Value::Str(nonempty_string(r)));
            maybe(r, &mut d, 30, "resumable", |_| Value::Bool(true));
            vec![Value::Dict(d), Value::Str(uri(r))]
        }
        MessageType::Error => {
            let s = shape(r);
            maybe(r, &mut d, 25, "callee", id_value);
            maybe(r, &mut d, 25, "callee_authid", str_value);
            maybe(r, &mut d, 25, "callee_authrole", str_value);
            call_forward_for(r, &mut d);
            s.enc_keys(&mut d);
            let request_type = *r.pick(&[16u64, 32, 34, 48, 64, 66, 68]);
            let mut v = vec![
                Value::UInt(request_type),
                Value::UInt(id(r)),
                Value::Dict(d),
                Value::Str(uri(r)),
            ];
            s.push_elements(&mut v);
            v
        }
        MessageType::Publish => {
            let s = shape(r);
            maybe(r, &mut d, 30, "acknowledge", bool_value);
            maybe(r, &mut d, 30, "exclude_me", bool_value);
            maybe(r, &mut d, 20, "exclude", id_list);
            maybe(r, &mut d, 20, "exclude_authid", str_list);
            // autobahn's FlatBuffers build() fails unless exclude_authid and
            // exclude_authrole come together (TypeError on either alone; the
            // WAMP-REFERENCE §4.5 slip, now a crash).
            // (An empty list counts as absent there.)
            if r.flatbuffers {
                if d.contains_key("exclude_authid") {
                    let nonempty = |r: &mut Rng| Value::List(vec![Value::Str(string(r))]);
                    d.insert("exclude_authid", nonempty(r));
                    d.insert("exclude_authrole", nonempty(r));
                }
            } else {
                maybe(r, &mut d, 20, "exclude_authrole", str_list);
            }
            maybe(r, &mut d, 20, "eligible", id_list);
            maybe(r, &mut d, 20, "eligible_authid", str_list);
            maybe(r, &mut d, 20, "eligible_authrole", str_list);
            maybe(r, &mut d, 20, "retain", bool_value);
            maybe(r, &mut d, 20, "transaction_hash", transaction_hash);
            s.enc_keys(&mut d);
            maybe(r, &mut d, 20, "forward_for", |r| forward_for(r, false));
            let mut v = vec![Value::UInt(id(r)), Value::Dict(d), Value::Str(uri(r))];
            s.push_elements(&mut v);
            v
        }
        MessageType::Published
        | MessageType::Subscribed
        | MessageType::Registered
        | MessageType::Unregister
        | MessageType::Unsubscribe => {
            let mut v = vec![Value::UInt(id(r)), Value::UInt(id(r))];
            if matches!(ty, MessageType::Unsubscribe | MessageType::Unregister) && r.chance(30) {
                d.insert("forward_for", forward_for(r, true));
                v.push(Value::Dict(d));
            }
            v
        }
        MessageType::Subscribe | MessageType::Register => {
            let policy = *r.pick(&["exact", "prefix", "wildcard"]);
            if policy != "exact" {
                d.insert("match", policy);
            }
            if ty == MessageType::Subscribe {
                maybe(r, &mut d, 30, "get_retained", bool_value);
            } else {
                if r.chance(30) {
                    d.insert(
                        "invoke",
                        *r.pick(&["roundrobin", "random", "first", "last"]),
                    );
                }
                maybe(r, &mut d, 30, "concurrency", |r| {
                    Value::UInt(1 + r.below(65_535))
                });
                maybe(r, &mut d, 30, "force_reregister", bool_value);
            }
            maybe(r, &mut d, 20, "forward_for", |r| forward_for(r, false));
            let shape = match policy {
                "prefix" => UriShape::Prefix,
                "wildcard" => UriShape::Wildcard,
                _ => UriShape::Exact,
            };
            vec![
                Value::UInt(id(r)),
                Value::Dict(d),
                Value::Str(uri_of(r, shape)),
            ]
        }
        MessageType::Unsubscribed | MessageType::Unregistered => {
            let key = if ty == MessageType::Unsubscribed {
                "subscription"
            } else {
                "registration"
            };
            match r.below(3) {
                0 => vec![Value::UInt(id(r))],
                1 => {
                    d.insert("reason", uri(r));
                    vec![Value::UInt(id(r)), Value::Dict(d)]
                }
                _ => {
                    maybe(r, &mut d, 50, "reason", uri_value);
                    d.insert(key, id(r));
                    vec![Value::UInt(0), Value::Dict(d)]
                }
            }
        }
        MessageType::Event => {
            let s = shape(r);
            maybe(r, &mut d, 25, "publisher", id_value);
            maybe(r, &mut d, 25, "publisher_authid", str_value);
            maybe(r, &mut d, 25, "publisher_authrole", str_value);
            maybe(r, &mut d, 25, "topic", uri_value);
            maybe(r, &mut d, 20, "retained", bool_value);
            maybe(r, &mut d, 20, "transaction_hash", transaction_hash);
            maybe(r, &mut d, 20, "x_acknowledged_delivery", bool_value);
            maybe(r, &mut d, 20, "forward_for", |r| forward_for(r, false));
            s.enc_keys(&mut d);
            let mut v = vec![Value::UInt(id(r)), Value::UInt(id(r)), Value::Dict(d)];
            s.push_elements(&mut v);
            v
        }
        MessageType::EventReceived => vec![Value::UInt(id(r))],
        MessageType::Call => {
            let s = shape(r);
            maybe(r, &mut d, 30, "timeout", |r| {
                // The FlatBuffers slot is a u32: autobahn cannot build more
                // (TypeError); we would keep it in `x_extra`.
                let max = if r.flatbuffers { 1 << 32 } else { MAX_ID };
                let random = r.below(max);
                Value::UInt(*r.pick(&[0, 1, 1000, 65_536, 1 << 31, random]))
            });
            maybe(r, &mut d, 30, "receive_progress", bool_value);
            maybe(r, &mut d, 20, "transaction_hash", transaction_hash);
            s.enc_keys(&mut d);
            maybe(r, &mut d, 20, "caller", id_value);
            maybe(r, &mut d, 20, "caller_authid", str_value);
            maybe(r, &mut d, 20, "caller_authrole", str_value);
            call_forward_for(r, &mut d);
            let mut v = vec![Value::UInt(id(r)), Value::Dict(d), Value::Str(uri(r))];
            s.push_elements(&mut v);
            v
        }
        MessageType::Cancel | MessageType::Interrupt => {
            let modes: &[&str] = if ty == MessageType::Cancel {
                &["skip", "kill", "killnowait"]
            } else {
                &["kill", "killnowait"]
            };
            maybe(r, &mut d, 60, "mode", |r| Value::from(*r.pick(modes)));
            if ty == MessageType::Interrupt {
                maybe(r, &mut d, 40, "reason", uri_value);
            }
            maybe(r, &mut d, 20, "forward_for", |r| forward_for(r, false));
            vec![Value::UInt(id(r)), Value::Dict(d)]
        }
        MessageType::Result | MessageType::Yield => {
            let s = shape(r);
            maybe(r, &mut d, 30, "progress", bool_value);
            maybe(r, &mut d, 25, "callee", id_value);
            maybe(r, &mut d, 25, "callee_authid", str_value);
            maybe(r, &mut d, 25, "callee_authrole", str_value);
            call_forward_for(r, &mut d);
            s.enc_keys(&mut d);
            let mut v = vec![Value::UInt(id(r)), Value::Dict(d)];
            s.push_elements(&mut v);
            v
        }
        MessageType::Invocation => {
            let s = shape(r);
            maybe(r, &mut d, 30, "timeout", |r| Value::UInt(r.below(1 << 32)));
            maybe(r, &mut d, 30, "receive_progress", bool_value);
            maybe(r, &mut d, 25, "caller", id_value);
            maybe(r, &mut d, 25, "caller_authid", str_value);
            maybe(r, &mut d, 25, "caller_authrole", str_value);
            maybe(r, &mut d, 25, "procedure", uri_value);
            maybe(r, &mut d, 20, "transaction_hash", transaction_hash);
            call_forward_for(r, &mut d);
            s.enc_keys(&mut d);
            let mut v = vec![Value::UInt(id(r)), Value::UInt(id(r)), Value::Dict(d)];
            s.push_elements(&mut v);
            v
        }
        other => panic!("generator has no case for {}", other.name()),
    };
    let mut array = vec![code];
    array.extend(items);
    Value::List(array)
}

// ---------------------------------------------------------------------------
// The canonical description (must match `describe()` in autobahn_oracle.py).

fn element_names(ty: MessageType) -> &'static [&'static str] {
    match ty {
        MessageType::Hello => &["realm", "details"],
        MessageType::Welcome => &["session", "details"],
        MessageType::Abort => &["details", "reason", "args", "kwargs"],
        MessageType::Challenge => &["method", "extra"],
        MessageType::Authenticate => &["signature", "extra"],
        MessageType::Goodbye => &["details", "reason"],
        MessageType::Error => &[
            "request_type",
            "request",
            "details",
            "error",
            "args",
            "kwargs",
        ],
        MessageType::Publish => &["request", "options", "topic", "args", "kwargs"],
        MessageType::Published => &["request", "publication"],
        MessageType::Subscribe => &["request", "options", "topic"],
        MessageType::Subscribed => &["request", "subscription"],
        MessageType::Unsubscribe => &["request", "subscription", "options"],
        MessageType::Unsubscribed => &["request", "details"],
        MessageType::Event => &["subscription", "publication", "details", "args", "kwargs"],
        MessageType::EventReceived => &["publication"],
        MessageType::Call => &["request", "options", "procedure", "args", "kwargs"],
        MessageType::Cancel => &["request", "options"],
        MessageType::Result => &["request", "details", "args", "kwargs"],
        MessageType::Register => &["request", "options", "procedure"],
        MessageType::Registered => &["request", "registration"],
        MessageType::Unregister => &["request", "registration", "options"],
        MessageType::Unregistered => &["request", "details"],
        MessageType::Invocation => &["request", "registration", "details", "args", "kwargs"],
        MessageType::Interrupt => &["request", "options"],
        MessageType::Yield => &["request", "options", "args", "kwargs"],
        _ => &[],
    }
}

fn canon(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::UInt(u) => json!(u),
        Value::Int(i) => json!(i),
        Value::Float(f) => json!({ "$f": format!("{:016x}", f.to_bits()) }),
        Value::Str(s) => Json::String(s.clone()),
        Value::Bytes(b) => json!({ "$b": hex(b) }),
        Value::List(items) => Json::Array(items.iter().map(canon).collect()),
        Value::Dict(d) => {
            let map: Map<String, Json> = d.iter().map(|(k, v)| (k.to_owned(), canon(v))).collect();
            json!({ "$d": map })
        }
    }
}

fn describe(msg: &Message) -> Json {
    let array = msg
        .to_value()
        .expect("payload of a message we hold decodes");
    let Value::List(items) = array else {
        unreachable!("to_value gives a list")
    };
    let ty = msg.message_type();
    let mut desc = Map::new();
    desc.insert("type".into(), json!(ty.code()));
    for (name, v) in element_names(ty).iter().zip(items.iter().skip(1)) {
        let name = if *name == "args" && matches!(v, Value::Bytes(_)) {
            "payload"
        } else {
            name
        };
        desc.insert(name.to_string(), canon(v));
    }
    Json::Object(desc)
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for byte in b {
        let _ = write!(s, "{byte:02x}");
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

// ---------------------------------------------------------------------------
// The oracle process.

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn autobahn_python() -> PathBuf {
    let path = match std::env::var_os("AUTOBAHN_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => workspace_root().join("target/peers/autobahn-venv/bin/python"),
    };
    assert!(
        path.exists(),
        "autobahn-python not found at {} (set AUTOBAHN_PYTHON).\n\
         help: install it once with `source scripts/peers.sh && install_autobahn` \
         (from the workspace root), which also exports AUTOBAHN_PYTHON",
        path.display()
    );
    path
}

/// Sends every request line to one oracle process and returns its replies,
/// in order. A writer thread feeds stdin while this thread reads stdout, so
/// neither pipe can fill up and block the other side.
fn ask_oracle(serializer: &str, requests: Vec<String>) -> Vec<Json> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/autobahn_oracle.py");
    let mut child = Command::new(autobahn_python())
        .arg(&script)
        .arg(serializer)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the autobahn oracle");
    let mut stdin = child.stdin.take().expect("oracle stdin");
    let count = requests.len();
    let writer = std::thread::spawn(move || {
        for line in requests {
            if stdin.write_all(line.as_bytes()).is_err() || stdin.write_all(b"\n").is_err() {
                break;
            }
        }
        // Dropping stdin ends the oracle's input.
    });
    let stdout = child.stdout.take().expect("oracle stdout");
    let mut replies = Vec::with_capacity(count);
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read oracle reply");
        replies.push(serde_json::from_str(&line).expect("oracle replies JSON"));
    }
    writer.join().expect("oracle writer thread");
    let status = child.wait().expect("wait for the oracle");
    assert!(
        status.success(),
        "autobahn oracle for {serializer} failed: {status}"
    );
    assert_eq!(
        replies.len(),
        count,
        "autobahn oracle for {serializer}: reply count"
    );
    replies
}

// ---------------------------------------------------------------------------
// The differential run.

struct Mismatch {
    index: usize,
    ty: MessageType,
    direction: &'static str,
    detail: String,
}

#[derive(Default)]
struct TypeStats {
    messages: usize,
    bytes_equal: usize,
    /// Direction 1 not checked (known autobahn reader bug).
    unread: usize,
    /// The first message whose bytes differ from autobahn's.
    first_unequal: Option<String>,
}

struct RunReport {
    stats: BTreeMap<u64, (MessageType, TypeStats)>,
    mismatches: Vec<Mismatch>,
}

fn settings() -> (u64, usize) {
    let seed = std::env::var("WAMP_DIFF_SEED")
        .ok()
        .map(|s| {
            let s = s.trim();
            match s.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16),
                None => s.parse(),
            }
            .expect("WAMP_DIFF_SEED is a number")
        })
        .unwrap_or(DEFAULT_SEED);
    let count = std::env::var("WAMP_DIFF_COUNT")
        .ok()
        .map(|s| s.trim().parse().expect("WAMP_DIFF_COUNT is a number"))
        .unwrap_or(DEFAULT_COUNT);
    (seed, count)
}

type EncodeFn = Box<dyn Fn(&Message) -> wamp_idl_runtime::Result<Vec<u8>>>;
type DecodeFn = Box<dyn Fn(&[u8]) -> wamp_idl_runtime::Result<Message>>;
/// `(description, side, whether it is our expectation)`: autobahn's slips
/// apply to the expectation only.
type NormalizeFn = fn(&Json, Side, bool) -> Json;

/// One serializer under test.
struct Target {
    /// The oracle's serializer name.
    name: &'static str,
    /// Seed salt, so every serializer gets its own messages.
    salt: u64,
    encode: EncodeFn,
    /// Our encoding that aims at autobahn's exact bytes.
    encode_like_autobahn: EncodeFn,
    decode: DecodeFn,
    /// Whether every message must be byte-identical to autobahn's.
    must_match_bytes: bool,
    subnormals: bool,
    flatbuffers: bool,
    /// Applied to both descriptions before they are compared: what the
    /// envelope and autobahn can carry (identity for the array serializers).
    normalize: NormalizeFn,
    /// Messages autobahn's reader is known to fail on (skipped in direction 1).
    autobahn_cannot_read: fn(&Json) -> bool,
}

/// Which side autobahn is on in a comparison.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// autobahn read our bytes.
    AutobahnRead,
    /// We read the bytes autobahn wrote.
    AutobahnWrote,
}

fn identity(desc: &Json, _side: Side, _expected: bool) -> Json {
    desc.clone()
}

fn array_target(name: &'static str, codec: Codec, must_match_bytes: bool) -> Target {
    Target {
        name,
        salt: u64::from(codec.serializer().rawsocket_id()),
        encode: Box::new(move |m| codec.encode(m)),
        encode_like_autobahn: Box::new(move |m| codec.encode(m)),
        decode: Box::new(move |b| codec.decode_slice(b)),
        must_match_bytes,
        subnormals: !matches!(codec.serializer(), Serializer::Ubjson(_)),
        flatbuffers: false,
        normalize: identity,
        autobahn_cannot_read: |_| false,
    }
}

/// Generates `count` messages for `target` and checks both directions.
fn differential(target: &Target, seed: u64, count: usize) -> RunReport {
    let oracle_name = target.name;
    let types: Vec<MessageType> = MessageType::all().collect();
    let mut rng = Rng {
        state: seed ^ target.salt,
        subnormals: target.subnormals,
        flatbuffers: target.flatbuffers,
    };
    let mut messages = Vec::with_capacity(count);
    let mut requests = Vec::with_capacity(2 * count);
    for i in 0..count {
        let ty = types[i % types.len()];
        let array = message(&mut rng, ty);
        let msg = Message::from_value(array.clone())
            .unwrap_or_else(|e| panic!("generated {} is invalid: {e}\n{array:?}", ty.name()));
        let bytes = (target.encode)(&msg)
            .unwrap_or_else(|e| panic!("encode {} failed: {e}\n{array:?}", ty.name()));
        let like_autobahn = (target.encode_like_autobahn)(&msg)
            .unwrap_or_else(|e| panic!("encode {} failed: {e}\n{array:?}", ty.name()));
        let desc = describe(&msg);
        requests.push(json!(["parse", hex(&bytes)]).to_string());
        requests.push(json!(["build", desc]).to_string());
        messages.push((ty, bytes, like_autobahn, desc));
    }
    let replies = ask_oracle(oracle_name, requests);

    let mut report = RunReport {
        stats: BTreeMap::new(),
        mismatches: Vec::new(),
    };
    for (index, ((ty, ours, like_autobahn, desc), pair)) in
        messages.iter().zip(replies.chunks(2)).enumerate()
    {
        let read_expected = (target.normalize)(desc, Side::AutobahnRead, true);
        let written_expected = (target.normalize)(desc, Side::AutobahnWrote, true);
        let stats = &mut report
            .stats
            .entry(ty.code())
            .or_insert_with(|| (*ty, TypeStats::default()))
            .1;
        stats.messages += 1;
        let mut fail = |direction: &'static str, detail: String| {
            report.mismatches.push(Mismatch {
                index,
                ty: *ty,
                direction,
                detail,
            })
        };
        let (parsed, built) = (&pair[0], &pair[1]);

        // 1. our bytes -> autobahn
        let cannot_read = (target.autobahn_cannot_read)(desc);
        if cannot_read {
            stats.unread += 1;
        }
        match (parsed.get("desc"), parsed.get("error")) {
            _ if cannot_read => {}
            (Some(theirs), _) if (target.normalize)(theirs, Side::AutobahnRead, false) == read_expected => {}
            (Some(theirs), _) => fail(
                "our bytes -> autobahn unserialize",
                format!(
                    "expected: {read_expected}\nautobahn: {theirs}\nours:     {desc}\nour bytes: {}",
                    hex(ours)
                ),
            ),
            (None, error) => fail(
                "our bytes -> autobahn unserialize",
                format!(
                    "autobahn rejected: {}\nours: {desc}\nour bytes: {}",
                    error.unwrap_or(&Json::Null),
                    hex(ours)
                ),
            ),
        }

        // 2. autobahn builds -> our decoder
        let (Some(their_hex), Some(their_desc)) =
            (built.get("hex").and_then(Json::as_str), built.get("desc"))
        else {
            fail(
                "autobahn build -> our decode",
                format!(
                    "autobahn could not build it: {}\nours: {desc}",
                    built.get("error").unwrap_or(&Json::Null)
                ),
            );
            continue;
        };
        if their_desc != desc {
            fail(
                "autobahn build (constructor)",
                format!("ours:     {desc}\nautobahn: {their_desc}"),
            );
        }
        let Some(theirs) = unhex(their_hex) else {
            fail("autobahn build -> our decode", "oracle sent bad hex".into());
            continue;
        };
        if theirs == *like_autobahn {
            stats.bytes_equal += 1;
        } else if stats.first_unequal.is_none() {
            stats.first_unequal = Some(format!(
                "message #{index}: {desc}\n  ours:     {}\n  autobahn: {their_hex}",
                hex(like_autobahn)
            ));
        }
        match (target.decode)(&theirs) {
            Ok(decoded) => {
                let back = (target.normalize)(&describe(&decoded), Side::AutobahnWrote, false);
                if back != written_expected {
                    fail(
                        "autobahn build -> our decode",
                        format!(
                            "expected: {written_expected}\ndecoded:  {back}\nours:     {desc}\nautobahn bytes: {their_hex}"
                        ),
                    );
                }
            }
            Err(e) => fail(
                "autobahn build -> our decode",
                format!("our decoder rejected autobahn's bytes: {e}\nexpected: {written_expected}\nautobahn bytes: {their_hex}"),
            ),
        }
    }
    report
}

/// The Options/Details keys the FlatBuffers envelope has slots for, per
/// message code (WAMP-REFERENCE §4.2), and the name of that dict element.
/// autobahn drops every other key; our codec keeps them in `x_extra`, which
/// autobahn skips.
fn fb_slot_keys(code: u64) -> (&'static str, &'static [&'static str]) {
    const PPT: [&str; 3] = ["enc_algo", "enc_key", "enc_serializer"];
    match code {
        1 => (
            "details",
            &[
                "authid",
                "authrole",
                "resumable",
                "resume-session",
                "resume-token",
            ],
        ),
        2 => (
            "details",
            &[
                "realm",
                "authid",
                "authrole",
                "authprovider",
                "resumed",
                "resumable",
                "resume_token",
            ],
        ),
        3 | 6 => ("details", &["message", "resumable"]),
        8 => ("details", &["forward_for", PPT[0], PPT[1], PPT[2]]),
        16 => (
            "options",
            &[
                "acknowledge",
                "exclude_me",
                "exclude",
                "exclude_authid",
                "exclude_authrole",
                "eligible",
                "eligible_authid",
                "eligible_authrole",
                "retain",
                "transaction_hash",
                "forward_for",
                PPT[0],
                PPT[1],
                PPT[2],
            ],
        ),
        32 => ("options", &["match", "get_retained"]),
        35 => ("details", &["subscription", "reason"]),
        67 => ("details", &["registration", "reason"]),
        36 => (
            "details",
            &[
                "publisher",
                "publisher_authid",
                "publisher_authrole",
                "topic",
                "retained",
                "transaction_hash",
                "x_acknowledged_delivery",
                "forward_for",
                PPT[0],
                PPT[1],
                PPT[2],
            ],
        ),
        48 => (
            "options",
            &[
                "timeout",
                "receive_progress",
                "transaction_hash",
                "caller",
                "caller_authid",
                "caller_authrole",
                "forward_for",
                PPT[0],
                PPT[1],
                PPT[2],
            ],
        ),
        49 => ("options", &["mode", "forward_for"]),
        50 => (
            "details",
            &[
                "progress",
                "callee",
                "callee_authid",
                "callee_authrole",
                "forward_for",
                PPT[0],
                PPT[1],
                PPT[2],
            ],
        ),
        70 => (
            "options",
            &[
                "progress",
                "callee",
                "callee_authid",
                "callee_authrole",
                "forward_for",
                PPT[0],
                PPT[1],
                PPT[2],
            ],
        ),
        64 => (
            "options",
            &["match", "invoke", "concurrency", "force_reregister"],
        ),
        68 => (
            "details",
            &[
                "procedure",
                "timeout",
                "receive_progress",
                "transaction_hash",
                "caller",
                "caller_authid",
                "caller_authrole",
                "forward_for",
                PPT[0],
                PPT[1],
                PPT[2],
            ],
        ),
        69 => ("options", &["mode", "reason", "forward_for"]),
        // UNSUBSCRIBE/UNREGISTER Options hold only forward_for: no slot.
        34 | 66 => ("options", &[]),
        _ => ("", &[]),
    }
}

/// Whether an Options/Details value is what a FlatBuffers slot holds when
/// absent (autobahn neither writes nor reads such values back).
fn fb_default(code: u64, key: &str, v: &Json) -> bool {
    match v {
        // PUBLISH exclude_me defaults to true in the schema (and the spec).
        Json::Bool(b) if key == "exclude_me" => *b,
        Json::Bool(b) => !b,
        Json::Number(n) => n.as_u64() == Some(0),
        Json::String(s) => {
            s.is_empty()
                || (key == "match" && s == "exact")
                || (key == "invoke" && s == "single")
                || (key == "mode" && code == 49 && s == "skip")
                || (key == "mode" && code == 69 && s == "kill")
        }
        Json::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The part of a message that survives the FlatBuffers envelope between us
/// and autobahn, with autobahn's known slips applied. Every rule is a
/// documented limitation of the envelope or of autobahn 26.10.2
/// (`autobahn/wamp/message.py`), not of our codec:
///
/// - keys without a slot are dropped (see [`fb_slot_keys`]): HELLO
///   roles/authmethods/authextra, WELCOME authmethod/authextra/roles/custom
///   keys, CHALLENGE/AUTHENTICATE extra, ERROR callee*, SUBSCRIBE/REGISTER/
///   UNSUBSCRIBE/UNREGISTER forward_for;
/// - a value equal to the slot's default (false, 0, "", [], exact, single,
///   CANCEL skip, INTERRUPT kill) is the same as no value; empty optional
///   UNSUBSCRIBE/UNREGISTER Options and UNSUBSCRIBED/UNREGISTERED Details
///   are the same as none; an empty `forward_for` authid reads back as null;
/// - autobahn's FlatBuffers *reader* (our bytes → autobahn) loses more:
///   GOODBYE `reason` always reads as `wamp.close.normal` (a constructor
///   default shadows the lazy slot reader), CHALLENGE `method: anonymous` as null,
///   SUBSCRIBE/REGISTER `match` and REGISTER `invoke` read as the defaults
///   (same cause), `mode: killnowait` reads as `kill`, and `enc_key`
///   (`ppt_keyid`) reads as bytes instead of a string.
fn fb_normalize(desc: &Json, side: Side, expected: bool) -> Json {
    let mut d = desc.clone();
    let Some(obj) = d.as_object_mut() else {
        return d;
    };
    let code = obj.get("type").and_then(Json::as_u64).unwrap_or(0);
    if code == 4 || code == 5 {
        obj.insert("extra".into(), json!({ "$d": {} }));
    }
    if side == Side::AutobahnRead && expected {
        if code == 6 {
            obj.insert("reason".into(), json!("wamp.close.normal"));
        }
        if code == 4 && obj.get("method") == Some(&json!("anonymous")) {
            // AuthMethod 0 (anonymous) is the slot default: read as null.
            obj.insert("method".into(), Json::Null);
        }
    }
    if code == 5 && obj.get("signature") == Some(&Json::Null) {
        // autobahn reads an empty (absent) signature as null.
        obj.insert("signature".into(), json!(""));
    }
    let (field, keep) = fb_slot_keys(code);
    let mut now_empty = false;
    if let Some(inner) = obj
        .get_mut(field)
        .and_then(|v| v.get_mut("$d"))
        .and_then(Json::as_object_mut)
    {
        // First the slips (they can turn a value into a default), then the
        // defaults are dropped.
        if let (true, Some(Json::String(mode))) = (expected, inner.get("mode")) {
            let mode = match (code, side, mode.as_str()) {
                // autobahn's CANCEL writer encodes killnowait as SKIP; its
                // reader maps 2 to kill and 1 (kill) to nothing (the enum
                // before the renumbering, WAMP-REFERENCE §4.4).
                (49, Side::AutobahnWrote, "killnowait") => Some("skip"),
                (49, Side::AutobahnRead, "killnowait") => Some("kill"),
                (49, Side::AutobahnRead, "kill") => None,
                // INTERRUPT: killnowait is written as KILL and read as kill.
                (69, _, "killnowait") => Some("kill"),
                (_, _, other) => Some(other),
            };
            match mode {
                Some(m) => {
                    let m = json!(m);
                    inner.insert("mode".into(), m);
                }
                None => {
                    inner.remove("mode");
                }
            }
        }
        if side == Side::AutobahnRead && expected {
            if code == 32 || code == 64 {
                inner.remove("match");
                inner.remove("invoke");
            }
            if let Some(Json::String(key)) = inner.get("enc_key") {
                let as_bytes = json!({ "$b": hex(key.as_bytes()) });
                inner.insert("enc_key".into(), as_bytes);
            }
        }
        if inner.get("enc_key") == Some(&json!({ "$b": "" })) {
            // autobahn reads an absent ppt_keyid as b"".
            inner.remove("enc_key");
        }
        inner.retain(|k, v| keep.contains(&k.as_str()) && !fb_default(code, k, v));
        if let Some(Json::Array(hops)) = inner.get_mut("forward_for") {
            for hop in hops.iter_mut() {
                if let Some(h) = hop.get_mut("$d").and_then(Json::as_object_mut) {
                    // autobahn reads an empty authid as null and an empty
                    // authrole as b"".
                    for v in h.values_mut() {
                        if v.is_null() || *v == json!({ "$b": "" }) {
                            *v = json!("");
                        }
                    }
                }
            }
        }
        now_empty = inner.is_empty();
    }
    if now_empty && matches!(code, 34 | 35 | 66 | 67) {
        obj.remove(field);
    }
    d
}

/// autobahn's FlatBuffers reader cannot read ERROR payloads at all:
/// `message_fbs.Error.ArgsAsBytes`/`KwargsAsBytes`/`PayloadAsBytes` read the
/// vtable slots of PUBLISH (10, 12, 14), which in the Error table are
/// `error`, `args` and `kwargs`, so cbor2 fails or returns garbage and a
/// transparent payload (with its `enc_*` keys) is lost. Our frames are right (autobahn's generated
/// `wamp.proto.Error` reads them); only direction 1 is skipped for these.
fn fb_error_with_payload(desc: &Json) -> bool {
    desc.get("type") == Some(&json!(8))
        && ["args", "kwargs", "payload"]
            .iter()
            .any(|k| desc.get(*k).is_some())
}

/// The FlatBuffers envelope with CBOR args/kwargs, as autobahn's
/// `FlatBuffersSerializer(payload_serializer="cbor")` writes it. We send our
/// default (lossless) encoding and compare autobahn's bytes with our
/// autobahn-compatible one.
fn flatbuffers_target() -> Target {
    let codec = FlatBuffersCodec::new();
    let compat = FlatBuffersCodec::new().with_autobahn_compat(true);
    let decoder = codec.clone();
    Target {
        name: "flatbuffers",
        salt: u64::from(flatbuffers::RAWSOCKET_ID),
        encode: Box::new(move |m| codec.encode(m)),
        encode_like_autobahn: Box::new(move |m| compat.encode(m)),
        decode: Box::new(move |b| decoder.decode(Bytes::copy_from_slice(b))),
        must_match_bytes: false,
        subnormals: true,
        flatbuffers: true,
        normalize: fb_normalize,
        autobahn_cannot_read: fb_error_with_payload,
    }
}

#[test]
fn autobahn_differential() {
    let (seed, count) = settings();
    println!("autobahn differential: seed {seed:#x}, {count} messages per serializer (WAMP_DIFF_SEED / WAMP_DIFF_COUNT / WAMP_DIFF_ONLY=<serializer> to change, WAMP_DIFF_VERBOSE=<n> prints n mismatches)");
    let runs = [
        array_target("json", Codec::new(Serializer::Json), true),
        array_target("msgpack", Codec::new(Serializer::MsgPack), true),
        array_target("cbor", Codec::new(Serializer::Cbor), true),
        array_target(
            "ubjson",
            Codec::new(Serializer::Ubjson(UbjsonDialect::BjData)),
            false,
        ),
        flatbuffers_target(),
    ];
    let mut failures = String::new();
    let mut total_mismatches = 0;
    let only = std::env::var("WAMP_DIFF_ONLY").ok();
    for target in &runs {
        let name = target.name;
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let started = std::time::Instant::now();
        let report = differential(target, seed, count);
        let (mut all, mut equal, mut unread) = (0, 0, 0);
        let mut per_type = Vec::new();
        let mut unequal_types = Vec::new();
        for (ty, s) in report.stats.values() {
            all += s.messages;
            equal += s.bytes_equal;
            unread += s.unread;
            per_type.push(format!("{} {}/{}", ty.name(), s.bytes_equal, s.messages));
            if s.bytes_equal != s.messages {
                unequal_types.push(format!("{} {}/{}", ty.name(), s.bytes_equal, s.messages));
            }
        }
        assert_eq!(
            report.stats.len(),
            25,
            "{name}: every message type is generated"
        );
        println!(
            "{name:8} {all} messages, {} mismatches, {unread} not read by autobahn (known bug), \
             bytes equal to autobahn's: {equal}/{all} [{:.1}s]\n         per type: {}",
            report.mismatches.len(),
            started.elapsed().as_secs_f64(),
            per_type.join(", ")
        );
        if target.must_match_bytes && equal != all {
            let _ = writeln!(
                failures,
                "{name}: {} of {all} messages differ from autobahn's bytes: {}",
                all - equal,
                unequal_types.join(", ")
            );
        }
        let verbose: usize = std::env::var("WAMP_DIFF_VERBOSE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if verbose > 0 {
            for (ty, s) in report.stats.values() {
                if let Some(first) = &s.first_unequal {
                    println!("--- {name} {} bytes differ, first: {first}", ty.name());
                }
            }
        }
        for m in report.mismatches.iter().take(verbose) {
            println!(
                "--- {name} #{} {} {}:\n{}",
                m.index,
                m.ty.name(),
                m.direction,
                m.detail
            );
        }
        if let Some(first) = report.mismatches.first() {
            let mut per: BTreeMap<(String, &str), usize> = BTreeMap::new();
            for m in &report.mismatches {
                *per.entry((m.ty.name().to_owned(), m.direction))
                    .or_default() += 1;
            }
            let _ = writeln!(
                failures,
                "{name}: {} mismatches; first: message #{} ({}), {}:\n{}\nby type and direction: {per:?}",
                report.mismatches.len(),
                first.index,
                first.ty.name(),
                first.direction,
                first.detail
            );
            total_mismatches += report.mismatches.len();
        }
    }
    assert!(
        failures.is_empty(),
        "autobahn differential failed (seed {seed:#x}, {total_mismatches} mismatches; rerun with WAMP_DIFF_SEED={seed:#x}):\n{failures}"
    );
}
