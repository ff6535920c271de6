//! The caller of an interface (`pub struct IWampMetaClient<S>`): one typed
//! async method per procedure, and `publish_<topic>` / `subscribe_<topic>` /
//! `subscribe_<topic>_checked` per topic, over any `Session`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::interface_consts::{method_ident, module_ident, uri_expr, uri_params};
use super::{docs, names, Ctx};
use crate::idl::Interface;

/// Emits the client struct.
pub fn emit(ctx: &Ctx<'_>, interface: &Interface) -> TokenStream {
    let rt = &ctx.rt;
    let ns = &interface.namespace;
    let client = format_ident!("{}Client", interface.name);
    let module = module_ident(interface);
    let doc = format!(
        " A typed client of `{}`: calls its procedures and publishes and subscribes to its topics over a [`{}`].",
        interface.full_name,
        quote!(#rt::Session).to_string().replace(' ', "")
    );
    let templated = !uri_params(interface).is_empty();
    let module_path = quote!(#module);
    let params = quote!(self.uri_params);
    let uri_of = |method| uri_expr(&module_path, method, &params, None);
    let mut methods = Vec::new();
    for method in &interface.procedures {
        let ident = method_ident(method);
        let request = ctx.object_path(ns, method.request);
        let response = ctx.object_path(ns, method.response);
        let uri = uri_of(method);
        let method_docs = docs(&method.docs, &format!("`{}`.", method.name));
        let call_doc = format!(
            " Calls `{}`; an `ERROR` reply (or a `RESULT` that does not fit the result type) is the `Err`.",
            method.uri
        );
        methods.push(quote! {
            #method_docs
            #[doc = ""]
            #[doc = #call_doc]
            pub async fn #ident(&self, request: &#request) -> ::core::result::Result<#response, #rt::CallError> {
                #rt::typed::call(&self.session, #uri, request, self.mode).await
            }
        });
    }
    for topic in &interface.topics {
        let snake = names::snake_case(&topic.name);
        let publish = format_ident!("publish_{}", snake);
        let subscribe = format_ident!("subscribe_{}", snake);
        let checked = format_ident!("subscribe_{}_checked", snake);
        let event = ctx.object_path(ns, topic.request);
        let uri = uri_of(topic);
        let topic_docs = docs(&topic.docs, &format!("`{}`.", topic.name));
        let publish_doc = format!(
            " Publishes to `{}` (returns the publication id with `acknowledge` set in `options`).",
            topic.uri
        );
        let subscribe_doc = format!(
            " Subscribes to `{}`; `handler` gets each event decoded and validated (events that do not fit are dropped: see the `_checked` variant).",
            topic.uri
        );
        let checked_doc = format!(
            " Subscribes to `{}`; `handler` gets each decoded and validated event, or the error of one that does not fit.",
            topic.uri
        );
        methods.push(quote! {
            #topic_docs
            #[doc = ""]
            #[doc = #publish_doc]
            pub async fn #publish(
                &self,
                event: &#event,
                options: #rt::message::keys::PublishOptions,
            ) -> ::core::result::Result<::core::option::Option<u64>, #rt::CallError> {
                #rt::typed::publish(&self.session, #uri, event, options, self.mode).await
            }

            #topic_docs
            #[doc = ""]
            #[doc = #subscribe_doc]
            pub async fn #subscribe<F>(&self, handler: F) -> ::core::result::Result<#rt::session::Subscription, #rt::CallError>
            where
                F: ::core::ops::Fn(#event) + ::core::marker::Send + ::core::marker::Sync + 'static,
            {
                #rt::typed::subscribe(&self.session, #uri, move |event: ::core::result::Result<#event, #rt::typed::PayloadError>| {
                    if let ::core::result::Result::Ok(event) = event {
                        handler(event);
                    }
                })
                .await
            }

            #topic_docs
            #[doc = ""]
            #[doc = #checked_doc]
            pub async fn #checked<F>(&self, handler: F) -> ::core::result::Result<#rt::session::Subscription, #rt::CallError>
            where
                F: ::core::ops::Fn(::core::result::Result<#event, #rt::typed::PayloadError>)
                    + ::core::marker::Send
                    + ::core::marker::Sync
                    + 'static,
            {
                #rt::typed::subscribe(&self.session, #uri, handler).await
            }
        });
    }
    // An interface with URI templates needs their values to address anything.
    let (params_field, params_arg, params_init, params_getter) = if templated {
        (
            quote!(uri_params: #module::UriParams,),
            quote!(, uri_params: #module::UriParams),
            quote!(uri_params,),
            quote! {
                /// The values filled into the interface's URI templates.
                pub fn uri_params(&self) -> &#module::UriParams {
                    &self.uri_params
                }
            },
        )
    } else {
        Default::default()
    };
    let new_doc = if templated {
        " A client sending args/kwargs payloads over `session`, addressing the URIs the templates give with `uri_params`."
    } else {
        " A client sending args/kwargs payloads over `session`."
    };
    quote! {
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::fmt::Debug)]
        pub struct #client<S> {
            session: S,
            mode: #rt::typed::PayloadMode,
            #params_field
        }

        impl<S: #rt::Session> #client<S> {
            #[doc = #new_doc]
            pub fn new(session: S #params_arg) -> Self {
                Self { session, mode: #rt::typed::PayloadMode::Values, #params_init }
            }

            #params_getter

            /// The same client, sending requests and events in `mode` (e.g.
            /// FlatBuffers transparent payloads).
            pub fn with_payload_mode(mut self, mode: #rt::typed::PayloadMode) -> Self {
                self.mode = mode;
                self
            }

            /// How requests and events are put into messages.
            pub fn payload_mode(&self) -> #rt::typed::PayloadMode {
                self.mode
            }

            /// The session.
            pub fn session(&self) -> &S {
                &self.session
            }

            /// Gives the session back.
            pub fn into_session(self) -> S {
                self.session
            }

            #(#methods)*
        }
    }
}
