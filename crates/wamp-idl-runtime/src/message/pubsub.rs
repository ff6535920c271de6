//! Publish & subscribe messages.

use super::keys::{
    EventDetails, ForwardOptions, MatchPolicy, PublishOptions, RevocationDetails, SubscribeOptions,
};
use super::session::check_id;
use super::{
    check_payload, check_uri_field, ElementSource, Fields, MessageType, Out, OutList, WampMessage,
};
use crate::error::{Error, Result};
use crate::payload::Payload;
use crate::uri::UriKind;

/// The URI kind a `match` policy asks for.
pub(super) fn uri_kind(policy: Option<MatchPolicy>) -> UriKind {
    match policy {
        Some(MatchPolicy::Prefix) => UriKind::Prefix,
        Some(MatchPolicy::Wildcard) => UriKind::Wildcard,
        Some(MatchPolicy::Exact) | None => UriKind::Exact,
    }
}

/// `PUBLISH` `[16, Request|id, Options|dict, Topic|uri (, Args (, Kwargs))]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Publish {
    /// Request id.
    pub request: u64,
    /// Options.
    pub options: PublishOptions,
    /// Topic URI.
    pub topic: String,
    /// The event payload.
    pub payload: Payload,
}

impl Publish {
    /// A PUBLISH without options or payload.
    pub fn new(request: u64, topic: impl Into<String>) -> Publish {
        Publish {
            request,
            topic: topic.into(),
            ..Publish::default()
        }
    }
}

impl WampMessage for Publish {
    const TYPE: MessageType = MessageType::Publish;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        let request = f.id("Request")?;
        let options = f.dict("Options")?;
        let topic = f.string("Topic")?;
        let payload = f.payload(&options)?;
        Ok(Publish {
            request,
            options: options.into(),
            topic,
            payload,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([
            Out::UInt(self.request),
            Out::Dict(&self.options),
            Out::Str(&self.topic),
        ]);
        self.payload.outputs(out);
    }
    fn validate(&self) -> Result<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        self.options.validate()?;
        check_uri_field(Self::TYPE, "Topic", &self.topic, UriKind::Exact)?;
        check_payload(Self::TYPE, "options", &self.options, &self.payload)
    }
}

/// `PUBLISHED` `[17, PUBLISH.Request|id, Publication|id]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Published {
    /// The PUBLISH request id.
    pub request: u64,
    /// The publication id.
    pub publication: u64,
}

impl WampMessage for Published {
    const TYPE: MessageType = MessageType::Published;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(Published {
            request: f.id("Request")?,
            publication: f.id("Publication")?,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::UInt(self.request), Out::UInt(self.publication)]);
    }
    fn validate(&self) -> Result<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        check_id(Self::TYPE, "Publication", self.publication)
    }
}

/// `SUBSCRIBE` `[32, Request|id, Options|dict, Topic|uri]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Subscribe {
    /// Request id.
    pub request: u64,
    /// Options (`match`, ...).
    pub options: SubscribeOptions,
    /// Topic URI or pattern.
    pub topic: String,
}

impl WampMessage for Subscribe {
    const TYPE: MessageType = MessageType::Subscribe;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(Subscribe {
            request: f.id("Request")?,
            options: f.dict("Options")?.into(),
            topic: f.string("Topic")?,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([
            Out::UInt(self.request),
            Out::Dict(&self.options),
            Out::Str(&self.topic),
        ]);
    }
    fn validate(&self) -> Result<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        self.options.validate()?;
        let kind = uri_kind(self.options.match_policy());
        check_uri_field(Self::TYPE, "Topic", &self.topic, kind)
    }
}

/// `SUBSCRIBED` `[33, SUBSCRIBE.Request|id, Subscription|id]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Subscribed {
    /// The SUBSCRIBE request id.
    pub request: u64,
    /// The subscription id.
    pub subscription: u64,
}

impl WampMessage for Subscribed {
    const TYPE: MessageType = MessageType::Subscribed;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(Subscribed {
            request: f.id("Request")?,
            subscription: f.id("Subscription")?,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::UInt(self.request), Out::UInt(self.subscription)]);
    }
    fn validate(&self) -> Result<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        check_id(Self::TYPE, "Subscription", self.subscription)
    }
}

/// `UNSUBSCRIBE` `[34, Request|id, Subscription|id (, Options|dict)]`
/// (the options element is an autobahn extension carrying `forward_for`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unsubscribe {
    /// Request id.
    pub request: u64,
    /// The subscription to end.
    pub subscription: u64,
    /// Optional options (written only when present).
    pub options: Option<ForwardOptions>,
}

impl WampMessage for Unsubscribe {
    const TYPE: MessageType = MessageType::Unsubscribe;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(Unsubscribe {
            request: f.id("Request")?,
            subscription: f.id("Subscription")?,
            options: f.opt_dict("Options")?.map(Into::into),
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::UInt(self.request), Out::UInt(self.subscription)]);
        if let Some(options) = &self.options {
            out.push(Out::Dict(options));
        }
    }
    fn validate(&self) -> Result<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        check_id(Self::TYPE, "Subscription", self.subscription)?;
        match &self.options {
            Some(options) => options.validate_in("UNSUBSCRIBE options"),
            None => Ok(()),
        }
    }
}

/// `UNSUBSCRIBED` `[35, UNSUBSCRIBE.Request|id]`, or the revocation form
/// `[35, 0, Details|dict]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unsubscribed {
    /// The UNSUBSCRIBE request id; 0 in the revocation form.
    pub request: u64,
    /// Details of the revocation form (`subscription`, `reason`).
    pub details: Option<RevocationDetails>,
}

impl WampMessage for Unsubscribed {
    const TYPE: MessageType = MessageType::Unsubscribed;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(Unsubscribed {
            request: f.id_or_zero("Request")?,
            details: f.opt_dict("Details")?.map(Into::into),
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.push(Out::UInt(self.request));
        if let Some(details) = &self.details {
            out.push(Out::Dict(details));
        }
    }
    fn validate(&self) -> Result<()> {
        check_revocation(Self::TYPE, self.request, self.details.as_ref())
    }
}

/// Request id 0 is allowed only in the revocation form (with Details).
pub(super) fn check_revocation(
    ty: MessageType,
    request: u64,
    details: Option<&RevocationDetails>,
) -> Result<()> {
    if request == 0 && details.is_none() {
        return Err(Error::protocol(format!(
            "{} Request: 0 is allowed only in the revocation form with Details",
            ty.name()
        )));
    }
    if request != 0 {
        check_id(ty, "Request", request)?;
    }
    match details {
        Some(d) => d.validate_in(&format!("{} details", ty.name())),
        None => Ok(()),
    }
}

/// `EVENT` `[36, Subscription|id, Publication|id, Details|dict (, Args (, Kwargs))]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Event {
    /// The subscription id.
    pub subscription: u64,
    /// The publication id.
    pub publication: u64,
    /// Details.
    pub details: EventDetails,
    /// The event payload.
    pub payload: Payload,
}

impl WampMessage for Event {
    const TYPE: MessageType = MessageType::Event;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        let subscription = f.id("Subscription")?;
        let publication = f.id("Publication")?;
        let details = f.dict("Details")?;
        let payload = f.payload(&details)?;
        Ok(Event {
            subscription,
            publication,
            details: details.into(),
            payload,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([
            Out::UInt(self.subscription),
            Out::UInt(self.publication),
            Out::Dict(&self.details),
        ]);
        self.payload.outputs(out);
    }
    fn validate(&self) -> Result<()> {
        check_id(Self::TYPE, "Subscription", self.subscription)?;
        check_id(Self::TYPE, "Publication", self.publication)?;
        self.details.validate()?;
        if let Some(topic) = self.details.topic() {
            check_uri_field(Self::TYPE, "details.topic", topic, UriKind::Exact)?;
        }
        check_payload(Self::TYPE, "details", &self.details, &self.payload)
    }
}

/// `EVENT_RECEIVED` `[337, Publication|id]` (autobahn extension: a subscriber
/// acknowledges an event).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventReceived {
    /// The acknowledged publication.
    pub publication: u64,
}

impl WampMessage for EventReceived {
    const TYPE: MessageType = MessageType::EventReceived;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> Result<Self> {
        Ok(EventReceived {
            publication: f.id("Publication")?,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.push(Out::UInt(self.publication));
    }
    fn validate(&self) -> Result<()> {
        check_id(Self::TYPE, "Publication", self.publication)
    }
}
