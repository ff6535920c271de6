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

/// How a payload field travels.
enum Kind<'a> {
    /// One value.
    Plain,
    /// A union (`single`) or a vector of unions: its `<field>_type` part
    /// (`type_json`) travels before it, as its own arg or as a kwarg.
    Union {
        type_json: &'a str,
        single: bool,
        union_path: TokenStream,
        /// The `UnionField` const describing it to the runtime's seeds.
        descriptor: proc_macro2::Ident,
    },
}

struct Field<'a> {
    def: &'a FieldDef,
    ident: proc_macro2::Ident,
    json: &'a str,
    optional: bool,
    ty: TokenStream,
    kind: Kind<'a>,
}

impl Field<'_> {
    /// How many positions the field takes as an arg (a union's type part takes one).
    fn arg_width(&self) -> usize {
        match self.kind {
            Kind::Plain => 1,
            Kind::Union { .. } => 2,
        }
    }

    /// The `<field>_type` part of a union field (member names), as an expression.
    fn type_part(&self) -> TokenStream {
        let Kind::Union {
            single, union_path, ..
        } = &self.kind
        else {
            return TokenStream::new();
        };
        let ident = &self.ident;
        let names = quote!(|value| ::core::iter::Iterator::collect::<::std::vec::Vec<&'static str>>(
            ::core::iter::Iterator::map(value.iter(), #union_path::type_name)
        ));
        match (single, self.optional) {
            (true, true) => {
                quote!(::core::option::Option::map(self.0.#ident.as_ref(), #union_path::type_name))
            }
            (true, false) => quote!(self.0.#ident.type_name()),
            (false, true) => quote!(::core::option::Option::map(self.0.#ident.as_ref(), #names)),
            (false, false) => quote!((#names)(&self.0.#ident)),
        }
    }
}

fn fields<'a>(ctx: &Ctx<'_>, object: &'a Object, list: &[PayloadField]) -> Vec<Field<'a>> {
    let mut out = Vec::new();
    for field in list {
        let Some(def) = object.fields.get(field.field) else {
            continue;
        };
        let union = match &def.ty {
            Type::Union(e) => Some((*e, true)),
            Type::Vector(elem) => match **elem {
                Type::Union(e) => Some((e, false)),
                _ => None,
            },
            _ => None,
        };
        let kind = match union {
            Some((e, single)) => {
                let Some(type_field) = super::union_type_field(object, field.field) else {
                    continue;
                };
                let descriptor = quote::format_ident!(
                    "__WAMP_UNION_{}",
                    names::snake_case(&def.name)
                        .trim_start_matches("r#")
                        .to_uppercase()
                );
                Kind::Union {
                    type_json: &type_field.name,
                    single,
                    union_path: ctx.enum_path(&object.namespace, e),
                    descriptor,
                }
            }
            None => Kind::Plain,
        };
        out.push(Field {
            def,
            ident: names::field_ident(&def.name),
            json: &def.name,
            optional: is_optional(def),
            ty: owned_base(ctx, &object.namespace, &def.ty, true),
            kind,
        });
    }
    out
}

/// The seeds reading a union's type part and value part (`type_local` holds
/// the type part read first), and an expression giving the error for a type
/// part without a value part (`None` when no member was named).
fn union_seeds(
    ctx: &Ctx<'_>,
    single: bool,
    descriptor: &proc_macro2::Ident,
    type_local: &proc_macro2::Ident,
) -> (TokenStream, TokenStream, TokenStream) {
    let p = ctx.private();
    let u = quote!(#p::payload_union);
    if single {
        (
            quote!(#u::TypeSeed(&#descriptor)),
            quote!(#u::ValueSeed { field: &#descriptor, type_name: #type_local.as_deref() }),
            quote!(#descriptor.missing_value_error(#type_local.as_deref())),
        )
    } else {
        (
            quote!(#u::TypesSeed(&#descriptor)),
            quote!(#u::ValuesSeed { field: &#descriptor, type_names: #type_local.as_deref() }),
            quote!(#descriptor.missing_values_error(#type_local.as_deref())),
        )
    }
}

/// The `UnionField` consts of the union fields among `list`.
fn union_descriptors(ctx: &Ctx<'_>, list: &[Field<'_>]) -> Vec<TokenStream> {
    let p = ctx.private();
    list.iter()
        .filter_map(|f| {
            let Kind::Union {
                type_json,
                union_path,
                descriptor,
                ..
            } = &f.kind
            else {
                return None;
            };
            let json = f.json;
            let required = f.def.required;
            let union_name = match &f.def.ty {
                Type::Union(e) => ctx.schema.enum_def(*e).name.clone(),
                Type::Vector(elem) => match **elem {
                    Type::Union(e) => ctx.schema.enum_def(e).name.clone(),
                    _ => String::new(),
                },
                _ => String::new(),
            };
            Some(quote! {
                const #descriptor: #p::payload_union::UnionField<#union_path> = #p::payload_union::UnionField {
                    union: #union_name,
                    members: #union_path::__MEMBERS,
                    field: #json,
                    type_field: #type_json,
                    required: #required,
                    from_parts: #union_path::from_json_parts,
                };
            })
        })
        .collect()
}

/// The rustdoc paragraph of a union field (or vector of unions) of a payload
/// table: how it travels in args/kwargs. `None` for other fields and tables.
pub fn union_field_doc(
    ctx: &Ctx<'_>,
    object: crate::schema::ObjectId,
    index: usize,
) -> Option<String> {
    let payload = ctx.catalog.payloads.iter().find(|p| p.object == object)?;
    let table = ctx.schema.object(object);
    let def = table.fields.get(index)?;
    let single = match &def.ty {
        Type::Union(_) => true,
        Type::Vector(elem) if matches!(**elem, Type::Union(_)) => false,
        _ => return None,
    };
    let type_name = &super::union_type_field(table, index)?.name;
    let name = &def.name;
    let (names, values) = if single {
        ("the member's name", "its value")
    } else {
        ("the list of member names", "the list of values, pairwise")
    };
    if payload.kwargs.iter().any(|f| f.field == index) {
        return Some(format!(
            " As a WAMP payload: the keyword arguments `{type_name}` ({names}) and `{name}` ({values})."
        ));
    }
    // A union arg takes two positions: its `_type` part, then its value.
    let mut position = 0usize;
    for field in &payload.args {
        let is_union = table.fields.get(field.field).is_some_and(|f| {
            matches!(&f.ty, Type::Union(_))
                || matches!(&f.ty, Type::Vector(elem) if matches!(**elem, Type::Union(_)))
        });
        if field.field == index {
            let next = position + 1;
            return Some(format!(
                " As a WAMP payload: the positional arguments `args[{position}]` \
                 (`{type_name}`, {names}) and `args[{next}]` (`{name}`, {values})."
            ));
        }
        position += if is_union { 2 } else { 1 };
    }
    None
}

/// Emits the `WampPayload` implementation of one payload table.
pub fn emit(ctx: &Ctx<'_>, payload: &Payload, diagnostics: &mut Diagnostics) -> TokenStream {
    let _ = diagnostics;
    let object = ctx.schema.object(payload.object);
    let args = fields(ctx, object, &payload.args);
    let kwargs = fields(ctx, object, &payload.kwargs);
    // Position of each arg's first part (a union's type part takes its own).
    let arg_positions: Vec<usize> = args
        .iter()
        .scan(0usize, |next, f| {
            let at = *next;
            *next += f.arg_width();
            Some(at)
        })
        .collect();
    let descriptors = union_descriptors(ctx, &args)
        .into_iter()
        .chain(union_descriptors(ctx, &kwargs));
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
    let end_of = |index: usize, f: &Field<'_>| arg_positions[index] + f.arg_width();
    let last_required = args.iter().rposition(|f| !f.optional);
    let base = last_required.map_or(0, |i| end_of(i, &args[i]));
    let first_optional = last_required.map_or(0, |i| i + 1);
    // Folded in order, so the outermost test is the last arg: the count follows
    // the last present arg, not the first.
    let len_expr =
        args.iter()
            .enumerate()
            .skip(first_optional)
            .fold(quote!(#base), |rest, (index, f)| {
                let ident = &f.ident;
                let len = end_of(index, f);
                quote!(if self.#ident.is_some() { #len } else { #rest })
            });
    let arg_elements = args.iter().enumerate().map(|(index, f)| {
        let pos = Literal::usize_unsuffixed(arg_positions[index]);
        let ident = &f.ident;
        match &f.kind {
            Kind::Plain => quote! {
                if self.1 > #pos {
                    #serde::ser::SerializeSeq::serialize_element(&mut seq, &self.0.#ident)?;
                }
            },
            Kind::Union { .. } => {
                let type_part = f.type_part();
                let value_pos = Literal::usize_unsuffixed(arg_positions[index] + 1);
                quote! {
                    if self.1 > #pos {
                        #serde::ser::SerializeSeq::serialize_element(&mut seq, &#type_part)?;
                    }
                    if self.1 > #value_pos {
                        #serde::ser::SerializeSeq::serialize_element(&mut seq, &self.0.#ident)?;
                    }
                }
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
        let type_entry = match &f.kind {
            Kind::Plain => TokenStream::new(),
            Kind::Union { type_json, .. } => {
                let type_part = f.type_part();
                quote!(#serde::ser::SerializeMap::serialize_entry(&mut map, #type_json, &#type_part)?;)
            }
        };
        if f.optional {
            quote! {
                if let ::core::option::Option::Some(value) = &self.0.#ident {
                    #type_entry
                    #serde::ser::SerializeMap::serialize_entry(&mut map, #json, value)?;
                }
            }
        } else {
            quote! {
                #type_entry
                #serde::ser::SerializeMap::serialize_entry(&mut map, #json, &self.0.#ident)?;
            }
        }
    });

    // Decoding args: one element per field (two for a union); a missing element ends the list.
    fn arg_name<'f>(f: &Field<'f>) -> &'f str {
        match f.kind {
            Kind::Plain => f.json,
            Kind::Union { type_json, .. } => type_json,
        }
    }
    let arg_reads = args.iter().enumerate().map(|(index, f)| {
        let ident = &f.ident;
        let ty = &f.ty;
        let missing = match args.iter().enumerate().skip(index).find(|(_, f)| f.def.required) {
            Some((required, f)) => {
                let message = format!(
                    "missing required argument {} (`{}`) of `{full_name}`",
                    arg_positions[required],
                    arg_name(f)
                );
                quote!(return ::core::result::Result::Err(<A::Error as #serde::de::Error>::custom(#message));)
            }
            None => quote!(return ::core::result::Result::Ok(__WampArgsIn(out));),
        };
        match &f.kind {
            Kind::Union {
                single, descriptor, ..
            } => {
                let type_local = quote::format_ident!("{}_type_part", ident.to_string().trim_start_matches("r#"));
                let (type_seed, value_seed, missing_value) = union_seeds(ctx, *single, descriptor, &type_local);
                let assign = if f.optional {
                    quote!(out.#ident = value;)
                } else {
                    // The seed fails on a missing value of a required union.
                    quote!(if let ::core::option::Option::Some(value) = value { out.#ident = value; })
                };
                quote! {
                    let #type_local = match seq.next_element_seed(#type_seed)? {
                        ::core::option::Option::Some(type_part) => type_part,
                        ::core::option::Option::None => { #missing }
                    };
                    match seq.next_element_seed(#value_seed)? {
                        ::core::option::Option::Some(value) => { #assign }
                        ::core::option::Option::None => {
                            if let ::core::option::Option::Some(error) = #missing_value {
                                return ::core::result::Result::Err(<A::Error as #serde::de::Error>::custom(error));
                            }
                            #missing
                        }
                    }
                }
            }
            Kind::Plain if f.optional => quote! {
                match seq.next_element::<::core::option::Option<#ty>>()? {
                    ::core::option::Option::Some(value) => out.#ident = value,
                    ::core::option::Option::None => { #missing }
                }
            },
            Kind::Plain => quote! {
                match seq.next_element::<#ty>()? {
                    ::core::option::Option::Some(value) => out.#ident = value,
                    ::core::option::Option::None => { #missing }
                }
            },
        }
    });
    let unit_result = match args.iter().enumerate().find(|(_, f)| f.def.required) {
        Some((index, f)) => {
            let message = format!(
                "missing required argument {} (`{}`) of `{full_name}`",
                arg_positions[index],
                arg_name(f)
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
        let missing_message =
            format!("missing required keyword argument `{json}` of `{full_name}`");
        if let Kind::Union {
            type_json,
            single,
            descriptor,
            ..
        } = &f.kind
        {
            let base = ident.to_string();
            let base = base.trim_start_matches("r#");
            let type_local = quote::format_ident!("{base}_type_part");
            let value_local = quote::format_ident!("{base}_value_part");
            let raw_local = quote::format_ident!("{base}_raw_part");
            let name_ref = quote::format_ident!("{base}_type_seen");
            let (type_seed, value_seed, _) = union_seeds(ctx, *single, descriptor, &name_ref);
            let (raw_ty, decode) = if *single {
                (
                    quote!(#p::serde_json::Value),
                    quote!(#descriptor.decode_one(type_part.as_deref(), #raw_local.flatten())),
                )
            } else {
                (
                    quote!(::std::vec::Vec<#p::serde_json::Value>),
                    quote!(#descriptor.decode_many(type_part.as_deref(), #raw_local.flatten())),
                )
            };
            kw_locals.push(quote! {
                let mut #type_local = ::core::option::Option::None;
                let mut #value_local = ::core::option::Option::None;
                let mut #raw_local: ::core::option::Option<::core::option::Option<#raw_ty>> = ::core::option::Option::None;
            });
            kw_arms.push(quote!(#type_json => #type_local = ::core::option::Option::Some(map.next_value_seed(#type_seed)?),));
            // The value is decoded in place when its type came first (so errors
            // have its path); otherwise it is kept and decoded after the loop.
            kw_arms.push(quote!(#json => match &#type_local {
                ::core::option::Option::Some(#name_ref) => #value_local = ::core::option::Option::Some(map.next_value_seed(#value_seed)?),
                ::core::option::Option::None => #raw_local = ::core::option::Option::Some(map.next_value()?),
            },));
            if f.def.required {
                kw_checks.push(quote! {
                    if #type_local.is_none() && #value_local.is_none() && #raw_local.is_none() {
                        return ::core::result::Result::Err(<A::Error as #serde::de::Error>::custom(#missing_message));
                    }
                });
            }
            let error_context = format!("keyword argument `{json}`: {{}}");
            let assign = if f.optional {
                quote!(out.#ident = value;)
            } else {
                quote!(if let ::core::option::Option::Some(value) = value { out.#ident = value; })
            };
            kw_checks.push(quote! {
                let value = match #value_local {
                    ::core::option::Option::Some(value) => value,
                    ::core::option::Option::None => {
                        let type_part = ::core::option::Option::flatten(#type_local);
                        #decode.map_err(|error| {
                            <A::Error as #serde::de::Error>::custom(::std::format!(#error_context, error))
                        })?
                    }
                };
                #assign
            });
            continue;
        }
        let read = if f.optional {
            quote!(out.#ident = map.next_value::<::core::option::Option<#ty>>()?;)
        } else {
            quote!(out.#ident = map.next_value::<#ty>()?;)
        };
        if f.def.required {
            let seen = quote::format_ident!("seen_{}", names::snake_case(json));
            kw_locals.push(quote!(let mut #seen = false;));
            kw_arms.push(quote!(#json => { #read #seen = true; }));
            kw_checks.push(quote! {
                if !#seen {
                    return ::core::result::Result::Err(<A::Error as #serde::de::Error>::custom(#missing_message));
                }
            });
        } else {
            kw_arms.push(quote!(#json => { #read }));
        }
    }
    let kw_missing_all = if kwargs.iter().any(|f| f.def.required) {
        let first = kwargs.iter().find(|f| f.def.required).map(|f| f.json);
        let message = format!(
            "missing required keyword argument `{}` of `{full_name}`",
            first.unwrap_or_default()
        );
        quote!(::core::result::Result::Err(<E as #serde::de::Error>::custom(#message)))
    } else {
        quote!(::core::result::Result::Ok(__WampKwargsIn(
            <#name as ::core::default::Default>::default()
        )))
    };
    let kw_assign = kwargs.iter().map(|f| {
        let ident = &f.ident;
        quote!(out.#ident = kwargs.0.#ident;)
    });

    let slots = args
        .iter()
        .enumerate()
        .flat_map(|(index, f)| {
            let json = f.json;
            let pos = arg_positions[index];
            match &f.kind {
                Kind::Plain => vec![quote!((#json, #rt::typed::FieldSlot::Arg(#pos)))],
                Kind::Union { type_json, .. } => {
                    let value_pos = pos + 1;
                    vec![
                        quote!((#type_json, #rt::typed::FieldSlot::Arg(#pos))),
                        quote!((#json, #rt::typed::FieldSlot::Arg(#value_pos))),
                    ]
                }
            }
        })
        .chain(kwargs.iter().flat_map(|f| {
            let json = f.json;
            match &f.kind {
                Kind::Plain => vec![quote!((#json, #rt::typed::FieldSlot::Kwarg))],
                Kind::Union { type_json, .. } => vec![
                    quote!((#type_json, #rt::typed::FieldSlot::Kwarg)),
                    quote!((#json, #rt::typed::FieldSlot::Kwarg)),
                ],
            }
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
            #(#descriptors)*
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
