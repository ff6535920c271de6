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
        Type::Vector(elem) if union_of(elem).is_some() => {
            let path = ctx.union_ref_path(ns, union_of(elem)?);
            let type_field = union_type_field_at(object_fields, index)?;
            let tvoff = voffset(type_field);
            (
                quote!(::core::option::Option<#p::reader::UnionVector<'a, #path<'a>>>),
                quote!(#p::reader::UnionVector::at(&self.table, #tvoff, #voff)),
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
    let owned = owned_conversion(ctx, ns, object_fields, index, field)?;
    let verify = verify_stmt(ctx, ns, object_fields, index, field)?;
    Some((method, quote!(#ident: #owned,), verify))
}

/// The owned value of one field in `unpack_at` (with `path` the table's path):
/// strings are UTF-8-checked here, once, and errors name the field path.
fn owned_conversion(
    ctx: &Ctx<'_>,
    ns: &[String],
    object_fields: &[FieldDef],
    index: usize,
    field: &FieldDef,
) -> Option<TokenStream> {
    let p = ctx.private();
    let ident = names::field_ident(&field.name);
    let voff = voffset(field);
    let name = &field.name;
    let field_path = quote!(&path.field(#name));
    // An `Option<T>` of the present value, for fields whose conversion can fail.
    let fallible = match &field.ty {
        Type::String => Some(quote!(#p::unpack::string(&self.table, #voff, #field_path)?)),
        Type::Table(_) => Some(quote!(
            ::core::option::Option::transpose(::core::option::Option::map(
                self.#ident(),
                |value| ::core::result::Result::map(value.unpack_at(#field_path), ::std::boxed::Box::new),
            ))?
        )),
        Type::Union(e) => {
            let path = ctx.union_ref_path(ns, *e);
            let type_field = union_type_field_at(object_fields, index)?;
            let tvoff = voffset(type_field);
            Some(quote!(
                match self.table.field_pos(#voff) {
                    ::core::option::Option::Some(pos) => #path::read_owned(
                        self.table.buffer(),
                        self.table.scalar::<u8>(#tvoff, 0),
                        pos,
                        #field_path,
                    )?,
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            ))
        }
        Type::Vector(elem) => match &**elem {
            Type::Union(e) => {
                let path = ctx.union_ref_path(ns, *e);
                let type_field = union_type_field_at(object_fields, index)?;
                let tvoff = voffset(type_field);
                Some(quote!(
                    match #p::reader::UnionVector::<'a, #path<'a>>::at(&self.table, #tvoff, #voff) {
                        ::core::option::Option::Some(value) => ::core::option::Option::Some(
                            #p::unpack::union_elements(value, #field_path, #path::read_owned)?,
                        ),
                        ::core::option::Option::None => ::core::option::Option::None,
                    }
                ))
            }
            Type::String => Some(quote!(
                ::core::option::Option::transpose(::core::option::Option::map(
                    self.table.vector::<#p::reader::StrBytes<'a>>(#voff),
                    |value| #p::unpack::strings(value, #field_path),
                ))?
            )),
            Type::Table(o) => {
                let ref_path = ctx.ref_path(ns, *o);
                Some(quote!(
                    ::core::option::Option::transpose(::core::option::Option::map(
                        self.#ident(),
                        |value| #p::unpack::elements(value, #field_path, #ref_path::unpack_at),
                    ))?
                ))
            }
            _ => None,
        },
        _ => None,
    };
    let optional = is_optional(field);
    Some(match fallible {
        Some(value) if optional => value,
        Some(value) => quote!(::core::option::Option::unwrap_or_default(#value)),
        None => match &field.ty {
            Type::Struct(_) if !optional => quote!(self.#ident().unwrap_or_default()),
            Type::Vector(_) if optional => {
                quote!(self.#ident().map(|value| ::core::iter::Iterator::collect(value.iter())))
            }
            Type::Vector(_) => quote!(self
                .#ident()
                .map(|value| ::core::iter::Iterator::collect(value.iter()))
                .unwrap_or_default()),
            _ => quote!(self.#ident()),
        },
    })
}

/// The union of a vector-of-unions element type.
fn union_of(elem: &Type) -> Option<crate::schema::EnumId> {
    match elem {
        Type::Union(e) => Some(*e),
        _ => None,
    }
}

fn union_type_field_at(fields: &[FieldDef], index: usize) -> Option<&FieldDef> {
    index
        .checked_sub(1)
        .and_then(|i| fields.get(i))
        .filter(|f| super::is_union_type(&f.ty))
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
    // Leaves (no tables inside) skip flatbuffers' per-field error trace unless they fail.
    let leaf = |t: TokenStream| quote!(let tv = #p::verify::visit_leaf::<#t>(tv, #name, #voff, #required)?;);
    Some(match &field.ty {
        Type::Scalar(s) => leaf(scalar_ty(*s)),
        Type::Enum(e) => leaf(scalar_ty(ctx.enum_underlying(*e))),
        Type::String => leaf(quote!(#fb::ForwardsUOffset<#p::verify::StringRange>)),
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
                leaf(quote!(#fb::ForwardsUOffset<#fb::Vector<'_, #t>>))
            }
            Type::Enum(e) => {
                let t = scalar_ty(ctx.enum_underlying(*e));
                leaf(quote!(#fb::ForwardsUOffset<#fb::Vector<'_, #t>>))
            }
            Type::String => {
                let traced = quote!(#fb::ForwardsUOffset<#fb::Vector<'_, #fb::ForwardsUOffset<#p::verify::StringRange>>>);
                quote!(let tv = #p::verify::visit_leaf_with::<#fb::ForwardsUOffset<#p::verify::StringVector>, #traced>(tv, #name, #voff, #required)?;)
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
            Type::Union(e) => {
                let path = ctx.union_ref_path(ns, *e);
                let type_field = union_type_field_at(fields, index)?;
                let tname = &type_field.name;
                let tvoff = voffset(type_field);
                quote!(let tv = #p::verify::visit_union_vector(tv, #tname, #tvoff, #name, #voff, #required, |tag, v, pos| #path::verify(tag, v, pos))?;)
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
    // Strings are verified by range only: say what a view does with bad UTF-8.
    let utf8_doc = " String accessors never hand out invalid UTF-8: a string that is not \
        valid UTF-8 reads as `None` (as does an element of a vector of strings), \
        and [`Self::unpack`] fails on it, naming its field path.";
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
        #[doc = ""]
        #[doc = #utf8_doc]
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

            /// Copies the table into its owned form. Fails when a string
            /// (here or in a nested table) is not valid UTF-8, naming its field
            /// path: the verifier checks strings by range only, and UTF-8 is
            /// checked once, here (accessors read such a string as `None`).
            pub fn unpack(self) -> ::core::result::Result<#name, #p::verify::DecodeError> {
                self.unpack_at(&#p::validate::FieldPath::Root)
            }

            /// [`Self::unpack`] for a table at `path` inside another one.
            #[doc(hidden)]
            pub fn unpack_at(
                self,
                path: &#p::validate::FieldPath<'_>,
            ) -> ::core::result::Result<#name, #p::verify::DecodeError> {
                let _ = path;
                ::core::result::Result::Ok(#name { #(#owned)* })
            }

            /// Copies the table into its owned form (same as [`Self::unpack`]).
            pub fn to_owned(self) -> ::core::result::Result<#name, #p::verify::DecodeError> {
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
