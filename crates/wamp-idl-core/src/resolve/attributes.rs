//! Attribute rules: flatc's built-in attributes and declared user attributes.
//!
//! flatc accepts its built-in attribute names anywhere and every other name
//! only when declared with `attribute "name";` (we accept a declaration
//! anywhere in the schema set, flatc wants it before use). A repeated attribute
//! is a warning, as in flatc; the first one counts.

use std::collections::HashMap;

use super::{not_found_in, Ctx, EnumDeclSrc, Symbol};
use crate::diag::{Diagnostic, Span};
use crate::schema::{AttributeValue, ScalarType, Type, BUILTIN_ATTRIBUTES};
use crate::syntax::ast;

/// Converts attributes as written into the model's form (value text as written).
pub(super) fn convert_attributes(attributes: &[ast::Attribute]) -> Vec<AttributeValue> {
    attributes
        .iter()
        .map(|a| AttributeValue {
            name: a.name.name.clone(),
            value: a.value.as_ref().map(|v| literal_text(&v.kind)),
            span: a.span,
            value_span: a.value.as_ref().map(|v| v.span),
        })
        .collect()
}

/// A literal's text: a string's contents, a number as written.
fn literal_text(kind: &ast::LiteralKind) -> String {
    match kind {
        ast::LiteralKind::Integer(t)
        | ast::LiteralKind::Float(t)
        | ast::LiteralKind::String(t)
        | ast::LiteralKind::Ident(t) => t.clone(),
        ast::LiteralKind::Bool(b) => b.to_string(),
        ast::LiteralKind::Null => "null".to_string(),
        ast::LiteralKind::EmptyVector => "[]".to_string(),
    }
}

/// Hash algorithms flatc knows, by the bit width of the field.
fn hash_algorithms(bits: u32) -> &'static [&'static str] {
    match bits {
        16 => &["fnv1_16", "fnv1a_16"],
        32 => &["fnv1_32", "fnv1a_32"],
        64 => &["fnv1_64", "fnv1a_64"],
        _ => &[],
    }
}

/// Where a field is, for the field attribute rules.
struct FieldPlace<'n> {
    in_struct: bool,
    /// Declared `= null`.
    optional: bool,
    namespace: &'n [String],
}

/// What an attribute list is attached to, for the placement rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Table,
    Struct,
    Enum,
    Union,
    Other,
}

impl Ctx<'_> {
    /// Checks every attribute list in the schema.
    pub(super) fn check_attributes(&mut self) {
        for index in 0..self.objects.len() {
            let decl = self.objects[index].decl;
            let is_struct = self.schema.objects[index].is_struct;
            let target = if is_struct {
                Target::Struct
            } else {
                Target::Table
            };
            self.check_list(&decl.attributes, target);
            let mut key: Option<Span> = None;
            for field_index in 0..self.objects[index].fields.len() {
                let source = self.objects[index].fields[field_index];
                let Some(field) = self.schema.objects[index].fields.get(field_index) else {
                    continue;
                };
                // Each syntax field once: a union field's hidden type field is skipped.
                if field.synthetic {
                    continue;
                }
                let ty = field.ty.clone();
                let optional = field.optional;
                let namespace = self.objects[index].namespace;
                self.check_list(&source.attributes, Target::Other);
                let place = FieldPlace {
                    in_struct: is_struct,
                    optional,
                    namespace,
                };
                self.check_field_attributes(source, &ty, &place, &mut key);
            }
        }
        for index in 0..self.enums.len() {
            match self.enums[index].decl {
                EnumDeclSrc::Enum(decl) => {
                    self.check_list(&decl.attributes, Target::Enum);
                    for value in &decl.values {
                        self.check_list(&value.attributes, Target::Other);
                    }
                }
                EnumDeclSrc::Union(decl) => {
                    self.check_list(&decl.attributes, Target::Union);
                    for member in &decl.members {
                        self.check_list(&member.attributes, Target::Other);
                    }
                }
            }
        }
        for service in self.services_src.clone() {
            self.check_list(&service.attributes, Target::Other);
            for method in &service.methods {
                self.check_list(&method.attributes, Target::Other);
            }
        }
    }

    /// Undeclared and repeated attributes, and declaration-level placement.
    fn check_list(&mut self, attributes: &[ast::Attribute], target: Target) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for attribute in attributes {
            let name = attribute.name.name.as_str();
            if let Some(first) = seen.get(name) {
                self.diags.push(
                    Diagnostic::warning(
                        attribute.span,
                        format!("attribute `{name}` is given twice"),
                    )
                    .with_label("repeated here")
                    .with_secondary(*first, "first given here; this one counts")
                    .with_note("help: remove the repetition"),
                );
                continue;
            }
            seen.insert(name, attribute.span);
            if !BUILTIN_ATTRIBUTES.contains(&name) && !self.declared_attributes.contains(name) {
                self.diags.push(
                    Diagnostic::error(attribute.name.span, format!("unknown attribute `{name}`"))
                        .with_label("not a flatc attribute and not declared")
                        .with_note(format!("help: declare it with `attribute \"{name}\";` in this file or an included one")),
                );
                continue;
            }
            match (name, target) {
                ("force_align", Target::Table) => self.diags.push(
                    Diagnostic::warning(attribute.span, "`force_align` has no effect on a table")
                        .with_label("ignored")
                        .with_note("note: only structs have a fixed layout to align"),
                ),
                ("bit_flags", Target::Table | Target::Struct | Target::Union) => self.diags.push(
                    Diagnostic::warning(attribute.span, "`bit_flags` has no effect here")
                        .with_label("ignored")
                        .with_note("note: `bit_flags` applies to enums"),
                ),
                _ => {}
            }
        }
    }

    fn check_field_attributes(
        &mut self,
        field: &ast::Field,
        ty: &Type,
        place: &FieldPlace<'_>,
        key: &mut Option<Span>,
    ) {
        let in_struct = place.in_struct;
        let namespace = place.namespace;
        let scalar = matches!(ty, Type::Scalar(_) | Type::Enum(_));
        for attribute in &field.attributes {
            let span = attribute.span;
            match attribute.name.name.as_str() {
                "required" if in_struct => self.diags.push(
                    Diagnostic::error(span, "struct fields cannot be `required`")
                        .with_label("struct fields are always present")
                        .with_note("help: remove `required`"),
                ),
                "required" if scalar => self.diags.push(
                    Diagnostic::error(span, "only non-scalar table fields can be `required`")
                        .with_label(format!("`{}` is a scalar", field.name.name))
                        .with_note("note: a scalar field always reads as its default when absent"),
                ),
                "deprecated" if in_struct => self.diags.push(
                    Diagnostic::error(span, "struct fields cannot be `deprecated`")
                        .with_label("a struct's layout cannot change")
                        .with_note("help: remove `deprecated`, or use a table"),
                ),
                "key" => {
                    // flatc 25 also accepts structs and arrays of scalars as keys.
                    let allowed = match ty {
                        Type::Scalar(_) | Type::Enum(_) | Type::Struct(_) => true,
                        Type::String => !in_struct,
                        Type::Array(element, _) => {
                            matches!(**element, Type::Scalar(_) | Type::Enum(_))
                        }
                        _ => false,
                    };
                    if place.optional {
                        self.diags.push(
                            Diagnostic::error(span, "an optional field cannot be the `key`")
                                .with_label(format!("`{}` is declared `= null`", field.name.name))
                                .with_note(
                                    "help: give the field a default value, or choose another key",
                                ),
                        );
                    } else if !allowed {
                        self.diags.push(
                            Diagnostic::error(span, "a `key` field must be a scalar, a string, a struct or an array of scalars")
                                .with_label(format!("`{}` cannot be compared as a key", field.name.name)),
                        );
                    } else if let Some(first) = key {
                        self.diags.push(
                            Diagnostic::error(span, "only one field can be the `key`")
                                .with_label("second `key`")
                                .with_secondary(*first, "first `key` here"),
                        );
                    } else {
                        *key = Some(span);
                    }
                }
                "hash" => self.check_hash(attribute, ty),
                "cpp_type" if !field.attributes.iter().any(|a| a.name.name == "hash") => {
                    self.diags.push(
                        Diagnostic::error(span, "`cpp_type` needs a `hash` attribute on the same field")
                            .with_label("not a hashed field")
                            .with_note("note: flatc uses `cpp_type` only for hashed references, e.g. `(hash: \"fnv1a_64\", cpp_type: \"T\")`"),
                    )
                }
                "nested_flatbuffer" => self.check_nested_flatbuffer(attribute, ty, namespace),
                _ => {}
            }
        }
    }

    fn check_hash(&mut self, attribute: &ast::Attribute, ty: &Type) {
        // flatc hashes integer fields and vectors of integers.
        let scalar = match ty {
            Type::Scalar(s) => Some(*s),
            Type::Vector(element) => match **element {
                Type::Scalar(s) => Some(s),
                _ => None,
            },
            _ => None,
        };
        let Some(scalar) = scalar.filter(|s| s.is_integer() && s.size() >= 2) else {
            self.diags.push(
                Diagnostic::error(
                    attribute.span,
                    "`hash` needs an integer field of 16, 32 or 64 bits",
                )
                .with_label("not `short`, `ushort`, `int`, `uint`, `long` or `ulong`"),
            );
            return;
        };
        let bits = scalar.size() * 8;
        let algorithms = hash_algorithms(bits);
        let value = attribute.value.as_ref();
        let name = value.map(|v| literal_text(&v.kind));
        if name.as_deref().is_some_and(|n| algorithms.contains(&n)) {
            return;
        }
        let span = value.map_or(attribute.span, |v| v.span);
        let list: Vec<String> = algorithms.iter().map(|a| format!("`\"{a}\"`")).collect();
        self.diags.push(
            Diagnostic::error(
                span,
                format!("unknown hash algorithm for a {bits}-bit field"),
            )
            .with_label(match name {
                Some(n) => format!("`{n}` is not known"),
                None => "missing algorithm".to_string(),
            })
            .with_note(format!("help: use {}", list.join(" or "))),
        );
    }

    fn check_nested_flatbuffer(
        &mut self,
        attribute: &ast::Attribute,
        ty: &Type,
        namespace: &[String],
    ) {
        if *ty != Type::Vector(Box::new(Type::Scalar(ScalarType::UByte))) {
            self.diags.push(
                Diagnostic::error(
                    attribute.span,
                    "`nested_flatbuffer` needs a `[ubyte]` field",
                )
                .with_label("the field holds a serialized buffer, so it must be bytes"),
            );
            return;
        }
        let Some(value) = attribute.value.as_ref() else {
            self.diags.push(
                Diagnostic::error(
                    attribute.span,
                    "`nested_flatbuffer` needs the root table's name",
                )
                .with_label("no table named")
                .with_note("help: write e.g. `nested_flatbuffer: \"Monster\"`"),
            );
            return;
        };
        let name = literal_text(&value.kind);
        match self.lookup(namespace, &name) {
            Some((Symbol::Object(_), _)) => {}
            Some((Symbol::Enum(_), declared)) => self.diags.push(
                Diagnostic::error(value.span, format!("`{name}` is not a table"))
                    .with_label("`nested_flatbuffer` names the nested buffer's root table")
                    .with_secondary(declared, "declared here"),
            ),
            None => self.diags.push(
                Diagnostic::error(value.span, format!("unknown type `{name}`"))
                    .with_label(not_found_in(namespace))
                    .with_note(format!(
                        "help: declare `{name}` or include the file that declares it"
                    )),
            ),
        }
    }
}
