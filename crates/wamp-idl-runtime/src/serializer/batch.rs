//! Batched framing (`wamp.2.<id>.batched`, WAMP-REFERENCE §3.6): several
//! messages in one transport message.
//!
//! - JSON: each message followed by one separator octet. autobahn writes and
//!   splits on `0x18`; the spec text says record separator `0x1e`. Raw control
//!   characters cannot occur in valid JSON text, so both are accepted on input;
//!   the written one is [`Codec::with_json_batch_separator`].
//! - MessagePack, CBOR, UBJSON: each message prefixed with its length as u32
//!   big-endian (the prefix not counted).
//!
//! A batch holds at least one message.
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::message::{EventReceived, Message};
//! use wamp_idl_runtime::serializer::{Codec, Serializer};
//!
//! let msgs = vec![Message::from(EventReceived { publication: 1 }),
//!                 Message::from(EventReceived { publication: 2 })];
//! let json = Codec::new(Serializer::Json);
//! assert_eq!(json.encode_batch(&msgs).unwrap(), b"[337,1]\x18[337,2]\x18");
//! assert_eq!(json.decode_batch(&b"[337,1]\x1e[337,2]\x1e"[..]).unwrap(), msgs);
//!
//! let cbor = Codec::new(Serializer::Cbor);
//! let frame = cbor.encode_batch(&msgs).unwrap();
//! assert_eq!(&frame[..9], [0, 0, 0, 5, 0x82, 0x19, 0x01, 0x51, 0x01]);
//! assert_eq!(cbor.decode_batch(frame).unwrap(), msgs);
//! ```

use bytes::Bytes;

use super::{Codec, Limits, Serializer};
use crate::error::{Error, Result};
use crate::message::Message;

/// The separator autobahn writes after each message of a batched JSON frame.
pub const JSON_SEPARATOR_AUTOBAHN: u8 = 0x18;
/// The separator the spec names (ASCII record separator).
pub const JSON_SEPARATOR_SPEC: u8 = 0x1e;

/// Splits a batched frame into the frames of its messages (zero-copy).
///
/// # Errors
///
/// An empty batch, an empty JSON message, a truncated length prefix or a
/// length beyond the frame, or more than [`Limits::max_batch_messages`].
pub fn split_batch(serializer: Serializer, frame: &Bytes, limits: &Limits) -> Result<Vec<Bytes>> {
    let mut parts = Vec::new();
    let push = |parts: &mut Vec<Bytes>, part: Bytes| {
        if parts.len() >= limits.max_batch_messages {
            return Err(Error::codec(format!(
                "batch holds more than {} messages",
                limits.max_batch_messages
            )));
        }
        parts.push(part);
        Ok(())
    };
    match serializer {
        Serializer::Json => {
            let mut start = 0;
            for (i, b) in frame.iter().enumerate() {
                if *b == JSON_SEPARATOR_AUTOBAHN || *b == JSON_SEPARATOR_SPEC {
                    if frame[start..i].iter().all(u8::is_ascii_whitespace) {
                        return Err(Error::codec(format!(
                            "batched JSON: empty message before the separator at byte {i}"
                        )));
                    }
                    push(&mut parts, frame.slice(start..i))?;
                    start = i + 1;
                }
            }
            // autobahn ends every message with a separator; accept a last message without one.
            if !frame[start..].iter().all(u8::is_ascii_whitespace) {
                push(&mut parts, frame.slice(start..))?;
            }
        }
        _ => {
            let mut pos = 0usize;
            while pos < frame.len() {
                let prefix = frame.get(pos..pos + 4).ok_or_else(|| {
                    Error::codec(format!(
                        "batched frame: truncated length prefix at byte {pos}"
                    ))
                })?;
                let len = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]);
                let start = pos + 4;
                let end = usize::try_from(len)
                    .ok()
                    .and_then(|len| start.checked_add(len))
                    .filter(|end| *end <= frame.len())
                    .ok_or_else(|| {
                        Error::codec(format!(
                            "batched frame: message at byte {pos} announces {len} bytes, {} left",
                            frame.len() - start
                        ))
                    })?;
                push(&mut parts, frame.slice(start..end))?;
                pos = end;
            }
        }
    }
    if parts.is_empty() {
        return Err(Error::codec(
            "empty batch: a batched frame holds at least one message",
        ));
    }
    Ok(parts)
}

impl Codec {
    /// Encodes messages as one batched frame.
    ///
    /// # Errors
    ///
    /// An empty slice (the spec forbids empty batches), or a message that
    /// cannot be encoded (the error names its index).
    pub fn encode_batch(&self, messages: &[Message]) -> Result<Vec<u8>> {
        if messages.is_empty() {
            return Err(Error::encode(
                "empty batch: a batched frame holds at least one message",
            ));
        }
        let mut out = Vec::new();
        for (i, message) in messages.iter().enumerate() {
            let context = |e: Error| e.context(format_args!("batch message {i}"));
            if self.serializer() == Serializer::Json {
                self.encode_into(message, &mut out).map_err(context)?;
                out.push(self.json_batch_separator());
            } else {
                let at = out.len();
                out.extend_from_slice(&[0; 4]);
                self.encode_into(message, &mut out).map_err(context)?;
                let len = u32::try_from(out.len() - at - 4).map_err(|_| {
                    Error::encode(format!("batch message {i} is larger than 4 GiB"))
                })?;
                out[at..at + 4].copy_from_slice(&len.to_be_bytes());
            }
        }
        Ok(out)
    }

    /// Decodes and validates all messages of a batched frame; the error names
    /// the index of the message that failed.
    pub fn decode_batch(&self, frame: impl Into<Bytes>) -> Result<Vec<Message>> {
        let frame: Bytes = frame.into();
        split_batch(self.serializer(), &frame, self.limits())?
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                self.decode(part)
                    .map_err(|e| e.context(format_args!("batch message {i}")))
            })
            .collect()
    }
}
