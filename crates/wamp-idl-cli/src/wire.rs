//! What `decode` and `encode` share: serializer names, their options, and
//! reading stdin as lines.

use std::io::Read;

use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::serializer::{Codec, Serializer, UbjsonDialect};
use wamp_idl_runtime::{Message, Result};

/// The serializer ids `--serializer` accepts, for messages and help.
pub const SERIALIZER_IDS: &str = "json, msgpack, cbor, ubjson (BJData), ubjson-draft12, \
flatbuffers (args/kwargs in CBOR), flatbuffers+json|msgpack|cbor|ubjson|ubjson-draft12 \
(args/kwargs in that format); each optionally with `.batched`";

/// An envelope format chosen on the command line.
#[derive(Clone, Debug)]
pub enum Envelope {
    /// One of the array envelopes (JSON, MessagePack, CBOR, UBJSON/BJData).
    Array(Codec),
    /// The FlatBuffers envelope.
    FlatBuffers(FlatBuffersCodec),
}

/// A serializer id as given to `--serializer`: envelope and framing.
#[derive(Clone, Debug)]
pub struct WireFormat {
    /// The envelope codec.
    pub envelope: Envelope,
    /// Whether frames are batches (`.batched`).
    pub batched: bool,
}

fn array_serializer(name: &str) -> Option<Serializer> {
    match name {
        "json" => Some(Serializer::Json),
        "msgpack" => Some(Serializer::MsgPack),
        "cbor" => Some(Serializer::Cbor),
        "ubjson" | "bjdata" => Some(Serializer::Ubjson(UbjsonDialect::BjData)),
        "ubjson-draft12" => Some(Serializer::Ubjson(UbjsonDialect::Draft12)),
        _ => None,
    }
}

impl WireFormat {
    /// Parses a serializer id, e.g. `cbor.batched` or `flatbuffers+json`; the
    /// WebSocket subprotocol names (`wamp.2.cbor.batched`) work as well.
    pub fn parse(id: &str) -> Result<WireFormat, String> {
        let id = id.strip_prefix("wamp.2.").unwrap_or(id);
        let (base, batched) = match id.strip_suffix(".batched") {
            Some(base) => (base, true),
            None => (id, false),
        };
        let envelope = if let Some(serializer) = array_serializer(base) {
            Envelope::Array(Codec::new(serializer))
        } else if base == "flatbuffers" {
            Envelope::FlatBuffers(FlatBuffersCodec::new())
        } else if let Some(payload) = base.strip_prefix("flatbuffers+") {
            let serializer = array_serializer(payload).ok_or_else(|| {
                format!(
                    "unknown payload serializer `{payload}` in `{id}` \
                     (expected json, msgpack, cbor, ubjson or ubjson-draft12)"
                )
            })?;
            Envelope::FlatBuffers(FlatBuffersCodec::new().with_payload_serializer(serializer))
        } else {
            return Err(format!(
                "unknown serializer `{id}` (expected {SERIALIZER_IDS})"
            ));
        };
        Ok(WireFormat { envelope, batched })
    }

    /// Decodes one frame: one message, or every message of a batch.
    pub fn decode(&self, frame: Vec<u8>) -> Result<Vec<Message>> {
        match (&self.envelope, self.batched) {
            (Envelope::Array(codec), false) => codec.decode(frame).map(|m| vec![m]),
            (Envelope::Array(codec), true) => codec.decode_batch(frame),
            (Envelope::FlatBuffers(codec), false) => codec.decode(frame).map(|m| vec![m]),
            (Envelope::FlatBuffers(codec), true) => codec.decode_batch(frame),
        }
    }

    /// Encodes one message as a frame (not batched).
    pub fn encode_one(&self, message: &Message) -> Result<Vec<u8>> {
        match &self.envelope {
            Envelope::Array(codec) => codec.encode(message),
            Envelope::FlatBuffers(codec) => codec.encode(message),
        }
    }

    /// Encodes messages as one batched frame.
    pub fn encode_batch(&self, messages: &[Message]) -> Result<Vec<u8>> {
        match &self.envelope {
            Envelope::Array(codec) => codec.encode_batch(messages),
            Envelope::FlatBuffers(codec) => codec.encode_batch(messages),
        }
    }
}

/// The options of `decode` and `encode`.
#[derive(Debug)]
pub struct WireArgs {
    /// The serializer.
    pub format: WireFormat,
    /// Frames as hex lines instead of raw bytes.
    pub hex: bool,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Parsed {
    /// Print the help.
    Help,
    /// Run with these options.
    Run(WireArgs),
}

/// Parses `--serializer S` (`-s S`, `--serializer=S`) and `--hex`.
pub fn parse_args(command: &str, args: &[String]) -> Result<Parsed, String> {
    let mut serializer = None;
    let mut hex = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--hex" => hex = true,
            "-s" | "--serializer" => {
                let value = iter
                    .next()
                    .ok_or_else(|| format!("`{arg}` needs a value"))?;
                serializer = Some(value.clone());
            }
            _ if arg.starts_with("--serializer=") => {
                serializer = Some(arg["--serializer=".len()..].to_string());
            }
            _ if arg.starts_with('-') => return Err(format!("unknown option `{arg}`")),
            _ => {
                return Err(format!(
                    "`{command}` reads stdin and takes no file argument, got `{arg}`"
                ))
            }
        }
    }
    let serializer = serializer
        .ok_or_else(|| format!("`{command}` needs `--serializer S` ({SERIALIZER_IDS})"))?;
    Ok(Parsed::Run(WireArgs {
        format: WireFormat::parse(&serializer)?,
        hex,
    }))
}

/// Reads all of stdin.
pub fn read_all(stdin: &mut dyn Read) -> Result<Vec<u8>, String> {
    let mut input = Vec::new();
    stdin
        .read_to_end(&mut input)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    Ok(input)
}

/// The non-blank lines of `input`, trimmed, with their 1-based line numbers.
/// A line that is not UTF-8 gives an error for that line.
pub fn lines(input: &[u8]) -> impl Iterator<Item = (usize, Result<&str, String>)> {
    input
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, line)| {
            let text = std::str::from_utf8(line)
                .map(str::trim)
                .map_err(|e| format!("not UTF-8 text: {e}"));
            (i + 1, text)
        })
        .filter(|(_, text)| !matches!(text, Ok("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializer_ids() {
        for (id, batched) in [
            ("json", false),
            ("wamp.2.json.batched", true),
            ("msgpack.batched", true),
            ("ubjson-draft12", false),
            ("flatbuffers+json.batched", true),
        ] {
            let format = WireFormat::parse(id).unwrap();
            assert_eq!(format.batched, batched, "{id}");
        }
        let Envelope::Array(codec) = WireFormat::parse("ubjson").unwrap().envelope else {
            panic!("ubjson is an array envelope");
        };
        assert_eq!(
            codec.serializer(),
            Serializer::Ubjson(UbjsonDialect::BjData)
        );
        let Envelope::FlatBuffers(codec) =
            WireFormat::parse("flatbuffers+msgpack").unwrap().envelope
        else {
            panic!("flatbuffers+msgpack is the FlatBuffers envelope");
        };
        assert_eq!(codec.payload_serializer(), Serializer::MsgPack);
        assert!(WireFormat::parse("xml")
            .unwrap_err()
            .contains("unknown serializer `xml`"));
        assert!(WireFormat::parse("flatbuffers+xml")
            .unwrap_err()
            .contains("unknown payload serializer `xml`"));
    }

    #[test]
    fn lines_skip_blanks_and_keep_numbers() {
        let got: Vec<_> = lines(b"a\n\n  b \r\n\xff\n")
            .map(|(n, t)| (n, t.map_err(|_| ())))
            .collect();
        assert_eq!(got, [(1, Ok("a")), (3, Ok("b")), (4, Err(()))]);
    }
}
