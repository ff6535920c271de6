//! `#[derive(WampPayload)]`: a plain Rust struct with named fields as a WAMP
//! payload (positional args in field order, then keyword arguments), driven by
//! the struct alone; no schema is involved.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr, Type};

/// The URI rules, spelled as the WAMP IDL attributes they stand for, with the
/// runtime's `UriRule` variant of each.
const URI_RULES: &[(&str, &str)] = &[
    ("wampuri", "Uri"),
    ("wampuri_s", "UriStrict"),
    ("wampuri_p", "Pattern"),
    ("wampuri_sp", "PatternStrict"),
    ("wampuri_pp", "Prefix"),
    ("wampuri_spp", "PrefixStrict"),
    ("wampname", "Name"),
    ("wampname_s", "NameStrict"),
];

/// Integer types a `#[wamp(id)]` field may have (they all convert into `i128`).
const ID_TYPES: &[&str] = &["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"];

/// What the `#[wamp(...)]` attributes of one field say.
#[derive(Default)]
struct FieldOptions {
    kwarg: bool,
    /// The IDL attribute name of the URI rule (`wampuri_s`).
    uri: Option<&'static str>,
    id: bool,
    uuid: bool,
    required: bool,
}

/// Expands the derive; errors become `compile_error!`s on the user's tokens.
pub fn expand(input: &DeriveInput) -> TokenStream {
    match expand_struct(input) {
        Ok(tokens) => tokens,
        Err(error) => error.to_compile_error(),
    }
}

fn expand_struct(input: &DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let fields = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => &fields.named,
            Fields::Unnamed(_) | Fields::Unit => {
                return Err(syn::Error::new(
                    name.span(),
                    "`#[derive(WampPayload)]` needs a struct with named fields; tuple and unit structs are not supported",
                ))
            }
        },
        Data::Enum(_) | Data::Union(_) => {
            return Err(syn::Error::new(
                name.span(),
                "`#[derive(WampPayload)]` needs a struct with named fields; enums and unions are not supported",
            ))
        }
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "`#[derive(WampPayload)]` does not support generic structs; derive it on a concrete struct",
        ));
    }

    let mut errors: Option<syn::Error> = None;
    let mut push_error = |error: syn::Error| match &mut errors {
        Some(errors) => errors.combine(error),
        None => errors = Some(error),
    };

    let mut slots = Vec::new();
    let mut encode_args = Vec::new();
    let mut encode_kwargs = Vec::new();
    let mut decode = Vec::new();
    let mut validate = Vec::new();
    let mut fbs = format!("table {name} {{\n");
    let mut first_kwarg: Option<String> = None;
    let mut next_arg = 0usize;
    let rt = quote!(::wamp_idl_runtime);

    for field in fields {
        let Some(ident) = &field.ident else { continue };
        let field_name = ident.to_string();
        let field_name = field_name
            .strip_prefix("r#")
            .unwrap_or(&field_name)
            .to_string();
        let options = match field_options(field) {
            Ok(options) => options,
            Err(error) => {
                push_error(error);
                continue;
            }
        };
        if let Some(kwarg) = &first_kwarg {
            if !options.kwarg {
                push_error(syn::Error::new(
                    ident.span(),
                    format!(
                        "field `{field_name}` is a positional argument after keyword argument `{kwarg}`; mark it `#[wamp(kwarg)]` or move it before `{kwarg}`"
                    ),
                ));
                continue;
            }
        }
        if options.kwarg && first_kwarg.is_none() {
            first_kwarg = Some(field_name.clone());
        }
        let ty = &field.ty;
        let inner = option_inner(ty);
        let optional = inner.is_some() && !options.required;
        let value_ty = inner.unwrap_or(ty);
        if options.id && !is_one_of(value_ty, ID_TYPES) {
            push_error(syn::Error::new_spanned(
                ty,
                format!(
                    "`#[wamp(id)]` needs an integer field (`u64`, `i64`, … or an `Option` of one); `{field_name}` is not one"
                ),
            ));
            continue;
        }
        if generic_of(value_ty, "Vec").is_some_and(|element| {
            generic_of(element, "Vec").is_some() || option_inner(element).is_some()
        }) {
            push_error(syn::Error::new_spanned(
                ty,
                format!(
                    "FlatBuffers has no vectors of vectors or of optional values; wrap the elements of `{field_name}` in a struct with named fields"
                ),
            ));
            continue;
        }
        if options.required && inner.is_none() {
            push_error(syn::Error::new_spanned(
                ty,
                "`#[wamp(required)]` is for `Option` fields; a field of another type is always required",
            ));
            continue;
        }

        let (slot, missing, path) = if options.kwarg {
            (
                quote!(#rt::typed::FieldSlot::Kwarg),
                format!("kwargs: missing required keyword argument `{field_name}`"),
                format!("kwargs.{field_name}"),
            )
        } else {
            let index = next_arg;
            next_arg += 1;
            (
                quote!(#rt::typed::FieldSlot::Arg(#index)),
                format!("args: missing required argument {index} (`{field_name}`)"),
                format!("args[{index}]"),
            )
        };
        slots.push(quote!((#field_name, #slot)));

        let encoded = quote_spanned!(ty.span()=> #rt::value::to_value(&self.#ident)?);
        if options.kwarg {
            encode_kwargs.push(quote! {
                let value = #encoded;
                if !value.is_null() {
                    kwargs.insert(#field_name, value);
                }
            });
        } else {
            encode_args.push(quote!(args.push(#encoded);));
        }

        let lookup = if options.kwarg {
            quote!(kwargs.get(#field_name))
        } else {
            let index = next_arg - 1;
            quote!(args.get(#index))
        };
        let required_check = if optional {
            quote!()
        } else {
            quote! {
                if value.is_null() {
                    return ::core::result::Result::Err(#rt::typed::PayloadError::new(#missing));
                }
            }
        };
        decode.push(quote! {
            #ident: {
                let value = #lookup.cloned().unwrap_or(#rt::Value::Null);
                #required_check
                #rt::value::from_value::<#ty>(value).map_err(|error| {
                    #rt::typed::PayloadError::new(::std::format!("{}: {}", #path, error.message()))
                })?
            },
        });

        let check = if options.id {
            Some(quote!(#rt::__private::validate::wamp_id(&path, *value)))
        } else if let Some(rule) = options.uri {
            let variant = URI_RULES
                .iter()
                .find(|(attribute, _)| *attribute == rule)
                .map(|(_, variant)| syn::Ident::new(variant, proc_macro2::Span::call_site()));
            variant.map(|variant| {
                quote_spanned!(ty.span()=> #rt::__private::validate::uri(
                    &path,
                    #rt::__private::validate::UriRule::#variant,
                    value,
                ))
            })
        } else if options.uuid {
            Some(quote_spanned!(ty.span()=> #rt::__private::validate::uuid(&path, value)))
        } else {
            None
        };
        if let Some(check) = check {
            let binding = if inner.is_some() {
                quote!(if let ::core::option::Option::Some(value) = &self.#ident)
            } else {
                quote!(let value = &self.#ident;)
            };
            validate.push(quote! {
                #binding {
                    let path = #rt::__private::validate::FieldPath::Root.field(#field_name);
                    #check.map_err(|error| {
                        #rt::typed::wamp_validation_error(
                            error,
                            <Self as #rt::typed::WampPayload>::FIELDS,
                        )
                    })?;
                }
            });
        }

        let fbs_type = fbs_type(value_ty);
        let mut attributes = vec![if options.kwarg { "kwarg" } else { "arg" }.to_string()];
        if options.id {
            attributes.push("wampid".into());
        }
        if let Some(rule) = options.uri {
            attributes.push(rule.into());
        }
        if options.uuid {
            attributes.push("uuid".into());
        }
        // FlatBuffers only allows `required` on non-scalar fields.
        let scalar = is_one_of(
            value_ty,
            SCALARS
                .iter()
                .map(|(rust, _)| *rust)
                .collect::<Vec<_>>()
                .as_slice(),
        );
        if !optional && !scalar {
            attributes.push("required".into());
        }
        fbs.push_str(&format!(
            "  {field_name}: {fbs_type} ({});\n",
            attributes.join(", ")
        ));
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    fbs.push_str("}\n");
    let type_name = name.to_string();
    let arg_count = next_arg;
    let fbs_doc = format!(
        "The FlatBuffers table equivalent to `{type_name}`, with WAMP IDL attributes (for a catalog; include `wamp.fbs` for the attribute declarations)."
    );
    Ok(quote! {
        impl #name {
            #[doc = #fbs_doc]
            pub const WAMP_FBS: &'static str = #fbs;
        }

        impl #rt::typed::WampPayload for #name {
            const TYPE_NAME: &'static str = #type_name;
            const FIELDS: &'static [(&'static str, #rt::typed::FieldSlot)] = &[#(#slots),*];

            fn to_payload_in(
                &self,
                serializer: ::core::option::Option<#rt::Serializer>,
            ) -> #rt::Result<#rt::Payload> {
                #[allow(unused_mut)]
                let mut args: ::std::vec::Vec<#rt::Value> = ::std::vec::Vec::with_capacity(#arg_count);
                #(#encode_args)*
                // Absent optional arguments at the end are left out.
                while args.last().is_some_and(#rt::Value::is_null) {
                    args.pop();
                }
                #[allow(unused_mut)]
                let mut kwargs = #rt::Dict::new();
                #(#encode_kwargs)*
                let args = (!args.is_empty()).then_some(&args);
                let kwargs = (!kwargs.is_empty()).then_some(&kwargs);
                #rt::typed::build_payload(args, kwargs, serializer)
            }

            fn decode_args_kwargs(
                payload: &#rt::Payload,
            ) -> ::core::result::Result<Self, #rt::typed::PayloadError> {
                #[allow(unused_variables)]
                let args = payload
                    .args_list()
                    .map_err(|error| #rt::typed::PayloadError::new(::std::format!("args: {}", error.message())))?
                    .unwrap_or_default();
                #[allow(unused_variables)]
                let kwargs = payload
                    .kwargs_dict()
                    .map_err(|error| #rt::typed::PayloadError::new(::std::format!("kwargs: {}", error.message())))?
                    .unwrap_or_default();
                ::core::result::Result::Ok(Self { #(#decode)* })
            }

            fn validate_payload(&self) -> ::core::result::Result<(), #rt::typed::PayloadError> {
                #(#validate)*
                ::core::result::Result::Ok(())
            }

            const HAS_FLATBUFFERS: bool = false;

            /// Derived payloads travel as args/kwargs only: there is no
            /// FlatBuffers encoding (`HAS_FLATBUFFERS` is false, so the
            /// runtime never sends this empty buffer).
            fn to_flatbuffer_bytes(&self) -> ::std::vec::Vec<u8> {
                ::std::vec::Vec::new()
            }

            fn from_flatbuffer_bytes(
                _bytes: &[u8],
            ) -> ::core::result::Result<Self, #rt::typed::PayloadError> {
                ::core::result::Result::Err(#rt::typed::PayloadError::new(::std::format!(
                    "`{}` derives `WampPayload` and has no FlatBuffers encoding; send it as args/kwargs",
                    #type_name
                )))
            }
        }
    })
}

/// Rust scalar types and their FlatBuffers names.
const SCALARS: &[(&str, &str)] = &[
    ("bool", "bool"),
    ("i8", "int8"),
    ("i16", "int16"),
    ("i32", "int32"),
    ("i64", "int64"),
    ("u8", "uint8"),
    ("u16", "uint16"),
    ("u32", "uint32"),
    ("u64", "uint64"),
    ("f32", "float32"),
    ("f64", "float64"),
];

/// The FlatBuffers type of a field of Rust type `ty`.
fn fbs_type(ty: &Type) -> String {
    if let Some(inner) = option_inner(ty) {
        return fbs_type(inner);
    }
    if let Some(element) = generic_of(ty, "Vec") {
        return format!("[{}]", fbs_type(element));
    }
    let Some(last) = last_ident(ty) else {
        return quote!(#ty).to_string();
    };
    if let Some((_, fbs)) = SCALARS.iter().find(|(rust, _)| last == *rust) {
        return (*fbs).to_string();
    }
    if last == "String" {
        return "string".into();
    }
    last
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            path.path.segments.last().map(|s| s.ident.to_string())
        }
        Type::Group(group) => last_ident(&group.elem),
        Type::Paren(paren) => last_ident(&paren.elem),
        _ => None,
    }
}

fn is_one_of(ty: &Type, names: &[&str]) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() && path.path.segments.len() == 1 => path
            .path
            .segments
            .first()
            .is_some_and(|s| s.arguments.is_empty() && names.iter().any(|n| s.ident == n)),
        Type::Group(group) => is_one_of(&group.elem, names),
        Type::Paren(paren) => is_one_of(&paren.elem, names),
        _ => false,
    }
}

/// `T` of `wrapper<T>` (by the last path segment, so `std::vec::Vec<T>` too).
fn generic_of<'t>(ty: &'t Type, wrapper: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(generic) = &last.arguments else {
        return None;
    };
    match generic.args.first()? {
        syn::GenericArgument::Type(inner) if generic.args.len() == 1 => Some(inner),
        _ => None,
    }
}

fn option_inner(ty: &Type) -> Option<&Type> {
    generic_of(ty, "Option")
}

/// Reads every `#[wamp(...)]` of a field.
fn field_options(field: &syn::Field) -> syn::Result<FieldOptions> {
    let mut options = FieldOptions::default();
    let mut positional = false;
    for attribute in &field.attrs {
        if !attribute.path().is_ident("wamp") {
            continue;
        }
        attribute.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            match key.as_str() {
                "arg" => positional = true,
                "kwarg" => options.kwarg = true,
                "id" => options.id = true,
                "uuid" => options.uuid = true,
                "required" => options.required = true,
                "uri" => {
                    let rule = if meta.input.peek(syn::Token![=]) {
                        let value: LitStr = meta.value()?.parse()?;
                        let text = value.value();
                        match URI_RULES.iter().find(|(attribute, _)| *attribute == text) {
                            Some((attribute, _)) => *attribute,
                            None => {
                                return Err(syn::Error::new(
                                    value.span(),
                                    format!(
                                        "unknown URI rule `{text}`; expected one of {}",
                                        rule_list()
                                    ),
                                ))
                            }
                        }
                    } else {
                        "wampuri"
                    };
                    options.uri = Some(rule);
                }
                _ => {
                    return Err(meta.error(format!(
                        "unknown `wamp` option `{}`; expected `arg`, `kwarg`, `id`, `uri`, `uri = \"<rule>\"`, `uuid` or `required`",
                        quote_path(&meta.path)
                    )))
                }
            }
            Ok(())
        })?;
    }
    if positional && options.kwarg {
        return Err(syn::Error::new(
            field.span(),
            "a field is either `#[wamp(arg)]` or `#[wamp(kwarg)]`, not both",
        ));
    }
    let checks = [options.id, options.uri.is_some(), options.uuid];
    if checks.iter().filter(|set| **set).count() > 1 {
        return Err(syn::Error::new(
            field.span(),
            "give a field at most one of `#[wamp(id)]`, `#[wamp(uri)]` and `#[wamp(uuid)]`",
        ));
    }
    Ok(options)
}

fn quote_path(path: &syn::Path) -> String {
    quote!(#path).to_string().replace(' ', "")
}

fn rule_list() -> String {
    URI_RULES
        .iter()
        .map(|(attribute, _)| format!("`{attribute}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fbs(ty: &str) -> String {
        fbs_type(&syn::parse_str::<Type>(ty).expect("a type"))
    }

    #[test]
    fn rust_types_map_to_flatbuffers_types() {
        assert_eq!(fbs("u8"), "uint8");
        assert_eq!(fbs("Option<i64>"), "int64");
        assert_eq!(fbs("std::string::String"), "string");
        assert_eq!(fbs("Vec<f32>"), "[float32]");
        assert_eq!(fbs("Option<Vec<crate::Origin>>"), "[Origin]");
    }

    fn expand_str(item: &str) -> String {
        expand(&syn::parse_str(item).expect("an item")).to_string()
    }

    #[test]
    fn unsupported_shapes_are_errors_not_panics() {
        let out = expand_str("struct S { #[wamp(id)] a: usize, b: Vec<Vec<u8>> }");
        assert!(
            out.contains("`#[wamp(id)]` needs an integer field"),
            "{out}"
        );
        assert!(out.contains("no vectors of vectors"), "{out}");
        let out = expand_str("struct S<T> { a: T }");
        assert!(out.contains("does not support generic structs"), "{out}");
        let out = expand_str("struct S { #[wamp(arg, kwarg)] a: u8 }");
        assert!(
            out.contains("either `#[wamp(arg)]` or `#[wamp(kwarg)]`"),
            "{out}"
        );
        let out = expand_str("struct S { #[wamp(required)] a: u8 }");
        assert!(
            out.contains("`#[wamp(required)]` is for `Option` fields"),
            "{out}"
        );
        let out = expand_str("struct S { #[wamp(id, uuid)] a: u64 }");
        assert!(out.contains("at most one of"), "{out}");
    }
}
