//! Zero-copy table readers (`NameRef<'a>`) and their verifiers.
//!
//! Readers are only handed out by the verified entry points
//! (`NameRef::from_flatbuffer`); their accessors read through the runtime's
//! bounds-checked reader, so no accessor can panic or read out of bounds.

use proc_macro2::TokenStream;
use quote::quote;

use super::tables::{is_optional, voffset};
use super::{docs, live_fields, names, scalar_default, scalar_ty, union_type_field, Ctx};
use crate::schema::{FieldDef, ObjectId, Type};

/// The borrowed type of a vector element of `ty`.
fn element_type(ctx: &Ctx<'_>, ns: &[String], ty: &Type) -> Option<TokenStream> {
    Some(match ty {
        Type::Scalar(s) => scalar_ty(*s),
        Type::Enum(e) => ctx.enum_path(ns, *e),
        Type::String => quote!(&'a str),
        Type::Table(o) => {
            let path = ctx.ref_path(ns, *o);
            quote!(#path<'a>)
        }
        Type::Struct(o) => ctx.object_path(ns, *o),
        _ => return None,
    })
}

/// Converts a borrowed vector element `element` to its owned form.
fn element_to_owned(ctx: &Ctx<'_>, ns: &[String], ty: &Type) -> Option<TokenStream> {
    match ty {
        Type::String => Some(quote!(::std::borrow::ToOwned::to_owned)),
        Type::Table(o) => {
            let path = ctx.ref_path(ns, *o);
            Some(quote!(#path::unpack))
        }
        _ => None,
    }
}

/// The accessor (signature and body) and the owned conversion of one field.
fn accessor(
    ctx: &Ctx<'_>,
    ns: &[String],
    object_fields: &[FieldDef],
    index: usize,
    field: &FieldDef,
) -> Option<(TokenStream, TokenStream, TokenStream)> {
    let p = ctx.private();
    let ident = names::field_ident(&field.name);
    let voff = voffset(field);
    let optional = is_optional(field);
    let (ret, body) = match &field.ty {
        Type::Scalar(s) => {
            let t = scalar_ty(*s);
            if field.optional {
                (
                    quote!(::core::option::Option<#t>),
                    quote!(self.table.scalar_opt::<#t>(#voff)),
                )
            } else {
                let default = scalar_default(ctx, ns, &field.ty, &field.default);
                (quote!(#t), quote!(self.table.scalar::<#t>(#voff, #default)))
            }
        }
        Type::Enum(e) => {
            let t = ctx.enum_path(ns, *e);
            if field.optional {
                (
                    quote!(::core::option::Option<#t>),
                    quote!(self.table.scalar_opt::<#t>(#voff)),
                )
            } else {
                let default = scalar_default(ctx, ns, &field.ty, &field.default);
                (quote!(#t), quote!(self.table.scalar::<#t>(#voff, #default)))
            }
        }
        Type::String => (
            quote!(::core::option::Option<&'a str>),
            quote!(self.table.string(#voff)),
        ),
        Type::Table(o) => {
            let path = ctx.ref_path(ns, *o);
            (
                quote!(::core::option::Option<#path<'a>>),
                quote!(self.table.table(#voff).map(#path::from_table)),
            )
        }
        Type::Struct(o) => {
            let path = ctx.object_path(ns, *o);
            (
                quote!(::core::option::Option<#path>),
                quote!(self.table.inline_struct(#voff, #path::SIZE).map(#path::from_bytes)),
            )
        }
        Type::Vector(elem) => {
            let t = element_type(ctx, ns, elem)?;
            (
                quote!(::core::option::Option<#p::reader::Vector<'a, #t>>),
                quote!(self.table.vector::<#t>(#voff)),
            )
        }
        Type::Union(e) => {
            let path = ctx.union_ref_path(ns, *e);
            let type_field = union_type_field_at(object_fields, index)?;
            let tvoff = voffset(type_field);
            (
                quote!(::core::option::Option<#path<'a>>),
                quote!(#path::read(&self.table, self.table.scalar::<u8>(#tvoff, 0), #voff)),
            )
        }
        _ => return None,
    };
    let doc = docs(&field.docs, &format!("The field `{}`.", field.name));
    let method = quote! {
        #doc
        pub fn #ident(&self) -> #ret {
            #body
        }
    };
    let convert_some = match &field.ty {
        Type::Scalar(_) | Type::Enum(_) => None,
        Type::String => None,
        Type::Table(_) => Some(quote!(::std::boxed::Box::new(value.unpack()))),
        Type::Struct(_) => None,
        Type::Union(e) => {
            let path = ctx.union_ref_path(ns, *e);
            return Some((
                method,
                convert_union(&ident, optional, &path),
                verify_stmt(ctx, ns, object_fields, index, field)?,
            ));
        }
        Type::Vector(elem) => Some(match element_to_owned(ctx, ns, elem) {
            Some(convert) => quote!(::core::iter::Iterator::collect(
                ::core::iter::Iterator::map(value.iter(), #convert)
            )),
            None => quote!(::core::iter::Iterator::collect(value.iter())),
        }),
        _ => None,
    };
    let owned = match convert_some {
        None if !optional && matches!(field.ty, Type::Struct(_)) => {
            quote!(self.#ident().unwrap_or_default())
        }
        None if matches!(field.ty, Type::String) => {
            let to_owned = quote!(::std::borrow::ToOwned::to_owned);
            if optional {
                quote!(self.#ident().map(#to_owned))
            } else {
                quote!(self.#ident().map(#to_owned).unwrap_or_default())
            }
        }
        None => quote!(self.#ident()),
        Some(convert) if optional => quote!(self.#ident().map(|value| #convert)),
        Some(convert) => quote!(self.#ident().map(|value| #convert).unwrap_or_default()),
    };
    let verify = verify_stmt(ctx, ns, object_fields, index, field)?;
    Some((method, quote!(#ident: #owned,), verify))
}

/// The owned conversion of a union field (a path, not a closure, for clippy).
fn convert_union(ident: &proc_macro2::Ident, optional: bool, path: &TokenStream) -> TokenStream {
    if optional {
        quote!(#ident: self.#ident().map(#path::unpack),)
    } else {
        quote!(#ident: self.#ident().map(#path::unpack).unwrap_or_default(),)
    }
}

fn union_type_field_at(fields: &[FieldDef], index: usize) -> Option<&FieldDef> {
    index
        .checked_sub(1)
        .and_then(|i| fields.get(i))
        .filter(|f| matches!(f.ty, Type::UnionType(_)))
}

/// The verifier statement of one field (`let tv = ...?;`).
fn verify_stmt(
    ctx: &Ctx<'_>,
    ns: &[String],
    fields: &[FieldDef],
    index: usize,
    field: &FieldDef,
) -> Option<TokenStream> {
    let p = ctx.private();
    let fb = quote!(#p::flatbuffers);
    let name = &field.name;
    let voff = voffset(field);
    let required = field.required;
    let visit = |t: TokenStream| quote!(let tv = tv.visit_field::<#t>(#name, #voff, #required)?;);
    Some(match &field.ty {
        Type::Scalar(s) => visit(scalar_ty(*s)),
        Type::Enum(e) => visit(scalar_ty(ctx.enum_underlying(*e))),
        Type::String => visit(quote!(#fb::ForwardsUOffset<&str>)),
        Type::Table(o) => {
            let path = ctx.ref_path(ns, *o);
            visit(quote!(#fb::ForwardsUOffset<#path<'_>>))
        }
        Type::Struct(o) => {
            let path = ctx.object_path(ns, *o);
            quote!(let tv = #p::verify::visit_custom(tv, #name, #voff, #required, |v, pos| #p::verify::verify_struct(v, pos, #path::SIZE))?;)
        }
        Type::Vector(elem) => match &**elem {
            Type::Scalar(s) => {
                let t = scalar_ty(*s);
                visit(quote!(#fb::ForwardsUOffset<#fb::Vector<'_, #t>>))
            }
            Type::Enum(e) => {
                let t = scalar_ty(ctx.enum_underlying(*e));
                visit(quote!(#fb::ForwardsUOffset<#fb::Vector<'_, #t>>))
            }
            Type::String => {
                visit(quote!(#fb::ForwardsUOffset<#fb::Vector<'_, #fb::ForwardsUOffset<&str>>>))
            }
            Type::Table(o) => {
                let path = ctx.ref_path(ns, *o);
                visit(
                    quote!(#fb::ForwardsUOffset<#fb::Vector<'_, #fb::ForwardsUOffset<#path<'_>>>>),
                )
            }
            Type::Struct(o) => {
                let path = ctx.object_path(ns, *o);
                quote!(let tv = #p::verify::visit_custom(tv, #name, #voff, #required, |v, pos| #p::verify::verify_struct_vector(v, pos, #path::SIZE))?;)
            }
            _ => return None,
        },
        Type::Union(e) => {
            let path = ctx.union_ref_path(ns, *e);
            let type_field = union_type_field_at(fields, index)?;
            let tname = &type_field.name;
            let tvoff = voffset(type_field);
            quote!(let tv = #p::verify::visit_union(tv, #tname, #tvoff, #name, #voff, #required, |tag, v, pos| #path::verify(tag, v, pos))?;)
        }
        _ => return None,
    })
}

/// Emits the reader type, its accessors, verifier and conversions.
pub fn emit(ctx: &Ctx<'_>, id: ObjectId) -> TokenStream {
    let object = ctx.schema.object(id);
    let p = ctx.private();
    let ns = &object.namespace;
    let name = names::type_ident(&object.name);
    let ref_name = names::suffixed_ident(&object.name, "Ref");
    let doc = format!(
        " A zero-copy reader of the table [`{}`] in a verified buffer.",
        object.name
    );
    let mut methods = Vec::new();
    let mut owned = Vec::new();
    let mut verifies = Vec::new();
    for (index, field) in live_fields(object) {
        if let Some((method, convert, verify)) = accessor(ctx, ns, &object.fields, index, field) {
            methods.push(method);
            owned.push(convert);
            verifies.push(verify);
        }
    }
    let _ = union_type_field;
    let key = object.fields.iter().find(|f| f.key && !f.deprecated);
    let lookup = key.and_then(|key| {
        let ident = names::field_ident(&key.name);
        let (param, probe) = match &key.ty {
            Type::String => (quote!(&str), quote!(::core::option::Option::Some(key))),
            Type::Scalar(s) if !key.optional => (scalar_ty(*s), quote!(key)),
            Type::Enum(e) if !key.optional => (ctx.enum_path(ns, *e), quote!(key)),
            _ => return None,
        };
        let doc = format!(
            " Finds the element whose key `{}` equals `key` in a vector sorted by key (binary search).",
            key.name
        );
        Some(quote! {
            #[doc = #doc]
            pub fn lookup_by_key(
                vector: &#p::reader::Vector<'a, #ref_name<'a>>,
                key: #param,
            ) -> ::core::option::Option<#ref_name<'a>> {
                vector.lookup_by(#probe, |element| element.#ident())
            }
        })
    });
    quote! {
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
        #[allow(non_camel_case_types)]
        pub struct #ref_name<'a> {
            table: #p::reader::Table<'a>,
        }

        impl<'a> #ref_name<'a> {
            /// Wraps a table already verified to be of this type.
            #[doc(hidden)]
            pub fn from_table(table: #p::reader::Table<'a>) -> Self {
                Self { table }
            }

            /// Verifies `buf` (with default limits) and returns a reader of its root table.
            pub fn from_flatbuffer(buf: &'a [u8]) -> ::core::result::Result<Self, #p::verify::DecodeError> {
                Self::from_flatbuffer_with_options(buf, &<#p::verify::VerifyOptions as ::core::default::Default>::default())
            }

            /// Verifies `buf` with explicit limits and returns a reader of its root table.
            pub fn from_flatbuffer_with_options(
                buf: &'a [u8],
                options: &#p::verify::VerifyOptions,
            ) -> ::core::result::Result<Self, #p::verify::DecodeError> {
                #p::verify::verify_root::<#ref_name<'_>>(buf, options, #name::FILE_IDENTIFIER)?;
                let table = #p::reader::Table::root(buf).unwrap_or_else(|| #p::reader::Table::empty(buf));
                ::core::result::Result::Ok(Self { table })
            }

            #(#methods)*

            /// The underlying table (for generic code over readers).
            #[doc(hidden)]
            pub fn as_table(&self) -> #p::reader::Table<'a> {
                self.table
            }

            /// Copies the table into its owned form.
            pub fn unpack(self) -> #name {
                #name { #(#owned)* }
            }

            /// Copies the table into its owned form (same as [`Self::unpack`]).
            pub fn to_owned(self) -> #name {
                self.unpack()
            }

            #lookup
        }

        impl #p::flatbuffers::Verifiable for #ref_name<'_> {
            fn run_verifier(
                v: &mut #p::flatbuffers::Verifier<'_, '_>,
                pos: usize,
            ) -> ::core::result::Result<(), #p::flatbuffers::InvalidFlatbuffer> {
                let tv = v.visit_table(pos)?;
                #(#verifies)*
                tv.finish();
                ::core::result::Result::Ok(())
            }
        }

        impl<'a> #p::reader::Element<'a> for #ref_name<'a> {
            const STRIDE: usize = 4;
            fn read_at(buf: &'a [u8], pos: usize) -> ::core::option::Option<Self> {
                #p::reader::Table::follow(buf, pos).map(Self::from_table)
            }
        }
    }
}
