//! Declarations, namespaces and name lookup, and type resolution.
//!
//! flatc looks a (possibly dotted) type name up in the current namespace
//! first, then in each enclosing namespace, then in the root namespace. Unlike
//! flatc (which needs enums declared before use) every kind of declaration may
//! be referred to before it is declared.

use std::collections::HashMap;

use super::attributes::convert_attributes;
use super::load::Loaded;
use super::values::parse_integer;
use super::{not_found_in, Ctx, EnumDeclSrc, EnumSrc, ObjectSrc, Symbol};
use crate::diag::{Diagnostic, Span};
use crate::schema::{
    full_name, AttributeValue, DefaultValue, EnumDef, EnumId, FieldDef, Object, ObjectId, RpcCall,
    ScalarType, Service, Type,
};
use crate::syntax::ast;

/// Longest fixed-length array flatc accepts (the length is stored as a `uint16`).
const MAX_ARRAY_LENGTH: i128 = 65535;

impl<'a> Ctx<'a> {
    /// Registers every table, struct, enum, union and attribute declaration.
    pub(super) fn declare(&mut self, loaded: &'a Loaded) {
        for decl in &loaded.decls {
            let Some(item) = loaded.item(decl) else {
                continue;
            };
            let namespace = loaded.namespace(decl);
            match &item.kind {
                ast::ItemKind::Attribute(lit) => {
                    self.declared_attributes.insert(lit.value.clone());
                    self.schema
                        .declared_attributes
                        .push((lit.value.clone(), lit.span));
                }
                ast::ItemKind::Table(compound) | ast::ItemKind::Struct(compound) => {
                    let is_struct = matches!(item.kind, ast::ItemKind::Struct(_));
                    let id = ObjectId(self.schema.objects.len() as u32);
                    if !self.register(namespace, &compound.name, Symbol::Object(id)) {
                        continue;
                    }
                    self.schema.objects.push(Object {
                        name: compound.name.name.clone(),
                        namespace: namespace.to_vec(),
                        is_struct,
                        fields: Vec::new(),
                        minalign: 1,
                        bytesize: 0,
                        attributes: convert_attributes(&compound.attributes),
                        docs: item.docs.clone(),
                        span: compound.name.span,
                    });
                    self.objects.push(ObjectSrc {
                        decl: compound,
                        namespace,
                        fields: Vec::new(),
                        incomplete: false,
                    });
                }
                ast::ItemKind::Enum(decl) => {
                    let id = EnumId(self.schema.enums.len() as u32);
                    if !self.register(namespace, &decl.name, Symbol::Enum(id)) {
                        continue;
                    }
                    let underlying = self.enum_underlying(decl);
                    let bit_flags = decl.attributes.iter().any(|a| a.name.name == "bit_flags");
                    self.schema.enums.push(EnumDef {
                        name: decl.name.name.clone(),
                        namespace: namespace.to_vec(),
                        is_union: false,
                        underlying,
                        bit_flags,
                        values: Vec::new(),
                        attributes: convert_attributes(&decl.attributes),
                        docs: item.docs.clone(),
                        span: decl.name.span,
                    });
                    self.enums.push(EnumSrc {
                        decl: EnumDeclSrc::Enum(decl),
                        namespace,
                        members: Vec::new(),
                    });
                }
                ast::ItemKind::Union(decl) => {
                    let id = EnumId(self.schema.enums.len() as u32);
                    if !self.register(namespace, &decl.name, Symbol::Enum(id)) {
                        continue;
                    }
                    self.check_union_underlying(decl);
                    self.schema.enums.push(EnumDef {
                        name: decl.name.name.clone(),
                        namespace: namespace.to_vec(),
                        is_union: true,
                        underlying: ScalarType::UByte,
                        bit_flags: false,
                        values: Vec::new(),
                        attributes: convert_attributes(&decl.attributes),
                        docs: item.docs.clone(),
                        span: decl.name.span,
                    });
                    self.enums.push(EnumSrc {
                        decl: EnumDeclSrc::Union(decl),
                        namespace,
                        members: Vec::new(),
                    });
                }
                _ => {}
            }
        }
    }

    /// Adds a type name to the symbol table; reports and returns `false` on a duplicate.
    fn register(&mut self, namespace: &[String], name: &ast::Ident, symbol: Symbol) -> bool {
        let full = full_name(namespace, &name.name);
        if let Some((_, first)) = self.symbols.get(&full) {
            self.diags.push(
                Diagnostic::error(name.span, format!("`{full}` is declared twice"))
                    .with_label("redeclared here")
                    .with_secondary(*first, "first declared here")
                    .with_note("help: rename one of them or move it into another namespace"),
            );
            return false;
        }
        self.symbols.insert(full, (symbol, name.span));
        true
    }

    /// The underlying type of an enum; reports a missing or non-integer one.
    fn enum_underlying(&mut self, decl: &ast::EnumDecl) -> ScalarType {
        let written = match &decl.underlying {
            ast::TypeExpr::Named(name) if name.parts.is_empty() => None,
            other => Some(other),
        };
        let Some(ty) = written else {
            self.diags.push(
                Diagnostic::error(
                    decl.name.span,
                    format!("enum `{}` has no underlying type", decl.name.name),
                )
                .with_label("missing `: type`")
                .with_note(format!(
                    "help: name an integer type, e.g. `enum {} : ubyte {{ ... }}`",
                    decl.name.name
                )),
            );
            return ScalarType::Int;
        };
        if let ast::TypeExpr::Named(name) = ty {
            if let [part] = name.parts.as_slice() {
                if let Some(scalar) = ScalarType::from_keyword(&part.name) {
                    if scalar.is_integer() {
                        return scalar;
                    }
                }
            }
        }
        self.diags.push(
            Diagnostic::error(ty.span(), "the underlying type of an enum must be an integer type")
                .with_label("not an integer type")
                .with_note("help: use one of `byte`, `ubyte`, `short`, `ushort`, `int`, `uint`, `long`, `ulong`"),
        );
        ScalarType::Int
    }

    /// flatc accepts `union U : type` but not for Rust; only `ubyte`, the default, is supported.
    fn check_union_underlying(&mut self, decl: &ast::UnionDecl) {
        let Some(ty) = &decl.underlying else {
            return;
        };
        if let ast::TypeExpr::Named(name) = ty {
            if let [part] = name.parts.as_slice() {
                if ScalarType::from_keyword(&part.name) == Some(ScalarType::UByte) {
                    return;
                }
            }
        }
        self.diags.push(
            Diagnostic::error(ty.span(), "unions must have the underlying type `ubyte`")
                .with_label("not supported")
                .with_note("note: flatc supports other union tag types only for some target languages, not Rust")
                .with_note("help: remove the `: type`"),
        );
    }

    /// flatc's lookup: `namespace.name`, then each enclosing namespace, then the root.
    pub(super) fn lookup(&self, namespace: &[String], name: &str) -> Option<(Symbol, Span)> {
        for depth in (0..=namespace.len()).rev() {
            let key = match namespace.get(..depth) {
                Some(prefix) if !prefix.is_empty() => format!("{}.{name}", prefix.join(".")),
                _ => name.to_string(),
            };
            if let Some(found) = self.symbols.get(&key) {
                return Some(*found);
            }
        }
        None
    }

    /// Reports an unknown type name, suggesting declarations with the same short name.
    pub(super) fn unknown_type(&mut self, name: &ast::QualifiedName, namespace: &[String]) {
        let joined = name.joined();
        let short = name.parts.last().map_or("", |p| p.name.as_str());
        let mut similar: Vec<&String> = self
            .symbols
            .keys()
            .filter(|k| k.rsplit('.').next() == Some(short))
            .collect();
        similar.sort();
        similar.truncate(3);
        let mut diag = Diagnostic::error(name.span, format!("unknown type `{joined}`"))
            .with_label(not_found_in(namespace));
        diag = if similar.is_empty() {
            diag.with_note(format!(
                "help: declare `{joined}` or include the file that declares it"
            ))
        } else {
            let list: Vec<String> = similar.iter().map(|s| format!("`{s}`")).collect();
            diag.with_note(format!(
                "help: a type with this name exists: {}; qualify the name",
                list.join(", ")
            ))
        };
        self.diags.push(diag);
    }

    /// Resolves a type expression (placement rules are checked by the caller).
    pub(super) fn resolve_type(
        &mut self,
        ty: &ast::TypeExpr,
        namespace: &[String],
    ) -> Option<Type> {
        match ty {
            ast::TypeExpr::Named(name) => self.resolve_named(name, namespace),
            // The parser reports nested vectors/arrays and bad array lengths.
            ast::TypeExpr::Vector(inner, _) => {
                if let ast::TypeExpr::Vector(..) | ast::TypeExpr::Array(..) = **inner {
                    return None;
                }
                let element = self.resolve_type(inner, namespace)?;
                Some(Type::Vector(Box::new(element)))
            }
            ast::TypeExpr::Array(inner, length, _) => {
                if let ast::TypeExpr::Vector(..) | ast::TypeExpr::Array(..) = **inner {
                    return None;
                }
                let element = self.resolve_type(inner, namespace)?;
                if !matches!(element, Type::Scalar(_) | Type::Enum(_) | Type::Struct(_)) {
                    self.diags.push(
                        Diagnostic::error(
                            inner.span(),
                            "fixed-length array elements must be scalars, enums or structs",
                        )
                        .with_label("not allowed in an array"),
                    );
                    return None;
                }
                let count = match &length.kind {
                    ast::LiteralKind::Integer(text) => parse_integer(text),
                    _ => None,
                };
                let length = count.filter(|n| (1..=MAX_ARRAY_LENGTH).contains(n))?;
                Some(Type::Array(Box::new(element), length as u16))
            }
        }
    }

    fn resolve_named(&mut self, name: &ast::QualifiedName, namespace: &[String]) -> Option<Type> {
        if let [part] = name.parts.as_slice() {
            if let Some(scalar) = ScalarType::from_keyword(&part.name) {
                return Some(Type::Scalar(scalar));
            }
            if part.name == "string" {
                return Some(Type::String);
            }
        }
        match self.lookup(namespace, &name.joined()) {
            Some((Symbol::Object(id), _)) => {
                let is_struct = self.schema.objects.get(id.0 as usize)?.is_struct;
                Some(if is_struct {
                    Type::Struct(id)
                } else {
                    Type::Table(id)
                })
            }
            Some((Symbol::Enum(id), _)) => {
                let is_union = self.schema.enums.get(id.0 as usize)?.is_union;
                Some(if is_union {
                    Type::Union(id)
                } else {
                    Type::Enum(id)
                })
            }
            None => {
                self.unknown_type(name, namespace);
                None
            }
        }
    }

    /// Resolves the fields of every table and struct (ids and layout come later).
    pub(super) fn resolve_fields(&mut self) {
        for index in 0..self.objects.len() {
            let decl = self.objects[index].decl;
            let namespace = self.objects[index].namespace;
            let is_struct = self.schema.objects[index].is_struct;
            let mut fields: Vec<FieldDef> = Vec::new();
            let mut sources: Vec<&'a ast::Field> = Vec::new();
            let mut first_seen: HashMap<String, (Span, bool)> = HashMap::new();
            let mut incomplete = false;
            for field in &decl.fields {
                let Some(ty) = self
                    .resolve_type(&field.ty, namespace)
                    .filter(|ty| self.field_type_allowed(ty, field, is_struct))
                else {
                    incomplete = true;
                    continue;
                };
                let base = self.field_def(field, ty.clone());
                let hidden = match &ty {
                    Type::Union(e) => Some(Type::UnionType(*e)),
                    Type::Vector(inner) => match **inner {
                        Type::Union(e) => Some(Type::Vector(Box::new(Type::UnionType(e)))),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(hidden_ty) = hidden {
                    let hidden_name = format!("{}_type", field.name.name);
                    let is_vector = matches!(hidden_ty, Type::Vector(_));
                    let type_field = FieldDef {
                        name: hidden_name.clone(),
                        default: if is_vector {
                            DefaultValue::None
                        } else {
                            DefaultValue::Integer(0)
                        },
                        ty: hidden_ty,
                        required: base.required && is_vector,
                        key: false,
                        optional: false,
                        attributes: Vec::new(),
                        docs: Vec::new(),
                        synthetic: true,
                        ..base.clone()
                    };
                    if self.check_field_name(&mut first_seen, &hidden_name, field, true) {
                        fields.push(type_field);
                        sources.push(field);
                    } else {
                        incomplete = true;
                    }
                }
                if self.check_field_name(&mut first_seen, &field.name.name, field, false) {
                    fields.push(base);
                    sources.push(field);
                } else {
                    incomplete = true;
                }
            }
            self.schema.objects[index].fields = fields;
            self.objects[index].fields = sources;
            self.objects[index].incomplete = incomplete;
        }
    }

    /// Reports a field name used twice (including the hidden union type fields).
    fn check_field_name(
        &mut self,
        seen: &mut HashMap<String, (Span, bool)>,
        name: &str,
        field: &ast::Field,
        synthetic: bool,
    ) -> bool {
        let Some(&(first, first_synthetic)) = seen.get(name) else {
            seen.insert(name.to_string(), (field.name.span, synthetic));
            return true;
        };
        let diag = if synthetic || first_synthetic {
            let union_field = if synthetic {
                field.name.name.as_str()
            } else {
                name.strip_suffix("_type").unwrap_or(name)
            };
            let (label, secondary) = if synthetic {
                (
                    format!("needs a hidden field named `{name}`"),
                    "already declared here".to_string(),
                )
            } else {
                (
                    "declared here".to_string(),
                    format!("union field `{union_field}` adds a hidden `{name}`"),
                )
            };
            Diagnostic::error(
                field.name.span,
                format!("field `{name}` clashes with the hidden type field of union field `{union_field}`"),
            )
            .with_label(label)
            .with_secondary(first, secondary)
            .with_note("help: rename one of the fields")
        } else {
            Diagnostic::error(field.name.span, format!("duplicate field `{name}`"))
                .with_label("declared again here")
                .with_secondary(first, "first declared here")
        };
        self.diags.push(diag);
        false
    }

    /// Struct fields hold only fixed-size data; arrays live only in structs.
    fn field_type_allowed(&mut self, ty: &Type, field: &ast::Field, is_struct: bool) -> bool {
        let span = field.ty.span();
        if is_struct {
            if matches!(
                ty,
                Type::Scalar(_) | Type::Enum(_) | Type::Struct(_) | Type::Array(..)
            ) {
                return true;
            }
            let what = match ty {
                Type::String => "a string",
                Type::Table(_) => "a table",
                Type::Union(_) | Type::UnionType(_) => "a union",
                _ => "a vector",
            };
            self.diags.push(
                Diagnostic::error(span, "struct fields must be scalars, enums, structs or fixed-length arrays")
                    .with_label(format!("{what} cannot be stored inline in a struct"))
                    .with_note("help: make the enclosing type a `table`, which can hold strings, vectors, tables and unions"),
            );
            return false;
        }
        if let Type::Array(..) = ty {
            self.diags.push(
                Diagnostic::error(span, "fixed-length arrays are only allowed in structs")
                    .with_label("array in a table")
                    .with_note("help: wrap the array in a struct, or use a vector `[T]`"),
            );
            return false;
        }
        true
    }

    fn field_def(&self, field: &ast::Field, ty: Type) -> FieldDef {
        let has = |name: &str| field.attributes.iter().any(|a| a.name.name == name);
        FieldDef {
            name: field.name.name.clone(),
            id: 0,
            offset: 0,
            default: DefaultValue::None,
            deprecated: has("deprecated"),
            // flatc makes a non-scalar `key` field implicitly required.
            required: has("required") || (has("key") && ty == Type::String),
            key: has("key"),
            optional: false,
            padding: 0,
            attributes: field_attributes(field),
            docs: field.docs.clone(),
            span: field.name.span,
            synthetic: false,
            ty,
        }
    }

    /// `root_type`, `file_identifier`, `file_extension` and `rpc_service`.
    pub(super) fn resolve_items(&mut self, loaded: &'a Loaded) {
        let mut services: HashMap<String, Span> = HashMap::new();
        for decl in &loaded.decls {
            let Some(item) = loaded.item(decl) else {
                continue;
            };
            let namespace = loaded.namespace(decl);
            // flatc checks these in every file but applies them only from root files.
            let in_root = loaded.files.get(decl.file).is_some_and(|f| f.is_root);
            match &item.kind {
                ast::ItemKind::RootType(name) => {
                    let id = self.resolve_table(name, namespace, "the root type");
                    if in_root && id.is_some() {
                        self.schema.root_table = id;
                    }
                }
                ast::ItemKind::FileIdentifier(lit) => {
                    let len = lit.value.len();
                    if len == 4 {
                        if in_root {
                            self.schema.file_ident = Some(lit.value.clone());
                        }
                    } else {
                        self.diags.push(
                            Diagnostic::error(
                                lit.span,
                                "a file identifier must be exactly 4 bytes",
                            )
                            .with_label(format!(
                                "this is {len} byte{}",
                                if len == 1 { "" } else { "s" }
                            ))
                            .with_note(
                                "help: use four ASCII characters, e.g. `file_identifier \"WAMP\";`",
                            ),
                        );
                    }
                }
                ast::ItemKind::FileExtension(lit) if in_root => {
                    self.schema.file_ext = Some(lit.value.clone());
                }
                ast::ItemKind::RpcService(service) => {
                    let full = full_name(namespace, &service.name.name);
                    if let Some(first) = services.get(&full) {
                        self.diags.push(
                            Diagnostic::error(
                                service.name.span,
                                format!("rpc service `{full}` is declared twice"),
                            )
                            .with_label("redeclared here")
                            .with_secondary(*first, "first declared here"),
                        );
                        continue;
                    }
                    services.insert(full, service.name.span);
                    let built = self.resolve_service(service, namespace, &item.docs);
                    self.schema.services.push(built);
                    self.services_src.push(service);
                }
                _ => {}
            }
        }
    }

    /// Looks up a name that must be a table (`what` names the role for messages).
    fn resolve_table(
        &mut self,
        name: &ast::QualifiedName,
        namespace: &[String],
        what: &str,
    ) -> Option<ObjectId> {
        match self.lookup(namespace, &name.joined()) {
            Some((Symbol::Object(id), declared)) => {
                let is_struct = self.schema.objects.get(id.0 as usize)?.is_struct;
                if !is_struct {
                    return Some(id);
                }
                self.diags.push(
                    Diagnostic::error(name.span, format!("{what} must be a table"))
                        .with_label(format!("`{}` is a struct", name.joined()))
                        .with_secondary(declared, "declared as a struct here"),
                );
                None
            }
            Some((Symbol::Enum(id), declared)) => {
                let kind = match self.schema.enums.get(id.0 as usize) {
                    Some(e) if e.is_union => "a union",
                    _ => "an enum",
                };
                self.diags.push(
                    Diagnostic::error(name.span, format!("{what} must be a table"))
                        .with_label(format!("`{}` is {kind}", name.joined()))
                        .with_secondary(declared, "declared here"),
                );
                None
            }
            None => {
                let scalar = name.parts.len() == 1
                    && name.parts.first().is_some_and(|p| {
                        ScalarType::from_keyword(&p.name).is_some() || p.name == "string"
                    });
                if scalar {
                    self.diags.push(
                        Diagnostic::error(name.span, format!("{what} must be a table"))
                            .with_label(format!("`{}` is a built-in type", name.joined())),
                    );
                } else {
                    self.unknown_type(name, namespace);
                }
                None
            }
        }
    }

    fn resolve_service(
        &mut self,
        service: &ast::ServiceDecl,
        namespace: &[String],
        docs: &[String],
    ) -> Service {
        let mut calls = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for method in &service.methods {
            if let Some(first) = seen.get(method.name.name.as_str()) {
                self.diags.push(
                    Diagnostic::error(
                        method.name.span,
                        format!("duplicate rpc method `{}`", method.name.name),
                    )
                    .with_label("declared again here")
                    .with_secondary(*first, "first declared here"),
                );
                continue;
            }
            seen.insert(&method.name.name, method.name.span);
            let request = self.resolve_table(&method.request, namespace, "an rpc request type");
            let response = self.resolve_table(&method.response, namespace, "an rpc response type");
            if let (Some(request), Some(response)) = (request, response) {
                calls.push(RpcCall {
                    name: method.name.name.clone(),
                    request,
                    response,
                    attributes: convert_attributes(&method.attributes),
                    docs: method.docs.clone(),
                    span: method.name.span,
                });
            }
        }
        Service {
            name: service.name.name.clone(),
            namespace: namespace.to_vec(),
            calls,
            attributes: convert_attributes(&service.attributes),
            docs: docs.to_vec(),
            span: service.name.span,
        }
    }
}

/// A field's attributes as flatc records them: as written, plus the
/// `cpp_ptr_type: "naked"` flatc adds to a `cpp_type` field that has none.
fn field_attributes(field: &ast::Field) -> Vec<AttributeValue> {
    let mut attributes = convert_attributes(&field.attributes);
    let cpp_type = attributes
        .iter()
        .find(|a| a.name == "cpp_type")
        .map(|a| a.span);
    if let Some(span) = cpp_type {
        if !attributes.iter().any(|a| a.name == "cpp_ptr_type") {
            attributes.push(AttributeValue {
                name: "cpp_ptr_type".to_string(),
                value: Some("naked".to_string()),
                span,
                value_span: None,
            });
        }
    }
    attributes
}
