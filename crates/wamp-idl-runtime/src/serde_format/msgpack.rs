//! MessagePack items for the typed deserializer (same input rules as
//! [`crate::serializer::msgpack`]: `str` and `bin` families, extension types
//! rejected).

use std::borrow::Cow;

use super::de::{Reader, Token};
use crate::error::{Error, Result};
use crate::serializer::err_at;

pub(crate) struct MsgPackReader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> MsgPackReader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        MsgPackReader { buf, pos: 0 }
    }

    fn err(&self, at: usize, msg: impl std::fmt::Display) -> Error {
        err_at("MessagePack", at, msg)
    }

    /// Takes `n` bytes, failing (without allocating) if fewer are left.
    #[inline]
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let left = self.buf.len() - self.pos;
        if n > left {
            return Err(self.err(self.pos, format!("truncated: needs {n} bytes, {left} left")));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    #[inline]
    fn be<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    #[inline]
    fn len_of(&mut self, width: u8) -> Result<usize> {
        let n = match width {
            0 => u32::from(self.be::<1>()?[0]),
            1 => u32::from(u16::from_be_bytes(self.be()?)),
            _ => u32::from_be_bytes(self.be()?),
        };
        usize::try_from(n).map_err(|_| self.err(self.pos, "length too large"))
    }

    #[inline]
    fn utf8(&self, at: usize, s: &'a [u8]) -> Result<&'a str> {
        std::str::from_utf8(s).map_err(|_| self.err(at, "invalid UTF-8 in string"))
    }
}

fn signed(i: i64) -> Token<'static> {
    match u64::try_from(i) {
        Ok(u) => Token::UInt(u),
        Err(_) => Token::NegInt(i),
    }
}

impl<'a> Reader<'a> for MsgPackReader<'a> {
    #[inline]
    fn token(&mut self, _depth: usize, _max_depth: usize) -> Result<Token<'a>> {
        let at = self.pos;
        let m = self.be::<1>()?[0];
        Ok(match m {
            0x00..=0x7f => Token::UInt(u64::from(m)),
            0x80..=0x8f => Token::Dict(Some(usize::from(m & 0x0f))),
            0x90..=0x9f => Token::List(Some(usize::from(m & 0x0f))),
            0xa0..=0xbf => {
                let s = self.take(usize::from(m & 0x1f))?;
                Token::Str(self.utf8(at, s)?)
            }
            0xc0 => Token::Null,
            0xc2 => Token::Bool(false),
            0xc3 => Token::Bool(true),
            0xc4..=0xc6 => {
                let n = self.len_of(m - 0xc4)?;
                Token::Bytes(self.take(n)?)
            }
            0xca => Token::Float(f64::from(f32::from_be_bytes(self.be()?))),
            0xcb => Token::Float(f64::from_be_bytes(self.be()?)),
            0xcc => Token::UInt(u64::from(self.be::<1>()?[0])),
            0xcd => Token::UInt(u64::from(u16::from_be_bytes(self.be()?))),
            0xce => Token::UInt(u64::from(u32::from_be_bytes(self.be()?))),
            0xcf => Token::UInt(u64::from_be_bytes(self.be()?)),
            0xd0 => signed(i64::from(i8::from_be_bytes(self.be()?))),
            0xd1 => signed(i64::from(i16::from_be_bytes(self.be()?))),
            0xd2 => signed(i64::from(i32::from_be_bytes(self.be()?))),
            0xd3 => signed(i64::from_be_bytes(self.be()?)),
            0xd9..=0xdb => {
                let n = self.len_of(m - 0xd9)?;
                let s = self.take(n)?;
                Token::Str(self.utf8(at, s)?)
            }
            0xdc => Token::List(Some(self.len_of(1)?)),
            0xdd => Token::List(Some(self.len_of(2)?)),
            0xde => Token::Dict(Some(self.len_of(1)?)),
            0xdf => Token::Dict(Some(self.len_of(2)?)),
            0xe0..=0xff => Token::NegInt(i64::from(m as i8)),
            0xc7..=0xc9 | 0xd4..=0xd8 => {
                return Err(self.err(at, "extension types are not supported"))
            }
            0xc1 => return Err(self.err(at, "reserved marker 0xc1")),
        })
    }

    #[inline]
    fn take_null(&mut self) -> Result<bool> {
        if self.buf.get(self.pos) == Some(&0xc0) {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }

    #[inline]
    fn more(&mut self, _dict: bool, _first: bool) -> Result<bool> {
        // Every MessagePack container is counted; this is never asked.
        Ok(false)
    }

    #[inline]
    fn key(&mut self) -> Result<Cow<'a, str>> {
        let at = self.pos;
        match self.token(0, 0)? {
            Token::Str(s) => Ok(Cow::Borrowed(s)),
            _ => Err(self.err(at, "dict key is not a string")),
        }
    }

    fn finish(&mut self) -> Result<()> {
        if self.pos < self.buf.len() {
            return Err(self.err(self.pos, "trailing bytes after the value"));
        }
        Ok(())
    }
}
