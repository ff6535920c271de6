//! UBJSON and BJData (`wamp.2.ubjson`, WAMP-REFERENCE §3.5).
//!
//! autobahn ≥ 26.6 speaks BJData under the serializer id `ubjson`
//! (little-endian numbers, unsigned markers `u`/`m`/`M`, bytes as `[$B#`);
//! autobahn ≤ 25.12 spoke UBJSON draft 12 (big-endian, bytes as `[$U#`). The
//! dialects cannot read each other's numbers, so a connection picks one:
//! [`UbjsonDialect::BjData`] by default.
//!
//! Output matches `bjdata` / `py-ubjson` defaults: smallest integer marker,
//! float 64 (`D`, zero as float 32 `d`), one-byte strings as char `C`, no
//! container counts except for byte strings. In draft 12 NaN/infinities
//! become null, as py-ubjson does. Subnormal floats become the exact decimal
//! high-precision number `H`, as the Python encoders' C extensions write
//! them. Input accepts counted and typed (`$`/`#`) containers and no-op
//! markers.
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::serializer::{Serializer, UbjsonDialect};
//! use wamp_idl_runtime::value::Value;
//!
//! let v = Value::from(337u64);
//! assert_eq!(Serializer::Ubjson(UbjsonDialect::BjData).encode_value(&v).unwrap(), [0x75, 0x51, 0x01]);
//! assert_eq!(Serializer::Ubjson(UbjsonDialect::Draft12).encode_value(&v).unwrap(), [0x49, 0x01, 0x51]);
//! ```

use super::json::{DictBuilder, KeySet};
use super::{err_at, Container, Emitter, Limits, ListCursor, Parser};
use crate::error::{Error, Result};
use crate::value::Value;

/// Which variant of the `ubjson` serializer id a connection speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UbjsonDialect {
    /// BJData (a UBJSON superset), what autobahn-python ≥ 26.6 writes. Default.
    #[default]
    BjData,
    /// UBJSON draft 12, what autobahn-python ≤ 25.12 (py-ubjson) writes.
    Draft12,
}

/// The exact decimal value of a finite float below 1, formatted as Python's
/// `str(Decimal(f))` does for such magnitudes: `4.940656458412465…E-324`.
fn exact_decimal(f: f64) -> String {
    let bits = f.to_bits();
    let exp_field = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mut mantissa, mut exp2) = if exp_field == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), exp_field - 1075)
    };
    while mantissa != 0 && mantissa % 2 == 0 && exp2 < 0 {
        mantissa /= 2;
        exp2 += 1;
    }
    // f = mantissa / 2^k = mantissa * 5^k / 10^k; compute mantissa * 5^k in
    // base-10^9 limbs (least significant first).
    let k = exp2.unsigned_abs() as usize;
    let mut limbs: Vec<u64> = vec![mantissa % 1_000_000_000, mantissa / 1_000_000_000];
    for _ in 0..k {
        let mut carry = 0u64;
        for limb in &mut limbs {
            let v = *limb * 5 + carry;
            *limb = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut digits = String::new();
    for (i, limb) in limbs.iter().rev().enumerate() {
        if i == 0 {
            digits.push_str(&limb.to_string());
        } else {
            digits.push_str(&format!("{limb:09}"));
        }
    }
    let adjusted = digits.len() as i64 - 1 - k as i64;
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let (first, rest) = digits.split_at(1);
    let dot = if rest.is_empty() { "" } else { "." };
    format!("{sign}{first}{dot}{rest}E{adjusted:+}")
}

/// Writes UBJSON or BJData.
pub(crate) struct UbjsonEmitter<'o> {
    out: &'o mut Vec<u8>,
    dialect: UbjsonDialect,
}

impl<'o> UbjsonEmitter<'o> {
    pub(crate) fn new(out: &'o mut Vec<u8>, dialect: UbjsonDialect) -> Self {
        UbjsonEmitter { out, dialect }
    }

    fn num<const N: usize>(&mut self, marker: u8, be: [u8; N], le: [u8; N]) {
        self.out.push(marker);
        match self.dialect {
            UbjsonDialect::Draft12 => self.out.extend_from_slice(&be),
            UbjsonDialect::BjData => self.out.extend_from_slice(&le),
        }
    }

    /// The smallest magnitude written as float 64; smaller ones become `H`.
    /// The C extensions of py-ubjson (autobahn ≤ 25.12) and bjdata (autobahn
    /// ≥ 26.6, as `scripts/peers.sh` installs it) switch only for subnormals.
    /// bjdata's pure-Python fallback switches below its literal 2.23e-308, but
    /// an `H` decodes to a `Decimal` there, so a float 64 is the faithful choice
    /// for the normal floats in between (found by tests/autobahn_differential.rs).
    fn float64_min(&self) -> f64 {
        f64::MIN_POSITIVE
    }

    fn signed(&mut self, i: i64) {
        if let Ok(v) = i8::try_from(i) {
            self.out.extend_from_slice(&[b'i', v as u8]);
        } else if let Ok(v) = i16::try_from(i) {
            self.num(b'I', v.to_be_bytes(), v.to_le_bytes());
        } else if let Ok(v) = i32::try_from(i) {
            self.num(b'l', v.to_be_bytes(), v.to_le_bytes());
        } else {
            self.num(b'L', i.to_be_bytes(), i.to_le_bytes());
        }
    }

    fn length(&mut self, n: usize) {
        self.uint(n as u64);
    }
}

impl Emitter for UbjsonEmitter<'_> {
    fn null(&mut self) {
        self.out.push(b'Z');
    }
    fn bool(&mut self, b: bool) {
        self.out.push(if b { b'T' } else { b'F' });
    }
    fn uint(&mut self, u: u64) {
        if let Ok(v) = u8::try_from(u) {
            self.out.extend_from_slice(&[b'U', v]);
            return;
        }
        match self.dialect {
            UbjsonDialect::BjData => {
                if let Ok(v) = u16::try_from(u) {
                    self.num(b'u', v.to_be_bytes(), v.to_le_bytes());
                } else if let Ok(v) = u32::try_from(u) {
                    self.num(b'm', v.to_be_bytes(), v.to_le_bytes());
                } else {
                    self.num(b'M', u.to_be_bytes(), u.to_le_bytes());
                }
            }
            UbjsonDialect::Draft12 => match i64::try_from(u) {
                Ok(i) => self.signed(i),
                Err(_) => {
                    // Beyond int64: the high-precision number (decimal text).
                    let text = u.to_string();
                    self.out.push(b'H');
                    self.length(text.len());
                    self.out.extend_from_slice(text.as_bytes());
                }
            },
        }
    }
    fn int(&mut self, i: i64) {
        match u64::try_from(i) {
            Ok(u) => self.uint(u),
            Err(_) => self.signed(i),
        }
    }
    fn float(&mut self, f: f64) -> Result<()> {
        if f == 0.0 {
            // Both Python encoders write zero (and -0.0) as float 32.
            let z = f as f32;
            self.num(b'd', z.to_be_bytes(), z.to_le_bytes());
        } else if !f.is_finite() && self.dialect == UbjsonDialect::Draft12 {
            // py-ubjson writes NaN and the infinities as null.
            self.null();
        } else if f.is_finite() && f.abs() < self.float64_min() {
            // The Python encoders write tiny floats as the exact decimal
            // expansion in a high-precision number.
            let text = exact_decimal(f);
            self.out.push(b'H');
            self.length(text.len());
            self.out.extend_from_slice(text.as_bytes());
        } else {
            self.num(b'D', f.to_be_bytes(), f.to_le_bytes());
        }
        Ok(())
    }
    fn str(&mut self, s: &str) {
        if let [byte] = s.as_bytes() {
            // A one-byte string is written as a char, like py-ubjson and bjdata.
            self.out.extend_from_slice(&[b'C', *byte]);
            return;
        }
        self.out.push(b'S');
        self.length(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        let item = match self.dialect {
            UbjsonDialect::BjData => b'B',
            UbjsonDialect::Draft12 => b'U',
        };
        self.out.extend_from_slice(&[b'[', b'$', item, b'#']);
        self.length(b.len());
        self.out.extend_from_slice(b);
    }
    fn begin_list(&mut self, _len: usize) {
        self.out.push(b'[');
    }
    fn item(&mut self) {}
    fn end_list(&mut self) {
        self.out.push(b']');
    }
    fn begin_dict(&mut self, _len: usize) {
        self.out.push(b'{');
    }
    fn key(&mut self, k: &str) {
        self.length(k.len());
        self.out.extend_from_slice(k.as_bytes());
    }
    fn end_dict(&mut self) {
        self.out.push(b'}');
    }
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }
}

/// Reads UBJSON or BJData from a byte slice.
pub(crate) struct UbjsonParser<'a> {
    buf: &'a [u8],
    pos: usize,
    max_depth: usize,
    dialect: UbjsonDialect,
    /// Whether values are built; `false` while skipping (nothing is allocated).
    build: bool,
}

/// Layout of a container after its optional `$type` / `#count` header.
struct Layout {
    /// Marker shared by all items (`$`), which then carry no marker.
    item_type: Option<u8>,
    count: Option<usize>,
}

impl<'a> UbjsonParser<'a> {
    pub(crate) fn new(buf: &'a [u8], limits: &Limits, dialect: UbjsonDialect) -> Self {
        UbjsonParser {
            buf,
            pos: 0,
            max_depth: limits.max_depth,
            dialect,
            build: true,
        }
    }

    fn name(&self) -> &'static str {
        match self.dialect {
            UbjsonDialect::BjData => "BJData",
            UbjsonDialect::Draft12 => "UBJSON",
        }
    }

    fn err(&self, at: usize, msg: impl std::fmt::Display) -> Error {
        err_at(self.name(), at, msg)
    }

    fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

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

    fn num<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        if self.dialect == UbjsonDialect::BjData {
            a.reverse(); // to big-endian, so callers always use from_be_bytes
        }
        Ok(a)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    /// Skips no-op markers and returns the next marker without consuming it.
    fn peek_marker(&mut self) -> Result<u8> {
        while self.buf.get(self.pos) == Some(&b'N') {
            self.pos += 1;
        }
        self.buf
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.err(self.pos, "unexpected end of input"))
    }

    /// Reads an integer body for `marker`; `None` if `marker` is not an integer type.
    fn int_body(&mut self, marker: u8) -> Result<Option<Value>> {
        let bj = self.dialect == UbjsonDialect::BjData;
        Ok(Some(match marker {
            b'i' => Value::integer(i64::from(self.byte()? as i8)),
            b'U' => Value::UInt(u64::from(self.byte()?)),
            b'I' => Value::integer(i64::from(i16::from_be_bytes(self.num()?))),
            b'l' => Value::integer(i64::from(i32::from_be_bytes(self.num()?))),
            b'L' => Value::integer(i64::from_be_bytes(self.num()?)),
            b'u' if bj => Value::UInt(u64::from(u16::from_be_bytes(self.num()?))),
            b'm' if bj => Value::UInt(u64::from(u32::from_be_bytes(self.num()?))),
            b'M' if bj => Value::UInt(u64::from_be_bytes(self.num()?)),
            _ => return Ok(None),
        }))
    }

    /// Reads a length: an integer value with its marker, non-negative.
    fn length(&mut self) -> Result<usize> {
        let at = self.pos;
        let marker = self.byte()?;
        match self.int_body(marker)? {
            Some(Value::UInt(n)) => {
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

    fn str_slice(&mut self) -> Result<&'a str> {
        let at = self.pos;
        let n = self.length()?;
        let s = self.take(n)?;
        std::str::from_utf8(s).map_err(|_| self.err(at, "invalid UTF-8 in string"))
    }

    fn string(&mut self) -> Result<String> {
        self.str_slice().map(str::to_owned)
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

    /// Reads the optional `$type` and `#count` after `[` or `{`.
    fn layout(&mut self) -> Result<Layout> {
        let at = self.pos;
        let mut item_type = None;
        if self.buf.get(self.pos) == Some(&b'$') {
            self.pos += 1;
            let t = self.byte()?;
            if matches!(t, b'Z' | b'T' | b'F' | b'N' | b'[' | b'{') {
                // Items without body bytes would let a tiny frame announce
                // billions of items; containers as item type are not valid.
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
        Ok(Layout { item_type, count })
    }

    /// Reads one value whose marker is `marker` (already consumed).
    fn body(&mut self, marker: u8, depth: usize) -> Result<Value> {
        let at = self.pos.saturating_sub(1);
        if let Some(v) = self.int_body(marker)? {
            return Ok(v);
        }
        let bj = self.dialect == UbjsonDialect::BjData;
        match marker {
            b'Z' => Ok(Value::Null),
            b'T' => Ok(Value::Bool(true)),
            b'F' => Ok(Value::Bool(false)),
            b'd' => Ok(Value::Float(f64::from(f32::from_be_bytes(self.num()?)))),
            b'D' => Ok(Value::Float(f64::from_be_bytes(self.num()?))),
            b'h' if bj => Ok(Value::Float(super::cbor::f16_to_f64(u16::from_be_bytes(
                self.num()?,
            )))),
            b'C' => {
                let c = self.byte()?;
                if c.is_ascii() {
                    Ok(Value::Str(char::from(c).to_string()))
                } else {
                    Err(self.err(at, "char value is not ASCII"))
                }
            }
            b'S' => {
                let s = self.str_slice()?;
                Ok(if self.build {
                    Value::from(s)
                } else {
                    Value::Null
                })
            }
            b'H' => {
                let text = self.string()?;
                high_precision(&text).ok_or_else(|| {
                    self.err(at, format!("unsupported high-precision number {text:?}"))
                })
            }
            b'[' => self.list(depth),
            b'{' => self.dict(depth),
            other => Err(self.err(at, format!("unknown marker {:?}", other as char))),
        }
    }

    fn list(&mut self, depth: usize) -> Result<Value> {
        self.check_depth(depth)?;
        let layout = self.layout()?;
        let bytes_type = match self.dialect {
            UbjsonDialect::BjData => b'B',
            UbjsonDialect::Draft12 => b'U',
        };
        match (layout.item_type, layout.count) {
            (Some(t), Some(n)) if t == bytes_type => {
                let bytes = self.take(n)?;
                Ok(if self.build {
                    Value::Bytes(bytes.to_vec())
                } else {
                    Value::Null
                })
            }
            (item_type, Some(n)) => {
                let capacity = if self.build {
                    super::preallocation(n, self.left())
                } else {
                    0
                };
                let mut items = Vec::with_capacity(capacity);
                for _ in 0..n {
                    let item = match item_type {
                        Some(t) => self.body(t, depth + 1)?,
                        None => self.value(depth + 1)?,
                    };
                    if self.build {
                        items.push(item);
                    }
                }
                Ok(Value::List(items))
            }
            (_, None) => {
                let mut items = Vec::new();
                while self.peek_marker()? != b']' {
                    let item = self.value(depth + 1)?;
                    if self.build {
                        items.push(item);
                    }
                }
                self.pos += 1;
                Ok(Value::List(items))
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Result<Value> {
        self.check_depth(depth)?;
        let layout = self.layout()?;
        let mut dict = DictBuilder::default();
        let mut skipped_keys = KeySet::new();
        let mut i = 0usize;
        loop {
            match layout.count {
                Some(n) if i == n => break,
                None if self.peek_marker()? == b'}' => {
                    self.pos += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
            let key_at = self.pos;
            let key = self.str_slice()?;
            let value = match layout.item_type {
                Some(t) => self.body(t, depth + 1)?,
                None => self.value(depth + 1)?,
            };
            // Also while skipping (raw args/kwargs): a frame the codec
            // accepts must have args/kwargs that decode later. Skipping
            // checks the keys in place, without copies.
            if self.build {
                dict.insert(key.to_owned(), value)
            } else {
                skipped_keys.insert(std::borrow::Cow::Borrowed(key))
            }
            .map_err(|k| self.err(key_at, format!("duplicate key {k:?}")))?;
        }
        Ok(Value::Dict(dict.finish()))
    }
}

/// Parses the decimal text of a high-precision number as an exact integer, or
/// as a float if it has a fraction or exponent.
fn high_precision(text: &str) -> Option<Value> {
    if let Ok(u) = text.parse::<u64>() {
        return Some(Value::UInt(u));
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::integer(i));
    }
    if text.contains(['.', 'e', 'E']) {
        return text.parse::<f64>().ok().map(Value::Float);
    }
    None
}

impl<'a> Parser<'a> for UbjsonParser<'a> {
    fn pos(&self) -> usize {
        self.pos
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        let marker = self.peek_marker()?;
        self.pos += 1;
        self.body(marker, depth)
    }

    fn skip(&mut self, depth: usize) -> Result<()> {
        self.build = false;
        let result = self.value(depth).map(drop);
        self.build = true;
        result
    }

    fn peek_container(&mut self) -> Result<Option<Container>> {
        Ok(match self.peek_marker()? {
            b'[' => {
                // `[$B#` / `[$U#` is a byte string, not a list.
                let bytes_type = match self.dialect {
                    UbjsonDialect::BjData => b'B',
                    UbjsonDialect::Draft12 => b'U',
                };
                let typed = self.buf.get(self.pos + 1) == Some(&b'$')
                    && self.buf.get(self.pos + 2) == Some(&bytes_type);
                (!typed).then_some(Container::List)
            }
            b'{' => Some(Container::Dict),
            _ => None,
        })
    }

    fn begin_list(&mut self) -> Result<ListCursor> {
        if self.peek_marker()? != b'[' {
            return Err(self.err(self.pos, "a WAMP message must be an array"));
        }
        self.pos += 1;
        let at = self.pos;
        let layout = self.layout()?;
        if layout.item_type.is_some() {
            return Err(self.err(at, "a WAMP message cannot be a typed (`$`) array"));
        }
        Ok(ListCursor {
            remaining: layout.count,
            first: true,
        })
    }

    fn next_item(&mut self, cursor: &mut ListCursor) -> Result<bool> {
        match &mut cursor.remaining {
            Some(0) => Ok(false),
            Some(n) => {
                *n -= 1;
                Ok(true)
            }
            None => {
                if self.peek_marker()? == b']' {
                    self.pos += 1;
                    Ok(false)
                } else {
                    Ok(true)
                }
            }
        }
    }

    fn finish(&mut self) -> Result<()> {
        while self.buf.get(self.pos) == Some(&b'N') {
            self.pos += 1;
        }
        if self.pos < self.buf.len() {
            return Err(self.err(self.pos, "trailing bytes after the value"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::exact_decimal;
    use crate::serializer::{Serializer, UbjsonDialect};
    use crate::value::Value;

    #[test]
    fn bjdata_writes_normal_floats_as_float64_and_subnormals_as_high_precision() {
        // Regression: the smallest normal floats were written as `H`, which
        // autobahn (bjdata) reads back as a `Decimal`, not a float.
        let bjdata = Serializer::Ubjson(UbjsonDialect::BjData);
        for f in [f64::MIN_POSITIVE, -f64::MIN_POSITIVE, 2.229e-308] {
            let mut expected = vec![b'D'];
            expected.extend_from_slice(&f.to_le_bytes());
            assert_eq!(
                bjdata.encode_value(&Value::Float(f)).unwrap(),
                expected,
                "{f:e}"
            );
        }
        for f in [5e-324, -1e-310] {
            assert_eq!(
                bjdata.encode_value(&Value::Float(f)).unwrap()[0],
                b'H',
                "{f:e}"
            );
        }
    }

    #[test]
    fn exact_decimal_matches_python_decimal_str() {
        // Reference values from Python's `str(Decimal(f))`.
        let tiny = exact_decimal(5e-324);
        assert_eq!(tiny.len(), 757);
        assert!(tiny.starts_with("4.9406564584124654417656879286"), "{tiny}");
        assert!(tiny.ends_with("65625E-324"), "{tiny}");
        let negative = exact_decimal(-1e-310);
        assert_eq!(negative.len(), 771);
        assert!(negative.starts_with("-9.9999999999999694493275028976919693605"));
        assert!(negative.ends_with("875E-311"));
        for f in [5e-324, -1e-310, 2.2250738585072014e-308, 2.229e-308] {
            assert_eq!(exact_decimal(f).parse::<f64>(), Ok(f));
        }
    }
}
