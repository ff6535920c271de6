//! Pretty-printer: syntax tree back to `.fbs` text (canonical formatting).
//!
//! Four-space indentation, one field / value / member / method per line,
//! doc comments and attributes kept, numbers printed as written. Block
//! declarations are separated by a blank line; runs of one-line declarations
//! (`include`, `namespace`, `attribute`, ...) stay together.

use std::fmt::Write as _;

use super::ast::*;
use super::parser::is_identifier;

/// Prints a syntax tree as `.fbs` text that parses back to the same tree (spans aside).
///
/// ```
/// use wamp_idl_core::diag::{Diagnostics, FileId};
/// use wamp_idl_core::syntax::{parse, print::print};
/// let mut diagnostics = Diagnostics::new();
/// let file = parse(FileId(0), "table  T{a:int=1(deprecated);}", &mut diagnostics);
/// assert_eq!(print(&file), "table T {\n    a: int = 1 (deprecated);\n}\n");
/// ```
pub fn print(file: &SchemaFile) -> String {
    let mut out = String::new();
    let mut previous_was_block = false;
    for (i, item) in file.items.iter().enumerate() {
        let is_block = matches!(
            item.kind,
            ItemKind::Table(_)
                | ItemKind::Struct(_)
                | ItemKind::Enum(_)
                | ItemKind::Union(_)
                | ItemKind::RpcService(_)
        );
        if i > 0 && (is_block || previous_was_block) {
            out.push('\n');
        }
        previous_was_block = is_block;
        docs(&mut out, &item.docs, "");
        item_kind(&mut out, &item.kind);
    }
    out
}

fn docs(out: &mut String, docs: &Docs, indent: &str) {
    for line in docs {
        let _ = writeln!(out, "{indent}///{line}");
    }
}

fn item_kind(out: &mut String, kind: &ItemKind) {
    match kind {
        ItemKind::Include(path) => {
            let _ = writeln!(out, "include {};", quote(&path.value));
        }
        ItemKind::NativeInclude(path) => {
            let _ = writeln!(out, "native_include {};", quote(&path.value));
        }
        ItemKind::Namespace(Some(name)) => {
            let _ = writeln!(out, "namespace {};", name.joined());
        }
        ItemKind::Namespace(None) => out.push_str("namespace;\n"),
        ItemKind::Attribute(name) => {
            let _ = writeln!(out, "attribute {};", quote(&name.value));
        }
        ItemKind::Table(compound) => compound_decl(out, "table", compound),
        ItemKind::Struct(compound) => compound_decl(out, "struct", compound),
        ItemKind::Enum(decl) => enum_decl(out, decl),
        ItemKind::Union(decl) => union_decl(out, decl),
        ItemKind::RootType(name) => {
            let _ = writeln!(out, "root_type {};", name.joined());
        }
        ItemKind::FileIdentifier(id) => {
            let _ = writeln!(out, "file_identifier {};", quote(&id.value));
        }
        ItemKind::FileExtension(ext) => {
            let _ = writeln!(out, "file_extension {};", quote(&ext.value));
        }
        ItemKind::RpcService(service) => service_decl(out, service),
    }
}

/// Opens a `{ ... }` body; an empty body is printed as `{}`.
fn open_body(out: &mut String, empty: bool) -> bool {
    if empty {
        out.push_str(" {}\n");
        return false;
    }
    out.push_str(" {\n");
    true
}

fn compound_decl(out: &mut String, keyword: &str, compound: &Compound) {
    let _ = write!(out, "{keyword} {}", compound.name.name);
    attributes(out, &compound.attributes);
    if !open_body(out, compound.fields.is_empty()) {
        return;
    }
    for field in &compound.fields {
        docs(out, &field.docs, "    ");
        let _ = write!(out, "    {}: {}", field.name.name, type_expr(&field.ty));
        if let Some(default) = &field.default {
            let _ = write!(out, " = {}", literal(default));
        }
        attributes(out, &field.attributes);
        out.push_str(";\n");
    }
    out.push_str("}\n");
}

fn enum_decl(out: &mut String, decl: &EnumDecl) {
    let _ = write!(
        out,
        "enum {} : {}",
        decl.name.name,
        type_expr(&decl.underlying)
    );
    attributes(out, &decl.attributes);
    if !open_body(out, decl.values.is_empty()) {
        return;
    }
    let last = decl.values.len().saturating_sub(1);
    for (i, value) in decl.values.iter().enumerate() {
        docs(out, &value.docs, "    ");
        let _ = write!(out, "    {}", value.name.name);
        if let Some(v) = &value.value {
            let _ = write!(out, " = {}", literal(v));
        }
        attributes(out, &value.attributes);
        out.push_str(if i < last { ",\n" } else { "\n" });
    }
    out.push_str("}\n");
}

fn union_decl(out: &mut String, decl: &UnionDecl) {
    let _ = write!(out, "union {}", decl.name.name);
    if let Some(underlying) = &decl.underlying {
        let _ = write!(out, " : {}", type_expr(underlying));
    }
    attributes(out, &decl.attributes);
    if !open_body(out, decl.members.is_empty()) {
        return;
    }
    let last = decl.members.len().saturating_sub(1);
    for (i, member) in decl.members.iter().enumerate() {
        docs(out, &member.docs, "    ");
        out.push_str("    ");
        if let Some(alias) = &member.alias {
            let _ = write!(out, "{}: ", alias.name);
        }
        out.push_str(&member.ty.joined());
        if let Some(v) = &member.value {
            let _ = write!(out, " = {}", literal(v));
        }
        attributes(out, &member.attributes);
        out.push_str(if i < last { ",\n" } else { "\n" });
    }
    out.push_str("}\n");
}

fn service_decl(out: &mut String, service: &ServiceDecl) {
    let _ = write!(out, "rpc_service {}", service.name.name);
    attributes(out, &service.attributes);
    if !open_body(out, service.methods.is_empty()) {
        return;
    }
    for method in &service.methods {
        docs(out, &method.docs, "    ");
        let _ = write!(
            out,
            "    {}({}): {}",
            method.name.name,
            method.request.joined(),
            method.response.joined()
        );
        attributes(out, &method.attributes);
        out.push_str(";\n");
    }
    out.push_str("}\n");
}

fn attributes(out: &mut String, attributes: &[Attribute]) {
    if attributes.is_empty() {
        return;
    }
    out.push_str(" (");
    for (i, attribute) in attributes.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if is_identifier(&attribute.name.name) {
            out.push_str(&attribute.name.name);
        } else {
            out.push_str(&quote(&attribute.name.name));
        }
        if let Some(value) = &attribute.value {
            let _ = write!(out, ": {}", literal(value));
        }
    }
    out.push(')');
}

/// A type as `.fbs` text: `int`, `ns.T`, `[T]`, `[T:N]`.
pub fn type_expr(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::Named(name) => name.joined(),
        TypeExpr::Vector(inner, _) => format!("[{}]", type_expr(inner)),
        TypeExpr::Array(inner, length, _) => format!("[{}:{}]", type_expr(inner), literal(length)),
    }
}

/// A literal as `.fbs` text (numbers as written, strings quoted and escaped).
pub fn literal(literal: &Literal) -> String {
    match &literal.kind {
        LiteralKind::Integer(text) | LiteralKind::Float(text) | LiteralKind::Ident(text) => {
            text.clone()
        }
        LiteralKind::String(value) => quote(value),
        LiteralKind::Bool(value) => value.to_string(),
        LiteralKind::Null => "null".to_string(),
        LiteralKind::EmptyVector => "[]".to_string(),
    }
}

/// A string in double quotes with the escapes the lexer reads back.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ if (ch as u32) < 0x20 || ch == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", ch as u32);
            }
            _ => out.push(ch),
        }
    }
    out.push('"');
    out
}
