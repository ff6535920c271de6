//! `wamp-idl encode`: JSON message descriptions on stdin (the form of
//! [`wamp_idl_runtime::describe`], one per line) to WAMP frames on stdout.

use std::io::{Read, Write};

use wamp_idl_runtime::{describe, Message};

use crate::wire::{self, Parsed, SERIALIZER_IDS};

const USAGE: &str = "Usage: wamp-idl encode --serializer S [--hex] < MESSAGES.jsonl";

const HELP: &str = "\
wamp-idl encode: write WAMP frames from JSON message descriptions

Reads stdin: one JSON object per line (blank lines are skipped), as printed by
`wamp-idl decode`: `message_type` and the named attributes; a missing
options/details/extra dict is empty, null args/kwargs/payload are absent.
Writes the frames: with --hex one hex line per frame; without, the raw bytes
of the single frame. With a .batched serializer all messages form one batch.

Options:
  -s S, --serializer S  the serializer to write";

/// Runs `wamp-idl encode` with the arguments after the command name.
/// Returns the exit status: 0 success, 1 bad input, 2 usage error.
pub fn run(
    args: &[String],
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let options = match wire::parse_args("encode", args) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Help) => {
            let _ = writeln!(stdout, "{HELP}\n  --hex                 write hex lines\n\nSerializers: {SERIALIZER_IDS}.\n\n{USAGE}");
            return 0;
        }
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}\n\n{USAGE}");
            return 2;
        }
    };
    let input = match wire::read_all(stdin) {
        Ok(input) => input,
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}");
            return 1;
        }
    };

    // Every line is checked, so that one run reports every bad line.
    let mut messages: Vec<(usize, Message)> = Vec::new();
    let mut failed = false;
    for (number, line) in wire::lines(&input) {
        let parsed = line.and_then(|text| {
            let json: serde_json::Value =
                serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
            describe::from_json(&json).map_err(|e| format!("not a valid message: {e}"))
        });
        match parsed {
            Ok(message) => messages.push((number, message)),
            Err(message) => {
                let _ = writeln!(stderr, "error: line {number}: {message}");
                failed = true;
            }
        }
    }
    if failed {
        return 1;
    }
    if messages.is_empty() {
        let _ = writeln!(stderr, "error: no message on stdin");
        return 1;
    }

    let format = &options.format;
    let frames: Vec<Vec<u8>> = if format.batched {
        let all: Vec<Message> = messages.into_iter().map(|(_, m)| m).collect();
        match format.encode_batch(&all) {
            Ok(frame) => vec![frame],
            Err(e) => {
                let _ = writeln!(stderr, "error: cannot encode the batch: {e}");
                return 1;
            }
        }
    } else {
        if !options.hex && messages.len() > 1 {
            let _ = writeln!(
                stderr,
                "error: without --hex only one frame can be written, got {} messages \
                 (use --hex or a .batched serializer)",
                messages.len()
            );
            return 1;
        }
        let mut frames = Vec::with_capacity(messages.len());
        for (number, message) in &messages {
            match format.encode_one(message) {
                Ok(frame) => frames.push(frame),
                Err(e) => {
                    let _ = writeln!(stderr, "error: line {number}: cannot encode: {e}");
                    failed = true;
                }
            }
        }
        if failed {
            return 1;
        }
        frames
    };

    for frame in frames {
        let written = if options.hex {
            writeln!(stdout, "{}", describe::hex(&frame))
        } else {
            stdout.write_all(&frame)
        };
        if let Err(e) = written.and_then(|()| stdout.flush()) {
            let _ = writeln!(stderr, "error: cannot write stdout: {e}");
            return 1;
        }
    }
    0
}
