//! Union fields of WAMP payload tables (args/kwargs), in flatc's JSON mapping:
//! a `<field>_type` entry holding the member's name and a `<field>` entry
//! holding the member's value (for a vector of unions, a list of names and a
//! list of values, pairwise). As an arg, `<field>_type` takes its own position
//! just before `<field>`; as a kwarg, both are keys.
//!
//! The seeds decode each part where it sits in the payload, so errors carry
//! its path (`args[1]: unknown member ...`, `kwargs.u: ...`).

use core::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, SeqAccess, Visitor};

/// Implemented by generated union enums: decodes a member, by name, straight
/// from any serde format (no intermediate JSON value).
pub trait UnionMembers: Sized {
    /// Deserializes the member named `type_name` (unknown names are an error).
    ///
    /// # Errors
    ///
    /// An unknown member name, or a value that does not fit the member.
    fn deserialize_member<'de, D: Deserializer<'de>>(
        type_name: &str,
        deserializer: D,
    ) -> Result<Self, D::Error>;
}

/// Decodes a member from its name and value (the generated `Union::from_json_parts`).
pub type FromParts<U> = fn(&str, serde_json::Value) -> Result<U, std::string::String>;

/// A union field of a payload table: what the seeds need to decode it.
pub struct UnionField<U> {
    /// The union's schema name.
    pub union: &'static str,
    /// The member names the union declares.
    pub members: &'static [&'static str],
    /// The field's name (`u`).
    pub field: &'static str,
    /// The hidden type field's name (`u_type`).
    pub type_field: &'static str,
    /// Whether the field is `required` (a null or missing value is an error).
    pub required: bool,
    /// Decodes a member from its parts.
    pub from_parts: FromParts<U>,
}

/// The name of "no member" in flatc's JSON.
const NONE: &str = "NONE";

impl<U> UnionField<U> {
    fn check_name(&self, name: &str) -> Result<(), std::string::String> {
        if name == NONE || self.members.contains(&name) {
            Ok(())
        } else {
            Err(format!(
                "unknown member `{name}` of union `{}` (expected one of: {})",
                self.union,
                self.members.join(", ")
            ))
        }
    }

    /// Combines a union's name and value, read separately (a kwarg whose value
    /// came before its `<field>_type` key; otherwise [`ValueSeed`] decodes in place).
    pub fn decode_one(
        &self,
        type_name: Option<&str>,
        value: Option<serde_json::Value>,
    ) -> Result<Option<U>, std::string::String> {
        let value = value.filter(|v| !v.is_null());
        match (type_name.filter(|name| *name != NONE), value) {
            (Some(name), Some(value)) => (self.from_parts)(name, value).map(Some),
            (Some(name), None) => Err(self.value_missing(name)),
            (None, value) => self.no_member(value.is_some()).map(|()| None),
        }
    }

    /// Combines a vector of unions' names and values, read separately (as
    /// [`Self::decode_one`]; otherwise [`ValuesSeed`] decodes in place).
    pub fn decode_many(
        &self,
        type_names: Option<&[std::string::String]>,
        values: Option<std::vec::Vec<serde_json::Value>>,
    ) -> Result<Option<std::vec::Vec<U>>, std::string::String> {
        match (type_names, values) {
            (Some(names), Some(values)) => {
                if names.len() != values.len() {
                    return Err(self.count_mismatch(names.len(), values.len()));
                }
                let mut out = std::vec::Vec::with_capacity(values.len());
                for (index, (name, value)) in names.iter().zip(values).enumerate() {
                    // `NONE` elements carry nothing; the owned vector leaves them out.
                    if name == NONE {
                        continue;
                    }
                    let member = (self.from_parts)(name, value)
                        .map_err(|error| format!("`{}[{index}]`: {error}", self.field))?;
                    out.push(member);
                }
                Ok(Some(out))
            }
            (Some(names), None) => Err(self.missing_values_error(Some(names)).unwrap_or_default()),
            (None, values) => self.no_member(values.is_some()).map(|()| None),
        }
    }

    /// The error for a type part naming a member without a value part
    /// (`None` when it names none).
    pub fn missing_value_error(&self, type_name: Option<&str>) -> Option<std::string::String> {
        type_name
            .filter(|name| *name != NONE)
            .map(|name| self.value_missing(name))
    }

    /// The error for a vector of unions' type part without a value part.
    pub fn missing_values_error(
        &self,
        type_names: Option<&[std::string::String]>,
    ) -> Option<std::string::String> {
        type_names.map(|_| {
            format!(
                "`{}` names members but `{}` has no values",
                self.type_field, self.field
            )
        })
    }

    /// The error for a vector of unions whose values do not pair up with its
    /// names (`values` of them).
    fn count_mismatch(&self, names: usize, values: usize) -> std::string::String {
        format!(
            "`{}` has {names} member names but `{}` has {values} values",
            self.type_field, self.field
        )
    }

    /// Reads the `<field>` value of a union with no member named: it must be
    /// absent (see [`Self::no_member`]).
    fn read_without_member<'de, D: Deserializer<'de>, T>(
        &self,
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        let value: Option<IgnoredAny> = serde::Deserialize::deserialize(deserializer)?;
        self.no_member(value.is_some())
            .map(|()| None)
            .map_err(D::Error::custom)
    }

    /// The outcome of a union with no member named: absent, unless it is
    /// `required` or has a value anyway.
    fn no_member(&self, has_value: bool) -> Result<(), std::string::String> {
        match (has_value, self.required) {
            (true, _) => Err(format!(
                "`{}` has a value but `{}` names no member of union `{}`",
                self.field, self.type_field, self.union
            )),
            (false, true) => Err(format!(
                "`{}` is required: give `{}` a member name and `{}` its value",
                self.field, self.type_field, self.field
            )),
            (false, false) => Ok(()),
        }
    }

    /// The error for a member name without a value.
    fn value_missing(&self, type_name: &str) -> std::string::String {
        format!(
            "`{}` names the member `{type_name}` but `{}` has no value",
            self.type_field, self.field
        )
    }
}

/// Reads a `<field>_type` part: a member name (checked), `NONE` or null.
pub struct TypeSeed<'f, U>(pub &'f UnionField<U>);

impl<'de, U> DeserializeSeed<'de> for TypeSeed<'_, U> {
    type Value = Option<std::string::String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let name: Option<std::string::String> = serde::Deserialize::deserialize(deserializer)?;
        if let Some(name) = &name {
            self.0.check_name(name).map_err(D::Error::custom)?;
        }
        Ok(name)
    }
}

/// Reads the `<field>_type` part of a vector of unions: a list of member names (checked).
pub struct TypesSeed<'f, U>(pub &'f UnionField<U>);

impl<'de, U> DeserializeSeed<'de> for TypesSeed<'_, U> {
    type Value = Option<std::vec::Vec<std::string::String>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let names: Option<std::vec::Vec<std::string::String>> =
            serde::Deserialize::deserialize(deserializer)?;
        for (index, name) in names.iter().flatten().enumerate() {
            self.0
                .check_name(name)
                .map_err(|error| D::Error::custom(format!("entry {index}: {error}")))?;
        }
        Ok(names)
    }
}

/// Reads the `<field>` part of a union whose member name was read before.
pub struct ValueSeed<'f, 'n, U> {
    /// The field.
    pub field: &'f UnionField<U>,
    /// The member name read from `<field>_type`.
    pub type_name: Option<&'n str>,
}

impl<'de, U: UnionMembers> DeserializeSeed<'de> for ValueSeed<'_, '_, U> {
    type Value = Option<U>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        match self.type_name.filter(|name| *name != NONE) {
            Some(name) => {
                let seed = MemberSeed::<U> {
                    type_name: name,
                    member: PhantomData,
                };
                match deserializer.deserialize_option(OptionOf(seed))? {
                    Some(member) => Ok(Some(member)),
                    None => Err(D::Error::custom(self.field.value_missing(name))),
                }
            }
            None => self.field.read_without_member(deserializer),
        }
    }
}

/// Deserializes the member named `type_name`.
struct MemberSeed<'n, U> {
    type_name: &'n str,
    member: PhantomData<U>,
}

impl<'de, U: UnionMembers> DeserializeSeed<'de> for MemberSeed<'_, U> {
    type Value = U;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<U, D::Error> {
        U::deserialize_member(self.type_name, deserializer)
    }
}

/// `null` as `None`, anything else through the seed.
struct OptionOf<S>(S);

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for OptionOf<S> {
    type Value = Option<S::Value>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a union value or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Some)
    }
}

/// The members of a vector of unions, pairwise with their names.
struct MembersSeed<'f, 'n, U> {
    field: &'f UnionField<U>,
    type_names: &'n [std::string::String],
}

impl<'de, U: UnionMembers> DeserializeSeed<'de> for MembersSeed<'_, '_, U> {
    type Value = std::vec::Vec<U>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, U: UnionMembers> Visitor<'de> for MembersSeed<'_, '_, U> {
    type Value = std::vec::Vec<U>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "a list of {} union values", self.type_names.len())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = std::vec::Vec::with_capacity(self.type_names.len());
        for (index, name) in self.type_names.iter().enumerate() {
            let read = if name == NONE {
                // `NONE` elements carry nothing; the owned vector leaves them out.
                seq.next_element::<IgnoredAny>()?.map(|_| ())
            } else {
                let seed = MemberSeed::<U> {
                    type_name: name,
                    member: PhantomData,
                };
                seq.next_element_seed(seed)?.map(|member| out.push(member))
            };
            if read.is_none() {
                return Err(A::Error::custom(
                    self.field.count_mismatch(self.type_names.len(), index),
                ));
            }
        }
        let mut extra = 0usize;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            extra += 1;
        }
        if extra > 0 {
            let names = self.type_names.len();
            return Err(A::Error::custom(
                self.field.count_mismatch(names, names + extra),
            ));
        }
        Ok(out)
    }
}

/// Reads the `<field>` part of a vector of unions whose member names were read before.
pub struct ValuesSeed<'f, 'n, U> {
    /// The field.
    pub field: &'f UnionField<U>,
    /// The member names read from `<field>_type`.
    pub type_names: Option<&'n [std::string::String]>,
}

impl<'de, U: UnionMembers> DeserializeSeed<'de> for ValuesSeed<'_, '_, U> {
    type Value = Option<std::vec::Vec<U>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        match self.type_names {
            Some(names) => {
                let seed = MembersSeed {
                    field: self.field,
                    type_names: names,
                };
                match deserializer.deserialize_option(OptionOf(seed))? {
                    Some(members) => Ok(Some(members)),
                    None => Err(D::Error::custom(
                        self.field
                            .missing_values_error(Some(names))
                            .unwrap_or_default(),
                    )),
                }
            }
            None => self.field.read_without_member(deserializer),
        }
    }
}
