//! JSON items for the typed deserializer (same input rules as
//! [`crate::serializer::json`]; a string starting with U+0000 is base64 bytes).

use std::borrow::Cow;

use base64::Engine as _;

use super::de::{Reader, Token};
use crate::error::{Error, Result};
use crate::serializer::err_at;
use crate::serializer::json::string_run_end;

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

pub(crate) struct JsonReader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> JsonReader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        JsonReader { buf, pos: 0 }
    }

    fn err(&self, msg: impl std::fmt::Display) -> Error {
        err_at("JSON", self.pos, msg)
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.buf.get(self.pos) {
            self.pos += 1;
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    #[inline]
    fn literal(&mut self, lit: &[u8]) -> Result<()> {
        if self.buf.get(self.pos..self.pos + lit.len()) == Some(lit) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .buf
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("truncated \\u escape"))?;
        let mut v = 0u32;
        for &d in digits {
            let n = char::from(d)
                .to_digit(16)
                .ok_or_else(|| self.err("invalid hex digit in \\u escape"))?;
            v = v * 16 + n;
        }
        self.pos += 4;
        Ok(v)
    }

    fn unicode_escape(&mut self) -> Result<char> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.buf.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(self.err("unpaired surrogate in \\u escape"));
            }
            self.pos += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(self.err("unpaired surrogate in \\u escape"));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| self.err("unpaired surrogate in \\u escape"))
    }

    /// Reads a string literal after its opening quote: borrowed if it has no
    /// escapes.
    #[inline]
    fn string(&mut self) -> Result<Cow<'a, str>> {
        let start = self.pos;
        let buf = self.buf;
        let mut owned: Option<String> = None;
        let mut run_start = start;
        loop {
            let rest = buf.get(self.pos..).unwrap_or_default();
            self.pos += string_run_end(rest).unwrap_or(rest.len());
            let run = std::str::from_utf8(&buf[run_start..self.pos])
                .map_err(|e| err_at("JSON", run_start + e.valid_up_to(), "invalid UTF-8"))?;
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(run),
                        Some(mut s) => {
                            s.push_str(run);
                            Cow::Owned(s)
                        }
                    });
                }
                Some(b'\\') => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(run);
                    self.pos += 1;
                    let esc = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.pos += 1;
                    let c = match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.err("invalid escape sequence")),
                    };
                    // `owned` was set just above; re-borrow after the escape read.
                    if let Some(s) = owned.as_mut() {
                        s.push(c);
                    }
                    run_start = self.pos;
                }
                Some(_) => return Err(self.err("unescaped control character in string")),
            }
        }
    }

    /// A binary string (`"\u0000` + base64 + `"`) without further escapes
    /// is decoded straight from the input, without building the text first.
    /// `None` (nothing consumed) for any other string.
    fn binary_fast_path(&mut self) -> Result<Option<Vec<u8>>> {
        let body_start = self.pos + 6;
        if self.buf.get(self.pos..body_start) != Some(b"\\u0000") {
            return Ok(None);
        }
        let rest = self.buf.get(body_start..).unwrap_or_default();
        let Some(len) = string_run_end(rest) else {
            return Ok(None);
        };
        if rest.get(len) != Some(&b'"') {
            return Ok(None);
        }
        let at = self.pos - 1;
        let bytes = BASE64
            .decode(&rest[..len])
            .map_err(|e| err_at("JSON", at, format!("invalid base64 in binary string: {e}")))?;
        self.pos = body_start + len + 1;
        Ok(Some(bytes))
    }

    #[inline]
    fn number(&mut self) -> Result<Token<'a>> {
        let start = self.pos;
        let buf = self.buf;
        let mut p = self.pos;
        let negative = buf.get(p) == Some(&b'-');
        if negative {
            p += 1;
        }
        let digits_start = p;
        // Exact integer accumulation; never through f64.
        let mut magnitude: Option<u64> = Some(0);
        while let Some(&d) = buf.get(p).filter(|d| d.is_ascii_digit()) {
            magnitude = magnitude
                .and_then(|m| m.checked_mul(10))
                .and_then(|m| m.checked_add(u64::from(d - b'0')));
            p += 1;
        }
        let int_digits = p - digits_start;
        if int_digits == 0 || (int_digits > 1 && buf.get(digits_start) == Some(&b'0')) {
            self.pos = p;
            return Err(self.err("invalid number"));
        }
        let mut integer = true;
        if buf.get(p) == Some(&b'.') {
            p += 1;
            integer = false;
            let s = p;
            while buf.get(p).is_some_and(u8::is_ascii_digit) {
                p += 1;
            }
            if p == s {
                self.pos = p;
                return Err(self.err("invalid number: digits expected after `.`"));
            }
        }
        if let Some(b'e' | b'E') = buf.get(p) {
            p += 1;
            integer = false;
            if let Some(b'+' | b'-') = buf.get(p) {
                p += 1;
            }
            let s = p;
            while buf.get(p).is_some_and(u8::is_ascii_digit) {
                p += 1;
            }
            if p == s {
                self.pos = p;
                return Err(self.err("invalid number: digits expected in exponent"));
            }
        }
        self.pos = p;
        if integer {
            let magnitude = magnitude
                .ok_or_else(|| err_at("JSON", start, "integer out of the 64-bit range"))?;
            if !negative || magnitude == 0 {
                return Ok(Token::UInt(magnitude));
            }
            let neg = 0i64
                .checked_sub_unsigned(magnitude)
                .ok_or_else(|| err_at("JSON", start, "integer out of the 64-bit range"))?;
            Ok(Token::NegInt(neg))
        } else {
            // Only ASCII digits, signs, `.` and `e` were accepted.
            std::str::from_utf8(&buf[start..p])
                .ok()
                .and_then(|t| t.parse::<f64>().ok())
                .ok_or_else(|| err_at("JSON", start, "invalid number"))
                // `1e999` parses as infinity, which JSON cannot carry back out.
                .and_then(|f| {
                    if f.is_finite() {
                        Ok(Token::Float(f))
                    } else {
                        Err(err_at("JSON", start, "number out of the float range"))
                    }
                })
        }
    }
}

impl<'a> Reader<'a> for JsonReader<'a> {
    #[inline]
    fn token(&mut self, _depth: usize, _max_depth: usize) -> Result<Token<'a>> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'n') => self.literal(b"null").map(|()| Token::Null),
            Some(b't') => self.literal(b"true").map(|()| Token::Bool(true)),
            Some(b'f') => self.literal(b"false").map(|()| Token::Bool(false)),
            Some(b'"') => {
                let start = self.pos;
                self.pos += 1;
                if let Some(bytes) = self.binary_fast_path()? {
                    return Ok(Token::ByteBuf(bytes));
                }
                match self.string()? {
                    Cow::Borrowed(s) => Ok(Token::Str(s)),
                    Cow::Owned(s) => match s.strip_prefix('\0') {
                        Some(b64) => BASE64.decode(b64).map(Token::ByteBuf).map_err(|e| {
                            err_at(
                                "JSON",
                                start,
                                format!("invalid base64 in binary string: {e}"),
                            )
                        }),
                        None => Ok(Token::String(s)),
                    },
                }
            }
            Some(b'[') => {
                self.pos += 1;
                Ok(Token::List(None))
            }
            Some(b'{') => {
                self.pos += 1;
                Ok(Token::Dict(None))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b) => Err(self.err(format!("unexpected character {:?}", b as char))),
        }
    }

    #[inline]
    fn take_null(&mut self) -> Result<bool> {
        self.skip_ws();
        if self.buf.get(self.pos..self.pos + 4) == Some(b"null") {
            self.pos += 4;
            return Ok(true);
        }
        Ok(false)
    }

    #[inline]
    fn more(&mut self, dict: bool, first: bool) -> Result<bool> {
        let (close, what) = if dict {
            (b'}', "object")
        } else {
            (b']', "array")
        };
        self.skip_ws();
        match self.peek() {
            Some(c) if c == close => {
                self.pos += 1;
                Ok(false)
            }
            Some(_) if first => Ok(true),
            Some(b',') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    return Err(self.err(format!("trailing comma in {what}")));
                }
                Ok(true)
            }
            Some(_) => Err(self.err(format!("expected `,` or `{}` in {what}", char::from(close)))),
            None => Err(self.err(format!("unterminated {what}"))),
        }
    }

    #[inline]
    fn key(&mut self) -> Result<Cow<'a, str>> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(self.err("expected a string key"));
        }
        self.pos += 1;
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.err("expected `:` after key"));
        }
        self.pos += 1;
        Ok(key)
    }

    fn finish(&mut self) -> Result<()> {
        self.skip_ws();
        if self.pos < self.buf.len() {
            return Err(self.err("trailing bytes after the value"));
        }
        Ok(())
    }
}
