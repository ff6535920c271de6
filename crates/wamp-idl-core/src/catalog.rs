//! Catalog output: the WAMP IDL model as JSON or Markdown.
//!
//! Both outputs list every interface with its procedures and topics, their
//! URIs, and for each payload table its positional (`args`) and keyword
//! (`kwargs`) fields with FlatBuffers types, WAMP value rules and docs.
//! Output is deterministic: declaration order throughout, fixed key order in JSON.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::diag::{SourceMap, Span};
use crate::idl::{type_text, Catalog, Interface, Method, MethodKind, PayloadField};
use crate::schema::{ObjectId, Schema};

/// `///` lines as one text: the one space after `///` removed, lines joined with `\n`.
fn doc_text(docs: &[String]) -> String {
    docs.iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

fn location(sources: &SourceMap, span: Span) -> Value {
    if sources.files().nth(span.file.0 as usize).is_none() {
        return Value::Null;
    }
    let file = sources.file(span.file);
    let (line, col) = file.line_col(span.start);
    Value::String(format!("{}:{line}:{col}", file.path.display()))
}

fn object_name(schema: &Schema, id: ObjectId) -> String {
    schema
        .objects
        .get(id.0 as usize)
        .map_or_else(|| format!("<object {}>", id.0), |o| o.full_name())
}

fn field_json(
    schema: &Schema,
    object: ObjectId,
    field: &PayloadField,
    position: Option<usize>,
) -> Value {
    let mut map = Map::new();
    if let Some(position) = position {
        map.insert("position".into(), position.into());
    }
    map.insert("name".into(), field.name.clone().into());
    let def = field.def(schema, object);
    map.insert(
        "type".into(),
        def.map_or(Value::Null, |d| type_text(schema, &d.ty).into()),
    );
    map.insert(
        "wamp".into(),
        field
            .constraint
            .map_or(Value::Null, |c| c.attribute().into()),
    );
    map.insert("required".into(), def.is_some_and(|d| d.required).into());
    map.insert("optional".into(), def.is_some_and(|d| d.optional).into());
    map.insert(
        "docs".into(),
        def.map_or(String::new(), |d| doc_text(&d.docs)).into(),
    );
    Value::Object(map)
}

fn method_json(schema: &Schema, sources: &SourceMap, method: &Method) -> Value {
    let mut map = Map::new();
    map.insert("name".into(), method.name.clone().into());
    map.insert("uri".into(), method.uri.clone().into());
    map.insert("type".into(), method.kind.as_str().into());
    map.insert("docs".into(), doc_text(&method.docs).into());
    map.insert("location".into(), location(sources, method.span));
    map.insert("request".into(), object_name(schema, method.request).into());
    map.insert(
        "response".into(),
        object_name(schema, method.response).into(),
    );
    Value::Object(map)
}

fn interface_json(schema: &Schema, sources: &SourceMap, interface: &Interface) -> Value {
    let mut map = Map::new();
    map.insert("name".into(), interface.name.clone().into());
    map.insert("full_name".into(), interface.full_name.clone().into());
    map.insert("namespace".into(), interface.namespace.join(".").into());
    map.insert("uuid".into(), interface.uuid.clone().into());
    map.insert("wampuri".into(), interface.uri_prefix.clone().into());
    map.insert("docs".into(), doc_text(&interface.docs).into());
    map.insert("location".into(), location(sources, interface.span));
    let methods = |list: &[Method]| -> Value {
        Value::Array(
            list.iter()
                .map(|m| method_json(schema, sources, m))
                .collect(),
        )
    };
    map.insert("procedures".into(), methods(&interface.procedures));
    map.insert("topics".into(), methods(&interface.topics));
    Value::Object(map)
}

/// The catalog as pretty-printed JSON (ends with a newline).
///
/// Shape: `{"interfaces": [{name, full_name, namespace, uuid, wampuri, docs, location,
/// procedures: [{name, uri, type, docs, location, request, response}], topics: [...]}],
/// "payloads": {"<table>": {docs, location, args: [{position, name, type, wamp, required,
/// optional, docs}], kwargs: [{name, type, wamp, required, optional, docs}]}}}`. `wamp` is
/// the value rule attribute (`wampid`, `wampuri`, ...) or `null`; `optional` marks a scalar
/// declared `= null`.
///
/// # Examples
///
/// ```
/// use std::path::PathBuf;
/// use wamp_idl_core::{compile, MemoryLoader, Options};
///
/// let loader = MemoryLoader::new().with(
///     "calc.fbs",
///     r#"attribute type; attribute uuid; attribute wampuri;
/// namespace calc;
/// table Args { a: int; b: int; }
/// table Sum { sum: int; }
/// rpc_service ICalc (type: "interface", uuid: "4ac8a6b5-9d2b-4a5c-8a3c-5e0f0d7e3b11",
///                    wampuri: "com.calc") {
///     add (Args): Sum (type: "procedure", wampuri: "com.calc.add");
/// }"#,
/// );
/// let compiled = compile(&[PathBuf::from("calc.fbs")], &Options::default(), &loader);
/// assert!(!compiled.diagnostics.has_errors());
/// let (schema, catalog) = (compiled.schema.unwrap(), compiled.catalog.unwrap());
/// let json = wamp_idl_core::catalog::to_json(&catalog, &schema, &compiled.sources);
/// assert!(json.contains(r#""uri": "com.calc.add""#));
/// ```
pub fn to_json(catalog: &Catalog, schema: &Schema, sources: &SourceMap) -> String {
    let mut root = Map::new();
    root.insert(
        "interfaces".into(),
        Value::Array(
            catalog
                .interfaces
                .iter()
                .map(|i| interface_json(schema, sources, i))
                .collect(),
        ),
    );
    let mut payloads = Map::new();
    for payload in &catalog.payloads {
        let Some(object) = schema.objects.get(payload.object.0 as usize) else {
            continue;
        };
        let mut map = Map::new();
        map.insert("docs".into(), doc_text(&object.docs).into());
        map.insert("location".into(), location(sources, object.span));
        map.insert(
            "args".into(),
            Value::Array(
                payload
                    .args
                    .iter()
                    .enumerate()
                    .map(|(i, f)| field_json(schema, payload.object, f, Some(i)))
                    .collect(),
            ),
        );
        map.insert(
            "kwargs".into(),
            Value::Array(
                payload
                    .kwargs
                    .iter()
                    .map(|f| field_json(schema, payload.object, f, None))
                    .collect(),
            ),
        );
        payloads.insert(object.full_name(), Value::Object(map));
    }
    root.insert("payloads".into(), Value::Object(payloads));
    let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
    text.push('\n');
    text
}

/// Text safe inside a Markdown table cell (one line, pipes escaped).
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn payload_markdown(
    out: &mut String,
    catalog: &Catalog,
    schema: &Schema,
    title: &str,
    object: ObjectId,
) {
    let name = object_name(schema, object);
    let Some(payload) = catalog.payload(object) else {
        let _ = writeln!(out, "**{title}** (`{name}`)\n");
        return;
    };
    if payload.is_empty() {
        let _ = writeln!(out, "**{title}** (`{name}`): none.\n");
        return;
    }
    let _ = writeln!(out, "**{title}** (`{name}`):\n");
    out.push_str("| position | name | type | WAMP | description |\n");
    out.push_str("|---|---|---|---|---|\n");
    let rows = payload
        .args
        .iter()
        .enumerate()
        .map(|(i, f)| (format!("args[{i}]"), f))
        .chain(payload.kwargs.iter().map(|f| ("kwargs".to_string(), f)));
    for (position, field) in rows {
        let def = field.def(schema, object);
        let ty = def.map_or(String::new(), |d| type_text(schema, &d.ty));
        let wamp = field
            .constraint
            .map_or(String::new(), |c| format!("`{}`", c.attribute()));
        let mut docs = def.map_or(String::new(), |d| doc_text(&d.docs));
        if def.is_some_and(|d| d.optional) {
            docs = if docs.is_empty() {
                "(nullable)".to_string()
            } else {
                format!("(nullable) {docs}")
            };
        }
        if def.is_some_and(|d| d.required) {
            docs = if docs.is_empty() {
                "(required)".to_string()
            } else {
                format!("(required) {docs}")
            };
        }
        let _ = writeln!(
            out,
            "| {position} | `{}` | `{}` | {wamp} | {} |",
            field.name,
            cell(&ty),
            cell(&docs)
        );
    }
    out.push('\n');
}

fn method_markdown(out: &mut String, catalog: &Catalog, schema: &Schema, method: &Method) {
    let _ = writeln!(out, "#### `{}`\n", method.uri);
    let docs = doc_text(&method.docs);
    if !docs.is_empty() {
        let _ = writeln!(out, "{docs}\n");
    }
    let _ = writeln!(out, "Method `{}`.\n", method.name);
    match method.kind {
        MethodKind::Procedure => {
            payload_markdown(out, catalog, schema, "Arguments", method.request);
            payload_markdown(out, catalog, schema, "Results", method.response);
        }
        MethodKind::Topic => payload_markdown(out, catalog, schema, "Event", method.request),
    }
}

/// The catalog as a Markdown document: one section per interface, and for each
/// procedure and topic a table of its `args` and `kwargs`.
pub fn to_markdown(catalog: &Catalog, schema: &Schema, sources: &SourceMap) -> String {
    let mut out = String::from("# WAMP catalog\n\n");
    if catalog.interfaces.is_empty() {
        out.push_str("No interfaces (no `rpc_service` with `type: \"interface\"`).\n");
    }
    for interface in &catalog.interfaces {
        let _ = writeln!(out, "## Interface `{}`\n", interface.full_name);
        let docs = doc_text(&interface.docs);
        if !docs.is_empty() {
            let _ = writeln!(out, "{docs}\n");
        }
        out.push_str("| | |\n|---|---|\n");
        let or_dash =
            |v: &Option<String>| v.as_ref().map_or("—".to_string(), |v| format!("`{v}`"));
        let _ = writeln!(out, "| UUID | {} |", or_dash(&interface.uuid));
        let _ = writeln!(out, "| URI prefix | {} |", or_dash(&interface.uri_prefix));
        if let Value::String(loc) = location(sources, interface.span) {
            let _ = writeln!(out, "| declared at | `{loc}` |");
        }
        out.push('\n');
        for (title, list) in [
            ("Procedures", &interface.procedures),
            ("Topics", &interface.topics),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "### {title}\n");
            for method in list {
                method_markdown(&mut out, catalog, schema, method);
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostics, FileId};
    use crate::schema::{
        AttributeValue, DefaultValue, FieldDef, Object, RpcCall, ScalarType, Service, Type,
    };

    fn span(start: usize) -> Span {
        Span::new(FileId(0), start, start + 1)
    }

    fn attr(name: &str, value: Option<&str>) -> AttributeValue {
        AttributeValue {
            name: name.into(),
            value: value.map(Into::into),
            span: span(0),
            value_span: None,
        }
    }

    fn field(name: &str, ty: Type, attributes: Vec<AttributeValue>, docs: &[&str]) -> FieldDef {
        FieldDef {
            name: name.into(),
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
            docs: docs.iter().map(|d| d.to_string()).collect(),
            span: span(0),
            synthetic: false,
        }
    }

    fn table(name: &str, fields: Vec<FieldDef>) -> Object {
        Object {
            name: name.into(),
            namespace: vec!["wamp".into()],
            is_struct: false,
            fields,
            minalign: 1,
            bytesize: 0,
            attributes: Vec::new(),
            docs: vec![" A table.".into()],
            span: span(0),
        }
    }

    fn sample() -> (Catalog, Schema, SourceMap) {
        let mut sources = SourceMap::new();
        sources.add("meta.fbs", "x\n".repeat(20));
        let schema = Schema {
            objects: vec![
                table("Void", Vec::new()),
                table(
                    "SessionKill",
                    vec![
                        field(
                            "session",
                            Type::Scalar(ScalarType::ULong),
                            vec![attr("wampid", None)],
                            &[" The session | id."],
                        ),
                        field(
                            "reason",
                            Type::String,
                            vec![attr("kwarg", None), attr("wampuri", None)],
                            &[" A reason."],
                        ),
                    ],
                ),
            ],
            services: vec![Service {
                name: "IWampMeta".into(),
                namespace: vec!["wamp".into()],
                calls: vec![
                    RpcCall {
                        name: "session_kill".into(),
                        request: ObjectId(1),
                        response: ObjectId(0),
                        attributes: vec![
                            attr("type", Some("procedure")),
                            attr("wampuri", Some("wamp.session.kill")),
                        ],
                        docs: vec![" Kill a session.".into()],
                        span: span(4),
                    },
                    RpcCall {
                        name: "on_leave".into(),
                        request: ObjectId(1),
                        response: ObjectId(0),
                        attributes: vec![
                            attr("type", Some("topic")),
                            attr("wampuri", Some("wamp.session.on_leave")),
                        ],
                        docs: Vec::new(),
                        span: span(6),
                    },
                ],
                attributes: vec![
                    attr("type", Some("interface")),
                    attr("uuid", Some("88711231-3d95-44bc-9464-58d871dd7fd7")),
                    attr("wampuri", Some("wamp")),
                ],
                docs: vec![" WAMP meta API.".into()],
                span: span(2),
            }],
            ..Schema::default()
        };
        let mut diagnostics = Diagnostics::new();
        let catalog = crate::idl::build(&schema, &sources, &mut diagnostics);
        assert!(!diagnostics.has_errors());
        (catalog, schema, sources)
    }

    #[test]
    fn json_lists_interfaces_methods_and_payload_fields() {
        let (catalog, schema, sources) = sample();
        let text = to_json(&catalog, &schema, &sources);
        let value: Value = serde_json::from_str(&text).expect("valid JSON");
        let iface = &value["interfaces"][0];
        assert_eq!(iface["full_name"], "wamp.IWampMeta");
        assert_eq!(iface["uuid"], "88711231-3d95-44bc-9464-58d871dd7fd7");
        assert_eq!(iface["location"], "meta.fbs:2:1");
        assert_eq!(iface["procedures"][0]["uri"], "wamp.session.kill");
        assert_eq!(iface["procedures"][0]["request"], "wamp.SessionKill");
        assert_eq!(iface["topics"][0]["uri"], "wamp.session.on_leave");
        let kill = &value["payloads"]["wamp.SessionKill"];
        assert_eq!(kill["args"][0]["name"], "session");
        assert_eq!(kill["args"][0]["type"], "ulong");
        assert_eq!(kill["args"][0]["wamp"], "wampid");
        assert_eq!(kill["kwargs"][0]["wamp"], "wampuri");
        assert_eq!(kill["kwargs"][0]["docs"], "A reason.");
        // Key order is fixed.
        let keys: Vec<&String> = iface
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys[..3], ["name", "full_name", "namespace"]);
        assert_eq!(to_json(&catalog, &schema, &sources), text);
    }

    #[test]
    fn markdown_has_a_section_per_interface_and_a_table_per_method() {
        let (catalog, schema, sources) = sample();
        let md = to_markdown(&catalog, &schema, &sources);
        assert!(md.contains("## Interface `wamp.IWampMeta`"), "{md}");
        assert!(
            md.contains("| UUID | `88711231-3d95-44bc-9464-58d871dd7fd7` |"),
            "{md}"
        );
        assert!(md.contains("#### `wamp.session.kill`"), "{md}");
        assert!(
            md.contains("| args[0] | `session` | `ulong` | `wampid` | The session \\| id. |"),
            "{md}"
        );
        assert!(
            md.contains("| kwargs | `reason` | `string` | `wampuri` | A reason. |"),
            "{md}"
        );
        assert!(md.contains("**Results** (`wamp.Void`): none."), "{md}");
        assert!(md.contains("### Topics"), "{md}");
        assert!(md.contains("**Event** (`wamp.SessionKill`):"), "{md}");
        assert!(md.ends_with(".\n") || md.ends_with("|\n"), "{md}");
    }
}
