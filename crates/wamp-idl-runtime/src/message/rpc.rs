//! Remote procedure call messages.

use super::keys::{
    CallOptions, CancelOptions, ForwardOptions, InterruptOptions, InvocationDetails,
    RegisterOptions, ResultDetails, RevocationDetails,
};
use super::pubsub::{check_revocation, uri_kind};
use super::session::check_id;
use super::{
    check_payload, check_uri_field, ElementSource, Fields, MessageType, Out, OutList, WampMessage,
};
use crate::error::Result as WampResult;
use crate::payload::Payload;
use crate::uri::UriKind;

/// `CALL` `[48, Request|id, Options|dict, Procedure|uri (, Args (, Kwargs))]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Call {
    /// Request id.
    pub request: u64,
    /// Options.
    pub options: CallOptions,
    /// Procedure URI.
    pub procedure: String,
    /// The call arguments.
    pub payload: Payload,
}

impl Call {
    /// A CALL without options or payload.
    pub fn new(request: u64, procedure: impl Into<String>) -> Call {
        Call {
            request,
            procedure: procedure.into(),
            ..Call::default()
        }
    }
}

impl WampMessage for Call {
    const TYPE: MessageType = MessageType::Call;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> WampResult<Self> {
        let request = f.id("Request")?;
        let options = f.dict("Options")?;
        let procedure = f.string("Procedure")?;
        let payload = f.payload(&options)?;
        Ok(Call {
            request,
            options: options.into(),
            procedure,
            payload,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([
            Out::UInt(self.request),
            Out::Dict(&self.options),
            Out::Str(&self.procedure),
        ]);
        self.payload.outputs(out);
    }
    fn validate(&self) -> WampResult<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        self.options.validate()?;
        check_uri_field(Self::TYPE, "Procedure", &self.procedure, UriKind::Exact)?;
        check_payload(Self::TYPE, "options", &self.options, &self.payload)
    }
}

/// `CANCEL` `[49, CALL.Request|id, Options|dict]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cancel {
    /// The CALL request id.
    pub request: u64,
    /// Options (`mode`).
    pub options: CancelOptions,
}

impl WampMessage for Cancel {
    const TYPE: MessageType = MessageType::Cancel;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> WampResult<Self> {
        Ok(Cancel {
            request: f.id("Request")?,
            options: f.dict("Options")?.into(),
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::UInt(self.request), Out::Dict(&self.options)]);
    }
    fn validate(&self) -> WampResult<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        self.options.validate()
    }
}

/// `RESULT` `[50, CALL.Request|id, Details|dict (, Args (, Kwargs))]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Result {
    /// The CALL request id.
    pub request: u64,
    /// Details (`progress`, ...).
    pub details: ResultDetails,
    /// The call result.
    pub payload: Payload,
}

impl WampMessage for Result {
    const TYPE: MessageType = MessageType::Result;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> WampResult<Self> {
        let request = f.id("Request")?;
        let details = f.dict("Details")?;
        let payload = f.payload(&details)?;
        Ok(Result {
            request,
            details: details.into(),
            payload,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::UInt(self.request), Out::Dict(&self.details)]);
        self.payload.outputs(out);
    }
    fn validate(&self) -> WampResult<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        self.details.validate_in("RESULT details")?;
        check_payload(Self::TYPE, "details", &self.details, &self.payload)
    }
}

/// `REGISTER` `[64, Request|id, Options|dict, Procedure|uri]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Register {
    /// Request id.
    pub request: u64,
    /// Options (`match`, `invoke`, ...).
    pub options: RegisterOptions,
    /// Procedure URI or pattern.
    pub procedure: String,
}

impl WampMessage for Register {
    const TYPE: MessageType = MessageType::Register;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> WampResult<Self> {
        Ok(Register {
            request: f.id("Request")?,
            options: f.dict("Options")?.into(),
            procedure: f.string("Procedure")?,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([
            Out::UInt(self.request),
            Out::Dict(&self.options),
            Out::Str(&self.procedure),
        ]);
    }
    fn validate(&self) -> WampResult<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        self.options.validate()?;
        let kind = uri_kind(self.options.match_policy());
        check_uri_field(Self::TYPE, "Procedure", &self.procedure, kind)
    }
}

/// `REGISTERED` `[65, REGISTER.Request|id, Registration|id]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Registered {
    /// The REGISTER request id.
    pub request: u64,
    /// The registration id.
    pub registration: u64,
}

impl WampMessage for Registered {
    const TYPE: MessageType = MessageType::Registered;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> WampResult<Self> {
        Ok(Registered {
            request: f.id("Request")?,
            registration: f.id("Registration")?,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::UInt(self.request), Out::UInt(self.registration)]);
    }
    fn validate(&self) -> WampResult<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        check_id(Self::TYPE, "Registration", self.registration)
    }
}

/// `UNREGISTER` `[66, Request|id, Registration|id (, Options|dict)]`
/// (the options element is an autobahn extension carrying `forward_for`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unregister {
    /// Request id.
    pub request: u64,
    /// The registration to end.
    pub registration: u64,
    /// Optional options (written only when present).
    pub options: Option<ForwardOptions>,
}

impl WampMessage for Unregister {
    const TYPE: MessageType = MessageType::Unregister;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> WampResult<Self> {
        Ok(Unregister {
            request: f.id("Request")?,
            registration: f.id("Registration")?,
            options: f.opt_dict("Options")?.map(Into::into),
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::UInt(self.request), Out::UInt(self.registration)]);
        if let Some(options) = &self.options {
            out.push(Out::Dict(options));
        }
    }
    fn validate(&self) -> WampResult<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        check_id(Self::TYPE, "Registration", self.registration)?;
        match &self.options {
            Some(options) => options.validate_in("UNREGISTER options"),
            None => Ok(()),
        }
    }
}

/// `UNREGISTERED` `[67, UNREGISTER.Request|id]`, or the revocation form
/// `[67, 0, Details|dict]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unregistered {
    /// The UNREGISTER request id; 0 in the revocation form.
    pub request: u64,
    /// Details of the revocation form (`registration`, `reason`).
    pub details: Option<RevocationDetails>,
}

impl WampMessage for Unregistered {
    const TYPE: MessageType = MessageType::Unregistered;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> WampResult<Self> {
        Ok(Unregistered {
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
    fn validate(&self) -> WampResult<()> {
        check_revocation(Self::TYPE, self.request, self.details.as_ref())
    }
}

/// `INVOCATION` `[68, Request|id, Registration|id, Details|dict (, Args (, Kwargs))]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Invocation {
    /// Request id (chosen by the dealer).
    pub request: u64,
    /// The registration being invoked.
    pub registration: u64,
    /// Details (`caller`, `procedure`, ...).
    pub details: InvocationDetails,
    /// The call arguments.
    pub payload: Payload,
}

impl WampMessage for Invocation {
    const TYPE: MessageType = MessageType::Invocation;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> WampResult<Self> {
        let request = f.id("Request")?;
        let registration = f.id("Registration")?;
        let details = f.dict("Details")?;
        let payload = f.payload(&details)?;
        Ok(Invocation {
            request,
            registration,
            details: details.into(),
            payload,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([
            Out::UInt(self.request),
            Out::UInt(self.registration),
            Out::Dict(&self.details),
        ]);
        self.payload.outputs(out);
    }
    fn validate(&self) -> WampResult<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        check_id(Self::TYPE, "Registration", self.registration)?;
        self.details.validate()?;
        check_payload(Self::TYPE, "details", &self.details, &self.payload)
    }
}

/// `INTERRUPT` `[69, INVOCATION.Request|id, Options|dict]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interrupt {
    /// The INVOCATION request id.
    pub request: u64,
    /// Options (`mode`).
    pub options: InterruptOptions,
}

impl WampMessage for Interrupt {
    const TYPE: MessageType = MessageType::Interrupt;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> WampResult<Self> {
        Ok(Interrupt {
            request: f.id("Request")?,
            options: f.dict("Options")?.into(),
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::UInt(self.request), Out::Dict(&self.options)]);
    }
    fn validate(&self) -> WampResult<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        self.options.validate()
    }
}

/// `YIELD` `[70, INVOCATION.Request|id, Options|dict (, Args (, Kwargs))]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Yield {
    /// The INVOCATION request id.
    pub request: u64,
    /// Options (`progress`, ...).
    pub options: ResultDetails,
    /// The result payload.
    pub payload: Payload,
}

impl WampMessage for Yield {
    const TYPE: MessageType = MessageType::Yield;
    fn decode<S: ElementSource>(f: &mut Fields<S>) -> WampResult<Self> {
        let request = f.id("Request")?;
        let options = f.dict("Options")?;
        let payload = f.payload(&options)?;
        Ok(Yield {
            request,
            options: options.into(),
            payload,
        })
    }
    fn encode<'a>(&'a self, out: &mut OutList<'a>) {
        out.extend([Out::UInt(self.request), Out::Dict(&self.options)]);
        self.payload.outputs(out);
    }
    fn validate(&self) -> WampResult<()> {
        check_id(Self::TYPE, "Request", self.request)?;
        self.options.validate_in("YIELD options")?;
        check_payload(Self::TYPE, "options", &self.options, &self.payload)
    }
}
