//! Tables as owned Rust structs (flatc's "object API"), with `Default`, the
//! builder (`pack`, children before the parent) and the verified entry points.
//!
//! Field mapping: scalars and enums as values (`Option<T>` when declared
//! `= null`), required non-scalars as plain types, other non-scalars as
//! `Option<..>`, nested tables boxed (so tables can nest themselves), vectors as
//! `Vec<T>`, unions as their owned enum. Deprecated fields are left out.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{
    docs, live_fields, names, scalar_default, scalar_ty, union_type_field, unsupported, Ctx,
};
use crate::diag::Diagnostics;
use crate::schema::{FieldDef, ObjectId, Type};

/// Whether a field type is stored inline as a scalar.
pub fn is_scalar(ty: &Type) -> bool {
    matches!(ty, Type::Scalar(_) | Type::Enum(_) | Type::UnionType(_))
}

/// The owned Rust type of a value of `ty` (without the `Option` of optional fields).
pub fn owned_base(ctx: &Ctx<'_>, from: &[String], ty: &Type, boxed: bool) -> TokenStream {
    match ty {
        Type::Scalar(s) => scalar_ty(*s),
        Type::Enum(e) | Type::UnionType(e) => ctx.enum_path(from, *e),
        Type::String => quote!(::std::string::String),
        Type::Table(o) => {
            let path = ctx.object_path(from, *o);
            if boxed {
                quote!(::std::boxed::Box<#path>)
            } else {
                path
            }
        }
        Type::Struct(o) => ctx.object_path(from, *o),
        Type::Union(e) => ctx.enum_path(from, *e),
        Type::Vector(elem) => {
            let elem = owned_base(ctx, from, elem, false);
            quote!(::std::vec::Vec<#elem>)
        }
        Type::Array(elem, n) => {
            let elem = owned_base(ctx, from, elem, false);
            let n = Literal::usize_unsuffixed(usize::from(*n));
            quote!([#elem; #n])
        }
    }
}

/// Whether the owned field is wrapped in `Option`.
pub fn is_optional(field: &FieldDef) -> bool {
    if is_scalar(&field.ty) {
        field.optional
    } else {
        !field.required
    }
}

/// The owned Rust type of a table field.
pub fn owned_type(ctx: &Ctx<'_>, from: &[String], field: &FieldDef) -> TokenStream {
    let base = owned_base(ctx, from, &field.ty, true);
    if is_optional(field) {
        quote!(::core::option::Option<#base>)
    } else {
        base
    }
}

/// The vtable offset literal of a field.
pub fn voffset(field: &FieldDef) -> Literal {
    Literal::u16_unsuffixed(field.offset)
}

/// Emits the owned table type, its `Default`, builder and entry points.
pub fn emit(ctx: &Ctx<'_>, id: ObjectId, diagnostics: &mut Diagnostics) -> TokenStream {
    let object = ctx.schema.object(id);
    let p = ctx.private();
    let ns = &object.namespace;
    let name = names::type_ident(&object.name);
    let ref_name = names::suffixed_ident(&object.name, "Ref");
    let doc = docs(
        &object.docs,
        &format!("The FlatBuffers table `{}`.", object.full_name()),
    );
    let is_root = ctx.schema.root_table == Some(id);
    let ident = match (&ctx.schema.file_ident, is_root) {
        (Some(ident), true) => quote!(::core::option::Option::Some(#ident)),
        _ => quote!(::core::option::Option::None),
    };

    let mut fields = Vec::new();
    let mut defaults = Vec::new();
    // Whether every field's default is its type's `Default` (then derive it).
    let mut derivable_default = true;
    let mut children = Vec::new();
    // (alignment, statement): pushed largest first, as flatc does, to save padding.
    let mut slots: Vec<(usize, TokenStream)> = Vec::new();
    for (index, field) in live_fields(object) {
        let ident = names::field_ident(&field.name);
        let ty = owned_type(ctx, ns, field);
        let fdoc = docs(&field.docs, &format!("The field `{}`.", field.name));
        let payload_doc = super::payloads::union_field_doc(ctx, id, index)
            .map(|text| quote!(#[doc = ""] #[doc = #text]));
        fields.push(quote!(#fdoc #payload_doc pub #ident: #ty,));
        let default = if is_scalar(&field.ty) && !field.optional {
            let is_zero = matches!(
                field.default,
                crate::schema::DefaultValue::Integer(0) | crate::schema::DefaultValue::None
            ) || matches!(field.default, crate::schema::DefaultValue::Float(f) if f == 0.0 && f.is_sign_positive());
            derivable_default &= is_zero;
            scalar_default(ctx, ns, &field.ty, &field.default)
        } else if is_optional(field) {
            quote!(::core::option::Option::None)
        } else {
            quote!(::core::default::Default::default())
        };
        defaults.push(quote!(#ident: #default,));

        let voff = voffset(field);
        let child = format!(
            "child_{}",
            names::snake_case(&field.name).trim_start_matches("r#")
        );
        let child = proc_macro2::Ident::new(&child, proc_macro2::Span::call_site());
        // `value` is a reference to the field's non-optional value.
        let value_ref = if is_optional(field) {
            quote!(self.#ident.as_ref())
        } else {
            quote!(::core::option::Option::Some(&self.#ident))
        };
        match &field.ty {
            Type::Scalar(s) => {
                let t = scalar_ty(*s);
                let stmt = if field.optional {
                    quote!(if let ::core::option::Option::Some(value) = self.#ident { fbb.push_slot_always::<#t>(#voff, value); })
                } else {
                    let default = scalar_default(ctx, ns, &field.ty, &field.default);
                    quote!(fbb.push_slot::<#t>(#voff, self.#ident, #default);)
                };
                slots.push((s.size() as usize, stmt));
            }
            Type::Enum(e) => {
                let underlying = ctx.enum_underlying(*e);
                let t = scalar_ty(underlying);
                let stmt = if field.optional {
                    quote!(if let ::core::option::Option::Some(value) = self.#ident { fbb.push_slot_always::<#t>(#voff, value.0); })
                } else {
                    let default = match field.default {
                        crate::schema::DefaultValue::Integer(v) => {
                            super::int_literal(v, underlying)
                        }
                        _ => super::int_literal(0, underlying),
                    };
                    quote!(fbb.push_slot::<#t>(#voff, self.#ident.0, #default);)
                };
                slots.push((underlying.size() as usize, stmt));
            }
            Type::Struct(o) => {
                let path = ctx.object_path(ns, *o);
                slots.push((
                    ctx.struct_align(*o),
                    quote!(if let ::core::option::Option::Some(value) = #value_ref {
                        #p::builder::push_struct_slot(fbb, #voff, &value.to_bytes(), #path::ALIGN);
                    }),
                ));
            }
            Type::Union(_) => {
                let Some(type_field) = union_type_field(object, index) else {
                    unsupported(
                        diagnostics,
                        field.span,
                        "a union field without its `_type` field",
                    );
                    continue;
                };
                let tvoff = voffset(type_field);
                children.push(quote! {
                    let #child = #value_ref.map(|value| (value.tag(), value.pack(fbb)));
                });
                slots.push((
                    4,
                    quote!(if let ::core::option::Option::Some((tag, offset)) = #child {
                        fbb.push_slot_always::<u8>(#tvoff, tag);
                        #p::builder::push_offset_slot(fbb, #voff, offset);
                    }),
                ));
            }
            Type::UnionType(_) => {}
            Type::Vector(elem) if matches!(**elem, Type::Union(_)) => {
                let Some(type_field) = union_type_field(object, index) else {
                    unsupported(
                        diagnostics,
                        field.span,
                        "a vector of unions without its `_type` vector",
                    );
                    continue;
                };
                let tvoff = voffset(type_field);
                // Tags and values come from the same `Vec` of the owned enum,
                // so they cannot disagree; two vectors, as flatc stores them.
                children.push(quote! {
                    let #child = #value_ref.map(|value| {
                        let tags: ::std::vec::Vec<u8> = ::core::iter::Iterator::collect(
                            ::core::iter::Iterator::map(value.iter(), |member| member.tag()),
                        );
                        let values: ::std::vec::Vec<#p::builder::VectorOffset> = ::core::iter::Iterator::collect(
                            ::core::iter::Iterator::map(value.iter(), |member| member.pack(fbb)),
                        );
                        (
                            #p::builder::create_scalar_vector(fbb, &tags),
                            #p::builder::create_offset_vector(fbb, &values),
                        )
                    });
                });
                slots.push((
                    4,
                    quote!(if let ::core::option::Option::Some((types, values)) = #child {
                        #p::builder::push_offset_slot(fbb, #tvoff, types);
                        #p::builder::push_offset_slot(fbb, #voff, values);
                    }),
                ));
            }
            ty => {
                let Some(build) = child_expr(ctx, ns, ty, diagnostics, field) else {
                    continue;
                };
                children.push(quote! {
                    let #child = #value_ref.map(|value| #build);
                });
                slots.push((
                    4,
                    quote!(if let ::core::option::Option::Some(offset) = #child {
                        #p::builder::push_offset_slot(fbb, #voff, offset);
                    }),
                ));
            }
        }
    }
    slots.sort_by_key(|slot| std::cmp::Reverse(slot.0));
    let slots = slots.into_iter().map(|(_, s)| s);

    let (default_derive, default_impl) = if derivable_default {
        (quote!(::core::default::Default,), quote!())
    } else {
        (
            quote!(),
            quote! {
                impl ::core::default::Default for #name {
                    fn default() -> Self {
                        Self { #(#defaults)* }
                    }
                }
            },
        )
    };
    quote! {
        #doc
        #[derive(#default_derive ::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
        #[allow(non_camel_case_types)]
        pub struct #name {
            #(#fields)*
        }

        #default_impl

        impl #name {
            /// The `file_identifier` written and checked for this type as a buffer root.
            pub const FILE_IDENTIFIER: ::core::option::Option<&'static str> = #ident;

            /// Verifies `buf` (with default limits) and decodes it.
            pub fn from_flatbuffer(buf: &[u8]) -> ::core::result::Result<Self, #p::verify::DecodeError> {
                #ref_name::from_flatbuffer(buf).and_then(#ref_name::unpack)
            }

            /// Verifies `buf` with explicit limits (depth, tables, size) and decodes it.
            pub fn from_flatbuffer_with_options(
                buf: &[u8],
                options: &#p::verify::VerifyOptions,
            ) -> ::core::result::Result<Self, #p::verify::DecodeError> {
                #ref_name::from_flatbuffer_with_options(buf, options).and_then(#ref_name::unpack)
            }

            /// Encodes the value as a finished buffer with this type as root.
            pub fn to_flatbuffer(&self) -> ::std::vec::Vec<u8> {
                let mut fbb = #p::flatbuffers::FlatBufferBuilder::new();
                let root = self.pack(&mut fbb);
                #p::builder::finish(fbb, root, Self::FILE_IDENTIFIER)
            }

            /// Builds the table (children first) into `fbb` and returns its offset.
            /// Fields equal to their default are not written unless
            /// `fbb.force_defaults(true)` was called.
            pub fn pack(&self, fbb: &mut #p::flatbuffers::FlatBufferBuilder<'_>) -> #p::builder::TableOffset {
                #(#children)*
                let start = fbb.start_table();
                #(#slots)*
                fbb.end_table(start)
            }
        }
    }
}

/// An expression building the child value `value` (a reference) of type `ty`,
/// evaluating to a `VectorOffset`.
fn child_expr(
    ctx: &Ctx<'_>,
    ns: &[String],
    ty: &Type,
    diagnostics: &mut Diagnostics,
    field: &FieldDef,
) -> Option<TokenStream> {
    let p = ctx.private();
    Some(match ty {
        Type::String => quote!(#p::builder::create_string(fbb, value)),
        Type::Table(_) => quote!(#p::builder::erase(value.pack(fbb))),
        Type::Vector(elem) => {
            match &**elem {
                Type::Scalar(_) => quote!(#p::builder::create_scalar_vector(fbb, value)),
                Type::Enum(e) => {
                    let t = scalar_ty(ctx.enum_underlying(*e));
                    quote!({
                        let raw: ::std::vec::Vec<#t> = ::core::iter::Iterator::collect(
                            ::core::iter::Iterator::map(value.iter(), |element| element.0),
                        );
                        #p::builder::create_scalar_vector(fbb, &raw)
                    })
                }
                Type::String => quote!(#p::builder::create_string_vector(fbb, value)),
                Type::Struct(o) => {
                    let path = ctx.object_path(ns, *o);
                    quote!({
                        let layouts: ::std::vec::Vec<[u8; #path::SIZE]> = ::core::iter::Iterator::collect(
                            ::core::iter::Iterator::map(value.iter(), |element| element.to_bytes()),
                        );
                        let slices: ::std::vec::Vec<&[u8]> = ::core::iter::Iterator::collect(
                            ::core::iter::Iterator::map(layouts.iter(), |layout| &layout[..]),
                        );
                        #p::builder::create_struct_vector(fbb, &slices, #path::SIZE, #path::ALIGN)
                    })
                }
                Type::Table(o) => {
                    let path = ctx.object_path(ns, *o);
                    let key = ctx
                        .schema
                        .object(*o)
                        .fields
                        .iter()
                        .find(|f| f.key && !f.deprecated);
                    let sort = key.map(|key| {
                        let key = names::field_ident(&key.name);
                        quote! {
                            // flatc sorts vectors of tables by key, so readers can binary-search them.
                            elements.sort_by(|a, b| {
                                ::core::option::Option::unwrap_or(
                                    ::core::cmp::PartialOrd::partial_cmp(&a.#key, &b.#key),
                                    ::core::cmp::Ordering::Equal,
                                )
                            });
                        }
                    });
                    let mutability = if sort.is_some() {
                        quote!(mut)
                    } else {
                        quote!()
                    };
                    quote!({
                        let #mutability elements: ::std::vec::Vec<&#path> = ::core::iter::Iterator::collect(value.iter());
                        #sort
                        let offsets: ::std::vec::Vec<#p::builder::TableOffset> = ::core::iter::Iterator::collect(
                            ::core::iter::Iterator::map(elements.iter(), |element| element.pack(fbb)),
                        );
                        #p::builder::create_table_vector(fbb, &offsets)
                    })
                }
                _ => {
                    // The parser rejects `[[T]]` already; this catches a model built
                    // some other way. Not a gap of ours: FlatBuffers has no nested vectors.
                    diagnostics.push(
                    crate::diag::Diagnostic::error(
                        field.span,
                        "nested vectors are not supported: FlatBuffers has no vector of vectors",
                    )
                    .with_note("help: wrap the inner vector in a table and use a vector of that table"),
                );
                    return None;
                }
            }
        }
        _ => {
            unsupported(diagnostics, field.span, "this field type");
            return None;
        }
    })
}
