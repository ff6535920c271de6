//! The catalogs of the official WAMP catalog (WAMP-REFERENCE §5), as written in
//! `../schemas/`: `wamp-auth.fbs`, `wamp-control.fbs` (URI templates, methods
//! without `wampuri`) and `wamp-exchange.fbs` (methods without `type`), end to
//! end over the in-process router. Their expansions also compile under
//! `#![deny(warnings, missing_docs)]` in this crate's library.

use std::sync::{Arc, Mutex};

use futures::executor::block_on;
use wamp_idl_runtime::router::Router;
use wamp_idl_runtime::typed::MethodKind;
use wamp_idl_runtime::{CallError, Payload, Serializer, Session};
use wamp_idl_tests::auth::wamp::{
    i_wamp_authenticate, AuthenticationRequest, AuthenticationResponse, IWampAuthenticate,
    IWampAuthenticateClient, KeyValue, SessionDetails,
};
use wamp_idl_tests::control::wamp::{
    self as control, i_node_control, INodeControl, INodeControlClient, NewRole, RealmId, RealmIds,
    RealmInfo, RealmName, RealmStats, RealmStopped, RoleInfo, RoleSelector, StartRealm,
};
use wamp_idl_tests::exchange::wamp::{i_wamp_exchange, i_wamp_provider};

/// A router worker that knows one list of realms.
struct Worker {
    realms: Mutex<Vec<String>>,
}

fn not_implemented<T>() -> Result<T, CallError> {
    Err(CallError::new("wamp.error.not_implemented"))
}

impl INodeControl for Worker {
    async fn get_router_realms(&self, _: control::Void) -> Result<RealmIds, CallError> {
        let realms = self.realms.lock().unwrap().clone();
        Ok(RealmIds {
            value: Some(realms),
        })
    }
    async fn get_router_realm(&self, request: RealmId) -> Result<RealmInfo, CallError> {
        let id = request.value.unwrap_or_default();
        if !self.realms.lock().unwrap().contains(&id) {
            return Err(CallError::with_message(
                "crossbar.error.no_such_object",
                format!("no realm {id}"),
            ));
        }
        Ok(RealmInfo {
            id: Some(id),
            has_router: true,
            ..Default::default()
        })
    }
    async fn get_router_realm_by_name(&self, _: RealmName) -> Result<RealmInfo, CallError> {
        not_implemented()
    }
    async fn get_router_realm_stats(&self, _: RealmId) -> Result<RealmStats, CallError> {
        Ok(RealmStats {})
    }
    async fn start_router_realm(&self, request: StartRealm) -> Result<RealmInfo, CallError> {
        let id = request.realm_id.unwrap_or_default();
        self.realms.lock().unwrap().push(id.clone());
        Ok(RealmInfo {
            id: Some(id),
            ..Default::default()
        })
    }
    async fn stop_router_realm(&self, _: RealmId) -> Result<RealmStopped, CallError> {
        not_implemented()
    }
    async fn get_router_realm_roles(
        &self,
        _: control::WampName,
    ) -> Result<control::WampNames, CallError> {
        not_implemented()
    }
    async fn get_router_realm_role(&self, _: RoleSelector) -> Result<RoleInfo, CallError> {
        not_implemented()
    }
    async fn start_router_realm_role(&self, _: NewRole) -> Result<RoleInfo, CallError> {
        not_implemented()
    }
    async fn stop_router_realm_role(&self, _: RoleSelector) -> Result<RoleInfo, CallError> {
        not_implemented()
    }
    async fn get_router_components(
        &self,
        _: control::Void,
    ) -> Result<control::WampNames, CallError> {
        not_implemented()
    }
    async fn get_router_component(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn start_router_component(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn stop_router_component(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn get_router_transports(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn get_router_transport(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn start_router_transport(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn stop_router_transport(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn get_router_realm_links(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn get_router_realm_link(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn start_router_realm_link(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn stop_router_realm_link(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
    async fn kill_by_authid(&self, _: control::Void) -> Result<control::Void, CallError> {
        not_implemented()
    }
}

fn params(node: &str, worker: &str) -> i_node_control::UriParams {
    i_node_control::UriParams {
        node_id: node.into(),
        worker_id: worker.into(),
    }
}

#[test]
fn control_methods_without_wampuri_extend_the_interface_template() {
    assert_eq!(
        i_node_control::uri::GET_ROUTER_REALMS,
        "crossbarfabriccenter.node.<node_id:str>.worker.<worker_id:str>.get_router_realms"
    );
    assert_eq!(
        params("n1", "w1")
            .expand(i_node_control::uri::ON_REALM_STARTED)
            .unwrap(),
        "crossbarfabriccenter.node.n1.worker.w1.on_realm_started"
    );
    let info = &i_node_control::REFLECTION;
    assert_eq!(info.uuid, "cb656a1b-548a-4a73-8638-37b1e6d52408");
    assert_eq!(info.methods.len(), 27);
}

#[test]
fn control_calls_and_events_go_to_the_expanded_uris() {
    for serializer in [Serializer::Json, Serializer::Cbor, Serializer::MsgPack] {
        let router = Router::new();
        let callee = router.join(serializer).unwrap();
        let caller = router.join(serializer).unwrap();
        let worker = Arc::new(Worker {
            realms: Mutex::new(vec!["realm1".into()]),
        });
        block_on(worker.register_all(&callee, &params("n1", "w1"))).unwrap();

        let client = INodeControlClient::new(caller.clone(), params("n1", "w1"));
        let realms = block_on(client.get_router_realms(&control::Void {})).unwrap();
        assert_eq!(realms.value, Some(vec!["realm1".to_string()]));
        let info = block_on(client.get_router_realm(&RealmId {
            value: Some("realm1".into()),
        }))
        .unwrap();
        assert_eq!(info.id.as_deref(), Some("realm1"));
        assert!(info.has_router);
        let missing = block_on(client.get_router_realm(&RealmId {
            value: Some("nope".into()),
        }))
        .unwrap_err();
        assert_eq!(missing.uri(), "crossbar.error.no_such_object");

        // The registration is under the filled-in URI, nothing else.
        let raw = block_on(caller.call(
            "crossbarfabriccenter.node.n1.worker.w1.get_router_realms",
            Default::default(),
            Payload::default(),
        ))
        .unwrap();
        let args: (Vec<String>,) = raw.payload.deserialize_args().unwrap();
        assert_eq!(args.0, ["realm1"]);
        let other_worker = INodeControlClient::new(caller.clone(), params("n1", "w2"));
        let error = block_on(other_worker.get_router_realms(&control::Void {})).unwrap_err();
        assert_eq!(error.uri(), CallError::NO_SUCH_PROCEDURE);

        // A value that is not one URI component never reaches the router.
        let bad = INodeControlClient::new(caller.clone(), params("n1", "w.1"));
        let error = block_on(bad.get_router_realms(&control::Void {})).unwrap_err();
        assert_eq!(error.uri(), CallError::INVALID_URI);
        assert!(format!("{error}").contains("<worker_id:str>"), "{error}");

        // Topics too.
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let subscriber = INodeControlClient::new(callee.clone(), params("n1", "w1"));
        block_on(
            subscriber.subscribe_on_realm_started(move |info: RealmInfo| {
                sink.lock().unwrap().push(info.id.unwrap_or_default());
            }),
        )
        .unwrap();
        let started = block_on(client.start_router_realm(&StartRealm {
            realm_id: Some("realm2".into()),
            ..Default::default()
        }))
        .unwrap();
        let mut options = wamp_idl_runtime::message::keys::PublishOptions::new();
        options.set_acknowledge(true);
        block_on(client.publish_on_realm_started(&started, options)).unwrap();
        assert_eq!(*seen.lock().unwrap(), vec!["realm2".to_string()]);
    }
}

#[test]
fn exchange_methods_without_type_are_procedures_under_the_prefix() {
    assert_eq!(i_wamp_exchange::uri::FIXME, "wamp.fixme");
    assert_eq!(i_wamp_provider::uri::FIXME, "wamp.fixme");
    let method = &i_wamp_exchange::REFLECTION.methods[0];
    assert_eq!(method.kind, MethodKind::Procedure);
    assert_eq!(method.request, "wamp.Void");
}

struct Authenticator;

impl IWampAuthenticate for Authenticator {
    async fn authenticate(
        &self,
        request: AuthenticationRequest,
    ) -> Result<AuthenticationResponse, CallError> {
        let session = request.details.map_or(0, |d| d.session_id);
        Ok(AuthenticationResponse {
            realm: request.realm,
            authid: request.authid,
            role: Some("user".into()),
            extra: Some(vec![KeyValue {
                key: "session".into(),
                value: Some(session.to_string()),
            }]),
            cache: true,
        })
    }
}

#[test]
fn auth_authenticate_round_trip() {
    assert_eq!(
        i_wamp_authenticate::uri::AUTHENTICATE,
        "wamp.session.authenticate"
    );
    let router = Router::new();
    let callee = router.join(Serializer::Cbor).unwrap();
    let caller = router.join(Serializer::Json).unwrap();
    block_on(Arc::new(Authenticator).register_all(&callee)).unwrap();
    let client = IWampAuthenticateClient::new(caller.clone());
    let response = block_on(client.authenticate(&AuthenticationRequest {
        realm: Some("realm1".into()),
        authid: Some("ann".into()),
        details: Some(Box::new(SessionDetails { session_id: 42 })),
    }))
    .unwrap();
    assert_eq!(response.role.as_deref(), Some("user"));
    assert!(response.cache);
    assert_eq!(response.extra.unwrap()[0].value.as_deref(), Some("42"));
}

/// Every combination of present and absent trailing optional args survives a
/// round trip (a regression: with the first of several optional args set,
/// the later ones were dropped from the encoded `args`).
#[test]
fn optional_trailing_args_are_all_sent() {
    use wamp_idl_runtime::typed::{decode_payload, encode_payload, PayloadMode};
    for mask in 0..8u8 {
        let request = AuthenticationRequest {
            realm: (mask & 1 != 0).then(|| "realm1".to_string()),
            authid: (mask & 2 != 0).then(|| "ann".to_string()),
            details: (mask & 4 != 0).then(|| Box::new(SessionDetails { session_id: 7 })),
        };
        let mut details = wamp_idl_runtime::Dict::default();
        let payload = encode_payload(&request, PayloadMode::Values, &mut details).unwrap();
        let sent = payload
            .args()
            .map_or(0, |args| match args.to_value().unwrap() {
                wamp_idl_runtime::Value::List(list) => list.len(),
                other => panic!("args is not a list: {other:?}"),
            });
        let expected = if mask & 4 != 0 {
            3
        } else if mask & 2 != 0 {
            2
        } else {
            usize::from(mask & 1)
        };
        assert_eq!(sent, expected, "mask {mask}");
        let back: AuthenticationRequest = decode_payload(&payload, &details).unwrap();
        assert_eq!(back, request, "mask {mask}");
    }
}

/// `interfaces = [..]` limits the interface code to the named interfaces.
mod only_authorize {
    wamp_idl_runtime::wamp_interface!("../schemas/wamp-auth.fbs", interfaces = ["IWampAuthorize"]);
}

#[test]
fn interface_selection_keeps_the_named_interfaces() {
    assert_eq!(
        only_authorize::wamp::i_wamp_authorize::REFLECTION.name,
        "IWampAuthorize"
    );
    // Payload types of every table are generated either way.
    let _ = only_authorize::wamp::AuthenticationRequest::default();
}
