//! Session messages: HELLO, WELCOME, ABORT, CHALLENGE, AUTHENTICATE, GOODBYE,
//! and ERROR.

use super::keys::{AuthExtra, CloseDetails, HelloDetails, ResultDetails, WelcomeDetails};
use super::{
    check_payload, check_uri_field, ElementSource, Fields, MessageType, Out, OutList, WampMessage,
};
use crate::error::{Error as WampError, Result};
use crate::payload::Payload;
use crate::uri::UriKind;

/// `HELLO` `[1, Realm|uri, Details|dict]`: a client opens a session.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hello {
    /// The realm to join.
    pub realm: String,
    /// Details (`roles` is required by the spec, `authmethods`, `authid`, ...).
    pub details: HelloDetails,
}

impl Hello {
    /// A HELLO for `realm` with empty details.
    pub fn new(realm: impl Into<String>) -> Hello {
        Hello {
            realm: realm.into(),
            details: HelloDetails::new(),
        }
    }
}

impl WampMessage for Hello {
    const TYPE: MessageType = MessageType::Hello;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(Hello {
            realm: f.string("Realm")?,
            details: f.dict("Details")?.into(),
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::Str(&self.realm), Out::Dict(&self.details)]);
    }
    fn validate(&self) -> Result<()> {
        check_uri_field(Self::TYPE, "Realm", &self.realm, UriKind::Exact)?;
        self.details.validate()
    }
}

/// `WELCOME` `[2, Session|id, Details|dict]`: the router accepts a session.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Welcome {
    /// The session id.
    pub session: u64,
    /// Details (`roles` of the router, auth information, ...).
    pub details: WelcomeDetails,
}

impl WampMessage for Welcome {
    const TYPE: MessageType = MessageType::Welcome;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(Welcome {
            session: f.id("Session")?,
            details: f.dict("Details")?.into(),
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::UInt(self.session), Out::Dict(&self.details)]);
    }
    fn validate(&self) -> Result<()> {
        check_id(Self::TYPE, "Session", self.session)?;
        self.details.validate()
    }
}

/// `ABORT` `[3, Details|dict, Reason|uri (, Args (, Kwargs))]`: a session is
/// refused or torn down without GOODBYE.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Abort {
    /// Details (`message`).
    pub details: CloseDetails,
    /// The reason URI, e.g. `wamp.error.no_such_realm`.
    pub reason: String,
    /// Optional payload (spec; autobahn accepts only the 3-element form).
    pub payload: Payload,
}

impl WampMessage for Abort {
    const TYPE: MessageType = MessageType::Abort;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        let details = f.dict("Details")?;
        let reason = f.string("Reason")?;
        let payload = f.payload(&details)?;
        Ok(Abort {
            details: details.into(),
            reason,
            payload,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::Dict(&self.details), Out::Str(&self.reason)]);
        self.payload.outputs(out);
    }
    fn validate(&self) -> Result<()> {
        check_uri_field(Self::TYPE, "Reason", &self.reason, UriKind::Exact)?;
        self.details.validate_in("ABORT details")?;
        check_payload(Self::TYPE, "details", &self.details, &self.payload)
    }
}

/// `CHALLENGE` `[4, AuthMethod|string, Extra|dict]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Challenge {
    /// The authentication method, e.g. `wampcra`.
    pub auth_method: String,
    /// Method-specific data.
    pub extra: AuthExtra,
}

impl WampMessage for Challenge {
    const TYPE: MessageType = MessageType::Challenge;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(Challenge {
            auth_method: f.string("AuthMethod")?,
            extra: f.dict("Extra")?.into(),
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::Str(&self.auth_method), Out::Dict(&self.extra)]);
    }
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// `AUTHENTICATE` `[5, Signature|string, Extra|dict]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Authenticate {
    /// The signature (or ticket).
    pub signature: String,
    /// Method-specific data.
    pub extra: AuthExtra,
}

impl WampMessage for Authenticate {
    const TYPE: MessageType = MessageType::Authenticate;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(Authenticate {
            signature: f.string("Signature")?,
            extra: f.dict("Extra")?.into(),
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::Str(&self.signature), Out::Dict(&self.extra)]);
    }
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// `GOODBYE` `[6, Details|dict, Reason|uri]`: closes a session; must be echoed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Goodbye {
    /// Details (`message`).
    pub details: CloseDetails,
    /// The reason URI, e.g. `wamp.close.normal`.
    pub reason: String,
}

impl WampMessage for Goodbye {
    const TYPE: MessageType = MessageType::Goodbye;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(Goodbye {
            details: f.dict("Details")?.into(),
            reason: f.string("Reason")?,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::Dict(&self.details), Out::Str(&self.reason)]);
    }
    fn validate(&self) -> Result<()> {
        check_uri_field(Self::TYPE, "Reason", &self.reason, UriKind::Exact)?;
        self.details.validate_in("GOODBYE details")
    }
}

/// `ERROR` `[8, ReqType|int, ReqId|id, Details|dict, Error|uri (, Args (, Kwargs))]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Error {
    /// Code of the failed request: 16, 32, 34, 48, 64, 66 or 68.
    pub request_type: u64,
    /// The failed request's id.
    pub request: u64,
    /// Details.
    pub details: ResultDetails,
    /// The error URI.
    pub error: String,
    /// The payload.
    pub payload: Payload,
}

/// Request types an ERROR may answer.
const ERROR_REQUEST_TYPES: [u64; 7] = [16, 32, 34, 48, 64, 66, 68];

impl WampMessage for Error {
    const TYPE: MessageType = MessageType::Error;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        let request_type = f.uint("ReqType")?;
        let request = f.id("ReqId")?;
        let details = f.dict("Details")?;
        let error = f.string("Error")?;
        let payload = f.payload(&details)?;
        Ok(Error {
            request_type,
            request,
            details: details.into(),
            error,
            payload,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([
            Out::UInt(self.request_type),
            Out::UInt(self.request),
            Out::Dict(&self.details),
            Out::Str(&self.error),
        ]);
        self.payload.outputs(out);
    }
    fn validate(&self) -> Result<()> {
        if !ERROR_REQUEST_TYPES.contains(&self.request_type) {
            return Err(WampError::protocol(format!(
                "ERROR ReqType: {} is not a request type that can fail (16, 32, 34, 48, 64, 66, 68)",
                self.request_type
            )));
        }
        check_id(Self::TYPE, "ReqId", self.request)?;
        check_uri_field(Self::TYPE, "Error", &self.error, UriKind::Exact)?;
        self.details.validate_in("ERROR details")?;
        check_payload(Self::TYPE, "details", &self.details, &self.payload)
    }
}

/// Checks an id element of a message built in code (decoders check on read).
pub(super) fn check_id(ty: MessageType, what: &str, id: u64) -> Result<()> {
    if crate::id::is_valid_id(id) {
        Ok(())
    } else {
        Err(WampError::protocol(format!(
            "{} {what}: {id} is not a valid ID (1 to 2^53)",
            ty.name()
        )))
    }
}
