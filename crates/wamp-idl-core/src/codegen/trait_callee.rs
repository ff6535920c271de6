//! The callee trait of an interface (`pub trait IWampMeta`): one method per
//! procedure taking the typed request and returning a `Send` future of the
//! typed result (implementations write `async fn`), and `register_all`, which
//! registers every procedure on a session through
//! `wamp_idl_runtime::typed::procedure_handler` (decode, validate, call,
//! answer YIELD or ERROR).

use proc_macro2::TokenStream;
use quote::quote;

use super::interface_consts::{method_ident, module_ident, uri_expr, uri_params};
use super::{docs, names, Ctx};
use crate::idl::Interface;

/// Emits the callee trait.
pub fn emit(ctx: &Ctx<'_>, interface: &Interface) -> TokenStream {
    let rt = &ctx.rt;
    let ns = &interface.namespace;
    let name = names::type_ident(&interface.name);
    let module = module_ident(interface);
    let trait_docs = docs(
        &interface.docs,
        &format!("The interface `{}`.", interface.full_name),
    );
    let callee_doc = format!(
        " The callee side of `{}`: implement it and call [`{}::register_all`] to serve every procedure on a session.",
        interface.full_name, interface.name
    );
    let mut methods = Vec::new();
    let mut handlers = Vec::new();
    for method in &interface.procedures {
        let ident = method_ident(method);
        let request = ctx.object_path(ns, method.request);
        let response = ctx.object_path(ns, method.response);
        let method_docs = docs(&method.docs, &format!("`{}`.", method.name));
        let uri_doc = format!(" Procedure `{}`.", method.uri);
        let uri = uri_expr(&quote!(#module), method, &quote!(uri_params), None);
        methods.push(quote! {
            #method_docs
            #[doc = ""]
            #[doc = #uri_doc]
            fn #ident(
                &self,
                request: #request,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<#response, #rt::CallError>> + ::core::marker::Send;
        });
        handlers.push(quote! {
            (
                ::std::string::ToString::to_string(#uri),
                #rt::typed::procedure_handler({
                    let service = <::std::sync::Arc<Self> as ::core::clone::Clone>::clone(&self);
                    move |request: #request| {
                        let service = <::std::sync::Arc<Self> as ::core::clone::Clone>::clone(&service);
                        async move { service.#ident(request).await }
                    }
                }),
            )
        });
    }
    let templated = !uri_params(interface).is_empty();
    let params_arg = if templated {
        quote!(uri_params: &#module::UriParams,)
    } else {
        TokenStream::new()
    };
    let register_doc = format!(
        " Registers every procedure of the interface on `session`{}. Each INVOCATION is decoded and validated (a payload that does not fit is answered with `wamp.error.invalid_argument` and the field path as `args[0]`), then the method runs and its result is sent as YIELD, or its error as ERROR. If a registration fails, the ones made before it are undone.",
        if templated { ", under the URIs its templates give with `uri_params`" } else { "" }
    );
    quote! {
        #trait_docs
        #[doc = ""]
        #[doc = #callee_doc]
        pub trait #name: ::core::marker::Send + ::core::marker::Sync + 'static {
            #(#methods)*

            #[doc = #register_doc]
            fn register_all<S: #rt::Session + ?::core::marker::Sized>(
                self: ::std::sync::Arc<Self>,
                session: &S,
                #params_arg
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<::std::vec::Vec<#rt::session::Registration>, #rt::CallError>,
            > + ::core::marker::Send
            where
                Self: ::core::marker::Sized,
            {
                async move {
                    // URI templates are filled before anything is registered.
                    let procedures: ::std::vec::Vec<(::std::string::String, #rt::session::InvocationHandler)> =
                        ::std::vec![#(#handlers),*];
                    #rt::typed::register_procedures(session, procedures).await
                }
            }
        }
    }
}
