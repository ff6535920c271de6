//! A client of the WAMP meta API catalog (`schemas/wamp-meta.fbs`): the
//! generated `IWampMetaClient` calls a callee that implements the session
//! part of the generated `IWampMeta` trait from what it knows of the router
//! (the in-process router has no meta API of its own). Procedures it does not
//! implement answer `wamp.error.not_implemented`.
//!
//! Run: `cargo run -p wamp-idl-examples --example meta_client`

use std::sync::{Arc, Mutex};

use wamp_idl_runtime::router::Router;
use wamp_idl_runtime::{CallError, Serializer};

mod api {
    wamp_idl_runtime::wamp_interface!("../schemas/wamp-meta.fbs");
}

use api::wamp::{self as meta, i_wamp_meta, IWampMeta, IWampMetaClient};

/// Sessions the callee knows about: id and authrole.
#[derive(Default)]
struct SessionMeta {
    sessions: Mutex<Vec<(u64, String)>>,
}

impl SessionMeta {
    fn ids(&self, roles: Option<&[String]>) -> Vec<u64> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions
            .iter()
            .filter(|(_, role)| roles.is_none_or(|roles| roles.contains(role)))
            .map(|(id, _)| *id)
            .collect()
    }
}

fn not_implemented<T>() -> Result<T, CallError> {
    Err(CallError::with_message(
        "wamp.error.not_implemented",
        "this example implements the session meta procedures only",
    ))
}

impl IWampMeta for SessionMeta {
    async fn session_count(&self, request: meta::SessionFilter) -> Result<meta::Count, CallError> {
        let count = self.ids(request.filter_authroles.as_deref()).len() as u64;
        Ok(meta::Count { count })
    }
    async fn session_list(
        &self,
        request: meta::SessionFilter,
    ) -> Result<meta::SessionIds, CallError> {
        Ok(meta::SessionIds {
            session_ids: Some(self.ids(request.filter_authroles.as_deref())),
        })
    }
    async fn session_get(&self, request: meta::SessionId) -> Result<meta::SessionInfo, CallError> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let Some((id, role)) = sessions.iter().find(|(id, _)| *id == request.session) else {
            return Err(CallError::with_message(
                "wamp.error.no_such_session",
                format!("no session {}", request.session),
            ));
        };
        Ok(meta::SessionInfo {
            details: Some(
                meta::SessionDetails {
                    session: *id,
                    authrole: Some(role.clone()),
                    authmethod: Some("anonymous".into()),
                    ..Default::default()
                }
                .into(),
            ),
        })
    }
    async fn session_kill(&self, _: meta::SessionKill) -> Result<meta::Void, CallError> {
        not_implemented()
    }
    async fn session_kill_by_authid(
        &self,
        _: meta::SessionKillByAuthid,
    ) -> Result<meta::Count, CallError> {
        not_implemented()
    }
    async fn session_kill_by_authrole(
        &self,
        _: meta::SessionKillByAuthrole,
    ) -> Result<meta::Count, CallError> {
        not_implemented()
    }
    async fn session_kill_all(&self, _: meta::KillReason) -> Result<meta::Count, CallError> {
        not_implemented()
    }
    async fn registration_list(
        &self,
        _: meta::Void,
    ) -> Result<meta::RegistrationListResult, CallError> {
        not_implemented()
    }
    async fn registration_lookup(
        &self,
        _: meta::RegistrationLookup,
    ) -> Result<meta::RegistrationIdResult, CallError> {
        not_implemented()
    }
    async fn registration_match(
        &self,
        _: meta::RegistrationMatch,
    ) -> Result<meta::RegistrationIdResult, CallError> {
        not_implemented()
    }
    async fn registration_get(
        &self,
        _: meta::RegistrationId,
    ) -> Result<meta::RegistrationGetResult, CallError> {
        not_implemented()
    }
    async fn registration_list_callees(
        &self,
        _: meta::RegistrationId,
    ) -> Result<meta::CalleeIds, CallError> {
        not_implemented()
    }
    async fn registration_count_callees(
        &self,
        _: meta::RegistrationId,
    ) -> Result<meta::Count, CallError> {
        not_implemented()
    }
    async fn subscription_list(
        &self,
        _: meta::Void,
    ) -> Result<meta::SubscriptionListResult, CallError> {
        not_implemented()
    }
    async fn subscription_lookup(
        &self,
        _: meta::SubscriptionLookup,
    ) -> Result<meta::SubscriptionIdResult, CallError> {
        not_implemented()
    }
    async fn subscription_match(
        &self,
        _: meta::SubscriptionMatch,
    ) -> Result<meta::SubscriptionIds, CallError> {
        not_implemented()
    }
    async fn subscription_get(
        &self,
        _: meta::SubscriptionId,
    ) -> Result<meta::SubscriptionGetResult, CallError> {
        not_implemented()
    }
    async fn subscription_list_subscribers(
        &self,
        _: meta::SubscriptionId,
    ) -> Result<meta::SubscriberIds, CallError> {
        not_implemented()
    }
    async fn subscription_count_subscribers(
        &self,
        _: meta::SubscriptionId,
    ) -> Result<meta::Count, CallError> {
        not_implemented()
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), CallError> {
    let router = Router::new();
    let callee = router.join(Serializer::Cbor)?;
    let caller = router.join(Serializer::Json)?;
    let service = Arc::new(SessionMeta::default());
    {
        let mut sessions = service.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.push((callee.id(), "backend".into()));
        sessions.push((caller.id(), "frontend".into()));
    }
    let registrations = Arc::clone(&service).register_all(&callee).await?;
    println!(
        "meta callee registered {} procedures of {} (uuid {})",
        registrations.len(),
        i_wamp_meta::FULL_NAME,
        i_wamp_meta::UUID
    );

    let client = IWampMetaClient::new(caller.clone());
    let count = client.session_count(&Default::default()).await?;
    println!("{} -> {}", i_wamp_meta::uri::SESSION_COUNT, count.count);

    let frontends = client
        .session_list(&meta::SessionFilter {
            filter_authroles: Some(vec!["frontend".into()]),
        })
        .await?;
    println!(
        "{} [[\"frontend\"]] -> {:?}",
        i_wamp_meta::uri::SESSION_LIST,
        frontends.session_ids.unwrap_or_default()
    );

    let info = client
        .session_get(&meta::SessionId {
            session: callee.id(),
        })
        .await?;
    if let Some(details) = info.details {
        println!(
            "{} [{}] -> authrole {:?}, authmethod {:?}",
            i_wamp_meta::uri::SESSION_GET,
            details.session,
            details.authrole.unwrap_or_default(),
            details.authmethod.unwrap_or_default()
        );
    }

    let error = client
        .registration_list(&meta::Void::default())
        .await
        .expect_err("not implemented by this callee");
    println!(
        "{} -> ERROR {} ({})",
        i_wamp_meta::uri::REGISTRATION_LIST,
        error.uri(),
        error.message().unwrap_or_default()
    );

    // Checked before the callee sees it: 0 is not a WAMP id.
    let error = client
        .session_get(&meta::SessionId { session: 0 })
        .await
        .expect_err("0 is not a session id");
    println!(
        "{} [0] -> ERROR {} ({})",
        i_wamp_meta::uri::SESSION_GET,
        error.uri(),
        error.message().unwrap_or_default()
    );

    println!(
        "the interface has {} methods:",
        i_wamp_meta::REFLECTION.methods.len()
    );
    for method in i_wamp_meta::REFLECTION.methods.iter().take(4) {
        println!(
            "  {:?} {} ({} -> {})",
            method.kind, method.uri, method.request, method.response
        );
    }
    println!("  ...");

    callee.leave()?;
    caller.leave()?;
    Ok(())
}
