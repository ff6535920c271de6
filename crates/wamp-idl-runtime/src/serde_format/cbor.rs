//! CBOR items for the typed deserializer (same input rules as
//! [`crate::serializer::cbor`]: definite and indefinite lengths, half/single/
//! double floats, `undefined` as null, tags ignored, bignums rejected).

use std::borrow::Cow;

use super::de::{Reader, Token};
use crate::error::{Error, Result};
use crate::serializer::cbor::f16_to_f64;
use crate::serializer::err_at;

pub(crate) struct CborReader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> CborReader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        CborReader { buf, pos: 0 }
    }

    fn err(&self, at: usize, msg: impl std::fmt::Display) -> Error {
        err_at("CBOR", at, msg)
    }

    #[inline]
    fn take(&mut self, n: u64) -> Result<&'a [u8]> {
        let left = self.buf.len() - self.pos;
        match usize::try_from(n) {
            Ok(n) if n <= left => {
                let s = &self.buf[self.pos..self.pos + n];
                self.pos += n;
                Ok(s)
            }
            _ => Err(self.err(self.pos, format!("truncated: needs {n} bytes, {left} left"))),
        }
    }

    #[inline]
    fn be<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N as u64)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    /// Reads an initial byte's argument; `None` = indefinite length.
    #[inline]
    fn argument(&mut self, at: usize, info: u8) -> Result<Option<u64>> {
        if info < 24 {
            return Ok(Some(u64::from(info)));
        }
        Ok(Some(match info {
            24 => u64::from(self.be::<1>()?[0]),
            25 => u64::from(u16::from_be_bytes(self.be()?)),
            26 => u64::from(u32::from_be_bytes(self.be()?)),
            27 => u64::from_be_bytes(self.be()?),
            31 => return Ok(None),
            _ => return Err(self.err(at, format!("reserved additional information {info}"))),
        }))
    }

    #[inline]
    fn definite(&self, at: usize, arg: Option<u64>) -> Result<u64> {
        arg.ok_or_else(|| self.err(at, "indefinite length not allowed here"))
    }

    /// Concatenates the chunks of an indefinite-length string of `major`.
    fn chunks(&mut self, major: u8) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            let at = self.pos;
            let initial = self.be::<1>()?[0];
            if initial == 0xff {
                return Ok(out);
            }
            if initial >> 5 != major {
                return Err(self.err(at, "invalid chunk in indefinite-length string"));
            }
            let n = self.argument(at, initial & 0x1f)?;
            let n = n.ok_or_else(|| self.err(at, "invalid chunk in indefinite-length string"))?;
            out.extend_from_slice(self.take(n)?);
        }
    }

    #[inline]
    fn utf8(&self, at: usize, bytes: &'a [u8]) -> Result<&'a str> {
        std::str::from_utf8(bytes).map_err(|_| self.err(at, "invalid UTF-8 in text string"))
    }

    fn utf8_owned(&self, at: usize, bytes: Vec<u8>) -> Result<String> {
        String::from_utf8(bytes).map_err(|_| self.err(at, "invalid UTF-8 in text string"))
    }

    #[inline]
    fn count(&self, arg: Option<u64>) -> Option<usize> {
        // A count beyond the address space cannot be satisfied by the bytes
        // that are there; reading items fails at the end of the input.
        arg.map(|n| usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// Reads a dict key of any length and form (see [`Reader::key`]).
    #[inline(never)]
    fn any_key(&mut self) -> Result<Cow<'a, str>> {
        let at = self.pos;
        let Some(&initial) = self.buf.get(at) else {
            return Err(self.err(at, "truncated: needs 1 bytes, 0 left"));
        };
        self.pos += 1;
        if initial >> 5 != 3 {
            return Err(self.err(at, "dict key is not a text string"));
        }
        match self.argument(at, initial & 0x1f)? {
            Some(n) => {
                let s = self.take(n)?;
                Ok(Cow::Borrowed(self.utf8(at, s)?))
            }
            None => {
                let body = self.chunks(3)?;
                Ok(Cow::Owned(self.utf8_owned(at, body)?))
            }
        }
    }
}

impl<'a> Reader<'a> for CborReader<'a> {
    #[inline]
    fn token(&mut self, depth: usize, max_depth: usize) -> Result<Token<'a>> {
        let mut depth = depth;
        loop {
            let at = self.pos;
            let Some(&initial) = self.buf.get(at) else {
                return Err(self.err(at, "truncated: needs 1 bytes, 0 left"));
            };
            self.pos += 1;
            let major = initial >> 5;
            let info = initial & 0x1f;
            if major == 7 {
                return Ok(match info {
                    20 => Token::Bool(false),
                    21 => Token::Bool(true),
                    22 | 23 => Token::Null,
                    25 => Token::Float(f16_to_f64(u16::from_be_bytes(self.be()?))),
                    26 => Token::Float(f64::from(f32::from_be_bytes(self.be()?))),
                    27 => Token::Float(f64::from_be_bytes(self.be()?)),
                    31 => return Err(self.err(at, "unexpected break")),
                    _ => return Err(self.err(at, format!("unsupported simple value {info}"))),
                });
            }
            let arg = self.argument(at, info)?;
            return Ok(match major {
                0 => Token::UInt(self.definite(at, arg)?),
                1 => {
                    let n = self.definite(at, arg)?;
                    let n = i64::try_from(n)
                        .map_err(|_| self.err(at, "negative integer below the 64-bit range"))?;
                    Token::NegInt(-1 - n)
                }
                2 => match arg {
                    Some(n) => Token::Bytes(self.take(n)?),
                    None => Token::ByteBuf(self.chunks(2)?),
                },
                3 => match arg {
                    Some(n) => {
                        let s = self.take(n)?;
                        Token::Str(self.utf8(at, s)?)
                    }
                    None => {
                        let body = self.chunks(3)?;
                        Token::String(self.utf8_owned(at, body)?)
                    }
                },
                4 => Token::List(self.count(arg)),
                5 => Token::Dict(self.count(arg)),
                _ => match self.definite(at, arg)? {
                    2 | 3 => return Err(self.err(at, "bignums (tags 2 and 3) are not supported")),
                    _ => {
                        // Tags only annotate the item that follows; a chain of
                        // them counts towards the depth limit.
                        if depth > max_depth {
                            return Err(self
                                .err(at, format!("nesting deeper than the limit of {max_depth}")));
                        }
                        depth += 1;
                        continue;
                    }
                },
            });
        }
    }

    #[inline]
    fn take_null(&mut self) -> Result<bool> {
        if let Some(0xf6 | 0xf7) = self.buf.get(self.pos) {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }

    #[inline]
    fn more(&mut self, _dict: bool, _first: bool) -> Result<bool> {
        match self.buf.get(self.pos) {
            Some(0xff) => {
                self.pos += 1;
                Ok(false)
            }
            Some(_) => Ok(true),
            None => Err(self.err(self.pos, "unterminated indefinite-length container")),
        }
    }

    #[inline]
    fn key(&mut self) -> Result<Cow<'a, str>> {
        // The usual key, a text string of up to 23 bytes, is read here; the
        // rest out of line, so that this stays small enough to inline.
        if let Some(&initial @ 0x60..=0x77) = self.buf.get(self.pos) {
            let at = self.pos;
            self.pos += 1;
            let text = self.take(u64::from(initial & 0x1f))?;
            return self.utf8(at, text).map(Cow::Borrowed);
        }
        self.any_key()
    }

    fn finish(&mut self) -> Result<()> {
        if self.pos < self.buf.len() {
            return Err(self.err(self.pos, "trailing bytes after the value"));
        }
        Ok(())
    }
}
