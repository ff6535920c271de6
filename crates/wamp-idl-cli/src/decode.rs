//! `wamp-idl decode`: WAMP frames on stdin to one JSON object per message on
//! stdout, in the named-attribute form of [`wamp_idl_runtime::describe`].

use std::io::{Read, Write};

use wamp_idl_runtime::describe;

use crate::wire::{self, Parsed, WireArgs, SERIALIZER_IDS};

const USAGE: &str = "Usage: wamp-idl decode --serializer S [--hex] < FRAMES";

const HELP: &str = "\
wamp-idl decode: print WAMP messages as JSON

Reads stdin: with --hex, one hex-encoded frame per line (blank lines are
skipped); without, the raw bytes of one frame (for a .batched serializer, one
batch). Prints one JSON object per message: `message_type` (the WAMP code) and
the elements under the attribute names of the wamp-proto test vectors, with
`args`, `kwargs` and `payload` (transparent payload bytes as hex, or null).
Bytes inside values are written as in wamp.2.json: a string of U+0000 followed
by base64.

Options:
  -s S, --serializer S  the serializer of the frames";

/// Runs `wamp-idl decode` with the arguments after the command name.
/// Returns the exit status: 0 success, 1 a frame failed, 2 usage error.
pub fn run(
    args: &[String],
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let options = match wire::parse_args("decode", args) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Help) => {
            let _ = writeln!(stdout, "{HELP}\n  --hex                 one hex frame per line\n\nSerializers: {SERIALIZER_IDS}.\n\n{USAGE}");
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
    decode_input(&options, input, stdout, stderr)
}

fn decode_input(
    options: &WireArgs,
    input: Vec<u8>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    if !options.hex {
        if input.is_empty() {
            let _ = writeln!(stderr, "error: no frame on stdin");
            return 1;
        }
        return match print_frame(options, input, stdout) {
            Ok(()) => 0,
            Err(message) => {
                let _ = writeln!(stderr, "error: frame: {message}");
                1
            }
        };
    }
    // Every line is tried, so that one run reports every bad frame.
    let mut status = 0;
    let mut frames = 0;
    for (number, line) in wire::lines(&input) {
        frames += 1;
        let result = line
            .and_then(|text| describe::unhex(text).map_err(|e| format!("bad hex: {e}")))
            .and_then(|frame| print_frame(options, frame, stdout));
        if let Err(message) = result {
            let _ = writeln!(stderr, "error: line {number}: {message}");
            status = 1;
        }
    }
    if frames == 0 {
        let _ = writeln!(stderr, "error: no frame on stdin");
        status = 1;
    }
    status
}

/// Decodes one frame and prints its messages.
fn print_frame(options: &WireArgs, frame: Vec<u8>, stdout: &mut dyn Write) -> Result<(), String> {
    let messages = options
        .format
        .decode(frame)
        .map_err(|e| format!("cannot decode: {e}"))?;
    for message in &messages {
        let json = describe::to_json(message).map_err(|e| {
            format!(
                "{} has no JSON description: {e}",
                message.message_type().name()
            )
        })?;
        writeln!(stdout, "{json}").map_err(|e| format!("cannot write stdout: {e}"))?;
    }
    Ok(())
}
