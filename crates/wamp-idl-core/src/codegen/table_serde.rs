//! serde for owned tables, following flatc's JSON mapping: an object keyed by
//! field name (as written in the schema), unions as two keys `<field>_type`
//! (the member name) and `<field>`; absent optional fields are left out, scalars
//! are always written (as `flatc --json --defaults-json` does).

use proc_macro2::TokenStream;
use quote::quote;

use super::tables::{is_optional, owned_base};
use super::{live_fields, names, union_type_field, Ctx};
use crate::schema::{ObjectId, Type};

/// The pieces of the generated `Serialize`/`Deserialize` of one table.
#[derive(Default)]
struct Parts {
    /// `Serialize`: statements writing map entries.
    entries: Vec<TokenStream>,
    /// `Deserialize`: match arms by key.
    arms: Vec<TokenStream>,
    /// `Deserialize`: locals declared before the key loop.
    locals: Vec<TokenStream>,
    /// `Deserialize`: checks and assignments after the key loop.
    checks: Vec<TokenStream>,
}

/// A vector of unions, as flatc's JSON writes it: `<field>_type` a list of
/// member names and `<field>` the list of member values, pairwise.
fn union_vector(
    ctx: &Ctx<'_>,
    parts: &mut Parts,
    field: &crate::schema::FieldDef,
    type_field: &crate::schema::FieldDef,
    union_path: TokenStream,
) {
    let p = ctx.private();
    let serde = quote!(#p::serde);
    let ident = names::field_ident(&field.name);
    let json = &field.name;
    let type_json = &type_field.name;
    let optional = is_optional(field);
    let value_ref = if optional {
        quote!(self.#ident.as_ref())
    } else {
        quote!(::core::option::Option::Some(&self.#ident))
    };
    parts.entries.push(quote! {
        if let ::core::option::Option::Some(value) = #value_ref {
            let type_names: ::std::vec::Vec<&'static str> = ::core::iter::Iterator::collect(
                ::core::iter::Iterator::map(value.iter(), #union_path::type_name),
            );
            #serde::ser::SerializeMap::serialize_entry(&mut map, #type_json, &type_names)?;
            #serde::ser::SerializeMap::serialize_entry(&mut map, #json, value)?;
        }
    });
    let type_local = quote::format_ident!("{}_type_names", names::snake_case(&field.name));
    let value_local = quote::format_ident!("{}_values", names::snake_case(&field.name));
    parts.locals.push(quote! {
        let mut #type_local: ::core::option::Option<::std::vec::Vec<::std::string::String>> = ::core::option::Option::None;
        let mut #value_local: ::core::option::Option<::std::vec::Vec<#p::serde_json::Value>> = ::core::option::Option::None;
    });
    parts
        .arms
        .push(quote!(#type_json => #type_local = ::core::option::Option::Some(map.next_value()?),));
    parts
        .arms
        .push(quote!(#json => #value_local = ::core::option::Option::Some(map.next_value()?),));
    let assign = if optional {
        quote!(out.#ident = ::core::option::Option::Some(members);)
    } else {
        quote!(out.#ident = members;)
    };
    let missing = if field.required {
        quote!(return ::core::result::Result::Err(<A::Error as #serde::de::Error>::missing_field(#json)))
    } else {
        quote!({})
    };
    let inconsistent = format!("vector of unions `{json}` needs both `{type_json}` and `{json}`");
    let lengths =
        format!("vector of unions `{json}`: `{type_json}` has {{}} entries but `{json}` has {{}}");
    let element = format!("`{json}[{{}}]`: {{}}");
    parts.checks.push(quote! {
        match (#type_local, #value_local) {
            (::core::option::Option::Some(type_names), ::core::option::Option::Some(values)) => {
                if type_names.len() != values.len() {
                    return ::core::result::Result::Err(<A::Error as #serde::de::Error>::custom(
                        ::std::format!(#lengths, type_names.len(), values.len()),
                    ));
                }
                let mut members = ::std::vec::Vec::with_capacity(values.len());
                for (index, (type_name, value)) in ::core::iter::Iterator::enumerate(
                    ::core::iter::Iterator::zip(type_names.iter(), values),
                ) {
                    // `NONE` elements carry nothing; the owned vector leaves them out.
                    if type_name == "NONE" {
                        continue;
                    }
                    let member = #union_path::from_json_parts(type_name, value).map_err(|error| {
                        <A::Error as #serde::de::Error>::custom(::std::format!(#element, index, error))
                    })?;
                    members.push(member);
                }
                #assign
            }
            (::core::option::Option::None, ::core::option::Option::None) => #missing,
            _ => {
                return ::core::result::Result::Err(<A::Error as #serde::de::Error>::custom(#inconsistent));
            }
        }
    });
}

/// Emits `Serialize` and `Deserialize` for an owned table.
pub fn emit(ctx: &Ctx<'_>, id: ObjectId) -> TokenStream {
    let object = ctx.schema.object(id);
    let p = ctx.private();
    let ns = &object.namespace;
    let name = names::type_ident(&object.name);
    let serde = quote!(#p::serde);
    let mut parts = Parts::default();
    for (index, field) in live_fields(object) {
        let Parts {
            entries,
            arms,
            locals,
            checks,
        } = &mut parts;
        let ident = names::field_ident(&field.name);
        let json = &field.name;
        let optional = is_optional(field);
        if let Type::Union(e) = &field.ty {
            let Some(type_field) = union_type_field(object, index) else {
                continue;
            };
            let type_json = &type_field.name;
            let union_path = ctx.enum_path(ns, *e);
            let value_ref = if optional {
                quote!(self.#ident.as_ref())
            } else {
                quote!(::core::option::Option::Some(&self.#ident))
            };
            entries.push(quote! {
                if let ::core::option::Option::Some(value) = #value_ref {
                    #serde::ser::SerializeMap::serialize_entry(&mut map, #type_json, value.type_name())?;
                    #serde::ser::SerializeMap::serialize_entry(&mut map, #json, value)?;
                }
            });
            let type_local = quote::format_ident!("{}_type_name", names::snake_case(&field.name));
            let value_local = quote::format_ident!("{}_value", names::snake_case(&field.name));
            locals.push(quote! {
                let mut #type_local: ::core::option::Option<::std::string::String> = ::core::option::Option::None;
                let mut #value_local: ::core::option::Option<#p::serde_json::Value> = ::core::option::Option::None;
            });
            arms.push(quote!(#type_json => #type_local = ::core::option::Option::Some(map.next_value()?),));
            arms.push(
                quote!(#json => #value_local = ::core::option::Option::Some(map.next_value()?),),
            );
            let assign = if optional {
                quote!(out.#ident = ::core::option::Option::Some(value);)
            } else {
                quote!(out.#ident = value;)
            };
            let missing = if optional {
                quote!({})
            } else {
                quote!(return ::core::result::Result::Err(<A::Error as #serde::de::Error>::missing_field(#json)))
            };
            let inconsistent =
                format!("union field `{json}` needs both `{type_json}` and `{json}`");
            checks.push(quote! {
                match (#type_local, #value_local) {
                    (::core::option::Option::Some(type_name), ::core::option::Option::Some(value)) if type_name != "NONE" => {
                        let value = #union_path::from_json_parts(&type_name, value)
                            .map_err(<A::Error as #serde::de::Error>::custom)?;
                        #assign
                    }
                    (::core::option::Option::None, ::core::option::Option::None) => #missing,
                    (::core::option::Option::Some(_), ::core::option::Option::None) => {
                        return ::core::result::Result::Err(<A::Error as #serde::de::Error>::custom(#inconsistent));
                    }
                    _ => #missing,
                }
            });
            continue;
        }
        if let Type::Vector(elem) = &field.ty {
            if let Type::Union(e) = **elem {
                let Some(type_field) = union_type_field(object, index) else {
                    continue;
                };
                union_vector(ctx, &mut parts, field, type_field, ctx.enum_path(ns, e));
                continue;
            }
        }
        if optional {
            entries.push(quote! {
                if let ::core::option::Option::Some(value) = &self.#ident {
                    #serde::ser::SerializeMap::serialize_entry(&mut map, #json, value)?;
                }
            });
        } else {
            entries.push(quote! {
                #serde::ser::SerializeMap::serialize_entry(&mut map, #json, &self.#ident)?;
            });
        }
        if field.required {
            let seen = quote::format_ident!("seen_{}", names::snake_case(&field.name));
            locals.push(quote!(let mut #seen = false;));
            arms.push(quote!(#json => { out.#ident = map.next_value()?; #seen = true; }));
            checks.push(quote! {
                if !#seen {
                    return ::core::result::Result::Err(<A::Error as #serde::de::Error>::missing_field(#json));
                }
            });
        } else {
            let ty = owned_base(ctx, ns, &field.ty, true);
            if optional {
                arms.push(
                    quote!(#json => out.#ident = map.next_value::<::core::option::Option<#ty>>()?,),
                );
            } else {
                arms.push(quote!(#json => out.#ident = map.next_value::<#ty>()?,));
            }
        }
    }
    let Parts {
        entries,
        arms,
        locals,
        checks,
    } = parts;
    let expecting = format!("a `{}` table as a JSON object", object.name);
    // Unknown keys are skipped, as flatc does without `--unknown-json` errors.
    let read_loop = if arms.is_empty() {
        quote! {
            while map.next_key::<#serde::de::IgnoredAny>()?.is_some() {
                map.next_value::<#serde::de::IgnoredAny>()?;
            }
        }
    } else {
        quote! {
            while let ::core::option::Option::Some(key) = map.next_key::<::std::string::String>()? {
                match key.as_str() {
                    #(#arms)*
                    _ => {
                        map.next_value::<#serde::de::IgnoredAny>()?;
                    }
                }
            }
        }
    };
    let map_mut = if entries.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    quote! {
        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                let #map_mut map = serializer.serialize_map(::core::option::Option::None)?;
                #(#entries)*
                #serde::ser::SerializeMap::end(map)
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> #serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: #serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<#name, A::Error> {
                        #[allow(unused_mut)]
                        let mut out = <#name as ::core::default::Default>::default();
                        #(#locals)*
                        #read_loop
                        #(#checks)*
                        ::core::result::Result::Ok(out)
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}
