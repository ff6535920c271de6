//! `validate()` on owned tables: the WAMP IDL value rules of each field
//! (`wampid`, `wampuri*`/`wampname*`, `uuid`, `ethadr`; for vectors, each
//! element), recursing into nested tables and unions, with the field path in
//! the error (`details.authid: ...`, `session_ids[3]: ...`).
//!
//! `required` needs no check at run time: required fields are not `Option`s in
//! the owned types, so a value without them cannot be built.

use proc_macro2::TokenStream;
use quote::quote;

use super::tables::is_optional;
use super::{live_fields, names, Ctx};
use crate::idl::uri::UriRule;
use crate::idl::ValueConstraint;
use crate::schema::{EnumId, FieldDef, ObjectId, Type};

/// The WAMP value rule declared on a field, if any.
pub fn field_constraint(field: &FieldDef) -> Option<ValueConstraint> {
    field
        .attributes
        .iter()
        .find_map(|a| ValueConstraint::from_attribute(&a.name))
}

fn rule_variant(rule: UriRule) -> TokenStream {
    match rule {
        UriRule::Name => quote!(Name),
        UriRule::NameStrict => quote!(NameStrict),
        UriRule::Uri => quote!(Uri),
        UriRule::UriStrict => quote!(UriStrict),
        UriRule::Pattern => quote!(Pattern),
        UriRule::PatternStrict => quote!(PatternStrict),
        UriRule::Prefix => quote!(Prefix),
        UriRule::PrefixStrict => quote!(PrefixStrict),
    }
}

/// Statements checking `value` (a reference to a value of `ty`) at `path`.
fn check(ctx: &Ctx<'_>, ty: &Type, constraint: Option<ValueConstraint>) -> Option<TokenStream> {
    let p = ctx.private();
    let v = quote!(#p::validate);
    match (ty, constraint) {
        (Type::Scalar(s), Some(ValueConstraint::WampId)) if s.is_integer() => {
            Some(quote!(#v::wamp_id(path, *value)?;))
        }
        (Type::String, Some(ValueConstraint::Uri(rule))) => {
            let rule = rule_variant(rule);
            Some(quote!(#v::uri(path, #v::UriRule::#rule, value)?;))
        }
        (Type::String, Some(ValueConstraint::Uuid)) => Some(quote!(#v::uuid(path, value)?;)),
        (Type::String, Some(ValueConstraint::EthAddress)) => {
            Some(quote!(#v::eth_address(path, value)?;))
        }
        (Type::Table(_) | Type::Union(_), _) => Some(quote!(value.validate_at(path)?;)),
        (Type::Vector(elem), constraint) => {
            let inner = check(ctx, elem, constraint)?;
            Some(quote! {
                for (index, value) in ::core::iter::Iterator::enumerate(value.iter()) {
                    let path = &path.index(index);
                    #inner
                }
            })
        }
        _ => None,
    }
}

/// Emits `validate()` for an owned table.
pub fn emit(ctx: &Ctx<'_>, id: ObjectId) -> TokenStream {
    let object = ctx.schema.object(id);
    let p = ctx.private();
    let name = names::type_ident(&object.name);
    let mut stmts = Vec::new();
    for (_, field) in live_fields(object) {
        let Some(check) = check(ctx, &field.ty, field_constraint(field)) else {
            continue;
        };
        let ident = names::field_ident(&field.name);
        let json = &field.name;
        let value_ref = if is_optional(field) {
            quote!(self.#ident.as_ref())
        } else {
            quote!(::core::option::Option::Some(&self.#ident))
        };
        stmts.push(quote! {
            if let ::core::option::Option::Some(value) = #value_ref {
                let path = &path.field(#json);
                #check
            }
        });
    }
    quote! {
        impl #name {
            /// Checks the WAMP IDL value rules of every field (and of nested
            /// tables), reporting the first value that breaks one with its field path.
            pub fn validate(&self) -> ::core::result::Result<(), #p::validate::ValidationError> {
                self.validate_at(&#p::validate::FieldPath::Root)
            }

            /// [`Self::validate`] for a value at `path` inside another one.
            #[doc(hidden)]
            pub fn validate_at(
                &self,
                path: &#p::validate::FieldPath<'_>,
            ) -> ::core::result::Result<(), #p::validate::ValidationError> {
                let _ = path;
                #(#stmts)*
                ::core::result::Result::Ok(())
            }
        }
    }
}

/// Emits `validate_at` for a union's owned enum.
pub fn emit_union(ctx: &Ctx<'_>, id: EnumId) -> TokenStream {
    let def = ctx.schema.enum_def(id);
    let p = ctx.private();
    let name = names::type_ident(&def.name);
    let arms = def.values.iter().filter(|v| v.value != 0).filter_map(|v| {
        let variant = names::type_ident(&v.name);
        match &v.union_type {
            Some(Type::Table(_)) => {
                Some(quote!(Self::#variant(ref value) => value.validate_at(path),))
            }
            Some(Type::String | Type::Struct(_)) => {
                Some(quote!(Self::#variant(_) => ::core::result::Result::Ok(()),))
            }
            _ => None,
        }
    });
    quote! {
        impl #name {
            /// Checks the WAMP IDL value rules of the member's fields.
            #[doc(hidden)]
            pub fn validate_at(
                &self,
                path: &#p::validate::FieldPath<'_>,
            ) -> ::core::result::Result<(), #p::validate::ValidationError> {
                let _ = path;
                match *self {
                    #(#arms)*
                }
            }
        }
    }
}
