//! The crate's error type.

use std::fmt;

/// What went wrong, coarsely; the [`Error`] message says exactly what and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bytes are not a well-formed document of the serializer's format
    /// (truncated, bad marker, invalid UTF-8, nesting too deep, ...).
    Codec,
    /// The document is well-formed but not a valid WAMP message (wrong
    /// element count or type, bad id, wrong type for a known option key, ...).
    /// A peer answers this with ABORT `wamp.error.protocol_violation`.
    ProtocolViolation,
    /// A value cannot be written in the chosen format (e.g. NaN in JSON).
    Encode,
    /// An application payload could not be converted to or from a typed value.
    Payload,
}

/// An error with a message that names what is wrong and where, e.g.
/// `PUBLISH options.acknowledge: expected bool, got string`.
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::{Error, ErrorKind};
///
/// let e = Error::protocol("PUBLISH: expected 4 to 6 elements, got 2");
/// assert_eq!(e.kind(), ErrorKind::ProtocolViolation);
/// assert!(e.to_string().contains("PUBLISH"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// An error of the given kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// A [`ErrorKind::Codec`] error.
    pub fn codec(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Codec, message)
    }

    /// A [`ErrorKind::ProtocolViolation`] error.
    pub fn protocol(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::ProtocolViolation, message)
    }

    /// A [`ErrorKind::Encode`] error.
    pub fn encode(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Encode, message)
    }

    /// A [`ErrorKind::Payload`] error.
    pub fn payload(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Payload, message)
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the kind prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error with `context` prepended (`"{context}: {message}"`).
    pub(crate) fn context(mut self, context: impl fmt::Display) -> Error {
        self.message = format!("{context}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error::payload(msg.to_string())
    }
}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error::payload(msg.to_string())
    }
}
