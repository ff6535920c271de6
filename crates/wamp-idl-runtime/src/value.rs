//! The dynamic [`Value`] model shared by every envelope serializer, and the
//! insertion-ordered [`Dict`] used for Options/Details and keyword payloads.
//!
//! Integers are kept exactly: non-negative integers are always
//! [`Value::UInt`] (the full `u64` range), negative ones always
//! [`Value::Int`]. That normal form makes `==` independent of the wire
//! format an integer came from.

use std::fmt;

/// A dynamically typed WAMP value.
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::value::{Dict, Value};
///
/// let mut details = Dict::new();
/// details.insert("retained", true);
/// let v = Value::List(vec![Value::from(-3i64), Value::from("x"), Value::Dict(details)]);
/// assert_eq!(v.type_name(), "list");
/// assert_eq!(Value::from(7i64), Value::UInt(7));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// JSON `null`, MessagePack `nil`, CBOR `null`/`undefined`, UBJSON `Z`.
    #[default]
    Null,
    /// A boolean.
    Bool(bool),
    /// A non-negative integer (`0 ..= u64::MAX`).
    UInt(u64),
    /// A negative integer (`i64::MIN ..= -1`); non-negative values are always [`Value::UInt`].
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A Unicode string.
    Str(String),
    /// A byte string.
    Bytes(Vec<u8>),
    /// An ordered list.
    List(Vec<Value>),
    /// A dictionary with string keys, in insertion order.
    Dict(Dict),
}

impl Value {
    /// Builds an integer value in normal form (non-negative → [`Value::UInt`]).
    pub fn integer(i: i64) -> Value {
        match u64::try_from(i) {
            Ok(u) => Value::UInt(u),
            Err(_) => Value::Int(i),
        }
    }

    /// The name of this value's type, as used in error messages
    /// (`null`, `bool`, `integer`, `float`, `string`, `bytes`, `list`, `dict`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::UInt(_) | Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::Str(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
        }
    }

    /// The value as `u64` if it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::UInt(u) => Some(*u),
            _ => None,
        }
    }

    /// The value as `i64` if it is an integer in `i64` range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::UInt(u) => i64::try_from(*u).ok(),
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The value as `bool` if it is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as `&str` if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a byte slice if it is a byte string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The value as a list if it is one.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The value as a dictionary if it is one.
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// Whether this is [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

macro_rules! from_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::UInt(u64::from(v))
            }
        }
    )*};
}
from_unsigned!(u8, u16, u32, u64);

macro_rules! from_signed {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::integer(i64::from(v))
            }
        }
    )*};
}
from_signed!(i8, i16, i32, i64);

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Str(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Str(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Bytes(v)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Value {
        Value::List(v)
    }
}
impl From<Dict> for Value {
    fn from(v: Dict) -> Value {
        Value::Dict(v)
    }
}

/// A dictionary with string keys that keeps insertion order.
///
/// Byte-exact re-encoding (autobahn writes keys in insertion order) needs the
/// order; WAMP dictionaries are small, so lookups scan linearly. Equality is
/// order-insensitive, like a map.
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::value::{Dict, Value};
///
/// let mut d = Dict::new();
/// d.insert("b", 1u64);
/// d.insert("a", "x");
/// assert_eq!(d.keys().collect::<Vec<_>>(), ["b", "a"]);
/// assert_eq!(d.get("a"), Some(&Value::from("x")));
/// ```
#[derive(Clone, Default)]
pub struct Dict {
    entries: Vec<(String, Value)>,
}

impl Dict {
    /// An empty dictionary.
    pub fn new() -> Dict {
        Dict::default()
    }

    /// An empty dictionary with room for `n` entries.
    pub fn with_capacity(n: usize) -> Dict {
        Dict {
            entries: Vec::with_capacity(n),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the dictionary has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Inserts `value` under `key`: replaces the value in place (keeping the key's
    /// position) if the key exists, appends otherwise. Returns the old value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        let key = key.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// Appends an entry without checking for an existing key. Decoders use it
    /// after their own duplicate check.
    pub(crate) fn push_unchecked(&mut self, key: String, value: Value) {
        self.entries.push((key, value));
    }

    /// Removes `key`, keeping the order of the other entries.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let pos = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(pos).1)
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
}

impl PartialEq for Dict {
    fn eq(&self, other: &Dict) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl fmt::Debug for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl IntoIterator for Dict {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Dict {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Dict {
        let mut d = Dict::new();
        for (k, v) in iter {
            d.insert(k, v);
        }
        d
    }
}

mod serde_impl;
pub use serde_impl::{from_value, to_value};
