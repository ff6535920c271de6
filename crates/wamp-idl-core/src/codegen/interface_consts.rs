//! The per-interface module (`IWampMeta` → `pub mod i_wamp_meta`): the
//! interface's name, UUID and URI prefix, the URI of every procedure and
//! topic (`i_wamp_meta::uri::SESSION_GET`), static reflection data
//! (`REFLECTION`), and typed message builders (`call_session_get`,
//! `yield_session_get`, `publish_session_on_join`, `event_session_on_join`,
//! `error`).
//!
//! Also the name checks of every interface (clashes between generated names).

use std::collections::HashMap;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{docs, names, Ctx};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::idl::uri::PlaceholderKind;
use crate::idl::{Interface, Method, MethodKind};
use crate::schema::ObjectId;

/// The module of an interface (`i_wamp_meta`).
pub fn module_ident(interface: &Interface) -> Ident {
    names::module_ident(&interface.name)
}

/// The namespace path of code inside the interface module.
pub fn module_namespace(interface: &Interface) -> Vec<String> {
    let mut ns = interface.namespace.clone();
    ns.push(names::snake_case(&interface.name));
    ns
}

/// A method's Rust name (`session_get`).
pub fn method_ident(method: &Method) -> Ident {
    names::field_ident(&method.name)
}

/// The placeholders of an interface's URI templates, each name once, in the
/// order of first use, with the Rust type of its value: `u64` for an `int`
/// placeholder (used as `int` everywhere), `String` otherwise.
pub fn uri_params(interface: &Interface) -> Vec<(String, bool)> {
    let mut params: Vec<(String, bool)> = Vec::new();
    for method in interface.procedures.iter().chain(&interface.topics) {
        for placeholder in &method.placeholders {
            let is_int = placeholder.kind == PlaceholderKind::Int;
            match params
                .iter_mut()
                .find(|(name, _)| *name == placeholder.name)
            {
                Some((_, int)) => *int &= is_int,
                None => params.push((placeholder.name.clone(), is_int)),
            }
        }
    }
    params
}

/// The URI of `method` as an expression of type `&str` in generated code:
/// the constant, or for a template the constant filled from `params` (an
/// expression of type `&UriParams`), ending the function with `Err` when a
/// value does not fit (its `CallError` converted by `map_err`, if given).
pub fn uri_expr(
    module: &TokenStream,
    method: &Method,
    params: &TokenStream,
    map_err: Option<&TokenStream>,
) -> TokenStream {
    let konst = names::const_ident(&method.name);
    let expanded = quote!(#params.expand(#module::uri::#konst));
    match (method.placeholders.is_empty(), map_err) {
        (true, _) => quote!(#module::uri::#konst),
        (false, Some(map_err)) => quote!(&#expanded.map_err(#map_err)?),
        (false, None) => quote!(&#expanded?),
    }
}

/// Fully qualified schema name of a table.
pub fn full_name(ctx: &Ctx<'_>, id: ObjectId) -> String {
    let object = ctx.schema.object(id);
    if object.namespace.is_empty() {
        object.name.clone()
    } else {
        format!("{}.{}", object.namespace.join("."), object.name)
    }
}

fn joined_docs(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Emits the interface module.
pub fn emit(ctx: &Ctx<'_>, interface: &Interface) -> TokenStream {
    let rt = &ctx.rt;
    let module = module_ident(interface);
    let inner = module_namespace(interface);
    let name = &interface.name;
    let full = &interface.full_name;
    let uuid = interface.uuid.clone().unwrap_or_default();
    let prefix = interface.uri_prefix.clone().unwrap_or_default();
    let iface_docs = joined_docs(&interface.docs);
    let module_doc = format!(
        " Constants, reflection data and typed message builders of the interface `{full}`."
    );
    let mut uri_consts = Vec::new();
    let mut infos = Vec::new();
    let mut builders = Vec::new();
    for method in interface.procedures.iter().chain(&interface.topics) {
        let konst = names::const_ident(&method.name);
        let uri = &method.uri;
        let method_docs = docs(&method.docs, &format!("`{}`.", method.name));
        let kind_doc = format!(
            " URI of the {} `{}`: `{uri}`.",
            method.kind.as_str(),
            method.name
        );
        uri_consts.push(quote! {
            #[doc = #kind_doc]
            #[doc = ""]
            #method_docs
            pub const #konst: &str = #uri;
        });
        let (kind, request_name, response_name) = (
            match method.kind {
                MethodKind::Procedure => quote!(#rt::typed::MethodKind::Procedure),
                MethodKind::Topic => quote!(#rt::typed::MethodKind::Topic),
            },
            full_name(ctx, method.request),
            full_name(ctx, method.response),
        );
        let method_name = &method.name;
        let method_text = joined_docs(&method.docs);
        infos.push(quote! {
            #rt::typed::MethodInfo {
                name: #method_name,
                kind: #kind,
                uri: #uri,
                request: #request_name,
                response: #response_name,
                docs: #method_text,
            }
        });
        let snake = names::snake_case(&method.name);
        let request = ctx.object_path(&inner, method.request);
        let response = ctx.object_path(&inner, method.response);
        match method.kind {
            MethodKind::Procedure => {
                let call = format_ident!("call_{}", snake);
                let yld = format_ident!("yield_{}", snake);
                let call_doc = format!(" A `CALL` of `{uri}` with a typed request.");
                let yield_doc = format!(" A `YIELD` answering `{uri}` with a typed result.");
                let (params_arg, uri) = builder_uri(ctx, method);
                builders.push(quote! {
                    #[doc = #call_doc]
                    pub fn #call(
                        request: u64,
                        #params_arg
                        value: &#request,
                        mode: #rt::typed::PayloadMode,
                    ) -> #rt::Result<#rt::Message> {
                        #rt::typed::call_message(request, #uri, value, mode).map(#rt::Message::Call)
                    }
                    #[doc = #yield_doc]
                    pub fn #yld(
                        request: u64,
                        value: &#response,
                        mode: #rt::typed::PayloadMode,
                    ) -> #rt::Result<#rt::Message> {
                        #rt::typed::yield_message(request, value, mode).map(#rt::Message::Yield)
                    }
                });
            }
            MethodKind::Topic => {
                let publish = format_ident!("publish_{}", snake);
                let event = format_ident!("event_{}", snake);
                let publish_doc = format!(" A `PUBLISH` to `{uri}` with a typed event.");
                let event_doc = format!(" An `EVENT` of `{uri}` with a typed event.");
                let (params_arg, uri) = builder_uri(ctx, method);
                builders.push(quote! {
                    #[doc = #publish_doc]
                    pub fn #publish(
                        request: u64,
                        #params_arg
                        value: &#request,
                        mode: #rt::typed::PayloadMode,
                    ) -> #rt::Result<#rt::Message> {
                        #rt::typed::publish_message(request, #uri, value, mode).map(#rt::Message::Publish)
                    }
                    #[doc = #event_doc]
                    pub fn #event(
                        subscription: u64,
                        publication: u64,
                        value: &#request,
                        mode: #rt::typed::PayloadMode,
                    ) -> #rt::Result<#rt::Message> {
                        #rt::typed::event_message(subscription, publication, value, mode).map(#rt::Message::Event)
                    }
                });
            }
        }
    }
    let uri_params_struct = emit_uri_params(ctx, interface);
    let uri_doc = format!(" URIs of the procedures and topics of `{full}`.");
    quote! {
        #[doc = #module_doc]
        pub mod #module {
            /// The interface's short name.
            pub const NAME: &str = #name;
            /// The interface's fully qualified name.
            pub const FULL_NAME: &str = #full;
            /// The interface UUID (`uuid` attribute).
            pub const UUID: &str = #uuid;
            /// The URI prefix of the interface (`wampuri` attribute).
            pub const URI_PREFIX: &str = #prefix;

            #[doc = #uri_doc]
            pub mod uri {
                #(#uri_consts)*
            }

            #uri_params_struct

            /// Static description of the interface: procedures then topics.
            pub const REFLECTION: #rt::typed::InterfaceInfo = #rt::typed::InterfaceInfo {
                name: #name,
                full_name: #full,
                uuid: #uuid,
                uri_prefix: #prefix,
                docs: #iface_docs,
                methods: &[#(#infos),*],
            };

            #(#builders)*

            /// An `ERROR` answering an `INVOCATION` with an error URI and a typed payload.
            pub fn error<T: #rt::typed::WampPayload>(
                request: u64,
                error: &str,
                value: &T,
                mode: #rt::typed::PayloadMode,
            ) -> #rt::Result<#rt::Message> {
                #rt::typed::error_message(#rt::MessageType::Invocation, request, error, value, mode)
                    .map(#rt::Message::Error)
            }
        }
    }
}

/// The `uri_params: &UriParams,` argument of a builder (none for a plain URI)
/// and the URI expression it uses.
fn builder_uri(ctx: &Ctx<'_>, method: &Method) -> (TokenStream, TokenStream) {
    let rt = &ctx.rt;
    if method.placeholders.is_empty() {
        let konst = names::const_ident(&method.name);
        return (TokenStream::new(), quote!(uri::#konst));
    }
    let map_err = quote!(|error: #rt::CallError| #rt::Error::encode(::std::string::ToString::to_string(&error)));
    (
        quote!(uri_params: &UriParams,),
        uri_expr(&quote!(self), method, &quote!(uri_params), Some(&map_err)),
    )
}

/// `pub struct UriParams` of an interface with URI templates: one field per
/// placeholder, and `expand`.
fn emit_uri_params(ctx: &Ctx<'_>, interface: &Interface) -> TokenStream {
    let params = uri_params(interface);
    if params.is_empty() {
        return TokenStream::new();
    }
    let rt = &ctx.rt;
    let fields = params.iter().map(|(name, is_int)| {
        let ident = names::field_ident(name);
        let ty = if *is_int {
            quote!(u64)
        } else {
            quote!(::std::string::String)
        };
        let doc = format!(" The value of `<{name}>`.");
        quote!(#[doc = #doc] pub #ident: #ty,)
    });
    let values = params.iter().map(|(name, _)| {
        let ident = names::field_ident(name);
        quote!((#name, ::std::string::ToString::to_string(&self.#ident)))
    });
    quote! {
        /// Values for the placeholders of the interface's URI templates.
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::default::Default, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)]
        pub struct UriParams {
            #(#fields)*
        }

        impl UriParams {
            /// Fills `template` (one of the [`uri`] constants) with these values;
            /// a value that is not a valid URI component is a
            /// `wamp.error.invalid_uri` error naming the placeholder.
            pub fn expand(&self, template: &str) -> ::core::result::Result<::std::string::String, #rt::CallError> {
                let values = [#(#values),*];
                let pairs: ::std::vec::Vec<(&str, &str)> = ::core::iter::Iterator::collect(
                    ::core::iter::Iterator::map(values.iter(), |(name, value)| (*name, value.as_str())),
                );
                #rt::uri::expand_template(template, &pairs)
                    .map_err(|message| #rt::CallError::with_message(#rt::CallError::INVALID_URI, message))
            }
        }
    }
}

/// Names taken by the generated client and trait besides the methods.
const CLIENT_RESERVED: &[&str] = &[
    "new",
    "with_payload_mode",
    "payload_mode",
    "session",
    "into_session",
    "uri_params",
];
const TRAIT_RESERVED: &[&str] = &["register_all"];

/// Reports clashes of generated names: two methods mapping to one Rust name,
/// a method name taken by the generated API, or an interface whose trait,
/// client or module name is taken by another item of its namespace.
pub fn check_names(ctx: &Ctx<'_>, diagnostics: &mut Diagnostics) {
    // Items per namespace: types (tables, structs, enums) and their readers.
    let mut taken: HashMap<(Vec<String>, String), (Span, String)> = HashMap::new();
    for object in &ctx.schema.objects {
        for suffix in ["", "Ref"] {
            taken
                .entry((object.namespace.clone(), format!("{}{suffix}", object.name)))
                .or_insert((object.span, format!("`{}`", object.name)));
        }
    }
    for def in &ctx.schema.enums {
        taken
            .entry((def.namespace.clone(), def.name.clone()))
            .or_insert((def.span, format!("`{}`", def.name)));
    }
    // Child modules of each namespace.
    let mut modules: HashMap<(Vec<String>, String), String> = HashMap::new();
    let all_ns = ctx
        .schema
        .objects
        .iter()
        .map(|o| &o.namespace)
        .chain(ctx.schema.enums.iter().map(|e| &e.namespace));
    for ns in all_ns {
        for (depth, part) in ns.iter().enumerate() {
            modules
                .entry((ns[..depth].to_vec(), names::snake_case(part)))
                .or_insert_with(|| ns[..=depth].join("."));
        }
    }
    for interface in &ctx.catalog.interfaces {
        let ns = interface.namespace.clone();
        for generated in [interface.name.clone(), format!("{}Client", interface.name)] {
            let key = (ns.clone(), generated.clone());
            if let Some((span, what)) = taken.get(&key) {
                diagnostics.push(
                    Diagnostic::error(
                        interface.span,
                        format!(
                            "generated name `{generated}` of interface `{}` clashes with the type {what}",
                            interface.name
                        ),
                    )
                    .with_secondary(*span, "first defined here")
                    .with_note("help: rename the interface or the type"),
                );
            } else {
                taken.insert(
                    key,
                    (interface.span, format!("interface `{}`", interface.name)),
                );
            }
        }
        let module = names::snake_case(&interface.name);
        if let Some(namespace) = modules.get(&(ns.clone(), module.clone())) {
            diagnostics.push(
                Diagnostic::error(
                    interface.span,
                    format!(
                        "generated module `{module}` of interface `{}` clashes with the module of namespace `{namespace}`",
                        interface.name
                    ),
                )
                .with_note("help: rename the interface or the namespace"),
            );
        } else {
            modules.insert((ns, module), interface.name.clone());
        }

        let mut methods: HashMap<String, &Method> = HashMap::new();
        let mut client: HashMap<String, &Method> = HashMap::new();
        for method in interface.procedures.iter().chain(&interface.topics) {
            let snake = names::field_name(&method.name);
            if let Some(first) = methods.get(&snake) {
                diagnostics.push(
                    Diagnostic::error(
                        method.span,
                        format!(
                            "method `{}` maps to the Rust name `{snake}`, which is taken by `{}`",
                            method.name, first.name
                        ),
                    )
                    .with_secondary(first.span, "first defined here")
                    .with_note("help: rename one of the methods"),
                );
                continue;
            }
            methods.insert(snake.clone(), method);
            let client_names = match method.kind {
                MethodKind::Procedure => vec![snake.clone()],
                MethodKind::Topic => vec![
                    format!("publish_{snake}"),
                    format!("subscribe_{snake}"),
                    format!("subscribe_{snake}_checked"),
                ],
            };
            for generated in client_names {
                if CLIENT_RESERVED.contains(&generated.as_str()) {
                    diagnostics.push(
                        Diagnostic::error(
                            method.span,
                            format!(
                                "method `{}` maps to `{generated}`, which the generated client `{}Client` uses itself",
                                method.name, interface.name
                            ),
                        )
                        .with_note("help: rename the method"),
                    );
                } else if let Some(first) = client.get(&generated) {
                    diagnostics.push(
                        Diagnostic::error(
                            method.span,
                            format!(
                                "method `{}` needs the client method `{generated}`, which `{}` uses already",
                                method.name, first.name
                            ),
                        )
                        .with_secondary(first.span, "first defined here")
                        .with_note("help: rename one of the methods"),
                    );
                } else {
                    client.insert(generated, method);
                }
            }
            if method.kind == MethodKind::Procedure && TRAIT_RESERVED.contains(&snake.as_str()) {
                diagnostics.push(
                    Diagnostic::error(
                        method.span,
                        format!(
                            "method `{}` maps to `{snake}`, which the generated trait `{}` uses itself",
                            method.name, interface.name
                        ),
                    )
                    .with_note("help: rename the method"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    const ATTRS: &str =
        "attribute type; attribute uuid; attribute wampuri; attribute kwarg; attribute arg;
        table Void {} table A { x: int; y: string (kwarg); }";

    /// Generates code for `text` (after the attribute declarations) and returns
    /// the formatted code and the rendered codegen diagnostics.
    fn run(text: &str) -> (String, String) {
        crate::codegen::tests::run(&format!("{ATTRS}\n{text}"))
    }

    fn service(methods: &str) -> String {
        format!(
            "rpc_service IFoo (type: \"interface\", uuid: \"4b8f4a52-2f05-4c39-9a4b-9d8f6c0f1e01\", wampuri: \"foo\") {{ {methods} }}"
        )
    }

    #[test]
    fn interface_items_are_generated() {
        let (code, diagnostics) = run(&service(
            "doIt (A): A (type: \"procedure\", wampuri: \"foo.do_it\");
             changed (A): Void (type: \"topic\", wampuri: \"foo.changed\");",
        ));
        assert_eq!(diagnostics, "");
        assert!(code.contains("pub trait IFoo"), "{code}");
        assert!(code.contains("fn do_it("), "{code}");
        assert!(code.contains("pub struct IFooClient<S>"), "{code}");
        assert!(code.contains("pub async fn publish_changed("), "{code}");
        assert!(
            code.contains("pub async fn subscribe_changed_checked<F>("),
            "{code}"
        );
        assert!(code.contains("pub mod i_foo {"), "{code}");
        assert!(
            code.contains("pub const DO_IT: &str = \"foo.do_it\";"),
            "{code}"
        );
        assert!(code.contains("pub fn call_do_it("), "{code}");
        assert!(code.contains("pub fn event_changed("), "{code}");
        assert!(
            code.contains("impl ::wamp_idl_runtime::typed::WampPayload for A"),
            "{code}"
        );
        assert!(!code.contains("unsafe"), "{code}");
    }

    #[test]
    fn clashing_method_names_are_reported() {
        let (_, diagnostics) = run(&service(
            "doIt (A): A (type: \"procedure\", wampuri: \"foo.a\");
             do_it (A): A (type: \"procedure\", wampuri: \"foo.b\");
             new (A): A (type: \"procedure\", wampuri: \"foo.c\");
             register_all (A): A (type: \"procedure\", wampuri: \"foo.d\");
             publish_x (A): A (type: \"procedure\", wampuri: \"foo.e\");
             x (A): Void (type: \"topic\", wampuri: \"foo.f\");",
        ));
        assert!(
            diagnostics
                .contains("method `do_it` maps to the Rust name `do_it`, which is taken by `doIt`"),
            "{diagnostics}"
        );
        assert!(
            diagnostics.contains(
                "method `new` maps to `new`, which the generated client `IFooClient` uses itself"
            ),
            "{diagnostics}"
        );
        assert!(
            diagnostics.contains("which the generated trait `IFoo` uses itself"),
            "{diagnostics}"
        );
        assert!(
            diagnostics.contains(
                "method `x` needs the client method `publish_x`, which `publish_x` uses already"
            ),
            "{diagnostics}"
        );
    }

    #[test]
    fn interface_names_clashing_with_types_are_reported() {
        let (_, diagnostics) = run(&format!(
            "table IFooClient {{ a: int; }} {}",
            service("a (A): A (type: \"procedure\", wampuri: \"foo.a\");")
        ));
        assert!(
            diagnostics.contains("generated name `IFooClient` of interface `IFoo` clashes with the type `IFooClient`"),
            "{diagnostics}"
        );
    }

    #[test]
    fn union_fields_in_payload_tables_are_generated() {
        let (code, diagnostics) = run(&format!(
            "union U {{ A }} table WithUnion {{ n: int; u: U; v: [U] (kwarg); }} {}",
            service("a (WithUnion): A (type: \"procedure\", wampuri: \"foo.a\");")
        ));
        assert_eq!(diagnostics, "");
        let flat: String = code.split_whitespace().collect();
        // `u_type` takes its own position before `u`; `v` and `v_type` are kwargs.
        assert!(
            flat.contains("(\"u_type\",::wamp_idl_runtime::typed::FieldSlot::Arg(1usize))"),
            "{code}"
        );
        assert!(
            flat.contains("(\"u\",::wamp_idl_runtime::typed::FieldSlot::Arg(2usize))"),
            "{code}"
        );
        assert!(
            flat.contains("(\"v_type\",::wamp_idl_runtime::typed::FieldSlot::Kwarg)"),
            "{code}"
        );
        assert!(
            code.contains("the positional arguments `args[1]` (`u_type`"),
            "{code}"
        );
        assert!(code.contains("the keyword arguments `v_type`"), "{code}");
    }
}
