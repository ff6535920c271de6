//! The bridge from a hand-written trait (checked by
//! [`crate::idl::rust_trait`]) to the generated callee trait of its interface:
//! `impl<T: Calc + Send + Sync + 'static> calc::ICalc for T`, so every
//! implementation of the user's trait gets the generated `register_all` (and
//! the client is the generated `ICalcClient`) without a second copy of the glue.
//!
//! Only procedures are bridged (the generated callee trait has no topic
//! methods). A procedure written as `async fn` (or returning an `impl Future`
//! without `+ Send`) cannot be bridged: its future is not known to be `Send`,
//! which the registration glue needs; such a trait gets no bridge (see
//! [`bridge_blocker`]).

use proc_macro2::TokenStream;
use quote::quote;

use super::{names, Ctx};
use crate::idl::rust_trait::{RustMethod, RustTrait, RustType};
use crate::idl::Interface;

/// The procedure method that keeps `user` from being bridged, if any: one
/// written as `async fn` or returning an `impl Future` without `Send`.
pub fn bridge_blocker<'t, S>(
    interface: &Interface,
    user: &'t RustTrait<S>,
) -> Option<&'t RustMethod<S>> {
    interface.procedures.iter().find_map(|procedure| {
        let name = names::field_name(&procedure.name);
        user.methods.iter().find(|m| m.name == name).filter(|m| {
            m.is_async || (matches!(m.output, Some(RustType::ImplFuture(_))) && !m.future_is_send)
        })
    })
}

/// Emits the blanket implementation of the interface's generated callee trait
/// for every implementation of `user`. Call it only for a trait that
/// [`crate::idl::rust_trait::check_trait`] accepted and that has no
/// [`bridge_blocker`]; returns nothing otherwise.
pub fn emit<S>(ctx: &Ctx<'_>, interface: &Interface, user: &RustTrait<S>) -> TokenStream {
    if bridge_blocker(interface, user).is_some() {
        return TokenStream::new();
    }
    let rt = &ctx.rt;
    let user_trait = names::ident(&user.name);
    let callee = names::path_from(
        &[],
        &interface.namespace,
        &names::type_ident(&interface.name),
    );
    let mut methods = Vec::new();
    for procedure in &interface.procedures {
        let name = names::field_name(&procedure.name);
        let Some(user_method) = user.methods.iter().find(|m| m.name == name) else {
            return TokenStream::new();
        };
        let ident = names::field_ident(&procedure.name);
        let request = ctx.object_path(&[], procedure.request);
        let response = ctx.object_path(&[], procedure.response);
        let call = quote!(<Self as #user_trait>::#ident(self, request));
        // A synchronous method answers with a ready future.
        let body = match user_method.output {
            Some(RustType::ImplFuture(_)) => call,
            _ => quote!({
                let result = #call;
                async move { result }
            }),
        };
        methods.push(quote! {
            fn #ident(
                &self,
                request: #request,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<#response, #rt::CallError>> + ::core::marker::Send {
                #body
            }
        });
    }
    let doc = format!(
        " Every `{}` serves `{}`: use its `register_all`.",
        user.name, interface.full_name
    );
    quote! {
        #[doc = #doc]
        impl<T: #user_trait + ::core::marker::Send + ::core::marker::Sync + 'static> #callee for T {
            #(#methods)*
        }
    }
}
