//! The format-independent `serde::Deserializer` over a [`Reader`], and the
//! error that collects the path of the failing value.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use crate::error::{Error, ErrorKind};
use crate::serializer::json::KeySet;
use crate::serializer::Limits;

/// One decoded item head: a scalar, or the start of a container whose items
/// follow (`None` count = delimited, ended by [`Reader::more`]).
pub(crate) enum Token<'a> {
    Null,
    Bool(bool),
    UInt(u64),
    /// A negative integer.
    NegInt(i64),
    Float(f64),
    Str(&'a str),
    String(String),
    Bytes(&'a [u8]),
    ByteBuf(Vec<u8>),
    List(Option<usize>),
    Dict(Option<usize>),
}

impl Token<'_> {
    fn unexpected(&self) -> de::Unexpected<'_> {
        use de::Unexpected as U;
        match self {
            Token::Null => U::Unit,
            Token::Bool(b) => U::Bool(*b),
            Token::UInt(u) => U::Unsigned(*u),
            Token::NegInt(i) => U::Signed(*i),
            Token::Float(f) => U::Float(*f),
            Token::Str(s) => U::Str(s),
            Token::String(s) => U::Str(s),
            Token::Bytes(b) => U::Bytes(b),
            Token::ByteBuf(b) => U::Bytes(b),
            Token::List(_) => U::Seq,
            Token::Dict(_) => U::Map,
        }
    }
}

/// Reads one format's items from a byte slice.
pub(crate) trait Reader<'a> {
    /// Reads the head of the next value (a scalar completely). `depth` is the
    /// value's nesting level, for formats whose annotations (CBOR tags) nest.
    fn token(&mut self, depth: usize, max_depth: usize) -> Result<Token<'a>, Error>;
    /// Consumes the next value and returns `true` if it is null.
    fn take_null(&mut self) -> Result<bool, Error>;
    /// In a delimited container: whether another item follows (the end
    /// marker is consumed otherwise). `first`: no item was read yet.
    fn more(&mut self, dict: bool, first: bool) -> Result<bool, Error>;
    /// Reads a dict key.
    fn key(&mut self) -> Result<Cow<'a, str>, Error>;
    /// Called after the last item of a container.
    fn end(&mut self) {}
    /// Fails if anything but padding follows the value.
    fn finish(&mut self) -> Result<(), Error>;
}

/// One step of the path to a value.
enum Segment {
    Index(usize),
    Key(String),
}

/// A decoding error with the path to the value it is about. Boxed, so that
/// the `Result`s passed up through every visitor stay one word wide.
pub(crate) struct DeError(Box<DeErrorInner>);

struct DeErrorInner {
    kind: ErrorKind,
    message: String,
    /// Segments outermost last: pushed while the error travels outwards.
    path: Vec<Segment>,
}

impl DeError {
    fn new(kind: ErrorKind, message: String) -> DeError {
        DeError(Box::new(DeErrorInner {
            kind,
            message,
            path: Vec::new(),
        }))
    }

    fn at(mut self, segment: Segment) -> DeError {
        self.0.path.push(segment);
        self
    }

    /// The crate error, its message prefixed with `root` and the path.
    pub(crate) fn into_error(self, root: &str) -> Error {
        let inner = *self.0;
        let mut path = root.to_owned();
        for segment in inner.path.iter().rev() {
            match segment {
                Segment::Index(i) => path.push_str(&format!("[{i}]")),
                Segment::Key(k) if path.is_empty() => path.push_str(k),
                Segment::Key(k) => {
                    path.push('.');
                    path.push_str(k);
                }
            }
        }
        if path.is_empty() {
            Error::new(inner.kind, inner.message)
        } else {
            Error::new(inner.kind, format!("{path}: {}", inner.message))
        }
    }
}

impl From<Error> for DeError {
    fn from(e: Error) -> DeError {
        DeError::new(e.kind(), e.message().to_owned())
    }
}

impl fmt::Debug for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> DeError {
        DeError::new(ErrorKind::Payload, msg.to_string())
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> DeError {
        de::Error::custom(format_args!("expected {expected}, got {unexpected}"))
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> DeError {
        de::Error::custom(format_args!("expected {expected}, got {unexpected}"))
    }
}

type Result<T, E = DeError> = std::result::Result<T, E>;

/// Decodes one complete value with `reader`.
/// `check_keys: false` when the bytes were validated by a codec's decoder,
/// which already rejected duplicate dict keys.
pub(crate) fn run<'de, R: Reader<'de>, T: de::Deserialize<'de>>(
    reader: R,
    limits: &Limits,
    check_keys: bool,
) -> Result<T> {
    let mut d = Deserializer {
        reader,
        depth: 1,
        max_depth: limits.max_depth,
        check_keys,
    };
    let value = T::deserialize(&mut d)?;
    d.reader.finish()?;
    Ok(value)
}

pub(crate) struct Deserializer<R> {
    reader: R,
    /// Nesting level of the next value; the outermost value is level 1.
    depth: usize,
    max_depth: usize,
    /// Whether dicts are checked for duplicate keys.
    check_keys: bool,
}

impl<'de, R: Reader<'de>> Deserializer<R> {
    fn token(&mut self) -> Result<Token<'de>> {
        Ok(self.reader.token(self.depth, self.max_depth)?)
    }

    fn enter(&mut self) -> Result<()> {
        if self.depth > self.max_depth {
            return Err(DeError::from(Error::codec(format!(
                "nesting deeper than the limit of {}",
                self.max_depth
            ))));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
        self.reader.end();
    }

    /// Hands an already read token to `visitor`.
    fn visit<V: Visitor<'de>>(&mut self, token: Token<'de>, visitor: V) -> Result<V::Value> {
        match token {
            Token::Null => visitor.visit_unit(),
            Token::Bool(b) => visitor.visit_bool(b),
            Token::UInt(u) => visitor.visit_u64(u),
            Token::NegInt(i) => visitor.visit_i64(i),
            Token::Float(f) => visitor.visit_f64(f),
            Token::Str(s) => visitor.visit_borrowed_str(s),
            Token::String(s) => visitor.visit_string(s),
            Token::Bytes(b) => visitor.visit_borrowed_bytes(b),
            Token::ByteBuf(b) => visitor.visit_byte_buf(b),
            Token::List(count) => {
                self.enter()?;
                let mut seq = Seq {
                    de: self,
                    remaining: count,
                    index: 0,
                    done: false,
                };
                let value = visitor.visit_seq(&mut seq)?;
                let index = seq.index;
                if seq.has_next()? {
                    return Err(de::Error::invalid_length(index + 1, &"fewer items"));
                }
                self.leave();
                Ok(value)
            }
            Token::Dict(count) => {
                self.enter()?;
                let mut map = Map {
                    de: self,
                    remaining: count,
                    first: true,
                    done: false,
                    key: None,
                    keys: None,
                };
                let value = visitor.visit_map(&mut map)?;
                if map.has_next()? {
                    return Err(de::Error::custom("dict has more entries than expected"));
                }
                self.leave();
                Ok(value)
            }
        }
    }
}

struct Seq<'s, R> {
    de: &'s mut Deserializer<R>,
    remaining: Option<usize>,
    index: usize,
    /// The end was reached (a delimited container's end marker is consumed).
    done: bool,
}

impl<'de, R: Reader<'de>> Seq<'_, R> {
    fn has_next(&mut self) -> Result<bool> {
        if self.done {
            return Ok(false);
        }
        let more = match &mut self.remaining {
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
            None => self.de.reader.more(false, self.index == 0)?,
        };
        self.done = !more;
        Ok(more)
    }
}

impl<'de, R: Reader<'de>> de::SeqAccess<'de> for Seq<'_, R> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.has_next()? {
            return Ok(None);
        }
        let index = self.index;
        self.index += 1;
        seed.deserialize(&mut *self.de)
            .map(Some)
            .map_err(|e| e.at(Segment::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        // Only a hint for preallocation: every item takes at least one byte,
        // and visitors cap it themselves, but do not trust it beyond a page.
        self.remaining.map(|n| n.min(4096))
    }
}

struct Map<'s, 'de, R> {
    de: &'s mut Deserializer<R>,
    remaining: Option<usize>,
    first: bool,
    /// The end was reached (a delimited container's end marker is consumed).
    done: bool,
    /// The last key read, for error paths.
    key: Option<Cow<'de, str>>,
    /// Keys seen so far: a duplicate is an error, as in the codecs (serde
    /// would otherwise keep the last value silently).
    /// `None` until the first key, and throughout when the codec already
    /// checked the keys (`Deserializer::check_keys`).
    keys: Option<KeySet<'de>>,
}

impl<'de, R: Reader<'de>> Map<'_, 'de, R> {
    fn has_next(&mut self) -> Result<bool> {
        if self.done {
            return Ok(false);
        }
        let first = std::mem::replace(&mut self.first, false);
        let more = match &mut self.remaining {
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
            None => self.de.reader.more(true, first)?,
        };
        self.done = !more;
        Ok(more)
    }

    fn segment(&self) -> Segment {
        Segment::Key(self.key.as_deref().unwrap_or("?").to_owned())
    }
}

impl<'de, R: Reader<'de>> de::MapAccess<'de> for Map<'_, 'de, R> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.has_next()? {
            return Ok(None);
        }
        let key = self.de.reader.key()?;
        self.key = Some(key.clone());
        if self.de.check_keys {
            let keys = self.keys.get_or_insert_with(KeySet::new);
            if let Err(duplicate) = keys.insert(key.clone()) {
                return Err(de::Error::custom(format!("duplicate key `{duplicate}`")));
            }
        }
        let result = match key {
            Cow::Borrowed(k) => {
                seed.deserialize(de::value::BorrowedStrDeserializer::<DeError>::new(k))
            }
            Cow::Owned(k) => seed.deserialize(k.into_deserializer()),
        };
        result.map(Some).map_err(|e: DeError| e.at(self.segment()))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.de)
            .map_err(|e| e.at(self.segment()))
    }

    fn size_hint(&self) -> Option<usize> {
        self.remaining.map(|n| n.min(4096))
    }
}

/// An enum written as `{variant: content}`.
struct Enum<'s, R> {
    de: &'s mut Deserializer<R>,
}

impl<'de, R: Reader<'de>> de::EnumAccess<'de> for Enum<'_, R> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let key = self.de.reader.key()?;
        let variant = match key {
            Cow::Borrowed(k) => {
                seed.deserialize(de::value::BorrowedStrDeserializer::<DeError>::new(k))
            }
            Cow::Owned(k) => seed.deserialize(k.into_deserializer()),
        }?;
        Ok((variant, self))
    }
}

impl<'de, R: Reader<'de>> de::VariantAccess<'de> for Enum<'_, R> {
    type Error = DeError;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(&mut *self.de)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(&mut *self.de)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(&mut *self.de, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_map(&mut *self.de, visitor)
    }
}

impl<'de, R: Reader<'de>> de::Deserializer<'de> for &mut Deserializer<R> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let token = self.token()?;
        self.visit(token, visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.reader.take_null()? {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    /// Sequences also accept a byte string, item by item (`Vec<u8>`, `[u8; N]`).
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.token()? {
            Token::Bytes(b) => visit_byte_seq(b, visitor),
            Token::ByteBuf(b) => visit_byte_seq(&b, visitor),
            token => self.visit(token, visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.token()? {
            Token::Str(s) => visitor.visit_enum(de::value::BorrowedStrDeserializer::new(s)),
            Token::String(s) => visitor.visit_enum(s.into_deserializer()),
            Token::Dict(count) if count.is_none_or(|n| n == 1) => {
                self.enter()?;
                let mut map = Map {
                    de: self,
                    remaining: count,
                    first: true,
                    done: false,
                    key: None,
                    keys: None,
                };
                if !map.has_next()? {
                    return Err(de::Error::custom(
                        "expected an enum as a string or a one-entry dict, got an empty dict",
                    ));
                }
                let value = visitor.visit_enum(Enum { de: &mut *map.de })?;
                if map.has_next()? {
                    return Err(de::Error::custom(
                        "expected an enum as a string or a one-entry dict, got more entries",
                    ));
                }
                self.leave();
                Ok(value)
            }
            other => Err(de::Error::custom(format_args!(
                "expected an enum as a string or a one-entry dict, got {}",
                other.unexpected()
            ))),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct tuple_struct map struct
        identifier ignored_any
    }
}

fn visit_byte_seq<'de, V: Visitor<'de>>(bytes: &[u8], visitor: V) -> Result<V::Value> {
    let mut seq = de::value::SeqDeserializer::<_, DeError>::new(bytes.iter().copied());
    let value = visitor.visit_seq(&mut seq)?;
    seq.end()?;
    Ok(value)
}
