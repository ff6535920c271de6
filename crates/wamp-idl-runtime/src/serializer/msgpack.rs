//! MessagePack (`wamp.2.msgpack`, WAMP-REFERENCE §3.3).
//!
//! Spec version 5: strings use the `str` family, bytes the `bin` family.
//! Integers get their smallest encoding and floats are written as float 64,
//! like `msgpack-python` (`use_bin_type=True`) that autobahn uses. Extension
//! types are rejected.
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::serializer::{Limits, Serializer};
//! use wamp_idl_runtime::value::Value;
//!
//! let v = Value::List(vec![Value::from(337u64), Value::from(-1i64), Value::Bytes(vec![7])]);
//! let bytes = Serializer::MsgPack.encode_value(&v).unwrap();
//! assert_eq!(bytes, [0x93, 0xcd, 0x01, 0x51, 0xff, 0xc4, 0x01, 0x07]);
//! assert_eq!(Serializer::MsgPack.decode_value(&bytes, &Limits::default()).unwrap(), v);
//! ```

use super::json::{DictBuilder, KeySet};
use super::{err_at, Container, Emitter, Limits, ListCursor, Parser};
use crate::error::{Error, Result};
use crate::value::Value;

/// Writes MessagePack.
pub(crate) struct MsgPackEmitter<'o> {
    out: &'o mut Vec<u8>,
}

impl<'o> MsgPackEmitter<'o> {
    pub(crate) fn new(out: &'o mut Vec<u8>) -> Self {
        MsgPackEmitter { out }
    }

    /// Writes a length with the family's fix/8/16/32-bit markers.
    fn len(&mut self, len: usize, fix: Option<(u8, usize)>, m8: Option<u8>, m16: u8, m32: u8) {
        match (fix, m8) {
            (Some((base, max)), _) if len <= max => self.out.push(base | len as u8),
            (_, Some(m8)) if len <= 0xff => self.out.extend_from_slice(&[m8, len as u8]),
            _ if len <= 0xffff => {
                self.out.push(m16);
                self.out.extend_from_slice(&(len as u16).to_be_bytes());
            }
            _ => {
                // `check_len` has rejected lengths above u32::MAX before.
                self.out.push(m32);
                let len = u32::try_from(len).unwrap_or(u32::MAX);
                self.out.extend_from_slice(&len.to_be_bytes());
            }
        }
    }
}

impl Emitter for MsgPackEmitter<'_> {
    fn null(&mut self) {
        self.out.push(0xc0);
    }
    fn bool(&mut self, b: bool) {
        self.out.push(if b { 0xc3 } else { 0xc2 });
    }
    fn uint(&mut self, u: u64) {
        if u <= 0x7f {
            self.out.push(u as u8);
        } else if let Ok(v) = u8::try_from(u) {
            self.out.extend_from_slice(&[0xcc, v]);
        } else if let Ok(v) = u16::try_from(u) {
            self.out.push(0xcd);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = u32::try_from(u) {
            self.out.push(0xce);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else {
            self.out.push(0xcf);
            self.out.extend_from_slice(&u.to_be_bytes());
        }
    }
    fn int(&mut self, i: i64) {
        if i >= 0 {
            self.uint(i as u64);
        } else if i >= -32 {
            self.out.push(i as u8);
        } else if let Ok(v) = i8::try_from(i) {
            self.out.extend_from_slice(&[0xd0, v as u8]);
        } else if let Ok(v) = i16::try_from(i) {
            self.out.push(0xd1);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = i32::try_from(i) {
            self.out.push(0xd2);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else {
            self.out.push(0xd3);
            self.out.extend_from_slice(&i.to_be_bytes());
        }
    }
    fn float(&mut self, f: f64) -> Result<()> {
        self.out.push(0xcb);
        self.out.extend_from_slice(&f.to_be_bytes());
        Ok(())
    }
    fn str(&mut self, s: &str) {
        self.len(s.len(), Some((0xa0, 31)), Some(0xd9), 0xda, 0xdb);
        self.out.extend_from_slice(s.as_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len(), None, Some(0xc4), 0xc5, 0xc6);
        self.out.extend_from_slice(b);
    }
    fn begin_list(&mut self, len: usize) {
        self.len(len, Some((0x90, 15)), None, 0xdc, 0xdd);
    }
    fn item(&mut self) {}
    fn end_list(&mut self) {}
    fn begin_dict(&mut self, len: usize) {
        self.len(len, Some((0x80, 15)), None, 0xde, 0xdf);
    }
    fn key(&mut self, k: &str) {
        self.str(k);
    }
    fn end_dict(&mut self) {}
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }
    fn check_len(&self, len: usize) -> Result<()> {
        if u32::try_from(len).is_err() {
            return Err(Error::encode(format!(
                "MessagePack cannot represent a length of {len} (above 2^32 - 1)"
            )));
        }
        Ok(())
    }
}

/// Reads MessagePack from a byte slice.
pub(crate) struct MsgPackParser<'a> {
    buf: &'a [u8],
    pos: usize,
    max_depth: usize,
}

/// The shape of the next item, from its header.
enum Head<'a> {
    Scalar(Value),
    Str(&'a [u8]),
    /// A byte string, copied only if the value is kept.
    Bin(&'a [u8]),
    List(usize),
    Dict(usize),
}

impl<'a> MsgPackParser<'a> {
    pub(crate) fn new(buf: &'a [u8], limits: &Limits) -> Self {
        MsgPackParser {
            buf,
            pos: 0,
            max_depth: limits.max_depth,
        }
    }

    fn err(&self, at: usize, msg: impl std::fmt::Display) -> Error {
        err_at("MessagePack", at, msg)
    }

    /// Takes `n` bytes, failing (without allocating) if fewer are left.
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.buf.len())
            .ok_or_else(|| {
                self.err(
                    self.pos,
                    format!(
                        "truncated: needs {n} bytes, {} left",
                        self.buf.len() - self.pos
                    ),
                )
            })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn be<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn len_of(&mut self, width: usize) -> Result<usize> {
        let n = match width {
            1 => u64::from(self.be::<1>()?[0]),
            2 => u64::from(u16::from_be_bytes(self.be()?)),
            _ => u64::from(u32::from_be_bytes(self.be()?)),
        };
        usize::try_from(n).map_err(|_| self.err(self.pos, "length too large"))
    }

    fn head(&mut self) -> Result<Head<'a>> {
        let at = self.pos;
        let m = self.be::<1>()?[0];
        let scalar = |v| Ok(Head::Scalar(v));
        match m {
            0x00..=0x7f => scalar(Value::UInt(u64::from(m))),
            0x80..=0x8f => Ok(Head::Dict(usize::from(m & 0x0f))),
            0x90..=0x9f => Ok(Head::List(usize::from(m & 0x0f))),
            0xa0..=0xbf => {
                let s = self.take(usize::from(m & 0x1f))?;
                Ok(Head::Str(s))
            }
            0xc0 => scalar(Value::Null),
            0xc2 => scalar(Value::Bool(false)),
            0xc3 => scalar(Value::Bool(true)),
            0xc4..=0xc6 => {
                let n = self.len_of(1 << (m - 0xc4))?;
                Ok(Head::Bin(self.take(n)?))
            }
            0xca => scalar(Value::Float(f64::from(f32::from_be_bytes(self.be()?)))),
            0xcb => scalar(Value::Float(f64::from_be_bytes(self.be()?))),
            0xcc => scalar(Value::UInt(u64::from(self.be::<1>()?[0]))),
            0xcd => scalar(Value::UInt(u64::from(u16::from_be_bytes(self.be()?)))),
            0xce => scalar(Value::UInt(u64::from(u32::from_be_bytes(self.be()?)))),
            0xcf => scalar(Value::UInt(u64::from_be_bytes(self.be()?))),
            0xd0 => scalar(Value::integer(i64::from(i8::from_be_bytes(self.be()?)))),
            0xd1 => scalar(Value::integer(i64::from(i16::from_be_bytes(self.be()?)))),
            0xd2 => scalar(Value::integer(i64::from(i32::from_be_bytes(self.be()?)))),
            0xd3 => scalar(Value::integer(i64::from_be_bytes(self.be()?))),
            0xd9..=0xdb => {
                let n = self.len_of(1 << (m - 0xd9))?;
                Ok(Head::Str(self.take(n)?))
            }
            0xdc => Ok(Head::List(self.len_of(2)?)),
            0xdd => Ok(Head::List(self.len_of(4)?)),
            0xde => Ok(Head::Dict(self.len_of(2)?)),
            0xdf => Ok(Head::Dict(self.len_of(4)?)),
            0xe0..=0xff => scalar(Value::Int(i64::from(m as i8))),
            0xc7..=0xc9 | 0xd4..=0xd8 => Err(self.err(at, "extension types are not supported")),
            0xc1 => Err(self.err(at, "reserved marker 0xc1")),
        }
    }

    fn utf8(&self, s: &'a [u8]) -> Result<&'a str> {
        std::str::from_utf8(s).map_err(|_| self.err(self.pos - s.len(), "invalid UTF-8 in string"))
    }

    fn check_depth(&self, depth: usize) -> Result<()> {
        if depth > self.max_depth {
            Err(self.err(
                self.pos,
                format!("nesting deeper than the limit of {}", self.max_depth),
            ))
        } else {
            Ok(())
        }
    }

    fn capacity(&self, count: usize) -> usize {
        super::preallocation(count, self.buf.len() - self.pos)
    }
}

impl<'a> Parser<'a> for MsgPackParser<'a> {
    fn pos(&self) -> usize {
        self.pos
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        match self.head()? {
            Head::Scalar(v) => Ok(v),
            Head::Bin(b) => Ok(Value::Bytes(b.to_vec())),
            Head::Str(s) => Ok(Value::Str(self.utf8(s)?.to_owned())),
            Head::List(n) => {
                self.check_depth(depth)?;
                let mut items = Vec::with_capacity(self.capacity(n));
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Ok(Value::List(items))
            }
            Head::Dict(n) => {
                self.check_depth(depth)?;
                let mut dict = DictBuilder::default();
                for _ in 0..n {
                    let at = self.pos;
                    let key = match self.head()? {
                        Head::Str(s) => self.utf8(s)?.to_owned(),
                        _ => return Err(self.err(at, "dict key is not a string")),
                    };
                    let value = self.value(depth + 1)?;
                    dict.insert(key, value)
                        .map_err(|k| self.err(at, format!("duplicate key {k:?}")))?;
                }
                Ok(Value::Dict(dict.finish()))
            }
        }
    }

    fn uint_element(&mut self) -> Result<super::Typed<u64>> {
        let start = self.pos;
        match self.head()? {
            Head::Scalar(Value::UInt(u)) => Ok(Ok(u)),
            _ => {
                self.pos = start;
                self.value(2).map(super::typed_uint)
            }
        }
    }

    fn string_element(&mut self) -> Result<super::Typed<String>> {
        let start = self.pos;
        match self.head()? {
            Head::Str(s) => Ok(Ok(self.utf8(s)?.to_owned())),
            _ => {
                self.pos = start;
                self.value(2).map(super::typed_string)
            }
        }
    }

    fn skip(&mut self, depth: usize) -> Result<()> {
        match self.head()? {
            Head::Scalar(_) | Head::Bin(_) => Ok(()),
            Head::Str(s) => self.utf8(s).map(drop),
            Head::List(n) => {
                self.check_depth(depth)?;
                for _ in 0..n {
                    self.skip(depth + 1)?;
                }
                Ok(())
            }
            Head::Dict(n) => {
                self.check_depth(depth)?;
                // Duplicate keys are rejected here too, as by `value`: a frame
                // the codec accepts must have args/kwargs that decode later.
                let mut keys = KeySet::new();
                for _ in 0..n {
                    let at = self.pos;
                    let key = match self.head()? {
                        Head::Str(s) => self.utf8(s)?,
                        _ => return Err(self.err(at, "dict key is not a string")),
                    };
                    keys.insert(std::borrow::Cow::Borrowed(key))
                        .map_err(|k| self.err(at, format!("duplicate key {k:?}")))?;
                    self.skip(depth + 1)?;
                }
                Ok(())
            }
        }
    }

    fn peek_container(&mut self) -> Result<Option<Container>> {
        Ok(match self.buf.get(self.pos) {
            Some(0x90..=0x9f | 0xdc | 0xdd) => Some(Container::List),
            Some(0x80..=0x8f | 0xde | 0xdf) => Some(Container::Dict),
            _ => None,
        })
    }

    fn begin_list(&mut self) -> Result<ListCursor> {
        match self.head()? {
            Head::List(n) => Ok(ListCursor {
                remaining: Some(n),
                first: true,
            }),
            _ => Err(self.err(0, "a WAMP message must be an array")),
        }
    }

    fn next_item(&mut self, cursor: &mut ListCursor) -> Result<bool> {
        match &mut cursor.remaining {
            Some(0) | None => Ok(false),
            Some(n) => {
                *n -= 1;
                Ok(true)
            }
        }
    }

    fn finish(&mut self) -> Result<()> {
        if self.pos < self.buf.len() {
            return Err(self.err(self.pos, "trailing bytes after the value"));
        }
        Ok(())
    }
}
