//! Typed access to the Options/Details dictionaries (WAMP-REFERENCE §1.2).
//!
//! Each wrapper (e.g. [`PublishOptions`]) owns the ordered [`Dict`] as it is on
//! the wire, so unknown keys round-trip; it derefs to the `Dict`. For every key
//! it knows it has a getter, a setter, and a validation rule: `validate`
//! rejects a known key with the wrong type, naming it, e.g.
//! `PUBLISH options.acknowledge: expected bool, got string`. Unknown keys are
//! ignored, as the spec requires.
//!
//! # Examples
//!
//! ```
//! use wamp_idl_runtime::message::keys::{MatchPolicy, SubscribeOptions};
//!
//! let mut options = SubscribeOptions::new();
//! options.set_match_policy(MatchPolicy::Prefix).set_get_retained(true);
//! options.insert("_custom_key", 42u64); // unknown keys are kept
//! assert_eq!(options.match_policy(), Some(MatchPolicy::Prefix));
//! assert!(options.validate().is_ok());
//! ```

use std::ops::{Deref, DerefMut};

use crate::error::{Error, Result};
use crate::id::is_valid_id;
use crate::value::{Dict, Value};

/// How a value of one known key is read, written and checked.
pub trait KeyKind {
    /// What the getter returns.
    type Get<'a>;
    /// What the setter takes.
    type Set;
    /// Reads the value if it has the right type.
    fn get(value: &Value) -> Option<Self::Get<'_>>;
    /// Converts a typed value to its wire form.
    fn set(value: Self::Set) -> Value;
    /// Checks the value; on failure says what was expected and what was found.
    fn check(value: &Value) -> std::result::Result<(), String>;
}

fn expected(what: &str, got: &Value) -> String {
    format!("expected {what}, got {}", got.type_name())
}

/// A boolean key.
#[derive(Debug)]
pub enum Bool {}
impl KeyKind for Bool {
    type Get<'a> = bool;
    type Set = bool;
    fn get(value: &Value) -> Option<bool> {
        value.as_bool()
    }
    fn set(value: bool) -> Value {
        Value::Bool(value)
    }
    fn check(value: &Value) -> std::result::Result<(), String> {
        value
            .as_bool()
            .map(drop)
            .ok_or_else(|| expected("bool", value))
    }
}

/// A non-negative integer key (e.g. `timeout` in ms, `trustlevel`).
#[derive(Debug)]
pub enum UInt {}
impl KeyKind for UInt {
    type Get<'a> = u64;
    type Set = u64;
    fn get(value: &Value) -> Option<u64> {
        value.as_u64()
    }
    fn set(value: u64) -> Value {
        Value::UInt(value)
    }
    fn check(value: &Value) -> std::result::Result<(), String> {
        value
            .as_u64()
            .map(drop)
            .ok_or_else(|| expected("non-negative integer", value))
    }
}

/// A WAMP ID key (`1 ..= 2^53`), e.g. a session id.
#[derive(Debug)]
pub enum Id {}
impl KeyKind for Id {
    type Get<'a> = u64;
    type Set = u64;
    fn get(value: &Value) -> Option<u64> {
        value.as_u64().filter(|id| is_valid_id(*id))
    }
    fn set(value: u64) -> Value {
        Value::UInt(value)
    }
    fn check(value: &Value) -> std::result::Result<(), String> {
        match value.as_u64() {
            Some(id) if is_valid_id(id) => Ok(()),
            Some(id) => Err(format!("{id} is not a valid ID (1 to 2^53)")),
            None => Err(expected("ID", value)),
        }
    }
}

/// A string key (also used for URIs and auth ids).
#[derive(Debug)]
pub enum Str {}
impl KeyKind for Str {
    type Get<'a> = &'a str;
    type Set = String;
    fn get(value: &Value) -> Option<&str> {
        value.as_str()
    }
    fn set(value: String) -> Value {
        Value::Str(value)
    }
    fn check(value: &Value) -> std::result::Result<(), String> {
        value
            .as_str()
            .map(drop)
            .ok_or_else(|| expected("string", value))
    }
}

/// A dictionary key (e.g. `roles`, `authextra`).
#[derive(Debug)]
pub enum AnyDict {}
impl KeyKind for AnyDict {
    type Get<'a> = &'a Dict;
    type Set = Dict;
    fn get(value: &Value) -> Option<&Dict> {
        value.as_dict()
    }
    fn set(value: Dict) -> Value {
        Value::Dict(value)
    }
    fn check(value: &Value) -> std::result::Result<(), String> {
        value
            .as_dict()
            .map(drop)
            .ok_or_else(|| expected("dict", value))
    }
}

/// A list of WAMP IDs (e.g. `exclude`, `eligible`).
#[derive(Debug)]
pub enum IdList {}
impl KeyKind for IdList {
    type Get<'a> = Vec<u64>;
    type Set = Vec<u64>;
    fn get(value: &Value) -> Option<Vec<u64>> {
        value.as_list()?.iter().map(Id::get).collect()
    }
    fn set(value: Vec<u64>) -> Value {
        Value::List(value.into_iter().map(Value::UInt).collect())
    }
    fn check(value: &Value) -> std::result::Result<(), String> {
        let list = value
            .as_list()
            .ok_or_else(|| expected("list of IDs", value))?;
        for (i, item) in list.iter().enumerate() {
            Id::check(item).map_err(|e| format!("item {i}: {e}"))?;
        }
        Ok(())
    }
}

/// A list of strings (e.g. `exclude_authid`, `authmethods`).
#[derive(Debug)]
pub enum StrList {}
impl KeyKind for StrList {
    type Get<'a> = Vec<&'a str>;
    type Set = Vec<String>;
    fn get(value: &Value) -> Option<Vec<&str>> {
        value.as_list()?.iter().map(Value::as_str).collect()
    }
    fn set(value: Vec<String>) -> Value {
        Value::List(value.into_iter().map(Value::Str).collect())
    }
    fn check(value: &Value) -> std::result::Result<(), String> {
        let list = value
            .as_list()
            .ok_or_else(|| expected("list of strings", value))?;
        for (i, item) in list.iter().enumerate() {
            Str::check(item).map_err(|e| format!("item {i}: {e}"))?;
        }
        Ok(())
    }
}

/// One hop of a router-to-router `forward_for` chain (autobahn extension).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardFor {
    /// Session id of the forwarding party.
    pub session: u64,
    /// Its authid.
    pub authid: String,
    /// Its authrole.
    pub authrole: String,
}

/// The `forward_for` key: a list of `{session, authid, authrole}`.
#[derive(Debug)]
pub enum ForwardForList {}
impl KeyKind for ForwardForList {
    type Get<'a> = Vec<ForwardFor>;
    type Set = Vec<ForwardFor>;
    fn get(value: &Value) -> Option<Vec<ForwardFor>> {
        value
            .as_list()?
            .iter()
            .map(|hop| {
                let d = hop.as_dict()?;
                Some(ForwardFor {
                    session: d.get("session")?.as_u64()?,
                    authid: d.get("authid")?.as_str()?.to_owned(),
                    authrole: d.get("authrole")?.as_str()?.to_owned(),
                })
            })
            .collect()
    }
    fn set(value: Vec<ForwardFor>) -> Value {
        Value::List(
            value
                .into_iter()
                .map(|hop| {
                    let mut d = Dict::with_capacity(3);
                    d.insert("session", hop.session);
                    d.insert("authid", hop.authid);
                    d.insert("authrole", hop.authrole);
                    Value::Dict(d)
                })
                .collect(),
        )
    }
    fn check(value: &Value) -> std::result::Result<(), String> {
        let list = value
            .as_list()
            .ok_or_else(|| expected("list of {session, authid, authrole}", value))?;
        for (i, hop) in list.iter().enumerate() {
            let d = hop
                .as_dict()
                .ok_or_else(|| format!("item {i}: {}", expected("dict", hop)))?;
            for (key, check) in [
                (
                    "session",
                    Id::check as fn(&Value) -> std::result::Result<(), String>,
                ),
                ("authid", Str::check),
                ("authrole", Str::check),
            ] {
                let v = d
                    .get(key)
                    .ok_or_else(|| format!("item {i}: missing key `{key}`"))?;
                check(v).map_err(|e| format!("item {i}.{key}: {e}"))?;
            }
        }
        Ok(())
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }
        impl $name {
            /// The wire string.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }
            /// Parses the wire string.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }
        }
        impl KeyKind for $name {
            type Get<'a> = $name;
            type Set = $name;
            fn get(value: &Value) -> Option<$name> {
                value.as_str().and_then($name::parse)
            }
            fn set(value: $name) -> Value {
                Value::from(value.as_str())
            }
            fn check(value: &Value) -> std::result::Result<(), String> {
                let allowed = [$(concat!("\"", $text, "\"")),*].join(", ");
                match value.as_str() {
                    Some(s) if $name::parse(s).is_some() => Ok(()),
                    Some(s) => Err(format!("expected one of {allowed}, got {s:?}")),
                    None => Err(expected(&format!("one of {allowed}"), value)),
                }
            }
        }
    };
}

string_enum! {
    /// `match` of SUBSCRIBE and REGISTER.
    MatchPolicy { /// Exact URI (default).
        Exact = "exact", /// URI prefix.
        Prefix = "prefix", /// Empty components match anything.
        Wildcard = "wildcard" }
}
string_enum! {
    /// `invoke` of REGISTER (shared registration).
    InvokePolicy { /// Only one registration (default).
        Single = "single", /// Round robin.
        RoundRobin = "roundrobin", /// Random callee.
        Random = "random", /// First registered callee.
        First = "first", /// Last registered callee.
        Last = "last" }
}
string_enum! {
    /// `mode` of CANCEL.
    CancelMode { /// Send ERROR to the caller, do not interrupt the callee.
        Skip = "skip", /// Interrupt, wait for the callee's ERROR.
        Kill = "kill", /// Interrupt, answer the caller at once.
        KillNoWait = "killnowait" }
}
string_enum! {
    /// `mode` of INTERRUPT.
    InterruptMode { /// Wait for the callee's ERROR.
        Kill = "kill", /// The caller does not wait.
        KillNoWait = "killnowait" }
}

/// `enc_algo` (autobahn's name for `ppt_scheme`): `cryptobox`, `mqtt`, `xbr` or
/// a custom `x_…` value.
#[derive(Debug)]
pub enum EncAlgo {}
impl KeyKind for EncAlgo {
    type Get<'a> = &'a str;
    type Set = String;
    fn get(value: &Value) -> Option<&str> {
        value.as_str()
    }
    fn set(value: String) -> Value {
        Value::Str(value)
    }
    fn check(value: &Value) -> std::result::Result<(), String> {
        check_enc_value(value, &["cryptobox", "mqtt", "xbr"])
    }
}

/// `enc_serializer` (autobahn's name for `ppt_serializer`): `json`, `msgpack`,
/// `cbor`, `ubjson`, `flatbuffers` or a custom `x_…` value.
#[derive(Debug)]
pub enum EncSerializer {}
impl KeyKind for EncSerializer {
    type Get<'a> = &'a str;
    type Set = String;
    fn get(value: &Value) -> Option<&str> {
        value.as_str()
    }
    fn set(value: String) -> Value {
        Value::Str(value)
    }
    fn check(value: &Value) -> std::result::Result<(), String> {
        check_enc_value(value, &["json", "msgpack", "cbor", "ubjson", "flatbuffers"])
    }
}

fn check_enc_value(value: &Value, allowed: &[&str]) -> std::result::Result<(), String> {
    let list = || {
        let mut names: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
        names.push("\"x_…\"".to_owned());
        names.join(", ")
    };
    match value.as_str() {
        Some(s) if allowed.contains(&s) || (s.starts_with("x_") && s.len() > 2) => Ok(()),
        Some(s) => Err(format!("expected one of {}, got {s:?}", list())),
        None => Err(expected(&format!("one of {}", list()), value)),
    }
}

/// A validation rule: key name and check.
type Rule = (&'static str, fn(&Value) -> std::result::Result<(), String>);

fn validate_dict(context: &str, dict: &Dict, rules: &[Rule]) -> Result<()> {
    for (key, value) in dict.iter() {
        if let Some((_, check)) = rules.iter().find(|(k, _)| *k == key) {
            check(value).map_err(|msg| Error::protocol(format!("{context}.{key}: {msg}")))?;
        }
    }
    Ok(())
}

macro_rules! dict_type {
    (
        $(#[$meta:meta])*
        $name:ident($context:literal) {
            $($key:literal => $get:ident, $set:ident: $kind:ty;)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name(pub Dict);

        impl $name {
            /// An empty dictionary.
            pub fn new() -> Self {
                Self(Dict::new())
            }

            /// The keys this type knows, with their checks.
            const RULES: &'static [Rule] = &[$(($key, <$kind as KeyKind>::check)),*];

            /// The names of the keys this type knows.
            pub fn known_keys() -> impl Iterator<Item = &'static str> {
                Self::RULES.iter().map(|(k, _)| *k)
            }

            /// Checks the type of every known key; the error names the key.
            pub fn validate(&self) -> Result<()> {
                validate_dict($context, &self.0, Self::RULES)
            }

            /// Like `validate`, with `context` (e.g. `"YIELD options"`) naming the
            /// dictionary in the error.
            pub fn validate_in(&self, context: &str) -> Result<()> {
                validate_dict(context, &self.0, Self::RULES)
            }

            /// The underlying dictionary.
            pub fn into_dict(self) -> Dict {
                self.0
            }

            $(
                #[doc = concat!("The `", $key, "` key, if present with the right type.")]
                pub fn $get(&self) -> Option<<$kind as KeyKind>::Get<'_>> {
                    self.0.get($key).and_then(<$kind as KeyKind>::get)
                }

                #[doc = concat!("Sets the `", $key, "` key.")]
                pub fn $set(&mut self, value: impl Into<<$kind as KeyKind>::Set>) -> &mut Self {
                    self.0.insert($key, <$kind as KeyKind>::set(value.into()));
                    self
                }
            )*
        }

        impl Deref for $name {
            type Target = Dict;
            fn deref(&self) -> &Dict {
                &self.0
            }
        }

        impl DerefMut for $name {
            fn deref_mut(&mut self) -> &mut Dict {
                &mut self.0
            }
        }

        impl From<Dict> for $name {
            fn from(d: Dict) -> Self {
                Self(d)
            }
        }
    };
}

dict_type! {
    /// HELLO.Details.
    HelloDetails("HELLO details") {
        "roles" => roles, set_roles: AnyDict;
        "agent" => agent, set_agent: Str;
        "authmethods" => authmethods, set_authmethods: StrList;
        "authid" => authid, set_authid: Str;
        "authrole" => authrole, set_authrole: Str;
        "authextra" => authextra, set_authextra: AnyDict;
    }
}

dict_type! {
    /// WELCOME.Details.
    WelcomeDetails("WELCOME details") {
        "roles" => roles, set_roles: AnyDict;
        "agent" => agent, set_agent: Str;
        "realm" => realm, set_realm: Str;
        "authid" => authid, set_authid: Str;
        "authrole" => authrole, set_authrole: Str;
        "authmethod" => authmethod, set_authmethod: Str;
        "authprovider" => authprovider, set_authprovider: Str;
        "authextra" => authextra, set_authextra: AnyDict;
        "resumed" => resumed, set_resumed: Bool;
        "resumable" => resumable, set_resumable: Bool;
        "resume_token" => resume_token, set_resume_token: Str;
    }
}

dict_type! {
    /// ABORT.Details and GOODBYE.Details.
    CloseDetails("details") {
        "message" => message, set_message: Str;
        "scram" => scram, set_scram: Str;
        "resumable" => resumable, set_resumable: Bool;
    }
}

dict_type! {
    /// CHALLENGE.Extra and AUTHENTICATE.Extra (method-specific keys, not checked).
    AuthExtra("extra") {}
}

dict_type! {
    /// PUBLISH.Options.
    PublishOptions("PUBLISH options") {
        "acknowledge" => acknowledge, set_acknowledge: Bool;
        "exclude_me" => exclude_me, set_exclude_me: Bool;
        "exclude" => exclude, set_exclude: IdList;
        "exclude_authid" => exclude_authid, set_exclude_authid: StrList;
        "exclude_authrole" => exclude_authrole, set_exclude_authrole: StrList;
        "eligible" => eligible, set_eligible: IdList;
        "eligible_authid" => eligible_authid, set_eligible_authid: StrList;
        "eligible_authrole" => eligible_authrole, set_eligible_authrole: StrList;
        "disclose_me" => disclose_me, set_disclose_me: Bool;
        "retain" => retain, set_retain: Bool;
        "rkey" => rkey, set_rkey: Str;
        "transaction_hash" => transaction_hash, set_transaction_hash: Str;
        "forward_for" => forward_for, set_forward_for: ForwardForList;
        "enc_algo" => enc_algo, set_enc_algo: EncAlgo;
        "enc_serializer" => enc_serializer, set_enc_serializer: EncSerializer;
        "enc_key" => enc_key, set_enc_key: Str;
        "ppt_scheme" => ppt_scheme, set_ppt_scheme: Str;
        "ppt_serializer" => ppt_serializer, set_ppt_serializer: Str;
        "ppt_cipher" => ppt_cipher, set_ppt_cipher: Str;
        "ppt_keyid" => ppt_keyid, set_ppt_keyid: Str;
    }
}

dict_type! {
    /// SUBSCRIBE.Options.
    SubscribeOptions("SUBSCRIBE options") {
        "match" => match_policy, set_match_policy: MatchPolicy;
        "get_retained" => get_retained, set_get_retained: Bool;
        "nkey" => nkey, set_nkey: Str;
        "forward_for" => forward_for, set_forward_for: ForwardForList;
    }
}

dict_type! {
    /// The optional Options of UNSUBSCRIBE and UNREGISTER (autobahn: `forward_for`).
    ForwardOptions("options") {
        "forward_for" => forward_for, set_forward_for: ForwardForList;
    }
}

dict_type! {
    /// The Details of the revocation forms of UNSUBSCRIBED and UNREGISTERED.
    RevocationDetails("details") {
        "subscription" => subscription, set_subscription: Id;
        "registration" => registration, set_registration: Id;
        "reason" => reason, set_reason: Str;
    }
}

dict_type! {
    /// EVENT.Details.
    EventDetails("EVENT details") {
        "publisher" => publisher, set_publisher: Id;
        "publisher_authid" => publisher_authid, set_publisher_authid: Str;
        "publisher_authrole" => publisher_authrole, set_publisher_authrole: Str;
        "trustlevel" => trustlevel, set_trustlevel: UInt;
        "topic" => topic, set_topic: Str;
        "retained" => retained, set_retained: Bool;
        "transaction_hash" => transaction_hash, set_transaction_hash: Str;
        "x_acknowledged_delivery" => x_acknowledged_delivery, set_x_acknowledged_delivery: Bool;
        "forward_for" => forward_for, set_forward_for: ForwardForList;
        "enc_algo" => enc_algo, set_enc_algo: EncAlgo;
        "enc_serializer" => enc_serializer, set_enc_serializer: EncSerializer;
        "enc_key" => enc_key, set_enc_key: Str;
        "ppt_scheme" => ppt_scheme, set_ppt_scheme: Str;
        "ppt_serializer" => ppt_serializer, set_ppt_serializer: Str;
        "ppt_cipher" => ppt_cipher, set_ppt_cipher: Str;
        "ppt_keyid" => ppt_keyid, set_ppt_keyid: Str;
    }
}

dict_type! {
    /// CALL.Options.
    CallOptions("CALL options") {
        "receive_progress" => receive_progress, set_receive_progress: Bool;
        "progress" => progress, set_progress: Bool;
        "timeout" => timeout, set_timeout: UInt;
        "disclose_me" => disclose_me, set_disclose_me: Bool;
        "runmode" => runmode, set_runmode: Str;
        "rkey" => rkey, set_rkey: Str;
        "transaction_hash" => transaction_hash, set_transaction_hash: Str;
        "caller" => caller, set_caller: Id;
        "caller_authid" => caller_authid, set_caller_authid: Str;
        "caller_authrole" => caller_authrole, set_caller_authrole: Str;
        "forward_for" => forward_for, set_forward_for: ForwardForList;
        "enc_algo" => enc_algo, set_enc_algo: EncAlgo;
        "enc_serializer" => enc_serializer, set_enc_serializer: EncSerializer;
        "enc_key" => enc_key, set_enc_key: Str;
        "ppt_scheme" => ppt_scheme, set_ppt_scheme: Str;
        "ppt_serializer" => ppt_serializer, set_ppt_serializer: Str;
        "ppt_cipher" => ppt_cipher, set_ppt_cipher: Str;
        "ppt_keyid" => ppt_keyid, set_ppt_keyid: Str;
    }
}

dict_type! {
    /// CANCEL.Options.
    CancelOptions("CANCEL options") {
        "mode" => mode, set_mode: CancelMode;
        "forward_for" => forward_for, set_forward_for: ForwardForList;
    }
}

dict_type! {
    /// INTERRUPT.Options.
    InterruptOptions("INTERRUPT options") {
        "mode" => mode, set_mode: InterruptMode;
        "reason" => reason, set_reason: Str;
        "forward_for" => forward_for, set_forward_for: ForwardForList;
    }
}

dict_type! {
    /// REGISTER.Options.
    RegisterOptions("REGISTER options") {
        "match" => match_policy, set_match_policy: MatchPolicy;
        "invoke" => invoke, set_invoke: InvokePolicy;
        "disclose_caller" => disclose_caller, set_disclose_caller: Bool;
        "forward_timeout" => forward_timeout, set_forward_timeout: Bool;
        "concurrency" => concurrency, set_concurrency: UInt;
        "force_reregister" => force_reregister, set_force_reregister: Bool;
        "forward_for" => forward_for, set_forward_for: ForwardForList;
    }
}

dict_type! {
    /// INVOCATION.Details.
    InvocationDetails("INVOCATION details") {
        "caller" => caller, set_caller: Id;
        "caller_authid" => caller_authid, set_caller_authid: Str;
        "caller_authrole" => caller_authrole, set_caller_authrole: Str;
        "trustlevel" => trustlevel, set_trustlevel: UInt;
        "procedure" => procedure, set_procedure: Str;
        "receive_progress" => receive_progress, set_receive_progress: Bool;
        "progress" => progress, set_progress: Bool;
        "timeout" => timeout, set_timeout: UInt;
        "transaction_hash" => transaction_hash, set_transaction_hash: Str;
        "forward_for" => forward_for, set_forward_for: ForwardForList;
        "enc_algo" => enc_algo, set_enc_algo: EncAlgo;
        "enc_serializer" => enc_serializer, set_enc_serializer: EncSerializer;
        "enc_key" => enc_key, set_enc_key: Str;
        "ppt_scheme" => ppt_scheme, set_ppt_scheme: Str;
        "ppt_serializer" => ppt_serializer, set_ppt_serializer: Str;
        "ppt_cipher" => ppt_cipher, set_ppt_cipher: Str;
        "ppt_keyid" => ppt_keyid, set_ppt_keyid: Str;
    }
}

dict_type! {
    /// YIELD.Options, and RESULT.Details and ERROR.Details (same keys).
    ResultDetails("details") {
        "progress" => progress, set_progress: Bool;
        "callee" => callee, set_callee: Id;
        "callee_authid" => callee_authid, set_callee_authid: Str;
        "callee_authrole" => callee_authrole, set_callee_authrole: Str;
        "forward_for" => forward_for, set_forward_for: ForwardForList;
        "enc_algo" => enc_algo, set_enc_algo: EncAlgo;
        "enc_serializer" => enc_serializer, set_enc_serializer: EncSerializer;
        "enc_key" => enc_key, set_enc_key: Str;
        "ppt_scheme" => ppt_scheme, set_ppt_scheme: Str;
        "ppt_serializer" => ppt_serializer, set_ppt_serializer: Str;
        "ppt_cipher" => ppt_cipher, set_ppt_cipher: Str;
        "ppt_keyid" => ppt_keyid, set_ppt_keyid: Str;
    }
}
