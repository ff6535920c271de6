//! FlatBuffers structs: plain `Copy` Rust structs plus their exact little-endian
//! byte layout (field offsets and padding from the resolver, as flatc lays them out).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{docs, names, scalar_ty, Ctx};
use crate::schema::{ObjectId, Type};

/// The Rust type of a struct field, from namespace `from`.
pub fn field_type(ctx: &Ctx<'_>, from: &[String], ty: &Type) -> TokenStream {
    match ty {
        Type::Scalar(s) => scalar_ty(*s),
        Type::Enum(e) => ctx.enum_path(from, *e),
        Type::Struct(o) => ctx.object_path(from, *o),
        Type::Array(elem, n) => {
            let elem = field_type(ctx, from, elem);
            let n = Literal::usize_unsuffixed(usize::from(*n));
            quote!([#elem; #n])
        }
        // The resolver only allows the above in structs.
        _ => quote!(()),
    }
}

/// An expression reading a value of `ty` from `bytes` at `offset` (an expression).
fn read_expr(ctx: &Ctx<'_>, from: &[String], ty: &Type, offset: TokenStream) -> TokenStream {
    let p = ctx.private();
    match ty {
        Type::Scalar(s) => {
            let t = scalar_ty(*s);
            quote!(#p::reader::read_scalar_or_default::<#t>(bytes, #offset))
        }
        Type::Enum(e) => {
            let path = ctx.enum_path(from, *e);
            let t = scalar_ty(ctx.enum_underlying(*e));
            quote!(#path(#p::reader::read_scalar_or_default::<#t>(bytes, #offset)))
        }
        Type::Struct(o) => {
            let path = ctx.object_path(from, *o);
            quote!(#path::from_bytes(#p::reader::bytes_at(bytes, #offset, #path::SIZE)))
        }
        Type::Array(elem, _) => {
            let stride = Literal::usize_unsuffixed(ctx.inline_size(elem));
            let inner = read_expr(ctx, from, elem, quote!(#offset + index * #stride));
            quote!(::core::array::from_fn(|index| #inner))
        }
        _ => quote!(()),
    }
}

/// Statements writing `value` (a place expression of type `ty`) into `out` at `offset`.
fn write_stmt(
    ctx: &Ctx<'_>,
    from: &[String],
    ty: &Type,
    value: TokenStream,
    offset: TokenStream,
) -> TokenStream {
    let p = ctx.private();
    match ty {
        Type::Scalar(_) => quote!(#p::reader::write_scalar(out, #offset, #value);),
        Type::Enum(_) => quote!(#p::reader::write_scalar(out, #offset, #value.0);),
        Type::Struct(o) => {
            let path = ctx.object_path(from, *o);
            quote!(#value.write_bytes(#p::reader::bytes_at_mut(out, #offset, #path::SIZE));)
        }
        Type::Array(elem, n) => {
            let stride = Literal::usize_unsuffixed(ctx.inline_size(elem));
            let n = Literal::usize_unsuffixed(usize::from(*n));
            let inner = write_stmt(
                ctx,
                from,
                elem,
                quote!(#value[index]),
                quote!(#offset + index * #stride),
            );
            quote!(for index in 0..#n { #inner })
        }
        _ => quote!(),
    }
}

/// The default of a struct field type.
fn default_expr(ty: &Type) -> TokenStream {
    match ty {
        Type::Array(elem, n) => {
            let inner = default_expr(elem);
            let n = Literal::usize_unsuffixed(usize::from(*n));
            quote!([#inner; #n])
        }
        _ => quote!(::core::default::Default::default()),
    }
}

/// Emits a struct with its layout functions and traits.
pub fn emit(ctx: &Ctx<'_>, id: ObjectId) -> TokenStream {
    let object = ctx.schema.object(id);
    let p = ctx.private();
    let ns = &object.namespace;
    let name = names::type_ident(&object.name);
    let doc = docs(
        &object.docs,
        &format!("The FlatBuffers struct `{}`.", object.full_name()),
    );
    let serde_crate = ctx.serde_crate();
    let size = Literal::usize_unsuffixed(object.bytesize as usize);
    let align = Literal::usize_unsuffixed(object.minalign.max(1) as usize);
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    let mut defaults = Vec::new();
    // `[T; N]` has no `Default` for N > 32, so structs with such arrays spell it out.
    let has_array = object
        .fields
        .iter()
        .any(|f| matches!(f.ty, Type::Array(_, n) if n > 32));
    for field in &object.fields {
        let ident = names::field_ident(&field.name);
        let json = &field.name;
        let ty = field_type(ctx, ns, &field.ty);
        let fdoc = docs(&field.docs, &format!("The field `{}`.", field.name));
        let offset = Literal::usize_unsuffixed(usize::from(field.offset));
        let read = read_expr(ctx, ns, &field.ty, quote!(#offset));
        let write = write_stmt(ctx, ns, &field.ty, quote!(self.#ident), quote!(#offset));
        let default = default_expr(&field.ty);
        fields.push(quote!(#fdoc #[serde(rename = #json)] pub #ident: #ty,));
        reads.push(quote!(#ident: #read,));
        writes.push(write);
        defaults.push(quote!(#ident: #default,));
    }
    let (default_derive, default_impl) = if has_array {
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
    } else {
        (quote!(::core::default::Default,), quote!())
    };
    quote! {
        #doc
        #[derive(
            #default_derive
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            #p::serde::Serialize,
            #p::serde::Deserialize,
        )]
        #[serde(crate = #serde_crate)]
        #[allow(non_camel_case_types)]
        pub struct #name {
            #(#fields)*
        }

        #default_impl

        impl #name {
            /// Size in bytes of the FlatBuffers layout.
            pub const SIZE: usize = #size;
            /// Alignment in bytes of the FlatBuffers layout.
            pub const ALIGN: usize = #align;

            /// Reads the struct from its little-endian layout (missing bytes read as zero).
            pub fn from_bytes(bytes: &[u8]) -> Self {
                Self { #(#reads)* }
            }

            /// Writes the struct's little-endian layout into `out[..SIZE]` (padding untouched).
            pub fn write_bytes(&self, out: &mut [u8]) {
                #(#writes)*
            }

            /// The struct's little-endian layout, padding zeroed.
            pub fn to_bytes(&self) -> [u8; #size] {
                let mut out = [0u8; #size];
                self.write_bytes(&mut out);
                out
            }
        }

        impl<'a> #p::reader::Element<'a> for #name {
            const STRIDE: usize = #size;
            fn read_at(buf: &'a [u8], pos: usize) -> ::core::option::Option<Self> {
                buf.get(pos..pos.checked_add(#size)?).map(Self::from_bytes)
            }
        }

        impl #p::flatbuffers::Verifiable for #name {
            fn run_verifier(
                v: &mut #p::flatbuffers::Verifier<'_, '_>,
                pos: usize,
            ) -> ::core::result::Result<(), #p::flatbuffers::InvalidFlatbuffer> {
                #p::verify::verify_struct(v, pos, #size)
            }
        }
    }
}
