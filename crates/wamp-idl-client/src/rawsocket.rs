//! The RawSocket transport (WAMP-REFERENCE §3.8): the 4-octet handshake and
//! the framing of messages, PINGs and PONGs over a byte stream.
//!
//! The pure functions ([`client_handshake`], [`parse_handshake_reply`],
//! [`frame_header`], [`parse_frame_header`]) do the bit work; [`read_frame`]
//! reads one frame from a stream. Integers are big-endian.
//!
//! A length read from the peer is checked against the negotiated limit
//! before anything is allocated, and the payload buffer only grows as
//! octets actually arrive, so a hostile header cannot make the client
//! reserve more than the limit (and a slow peer not even that).
//!
//! # Examples
//!
//! ```
//! use wamp_idl_client::rawsocket::{
//!     client_handshake, frame_header, parse_frame_header, parse_handshake_reply, FrameKind,
//!     MaxLength,
//! };
//!
//! // JSON (serializer id 1), willing to receive up to 16 MiB.
//! assert_eq!(client_handshake(MaxLength::MAX, 1), [0x7f, 0xf1, 0, 0]);
//! // Crossbar's reply: it accepts messages of up to 16 MiB from us.
//! let router_limit = parse_handshake_reply([0x7f, 0xf1, 0, 0], 1).unwrap();
//! assert_eq!(router_limit.bytes(), 1 << 24);
//!
//! let header = frame_header(FrameKind::Ping, 3).unwrap();
//! assert_eq!(header, [0x01, 0, 0, 3]);
//! assert_eq!(parse_frame_header(header, 512).unwrap(), (FrameKind::Ping, 3));
//! ```

use std::fmt;
use std::io;

use tokio::io::{AsyncRead, AsyncReadExt};

/// The first octet of every RawSocket handshake (never the start of an HTTP request).
pub const MAGIC: u8 = 0x7F;

/// The largest message a RawSocket frame can carry: 2^24 octets.
pub const MAX_FRAME_LENGTH: usize = 1 << 24;

/// The most a frame read grows its buffer by before the octets are there.
const READ_CHUNK: usize = 64 * 1024;

/// A maximum message length as a handshake announces it: 2^(9+n) octets for
/// n in `0 ..= 15` (512 octets … 16 MiB).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MaxLength(u8);

impl MaxLength {
    /// 512 octets (n = 0).
    pub const MIN: MaxLength = MaxLength(0);
    /// 16 MiB = 2^24 octets (n = 15), what autobahn and Crossbar use.
    pub const MAX: MaxLength = MaxLength(15);

    /// The length with exponent `n` (2^(9+n) octets), if `n <= 15`.
    pub fn from_exponent(n: u8) -> Option<MaxLength> {
        (n <= 15).then_some(MaxLength(n))
    }

    /// The largest announceable length that is at most `bytes` (at least 512).
    pub fn at_most(bytes: usize) -> MaxLength {
        let mut n = 0u8;
        while n < 15 && (1usize << (10 + n)) <= bytes {
            n += 1;
        }
        MaxLength(n)
    }

    /// The exponent n of the handshake nibble.
    pub fn exponent(self) -> u8 {
        self.0
    }

    /// The length in octets, 2^(9+n).
    pub fn bytes(self) -> usize {
        1usize << (9 + u32::from(self.0))
    }
}

/// The error codes of a router's handshake refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandshakeErrorCode {
    /// 1: the serializer is not supported.
    SerializerUnsupported,
    /// 2: the maximum message length is not acceptable.
    MaxLengthUnacceptable,
    /// 3: reserved bits were used.
    ReservedBitsUsed,
    /// 4: the router has reached its connection limit.
    ConnectionLimitReached,
    /// 0 or 5–15: not defined by the spec.
    Undefined(u8),
}

impl HandshakeErrorCode {
    /// The code of the handshake's error nibble.
    pub fn from_code(code: u8) -> HandshakeErrorCode {
        match code {
            1 => HandshakeErrorCode::SerializerUnsupported,
            2 => HandshakeErrorCode::MaxLengthUnacceptable,
            3 => HandshakeErrorCode::ReservedBitsUsed,
            4 => HandshakeErrorCode::ConnectionLimitReached,
            other => HandshakeErrorCode::Undefined(other),
        }
    }

    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            HandshakeErrorCode::SerializerUnsupported => 1,
            HandshakeErrorCode::MaxLengthUnacceptable => 2,
            HandshakeErrorCode::ReservedBitsUsed => 3,
            HandshakeErrorCode::ConnectionLimitReached => 4,
            HandshakeErrorCode::Undefined(code) => code,
        }
    }
}

impl fmt::Display for HandshakeErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            HandshakeErrorCode::SerializerUnsupported => "serializer unsupported",
            HandshakeErrorCode::MaxLengthUnacceptable => "maximum message length unacceptable",
            HandshakeErrorCode::ReservedBitsUsed => "reserved bits used",
            HandshakeErrorCode::ConnectionLimitReached => "connection limit reached",
            HandshakeErrorCode::Undefined(0) => "error code 0, which is illegal",
            HandshakeErrorCode::Undefined(_) => "an error code the spec does not define",
        };
        write!(f, "{what} (error {})", self.code())
    }
}

/// The kind of a RawSocket frame (the `TTT` bits of its header).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameKind {
    /// 0: a WAMP message.
    Message,
    /// 1: a PING; the peer answers with a PONG echoing the payload.
    Ping,
    /// 2: a PONG.
    Pong,
}

impl FrameKind {
    /// The `TTT` value.
    pub fn code(self) -> u8 {
        match self {
            FrameKind::Message => 0,
            FrameKind::Ping => 1,
            FrameKind::Pong => 2,
        }
    }
}

/// What went wrong in the RawSocket handshake or framing.
#[derive(Debug)]
pub enum RawSocketError {
    /// The handshake reply does not start with `0x7F`.
    BadMagic(u8),
    /// The handshake reply has non-zero reserved octets (3 and 4).
    HandshakeReservedBits([u8; 2]),
    /// The router answered the handshake with an error reply.
    Refused(HandshakeErrorCode),
    /// The router closed or reset the connection instead of answering the
    /// handshake (Crossbar's answer to a serializer it does not support).
    RefusedByReset {
        /// The serializer id that was asked for.
        serializer: u8,
        /// What the socket reported.
        cause: io::Error,
    },
    /// The router accepted another serializer than the one asked for.
    SerializerMismatch {
        /// The serializer id that was asked for.
        asked: u8,
        /// The serializer id in the reply.
        got: u8,
    },
    /// A frame header has reserved bits (`RRRR`) set.
    FrameReservedBits(u8),
    /// A frame header names a reserved frame type (3–7).
    UnknownFrameType(u8),
    /// The `X` bit is set but the 24 length bits are not zero.
    BadLengthBit(usize),
    /// A frame is longer than the negotiated limit.
    FrameTooLarge {
        /// The length the header announces.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// The connection ended in the middle of a frame.
    Truncated {
        /// The octets the frame should have had (header included).
        expected: usize,
        /// The octets that came.
        got: usize,
    },
    /// The connection ended cleanly between frames.
    Closed,
    /// Reading or writing the socket failed.
    Io(io::Error),
}

impl fmt::Display for RawSocketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawSocketError::BadMagic(octet) => write!(
                f,
                "the router's RawSocket handshake reply starts with 0x{octet:02x}, not 0x7f: \
                 the port does not speak RawSocket"
            ),
            RawSocketError::HandshakeReservedBits([a, b]) => write!(
                f,
                "the router's RawSocket handshake reply has reserved octets 0x{a:02x} 0x{b:02x} \
                 (they must be zero)"
            ),
            RawSocketError::Refused(code) => {
                write!(f, "the router refused the RawSocket handshake: {code}")
            }
            RawSocketError::RefusedByReset { serializer, cause } => write!(
                f,
                "the router closed the connection during the RawSocket handshake ({cause}): \
                 it most likely does not support serializer {} (id {serializer}); Crossbar \
                 answers an unsupported serializer this way",
                serializer_name(*serializer)
            ),
            RawSocketError::SerializerMismatch { asked, got } => write!(
                f,
                "the router accepted serializer {} (id {got}) although {} (id {asked}) was asked for",
                serializer_name(*got),
                serializer_name(*asked)
            ),
            RawSocketError::FrameReservedBits(octet) => write!(
                f,
                "RawSocket frame header octet 0x{octet:02x} has reserved bits set (they must be zero)"
            ),
            RawSocketError::UnknownFrameType(kind) => write!(
                f,
                "RawSocket frame type {kind} is reserved (0 message, 1 ping, 2 pong)"
            ),
            RawSocketError::BadLengthBit(low) => write!(
                f,
                "RawSocket frame header has the X length bit set with non-zero length bits \
                 ({low}): only a frame of exactly 2^24 octets sets X"
            ),
            RawSocketError::FrameTooLarge { length, limit } => write!(
                f,
                "RawSocket frame of {length} octets exceeds the negotiated limit of {limit} octets"
            ),
            RawSocketError::Truncated { expected, got } => write!(
                f,
                "the connection ended in the middle of a RawSocket frame ({got} of {expected} octets)"
            ),
            RawSocketError::Closed => f.write_str("the router closed the connection"),
            RawSocketError::Io(e) => write!(f, "RawSocket I/O error: {e}"),
        }
    }
}

impl std::error::Error for RawSocketError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RawSocketError::RefusedByReset { cause, .. } | RawSocketError::Io(cause) => Some(cause),
            _ => None,
        }
    }
}

/// The name of a RawSocket serializer id (for messages).
pub fn serializer_name(id: u8) -> &'static str {
    match id {
        1 => "json",
        2 => "msgpack",
        3 => "cbor",
        4 => "ubjson",
        5 => "flatbuffers",
        _ => "unknown",
    }
}

/// The client's 4 handshake octets: `0x7F`, `(max_receive << 4) | serializer`, 0, 0.
///
/// `serializer` is the RawSocket id (1 json, 2 msgpack, 3 cbor, 4 ubjson,
/// 5 flatbuffers); only its low nibble is used.
pub fn client_handshake(max_receive: MaxLength, serializer: u8) -> [u8; 4] {
    [
        MAGIC,
        (max_receive.exponent() << 4) | (serializer & 0x0F),
        0,
        0,
    ]
}

/// Checks the router's handshake reply to a handshake that asked for
/// `serializer`; returns the longest message the router accepts from us.
///
/// # Errors
///
/// A bad magic octet, non-zero reserved octets, an error reply, or another
/// serializer than the one asked for.
pub fn parse_handshake_reply(reply: [u8; 4], serializer: u8) -> Result<MaxLength, RawSocketError> {
    let [magic, info, r1, r2] = reply;
    if magic != MAGIC {
        return Err(RawSocketError::BadMagic(magic));
    }
    if r1 != 0 || r2 != 0 {
        return Err(RawSocketError::HandshakeReservedBits([r1, r2]));
    }
    let high = info >> 4;
    let low = info & 0x0F;
    if low == 0 {
        return Err(RawSocketError::Refused(HandshakeErrorCode::from_code(high)));
    }
    if low != serializer {
        return Err(RawSocketError::SerializerMismatch {
            asked: serializer,
            got: low,
        });
    }
    Ok(MaxLength(high))
}

/// The 4-octet header of a frame of `length` octets.
///
/// # Errors
///
/// [`RawSocketError::FrameTooLarge`] above 2^24 octets.
pub fn frame_header(kind: FrameKind, length: usize) -> Result<[u8; 4], RawSocketError> {
    if length > MAX_FRAME_LENGTH {
        return Err(RawSocketError::FrameTooLarge {
            length,
            limit: MAX_FRAME_LENGTH,
        });
    }
    // Exactly 2^24 sets X (bit 3) and leaves the 24 length bits zero.
    let x_bit = if length == MAX_FRAME_LENGTH { 0x08 } else { 0 };
    let [_, a, b, c] = (length as u32 & 0x00FF_FFFF).to_be_bytes();
    Ok([x_bit | kind.code(), a, b, c])
}

/// Reads a frame header: its kind and payload length, checked against
/// `limit` (the most this side accepts).
///
/// # Errors
///
/// Reserved bits, a reserved frame type, an `X` bit with non-zero length
/// bits, or a length above `limit`.
pub fn parse_frame_header(
    header: [u8; 4],
    limit: usize,
) -> Result<(FrameKind, usize), RawSocketError> {
    let [first, a, b, c] = header;
    if first & 0xF0 != 0 {
        return Err(RawSocketError::FrameReservedBits(first));
    }
    let kind = match first & 0x07 {
        0 => FrameKind::Message,
        1 => FrameKind::Ping,
        2 => FrameKind::Pong,
        other => return Err(RawSocketError::UnknownFrameType(other)),
    };
    let low = u32::from_be_bytes([0, a, b, c]) as usize;
    let length = if first & 0x08 != 0 {
        if low != 0 {
            return Err(RawSocketError::BadLengthBit(low));
        }
        MAX_FRAME_LENGTH
    } else {
        low
    };
    if length > limit {
        return Err(RawSocketError::FrameTooLarge { length, limit });
    }
    Ok((kind, length))
}

/// A frame ready to write: header and payload in one buffer.
///
/// # Errors
///
/// [`RawSocketError::FrameTooLarge`] above 2^24 octets.
pub fn encode_frame(kind: FrameKind, payload: &[u8]) -> Result<Vec<u8>, RawSocketError> {
    let header = frame_header(kind, payload.len())?;
    let mut frame = Vec::with_capacity(4 + payload.len());
    frame.extend_from_slice(&header);
    frame.extend_from_slice(payload);
    Ok(frame)
}

/// Reads one frame of at most `limit` payload octets.
///
/// # Errors
///
/// [`RawSocketError::Closed`] if the stream ends before a header starts,
/// [`RawSocketError::Truncated`] if it ends inside a frame, the header
/// errors of [`parse_frame_header`], and I/O errors.
pub async fn read_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
    limit: usize,
) -> Result<(FrameKind, Vec<u8>), RawSocketError> {
    let mut header = [0u8; 4];
    let mut filled = 0;
    while filled < header.len() {
        let n = reader
            .read(&mut header[filled..])
            .await
            .map_err(RawSocketError::Io)?;
        if n == 0 {
            return Err(if filled == 0 {
                RawSocketError::Closed
            } else {
                RawSocketError::Truncated {
                    expected: 4,
                    got: filled,
                }
            });
        }
        filled += n;
    }
    let (kind, length) = parse_frame_header(header, limit)?;
    let mut payload = Vec::with_capacity(length.min(READ_CHUNK));
    (&mut *reader)
        .take(length as u64)
        .read_to_end(&mut payload)
        .await
        .map_err(RawSocketError::Io)?;
    if payload.len() != length {
        return Err(RawSocketError::Truncated {
            expected: 4 + length,
            got: 4 + payload.len(),
        });
    }
    Ok((kind, payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_length_rounds_down_to_an_announceable_length() {
        assert_eq!(MaxLength::at_most(0), MaxLength::MIN);
        assert_eq!(MaxLength::at_most(511), MaxLength::MIN);
        assert_eq!(MaxLength::at_most(1023).bytes(), 512);
        assert_eq!(MaxLength::at_most(1024).bytes(), 1024);
        assert_eq!(MaxLength::at_most(usize::MAX), MaxLength::MAX);
        assert_eq!(MaxLength::MAX.bytes(), 1 << 24);
        assert_eq!(MaxLength::from_exponent(16), None);
        assert_eq!(
            MaxLength::from_exponent(3).map(MaxLength::bytes),
            Some(4096)
        );
    }

    #[test]
    fn handshake_octets() {
        assert_eq!(client_handshake(MaxLength::MIN, 3), [0x7f, 0x03, 0, 0]);
        assert_eq!(client_handshake(MaxLength::MAX, 4), [0x7f, 0xf4, 0, 0]);
    }

    #[test]
    fn handshake_reply_is_checked() {
        assert_eq!(
            parse_handshake_reply([0x7f, 0x22, 0, 0], 2)
                .unwrap()
                .bytes(),
            2048
        );
        assert!(matches!(
            parse_handshake_reply([0x7e, 0xf1, 0, 0], 1),
            Err(RawSocketError::BadMagic(0x7e))
        ));
        // An HTTP server answering: "HTTP".
        let error = parse_handshake_reply(*b"HTTP", 1).unwrap_err();
        assert!(
            error.to_string().contains("does not speak RawSocket"),
            "{error}"
        );
        assert!(matches!(
            parse_handshake_reply([0x7f, 0xf1, 0, 1], 1),
            Err(RawSocketError::HandshakeReservedBits([0, 1]))
        ));
        assert!(matches!(
            parse_handshake_reply([0x7f, 0xf2, 0, 0], 1),
            Err(RawSocketError::SerializerMismatch { asked: 1, got: 2 })
        ));
        let cases = [
            (0x10, HandshakeErrorCode::SerializerUnsupported),
            (0x20, HandshakeErrorCode::MaxLengthUnacceptable),
            (0x30, HandshakeErrorCode::ReservedBitsUsed),
            (0x40, HandshakeErrorCode::ConnectionLimitReached),
            (0x00, HandshakeErrorCode::Undefined(0)),
            (0x90, HandshakeErrorCode::Undefined(9)),
        ];
        for (octet, code) in cases {
            match parse_handshake_reply([0x7f, octet, 0, 0], 1) {
                Err(RawSocketError::Refused(got)) => assert_eq!(got, code),
                other => panic!("0x{octet:02x}: {other:?}"),
            }
        }
        let error = parse_handshake_reply([0x7f, 0x10, 0, 0], 5).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the router refused the RawSocket handshake: serializer unsupported (error 1)"
        );
    }

    #[test]
    fn frame_headers_round_trip() {
        for (kind, length) in [
            (FrameKind::Message, 0),
            (FrameKind::Message, 1),
            (FrameKind::Ping, 0x12_3456),
            (FrameKind::Pong, 0xFF_FFFF),
            (FrameKind::Message, 1 << 24),
        ] {
            let header = frame_header(kind, length).unwrap();
            assert_eq!(
                parse_frame_header(header, MAX_FRAME_LENGTH).unwrap(),
                (kind, length)
            );
        }
        assert_eq!(
            frame_header(FrameKind::Message, 1 << 24).unwrap(),
            [0x08, 0, 0, 0]
        );
        assert!(matches!(
            frame_header(FrameKind::Message, (1 << 24) + 1),
            Err(RawSocketError::FrameTooLarge { .. })
        ));
    }

    #[test]
    fn hostile_frame_headers_are_refused() {
        for reserved in [0x10, 0x80, 0xF0] {
            assert!(matches!(
                parse_frame_header([reserved, 0, 0, 1], 512),
                Err(RawSocketError::FrameReservedBits(_))
            ));
        }
        for kind in 3..=7u8 {
            assert!(matches!(
                parse_frame_header([kind, 0, 0, 1], 512),
                Err(RawSocketError::UnknownFrameType(k)) if k == kind
            ));
        }
        // X bit with length bits: would be above 2^24.
        assert!(matches!(
            parse_frame_header([0x08, 0, 0, 1], MAX_FRAME_LENGTH),
            Err(RawSocketError::BadLengthBit(1))
        ));
        // A 2^24 frame against a smaller limit.
        let error = parse_frame_header([0x08, 0, 0, 0], 1 << 20).unwrap_err();
        assert_eq!(
            error.to_string(),
            "RawSocket frame of 16777216 octets exceeds the negotiated limit of 1048576 octets"
        );
        assert!(matches!(
            parse_frame_header([0, 0, 2, 1], 512),
            Err(RawSocketError::FrameTooLarge {
                length: 513,
                limit: 512
            })
        ));
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime")
            .block_on(future)
    }

    #[test]
    fn frames_are_read() {
        let mut bytes = encode_frame(FrameKind::Message, b"[1]").unwrap();
        bytes.extend(encode_frame(FrameKind::Ping, b"").unwrap());
        let mut reader = &bytes[..];
        block_on(async {
            assert_eq!(
                read_frame(&mut reader, 512).await.unwrap(),
                (FrameKind::Message, b"[1]".to_vec())
            );
            assert_eq!(
                read_frame(&mut reader, 512).await.unwrap(),
                (FrameKind::Ping, Vec::new())
            );
            assert!(matches!(
                read_frame(&mut reader, 512).await,
                Err(RawSocketError::Closed)
            ));
        });
    }

    #[test]
    fn truncated_and_oversized_frames_fail() {
        block_on(async {
            let mut reader = &[0u8, 0][..];
            assert!(matches!(
                read_frame(&mut reader, 512).await,
                Err(RawSocketError::Truncated {
                    expected: 4,
                    got: 2
                })
            ));
            // Announces 0xFFFFFF octets, sends 3: fails without reserving 16 MiB.
            let mut reader = &[0u8, 0xFF, 0xFF, 0xFF, 1, 2, 3][..];
            assert!(matches!(
                read_frame(&mut reader, MAX_FRAME_LENGTH).await,
                Err(RawSocketError::Truncated {
                    expected: 0x100_0003,
                    got: 7
                })
            ));
            // The same header above the limit fails before any payload is read.
            let mut reader = &[0u8, 0xFF, 0xFF, 0xFF][..];
            assert!(matches!(
                read_frame(&mut reader, 1 << 16).await,
                Err(RawSocketError::FrameTooLarge { .. })
            ));
            // A 2^24 X-bit frame is refused by a 16 MiB - 1 limit and read by a 16 MiB one.
            let mut frame = vec![0x08, 0, 0, 0];
            frame.resize(4 + (1 << 24), 0xAB);
            let mut reader = &frame[..];
            assert!(matches!(
                read_frame(&mut reader, (1 << 24) - 1).await,
                Err(RawSocketError::FrameTooLarge { length, .. }) if length == 1 << 24
            ));
            let mut reader = &frame[..];
            let (kind, payload) = read_frame(&mut reader, 1 << 24).await.unwrap();
            assert_eq!((kind, payload.len()), (FrameKind::Message, 1 << 24));
        });
    }
}
