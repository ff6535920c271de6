//! The message transports under a session: RawSocket (any byte stream) and,
//! with the `websocket` feature, WebSocket. Each is a reader and a writer
//! half, so the session's reader and writer tasks run independently.

use std::io;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufWriter};
use wamp_idl_runtime::session::BoxFuture;

use crate::rawsocket::{frame_header, read_frame, FrameKind, RawSocketError};

/// What the reader half produced.
pub(crate) enum Incoming {
    /// A WAMP message.
    Message(Vec<u8>),
    /// A PING: the writer answers it.
    Ping(Vec<u8>),
    /// Nothing for the session (a PONG, a WebSocket control frame).
    Nothing,
}

/// Why the reader half stopped.
pub(crate) enum ReadError {
    /// The peer closed the connection between messages.
    Closed,
    /// Anything else: what went wrong.
    Failed(String),
}

/// The receiving half of a transport.
pub(crate) trait MessageReader: Send + 'static {
    /// The next message or control frame.
    fn next(&mut self) -> BoxFuture<'_, Result<Incoming, ReadError>>;
}

/// The sending half of a transport. Writes may be buffered until [`flush`](MessageWriter::flush).
pub(crate) trait MessageWriter: Send + 'static {
    /// Queues one WAMP message.
    fn send<'a>(&'a mut self, message: &'a [u8]) -> BoxFuture<'a, io::Result<()>>;
    /// Answers a PING.
    fn pong<'a>(&'a mut self, payload: &'a [u8]) -> BoxFuture<'a, io::Result<()>>;
    /// Writes out what is buffered.
    fn flush(&mut self) -> BoxFuture<'_, io::Result<()>>;
    /// Flushes and closes the connection (best effort).
    fn close(&mut self) -> BoxFuture<'_, ()>;
}

/// RawSocket frames from a byte stream, at most `limit` octets each.
pub(crate) struct RawSocketReader<R> {
    pub(crate) reader: R,
    pub(crate) limit: usize,
}

impl<R: AsyncRead + Unpin + Send + 'static> MessageReader for RawSocketReader<R> {
    fn next(&mut self) -> BoxFuture<'_, Result<Incoming, ReadError>> {
        Box::pin(async move {
            match read_frame(&mut self.reader, self.limit).await {
                Ok((FrameKind::Message, bytes)) => Ok(Incoming::Message(bytes)),
                Ok((FrameKind::Ping, payload)) => Ok(Incoming::Ping(payload)),
                Ok((FrameKind::Pong, _)) => Ok(Incoming::Nothing),
                Err(RawSocketError::Closed) => Err(ReadError::Closed),
                Err(e) => Err(ReadError::Failed(e.to_string())),
            }
        })
    }
}

/// RawSocket frames to a byte stream, buffered.
pub(crate) struct RawSocketWriter<W> {
    writer: BufWriter<W>,
}

impl<W: AsyncWrite + Unpin + Send + 'static> RawSocketWriter<W> {
    pub(crate) fn new(writer: W) -> RawSocketWriter<W> {
        RawSocketWriter {
            writer: BufWriter::new(writer),
        }
    }

    async fn frame(&mut self, kind: FrameKind, payload: &[u8]) -> io::Result<()> {
        let header = frame_header(kind, payload.len())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        self.writer.write_all(&header).await?;
        self.writer.write_all(payload).await
    }
}

impl<W: AsyncWrite + Unpin + Send + 'static> MessageWriter for RawSocketWriter<W> {
    fn send<'a>(&'a mut self, message: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(self.frame(FrameKind::Message, message))
    }

    fn pong<'a>(&'a mut self, payload: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(self.frame(FrameKind::Pong, payload))
    }

    fn flush(&mut self) -> BoxFuture<'_, io::Result<()>> {
        Box::pin(self.writer.flush())
    }

    fn close(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = self.writer.flush().await;
            let _ = self.writer.shutdown().await;
        })
    }
}
