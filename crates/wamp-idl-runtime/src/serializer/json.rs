//! JSON (`wamp.2.json`, WAMP-REFERENCE §3.2).
//!
//! Output is what autobahn writes: compact (no spaces), non-ASCII characters
//! unescaped, control characters escaped like Python's `json` module, floats
//! as Python's `repr`. Byte strings use the WAMP binary convention: a string
//! whose first character is U+0000 carries the standard base64 (with padding)
//! of the bytes. On input every such string — also inside payloads — decodes to
//! bytes.
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::serializer::{Limits, Serializer};
//! use wamp_idl_runtime::value::Value;
//!
//! let bytes = b"[\"\\u0000EOP/kFMHXFJvX8BtT+N82w==\", \"gr\xc3\xbc\xc3\x9f\"]";
//! let v = Serializer::Json.decode_value(bytes, &Limits::default()).unwrap();
//! let list = v.as_list().unwrap();
//! assert_eq!(list[0].as_bytes().unwrap()[..2], [0x10, 0xe3]);
//! assert_eq!(Serializer::Json.encode_value(&v).unwrap(),
//!            "[\"\\u0000EOP/kFMHXFJvX8BtT+N82w==\",\"grüß\"]".as_bytes());
//! ```

use std::io::Write as _;

use base64::Engine as _;

use super::{err_at, Container, Emitter, Limits, ListCursor, Parser};
use crate::error::{Error, Result};
use crate::value::{Dict, Value};

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Writes compact JSON.
pub(crate) struct JsonEmitter<'o> {
    out: &'o mut Vec<u8>,
    /// Whether the last thing written was a complete value inside a
    /// container, so the next item or key needs a `,` first. (No stack of
    /// containers is needed: opening one clears it, closing one sets it.)
    after_value: bool,
}

impl<'o> JsonEmitter<'o> {
    pub(crate) fn new(out: &'o mut Vec<u8>) -> Self {
        JsonEmitter {
            out,
            after_value: false,
        }
    }

    fn separator(&mut self) {
        if self.after_value {
            self.out.push(b',');
        }
    }
}

/// Appends the decimal digits of `u` (no `fmt` machinery).
fn write_u64(out: &mut Vec<u8>, mut u: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// A fixed-capacity text buffer on the stack for formatting floats.
struct StackText {
    buf: [u8; 40],
    len: usize,
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(std::fmt::Error)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Which bytes of a string need escaping in JSON output.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Writes `s` as a JSON string literal, escaping like Python's
/// `json.dumps(ensure_ascii=False)`.
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !NEEDS_ESCAPE[usize::from(b)] {
            continue;
        }
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Appends a finite float like Python's `repr`; the common fixed-notation
/// case is formatted on the stack, without allocating.
fn write_python_float(out: &mut Vec<u8>, f: f64) {
    use std::fmt::Write as _;
    let abs = f.abs();
    if abs == 0.0 || (1e-4..1e16).contains(&abs) {
        let mut text = StackText {
            buf: [0; 40],
            len: 0,
        };
        if write!(text, "{f}").is_ok() {
            let digits = &text.buf[..text.len];
            out.extend_from_slice(digits);
            if !digits.contains(&b'.') {
                out.extend_from_slice(b".0");
            }
            return;
        }
    }
    out.extend_from_slice(python_float_repr(f).as_bytes());
}

/// Formats a finite float like Python's `repr` (shortest round-trip digits,
/// `1.0`, `1e+16`, `1e-05`).
fn python_float_repr(f: f64) -> String {
    // Rust's `{:?}` gives the shortest round-trip digits too, but switches to
    // exponent notation at different magnitudes and writes `1e16`/`1e-7`.
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e16).contains(&abs) {
        let s = format!("{f:e}"); // e.g. "1.5e16", "-1e-7"
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        let pad = if digits.len() < 2 { "0" } else { "" };
        format!("{mantissa}e{sign}{pad}{digits}")
    } else {
        let s = format!("{f}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    }
}

impl Emitter for JsonEmitter<'_> {
    fn null(&mut self) {
        self.out.extend_from_slice(b"null");
        self.after_value = true;
    }
    fn bool(&mut self, b: bool) {
        self.out
            .extend_from_slice(if b { b"true" } else { b"false" });
        self.after_value = true;
    }
    fn uint(&mut self, u: u64) {
        write_u64(self.out, u);
        self.after_value = true;
    }
    fn int(&mut self, i: i64) {
        if i < 0 {
            self.out.push(b'-');
        }
        write_u64(self.out, i.unsigned_abs());
        self.after_value = true;
    }
    fn float(&mut self, f: f64) -> Result<()> {
        if !f.is_finite() {
            return Err(Error::encode(format!(
                "JSON cannot represent the float {f}"
            )));
        }
        write_python_float(self.out, f);
        self.after_value = true;
        Ok(())
    }
    fn str(&mut self, s: &str) {
        write_json_str(self.out, s);
        self.after_value = true;
    }
    fn bytes(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b"\"\\u0000");
        // Encode straight into the output, without a temporary string.
        let start = self.out.len();
        let encoded_len = b.len().div_ceil(3) * 4;
        self.out.resize(start + encoded_len, 0);
        let written = BASE64.encode_slice(b, &mut self.out[start..]).unwrap_or(0);
        self.out.truncate(start + written);
        self.out.push(b'"');
        self.after_value = true;
    }
    fn begin_list(&mut self, _len: usize) {
        self.out.push(b'[');
        self.after_value = false;
    }
    fn item(&mut self) {
        self.separator();
    }
    fn end_list(&mut self) {
        self.out.push(b']');
        self.after_value = true;
    }
    fn begin_dict(&mut self, _len: usize) {
        self.out.push(b'{');
        self.after_value = false;
    }
    fn key(&mut self, k: &str) {
        self.separator();
        write_json_str(self.out, k);
        self.out.push(b':');
        self.after_value = false;
    }
    fn end_dict(&mut self) {
        self.out.push(b'}');
        self.after_value = true;
    }
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        self.after_value = true;
    }
    fn check_str(&self, s: &str) -> Result<()> {
        if s.starts_with('\0') {
            return Err(Error::encode(
                "JSON cannot carry a string starting with U+0000: that prefix marks binary data",
            ));
        }
        Ok(())
    }
}

/// Reads JSON text (RFC 8259) from a byte slice.
pub(crate) struct JsonParser<'a> {
    buf: &'a [u8],
    pos: usize,
    max_depth: usize,
}

impl<'a> JsonParser<'a> {
    pub(crate) fn new(buf: &'a [u8], limits: &Limits) -> Self {
        JsonParser {
            buf,
            pos: 0,
            max_depth: limits.max_depth,
        }
    }

    fn err(&self, msg: impl std::fmt::Display) -> Error {
        err_at("JSON", self.pos, msg)
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.buf.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    fn expect_literal(&mut self, lit: &[u8]) -> Result<()> {
        if self.buf.get(self.pos..self.pos + lit.len()) == Some(lit) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(self.err(format!("expected `{}`", String::from_utf8_lossy(lit))))
        }
    }

    fn check_depth(&self, depth: usize) -> Result<()> {
        if depth > self.max_depth {
            Err(self.err(format!(
                "nesting deeper than the limit of {}",
                self.max_depth
            )))
        } else {
            Ok(())
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .buf
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("truncated \\u escape"))?;
        let mut v = 0u32;
        for &d in digits {
            let n = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.err("invalid hex digit in \\u escape"))?;
            v = v * 16 + n;
        }
        self.pos += 4;
        Ok(v)
    }

    /// Reads a string literal (after the opening quote).
    fn string(&mut self) -> Result<String> {
        let mut s = String::new();
        loop {
            let run_start = self.pos;
            let rest = self.buf.get(self.pos..).unwrap_or_default();
            self.pos += string_run_end(rest).unwrap_or(rest.len());
            let run = &self.buf[run_start..self.pos];
            let run = std::str::from_utf8(run)
                .map_err(|e| err_at("JSON", run_start + e.valid_up_to(), "invalid UTF-8"))?;
            s.push_str(run);
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(s);
                }
                Some(b'\\') => {
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
                    s.push(c);
                }
                Some(_) => return Err(self.err("unescaped control character in string")),
            }
        }
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

    fn string_value(&mut self) -> Result<Value> {
        let start = self.pos;
        let s = self.string()?;
        match s.strip_prefix('\0') {
            Some(b64) => BASE64.decode(b64).map(Value::Bytes).map_err(|e| {
                err_at(
                    "JSON",
                    start,
                    format!("invalid base64 in binary string: {e}"),
                )
            }),
            None => Ok(Value::Str(s)),
        }
    }

    /// Scans a number and returns its text and whether it is an integer.
    fn number_text(&mut self) -> Result<(&'a str, bool)> {
        let start = self.pos;
        let buf = self.buf;
        let digits = |p: &mut usize| {
            let s = *p;
            while buf.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
            *p - s
        };
        let mut p = self.pos;
        if buf.get(p) == Some(&b'-') {
            p += 1;
        }
        let int_digits = digits(&mut p);
        if int_digits == 0 || (int_digits > 1 && buf.get(p - int_digits) == Some(&b'0')) {
            self.pos = p;
            return Err(self.err("invalid number"));
        }
        let mut integer = true;
        if buf.get(p) == Some(&b'.') {
            p += 1;
            integer = false;
            if digits(&mut p) == 0 {
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
            if digits(&mut p) == 0 {
                self.pos = p;
                return Err(self.err("invalid number: digits expected in exponent"));
            }
        }
        self.pos = p;
        // Only ASCII digits, signs, `.`, `e` were accepted.
        let text = std::str::from_utf8(&buf[start..p]).map_err(|_| self.err("invalid number"))?;
        Ok((text, integer))
    }

    fn number(&mut self) -> Result<Value> {
        let start = self.pos;
        let (text, integer) = self.number_text()?;
        if integer {
            // Exact integer parsing; never through f64.
            let (negative, digits) = match text.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, text),
            };
            let magnitude = digits.bytes().try_fold(0u64, |acc, d| {
                acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
            });
            let magnitude = magnitude
                .ok_or_else(|| err_at("JSON", start, "integer out of the 64-bit range"))?;
            if !negative {
                return Ok(Value::UInt(magnitude));
            }
            if magnitude == 0 {
                return Ok(Value::UInt(0));
            }
            let neg = 0i64
                .checked_sub_unsigned(magnitude)
                .ok_or_else(|| err_at("JSON", start, "integer out of the 64-bit range"))?;
            Ok(Value::Int(neg))
        } else {
            let f = text
                .parse::<f64>()
                .map_err(|_| err_at("JSON", start, "invalid number"))?;
            // `1e999` would read as infinity, which JSON cannot carry (and our
            // encoder refuses): reject it instead of accepting a value that
            // cannot be written back.
            if !f.is_finite() {
                return Err(err_at("JSON", start, "number out of the float range"));
            }
            Ok(Value::Float(f))
        }
    }

    /// Checks a number as [`JsonParser::number`] does, without converting a
    /// float whose text proves it finite: fewer than 300 characters and no
    /// exponent means below 10^300, inside the `f64` range.
    fn skip_number(&mut self) -> Result<()> {
        let start = self.pos;
        let (text, integer) = self.number_text()?;
        if !integer && text.len() < 300 && !text.contains(['e', 'E']) {
            return Ok(());
        }
        self.pos = start;
        self.number().map(drop)
    }

    fn list(&mut self, depth: usize) -> Result<Value> {
        self.check_depth(depth)?;
        let mut items = Vec::new();
        let mut cursor = ListCursor {
            remaining: None,
            first: true,
        };
        while self.next_item(&mut cursor)? {
            items.push(self.value(depth + 1)?);
        }
        Ok(Value::List(items))
    }

    fn dict(&mut self, depth: usize) -> Result<Value> {
        self.check_depth(depth)?;
        let mut dict = DictBuilder::default();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Dict(dict.finish()));
        }
        loop {
            self.skip_ws();
            let key_pos = self.pos;
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
            let value = self.value(depth + 1)?;
            dict.insert(key, value)
                .map_err(|k| err_at("JSON", key_pos, format!("duplicate key {k:?}")))?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Dict(dict.finish()));
                }
                _ => return Err(self.err("expected `,` or `}` in object")),
            }
        }
    }

    /// Reads a dict key (after the opening quote): borrowed from the input
    /// when it has no escapes.
    fn key_text(&mut self) -> Result<std::borrow::Cow<'a, str>> {
        let start = self.pos;
        let buf = self.buf;
        let rest = buf.get(self.pos..).unwrap_or_default();
        self.pos += string_run_end(rest).unwrap_or(rest.len());
        if self.peek() == Some(b'"') {
            let text = std::str::from_utf8(&buf[start..self.pos])
                .map_err(|e| err_at("JSON", start + e.valid_up_to(), "invalid UTF-8"))?;
            self.pos += 1;
            return Ok(std::borrow::Cow::Borrowed(text));
        }
        self.pos = start;
        self.string().map(std::borrow::Cow::Owned)
    }

    /// Skips a string literal (after the opening quote), validating UTF-8 and escapes.
    fn skip_string(&mut self) -> Result<()> {
        let start = self.pos;
        loop {
            let rest = self.buf.get(self.pos..).unwrap_or_default();
            self.pos += string_run_end(rest).unwrap_or(rest.len());
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => break,
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            self.unicode_escape()?;
                        }
                        _ => return Err(self.err("invalid escape sequence")),
                    }
                }
                Some(_) => return Err(self.err("unescaped control character in string")),
            }
        }
        std::str::from_utf8(&self.buf[start..self.pos])
            .map_err(|e| err_at("JSON", start + e.valid_up_to(), "invalid UTF-8"))?;
        self.pos += 1;
        Ok(())
    }
}

/// Whether `b` is what the standard base64 engine accepts: padded to a
/// multiple of 4, standard alphabet, `=` only as the last one or two
/// characters, and zero trailing bits (canonical).
fn is_canonical_base64(b: &[u8]) -> bool {
    fn sextet(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    if b.len() % 4 != 0 {
        return false;
    }
    let (body, last) = match b.len() {
        0 => return true,
        n => b.split_at(n - 4),
    };
    if !all_in_base64_alphabet(body) {
        return false;
    }
    match *last {
        [a, b2, b'=', b'='] => sextet(a).is_some() && sextet(b2).is_some_and(|v| v & 0x0f == 0),
        [a, b2, c, b'='] => {
            sextet(a).is_some() && sextet(b2).is_some() && sextet(c).is_some_and(|v| v & 0x03 == 0)
        }
        [a, b2, c, d] => [a, b2, c, d].iter().all(|&x| sextet(x).is_some()),
        _ => false,
    }
}

/// Whether every byte is in the standard base64 alphabet (no padding).
/// Branch-free per byte and checked per block, so that the compiler
/// vectorizes it: WAMP binary payloads are often kilobytes of base64.
fn all_in_base64_alphabet(body: &[u8]) -> bool {
    #[inline(always)]
    fn is_sextet(c: u8) -> bool {
        (c.wrapping_sub(b'A') < 26)
            | (c.wrapping_sub(b'a') < 26)
            | (c.wrapping_sub(b'0') < 10)
            | (c == b'+')
            | (c == b'/')
    }
    body.chunks(64)
        .all(|block| block.iter().fold(true, |ok, &c| ok & is_sextet(c)))
}

/// The offset of the first `"`, `\\` or control character in `bytes`: where
/// a string's plain run ends. Checks whole blocks first (vectorized, like
/// [`all_in_base64_alphabet`]), as a per-byte search is slow on long strings.
#[inline]
pub(crate) fn string_run_end(bytes: &[u8]) -> Option<usize> {
    #[inline(always)]
    fn is_special(b: u8) -> bool {
        (b == b'"') | (b == b'\\') | (b < 0x20)
    }
    // Most WAMP strings (keys, URIs, short values) end within a few bytes:
    // those are found byte by byte, before the block scan's setup.
    const SHORT: usize = 16;
    const BLOCK: usize = 32;
    let head = bytes.len().min(SHORT);
    if let Some(i) = bytes[..head].iter().position(|&b| is_special(b)) {
        return Some(i);
    }
    let mut start = head;
    for block in bytes[head..].chunks(BLOCK) {
        if block.iter().fold(false, |any, &b| any | is_special(b)) {
            return block.iter().position(|&b| is_special(b)).map(|i| start + i);
        }
        start += block.len();
    }
    None
}

/// Length and first and last bytes of a key: distinct fingerprints mean
/// distinct keys, so most comparisons of typical WAMP keys (short, often of
/// equal length) end without a `memcmp` call.
#[inline]
fn key_fingerprint(key: &str) -> (usize, u8, u8) {
    let bytes = key.as_bytes();
    (
        bytes.len(),
        bytes.first().copied().unwrap_or(0),
        bytes.last().copied().unwrap_or(0),
    )
}

/// Rejects duplicate keys of a dict that is skipped (validated, not built):
/// borrows the keys from the input and allocates nothing for up to 16 keys;
/// more keys go into a hash set, so hostile objects cost no quadratic time.
pub(crate) struct KeySet<'a> {
    inline: [&'a str; KeySet::INLINE],
    len: usize,
    /// Created on the first key that does not fit inline (creating a
    /// `HashSet` seeds its hasher, which is not free for every dict).
    rest: Option<std::collections::HashSet<std::borrow::Cow<'a, str>>>,
}

impl<'a> KeySet<'a> {
    const INLINE: usize = 16;

    pub(crate) fn new() -> Self {
        KeySet {
            inline: [""; KeySet::INLINE],
            len: 0,
            rest: None,
        }
    }

    /// Records a key; on a duplicate returns it.
    pub(crate) fn insert(
        &mut self,
        key: std::borrow::Cow<'a, str>,
    ) -> std::result::Result<(), String> {
        let seen = self.inline.get(..self.len).unwrap_or_default();
        let probe = key_fingerprint(&key);
        let duplicate = seen
            .iter()
            .any(|k| key_fingerprint(k) == probe && **k == *key)
            || self.rest.as_ref().is_some_and(|rest| rest.contains(&key));
        if duplicate {
            return Err(key.into_owned());
        }
        match key {
            std::borrow::Cow::Borrowed(k) if self.len < KeySet::INLINE => {
                if let Some(slot) = self.inline.get_mut(self.len) {
                    *slot = k;
                    self.len += 1;
                }
            }
            key => {
                self.rest
                    .get_or_insert_with(std::collections::HashSet::new)
                    .insert(key);
            }
        }
        Ok(())
    }
}

/// Builds a [`Dict`] from decoded entries, rejecting duplicate keys without
/// quadratic cost on large (hostile) objects.
#[derive(Default)]
pub(crate) struct DictBuilder {
    dict: Dict,
    seen: std::collections::HashSet<String>,
}

impl DictBuilder {
    const LINEAR_LIMIT: usize = 16;

    /// Appends an entry; on a duplicate key returns the key.
    pub(crate) fn insert(&mut self, key: String, value: Value) -> std::result::Result<(), String> {
        if self.dict.len() < Self::LINEAR_LIMIT {
            if self.dict.contains_key(&key) {
                return Err(key);
            }
        } else {
            if self.seen.is_empty() {
                self.seen = self.dict.keys().map(str::to_owned).collect();
            }
            if !self.seen.insert(key.clone()) {
                return Err(key);
            }
        }
        self.dict.push_unchecked(key, value);
        Ok(())
    }

    pub(crate) fn finish(self) -> Dict {
        self.dict
    }
}

impl<'a> Parser<'a> for JsonParser<'a> {
    fn pos(&self) -> usize {
        self.pos
    }

    fn string_element(&mut self) -> Result<super::Typed<String>> {
        self.skip_ws();
        let start = self.pos;
        if self.peek() == Some(b'"') {
            self.pos += 1;
            let s = self.string()?;
            if !s.starts_with('\0') {
                return Ok(Ok(s));
            }
            // A binary string: `value` decodes and checks its base64.
            self.pos = start;
        }
        self.value(2).map(super::typed_string)
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'n') => self.expect_literal(b"null").map(|()| Value::Null),
            Some(b't') => self.expect_literal(b"true").map(|()| Value::Bool(true)),
            Some(b'f') => self.expect_literal(b"false").map(|()| Value::Bool(false)),
            Some(b'"') => {
                self.pos += 1;
                self.string_value()
            }
            Some(b'[') => {
                self.pos += 1;
                self.list(depth)
            }
            Some(b'{') => {
                self.pos += 1;
                self.dict(depth)
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b) => Err(self.err(format!("unexpected character {:?}", b as char))),
        }
    }

    fn skip(&mut self, depth: usize) -> Result<()> {
        self.skip_ws();
        match self.peek() {
            // A string starting with U+0000 (always written `\u0000`: JSON has
            // no raw control characters) is base64 bytes: check the base64
            // as `value` does.
            Some(b'"') if self.buf.get(self.pos + 1..self.pos + 7) == Some(b"\\u0000") => {
                // Fast path: base64 without further escapes is checked in
                // place, without decoding it into a buffer.
                let body_start = self.pos + 7;
                let rest = self.buf.get(body_start..).unwrap_or_default();
                let end = string_run_end(rest);
                if let Some(len) = end.filter(|&len| rest.get(len) == Some(&b'"')) {
                    if !is_canonical_base64(&rest[..len]) {
                        return Err(self.err("invalid base64 in binary string"));
                    }
                    self.pos = body_start + len + 1;
                    return Ok(());
                }
                self.pos += 1;
                self.string_value().map(drop)
            }
            Some(b'"') => {
                self.pos += 1;
                self.skip_string()
            }
            Some(b'[') => {
                self.pos += 1;
                self.check_depth(depth)?;
                let mut cursor = ListCursor {
                    remaining: None,
                    first: true,
                };
                while self.next_item(&mut cursor)? {
                    self.skip(depth + 1)?;
                }
                Ok(())
            }
            Some(b'{') => {
                self.pos += 1;
                self.check_depth(depth)?;
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(());
                }
                // Duplicate keys are rejected here too, as by `value`: a frame
                // the codec accepts must have args/kwargs that decode later.
                let mut keys = KeySet::new();
                loop {
                    self.skip_ws();
                    let key_pos = self.pos;
                    if self.peek() != Some(b'"') {
                        return Err(self.err("expected a string key"));
                    }
                    self.pos += 1;
                    let key = self.key_text()?;
                    keys.insert(key)
                        .map_err(|k| err_at("JSON", key_pos, format!("duplicate key {k:?}")))?;
                    self.skip_ws();
                    if self.peek() != Some(b':') {
                        return Err(self.err("expected `:` after key"));
                    }
                    self.pos += 1;
                    self.skip(depth + 1)?;
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(());
                        }
                        _ => return Err(self.err("expected `,` or `}` in object")),
                    }
                }
            }
            // Parsed, not only scanned: out-of-range numbers fail here as in `value`.
            Some(b'-' | b'0'..=b'9') => self.skip_number(),
            _ => self.value(depth).map(drop),
        }
    }

    fn peek_container(&mut self) -> Result<Option<Container>> {
        self.skip_ws();
        Ok(match self.peek() {
            Some(b'[') => Some(Container::List),
            Some(b'{') => Some(Container::Dict),
            _ => None,
        })
    }

    fn begin_list(&mut self) -> Result<ListCursor> {
        self.skip_ws();
        if self.peek() != Some(b'[') {
            return Err(self.err("expected `[` (a WAMP message is a JSON array)"));
        }
        self.pos += 1;
        Ok(ListCursor {
            remaining: None,
            first: true,
        })
    }

    fn next_item(&mut self, cursor: &mut ListCursor) -> Result<bool> {
        self.skip_ws();
        match self.peek() {
            Some(b']') => {
                // Ends an empty array or follows a value; `,]` is caught below.
                self.pos += 1;
                Ok(false)
            }
            Some(b',') if !cursor.first => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    return Err(self.err("trailing comma in array"));
                }
                Ok(true)
            }
            Some(_) if cursor.first => {
                cursor.first = false;
                Ok(true)
            }
            Some(_) => Err(self.err("expected `,` or `]` in array")),
            None => Err(self.err("unterminated array")),
        }
    }

    fn finish(&mut self) -> Result<()> {
        self.skip_ws();
        if self.pos < self.buf.len() {
            return Err(self.err("trailing bytes after the value"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_format_like_python_repr() {
        for (f, s) in [
            (1.0, "1.0"),
            (1.5, "1.5"),
            (-0.0, "-0.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e16, "1e+16"),
            (1.5e300, "1.5e+300"),
            (123456789012345.6, "123456789012345.6"),
            (0.1, "0.1"),
        ] {
            assert_eq!(python_float_repr(f), s, "{f}");
        }
    }

    #[test]
    fn base64_check_matches_the_engine() {
        let samples: [&[u8]; 12] = [
            b"",
            b"AQ==",
            b"AQI=",
            b"AQID",
            b"AR==",
            b"AQJ=",
            b"AQ",
            b"A===",
            b"====",
            b"AQ=A",
            b"A-_B",
            b"EOP/kFMHXFJvX8BtT+N82w==",
        ];
        for s in samples {
            assert_eq!(
                is_canonical_base64(s),
                BASE64.decode(s).is_ok(),
                "{:?}",
                String::from_utf8_lossy(s)
            );
        }
    }

    #[test]
    fn control_characters_are_escaped_like_python() {
        let mut out = Vec::new();
        write_json_str(&mut out, "a\"\\\n\u{1}\u{7f}é");
        assert_eq!(out, "\"a\\\"\\\\\\n\\u0001\u{7f}é\"".as_bytes());
    }
}
