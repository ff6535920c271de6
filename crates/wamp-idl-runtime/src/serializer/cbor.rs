//! CBOR (`wamp.2.cbor`, RFC 8949, WAMP-REFERENCE §3.4).
//!
//! Output matches `cbor2`'s defaults that autobahn uses: definite lengths,
//! smallest integer heads, floats as float 64 (NaN and infinities as the
//! half-precision specials). Input also accepts indefinite lengths, half and
//! single floats, `undefined` (as null) and tags (ignored; bignums rejected).
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::serializer::{Limits, Serializer};
//! use wamp_idl_runtime::value::Value;
//!
//! let v = Value::List(vec![Value::from(48u64), Value::from("é")]);
//! let bytes = Serializer::Cbor.encode_value(&v).unwrap();
//! assert_eq!(bytes, [0x82, 0x18, 0x30, 0x62, 0xc3, 0xa9]);
//! // indefinite-length input decodes too
//! let indefinite = [0x9f, 0x18, 0x30, 0x62, 0xc3, 0xa9, 0xff];
//! assert_eq!(Serializer::Cbor.decode_value(&indefinite, &Limits::default()).unwrap(), v);
//! ```

use super::json::{DictBuilder, KeySet};
use super::{err_at, Container, Emitter, Limits, ListCursor, Parser};
use crate::error::{Error, Result};
use crate::value::Value;

/// Writes CBOR.
pub(crate) struct CborEmitter<'o> {
    out: &'o mut Vec<u8>,
}

impl<'o> CborEmitter<'o> {
    pub(crate) fn new(out: &'o mut Vec<u8>) -> Self {
        CborEmitter { out }
    }

    fn head(&mut self, major: u8, n: u64) {
        let m = major << 5;
        if n < 24 {
            self.out.push(m | n as u8);
        } else if let Ok(v) = u8::try_from(n) {
            self.out.extend_from_slice(&[m | 24, v]);
        } else if let Ok(v) = u16::try_from(n) {
            self.out.push(m | 25);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = u32::try_from(n) {
            self.out.push(m | 26);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else {
            self.out.push(m | 27);
            self.out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

impl Emitter for CborEmitter<'_> {
    fn null(&mut self) {
        self.out.push(0xf6);
    }
    fn bool(&mut self, b: bool) {
        self.out.push(if b { 0xf5 } else { 0xf4 });
    }
    fn uint(&mut self, u: u64) {
        self.head(0, u);
    }
    fn int(&mut self, i: i64) {
        if i >= 0 {
            self.head(0, i as u64);
        } else {
            // -1 - i cannot overflow for negative i.
            self.head(1, (-1 - i) as u64);
        }
    }
    fn float(&mut self, f: f64) -> Result<()> {
        if f.is_nan() {
            self.out.extend_from_slice(&[0xf9, 0x7e, 0x00]);
        } else if f.is_infinite() {
            let sign = if f < 0.0 { 0xfc } else { 0x7c };
            self.out.extend_from_slice(&[0xf9, sign, 0x00]);
        } else {
            self.out.push(0xfb);
            self.out.extend_from_slice(&f.to_be_bytes());
        }
        Ok(())
    }
    fn str(&mut self, s: &str) {
        self.head(3, s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.head(2, b.len() as u64);
        self.out.extend_from_slice(b);
    }
    fn begin_list(&mut self, len: usize) {
        self.head(4, len as u64);
    }
    fn item(&mut self) {}
    fn end_list(&mut self) {}
    fn begin_dict(&mut self, len: usize) {
        self.head(5, len as u64);
    }
    fn key(&mut self, k: &str) {
        self.str(k);
    }
    fn end_dict(&mut self) {}
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }
}

/// Converts an IEEE 754 half-precision float.
pub(crate) fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f64::from(bits & 0x3ff);
    let magnitude = match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    };
    sign * magnitude
}

/// Reads CBOR from a byte slice.
pub(crate) struct CborParser<'a> {
    buf: &'a [u8],
    pos: usize,
    max_depth: usize,
}

/// Decoded item header.
enum Head {
    UInt(u64),
    NegInt(u64),
    /// Byte (2) or text (3) string; `None` length = indefinite.
    Str(u8, Option<u64>),
    List(Option<u64>),
    Dict(Option<u64>),
    Tag(u64),
    Simple(Value),
    Break,
}

impl<'a> CborParser<'a> {
    pub(crate) fn new(buf: &'a [u8], limits: &Limits) -> Self {
        CborParser {
            buf,
            pos: 0,
            max_depth: limits.max_depth,
        }
    }

    fn err(&self, at: usize, msg: impl std::fmt::Display) -> Error {
        err_at("CBOR", at, msg)
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8]> {
        let left = self.buf.len() - self.pos;
        let n = usize::try_from(n)
            .ok()
            .filter(|n| *n <= left)
            .ok_or_else(|| {
                self.err(self.pos, format!("truncated: needs {n} bytes, {left} left"))
            })?;
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn be<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N as u64)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn head(&mut self) -> Result<Head> {
        let at = self.pos;
        let initial = self.be::<1>()?[0];
        let major = initial >> 5;
        let info = initial & 0x1f;
        if major == 7 {
            return Ok(match info {
                20 => Head::Simple(Value::Bool(false)),
                21 => Head::Simple(Value::Bool(true)),
                22 | 23 => Head::Simple(Value::Null),
                25 => Head::Simple(Value::Float(f16_to_f64(u16::from_be_bytes(self.be()?)))),
                26 => Head::Simple(Value::Float(f64::from(f32::from_be_bytes(self.be()?)))),
                27 => Head::Simple(Value::Float(f64::from_be_bytes(self.be()?))),
                31 => Head::Break,
                _ => return Err(self.err(at, format!("unsupported simple value {info}"))),
            });
        }
        let arg = match info {
            0..=23 => Some(u64::from(info)),
            24 => Some(u64::from(self.be::<1>()?[0])),
            25 => Some(u64::from(u16::from_be_bytes(self.be()?))),
            26 => Some(u64::from(u32::from_be_bytes(self.be()?))),
            27 => Some(u64::from_be_bytes(self.be()?)),
            31 => None,
            _ => return Err(self.err(at, format!("reserved additional information {info}"))),
        };
        let definite = |arg: Option<u64>| {
            arg.ok_or_else(|| self.err(at, "indefinite length not allowed here"))
        };
        Ok(match major {
            0 => Head::UInt(definite(arg)?),
            1 => Head::NegInt(definite(arg)?),
            2 | 3 => Head::Str(major, arg),
            4 => Head::List(arg),
            5 => Head::Dict(arg),
            _ => Head::Tag(definite(arg)?),
        })
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

    /// Reads a byte or text string body (definite or chunked).
    fn string_body(&mut self, major: u8, len: Option<u64>) -> Result<Vec<u8>> {
        match len {
            Some(n) => Ok(self.take(n)?.to_vec()),
            None => {
                let mut out = Vec::new();
                loop {
                    let at = self.pos;
                    match self.head()? {
                        Head::Break => return Ok(out),
                        Head::Str(m, Some(n)) if m == major => {
                            out.extend_from_slice(self.take(n)?);
                        }
                        _ => return Err(self.err(at, "invalid chunk in indefinite-length string")),
                    }
                }
            }
        }
    }

    fn text(&self, at: usize, bytes: Vec<u8>) -> Result<String> {
        String::from_utf8(bytes).map_err(|_| self.err(at, "invalid UTF-8 in text string"))
    }

    fn item(&mut self, depth: usize, build: bool) -> Result<Value> {
        let at = self.pos;
        match self.head()? {
            Head::UInt(u) => Ok(Value::UInt(u)),
            Head::NegInt(n) => i64::try_from(n)
                .map(|n| Value::Int(-1 - n))
                .map_err(|_| self.err(at, "negative integer below the 64-bit range")),
            // A definite-length string is validated in place; only a value
            // that is kept is copied (skipping allocates nothing).
            Head::Str(major, Some(n)) => {
                let body = self.take(n)?;
                let text = if major == 3 {
                    Some(
                        std::str::from_utf8(body)
                            .map_err(|_| self.err(at, "invalid UTF-8 in text string"))?,
                    )
                } else {
                    None
                };
                Ok(match (build, text) {
                    (false, _) => Value::Null,
                    (true, Some(t)) => Value::Str(t.to_owned()),
                    (true, None) => Value::Bytes(body.to_vec()),
                })
            }
            Head::Str(major, len) => {
                let body = self.string_body(major, len)?;
                if major == 2 {
                    Ok(if build {
                        Value::Bytes(body)
                    } else {
                        Value::Null
                    })
                } else {
                    let s = self.text(at, body)?;
                    Ok(if build { Value::Str(s) } else { Value::Null })
                }
            }
            Head::List(len) => {
                self.check_depth(depth)?;
                let mut items = Vec::new();
                match len {
                    Some(n) => {
                        if build {
                            let count = usize::try_from(n).unwrap_or(usize::MAX);
                            items.reserve(super::preallocation(count, self.buf.len() - self.pos));
                        }
                        for _ in 0..n {
                            let v = self.item(depth + 1, build)?;
                            if build {
                                items.push(v);
                            }
                        }
                    }
                    None => {
                        while self.buf.get(self.pos) != Some(&0xff) {
                            let v = self.item(depth + 1, build)?;
                            if build {
                                items.push(v);
                            }
                        }
                        self.pos += 1;
                    }
                }
                Ok(Value::List(items))
            }
            Head::Dict(len) => {
                self.check_depth(depth)?;
                let mut dict = DictBuilder::default();
                let mut skipped_keys = KeySet::new();
                let mut i = 0u64;
                loop {
                    match len {
                        Some(n) if i == n => break,
                        None if self.buf.get(self.pos) == Some(&0xff) => {
                            self.pos += 1;
                            break;
                        }
                        _ => {}
                    }
                    i += 1;
                    let key_at = self.pos;
                    let key = match self.head()? {
                        Head::Str(3, Some(n)) if !build => {
                            // Skipping: check the key in place, keep no copy.
                            let body = self.take(n)?;
                            let key = std::str::from_utf8(body)
                                .map_err(|_| self.err(key_at, "invalid UTF-8 in text string"))?;
                            skipped_keys
                                .insert(std::borrow::Cow::Borrowed(key))
                                .map_err(|k| self.err(key_at, format!("duplicate key {k:?}")))?;
                            self.item(depth + 1, build)?;
                            continue;
                        }
                        Head::Str(3, len) => {
                            let body = self.string_body(3, len)?;
                            self.text(key_at, body)?
                        }
                        _ => return Err(self.err(key_at, "dict key is not a text string")),
                    };
                    let value = self.item(depth + 1, build)?;
                    // Also while skipping (raw args/kwargs): a frame the codec
                    // accepts must have args/kwargs that decode later. A
                    // skipped chunked key joins the in-place keys, so a key
                    // written once whole and once in chunks is a duplicate too.
                    if build {
                        dict.insert(key, value)
                    } else {
                        skipped_keys.insert(std::borrow::Cow::Owned(key))
                    }
                    .map_err(|k| self.err(key_at, format!("duplicate key {k:?}")))?;
                }
                Ok(Value::Dict(dict.finish()))
            }
            Head::Tag(2 | 3) => Err(self.err(at, "bignums (tags 2 and 3) are not supported")),
            Head::Tag(_) => {
                // Tags only annotate; the tagged item is the value. Nested tags count
                // towards the depth so a tag chain cannot exhaust the stack.
                self.check_depth(depth)?;
                self.item(depth + 1, build)
            }
            Head::Simple(v) => Ok(v),
            Head::Break => Err(self.err(at, "unexpected break")),
        }
    }
}

impl<'a> Parser<'a> for CborParser<'a> {
    fn pos(&self) -> usize {
        self.pos
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        self.item(depth, true)
    }

    fn skip(&mut self, depth: usize) -> Result<()> {
        self.item(depth, false).map(drop)
    }

    fn uint_element(&mut self) -> Result<super::Typed<u64>> {
        let start = self.pos;
        if let Head::UInt(u) = self.head()? {
            return Ok(Ok(u));
        }
        self.pos = start;
        self.value(2).map(super::typed_uint)
    }

    fn string_element(&mut self) -> Result<super::Typed<String>> {
        let start = self.pos;
        if let Head::Str(3, Some(n)) = self.head()? {
            let text = self.take(n)?;
            let text = std::str::from_utf8(text)
                .map_err(|_| self.err(start, "invalid UTF-8 in text string"))?;
            return Ok(Ok(text.to_owned()));
        }
        // Indefinite-length text, tags, or another type.
        self.pos = start;
        self.value(2).map(super::typed_string)
    }

    fn peek_container(&mut self) -> Result<Option<Container>> {
        Ok(match self.buf.get(self.pos).map(|b| b >> 5) {
            Some(4) => Some(Container::List),
            Some(5) => Some(Container::Dict),
            _ => None,
        })
    }

    fn begin_list(&mut self) -> Result<ListCursor> {
        match self.head()? {
            Head::List(len) => Ok(ListCursor {
                remaining: len.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
                first: true,
            }),
            _ => Err(self.err(0, "a WAMP message must be an array")),
        }
    }

    fn next_item(&mut self, cursor: &mut ListCursor) -> Result<bool> {
        match &mut cursor.remaining {
            Some(0) => Ok(false),
            Some(n) => {
                *n -= 1;
                Ok(true)
            }
            None => {
                if self.buf.get(self.pos) == Some(&0xff) {
                    self.pos += 1;
                    Ok(false)
                } else if self.pos >= self.buf.len() {
                    Err(self.err(self.pos, "unterminated indefinite-length array"))
                } else {
                    Ok(true)
                }
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

#[cfg(test)]
mod tests {
    use super::f16_to_f64;

    #[test]
    fn half_floats() {
        assert_eq!(f16_to_f64(0x3c00), 1.0);
        assert_eq!(f16_to_f64(0xc000), -2.0);
        assert_eq!(f16_to_f64(0x7bff), 65504.0);
        assert_eq!(f16_to_f64(0x0001), 5.960_464_477_539_063e-8);
        assert!(f16_to_f64(0x7e00).is_nan());
        assert_eq!(f16_to_f64(0xfc00), f64::NEG_INFINITY);
    }
}
