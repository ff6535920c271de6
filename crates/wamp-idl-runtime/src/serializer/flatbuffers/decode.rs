//! FlatBuffers envelope → verified frame → [`Message`].

use std::ops::Range;

use ::flatbuffers::{ForwardsUOffset, InvalidFlatbuffer, Vector as FbVector, Verifier};
use bytes::Bytes;

use super::layout::{table_def, type_of_fb_code, voffset, Field, Kind, TableDef, Wire};
use super::{enum_codes, FlatBuffersCodec, PptKeys};
use crate::__private::reader::{follow_uoffset, read_scalar, Scalar, Table};
use crate::error::{Error, Result};
use crate::message::keys::ForwardFor;
use crate::message::{
    Abort, Authenticate, Call, CallResult, Cancel, Challenge, ErrorMessage, Event, EventReceived,
    Goodbye, Hello, Interrupt, Invocation, Message, MessageType, Publish, Published, Register,
    Registered, Subscribe, Subscribed, Unregister, Unregistered, Unsubscribe, Unsubscribed,
    Welcome, Yield,
};
use crate::payload::{Payload, RawValue};
use crate::serializer::{Serializer, UbjsonDialect};
use crate::value::{Dict, Value};

/// A verified frame: the message type and the position of its table.
#[derive(Clone, Copy, Debug)]
pub(super) struct Located {
    pub ty: MessageType,
    pub table: usize,
}

fn invalid(e: InvalidFlatbuffer) -> Error {
    Error::codec(format!("FlatBuffers frame: {e}"))
}

/// Verifies the root table and the message table (every slot of the
/// schema, nothing `required`), within the codec's limits.
pub(super) fn verify(codec: &FlatBuffersCodec, frame: &[u8]) -> Result<Located> {
    if frame.len() > codec.max_frame_size {
        return Err(Error::codec(format!(
            "FlatBuffers frame of {} bytes exceeds the limit of {} bytes",
            frame.len(),
            codec.max_frame_size
        )));
    }
    let mut v = Verifier::new(&codec.verifier, frame);
    let root = v.get_uoffset(0).map_err(invalid)? as usize;
    let mut tv = v.visit_table(root).map_err(invalid)?;
    tv = tv
        .visit_field::<u8>("msg_type", voffset(0), false)
        .map_err(invalid)?;
    let code = match tv.deref(voffset(0)).map_err(invalid)? {
        Some(pos) => tv.verifier().get_u8(pos).map_err(invalid)?,
        None => 0,
    };
    let msg = match tv.deref(voffset(1)).map_err(invalid)? {
        Some(pos) => {
            let offset = tv.verifier().get_uoffset(pos).map_err(invalid)?;
            Some(pos.saturating_add(offset as usize))
        }
        None => None,
    };
    let (code, table) = match (code, msg) {
        (0, _) | (_, None) => {
            return Err(Error::protocol(
                "FlatBuffers frame: no message (msg_type is 0 or msg is missing)",
            ))
        }
        (code, Some(table)) => (code, table),
    };
    let ty = type_of_fb_code(code)
        .ok_or_else(|| Error::protocol(format!("FlatBuffers frame: unknown msg_type {code}")))?;
    let def = table_def(ty);
    verify_table(tv.verifier(), table, def.fields)
        .map_err(|e| Error::codec(format!("FlatBuffers frame: {} table: {e}", def.name)))?;
    tv.finish();
    Ok(Located { ty, table })
}

fn verify_table(
    v: &mut Verifier<'_, '_>,
    pos: usize,
    fields: &'static [Field],
) -> std::result::Result<(), InvalidFlatbuffer> {
    let mut tv = v.visit_table(pos)?;
    for &(slot, name, wire) in fields {
        let vo = voffset(slot);
        tv = match wire {
            Wire::U8 => tv.visit_field::<u8>(name, vo, false)?,
            Wire::U16 => tv.visit_field::<u16>(name, vo, false)?,
            Wire::U32 => tv.visit_field::<u32>(name, vo, false)?,
            Wire::U64 => tv.visit_field::<u64>(name, vo, false)?,
            Wire::Str => tv.visit_field::<ForwardsUOffset<&str>>(name, vo, false)?,
            Wire::Bytes => tv.visit_field::<ForwardsUOffset<FbVector<'_, u8>>>(name, vo, false)?,
            Wire::U64s => tv.visit_field::<ForwardsUOffset<FbVector<'_, u64>>>(name, vo, false)?,
            Wire::Strs => tv.visit_field::<ForwardsUOffset<FbVector<'_, ForwardsUOffset<&str>>>>(
                name, vo, false,
            )?,
            Wire::Table(sub) => {
                if let Some(p) = tv.deref(vo)? {
                    let v = tv.verifier();
                    let offset = v.get_uoffset(p)? as usize;
                    verify_table(v, p.saturating_add(offset), sub)?;
                }
                tv
            }
            Wire::Tables(sub) => {
                if let Some(p) = tv.deref(vo)? {
                    let v = tv.verifier();
                    let vector = p.saturating_add(v.get_uoffset(p)? as usize);
                    let len = v.get_uoffset(vector)? as usize;
                    let start = vector.saturating_add(4);
                    // Bounds first: a huge announced length fails here, before the loop.
                    v.range_in_buffer(start, len.saturating_mul(4))?;
                    for i in 0..len {
                        let element = start.saturating_add(i.saturating_mul(4));
                        let offset = v.get_uoffset(element)? as usize;
                        verify_table(v, element.saturating_add(offset), sub)?;
                    }
                }
                tv
            }
        };
    }
    tv.finish();
    Ok(())
}

/// Reads the slots of a verified table (bounds-checked all the same).
#[derive(Clone, Copy)]
pub(super) struct Reader<'a> {
    pub buf: &'a [u8],
    pub table: Table<'a>,
    pub def: &'static TableDef,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8], located: Located) -> Reader<'a> {
        Reader {
            buf,
            table: Table::at(buf, located.table).unwrap_or_else(|| Table::empty(buf)),
            def: table_def(located.ty),
        }
    }

    pub fn has(&self, slot: u16) -> bool {
        self.table.has(voffset(slot))
    }

    pub fn scalar<T: Scalar>(&self, slot: u16) -> Option<T> {
        self.table.scalar_opt(voffset(slot))
    }

    pub fn u64(&self, slot: u16) -> u64 {
        self.scalar(slot).unwrap_or(0)
    }

    pub fn str(&self, slot: u16) -> Option<&'a str> {
        self.table.string(voffset(slot))
    }

    /// The byte range of a `[ubyte]` slot's contents.
    pub fn bytes_range(&self, slot: u16) -> Option<Range<usize>> {
        let vector = follow_uoffset(self.buf, self.table.field_pos(voffset(slot))?)?;
        let len: u32 = read_scalar(self.buf, vector)?;
        let start = vector.checked_add(4)?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        (end <= self.buf.len()).then_some(start..end)
    }

    pub fn bytes(&self, slot: u16) -> Option<&'a [u8]> {
        self.buf.get(self.bytes_range(slot)?)
    }

    fn u64s(&self, slot: u16) -> Vec<u64> {
        self.table
            .vector::<u64>(voffset(slot))
            .map(|v| v.iter().collect())
            .unwrap_or_default()
    }

    fn strs(&self, slot: u16) -> Vec<&'a str> {
        self.table
            .vector::<&str>(voffset(slot))
            .map(|v| v.iter().collect())
            .unwrap_or_default()
    }

    fn principals(&self, slot: u16) -> Vec<ForwardFor> {
        let Some(vector) = self
            .table
            .field_pos(voffset(slot))
            .and_then(|p| follow_uoffset(self.buf, p))
        else {
            return Vec::new();
        };
        let len: u32 = read_scalar(self.buf, vector).unwrap_or(0);
        (0..len as usize)
            .map_while(|i| {
                let element = vector.checked_add(4)?.checked_add(i.checked_mul(4)?)?;
                let t = Table::follow(self.buf, element)?;
                Some(ForwardFor {
                    session: t.scalar(voffset(0), 0u64),
                    authid: t.string(voffset(1)).unwrap_or("").to_owned(),
                    authrole: t.string(voffset(2)).unwrap_or("").to_owned(),
                })
            })
            .collect()
    }
}

/// Cheap check of the first value byte: args must be a list, kwargs a dict.
fn check_container(format: Serializer, bytes: &[u8], list: bool, what: &str) -> Result<()> {
    let first = bytes.iter().copied().find(|b| match format {
        Serializer::Json => !b.is_ascii_whitespace(),
        _ => true,
    });
    let ok = match (format, first) {
        (_, None) => false,
        (Serializer::Json | Serializer::Ubjson(_), Some(b)) => b == if list { b'[' } else { b'{' },
        (Serializer::Cbor, Some(b)) => (b >> 5) == if list { 4 } else { 5 },
        (Serializer::MsgPack, Some(b)) => {
            if list {
                (0x90..=0x9f).contains(&b) || b == 0xdc || b == 0xdd
            } else {
                (0x80..=0x8f).contains(&b) || b == 0xde || b == 0xdf
            }
        }
    };
    if ok {
        Ok(())
    } else {
        Err(Error::protocol(format!(
            "{what}: expected a {} encoded as {}",
            if list { "list" } else { "dict" },
            format.id()
        )))
    }
}

impl FlatBuffersCodec {
    /// The format of args/kwargs: `ppt_serializer` when set, else the
    /// codec's payload serializer.
    pub(super) fn args_format(&self, code: u8) -> Result<Serializer> {
        Ok(match code {
            0 => self.payload_serializer,
            1 => Serializer::Json,
            2 => Serializer::MsgPack,
            3 => Serializer::Cbor,
            4 => match self.payload_serializer {
                Serializer::Ubjson(d) => Serializer::Ubjson(d),
                _ => Serializer::Ubjson(UbjsonDialect::default()),
            },
            other => {
                return Err(Error::payload(format!(
                    "args/kwargs with ppt_serializer {other} ({}) cannot be decoded as a list/dict",
                    enum_codes::name(enum_codes::SERIALIZERS, other).unwrap_or("unknown")
                )))
            }
        })
    }

    fn read_payload(&self, frame: &Bytes, r: &Reader<'_>) -> Result<(Payload, bool)> {
        let Some(at) = r.def.args else {
            return Ok((Payload::default(), false));
        };
        let name = r.def.ty.name();
        let args = r.bytes_range(at);
        let kwargs = r.bytes_range(at + 1);
        if let Some(payload) = r.bytes_range(at + 2) {
            if args.is_some() || kwargs.is_some() {
                return Err(Error::protocol(format!(
                    "{name}: both a transparent payload and args/kwargs are set"
                )));
            }
            return Ok((Payload::Transparent(frame.slice(payload)), false));
        }
        if args.is_none() && kwargs.is_none() {
            return Ok((Payload::default(), false));
        }
        let format = self.args_format(r.scalar::<u8>(at + 4).unwrap_or(0))?;
        let raw =
            |range: Option<Range<usize>>, list: bool, what: &str| -> Result<Option<RawValue>> {
                let Some(range) = range else { return Ok(None) };
                let bytes = frame.slice(range);
                check_container(format, &bytes, list, &format!("{name} {what}"))?;
                Ok(Some(RawValue::from_encoded_with_limits(
                    bytes,
                    format,
                    self.limits,
                )))
            };
        let args = raw(args, true, "args")?;
        let kwargs = raw(kwargs, false, "kwargs")?;
        Ok((Payload::Normal { args, kwargs }, true))
    }

    /// The Options/Details dict: dedicated slots, then the keys in `x_extra`.
    /// The second value says if anything was present.
    fn dict(&self, r: &Reader<'_>, normal: bool) -> Result<(Dict, bool)> {
        let def = r.def;
        let name = def.ty.name();
        let serializer_slot = def.args.map(|a| a + 4);
        let mut dict = Dict::new();
        let mut any = false;
        for &(slot, kind, names) in def.rules {
            if !r.has(slot) || (normal && Some(slot) == serializer_slot) {
                continue;
            }
            let key = match self.ppt_keys {
                PptKeys::Autobahn => names.first(),
                PptKeys::Spec => names.last(),
            }
            .copied()
            .unwrap_or("");
            let field = def.field(slot).map_or("?", |f| f.1);
            let code = || r.scalar::<u8>(slot).unwrap_or(0);
            let named = |table: &'static [(u8, &'static str)]| -> Result<Option<Value>> {
                let c = code();
                match enum_codes::name(table, c) {
                    Some(n) => Ok(Some(Value::from(n))),
                    // 0 = NONE/TRANSPORT/NULL for the payload-passthru enums: absent.
                    None if c == 0
                        && matches!(kind, Kind::Scheme | Kind::PptSerializer | Kind::Cipher) =>
                    {
                        Ok(None)
                    }
                    None => Err(Error::protocol(format!(
                        "{name} {field}: unknown enum value {c}"
                    ))),
                }
            };
            let value = match kind {
                Kind::Bool => Some(Value::Bool(code() != 0)),
                Kind::U64 => Some(Value::UInt(r.u64(slot))),
                Kind::U32 => Some(Value::UInt(u64::from(r.scalar::<u32>(slot).unwrap_or(0)))),
                Kind::U16 => Some(Value::UInt(u64::from(r.scalar::<u16>(slot).unwrap_or(0)))),
                Kind::Str => Some(Value::from(r.str(slot).unwrap_or(""))),
                Kind::U64s => Some(Value::List(
                    r.u64s(slot).into_iter().map(Value::UInt).collect(),
                )),
                Kind::Strs => Some(Value::List(
                    r.strs(slot).into_iter().map(Value::from).collect(),
                )),
                Kind::ForwardFor => Some(Value::List(
                    r.principals(slot)
                        .into_iter()
                        .map(|hop| {
                            let mut d = Dict::with_capacity(3);
                            d.push_unchecked("session".to_owned(), Value::UInt(hop.session));
                            d.push_unchecked("authid".to_owned(), Value::Str(hop.authid));
                            d.push_unchecked("authrole".to_owned(), Value::Str(hop.authrole));
                            Value::Dict(d)
                        })
                        .collect(),
                )),
                Kind::Scheme => named(enum_codes::SCHEMES)?,
                Kind::PptSerializer => named(enum_codes::SERIALIZERS)?,
                Kind::Cipher => named(enum_codes::CIPHERS)?,
                Kind::Match => named(enum_codes::MATCH)?,
                Kind::Invoke => named(enum_codes::INVOKE)?,
                Kind::CancelMode => named(enum_codes::CANCEL_MODE)?,
                Kind::InterruptMode => named(enum_codes::INTERRUPT_MODE)?,
                Kind::AuthMethod => named(enum_codes::AUTH_METHODS)?,
            };
            if let Some(value) = value {
                dict.push_unchecked(key.to_owned(), value);
                any = true;
            }
        }
        if let Some(extra) = r.bytes(def.extra_slot()) {
            let value = Serializer::Cbor
                .decode_value(extra, &self.limits)
                .map_err(|e| e.context(format!("{name} x_extra")))?;
            let Value::Dict(extra) = value else {
                return Err(Error::protocol(format!(
                    "{name} x_extra: expected a CBOR map, got {}",
                    value.type_name()
                )));
            };
            for (key, value) in extra {
                if dict.contains_key(&key) {
                    return Err(Error::protocol(format!(
                        "{name} x_extra: key `{key}` duplicates a dedicated slot"
                    )));
                }
                dict.push_unchecked(key, value);
            }
            any = true;
        }
        Ok((dict, any))
    }

    /// Decodes a verified frame into a validated message.
    pub(super) fn read_message(&self, frame: &Bytes, located: Located) -> Result<Message> {
        let r = Reader::new(frame, located);
        let (payload, normal) = self.read_payload(frame, &r)?;
        let (dict, present) = self.dict(&r, normal)?;
        let s = |slot: u16| r.str(slot).unwrap_or("").to_owned();
        let msg = match located.ty {
            MessageType::Hello => Message::Hello(Hello {
                realm: s(2),
                details: dict.into(),
            }),
            MessageType::Welcome => Message::Welcome(Welcome {
                session: r.u64(0),
                details: dict.into(),
            }),
            MessageType::Abort => Message::Abort(Abort {
                details: dict.into(),
                reason: s(1),
                payload,
            }),
            MessageType::Challenge => {
                let code = r.scalar::<u8>(1).unwrap_or(0);
                let method = enum_codes::name(enum_codes::AUTH_METHODS, code).ok_or_else(|| {
                    Error::protocol(format!("CHALLENGE method: unknown enum value {code}"))
                })?;
                Message::Challenge(Challenge {
                    auth_method: method.to_owned(),
                    extra: dict.into(),
                })
            }
            MessageType::Authenticate => Message::Authenticate(Authenticate {
                signature: s(1),
                extra: dict.into(),
            }),
            MessageType::Goodbye => Message::Goodbye(Goodbye {
                details: dict.into(),
                reason: s(1),
            }),
            MessageType::Error => Message::Error(ErrorMessage {
                request_type: u64::from(r.scalar::<u16>(1).unwrap_or(0)),
                request: r.u64(2),
                details: dict.into(),
                error: s(3),
                payload,
            }),
            MessageType::Publish => Message::Publish(Publish {
                request: r.u64(1),
                options: dict.into(),
                topic: s(2),
                payload,
            }),
            MessageType::Published => Message::Published(Published {
                request: r.u64(1),
                publication: r.u64(2),
            }),
            MessageType::Subscribe => Message::Subscribe(Subscribe {
                request: r.u64(1),
                options: dict.into(),
                topic: s(2),
            }),
            MessageType::Subscribed => Message::Subscribed(Subscribed {
                request: r.u64(1),
                subscription: r.u64(2),
            }),
            MessageType::Unsubscribe => Message::Unsubscribe(Unsubscribe {
                request: r.u64(1),
                subscription: r.u64(2),
                options: optional(present, dict),
            }),
            MessageType::Unsubscribed => Message::Unsubscribed(Unsubscribed {
                request: r.u64(1),
                details: optional(present, dict),
            }),
            MessageType::Event => Message::Event(Event {
                subscription: r.u64(1),
                publication: r.u64(2),
                details: dict.into(),
                payload,
            }),
            MessageType::EventReceived => Message::EventReceived(EventReceived {
                publication: r.u64(1),
            }),
            MessageType::Call => Message::Call(Call {
                request: r.u64(1),
                options: dict.into(),
                procedure: s(2),
                payload,
            }),
            MessageType::Cancel => Message::Cancel(Cancel {
                request: r.u64(1),
                options: dict.into(),
            }),
            MessageType::Result => Message::Result(CallResult {
                request: r.u64(1),
                details: dict.into(),
                payload,
            }),
            MessageType::Register => Message::Register(Register {
                request: r.u64(1),
                options: dict.into(),
                procedure: s(2),
            }),
            MessageType::Registered => Message::Registered(Registered {
                request: r.u64(1),
                registration: r.u64(2),
            }),
            MessageType::Unregister => Message::Unregister(Unregister {
                request: r.u64(1),
                registration: r.u64(2),
                options: optional(present, dict),
            }),
            MessageType::Unregistered => Message::Unregistered(Unregistered {
                request: r.u64(1),
                details: optional(present, dict),
            }),
            MessageType::Invocation => Message::Invocation(Invocation {
                request: r.u64(1),
                registration: r.u64(2),
                details: dict.into(),
                payload,
            }),
            MessageType::Interrupt => Message::Interrupt(Interrupt {
                request: r.u64(1),
                options: dict.into(),
            }),
            MessageType::Yield => Message::Yield(Yield {
                request: r.u64(1),
                options: dict.into(),
                payload,
            }),
        };
        msg.validate()?;
        Ok(msg)
    }
}

/// An optional Options/Details dict: present when any of its slots is.
fn optional<T: From<Dict>>(present: bool, dict: Dict) -> Option<T> {
    present.then(|| T::from(dict))
}
