//! Reads lines `FORMAT HEX` from stdin (FORMAT: json, msgpack, cbor, bjdata,
//! ubjson), decodes each value and prints our re-encoding as hex, or
//! `ERR <message>`. Used by `tests/peers/crosscheck.py` to compare our
//! encoders byte for byte with the Python libraries autobahn uses.

use std::io::{BufRead, Write};

use wamp_idl_runtime::serializer::{Limits, Serializer, UbjsonDialect};

fn parse_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

fn main() {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let (format, hex) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let serializer = match format {
            "json" => Serializer::Json,
            "msgpack" => Serializer::MsgPack,
            "cbor" => Serializer::Cbor,
            "bjdata" => Serializer::Ubjson(UbjsonDialect::BjData),
            "ubjson" => Serializer::Ubjson(UbjsonDialect::Draft12),
            other => {
                let _ = writeln!(out, "ERR unknown format {other:?}");
                continue;
            }
        };
        let Some(bytes) = parse_hex(hex) else {
            let _ = writeln!(out, "ERR invalid hex");
            continue;
        };
        let result = serializer
            .decode_value(&bytes, &Limits::default())
            .and_then(|v| serializer.encode_value(&v));
        let _ = match result {
            Ok(encoded) => {
                let hex: String = encoded.iter().map(|b| format!("{b:02x}")).collect();
                writeln!(out, "{hex}")
            }
            Err(e) => writeln!(out, "ERR {e}"),
        };
    }
}
