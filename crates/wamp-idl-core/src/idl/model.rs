//! The WAMP IDL model: interfaces with their procedures and topics, and the
//! payload tables that type their `args`/`kwargs`.
//!
//! The model refers into the [`Schema`] by id (objects, services, field
//! indices) instead of copying it; names, URIs and docs are kept as text
//! because generators and catalog writers use them directly.

use crate::diag::Span;
use crate::schema::{FieldDef, ObjectId, Schema, Service};

use super::uri::UriRule;

/// The WAMP IDL view of a schema: every `rpc_service` declared with
/// `type: "interface"`, and every table used as a request, result or event payload.
///
/// Interfaces of included files are part of the catalog too (a catalog that
/// includes `wamp-meta.fbs` can call the meta API); [`Interface::span`] tells
/// which file declared each one.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Interfaces in declaration order.
    pub interfaces: Vec<Interface>,
    /// Payload tables, in order of first use by a method (request before response).
    pub payloads: Vec<Payload>,
}

impl Catalog {
    /// The payload view of a table, if the table is used by a method.
    pub fn payload(&self, object: ObjectId) -> Option<&Payload> {
        self.payloads.iter().find(|p| p.object == object)
    }

    /// The interface with this short or fully qualified name.
    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces
            .iter()
            .find(|i| i.full_name == name || i.name == name)
    }

    /// Every procedure and topic of every interface, with its interface.
    pub fn methods(&self) -> impl Iterator<Item = (&Interface, &Method)> {
        self.interfaces
            .iter()
            .flat_map(|i| i.procedures.iter().chain(&i.topics).map(move |m| (i, m)))
    }

    /// The procedure or topic registered under `uri` (the first, if declared twice).
    pub fn method_by_uri(&self, uri: &str) -> Option<(&Interface, &Method)> {
        self.methods().find(|(_, m)| m.uri == uri)
    }
}

/// An `rpc_service` declared with `type: "interface"`.
#[derive(Clone, Debug)]
pub struct Interface {
    /// Index into [`Schema::services`].
    pub service: usize,
    /// Short name (`IWampMeta`).
    pub name: String,
    /// Namespace parts (`["wamp"]`).
    pub namespace: Vec<String>,
    /// `ns.Name`.
    pub full_name: String,
    /// The `uuid` attribute (RFC 4122 canonical text); `None` only when missing (an error).
    pub uuid: Option<String>,
    /// The `wampuri` attribute: the URI prefix of the interface; `None` only when missing (an error).
    pub uri_prefix: Option<String>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The service's name.
    pub span: Span,
    /// Methods with `type: "procedure"`, in declaration order.
    pub procedures: Vec<Method>,
    /// Methods with `type: "topic"`, in declaration order.
    pub topics: Vec<Method>,
}

impl Interface {
    /// The service this interface was declared as (`None` only for a schema
    /// other than the one the catalog was built from).
    pub fn service<'s>(&self, schema: &'s Schema) -> Option<&'s Service> {
        schema.services.get(self.service)
    }
}

/// Whether a method is a procedure or a topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MethodKind {
    /// `type: "procedure"`: request types CALL/INVOCATION, response types YIELD/RESULT.
    Procedure,
    /// `type: "topic"`: request types PUBLISH/EVENT, response is `Void`.
    Topic,
}

impl MethodKind {
    /// The `type` attribute value (`procedure` or `topic`).
    pub fn as_str(self) -> &'static str {
        match self {
            MethodKind::Procedure => "procedure",
            MethodKind::Topic => "topic",
        }
    }
}

/// A procedure or topic of an interface.
#[derive(Clone, Debug)]
pub struct Method {
    /// Procedure or topic.
    pub kind: MethodKind,
    /// The rpc method name (`session_kill`).
    pub name: String,
    /// The full WAMP URI (`wamp.session.kill`): the method's `wampuri`, or
    /// the interface's URI prefix, a `.` and the method name. It may be a
    /// template with [`placeholders`](Method::placeholders).
    pub uri: String,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The method's name.
    pub span: Span,
    /// The `wampuri` value literal (for pointing at the URI).
    pub uri_span: Span,
    /// Index into the service's [`Service::calls`].
    pub call: usize,
    /// The URI template's placeholders (`<node_id:str>`), in order; empty
    /// for a plain URI.
    pub placeholders: Vec<super::uri::Placeholder>,
    /// Procedures: the call arguments; topics: the event payload.
    pub request: ObjectId,
    /// Procedures: the call result; topics: `Void`.
    pub response: ObjectId,
}

/// The WAMP view of one table: which fields are `args` (in order) and which are `kwargs`.
#[derive(Clone, Debug)]
pub struct Payload {
    /// The table.
    pub object: ObjectId,
    /// Positional fields, in declaration order (`args[0]`, `args[1]`, ...).
    pub args: Vec<PayloadField>,
    /// Keyword fields, in declaration order.
    pub kwargs: Vec<PayloadField>,
}

impl Payload {
    /// Whether the table carries nothing (`Void`, or a table without fields).
    pub fn is_empty(&self) -> bool {
        self.args.is_empty() && self.kwargs.is_empty()
    }
}

/// One field of a payload table.
///
/// Deprecated fields and flatc's hidden union `_type` fields are not part of a
/// payload (flatc generates no accessors for the former; the latter travels
/// with its union value).
#[derive(Clone, Debug)]
pub struct PayloadField {
    /// Index into the table's [`crate::schema::Object::fields`].
    pub field: usize,
    /// Field name (the kwargs key).
    pub name: String,
    /// The WAMP value rule from the field's attributes, if any.
    pub constraint: Option<ValueConstraint>,
}

impl PayloadField {
    /// The schema field this payload field stands for, given its payload's table
    /// (`None` only for a schema other than the one the catalog was built from).
    pub fn def<'s>(&self, schema: &'s Schema, object: ObjectId) -> Option<&'s FieldDef> {
        schema
            .objects
            .get(object.0 as usize)?
            .fields
            .get(self.field)
    }
}

/// A WAMP value rule attached to a field (for a vector field, it applies to each element).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueConstraint {
    /// `wampid`: an integer in `[1, 2^53]` (field type `ulong`/`long`).
    WampId,
    /// `wampname*` / `wampuri*`: a string following a URI rule.
    Uri(UriRule),
    /// `uuid`: a UUID as canonical text (`string`) or binary (`uint128_t`).
    Uuid,
    /// `ethadr`: an Ethereum address as checksummed hex (`string`) or binary (`uint160_t`).
    EthAddress,
}

impl ValueConstraint {
    /// The attribute that declares this rule.
    pub fn attribute(self) -> &'static str {
        match self {
            ValueConstraint::WampId => "wampid",
            ValueConstraint::Uri(rule) => rule.attribute(),
            ValueConstraint::Uuid => "uuid",
            ValueConstraint::EthAddress => "ethadr",
        }
    }

    /// The rule selected by an attribute name.
    pub fn from_attribute(name: &str) -> Option<ValueConstraint> {
        match name {
            "wampid" => Some(ValueConstraint::WampId),
            "uuid" => Some(ValueConstraint::Uuid),
            "ethadr" => Some(ValueConstraint::EthAddress),
            _ => UriRule::from_attribute(name).map(ValueConstraint::Uri),
        }
    }
}

/// The largest WAMP id (`2^53`), see the spec's "IDs" section.
pub const MAX_WAMP_ID: u64 = 1 << 53;
