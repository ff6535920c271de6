//! `impl WampPayload` for every payload table of the catalog: the table's
//! fields as WAMP `args` (in order) and `kwargs` (by name), with nested values
//! in flatc's JSON mapping (the owned types' serde), decoded straight from the
//! payload bytes with WAMP field paths in errors (`args[1]: ...`).
//!
//! The helpers (`__WampArgs`, ...) live in a `const _: () = { ... };` block so
//! they add no names to the user's module.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tables::{is_optional, owned_base};
use super::{names, Ctx};
use crate::diag::Diagnostics;
use crate::idl::{Payload, PayloadField};
use crate::schema::{FieldDef, Object, Type};

struct Field<'a> {
    def: &'a FieldDef,
    ident: proc_macro2::Ident,
    json: &'a str,
    optional: bool,
    ty: TokenStream,
}

fn fields<'a>(
    ctx: &Ctx<'_>,
    object: &'a Object,
    list: &[PayloadField],
    diagnostics: &mut Diagnostics,
) -> Option<Vec<Field<'a>>> {
    let mut out = Vec::new();
    let mut ok = true;
    for field in list {
        let Some(def) = object.fields.get(field.field) else {
            continue;
        };
        if matches!(def.ty, Type::Union(_)) {
            super::unsupported(
                diagnostics,
                def.span,
                &format!(
                    "the union field `{}` in the WAMP payload table `{}`",
                    def.name, object.name
                ),
            );
            ok = false;
            continue;
        }
        out.push(Field {
            def,
            ident: names::field_ident(&def.name),
            json: &def.name,
            optional: is_optional(def),
            ty: owned_base(ctx, &object.namespace, &def.ty, true),
        });
    }
    ok.then_some(out)
}

/// Emits the `WampPayload` implementation of one payload table.
pub fn emit(ctx: &Ctx<'_>, payload: &Payload, diagnostics: &mut Diagnostics) -> TokenStream {
    let object = ctx.schema.object(payload.object);
    let (Some(args), Some(kwargs)) = (
        fields(ctx, object, &payload.args, diagnostics),
        fields(ctx, object, &payload.kwargs, diagnostics),
    ) else {
        return TokenStream::new();
    };
    let rt = &ctx.rt;
    let p = ctx.private();
    let serde = quote!(#p::serde);
    let name = names::type_ident(&object.name);
    let full_name = if object.namespace.is_empty() {
        object.name.clone()
    } else {
        format!("{}.{}", object.namespace.join("."), object.name)
    };

    // Encoding: the number of args to send (up to the last present one).
    // `len` is one past the last non-optional arg, or past the last present optional one after it.
    let base = args.iter().rposition(|f| !f.optional).map_or(0, |i| i + 1);
    let len_expr =
        args.iter()
            .enumerate()
            .skip(base)
            .rev()
            .fold(quote!(#base), |rest, (index, f)| {
                let ident = &f.ident;
                let len = index + 1;
                quote!(if self.#ident.is_some() { #len } else { #rest })
            });
    let arg_elements = args.iter().enumerate().map(|(index, f)| {
        let index = Literal::usize_unsuffixed(index);
        let ident = &f.ident;
        quote! {
            if self.1 > #index {
                #serde::ser::SerializeSeq::serialize_element(&mut seq, &self.0.#ident)?;
            }
        }
    });
    // kwargs are sent when a field is always present or an optional one is set.
    let kwargs_present = if kwargs.iter().any(|f| !f.optional) {
        None
    } else {
        let checks = kwargs.iter().map(|f| {
            let ident = &f.ident;
            quote!(self.#ident.is_some())
        });
        Some(quote!(#(#checks)||*))
    };
    let kwarg_entries = kwargs.iter().map(|f| {
        let ident = &f.ident;
        let json = f.json;
        if f.optional {
            quote! {
                if let ::core::option::Option::Some(value) = &self.0.#ident {
                    #serde::ser::SerializeMap::serialize_entry(&mut map, #json, value)?;
                }
            }
        } else {
            quote!(#serde::ser::SerializeMap::serialize_entry(&mut map, #json, &self.0.#ident)?;)
        }
    });

    // Decoding args: one element per field; a missing element ends the list.
    let arg_reads = args.iter().enumerate().map(|(index, f)| {
        let ident = &f.ident;
        let ty = &f.ty;
        let missing = match args.iter().enumerate().skip(index).find(|(_, f)| f.def.required) {
            Some((required, f)) => {
                let message = format!(
                    "missing required argument {required} (`{}`) of `{full_name}`",
                    f.json
                );
                quote!(return ::core::result::Result::Err(<A::Error as #serde::de::Error>::custom(#message));)
            }
            None => quote!(return ::core::result::Result::Ok(__WampArgsIn(out));),
        };
        if f.optional {
            quote! {
                match seq.next_element::<::core::option::Option<#ty>>()? {
                    ::core::option::Option::Some(value) => out.#ident = value,
                    ::core::option::Option::None => { #missing }
                }
            }
        } else {
            quote! {
                match seq.next_element::<#ty>()? {
                    ::core::option::Option::Some(value) => out.#ident = value,
                    ::core::option::Option::None => { #missing }
                }
            }
        }
    });
    let unit_result = match args.iter().enumerate().find(|(_, f)| f.def.required) {
        Some((index, f)) => {
            let message = format!(
                "missing required argument {index} (`{}`) of `{full_name}`",
                f.json
            );
            quote!(::core::result::Result::Err(<E as #serde::de::Error>::custom(#message)))
        }
        None => quote!(::core::result::Result::Ok(__WampArgsIn(
            <#name as ::core::default::Default>::default()
        ))),
    };

    // Decoding kwargs: by key, unknown keys skipped, `required` ones checked.
    let mut kw_locals = Vec::new();
    let mut kw_arms = Vec::new();
    let mut kw_checks = Vec::new();
    for f in &kwargs {
        let ident = &f.ident;
        let ty = &f.ty;
        let json = f.json;
        let read = if f.optional {
            quote!(out.#ident = map.next_value::<::core::option::Option<#ty>>()?;)
        } else {
            quote!(out.#ident = map.next_value::<#ty>()?;)
        };
        if f.def.required {
            let seen = quote::format_ident!("seen_{}", names::snake_case(json));
            kw_locals.push(quote!(let mut #seen = false;));
            kw_arms.push(quote!(#json => { #read #seen = true; }));
            let message = format!("missing required keyword argument `{json}` of `{full_name}`");
            kw_checks.push(quote! {
                if !#seen {
                    return ::core::result::Result::Err(<A::Error as #serde::de::Error>::custom(#message));
                }
            });
        } else {
            kw_arms.push(quote!(#json => { #read }));
        }
    }
    let kw_missing_all = if kw_checks.is_empty() {
        quote!(::core::result::Result::Ok(__WampKwargsIn(
            <#name as ::core::default::Default>::default()
        )))
    } else {
        let first = kwargs.iter().find(|f| f.def.required).map(|f| f.json);
        let message = format!(
            "missing required keyword argument `{}` of `{full_name}`",
            first.unwrap_or_default()
        );
        quote!(::core::result::Result::Err(<E as #serde::de::Error>::custom(#message)))
    };
    let kw_assign = kwargs.iter().map(|f| {
        let ident = &f.ident;
        quote!(out.#ident = kwargs.0.#ident;)
    });

    let slots = args
        .iter()
        .enumerate()
        .map(|(index, f)| {
            let json = f.json;
            quote!((#json, #rt::typed::FieldSlot::Arg(#index)))
        })
        .chain(kwargs.iter().map(|f| {
            let json = f.json;
            quote!((#json, #rt::typed::FieldSlot::Kwarg))
        }));

    let args_expecting = format!("the positional arguments of `{full_name}` (a list)");
    let kwargs_expecting = format!("the keyword arguments of `{full_name}` (a dict)");
    let has_args = !args.is_empty();
    let has_kwargs = !kwargs.is_empty();
    let args_value = if has_args {
        quote! {
            let len: usize = #len_expr;
            let args = __WampArgs(self, len);
            let args = if len > 0 { ::core::option::Option::Some(&args) } else { ::core::option::Option::None };
        }
    } else {
        quote!(let args: ::core::option::Option<&()> = ::core::option::Option::None;)
    };
    let kwargs_select = match &kwargs_present {
        None => quote!(let kwargs = ::core::option::Option::Some(&kwargs);),
        Some(present) => quote! {
            let kwargs = if #present { ::core::option::Option::Some(&kwargs) } else { ::core::option::Option::None };
        },
    };
    let kwargs_value = if has_kwargs {
        quote! {
            let kwargs = __WampKwargs(self);
            #kwargs_select
        }
    } else {
        quote!(let kwargs: ::core::option::Option<&()> = ::core::option::Option::None;)
    };
    let args_helpers = if has_args {
        quote! {
            struct __WampArgs<'a>(&'a #name, usize);
            impl #serde::Serialize for __WampArgs<'_> {
                fn serialize<S: #serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    #[allow(unused_mut)]
                    let mut seq = serializer.serialize_seq(::core::option::Option::Some(self.1))?;
                    #(#arg_elements)*
                    #serde::ser::SerializeSeq::end(seq)
                }
            }

            struct __WampArgsIn(#name);
            impl<'de> #serde::Deserialize<'de> for __WampArgsIn {
                fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    struct Visitor;
                    impl<'de> #serde::de::Visitor<'de> for Visitor {
                        type Value = __WampArgsIn;
                        fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            f.write_str(#args_expecting)
                        }
                        fn visit_unit<E: #serde::de::Error>(self) -> ::core::result::Result<__WampArgsIn, E> {
                            #unit_result
                        }
                        fn visit_seq<A: #serde::de::SeqAccess<'de>>(self, mut seq: A) -> ::core::result::Result<__WampArgsIn, A::Error> {
                            #[allow(unused_mut)]
                            let mut out = <#name as ::core::default::Default>::default();
                            #(#arg_reads)*
                            // Extra positional arguments are ignored (a newer schema's additions).
                            while seq.next_element::<#serde::de::IgnoredAny>()?.is_some() {}
                            ::core::result::Result::Ok(__WampArgsIn(out))
                        }
                    }
                    deserializer.deserialize_seq(Visitor)
                }
            }

        }
    } else {
        TokenStream::new()
    };
    let kwargs_helpers = if has_kwargs {
        quote! {
            struct __WampKwargs<'a>(&'a #name);
            impl #serde::Serialize for __WampKwargs<'_> {
                fn serialize<S: #serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    #[allow(unused_mut)]
                    let mut map = serializer.serialize_map(::core::option::Option::None)?;
                    #(#kwarg_entries)*
                    #serde::ser::SerializeMap::end(map)
                }
            }

            struct __WampKwargsIn(#name);
            impl<'de> #serde::Deserialize<'de> for __WampKwargsIn {
                fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    struct Visitor;
                    impl<'de> #serde::de::Visitor<'de> for Visitor {
                        type Value = __WampKwargsIn;
                        fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            f.write_str(#kwargs_expecting)
                        }
                        fn visit_unit<E: #serde::de::Error>(self) -> ::core::result::Result<__WampKwargsIn, E> {
                            #kw_missing_all
                        }
                        fn visit_map<A: #serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<__WampKwargsIn, A::Error> {
                            #[allow(unused_mut)]
                            let mut out = <#name as ::core::default::Default>::default();
                            #(#kw_locals)*
                            while let ::core::option::Option::Some(key) = map.next_key::<::std::string::String>()? {
                                match key.as_str() {
                                    #(#kw_arms)*
                                    _ => {
                                        map.next_value::<#serde::de::IgnoredAny>()?;
                                    }
                                }
                            }
                            #(#kw_checks)*
                            ::core::result::Result::Ok(__WampKwargsIn(out))
                        }
                    }
                    deserializer.deserialize_map(Visitor)
                }
            }

        }
    } else {
        TokenStream::new()
    };
    let decode_args = if has_args {
        quote!(#[allow(unused_mut)] let __WampArgsIn(mut out) = #rt::typed::deserialize_element(payload, "args")?;)
    } else {
        // Without args and kwargs fields there is nothing to read.
        let ignore = (!has_kwargs).then(|| quote!(let _ = payload;));
        quote!(#ignore #[allow(unused_mut)] let mut out = <#name as ::core::default::Default>::default();)
    };
    let decode_kwargs = if has_kwargs {
        quote! {
            let kwargs: __WampKwargsIn = #rt::typed::deserialize_element(payload, "kwargs")?;
            #(#kw_assign)*
        }
    } else {
        TokenStream::new()
    };
    quote! {
        const _: () = {
            #args_helpers
            #kwargs_helpers
            impl #rt::typed::WampPayload for #name {
                const TYPE_NAME: &'static str = #full_name;
                const FIELDS: &'static [(&'static str, #rt::typed::FieldSlot)] = &[#(#slots),*];

                fn to_payload_in(
                    &self,
                    serializer: ::core::option::Option<#rt::Serializer>,
                ) -> #rt::Result<#rt::Payload> {
                    #args_value
                    #kwargs_value
                    #rt::typed::build_payload(args, kwargs, serializer)
                }

                fn decode_args_kwargs(
                    payload: &#rt::Payload,
                ) -> ::core::result::Result<Self, #rt::typed::PayloadError> {
                    #decode_args
                    #decode_kwargs
                    ::core::result::Result::Ok(out)
                }

                fn validate_payload(&self) -> ::core::result::Result<(), #rt::typed::PayloadError> {
                    self.validate().map_err(|error| {
                        #rt::typed::wamp_validation_error(error, <Self as #rt::typed::WampPayload>::FIELDS)
                    })
                }

                fn to_flatbuffer_bytes(&self) -> ::std::vec::Vec<u8> {
                    self.to_flatbuffer()
                }

                fn from_flatbuffer_bytes(bytes: &[u8]) -> ::core::result::Result<Self, #rt::typed::PayloadError> {
                    Self::from_flatbuffer(bytes).map_err(|error| {
                        #rt::typed::PayloadError::new(::std::format!(
                            "FlatBuffers payload of `{}`: {}",
                            #full_name,
                            error
                        ))
                    })
                }
            }
        };
    }
}
