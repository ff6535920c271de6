//! UBJSON / BJData items for the typed deserializer (same input rules as
//! [`crate::serializer::ubjson`]: `N` no-ops, optimized `$type`/`#count`
//! containers, `[$B#` (BJData) / `[$U#` (draft 12) byte strings).

use std::borrow::Cow;

use super::de::{Reader, Token};
use crate::error::{Error, Result};
use crate::serializer::cbor::f16_to_f64;
use crate::serializer::{err_at, UbjsonDialect};

pub(crate) struct UbjsonReader<'a> {
    buf: &'a [u8],
    pos: usize,
    dialect: UbjsonDialect,
    /// Nesting level of the container being read (0 = outside any).
    level: usize,
    /// Open typed (`$`) containers: their level and item marker.
    typed: Vec<(usize, u8)>,
}

impl<'a> UbjsonReader<'a> {
    pub(crate) fn new(buf: &'a [u8], dialect: UbjsonDialect) -> Self {
        UbjsonReader {
            buf,
            pos: 0,
            dialect,
            level: 0,
            typed: Vec::new(),
        }
    }

    fn err(&self, at: usize, msg: impl std::fmt::Display) -> Error {
        let name = match self.dialect {
            UbjsonDialect::BjData => "BJData",
            UbjsonDialect::Draft12 => "UBJSON",
        };
        err_at(name, at, msg)
    }

    fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    #[inline]
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.left() {
            return Err(self.err(
                self.pos,
                format!("truncated: needs {n} bytes, {} left", self.left()),
            ));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// `N` bytes as big-endian (BJData is little-endian on the wire).
    #[inline]
    fn num<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        if self.dialect == UbjsonDialect::BjData {
            a.reverse();
        }
        Ok(a)
    }

    #[inline]
    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    #[inline]
    fn skip_noops(&mut self) {
        while self.buf.get(self.pos) == Some(&b'N') {
            self.pos += 1;
        }
    }

    /// Reads an integer body for `marker`; `None` if it is not an integer marker.
    #[inline]
    fn int_body(&mut self, marker: u8) -> Result<Option<Token<'a>>> {
        let bj = self.dialect == UbjsonDialect::BjData;
        let signed = |i: i64| match u64::try_from(i) {
            Ok(u) => Token::UInt(u),
            Err(_) => Token::NegInt(i),
        };
        Ok(Some(match marker {
            b'i' => signed(i64::from(self.byte()? as i8)),
            b'U' => Token::UInt(u64::from(self.byte()?)),
            b'I' => signed(i64::from(i16::from_be_bytes(self.num()?))),
            b'l' => signed(i64::from(i32::from_be_bytes(self.num()?))),
            b'L' => signed(i64::from_be_bytes(self.num()?)),
            b'u' if bj => Token::UInt(u64::from(u16::from_be_bytes(self.num()?))),
            b'm' if bj => Token::UInt(u64::from(u32::from_be_bytes(self.num()?))),
            b'M' if bj => Token::UInt(u64::from_be_bytes(self.num()?)),
            _ => return Ok(None),
        }))
    }

    #[inline]
    fn length(&mut self) -> Result<usize> {
        let at = self.pos;
        let marker = self.byte()?;
        match self.int_body(marker)? {
            Some(Token::UInt(n)) => {
                usize::try_from(n).map_err(|_| self.err(at, "length does not fit in memory"))
            }
            Some(_) => Err(self.err(at, "negative length")),
            None => Err(self.err(
                at,
                format!(
                    "expected an integer length, got marker {:?}",
                    marker as char
                ),
            )),
        }
    }

    #[inline]
    fn str_slice(&mut self) -> Result<&'a str> {
        let at = self.pos;
        let n = self.length()?;
        let s = self.take(n)?;
        std::str::from_utf8(s).map_err(|_| self.err(at, "invalid UTF-8 in string"))
    }

    /// Reads the optional `$type` / `#count` after `[` or `{`.
    fn layout(&mut self) -> Result<(Option<u8>, Option<usize>)> {
        let at = self.pos;
        let mut item_type = None;
        if self.buf.get(self.pos) == Some(&b'$') {
            self.pos += 1;
            let t = self.byte()?;
            if matches!(t, b'Z' | b'T' | b'F' | b'N' | b'[' | b'{') {
                return Err(self.err(
                    at,
                    format!("unsupported container item type {:?}", t as char),
                ));
            }
            item_type = Some(t);
            if self.buf.get(self.pos) != Some(&b'#') {
                return Err(self.err(self.pos, "`$` type must be followed by a `#` count"));
            }
        }
        let mut count = None;
        if self.buf.get(self.pos) == Some(&b'#') {
            self.pos += 1;
            if self.buf.get(self.pos) == Some(&b'[') {
                return Err(self.err(self.pos, "N-dimensional arrays are not supported"));
            }
            let n = self.length()?;
            // Every item takes at least one byte.
            if n > self.left() {
                return Err(self.err(
                    at,
                    format!(
                        "container announces {n} items but only {} bytes are left",
                        self.left()
                    ),
                ));
            }
            count = Some(n);
        }
        Ok((item_type, count))
    }

    fn container(&mut self, dict: bool) -> Result<Token<'a>> {
        let (item_type, count) = self.layout()?;
        let bytes_type = match self.dialect {
            UbjsonDialect::BjData => b'B',
            UbjsonDialect::Draft12 => b'U',
        };
        if let (false, Some(t), Some(n)) = (dict, item_type, count) {
            if t == bytes_type {
                return Ok(Token::Bytes(self.take(n)?));
            }
        }
        self.level += 1;
        if let Some(t) = item_type {
            self.typed.push((self.level, t));
        }
        Ok(if dict {
            Token::Dict(count)
        } else {
            Token::List(count)
        })
    }

    /// The marker shared by the items of the innermost container, if typed.
    #[inline]
    fn forced_marker(&self) -> Option<u8> {
        match self.typed.last() {
            Some(&(level, t)) if level == self.level => Some(t),
            _ => None,
        }
    }
}

/// Parses the decimal text of a high-precision number.
fn high_precision(text: &str) -> Option<Token<'static>> {
    if let Ok(u) = text.parse::<u64>() {
        return Some(Token::UInt(u));
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(match u64::try_from(i) {
            Ok(u) => Token::UInt(u),
            Err(_) => Token::NegInt(i),
        });
    }
    if text.contains(['.', 'e', 'E']) {
        return text.parse::<f64>().ok().map(Token::Float);
    }
    None
}

impl<'a> Reader<'a> for UbjsonReader<'a> {
    #[inline]
    fn token(&mut self, _depth: usize, _max_depth: usize) -> Result<Token<'a>> {
        let marker = match self.forced_marker() {
            Some(t) => t,
            None => {
                self.skip_noops();
                self.byte()?
            }
        };
        let at = self.pos.saturating_sub(1);
        if let Some(token) = self.int_body(marker)? {
            return Ok(token);
        }
        let bj = self.dialect == UbjsonDialect::BjData;
        match marker {
            b'Z' => Ok(Token::Null),
            b'T' => Ok(Token::Bool(true)),
            b'F' => Ok(Token::Bool(false)),
            b'd' => Ok(Token::Float(f64::from(f32::from_be_bytes(self.num()?)))),
            b'D' => Ok(Token::Float(f64::from_be_bytes(self.num()?))),
            b'h' if bj => Ok(Token::Float(f16_to_f64(u16::from_be_bytes(self.num()?)))),
            b'C' => {
                let c = self.take(1)?;
                if c.is_ascii() {
                    // ASCII is valid UTF-8.
                    std::str::from_utf8(c)
                        .map(Token::Str)
                        .map_err(|_| self.err(at, "char value is not ASCII"))
                } else {
                    Err(self.err(at, "char value is not ASCII"))
                }
            }
            b'S' => self.str_slice().map(Token::Str),
            b'H' => {
                let text = self.str_slice()?;
                high_precision(text).ok_or_else(|| {
                    self.err(at, format!("unsupported high-precision number {text:?}"))
                })
            }
            b'[' => self.container(false),
            b'{' => self.container(true),
            other => Err(self.err(at, format!("unknown marker {:?}", other as char))),
        }
    }

    #[inline]
    fn take_null(&mut self) -> Result<bool> {
        match self.forced_marker() {
            // Typed containers cannot hold nulls (rejected in `layout`).
            Some(_) => Ok(false),
            None => {
                self.skip_noops();
                if self.buf.get(self.pos) == Some(&b'Z') {
                    self.pos += 1;
                    return Ok(true);
                }
                Ok(false)
            }
        }
    }

    #[inline]
    fn more(&mut self, dict: bool, _first: bool) -> Result<bool> {
        self.skip_noops();
        let close = if dict { b'}' } else { b']' };
        match self.buf.get(self.pos) {
            Some(&c) if c == close => {
                self.pos += 1;
                Ok(false)
            }
            Some(_) => Ok(true),
            None => Err(self.err(self.pos, "unexpected end of input")),
        }
    }

    #[inline]
    fn key(&mut self) -> Result<Cow<'a, str>> {
        self.str_slice().map(Cow::Borrowed)
    }

    #[inline]
    fn end(&mut self) {
        if let Some(&(level, _)) = self.typed.last() {
            if level == self.level {
                self.typed.pop();
            }
        }
        self.level = self.level.saturating_sub(1);
    }

    fn finish(&mut self) -> Result<()> {
        self.skip_noops();
        if self.pos < self.buf.len() {
            return Err(self.err(self.pos, "trailing bytes after the value"));
        }
        Ok(())
    }
}
