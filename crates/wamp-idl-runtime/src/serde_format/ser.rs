//! A `serde::Serializer` that writes straight through a format's
//! [`Emitter`], producing the same bytes as [`Serializer::encode_value`] of
//! the equivalent [`Value`].
//!
//! Sequences and maps of unknown length (`serialize_seq(None)`, e.g.
//! `#[serde(flatten)]`) are collected into a [`Value`] first: MessagePack and
//! CBOR write the count before the items.

use serde::ser::{self, Serialize};

use crate::error::{Error, Result};
use crate::serializer::cbor::CborEmitter;
use crate::serializer::json::JsonEmitter;
use crate::serializer::msgpack::MsgPackEmitter;
use crate::serializer::ubjson::UbjsonEmitter;
use crate::serializer::{emit_value, Emitter, Limits, Serializer};
use crate::value::{to_value, Dict, Value};

pub(crate) fn write<T: Serialize + ?Sized>(
    serializer: Serializer,
    value: &T,
    out: &mut Vec<u8>,
) -> Result<()> {
    fn go<E: Emitter, T: Serialize + ?Sized>(e: &mut E, value: &T) -> Result<()> {
        value.serialize(&mut Writer {
            e,
            depth_left: Limits::default().max_depth,
        })
    }
    match serializer {
        Serializer::Json => go(&mut JsonEmitter::new(out), value),
        Serializer::MsgPack => go(&mut MsgPackEmitter::new(out), value),
        Serializer::Cbor => go(&mut CborEmitter::new(out), value),
        Serializer::Ubjson(d) => go(&mut UbjsonEmitter::new(out, d), value),
    }
}

struct Writer<'e, E> {
    e: &'e mut E,
    /// Containers that may still be opened (the default depth limit).
    depth_left: usize,
}

impl<E: Emitter> Writer<'_, E> {
    fn enter(&mut self) -> Result<()> {
        self.depth_left = self
            .depth_left
            .checked_sub(1)
            .ok_or_else(|| Error::encode("value nested deeper than the depth limit"))?;
        Ok(())
    }

    fn str(&mut self, s: &str) -> Result<()> {
        self.e.check_len(s.len())?;
        self.e.check_str(s)?;
        self.e.str(s);
        Ok(())
    }

    fn value(&mut self, v: &Value) -> Result<()> {
        emit_value(self.e, v, self.depth_left)
    }

    /// Opens the `{variant: ...}` dict of an enum variant with content.
    fn variant(&mut self, variant: &str) -> Result<()> {
        self.enter()?;
        self.e.begin_dict(1);
        self.e.key(variant);
        Ok(())
    }

    fn list(&mut self, len: usize) -> Result<()> {
        self.e.check_len(len)?;
        self.enter()?;
        self.e.begin_list(len);
        Ok(())
    }

    fn dict(&mut self, len: usize) -> Result<()> {
        self.e.check_len(len)?;
        self.enter()?;
        self.e.begin_dict(len);
        Ok(())
    }
}

fn int128(v: i128) -> Result<i64> {
    i64::try_from(v).map_err(|_| Error::payload(format!("integer {v} does not fit in 64 bits")))
}

impl<'s, 'e, E: Emitter> ser::Serializer for &'s mut Writer<'e, E> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'s, 'e, E>;
    type SerializeTuple = Compound<'s, 'e, E>;
    type SerializeTupleStruct = Compound<'s, 'e, E>;
    type SerializeTupleVariant = Compound<'s, 'e, E>;
    type SerializeMap = Compound<'s, 'e, E>;
    type SerializeStruct = Compound<'s, 'e, E>;
    type SerializeStructVariant = Compound<'s, 'e, E>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.e.bool(v);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        match u64::try_from(v) {
            Ok(u) => self.e.uint(u),
            Err(_) => self.e.int(v),
        }
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        match u64::try_from(v) {
            Ok(u) => self.serialize_u64(u),
            Err(_) => self.serialize_i64(int128(v)?),
        }
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.e.uint(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        let v = u64::try_from(v)
            .map_err(|_| Error::payload(format!("integer {v} does not fit in 64 bits")))?;
        self.serialize_u64(v)
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.e.float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        self.e.float(v)
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.str(v.encode_utf8(&mut [0u8; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.str(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.e.check_len(v.len())?;
        self.e.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<()> {
        self.e.null();
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        self.e.null();
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.variant(variant)?;
        value.serialize(&mut *self)?;
        self.e.end_dict();
        self.depth_left += 1;
        Ok(())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'s, 'e, E>> {
        match len {
            Some(len) => {
                self.list(len)?;
                Ok(Compound::direct(self, len, Shape::List))
            }
            None => Ok(Compound::Buffered {
                w: self,
                value: Buffer::List(Vec::new()),
            }),
        }
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'s, 'e, E>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'s, 'e, E>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'s, 'e, E>> {
        self.variant(variant)?;
        self.list(len)?;
        Ok(Compound::direct(self, len, Shape::VariantList))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'s, 'e, E>> {
        match len {
            Some(len) => {
                self.dict(len)?;
                Ok(Compound::direct(self, len, Shape::Dict))
            }
            None => Ok(Compound::Buffered {
                w: self,
                value: Buffer::Dict(Dict::new(), None),
            }),
        }
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'s, 'e, E>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'s, 'e, E>> {
        self.variant(variant)?;
        self.dict(len)?;
        Ok(Compound::direct(self, len, Shape::VariantDict))
    }
}

/// What a direct compound closes at its end.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    List,
    Dict,
    VariantList,
    VariantDict,
}

/// Items of a container of unknown length, collected before writing.
enum Buffer {
    List(Vec<Value>),
    /// Entries and the key waiting for its value.
    Dict(Dict, Option<String>),
}

enum Compound<'s, 'e, E> {
    /// Items are written as they come; `left` counts down the announced length.
    Direct {
        w: &'s mut Writer<'e, E>,
        left: usize,
        shape: Shape,
    },
    Buffered {
        w: &'s mut Writer<'e, E>,
        value: Buffer,
    },
}

impl<'s, 'e, E: Emitter> Compound<'s, 'e, E> {
    fn direct(w: &'s mut Writer<'e, E>, len: usize, shape: Shape) -> Self {
        Compound::Direct {
            w,
            left: len,
            shape,
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        match self {
            Compound::Direct { w, left, .. } => {
                *left = left.checked_sub(1).ok_or_else(too_many)?;
                w.e.item();
                value.serialize(&mut **w)
            }
            Compound::Buffered {
                value: Buffer::List(items),
                ..
            } => {
                items.push(to_value(value)?);
                Ok(())
            }
            Compound::Buffered { .. } => Err(Error::payload("list item written into a dict")),
        }
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        match self {
            Compound::Direct { w, left, .. } => {
                *left = left.checked_sub(1).ok_or_else(too_many)?;
                key.serialize(KeyWriter { e: &mut *w.e })
            }
            Compound::Buffered {
                value: Buffer::Dict(_, pending),
                ..
            } => {
                *pending = Some(key_string(to_value(key)?)?);
                Ok(())
            }
            Compound::Buffered { .. } => Err(Error::payload("dict key written into a list")),
        }
    }

    fn field_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        match self {
            Compound::Direct { w, .. } => value.serialize(&mut **w),
            Compound::Buffered {
                value: Buffer::Dict(dict, pending),
                ..
            } => {
                let key = pending
                    .take()
                    .ok_or_else(|| Error::payload("map value without a key"))?;
                dict.insert(key, to_value(value)?);
                Ok(())
            }
            Compound::Buffered { .. } => Err(Error::payload("dict value written into a list")),
        }
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.key(key)?;
        self.field_value(value)
    }

    fn finish(self) -> Result<()> {
        match self {
            Compound::Direct { w, left, shape } => {
                if left != 0 {
                    return Err(Error::payload(format!(
                        "serializer announced {left} more items than it wrote"
                    )));
                }
                match shape {
                    Shape::List => w.e.end_list(),
                    Shape::Dict => w.e.end_dict(),
                    Shape::VariantList => {
                        w.e.end_list();
                        w.e.end_dict();
                        w.depth_left += 1;
                    }
                    Shape::VariantDict => {
                        w.e.end_dict();
                        w.e.end_dict();
                        w.depth_left += 1;
                    }
                }
                w.depth_left += 1;
                Ok(())
            }
            Compound::Buffered { w, value } => {
                let value = match value {
                    Buffer::List(items) => Value::List(items),
                    Buffer::Dict(dict, _) => Value::Dict(dict),
                };
                w.value(&value)
            }
        }
    }
}

fn too_many() -> Error {
    Error::payload("serializer wrote more items than it announced")
}

/// WAMP dict keys are strings; integer keys become their decimal text (as in
/// [`crate::value::to_value`]).
fn key_string(v: Value) -> Result<String> {
    match v {
        Value::Str(s) => Ok(s),
        Value::UInt(u) => Ok(u.to_string()),
        Value::Int(i) => Ok(i.to_string()),
        other => Err(key_error(other.type_name())),
    }
}

fn key_error(got: &str) -> Error {
    Error::payload(format!("dict keys must be strings, got {got}"))
}

macro_rules! compound_impl {
    ($trait:ident, $method:ident) => {
        impl<E: Emitter> ser::$trait for Compound<'_, '_, E> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.element(value)
            }
            fn end(self) -> Result<()> {
                self.finish()
            }
        }
    };
}
compound_impl!(SerializeSeq, serialize_element);
compound_impl!(SerializeTuple, serialize_element);
compound_impl!(SerializeTupleStruct, serialize_field);
compound_impl!(SerializeTupleVariant, serialize_field);

impl<E: Emitter> ser::SerializeMap for Compound<'_, '_, E> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.field_value(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<E: Emitter> ser::SerializeStruct for Compound<'_, '_, E> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<E: Emitter> ser::SerializeStructVariant for Compound<'_, '_, E> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

/// Writes a dict key: strings, chars and integers (as decimal text).
struct KeyWriter<'k, E> {
    e: &'k mut E,
}

impl<E: Emitter> ser::Serializer for KeyWriter<'_, E> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<()> {
        self.e.check_len(v.len())?;
        self.e.key(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.serialize_str(v.encode_utf8(&mut [0u8; 4]))
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.serialize_str(&v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        match u64::try_from(v) {
            Ok(u) => self.serialize_u64(u),
            Err(_) => self.serialize_i64(int128(v)?),
        }
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.serialize_str(&v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        let v = u64::try_from(v)
            .map_err(|_| Error::payload(format!("integer {v} does not fit in 64 bits")))?;
        self.serialize_u64(v)
    }
    fn serialize_bool(self, _v: bool) -> Result<()> {
        Err(key_error("bool"))
    }
    fn serialize_f32(self, _v: f32) -> Result<()> {
        Err(key_error("float"))
    }
    fn serialize_f64(self, _v: f64) -> Result<()> {
        Err(key_error("float"))
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<()> {
        Err(key_error("bytes"))
    }
    fn serialize_none(self) -> Result<()> {
        Err(key_error("null"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        Err(key_error("null"))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        Err(key_error("null"))
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<()> {
        Err(key_error("dict"))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_error("list"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_error("list"))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_error("list"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_error("dict"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_error("dict"))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_error("dict"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_error("dict"))
    }
}
