//! FlatBuffers unions: an owned enum (`Any`, one variant per member; tables boxed)
//! and a borrowed enum (`AnyRef<'a>`) returned by table readers.
//!
//! A union value whose type the schema does not declare (written by a newer
//! schema) reads as absent: its bytes cannot be interpreted, so there is
//! nothing to keep.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{docs, names, unsupported, Ctx};
use crate::diag::Diagnostics;
use crate::schema::{EnumId, Type};

/// Emits the owned and borrowed union enums.
pub fn emit(ctx: &Ctx<'_>, id: EnumId, diagnostics: &mut Diagnostics) -> TokenStream {
    let def = ctx.schema.enum_def(id);
    let p = ctx.private();
    let ns = &def.namespace;
    let name = names::type_ident(&def.name);
    let ref_name = names::suffixed_ident(&def.name, "Ref");
    let doc = docs(
        &def.docs,
        &format!("The FlatBuffers union `{}`.", def.full_name()),
    );
    let ref_doc = format!(
        " A borrowed value of the union [`{}`], read in place.",
        def.name
    );
    let members: Vec<_> = def
        .values
        .iter()
        .filter(|v| v.value != 0)
        .filter(|v| match &v.union_type {
            Some(Type::Table(_) | Type::String | Type::Struct(_)) => true,
            _ => {
                unsupported(
                    diagnostics,
                    v.span,
                    "a union member that is not a table, struct or string",
                );
                false
            }
        })
        .collect();

    let mut variants = Vec::new();
    let mut ref_variants = Vec::new();
    let mut type_name_arms = Vec::new();
    let mut tag_arms = Vec::new();
    let mut pack_arms = Vec::new();
    let mut json_arms = Vec::new();
    let mut member_arms = Vec::new();
    let mut serialize_arms = Vec::new();
    let mut read_arms = Vec::new();
    let mut read_owned_arms = Vec::new();
    let mut unpack_arms = Vec::new();
    let mut verify_arms = Vec::new();
    let mut default = None;
    for member in &members {
        let variant = names::type_ident(&member.name);
        let text = &member.name;
        let tag = Literal::u8_unsuffixed(member.value as u8);
        let vdoc = docs(&member.docs, &format!("The member `{}`.", member.name));
        let (owned, borrowed) = match &member.union_type {
            Some(Type::Table(o)) => {
                let path = ctx.object_path(ns, *o);
                let ref_path = ctx.ref_path(ns, *o);
                pack_arms.push(
                    quote!(Self::#variant(ref value) => #p::builder::erase(value.pack(fbb)),),
                );
                read_arms.push(quote!(#tag => #p::reader::Table::follow(buf, pos).map(|t| Self::#variant(#ref_path::from_table(t))),));
                read_owned_arms.push(quote!(#tag => match #p::reader::Table::follow(buf, pos) {
                    ::core::option::Option::Some(t) => ::core::option::Option::Some(#name::#variant(::std::boxed::Box::new(#ref_path::from_table(t).unpack_at(path)?))),
                    ::core::option::Option::None => ::core::option::Option::None,
                },));
                unpack_arms.push(quote!(Self::#variant(value) => #name::#variant(::std::boxed::Box::new(value.unpack_at(path)?)),));
                verify_arms.push(quote!(#tag => <#p::flatbuffers::ForwardsUOffset<#ref_path<'_>> as #p::flatbuffers::Verifiable>::run_verifier(v, pos),));
                (quote!(::std::boxed::Box<#path>), quote!(#ref_path<'a>))
            }
            Some(Type::Struct(o)) => {
                let path = ctx.object_path(ns, *o);
                pack_arms.push(quote!(Self::#variant(ref value) => #p::builder::push_struct(fbb, &value.to_bytes(), #path::ALIGN),));
                let read = quote!(#p::reader::follow_uoffset(buf, pos)
                    .and_then(|start| buf.get(start..start.checked_add(#path::SIZE)?))
                    .map(#path::from_bytes));
                read_arms.push(quote!(#tag => #read.map(Self::#variant),));
                read_owned_arms.push(quote!(#tag => #read.map(#name::#variant),));
                unpack_arms.push(quote!(Self::#variant(value) => #name::#variant(value),));
                verify_arms.push(
                    quote!(#tag => #p::verify::verify_struct_by_offset(v, pos, #path::SIZE),),
                );
                (path.clone(), path)
            }
            _ => {
                pack_arms.push(
                    quote!(Self::#variant(ref value) => #p::builder::create_string(fbb, value),),
                );
                read_arms.push(quote!(#tag => #p::reader::follow_uoffset(buf, pos).and_then(|start| #p::reader::read_str(buf, start)).map(Self::#variant),));
                read_owned_arms.push(quote!(#tag => match #p::reader::follow_uoffset(buf, pos).and_then(|start| #p::reader::read_str_bytes(buf, start)) {
                    ::core::option::Option::Some(bytes) => ::core::option::Option::Some(#name::#variant(#p::verify::owned_string(bytes, path)?)),
                    ::core::option::Option::None => ::core::option::Option::None,
                },));
                unpack_arms.push(quote!(Self::#variant(value) => #name::#variant(::std::borrow::ToOwned::to_owned(value)),));
                verify_arms.push(quote!(#tag => <#p::flatbuffers::ForwardsUOffset<#p::verify::StringRange> as #p::flatbuffers::Verifiable>::run_verifier(v, pos),));
                (quote!(::std::string::String), quote!(&'a str))
            }
        };
        if default.is_none() {
            default = Some(quote!(Self::#variant(::core::default::Default::default())));
        }
        variants.push(quote!(#vdoc #variant(#owned),));
        ref_variants.push(quote!(#vdoc #variant(#borrowed),));
        type_name_arms.push(quote!(Self::#variant(_) => #text,));
        tag_arms.push(quote!(Self::#variant(_) => #tag,));
        member_arms.push(quote! {
            #text => <#owned as #p::serde::Deserialize>::deserialize(deserializer).map(Self::#variant),
        });
        json_arms.push(quote! {
            #text => #p::serde_json::from_value::<#owned>(value)
                .map(Self::#variant)
                .map_err(|e| ::std::string::ToString::to_string(&e)),
        });
        serialize_arms.push(quote!(Self::#variant(ref value) => #p::serde::Serialize::serialize(value, serializer),));
    }
    let default_impl = default.map(|default| {
        quote! {
            impl ::core::default::Default for #name {
                fn default() -> Self {
                    #default
                }
            }
        }
    });
    let unknown = format!("unknown member `{{}}` of union `{}`", def.name);
    let member_names = members.iter().map(|member| &member.name);
    quote! {
        #doc
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
        #[allow(non_camel_case_types)]
        pub enum #name {
            #(#variants)*
        }

        #default_impl

        impl #name {
            /// The names of the members (as `type_name` returns them), in tag order.
            #[doc(hidden)]
            pub const __MEMBERS: &'static [&'static str] = &[#(#member_names),*];

            /// The member's name, as flatc's JSON writes it in `<field>_type`.
            pub fn type_name(&self) -> &'static str {
                match *self {
                    #(#type_name_arms)*
                }
            }

            /// The member's tag, as stored in the hidden `<field>_type` field.
            pub fn tag(&self) -> u8 {
                match *self {
                    #(#tag_arms)*
                }
            }

            /// Builds the value (children first) and returns its offset.
            #[doc(hidden)]
            pub fn pack(&self, fbb: &mut #p::flatbuffers::FlatBufferBuilder<'_>) -> #p::builder::VectorOffset {
                match *self {
                    #(#pack_arms)*
                }
            }

            /// Decodes the value from its JSON parts (`<field>_type` and `<field>`).
            #[doc(hidden)]
            pub fn from_json_parts(
                type_name: &str,
                value: #p::serde_json::Value,
            ) -> ::core::result::Result<Self, ::std::string::String> {
                let _ = &value;
                match type_name {
                    #(#json_arms)*
                    other => ::core::result::Result::Err(::std::format!(#unknown, other)),
                }
            }
        }

        impl #p::payload_union::UnionMembers for #name {
            fn deserialize_member<'de, D: #p::serde::Deserializer<'de>>(
                type_name: &str,
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let _ = &deserializer;
                match type_name {
                    #(#member_arms)*
                    other => ::core::result::Result::Err(<D::Error as #p::serde::de::Error>::custom(
                        ::std::format!(#unknown, other),
                    )),
                }
            }
        }

        impl #p::serde::Serialize for #name {
            fn serialize<S: #p::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                let _ = &serializer;
                match *self {
                    #(#serialize_arms)*
                }
            }
        }

        #[doc = #ref_doc]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
        #[allow(non_camel_case_types)]
        pub enum #ref_name<'a> {
            #(#ref_variants)*
            #[doc(hidden)]
            __Phantom(::core::marker::PhantomData<&'a ()>, ::core::convert::Infallible),
        }

        impl<'a> #ref_name<'a> {
            /// Reads the member with tag `tag` from the field at `voffset`.
            #[doc(hidden)]
            pub fn read(table: &#p::reader::Table<'a>, tag: u8, voffset: u16) -> ::core::option::Option<Self> {
                Self::read_offset(table.buffer(), tag, table.field_pos(voffset)?)
            }

            /// Reads the member with tag `tag` whose `uoffset` is at `pos` (a
            /// table field or a vector element). A string member that is not
            /// valid UTF-8 reads as `None`.
            #[doc(hidden)]
            pub fn read_offset(buf: &'a [u8], tag: u8, pos: usize) -> ::core::option::Option<Self> {
                let _ = (buf, pos);
                match tag {
                    #(#read_arms)*
                    _ => ::core::option::Option::None,
                }
            }

            /// Decodes the member with tag `tag` whose `uoffset` is at `pos`
            /// straight to the owned form (string members UTF-8-checked here).
            #[doc(hidden)]
            pub fn read_owned(
                buf: &'a [u8],
                tag: u8,
                pos: usize,
                path: &#p::validate::FieldPath<'_>,
            ) -> ::core::result::Result<::core::option::Option<#name>, #p::verify::DecodeError> {
                let _ = (buf, pos, path);
                ::core::result::Result::Ok(match tag {
                    #(#read_owned_arms)*
                    _ => ::core::option::Option::None,
                })
            }

            /// Verifies the member with tag `tag` at `pos`; unknown tags pass (they read as absent).
            #[doc(hidden)]
            pub fn verify(
                tag: u8,
                v: &mut #p::flatbuffers::Verifier<'_, '_>,
                pos: usize,
            ) -> ::core::result::Result<(), #p::flatbuffers::InvalidFlatbuffer> {
                let _ = (&v, pos);
                match tag {
                    #(#verify_arms)*
                    _ => ::core::result::Result::Ok(()),
                }
            }

            /// Copies the value into its owned form (fails, naming the field
            /// path, when a string of a table member is not valid UTF-8).
            pub fn unpack(self) -> ::core::result::Result<#name, #p::verify::DecodeError> {
                self.unpack_at(&#p::validate::FieldPath::Root)
            }

            /// [`Self::unpack`] for a value at `path`.
            #[doc(hidden)]
            pub fn unpack_at(
                self,
                path: &#p::validate::FieldPath<'_>,
            ) -> ::core::result::Result<#name, #p::verify::DecodeError> {
                let _ = path;
                ::core::result::Result::Ok(match self {
                    #(#unpack_arms)*
                    Self::__Phantom(_, never) => match never {},
                })
            }
        }

        impl<'a> #p::reader::UnionMember<'a> for #ref_name<'a> {
            fn read_member(buf: &'a [u8], tag: u8, pos: usize) -> ::core::option::Option<Self> {
                Self::read_offset(buf, tag, pos)
            }
        }
    }
}
