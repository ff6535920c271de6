//! Building the [`Catalog`] from a resolved schema and checking every WAMP IDL rule.
//!
//! Decisions where the spec leaves room (documented here, and in the catalog docs):
//!
//! - `wampid` needs a 64-bit integer (`ulong`/`uint64` or `long`/`int64`): WAMP ids
//!   range over `[1, 2^53]`, which no narrower integer holds.
//! - A method URI outside its interface's `wampuri` prefix is a warning, not an
//!   error: routers do not enforce prefixes, but it usually is a typo.
//! - An interface needs both `uuid` and `wampuri` (the spec's general form has both).
//! - Topics must return a table named `Void` (any namespace: the spec's `wamp.fbs`
//!   declares it without one, ours in `namespace wamp`).
//! - The same URI used twice (across all interfaces) is a warning: WAMP topics and
//!   procedures share one URI space, but a router can still serve both.
//! - `rpc_service`s without `type: "interface"` are plain FlatBuffers services and
//!   are ignored; if their methods carry `type` or `wampuri`, a warning says so.
//! - A method without `type` is a procedure (FlatBuffers `rpc_service` methods are
//!   RPCs; the official catalog's `wamp-exchange.fbs` has untyped methods).
//! - A method without `wampuri` gets the interface prefix, a `.` and its name (the
//!   spec calls the interface `wampuri` its URI prefix; `wamp-control.fbs` relies on it).
//! - URIs may be templates with placeholder components `<name>` / `<name:type>`
//!   (autobahn-python's `Pattern` syntax, plus `str` for `string` as `wamp-control.fbs`
//!   writes it); generated clients and callees take the values at run time.
//! - The `arg`/`kwarg` rules are checked on every table (a table may be used as a
//!   payload by another catalog); value rules on every table and struct field.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Diagnostics, SourceMap, Span};
use crate::schema::{AttributeValue, FieldDef, Object, ObjectId, ScalarType, Schema, Type};

use super::model::{
    Catalog, Interface, Method, MethodKind, Payload, PayloadField, ValueConstraint,
};
use super::uri::{is_canonical_uuid, template_placeholders, UriRule};

/// Builds the WAMP IDL model and reports IDL rule violations.
pub fn build(schema: &Schema, sources: &SourceMap, diagnostics: &mut Diagnostics) -> Catalog {
    // Spans are all we need from the sources; rendering happens later.
    let _ = sources;
    for object in &schema.objects {
        check_object_fields(schema, object, diagnostics);
    }
    let mut catalog = Catalog::default();
    let mut uris: HashMap<String, Span> = HashMap::new();
    let mut uuids: HashMap<String, Span> = HashMap::new();
    for index in 0..schema.services.len() {
        if let Some(interface) = build_interface(schema, index, &mut uris, diagnostics) {
            if let Some(uuid) = &interface.uuid {
                let span = uuid_span(schema, index).unwrap_or(interface.span);
                let key = uuid.to_ascii_lowercase();
                if let Some(first) = uuids.get(&key) {
                    diagnostics.push(
                        Diagnostic::warning(
                            span,
                            format!("uuid `{uuid}` is used by two interfaces"),
                        )
                        .with_label("used again here")
                        .with_secondary(*first, "first used here")
                        .with_note("help: give each interface its own uuid"),
                    );
                } else {
                    uuids.insert(key, span);
                }
            }
            catalog.interfaces.push(interface);
        }
    }
    let used: Vec<ObjectId> = catalog
        .methods()
        .flat_map(|(_, m)| [m.request, m.response])
        .collect();
    for object in used {
        if catalog.payload(object).is_none() {
            if let Some(payload) = build_payload(schema, object) {
                catalog.payloads.push(payload);
            }
        }
    }
    catalog
}

fn uuid_span(schema: &Schema, service: usize) -> Option<Span> {
    let attr = schema.services.get(service)?.attribute("uuid")?;
    Some(attr.value_span.unwrap_or(attr.span))
}

/// The payload view of a table: `args` up to the first `kwarg`, then `kwargs`.
fn build_payload(schema: &Schema, object: ObjectId) -> Option<Payload> {
    let def = schema.objects.get(object.0 as usize)?;
    let mut payload = Payload {
        object,
        args: Vec::new(),
        kwargs: Vec::new(),
    };
    for (index, field) in def.fields.iter().enumerate() {
        if field.synthetic || field.deprecated {
            continue;
        }
        let entry = PayloadField {
            field: index,
            name: field.name.clone(),
            constraint: field
                .attributes
                .iter()
                .find_map(|a| ValueConstraint::from_attribute(&a.name)),
        };
        if field.attribute("kwarg").is_some() {
            payload.kwargs.push(entry);
        } else {
            payload.args.push(entry);
        }
    }
    Some(payload)
}

/// `arg`/`kwarg` rules and the value rules of every field of one table or struct.
fn check_object_fields(schema: &Schema, object: &Object, diagnostics: &mut Diagnostics) {
    let mut first_kwarg: Option<&FieldDef> = None;
    for field in &object.fields {
        if field.synthetic {
            continue;
        }
        let arg = field.attribute("arg");
        let kwarg = field.attribute("kwarg");
        for attr in [arg, kwarg].into_iter().flatten() {
            check_no_value(attr, diagnostics);
        }
        if let (Some(arg), Some(kwarg)) = (arg, kwarg) {
            diagnostics.push(
                Diagnostic::error(
                    kwarg.span,
                    format!("field `{}` is marked both `arg` and `kwarg`", field.name),
                )
                .with_label("marked `kwarg` here")
                .with_secondary(arg.span, "and `arg` here")
                .with_note("help: keep one of them (fields without either are `arg`)"),
            );
        }
        if !object.is_struct {
            match (first_kwarg, kwarg) {
                (None, Some(_)) => first_kwarg = Some(field),
                (Some(first), None) => diagnostics.push(
                    Diagnostic::error(
                        field.span,
                        format!(
                            "positional field `{}` follows keyword field `{}`",
                            field.name, first.name
                        ),
                    )
                    .with_label("not marked `kwarg`")
                    .with_secondary(first.span, "first `kwarg` field here")
                    .with_note(format!(
                        "help: mark `{}` as `kwarg`, or move it before `{}` (all fields after the first `kwarg` must be `kwarg`)",
                        field.name, first.name
                    )),
                ),
                _ => {}
            }
        }
        check_value_constraints(schema, field, diagnostics);
    }
}

fn check_no_value(attr: &AttributeValue, diagnostics: &mut Diagnostics) {
    if let Some(value) = &attr.value {
        diagnostics.push(
            Diagnostic::error(
                attr.value_span.unwrap_or(attr.span),
                format!("attribute `{}` takes no value", attr.name),
            )
            .with_label(format!("unexpected value `{value}`"))
            .with_note(format!("help: write just `{}`", attr.name)),
        );
    }
}

/// Checks `wampid`, `wampname*`, `wampuri*`, `uuid` and `ethadr` on one field.
fn check_value_constraints(schema: &Schema, field: &FieldDef, diagnostics: &mut Diagnostics) {
    let mut first: Option<(&AttributeValue, ValueConstraint)> = None;
    for attr in &field.attributes {
        let Some(constraint) = ValueConstraint::from_attribute(&attr.name) else {
            continue;
        };
        check_no_value(attr, diagnostics);
        if let Some((first_attr, _)) = first {
            diagnostics.push(
                Diagnostic::error(
                    attr.span,
                    format!(
                        "field `{}` has two WAMP value rules, `{}` and `{}`",
                        field.name, first_attr.name, attr.name
                    ),
                )
                .with_label("second rule")
                .with_secondary(first_attr.span, "first rule here")
                .with_note("help: keep one of them"),
            );
            continue;
        }
        first = Some((attr, constraint));
        check_constraint_type(schema, field, attr, constraint, diagnostics);
    }
}

/// The element type for vectors and arrays (a rule applies to each element).
fn element_type(ty: &Type) -> &Type {
    match ty {
        Type::Vector(inner) | Type::Array(inner, _) => element_type(inner),
        other => other,
    }
}

fn type_text(schema: &Schema, ty: &Type) -> String {
    super::type_text(schema, ty)
}

fn struct_named(schema: &Schema, ty: &Type, name: &str) -> bool {
    match ty {
        Type::Struct(id) => schema
            .objects
            .get(id.0 as usize)
            .is_some_and(|o| o.name == name),
        _ => false,
    }
}

fn check_constraint_type(
    schema: &Schema,
    field: &FieldDef,
    attr: &AttributeValue,
    constraint: ValueConstraint,
    diagnostics: &mut Diagnostics,
) {
    let ty = element_type(&field.ty);
    let found = type_text(schema, ty);
    let problem = match constraint {
        ValueConstraint::WampId => match ty {
            Type::Scalar(ScalarType::ULong | ScalarType::Long) => None,
            Type::Scalar(s) if s.is_integer() => Some((
                format!("`wampid` needs a 64-bit integer field, found `{found}`"),
                "help: WAMP ids range up to 2^53; declare the field as `uint64`".to_string(),
            )),
            _ => Some((
                format!("`wampid` applies to integer fields, found `{found}`"),
                "help: declare the field as `uint64` (or `[uint64]` for a list of ids)".to_string(),
            )),
        },
        ValueConstraint::Uri(rule) => match ty {
            Type::String => None,
            _ => Some((
                format!(
                    "`{}` applies to string fields, found `{found}`",
                    rule.attribute()
                ),
                "help: declare the field as `string` (or `[string]`)".to_string(),
            )),
        },
        ValueConstraint::Uuid => {
            if matches!(ty, Type::String) || struct_named(schema, ty, "uint128_t") {
                None
            } else {
                Some((
                    format!("`uuid` applies to `string` or `uint128_t` fields, found `{found}`"),
                    "help: use `string` for canonical text or the `uint128_t` struct from `wamp.fbs` for 128-bit binary".to_string(),
                ))
            }
        }
        ValueConstraint::EthAddress => {
            if matches!(ty, Type::String) || struct_named(schema, ty, "uint160_t") {
                None
            } else {
                Some((
                    format!("`ethadr` applies to `string` or `uint160_t` fields, found `{found}`"),
                    "help: use `string` for checksummed hex or the `uint160_t` struct from `wamp.fbs` for 160-bit binary".to_string(),
                ))
            }
        }
    };
    if let Some((message, help)) = problem {
        diagnostics.push(
            Diagnostic::error(attr.span, message)
                .with_label(format!(
                    "field `{}` is `{}`",
                    field.name,
                    type_text(schema, &field.ty)
                ))
                .with_note(help),
        );
    }
}

/// The value of a WAMP attribute that needs one; reports a missing value.
fn value_of<'a>(attr: &'a AttributeValue, diagnostics: &mut Diagnostics) -> Option<&'a str> {
    match &attr.value {
        Some(v) => Some(v),
        None => {
            diagnostics.push(
                Diagnostic::error(attr.span, format!("attribute `{}` needs a value", attr.name))
                    .with_label("no value given")
                    .with_note(match attr.name.as_str() {
                        "type" => "help: write `type: \"interface\"`, `type: \"procedure\"` or `type: \"topic\"`",
                        "uuid" => "help: write `uuid: \"<uuid>\"`, e.g. `uuid: \"88711231-3d95-44bc-9464-58d871dd7fd7\"`",
                        _ => "help: write `wampuri: \"<uri>\"`, e.g. `wampuri: \"com.example\"`",
                    }),
            );
            None
        }
    }
}

fn value_span(attr: &AttributeValue) -> Span {
    attr.value_span.unwrap_or(attr.span)
}

/// Checks a URI value with the loose `wampuri` rule.
fn check_uri(attr: &AttributeValue, value: &str, diagnostics: &mut Diagnostics) -> bool {
    if UriRule::Uri.matches(value) {
        return true;
    }
    diagnostics.push(
        Diagnostic::error(value_span(attr), format!("invalid WAMP URI `{value}`"))
            .with_label("components must be non-empty and contain no whitespace, `.` or `#`")
            .with_note(format!(
                "note: `wampuri` values must match `{}`",
                UriRule::Uri.regex()
            )),
    );
    false
}

/// The interface for service `index`, or `None` when it is not one.
fn build_interface(
    schema: &Schema,
    index: usize,
    uris: &mut HashMap<String, Span>,
    diagnostics: &mut Diagnostics,
) -> Option<Interface> {
    let service = schema.services.get(index)?;
    let Some(type_attr) = service.attribute("type") else {
        warn_plain_service_with_wamp_attributes(service, diagnostics);
        return None;
    };
    let kind = value_of(type_attr, diagnostics)?;
    match kind {
        "interface" => {}
        "procedure" | "topic" => {
            diagnostics.push(
                Diagnostic::error(
                    value_span(type_attr),
                    format!("`type: \"{kind}\"` belongs on a method, not on an `rpc_service`"),
                )
                .with_label("an `rpc_service` can only be an interface")
                .with_note("help: write `type: \"interface\"` here and mark each method with `type: \"procedure\"` or `type: \"topic\"`"),
            );
            return None;
        }
        other => {
            diagnostics.push(
                Diagnostic::error(value_span(type_attr), format!("unknown WAMP type `{other}`"))
                    .with_label("expected `interface`")
                    .with_note("help: WAMP IDL types are `interface` (on an `rpc_service`), `procedure` and `topic` (on its methods)"),
            );
            return None;
        }
    }
    let full_name = service.full_name();
    let uuid = match service.attribute("uuid") {
        None => {
            diagnostics.push(
                Diagnostic::error(service.span, format!("interface `{}` has no `uuid`", service.name))
                    .with_label("declared with `type: \"interface\"`")
                    .with_note("help: add `uuid: \"<uuid>\"` to the attributes, with a freshly generated UUID"),
            );
            None
        }
        Some(attr) => value_of(attr, diagnostics).and_then(|v| {
            if is_canonical_uuid(v) {
                Some(v.to_string())
            } else {
                diagnostics.push(
                    Diagnostic::error(value_span(attr), format!("invalid uuid `{v}`"))
                        .with_label("not a UUID in canonical text form")
                        .with_note("help: write 32 hex digits grouped 8-4-4-4-12, e.g. `88711231-3d95-44bc-9464-58d871dd7fd7`"),
                );
                None
            }
        }),
    };
    let uri_prefix = match service.attribute("wampuri") {
        None => {
            diagnostics.push(
                Diagnostic::error(service.span, format!("interface `{}` has no `wampuri`", service.name))
                    .with_label("declared with `type: \"interface\"`")
                    .with_note("help: add `wampuri: \"<uri prefix>\"`, the URI prefix its procedures and topics share, e.g. `wampuri: \"com.example\"`"),
            );
            None
        }
        Some(attr) => value_of(attr, diagnostics)
            .filter(|v| check_uri(attr, v, diagnostics))
            .map(str::to_string),
    };
    let mut interface = Interface {
        service: index,
        name: service.name.clone(),
        namespace: service.namespace.clone(),
        full_name,
        uuid,
        uri_prefix,
        docs: service.docs.clone(),
        span: service.span,
        procedures: Vec::new(),
        topics: Vec::new(),
    };
    for call in 0..service.calls.len() {
        if let Some(method) = build_method(schema, &interface, index, call, uris, diagnostics) {
            match method.kind {
                MethodKind::Procedure => interface.procedures.push(method),
                MethodKind::Topic => interface.topics.push(method),
            }
        }
    }
    Some(interface)
}

fn warn_plain_service_with_wamp_attributes(
    service: &crate::schema::Service,
    diagnostics: &mut Diagnostics,
) {
    let wamp_attr = service.calls.iter().find_map(|c| {
        c.attributes
            .iter()
            .find(|a| a.name == "type" || a.name == "wampuri")
    });
    if let Some(attr) = wamp_attr {
        diagnostics.push(
            Diagnostic::warning(
                service.span,
                format!(
                    "`rpc_service {}` is not a WAMP interface; WAMP attributes of its methods are ignored",
                    service.name
                ),
            )
            .with_label("no `type: \"interface\"`")
            .with_secondary(attr.span, "WAMP attribute here")
            .with_note("help: add `(type: \"interface\", uuid: \"<uuid>\", wampuri: \"<uri prefix>\")` after the service name"),
        );
    }
}

fn build_method(
    schema: &Schema,
    interface: &Interface,
    service_index: usize,
    call_index: usize,
    uris: &mut HashMap<String, Span>,
    diagnostics: &mut Diagnostics,
) -> Option<Method> {
    let call = schema.services.get(service_index)?.calls.get(call_index)?;
    // No `type`: a procedure. `rpc_service` methods are RPCs in FlatBuffers,
    // and the official catalog (`wamp-exchange.fbs`) has untyped methods.
    let kind = match call.attribute("type") {
        None => Some(MethodKind::Procedure),
        Some(attr) => match value_of(attr, diagnostics) {
            Some("procedure") => Some(MethodKind::Procedure),
            Some("topic") => Some(MethodKind::Topic),
            Some(other) => {
                diagnostics.push(
                    Diagnostic::error(
                        value_span(attr),
                        format!("unknown method type `{other}`"),
                    )
                    .with_label("expected `procedure` or `topic`")
                    .with_note(if other == "interface" {
                        "help: `type: \"interface\"` belongs on the `rpc_service`; a method is a `procedure` or a `topic`"
                    } else {
                        "help: write `type: \"procedure\"` (called with CALL) or `type: \"topic\"` (published as EVENT)"
                    }),
                );
                None
            }
            None => None,
        },
    };
    // No `wampuri`: the interface prefix plus the method name, as the spec
    // calls the interface's `wampuri` its "URI prefix" and the official
    // catalog (`wamp-control.fbs`) relies on it.
    let uri = match call.attribute("wampuri") {
        None => interface
            .uri_prefix
            .as_ref()
            .map(|prefix| (format!("{prefix}.{}", call.name), call.span)),
        Some(attr) => value_of(attr, diagnostics)
            .filter(|v| check_uri(attr, v, diagnostics))
            .map(|v| (v.to_string(), value_span(attr))),
    };
    if kind == Some(MethodKind::Topic) {
        check_topic_returns_void(schema, interface, call, diagnostics);
    }
    let (uri, uri_span) = uri?;
    let placeholders = match template_placeholders(&uri) {
        Ok(found) => found,
        Err(message) => {
            diagnostics.push(
                Diagnostic::error(uri_span, format!("invalid URI template `{uri}`"))
                    .with_label(message)
                    .with_note("help: a placeholder component is `<name>` or `<name:type>` with type `string`, `int` or `suffix`, e.g. `com.example.node.<node_id:string>.stop`"),
            );
            return None;
        }
    };
    if let Some(prefix) = &interface.uri_prefix {
        if !uri_under_prefix(&uri, prefix) {
            diagnostics.push(
                Diagnostic::warning(
                    uri_span,
                    format!("URI `{uri}` is outside the interface prefix `{prefix}`"),
                )
                .with_label(format!("does not start with `{prefix}.`"))
                .with_note(format!(
                    "help: use a URI under `{prefix}.`, or change the `wampuri` of interface `{}`",
                    interface.name
                )),
            );
        }
    }
    if let Some(first) = uris.get(&uri) {
        diagnostics.push(
            Diagnostic::warning(uri_span, format!("URI `{uri}` is declared twice"))
                .with_label("used again here")
                .with_secondary(*first, "first used here")
                .with_note(
                    "help: give each procedure and topic its own URI (they share one URI space)",
                ),
        );
    } else {
        uris.insert(uri.clone(), uri_span);
    }
    let kind = kind?;
    Some(Method {
        kind,
        name: call.name.clone(),
        uri,
        docs: call.docs.clone(),
        span: call.span,
        uri_span,
        call: call_index,
        placeholders,
        request: call.request,
        response: call.response,
    })
}

/// Whether `uri` equals `prefix` or continues it with whole components.
fn uri_under_prefix(uri: &str, prefix: &str) -> bool {
    uri == prefix
        || uri
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
}

fn check_topic_returns_void(
    schema: &Schema,
    interface: &Interface,
    call: &crate::schema::RpcCall,
    diagnostics: &mut Diagnostics,
) {
    let Some(response) = schema.objects.get(call.response.0 as usize) else {
        return;
    };
    if response.name == "Void" && !response.is_struct {
        return;
    }
    diagnostics.push(
        Diagnostic::error(
            call.span,
            format!(
                "topic `{}` of interface `{}` must return `Void`",
                call.name, interface.name
            ),
        )
        .with_label(format!("returns `{}`", response.full_name()))
        .with_note("help: declare the topic as `(EventTable): Void` (`Void` is declared in `wamp.fbs`); the event payload is the request table"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{FileId, Severity};
    use crate::schema::{DefaultValue, RpcCall, Service};

    fn span(start: usize) -> Span {
        Span::new(FileId(0), start, start + 1)
    }

    fn attr(name: &str, value: Option<&str>, at: usize) -> AttributeValue {
        AttributeValue {
            name: name.to_string(),
            value: value.map(str::to_string),
            span: span(at),
            value_span: value.map(|_| span(at + 1)),
        }
    }

    fn field(name: &str, ty: Type, attributes: Vec<AttributeValue>, at: usize) -> FieldDef {
        FieldDef {
            name: name.to_string(),
            ty,
            id: 0,
            offset: 0,
            default: DefaultValue::None,
            deprecated: false,
            required: false,
            key: false,
            optional: false,
            padding: 0,
            attributes,
            docs: Vec::new(),
            span: span(at),
            synthetic: false,
        }
    }

    fn table(name: &str, fields: Vec<FieldDef>) -> Object {
        Object {
            name: name.to_string(),
            namespace: vec!["t".to_string()],
            is_struct: false,
            fields,
            minalign: 1,
            bytesize: 0,
            attributes: Vec::new(),
            docs: Vec::new(),
            span: span(0),
        }
    }

    fn run(schema: &Schema) -> (Catalog, Vec<Diagnostic>) {
        let mut diagnostics = Diagnostics::new();
        let catalog = build(schema, &SourceMap::new(), &mut diagnostics);
        (catalog, diagnostics.into_sorted())
    }

    fn messages(diags: &[Diagnostic]) -> Vec<String> {
        diags.iter().map(|d| d.message.clone()).collect()
    }

    /// `Void`, `Req { a: ulong (wampid); k: string (kwarg, wampuri) }` and one interface.
    fn sample(service_attrs: Vec<AttributeValue>, calls: Vec<RpcCall>) -> Schema {
        Schema {
            objects: vec![
                table("Void", Vec::new()),
                table(
                    "Req",
                    vec![
                        field(
                            "a",
                            Type::Scalar(ScalarType::ULong),
                            vec![attr("wampid", None, 10)],
                            10,
                        ),
                        field(
                            "k",
                            Type::String,
                            vec![attr("kwarg", None, 20), attr("wampuri", None, 22)],
                            20,
                        ),
                    ],
                ),
            ],
            services: vec![Service {
                name: "IFoo".to_string(),
                namespace: vec!["t".to_string()],
                calls,
                attributes: service_attrs,
                docs: vec![" Foo.".to_string()],
                span: span(100),
            }],
            ..Schema::default()
        }
    }

    fn call(name: &str, kind: &str, uri: &str, response: u32, at: usize) -> RpcCall {
        RpcCall {
            name: name.to_string(),
            request: ObjectId(1),
            response: ObjectId(response),
            attributes: vec![
                attr("type", Some(kind), at),
                attr("wampuri", Some(uri), at + 2),
            ],
            docs: Vec::new(),
            span: span(at),
        }
    }

    fn interface_attrs() -> Vec<AttributeValue> {
        vec![
            attr("type", Some("interface"), 101),
            attr("uuid", Some("88711231-3d95-44bc-9464-58d871dd7fd7"), 103),
            attr("wampuri", Some("com.foo"), 105),
        ]
    }

    #[test]
    fn builds_interface_procedures_topics_and_payloads() {
        let schema = sample(
            interface_attrs(),
            vec![
                call("add", "procedure", "com.foo.add", 0, 200),
                call("on_add", "topic", "com.foo.on_add", 0, 300),
            ],
        );
        let (catalog, diags) = run(&schema);
        assert!(diags.is_empty(), "{:?}", messages(&diags));
        let iface = catalog.interface("t.IFoo").expect("interface");
        assert_eq!(
            iface.uuid.as_deref(),
            Some("88711231-3d95-44bc-9464-58d871dd7fd7")
        );
        assert_eq!(iface.uri_prefix.as_deref(), Some("com.foo"));
        assert_eq!(iface.procedures.len(), 1);
        assert_eq!(iface.topics[0].uri, "com.foo.on_add");
        let payload = catalog.payload(ObjectId(1)).expect("payload");
        assert_eq!(payload.args.len(), 1);
        assert_eq!(payload.args[0].constraint, Some(ValueConstraint::WampId));
        assert_eq!(payload.kwargs[0].name, "k");
        assert_eq!(
            payload.kwargs[0].constraint,
            Some(ValueConstraint::Uri(UriRule::Uri))
        );
        assert!(catalog.payload(ObjectId(0)).is_some_and(Payload::is_empty));
        assert_eq!(
            catalog.method_by_uri("com.foo.add").map(|(_, m)| m.call),
            Some(0)
        );
    }

    #[test]
    fn topic_must_return_void_and_uris_are_checked() {
        let schema = sample(
            interface_attrs(),
            vec![
                call("on_add", "topic", "com.foo.on_add", 1, 200),
                call("bad", "procedure", "com..bad", 1, 300),
                call("dup", "procedure", "com.foo.on_add", 1, 400),
                call("out", "procedure", "org.other", 1, 500),
            ],
        );
        let (catalog, diags) = run(&schema);
        assert_eq!(
            messages(&diags),
            [
                "topic `on_add` of interface `IFoo` must return `Void`",
                "invalid WAMP URI `com..bad`",
                "URI `com.foo.on_add` is declared twice",
                "URI `org.other` is outside the interface prefix `com.foo`",
            ]
        );
        assert_eq!(diags[2].severity, Severity::Warning);
        assert_eq!(diags[2].secondary[0].message, "first used here");
        assert_eq!(catalog.interfaces[0].procedures.len(), 2);
    }

    #[test]
    fn interface_attribute_errors() {
        let schema = sample(
            vec![
                attr("type", Some("interface"), 101),
                attr("uuid", Some("not-a-uuid"), 103),
            ],
            vec![RpcCall {
                name: "m".to_string(),
                request: ObjectId(1),
                response: ObjectId(0),
                attributes: vec![attr("type", None, 201)],
                docs: Vec::new(),
                span: span(200),
            }],
        );
        let (catalog, diags) = run(&schema);
        assert_eq!(
            messages(&diags),
            [
                "interface `IFoo` has no `wampuri`",
                "invalid uuid `not-a-uuid`",
                "attribute `type` needs a value",
            ]
        );
        assert!(catalog.interfaces[0].procedures.is_empty());
    }

    #[test]
    fn service_types() {
        for (value, message) in [
            (
                "procedure",
                "`type: \"procedure\"` belongs on a method, not on an `rpc_service`",
            ),
            ("service", "unknown WAMP type `service`"),
        ] {
            let schema = sample(vec![attr("type", Some(value), 101)], Vec::new());
            let (catalog, diags) = run(&schema);
            assert_eq!(messages(&diags), [message]);
            assert!(catalog.interfaces.is_empty());
        }
        // A plain FlatBuffers service is ignored; with WAMP attributes on a method, a warning says so.
        let plain = sample(Vec::new(), Vec::new());
        assert!(run(&plain).1.is_empty());
        let plain = sample(Vec::new(), vec![call("m", "procedure", "a.b", 0, 200)]);
        let (catalog, diags) = run(&plain);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].severity, Severity::Warning);
        assert!(catalog.interfaces.is_empty());
    }

    #[test]
    fn arg_kwarg_rules() {
        let mut schema = sample(interface_attrs(), Vec::new());
        schema.objects.push(table(
            "T",
            vec![
                field(
                    "a",
                    Type::String,
                    vec![attr("arg", None, 10), attr("kwarg", None, 12)],
                    10,
                ),
                field("b", Type::String, vec![attr("kwarg", None, 20)], 20),
                field("c", Type::String, Vec::new(), 30),
                field("d", Type::String, vec![attr("arg", Some("1"), 40)], 40),
            ],
        ));
        let (_, diags) = run(&schema);
        assert_eq!(
            messages(&diags),
            [
                "field `a` is marked both `arg` and `kwarg`",
                "positional field `c` follows keyword field `a`",
                "positional field `d` follows keyword field `a`",
                "attribute `arg` takes no value",
            ]
        );
    }

    #[test]
    fn value_rule_types() {
        let mut schema = sample(interface_attrs(), Vec::new());
        let mut u128 = table("uint128_t", Vec::new());
        u128.is_struct = true;
        schema.objects.push(u128);
        let vector = |t| Type::Vector(Box::new(t));
        schema.objects.push(table(
            "T",
            vec![
                field(
                    "ok1",
                    vector(Type::Scalar(ScalarType::Long)),
                    vec![attr("wampid", None, 10)],
                    10,
                ),
                field(
                    "ok2",
                    Type::Struct(ObjectId(2)),
                    vec![attr("uuid", None, 12)],
                    12,
                ),
                field(
                    "ok3",
                    vector(Type::String),
                    vec![attr("wampname_s", None, 14)],
                    14,
                ),
                field(
                    "id32",
                    Type::Scalar(ScalarType::UInt),
                    vec![attr("wampid", None, 20)],
                    20,
                ),
                field("idstr", Type::String, vec![attr("wampid", None, 30)], 30),
                field(
                    "uri",
                    Type::Scalar(ScalarType::Int),
                    vec![attr("wampuri_p", None, 40)],
                    40,
                ),
                field(
                    "uuid",
                    Type::Scalar(ScalarType::ULong),
                    vec![attr("uuid", None, 50)],
                    50,
                ),
                field(
                    "eth",
                    Type::Struct(ObjectId(2)),
                    vec![attr("ethadr", None, 60)],
                    60,
                ),
                field(
                    "two",
                    Type::String,
                    vec![attr("wampuri", None, 70), attr("uuid", None, 72)],
                    70,
                ),
                field(
                    "val",
                    Type::String,
                    vec![attr("wampuri", Some("x"), 80)],
                    80,
                ),
            ],
        ));
        let (_, diags) = run(&schema);
        assert_eq!(
            messages(&diags),
            [
                "`wampid` needs a 64-bit integer field, found `uint`",
                "`wampid` applies to integer fields, found `string`",
                "`wampuri_p` applies to string fields, found `int`",
                "`uuid` applies to `string` or `uint128_t` fields, found `ulong`",
                "`ethadr` applies to `string` or `uint160_t` fields, found `t.uint128_t`",
                "field `two` has two WAMP value rules, `wampuri` and `uuid`",
                "attribute `wampuri` takes no value",
            ]
        );
    }

    #[test]
    fn uri_prefix_matching_is_by_component() {
        assert!(uri_under_prefix("com.foo.add", "com.foo"));
        assert!(uri_under_prefix("com.foo", "com.foo"));
        assert!(!uri_under_prefix("com.foobar.add", "com.foo"));
        assert!(!uri_under_prefix("org.x", "com.foo"));
    }
}
