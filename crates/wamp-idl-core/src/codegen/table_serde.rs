//! serde for owned tables, following flatc's JSON mapping: an object keyed by
//! field name (as written in the schema), unions as two keys `<field>_type`
//! (the member name) and `<field>`; absent optional fields are left out, scalars
//! are always written (as `flatc --json --defaults-json` does).

use proc_macro2::TokenStream;
use quote::quote;

use super::tables::{is_optional, owned_base};
use super::{live_fields, names, union_type_field, Ctx};
use crate::schema::{ObjectId, Type};

/// Emits `Serialize` and `Deserialize` for an owned table.
pub fn emit(ctx: &Ctx<'_>, id: ObjectId) -> TokenStream {
    let object = ctx.schema.object(id);
    let p = ctx.private();
    let ns = &object.namespace;
    let name = names::type_ident(&object.name);
    let serde = quote!(#p::serde);
    let mut entries = Vec::new();
    let mut arms = Vec::new();
    let mut locals = Vec::new();
    let mut checks = Vec::new();
    for (index, field) in live_fields(object) {
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
