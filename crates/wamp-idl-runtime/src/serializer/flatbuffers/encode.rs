//! Message → FlatBuffers envelope, in autobahn-python's byte layout.

use std::borrow::Cow;

use ::flatbuffers::{FlatBufferBuilder, UnionWIPOffset, WIPOffset};

use super::layout::{fb_code, table_def, voffset, Kind, TableDef};
use super::{enum_codes, FlatBuffersCodec};
use crate::error::{Error, Result};
use crate::message::{Message, MessageType};
use crate::payload::{Payload, RawValue};
use crate::serializer::Serializer;
use crate::value::{Dict, Value};

/// The builder panics beyond 2 GiB; refuse well before that.
const MAX_ENVELOPE: usize = (1 << 31) - (1 << 20);

/// One slot value to write.
#[derive(Debug)]
pub(super) enum Slot<'a> {
    Bool(bool),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    Str(&'a str),
    Bytes(Cow<'a, [u8]>),
    U64s(Vec<u64>),
    Strs(Vec<&'a str>),
    Principals(Vec<(u64, &'a str, &'a str)>),
}

impl Slot<'_> {
    /// An upper bound of the bytes the slot takes in the buffer (contents,
    /// length prefixes, alignment padding, vtables), saturating.
    fn size_hint(&self) -> usize {
        let sum = |it: &mut dyn Iterator<Item = usize>| it.fold(16usize, usize::saturating_add);
        match self {
            Slot::Str(s) => s.len().saturating_add(16),
            Slot::Bytes(b) => b.len().saturating_add(16),
            Slot::U64s(v) => v.len().saturating_mul(8).saturating_add(16),
            Slot::Strs(v) => sum(&mut v.iter().map(|s| s.len().saturating_add(16))),
            Slot::Principals(v) => sum(&mut v
                .iter()
                .map(|p| p.1.len().saturating_add(p.2.len()).saturating_add(96))),
            _ => 16,
        }
    }
}

/// The slots of one table being built.
pub(super) struct Slots<'a> {
    def: &'static TableDef,
    values: Vec<Option<Slot<'a>>>,
}

impl<'a> Slots<'a> {
    fn new(def: &'static TableDef) -> Slots<'a> {
        let mut values = Vec::with_capacity(def.slot_count());
        values.resize_with(def.slot_count(), || None);
        Slots { def, values }
    }

    fn set(&mut self, slot: u16, value: Slot<'a>) {
        if let Some(v) = self.values.get_mut(usize::from(slot)) {
            *v = Some(value);
        }
    }

    fn is_set(&self, slot: u16) -> bool {
        matches!(self.values.get(usize::from(slot)), Some(Some(_)))
    }

    /// A fixed field autobahn writes only when non-zero.
    fn id(&mut self, slot: u16, id: u64) {
        if id != 0 {
            self.set(slot, Slot::U64(id));
        }
    }

    /// A fixed string autobahn writes only when non-empty.
    fn string(&mut self, slot: u16, s: &'a str) {
        if !s.is_empty() {
            self.set(slot, Slot::Str(s));
        }
    }

    /// Claims the dict's keys that have dedicated slots; returns the others
    /// (for `x_extra`). `normal_payload_format` reserves `ppt_serializer` for
    /// the args/kwargs format.
    fn claim(&mut self, dict: &'a Dict, reserve_serializer: bool, compat: bool) -> Dict {
        let ppt_serializer_slot = self.def.args.map(|a| a + 4);
        let mut rest = Dict::new();
        for (key, value) in dict.iter() {
            let rule = self
                .def
                .rules
                .iter()
                .find(|(_, _, names)| names.contains(&key));
            let reserved = |slot: u16| reserve_serializer && Some(slot) == ppt_serializer_slot;
            let claimed = match rule {
                Some(&(slot, kind, _)) if !self.is_set(slot) && !reserved(slot) => {
                    match convert(kind, value) {
                        // autobahn leaves out default values (and empty strings
                        // and lists), and never writes some slots.
                        Some(v)
                            if compat
                                && (is_default(self.def, slot, &v)
                                    || !self.def.add.contains(&slot)) =>
                        {
                            true
                        }
                        Some(v) => {
                            self.set(slot, v);
                            true
                        }
                        None => false,
                    }
                }
                _ => false,
            };
            if !claimed {
                rest.push_unchecked(key.to_owned(), value.clone());
            }
        }
        rest
    }
}

/// Whether autobahn would leave the value out (the slot's default).
fn is_default(def: &TableDef, slot: u16, value: &Slot<'_>) -> bool {
    let default = match (def.ty, slot) {
        (MessageType::Publish, 11) | (MessageType::Interrupt, 2) => 1,
        _ => 0,
    };
    match value {
        Slot::Bool(b) => u64::from(*b) == default,
        Slot::U8(v) => u64::from(*v) == default,
        Slot::U16(v) => u64::from(*v) == default,
        Slot::U32(v) => u64::from(*v) == default,
        Slot::U64(v) => *v == default,
        Slot::Str(s) => s.is_empty(),
        Slot::Bytes(b) => b.is_empty(),
        Slot::U64s(v) => v.is_empty(),
        Slot::Strs(v) => v.is_empty(),
        Slot::Principals(v) => v.is_empty(),
    }
}

/// Converts a known key's value to its slot, `None` when the slot cannot
/// hold it exactly (then the key goes to `x_extra`).
fn convert(kind: Kind, value: &Value) -> Option<Slot<'_>> {
    Some(match kind {
        Kind::Bool => Slot::Bool(value.as_bool()?),
        Kind::U64 => Slot::U64(uint(value)?),
        Kind::U32 => Slot::U32(u32::try_from(uint(value)?).ok()?),
        Kind::U16 => Slot::U16(u16::try_from(uint(value)?).ok()?),
        Kind::Str => Slot::Str(value.as_str()?),
        Kind::U64s => Slot::U64s(value.as_list()?.iter().map(uint).collect::<Option<_>>()?),
        Kind::Strs => Slot::Strs(
            value
                .as_list()?
                .iter()
                .map(Value::as_str)
                .collect::<Option<_>>()?,
        ),
        Kind::ForwardFor => Slot::Principals(
            value
                .as_list()?
                .iter()
                .map(|hop| {
                    let d = hop.as_dict()?;
                    if d.len() != 3 {
                        return None;
                    }
                    Some((
                        uint(d.get("session")?)?,
                        d.get("authid")?.as_str()?,
                        d.get("authrole")?.as_str()?,
                    ))
                })
                .collect::<Option<_>>()?,
        ),
        Kind::Scheme => Slot::U8(enum_codes::code(enum_codes::SCHEMES, value.as_str()?)?),
        Kind::PptSerializer => {
            Slot::U8(enum_codes::code(enum_codes::SERIALIZERS, value.as_str()?)?)
        }
        Kind::Cipher => Slot::U8(enum_codes::code(enum_codes::CIPHERS, value.as_str()?)?),
        Kind::Match => Slot::U8(enum_codes::code(enum_codes::MATCH, value.as_str()?)?),
        Kind::Invoke => Slot::U8(enum_codes::code(enum_codes::INVOKE, value.as_str()?)?),
        Kind::CancelMode => Slot::U8(enum_codes::code(enum_codes::CANCEL_MODE, value.as_str()?)?),
        Kind::InterruptMode => Slot::U8(enum_codes::code(
            enum_codes::INTERRUPT_MODE,
            value.as_str()?,
        )?),
        Kind::AuthMethod => Slot::U8(enum_codes::code(enum_codes::AUTH_METHODS, value.as_str()?)?),
    })
}

fn is_empty_container(raw: &RawValue) -> bool {
    match raw.to_value() {
        Ok(Value::List(l)) => l.is_empty(),
        Ok(Value::Dict(d)) => d.is_empty(),
        _ => false,
    }
}

fn uint(value: &Value) -> Option<u64> {
    match value {
        Value::UInt(u) => Some(*u),
        _ => None,
    }
}

impl FlatBuffersCodec {
    /// Fills the payload slots; returns whether args/kwargs were written.
    fn payload<'a>(&self, slots: &mut Slots<'a>, payload: &'a Payload) -> Result<bool> {
        let Some(at) = slots.def.args else {
            return Ok(false);
        };
        match payload {
            Payload::Transparent(bytes) => {
                if !(self.autobahn_compat && bytes.is_empty()) {
                    slots.set(at + 2, Slot::Bytes(Cow::Borrowed(bytes)));
                }
                Ok(false)
            }
            Payload::Normal { args, kwargs } => {
                for (offset, raw, what) in [(0, args, "args"), (1, kwargs, "kwargs")] {
                    let Some(raw) = raw else { continue };
                    // autobahn leaves out an empty args list or kwargs dict.
                    if self.autobahn_compat && is_empty_container(raw) {
                        continue;
                    }
                    slots.set(at + offset, Slot::Bytes(self.payload_bytes(raw, what)?));
                }
                let normal = args.is_some() || kwargs.is_some();
                if normal && self.announce_payload_serializer {
                    if let Some(code) = self.payload_serializer_code() {
                        slots.set(at + 4, Slot::U8(code));
                    }
                }
                Ok(normal)
            }
        }
    }

    /// args/kwargs in the payload serializer: copied when already in it.
    fn payload_bytes<'a>(&self, raw: &'a RawValue, what: &str) -> Result<Cow<'a, [u8]>> {
        let target = self.payload_serializer;
        if let Some((bytes, format)) = raw.encoded() {
            if format == target {
                return Ok(Cow::Borrowed(bytes));
            }
        }
        let value = raw.to_value().map_err(|e| e.context(what))?;
        target
            .encode_value(&value)
            .map(Cow::Owned)
            .map_err(|e| e.context(what))
    }

    /// The `ppt_serializer` code written for normal payloads: none for CBOR
    /// (autobahn's default, byte-identical frames), the format otherwise.
    pub(super) fn payload_serializer_code(&self) -> Option<u8> {
        match self.payload_serializer {
            Serializer::Cbor => None,
            Serializer::Json => Some(1),
            Serializer::MsgPack => Some(2),
            Serializer::Ubjson(_) => Some(4),
        }
    }

    /// Encodes a message; see the module docs for the mapping.
    pub(super) fn encode_message(&self, message: &Message) -> Result<Vec<u8>> {
        let ty = message.message_type();
        let def = table_def(ty);
        let mut s = Slots::new(def);
        // The dict whose keys map to slots, and whether an empty optional
        // dict must still be marked present.
        let mut dict: Option<&Dict> = None;
        let mut mark_present = false;
        let mut normal = false;
        match message {
            Message::Hello(m) => {
                s.string(2, &m.realm);
                dict = Some(&m.details);
            }
            Message::Welcome(m) => {
                s.id(0, m.session);
                dict = Some(&m.details);
            }
            Message::Abort(m) => {
                if m.payload != Payload::default() {
                    return Err(Error::encode(
                        "ABORT: the FlatBuffers envelope has no slots for args/kwargs or a transparent payload",
                    ));
                }
                s.string(1, &m.reason);
                dict = Some(&m.details);
            }
            Message::Challenge(m) => {
                let code = enum_codes::code(enum_codes::AUTH_METHODS, &m.auth_method).ok_or_else(
                    || {
                        Error::encode(format!(
                            "CHALLENGE method {:?}: the FlatBuffers envelope carries only {}",
                            m.auth_method,
                            enum_codes::names(enum_codes::AUTH_METHODS)
                        ))
                    },
                )?;
                if code != 0 {
                    s.set(1, Slot::U8(code));
                }
                dict = Some(&m.extra);
            }
            Message::Authenticate(m) => {
                s.string(1, &m.signature);
                dict = Some(&m.extra);
            }
            Message::Goodbye(m) => {
                s.string(1, &m.reason);
                dict = Some(&m.details);
            }
            Message::Error(m) => {
                let request_type = u16::try_from(m.request_type).map_err(|_| {
                    Error::encode(format!(
                        "ERROR request type {} does not fit the u16 slot",
                        m.request_type
                    ))
                })?;
                if request_type != 0 {
                    s.set(1, Slot::U16(request_type));
                }
                s.id(2, m.request);
                s.string(3, &m.error);
                normal = self.payload(&mut s, &m.payload)?;
                dict = Some(&m.details);
            }
            Message::Publish(m) => {
                s.id(1, m.request);
                s.string(2, &m.topic);
                normal = self.payload(&mut s, &m.payload)?;
                dict = Some(&m.options);
            }
            Message::Published(m) => {
                s.id(1, m.request);
                s.id(2, m.publication);
            }
            Message::Subscribe(m) => {
                s.id(1, m.request);
                s.string(2, &m.topic);
                dict = Some(&m.options);
            }
            Message::Subscribed(m) => {
                s.id(1, m.request);
                s.id(2, m.subscription);
            }
            Message::Unsubscribe(m) => {
                s.id(1, m.request);
                s.id(2, m.subscription);
                dict = m.options.as_deref();
                mark_present = dict.is_some();
            }
            Message::Unsubscribed(m) => {
                s.id(1, m.request);
                dict = m.details.as_deref();
                mark_present = dict.is_some();
            }
            Message::Event(m) => {
                s.id(1, m.subscription);
                s.id(2, m.publication);
                normal = self.payload(&mut s, &m.payload)?;
                dict = Some(&m.details);
            }
            Message::EventReceived(m) => s.id(1, m.publication),
            Message::Call(m) => {
                s.id(1, m.request);
                s.string(2, &m.procedure);
                normal = self.payload(&mut s, &m.payload)?;
                dict = Some(&m.options);
            }
            Message::Cancel(m) => {
                s.id(1, m.request);
                dict = Some(&m.options);
            }
            Message::Result(m) => {
                s.id(1, m.request);
                normal = self.payload(&mut s, &m.payload)?;
                dict = Some(&m.details);
            }
            Message::Register(m) => {
                s.id(1, m.request);
                s.string(2, &m.procedure);
                dict = Some(&m.options);
            }
            Message::Registered(m) => {
                s.id(1, m.request);
                s.id(2, m.registration);
            }
            Message::Unregister(m) => {
                s.id(1, m.request);
                s.id(2, m.registration);
                dict = m.options.as_deref();
                mark_present = dict.is_some();
            }
            Message::Unregistered(m) => {
                s.id(1, m.request);
                dict = m.details.as_deref();
                mark_present = dict.is_some();
            }
            Message::Invocation(m) => {
                s.id(1, m.request);
                s.id(2, m.registration);
                normal = self.payload(&mut s, &m.payload)?;
                dict = Some(&m.details);
            }
            Message::Interrupt(m) => {
                s.id(1, m.request);
                dict = Some(&m.options);
            }
            Message::Yield(m) => {
                s.id(1, m.request);
                normal = self.payload(&mut s, &m.payload)?;
                dict = Some(&m.options);
            }
        }
        if let Some(dict) = dict {
            let compat = self.autobahn_compat;
            let rest = s.claim(dict, normal, compat);
            // An optional dict that is present but empty is marked by an empty `x_extra`.
            if !compat && (!rest.is_empty() || (mark_present && dict.is_empty())) {
                let extra = Serializer::Cbor
                    .encode_value(&Value::Dict(rest))
                    .map_err(|e| e.context(format!("{} x_extra", ty.name())))?;
                s.set(def.extra_slot(), Slot::Bytes(Cow::Owned(extra)));
            }
        }
        let size = s
            .values
            .iter()
            .flatten()
            .map(Slot::size_hint)
            .fold(256usize, usize::saturating_add);
        if size > MAX_ENVELOPE {
            return Err(Error::encode(format!(
                "{}: the message needs about {size} bytes, more than a FlatBuffers buffer can hold (2 GiB)",
                ty.name()
            )));
        }
        Ok(build(&s, fb_code(ty), size))
    }
}

/// Builds the table and the root `Message`, creating objects and adding
/// fields in autobahn's order, then anything autobahn does not write.
fn build(s: &Slots<'_>, code: u8, size: usize) -> Vec<u8> {
    let def = s.def;
    let mut fbb = FlatBufferBuilder::with_capacity(size.saturating_add(64).next_power_of_two());
    let mut offsets: Vec<Option<WIPOffset<UnionWIPOffset>>> = vec![None; s.values.len()];
    let extra = def.extra_slot();
    let create_rest = (0..s.values.len())
        .filter_map(|i| u16::try_from(i).ok())
        .filter(|slot| !def.create.contains(slot) && *slot != extra);
    let create_order = def.create.iter().copied().chain(create_rest).chain([extra]);
    for slot in create_order {
        let Some(Some(value)) = s.values.get(usize::from(slot)) else {
            continue;
        };
        let offset = match value {
            Slot::Str(v) => Some(erase(fbb.create_string(v))),
            Slot::Bytes(v) => Some(erase(fbb.create_vector(v.as_ref()))),
            Slot::U64s(v) => Some(erase(fbb.create_vector(v))),
            Slot::Strs(v) => {
                let strings: Vec<_> = v.iter().map(|s| fbb.create_string(s)).collect();
                Some(erase(fbb.create_vector(&strings)))
            }
            Slot::Principals(v) => {
                let tables: Vec<_> = v
                    .iter()
                    .map(|p| principal(&mut fbb, *p, def.authrole_always))
                    .collect();
                Some(erase(fbb.create_vector(&tables)))
            }
            _ => None,
        };
        if let Some(o) = offsets.get_mut(usize::from(slot)) {
            *o = offset;
        }
    }
    let start = fbb.start_table();
    let add_rest = (0..s.values.len())
        .filter_map(|i| u16::try_from(i).ok())
        .filter(|slot| !def.add.contains(slot) && *slot != extra);
    for slot in def.add.iter().copied().chain(add_rest).chain([extra]) {
        let Some(Some(value)) = s.values.get(usize::from(slot)) else {
            continue;
        };
        let vo = voffset(slot);
        match value {
            Slot::Bool(b) => fbb.push_slot_always(vo, *b),
            Slot::U8(v) => fbb.push_slot_always(vo, *v),
            Slot::U16(v) => fbb.push_slot_always(vo, *v),
            Slot::U32(v) => fbb.push_slot_always(vo, *v),
            Slot::U64(v) => fbb.push_slot_always(vo, *v),
            _ => {
                if let Some(Some(offset)) = offsets.get(usize::from(slot)) {
                    fbb.push_slot_always(vo, *offset);
                }
            }
        }
    }
    let table = fbb.end_table(start);
    let root = fbb.start_table();
    fbb.push_slot_always(4, code);
    fbb.push_slot_always(6, table);
    let root = fbb.end_table(root);
    fbb.finish_minimal(root);
    fbb.finished_data().to_vec()
}

fn erase<T>(offset: WIPOffset<T>) -> WIPOffset<UnionWIPOffset> {
    WIPOffset::new(offset.value())
}

/// One `Principal`: autobahn writes `session` when non-zero, `authid` when
/// non-empty, `authrole` when non-empty or always (`authrole_always`).
fn principal<'b>(
    fbb: &mut FlatBufferBuilder<'b>,
    (session, authid, authrole): (u64, &str, &str),
    authrole_always: bool,
) -> WIPOffset<::flatbuffers::TableFinishedWIPOffset> {
    let authid = (!authid.is_empty()).then(|| fbb.create_string(authid));
    let authrole = (authrole_always || !authrole.is_empty()).then(|| fbb.create_string(authrole));
    let start = fbb.start_table();
    fbb.push_slot(voffset(0), session, 0);
    if let Some(a) = authid {
        fbb.push_slot_always(voffset(1), a);
    }
    if let Some(a) = authrole {
        fbb.push_slot_always(voffset(2), a);
    }
    fbb.end_table(start)
}
