//! FlatBuffers enums as open newtypes.
//!
//! FlatBuffers enums are open: a reader must keep values it does not know (a
//! newer schema may have added them) so that read → write round-trips. A
//! closed Rust `enum` plus an `Unknown(u8)` variant would make two spellings of
//! the same value possible (`Unknown(0)` vs `Red`); a newtype `Color(pub u8)`
//! with associated consts (`Color::RED`) has exactly one, costs nothing to
//! convert, and its consts still work as `match` patterns. `bit_flags` enums use
//! the same newtype with set operations.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{docs, int_literal, names, scalar_ty, Ctx};
use crate::schema::EnumId;

/// Emits the newtype of a (non-union) enum with its consts, names, serde and layout traits.
pub fn emit(ctx: &Ctx<'_>, id: EnumId) -> TokenStream {
    let def = ctx.schema.enum_def(id);
    let p = ctx.private();
    let name = names::type_ident(&def.name);
    let name_text = &def.name;
    let underlying = scalar_ty(def.underlying);
    let doc = docs(
        &def.docs,
        &format!("The FlatBuffers enum `{}`.", def.full_name()),
    );
    let consts = def.values.iter().map(|v| {
        let c = names::const_ident(&v.name);
        let value = int_literal(v.value, def.underlying);
        let doc = docs(&v.docs, &format!("`{}` ({}).", v.name, v.value));
        quote!(#doc pub const #c: Self = Self(#value);)
    });
    let all_consts: Vec<_> = def
        .values
        .iter()
        .map(|v| names::const_ident(&v.name))
        .collect();
    let name_arms = def.values.iter().map(|v| {
        let value = int_literal(v.value, def.underlying);
        let text = &v.name;
        quote!(#value => ::core::option::Option::Some(#text),)
    });
    let from_name_arms = def.values.iter().map(|v| {
        let c = names::const_ident(&v.name);
        let text = &v.name;
        quote!(#text => ::core::option::Option::Some(Self::#c),)
    });
    let size = Literal::usize_unsuffixed(def.underlying.size() as usize);
    let flags = if def.bit_flags {
        emit_flags(ctx, id)
    } else {
        quote!()
    };
    let (serialize_body, deserialize_str) = if def.bit_flags {
        (
            quote! {
                match self.flag_names() {
                    ::core::option::Option::Some(names) => serializer.serialize_str(&names),
                    ::core::option::Option::None => #p::serde::Serialize::serialize(&self.0, serializer),
                }
            },
            quote! {
                let mut bits: #underlying = 0;
                for part in value.split_whitespace() {
                    match #name::from_name(part) {
                        ::core::option::Option::Some(flag) => bits |= flag.0,
                        ::core::option::Option::None => {
                            return ::core::result::Result::Err(E::custom(::std::format!(
                                "unknown flag `{}` of `{}`", part, #name_text
                            )))
                        }
                    }
                }
                ::core::result::Result::Ok(#name(bits))
            },
        )
    } else {
        (
            quote! {
                match self.name() {
                    ::core::option::Option::Some(name) => serializer.serialize_str(name),
                    ::core::option::Option::None => #p::serde::Serialize::serialize(&self.0, serializer),
                }
            },
            quote! {
                #name::from_name(value).ok_or_else(|| {
                    E::custom(::std::format!("unknown value `{}` of enum `{}`", value, #name_text))
                })
            },
        )
    };
    let expecting = format!("a value name of enum `{}` or its number", def.name);
    let unknown_format = format!("{name_text}({{}})");
    quote! {
        #doc
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        #[repr(transparent)]
        #[allow(non_camel_case_types)]
        pub struct #name(pub #underlying);

        impl #name {
            #(#consts)*

            /// Every declared value, in declaration order.
            pub const VALUES: &[Self] = &[#(Self::#all_consts),*];

            /// The value's name in the schema, `None` for a value the schema does not declare.
            pub fn name(self) -> ::core::option::Option<&'static str> {
                #[allow(unreachable_patterns)]
                match self.0 {
                    #(#name_arms)*
                    _ => ::core::option::Option::None,
                }
            }

            /// The value with this schema name.
            pub fn from_name(name: &str) -> ::core::option::Option<Self> {
                match name {
                    #(#from_name_arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        #flags

        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self.name() {
                    ::core::option::Option::Some(name) => f.write_str(name),
                    ::core::option::Option::None => ::core::write!(f, #unknown_format, self.0),
                }
            }
        }

        impl #p::reader::Scalar for #name {
            const SIZE: usize = #size;
            fn from_le_slice(bytes: &[u8]) -> ::core::option::Option<Self> {
                <#underlying as #p::reader::Scalar>::from_le_slice(bytes).map(#name)
            }
            fn write_le_slice(self, out: &mut [u8]) {
                <#underlying as #p::reader::Scalar>::write_le_slice(self.0, out)
            }
        }

        impl<'a> #p::reader::Element<'a> for #name {
            const STRIDE: usize = #size;
            fn read_at(buf: &'a [u8], pos: usize) -> ::core::option::Option<Self> {
                #p::reader::read_scalar::<#underlying>(buf, pos).map(#name)
            }
        }

        impl #p::serde::Serialize for #name {
            fn serialize<S: #p::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                #serialize_body
            }
        }

        impl<'de> #p::serde::Deserialize<'de> for #name {
            fn deserialize<D: #p::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> #p::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_str<E: #p::serde::de::Error>(self, value: &str) -> ::core::result::Result<#name, E> {
                        #deserialize_str
                    }
                    fn visit_i64<E: #p::serde::de::Error>(self, value: i64) -> ::core::result::Result<#name, E> {
                        <#underlying as ::core::convert::TryFrom<i64>>::try_from(value)
                            .map(#name)
                            .map_err(|_| E::custom(::std::format!("{} is out of range for `{}`", value, #name_text)))
                    }
                    fn visit_u64<E: #p::serde::de::Error>(self, value: u64) -> ::core::result::Result<#name, E> {
                        <#underlying as ::core::convert::TryFrom<u64>>::try_from(value)
                            .map(#name)
                            .map_err(|_| E::custom(::std::format!("{} is out of range for `{}`", value, #name_text)))
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }
    }
}

/// Set operations of a `bit_flags` enum.
fn emit_flags(ctx: &Ctx<'_>, id: EnumId) -> TokenStream {
    let def = ctx.schema.enum_def(id);
    let name = names::type_ident(&def.name);
    let underlying = scalar_ty(def.underlying);
    let mask = def.values.iter().fold(0i64, |mask, v| mask | v.value);
    let mask = int_literal(mask, def.underlying);
    quote! {
        impl #name {
            /// No flag set.
            pub const fn empty() -> Self {
                Self(0)
            }

            /// Every declared flag set.
            pub const fn all() -> Self {
                Self(#mask)
            }

            /// The raw bits.
            pub const fn bits(self) -> #underlying {
                self.0
            }

            /// Whether no flag is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// Whether every flag of `other` is set in `self`.
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// The set flags' names separated by spaces (flatc's JSON form), `None`
            /// when the value is 0 or has bits the schema does not declare.
            pub fn flag_names(self) -> ::core::option::Option<::std::string::String> {
                if self.0 == 0 || self.0 & !Self::all().0 != 0 {
                    return ::core::option::Option::None;
                }
                let mut names = ::std::string::String::new();
                for flag in Self::VALUES {
                    if self.contains(*flag) {
                        if !names.is_empty() {
                            names.push(' ');
                        }
                        names.push_str(flag.name().unwrap_or_default());
                    }
                }
                ::core::option::Option::Some(names)
            }
        }

        impl ::core::ops::BitOr for #name {
            type Output = Self;
            fn bitor(self, other: Self) -> Self {
                Self(self.0 | other.0)
            }
        }

        impl ::core::ops::BitAnd for #name {
            type Output = Self;
            fn bitand(self, other: Self) -> Self {
                Self(self.0 & other.0)
            }
        }

        impl ::core::ops::BitXor for #name {
            type Output = Self;
            fn bitxor(self, other: Self) -> Self {
                Self(self.0 ^ other.0)
            }
        }

        impl ::core::ops::Not for #name {
            type Output = Self;
            fn not(self) -> Self {
                Self(!self.0)
            }
        }

        impl ::core::ops::BitOrAssign for #name {
            fn bitor_assign(&mut self, other: Self) {
                self.0 |= other.0;
            }
        }

        impl ::core::ops::BitAndAssign for #name {
            fn bitand_assign(&mut self, other: Self) {
                self.0 &= other.0;
            }
        }
    }
}
