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
    let mut serialize_arms = Vec::new();
    let mut read_arms = Vec::new();
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
                read_arms.push(quote!(#tag => table.table(voffset).map(|t| Self::#variant(#ref_path::from_table(t))),));
                unpack_arms.push(quote!(Self::#variant(value) => #name::#variant(::std::boxed::Box::new(value.unpack())),));
                verify_arms.push(quote!(#tag => <#p::flatbuffers::ForwardsUOffset<#ref_path<'_>> as #p::flatbuffers::Verifiable>::run_verifier(v, pos),));
                (quote!(::std::boxed::Box<#path>), quote!(#ref_path<'a>))
            }
            Some(Type::Struct(o)) => {
                let path = ctx.object_path(ns, *o);
                pack_arms.push(quote!(Self::#variant(ref value) => #p::builder::push_struct(fbb, &value.to_bytes(), #path::ALIGN),));
                read_arms.push(quote!(#tag => table.struct_by_offset(voffset, #path::SIZE).map(|b| Self::#variant(#path::from_bytes(b))),));
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
                read_arms.push(quote!(#tag => table.string(voffset).map(Self::#variant),));
                unpack_arms.push(quote!(Self::#variant(value) => #name::#variant(::std::borrow::ToOwned::to_owned(value)),));
                verify_arms.push(quote!(#tag => <#p::flatbuffers::ForwardsUOffset<&str> as #p::flatbuffers::Verifiable>::run_verifier(v, pos),));
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
    quote! {
        #doc
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
        #[allow(non_camel_case_types)]
        pub enum #name {
            #(#variants)*
        }

        #default_impl

        impl #name {
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
                let _ = (table, voffset);
                match tag {
                    #(#read_arms)*
                    _ => ::core::option::Option::None,
                }
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

            /// Copies the value into its owned form.
            pub fn unpack(self) -> #name {
                match self {
                    #(#unpack_arms)*
                    Self::__Phantom(_, never) => match never {},
                }
            }
        }
    }
}
