//! Enum and union values, and field default values.
//!
//! Enum values follow flatc: an implicit value is the previous one plus one
//! (the first is 0), every value must fit the underlying type and be unique
//! (any order is fine). `bit_flags` values are bit positions, stored as masks.
//! Field defaults follow flatc too: an enum field without a default gets 0,
//! which must then be one of its values (unless the enum is `bit_flags`).

use std::collections::HashMap;

use super::{Ctx, EnumDeclSrc, Symbol};
use crate::diag::{Diagnostic, Span};
use crate::schema::{DefaultValue, EnumId, EnumValue, ScalarType, Type};
use crate::syntax::ast;

/// Parses an integer as written in a schema: optional sign, decimal or `0x` hex.
pub(super) fn parse_integer(text: &str) -> Option<i128> {
    let text = text.trim();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (radix, digits) = match digits.get(..2) {
        Some("0x") | Some("0X") => (16, digits.get(2..)?),
        _ => (10, digits),
    };
    if digits.is_empty() || digits.len() > 40 || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Parses a float as written: decimal, exponent, integer (also hex), `inf`, `nan`.
fn parse_float(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let magnitude = match body.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        lower if lower.starts_with("0x") => parse_integer(body)? as f64,
        _ => {
            if !body
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
            {
                return None;
            }
            body.parse::<f64>().ok()?
        }
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The inclusive range of an integer scalar type.
fn integer_range(scalar: ScalarType) -> (i128, i128) {
    match scalar {
        ScalarType::Bool => (0, 1),
        ScalarType::Byte => (i8::MIN.into(), i8::MAX.into()),
        ScalarType::UByte => (0, u8::MAX.into()),
        ScalarType::Short => (i16::MIN.into(), i16::MAX.into()),
        ScalarType::UShort => (0, u16::MAX.into()),
        ScalarType::Int => (i32::MIN.into(), i32::MAX.into()),
        ScalarType::UInt => (0, u32::MAX.into()),
        ScalarType::Long => (i64::MIN.into(), i64::MAX.into()),
        ScalarType::ULong => (0, u64::MAX.into()),
        // Not integers; callers check first. A range nothing is outside of.
        ScalarType::Float | ScalarType::Double => (i128::MIN, i128::MAX),
    }
}

/// The value as flatc stores it in 64 bits (`ulong` values as their bit pattern).
fn to_stored(value: i128) -> i64 {
    if value > i128::from(i64::MAX) {
        (value as u64) as i64
    } else {
        value as i64
    }
}

/// The logical value of a stored one, given the type.
fn from_stored(value: i64, scalar: ScalarType) -> i128 {
    if scalar == ScalarType::ULong {
        i128::from(value as u64)
    } else {
        i128::from(value)
    }
}

fn out_of_range(span: Span, text: &str, scalar: ScalarType, what: &str) -> Diagnostic {
    let (min, max) = integer_range(scalar);
    Diagnostic::error(
        span,
        format!("{what} `{text}` does not fit in `{}`", scalar.keyword()),
    )
    .with_label(format!("outside {min}..={max}"))
}

impl Ctx<'_> {
    /// Computes the values of every (non-union) enum.
    pub(super) fn resolve_enum_values(&mut self) {
        for index in 0..self.enums.len() {
            let EnumDeclSrc::Enum(decl) = self.enums[index].decl else {
                continue;
            };
            let underlying = self.schema.enums[index].underlying;
            let bit_flags = self.schema.enums[index].bit_flags;
            if bit_flags
                && !matches!(
                    underlying,
                    ScalarType::UByte | ScalarType::UShort | ScalarType::UInt | ScalarType::ULong
                )
            {
                let span = decl
                    .attributes
                    .iter()
                    .find(|a| a.name.name == "bit_flags")
                    .map_or(decl.name.span, |a| a.span);
                self.diags.push(
                    Diagnostic::warning(
                        span,
                        "the underlying type of a `bit_flags` enum should be unsigned",
                    )
                    .with_label(format!("`{}` is signed", underlying.keyword()))
                    .with_note(format!("help: use `u{}`", underlying.keyword())),
                );
            }
            let (min, max) = integer_range(underlying);
            let bits = i128::from(underlying.size() * 8);
            let mut values: Vec<EnumValue> = Vec::new();
            // Logical value (bit position for bit_flags) of each value, for `previous + 1`.
            let mut previous: Option<i128> = None;
            let mut by_name: HashMap<&str, Span> = HashMap::new();
            let mut by_value: HashMap<i128, (String, Span)> = HashMap::new();
            for value in &decl.values {
                let logical = match &value.value {
                    Some(lit) => match &lit.kind {
                        ast::LiteralKind::Integer(text) => match parse_integer(text) {
                            Some(v) => v,
                            None => {
                                self.diags.push(out_of_range(
                                    lit.span,
                                    text,
                                    underlying,
                                    "enum value",
                                ));
                                continue;
                            }
                        },
                        _ => {
                            self.diags.push(
                                Diagnostic::error(lit.span, "enum values must be integers")
                                    .with_label("not an integer"),
                            );
                            continue;
                        }
                    },
                    None => previous.map_or(0, |p| p.saturating_add(1)),
                };
                previous = Some(logical);
                let span = value.value.as_ref().map_or(value.name.span, |l| l.span);
                let stored = if bit_flags {
                    if !(0..bits).contains(&logical) {
                        self.diags.push(
                            Diagnostic::error(
                                span,
                                format!("bit flag `{}` is out of range", value.name.name),
                            )
                            .with_label(format!(
                                "bit {logical} does not exist in `{}`",
                                underlying.keyword()
                            ))
                            .with_note(format!(
                                "help: `bit_flags` values are bit positions from 0 to {}",
                                bits - 1
                            )),
                        );
                        continue;
                    }
                    1i128 << logical
                } else {
                    if !(min..=max).contains(&logical) {
                        let text = match &value.value {
                            Some(_) => logical.to_string(),
                            None => format!("{} + 1", logical.saturating_sub(1)),
                        };
                        self.diags
                            .push(out_of_range(span, &text, underlying, "enum value"));
                        continue;
                    }
                    logical
                };
                if let Some(first) = by_name.get(value.name.name.as_str()) {
                    self.diags.push(
                        Diagnostic::error(
                            value.name.span,
                            format!("duplicate enum value `{}`", value.name.name),
                        )
                        .with_label("declared again here")
                        .with_secondary(*first, "first declared here"),
                    );
                    continue;
                }
                if let Some((other, first)) = by_value.get(&stored) {
                    self.diags.push(
                        Diagnostic::error(
                            span,
                            format!(
                                "enum values must be unique: `{other}` and `{}` are both {stored}",
                                value.name.name
                            ),
                        )
                        .with_label(format!("`{}` is {stored}", value.name.name))
                        .with_secondary(*first, format!("`{other}` is {stored} here")),
                    );
                    continue;
                }
                by_name.insert(&value.name.name, value.name.span);
                by_value.insert(stored, (value.name.name.clone(), value.name.span));
                values.push(EnumValue {
                    name: value.name.name.clone(),
                    value: to_stored(stored),
                    union_type: None,
                    attributes: super::attributes::convert_attributes(&value.attributes),
                    docs: value.docs.clone(),
                    span: value.name.span,
                });
            }
            self.schema.enums[index].values = values;
        }
    }

    /// Resolves union members (tables or structs) and their values; `NONE = 0` comes first.
    pub(super) fn resolve_unions(&mut self) {
        for index in 0..self.enums.len() {
            let EnumDeclSrc::Union(decl) = self.enums[index].decl else {
                continue;
            };
            let namespace = self.enums[index].namespace;
            let union_span = decl.name.span;
            let mut values = vec![EnumValue {
                name: "NONE".to_string(),
                value: 0,
                union_type: None,
                attributes: Vec::new(),
                docs: Vec::new(),
                span: union_span,
            }];
            let mut members = Vec::new();
            let mut by_name: HashMap<String, Span> = HashMap::new();
            let mut by_value: HashMap<i128, (String, Span)> = HashMap::new();
            by_name.insert("NONE".to_string(), union_span);
            by_value.insert(0, ("NONE".to_string(), union_span));
            let mut previous: i128 = 0;
            for member in &decl.members {
                let ty = self.union_member_type(&member.ty, namespace);
                let logical = match &member.value {
                    Some(lit) => match &lit.kind {
                        ast::LiteralKind::Integer(text) => parse_integer(text),
                        _ => None,
                    },
                    None => Some(previous.saturating_add(1)),
                };
                let span = member.value.as_ref().map_or(member.ty.span, |l| l.span);
                let Some(logical) = logical else {
                    self.diags.push(
                        Diagnostic::error(span, "union values must be integers")
                            .with_label("not an integer"),
                    );
                    continue;
                };
                previous = logical;
                let Some(ty) = ty else {
                    continue;
                };
                if !(0..=255).contains(&logical) {
                    self.diags.push(out_of_range(
                        span,
                        &logical.to_string(),
                        ScalarType::UByte,
                        "union value",
                    ));
                    continue;
                }
                // flatc names a member after its type as written, dots replaced by `_`.
                let (name, name_span) = match &member.alias {
                    Some(alias) => (alias.name.clone(), alias.span),
                    None => (member.ty.joined().replace('.', "_"), member.ty.span),
                };
                if let Some(first) = by_name.get(&name) {
                    let mut diag =
                        Diagnostic::error(name_span, format!("duplicate union member `{name}`"))
                            .with_label("declared again here");
                    diag = if *first == union_span {
                        diag.with_note(
                            "note: every union has an implicit member `NONE` with value 0",
                        )
                    } else {
                        diag.with_secondary(*first, "first declared here")
                    };
                    diag = diag.with_note("help: give one of them another name with `Alias: Type`");
                    self.diags.push(diag);
                    continue;
                }
                if let Some((other, first)) = by_value.get(&logical) {
                    let mut diag = Diagnostic::error(
                        span,
                        format!("union values must be unique: `{other}` and `{name}` are both {logical}"),
                    )
                    .with_label(format!("`{name}` is {logical}"));
                    diag = if *first == union_span {
                        diag.with_note("note: value 0 is the implicit member `NONE`")
                    } else {
                        diag.with_secondary(*first, format!("`{other}` is {logical} here"))
                    };
                    self.diags.push(diag);
                    continue;
                }
                by_name.insert(name.clone(), name_span);
                by_value.insert(logical, (name.clone(), name_span));
                values.push(EnumValue {
                    name,
                    value: to_stored(logical),
                    union_type: Some(ty),
                    attributes: super::attributes::convert_attributes(&member.attributes),
                    docs: member.docs.clone(),
                    span: name_span,
                });
                members.push(member);
            }
            self.schema.enums[index].values = values;
            self.enums[index].members = members;
        }
    }

    fn union_member_type(
        &mut self,
        name: &ast::QualifiedName,
        namespace: &[String],
    ) -> Option<Type> {
        let builtin = match name.parts.as_slice() {
            [part] => ScalarType::from_keyword(&part.name).is_some() || part.name == "string",
            _ => false,
        };
        let not_allowed = |what: String| {
            Diagnostic::error(name.span, "union members must be tables or structs")
                .with_label(what)
                .with_note("help: wrap the value in a table and use that table as the member")
        };
        if builtin {
            self.diags.push(not_allowed(format!(
                "`{}` is a built-in type",
                name.joined()
            )));
            return None;
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
                let kind = match self.schema.enums.get(id.0 as usize) {
                    Some(e) if e.is_union => "a union",
                    _ => "an enum",
                };
                self.diags
                    .push(not_allowed(format!("`{}` is {kind}", name.joined())));
                None
            }
            None => {
                self.unknown_type(name, namespace);
                None
            }
        }
    }

    /// Computes the default of every table field and rejects defaults in structs.
    pub(super) fn resolve_defaults(&mut self) {
        for index in 0..self.objects.len() {
            let is_struct = self.schema.objects[index].is_struct;
            for field_index in 0..self.objects[index].fields.len() {
                let source = self.objects[index].fields[field_index];
                let Some(field) = self.schema.objects[index].fields.get(field_index) else {
                    continue;
                };
                if field.synthetic {
                    continue;
                }
                let ty = field.ty.clone();
                let name = field.name.clone();
                if is_struct {
                    self.check_struct_enum_zero(&name, &ty, source);
                    if let Some(lit) = &source.default {
                        self.diags.push(
                            Diagnostic::error(lit.span, "struct fields cannot have default values")
                                .with_label("remove this default")
                                .with_note("note: struct fields are always stored, so a default is never used"),
                        );
                    }
                    continue;
                }
                if let Some(value) = self.non_scalar_default(&ty, source) {
                    if let Some(field) = self.schema.objects[index].fields.get_mut(field_index) {
                        field.default = value;
                    }
                    continue;
                }
                let (default, optional) = self.field_default(&name, &ty, source);
                if let Some(field) = self.schema.objects[index].fields.get_mut(field_index) {
                    field.default = default;
                    field.optional = optional;
                }
            }
        }
    }

    /// flatc gives struct fields the value 0 too, so an enum-typed struct field
    /// (or array of enums) needs an enum with a value 0 (unless `bit_flags`).
    fn check_struct_enum_zero(&mut self, name: &str, ty: &Type, source: &ast::Field) {
        let id = match ty {
            Type::Enum(id) => *id,
            Type::Array(element, _) => match **element {
                Type::Enum(id) => id,
                _ => return,
            },
            _ => return,
        };
        let Some(def) = self.schema.enums.get(id.0 as usize) else {
            return;
        };
        if def.bit_flags || def.values.is_empty() || def.values.iter().any(|v| v.value == 0) {
            return;
        }
        let enum_name = def.name.clone();
        self.diags.push(
            Diagnostic::error(
                source.name.span,
                format!(
                    "struct field `{name}` starts as 0, which is not a value of enum `{enum_name}`"
                ),
            )
            .with_label(format!("`{enum_name}` has no value 0"))
            .with_note(format!(
                "help: add a value 0 to `{enum_name}` (flatc requires it for struct fields)"
            )),
        );
    }

    /// The default of one table field, and whether it is an optional scalar.
    fn field_default(
        &mut self,
        name: &str,
        ty: &Type,
        source: &ast::Field,
    ) -> (DefaultValue, bool) {
        let lit = source.default.as_ref();
        if let Some(span) = lit
            .filter(|l| l.kind == ast::LiteralKind::Null)
            .map(|l| l.span)
        {
            if matches!(ty, Type::Scalar(_) | Type::Enum(_)) {
                return (DefaultValue::Null, true);
            }
            self.diags.push(
                Diagnostic::error(span, "only scalar fields can be optional")
                    .with_label("`= null` on a non-scalar field")
                    .with_note(
                        "note: non-scalar table fields are optional already; remove `= null`",
                    ),
            );
            return (DefaultValue::None, false);
        }
        match ty {
            Type::Scalar(scalar) => match lit {
                Some(lit) => (
                    self.scalar_default(lit, *scalar)
                        .unwrap_or(DefaultValue::None),
                    false,
                ),
                None if scalar.is_float() => (DefaultValue::Float(0.0), false),
                None => (DefaultValue::Integer(0), false),
            },
            Type::Enum(id) => (self.enum_default(name, *id, lit, source), false),
            _ => {
                if let Some(lit) = lit {
                    self.push_invalid_default(lit, ty);
                }
                (DefaultValue::None, false)
            }
        }
    }

    /// flatc 25 accepts `= "text"` on strings and `= []` on vectors (flatc 2.0.8
    /// rejects both).
    fn non_scalar_default(&mut self, ty: &Type, source: &ast::Field) -> Option<DefaultValue> {
        let lit = source.default.as_ref()?;
        match (ty, &lit.kind) {
            (Type::String, ast::LiteralKind::String(text)) => {
                Some(DefaultValue::String(text.clone()))
            }
            (Type::Vector(_), ast::LiteralKind::EmptyVector) => Some(DefaultValue::EmptyVector),
            _ => None,
        }
    }

    fn push_invalid_default(&mut self, lit: &ast::Literal, ty: &Type) {
        let (message, label) = match ty {
            Type::String => (
                "invalid default value for a string field",
                "expected a string literal",
            ),
            Type::Vector(_) => (
                "invalid default value for a vector field",
                "only `[]` (the empty vector) is allowed",
            ),
            _ => (
                "only scalar, enum, string and vector fields can have default values",
                "remove this default",
            ),
        };
        self.diags
            .push(Diagnostic::error(lit.span, message).with_label(label));
    }

    fn scalar_default(&mut self, lit: &ast::Literal, scalar: ScalarType) -> Option<DefaultValue> {
        let text = match &lit.kind {
            ast::LiteralKind::Integer(t)
            | ast::LiteralKind::Float(t)
            | ast::LiteralKind::String(t) => t.as_str(),
            ast::LiteralKind::Ident(t) if scalar.is_float() => t.as_str(),
            ast::LiteralKind::Bool(b) if scalar == ScalarType::Bool => {
                return Some(DefaultValue::Integer(i64::from(*b)));
            }
            _ => "",
        };
        if scalar.is_float() {
            if let Some(value) = parse_float(text) {
                return Some(DefaultValue::Float(value));
            }
            self.diags.push(
                Diagnostic::error(
                    lit.span,
                    format!(
                        "invalid default value for a field of type `{}`",
                        scalar.keyword()
                    ),
                )
                .with_label("expected a number, `inf` or `nan`"),
            );
            return None;
        }
        if scalar == ScalarType::Bool {
            return match parse_integer(text) {
                // flatc reads bools as integers; only 0 and 1 mean anything.
                Some(v @ (0 | 1)) => Some(DefaultValue::Integer(v as i64)),
                _ => {
                    self.diags.push(
                        Diagnostic::error(
                            lit.span,
                            "invalid default value for a field of type `bool`",
                        )
                        .with_label("expected `true` or `false`"),
                    );
                    None
                }
            };
        }
        match parse_integer(text) {
            Some(value) => {
                let (min, max) = integer_range(scalar);
                if (min..=max).contains(&value) {
                    Some(DefaultValue::Integer(to_stored(value)))
                } else {
                    self.diags
                        .push(out_of_range(lit.span, text, scalar, "default value"));
                    None
                }
            }
            None => {
                let found = match &lit.kind {
                    ast::LiteralKind::Float(_) => "a float",
                    ast::LiteralKind::Bool(_) => "a bool",
                    ast::LiteralKind::Ident(_) => "a name",
                    _ => "not an integer",
                };
                let mut diag = Diagnostic::error(
                    lit.span,
                    format!(
                        "invalid default value for a field of type `{}`",
                        scalar.keyword()
                    ),
                )
                .with_label(format!("expected an integer, found {found}"));
                if let ast::LiteralKind::Ident(_) = lit.kind {
                    diag =
                        diag.with_note("note: names are only allowed as defaults of enum fields");
                }
                self.diags.push(diag);
                None
            }
        }
    }

    /// An enum field's default: a value name (possibly qualified), an integer,
    /// or for `bit_flags` a string of names (`"A B"`); 0 when absent.
    fn enum_default(
        &mut self,
        field_name: &str,
        id: EnumId,
        lit: Option<&ast::Literal>,
        source: &ast::Field,
    ) -> DefaultValue {
        let Some(def) = self.schema.enums.get(id.0 as usize) else {
            return DefaultValue::None;
        };
        let enum_name = def.name.clone();
        let full = def.full_name();
        let underlying = def.underlying;
        let bit_flags = def.bit_flags;
        let find = |name: &str| -> Option<i64> {
            // `A`, `Color.A` or `ns.Color.A`: the prefix must name this enum.
            let (prefix, short) = match name.rsplit_once('.') {
                Some((p, s)) => (Some(p), s),
                None => (None, name),
            };
            if let Some(p) = prefix {
                if p != enum_name && p != full && !full.ends_with(&format!(".{p}")) {
                    return None;
                }
            }
            def.values.iter().find(|v| v.name == short).map(|v| v.value)
        };
        let values_list = || {
            let names: Vec<String> = def.values.iter().map(|v| format!("`{}`", v.name)).collect();
            names.join(", ")
        };
        let Some(lit) = lit else {
            if bit_flags || def.values.iter().any(|v| v.value == 0) || def.values.is_empty() {
                return DefaultValue::Integer(0);
            }
            let first = def.values.first().map_or(String::new(), |v| v.name.clone());
            let diag = Diagnostic::error(source.name.span, format!("field `{field_name}` defaults to 0, which is not a value of enum `{enum_name}`"))
                .with_label("needs a default")
                .with_note(format!("help: add a default such as `= {first}`, or a value 0 to `{enum_name}`"));
            self.diags.push(diag);
            return DefaultValue::None;
        };
        match &lit.kind {
            ast::LiteralKind::Ident(name) => match find(name) {
                Some(v) => DefaultValue::Integer(v),
                None => {
                    let diag = Diagnostic::error(
                        lit.span,
                        format!("`{name}` is not a value of enum `{enum_name}`"),
                    )
                    .with_label("unknown value")
                    .with_note(format!("note: the values are {}", values_list()));
                    self.diags.push(diag);
                    DefaultValue::None
                }
            },
            ast::LiteralKind::String(text) => {
                let names: Vec<&str> = text.split_whitespace().collect();
                if names.is_empty() {
                    self.diags.push(
                        Diagnostic::error(lit.span, "empty enum default")
                            .with_label(format!("expected names of `{enum_name}` values"))
                            .with_note(format!("note: the values are {}", values_list())),
                    );
                    return DefaultValue::None;
                }
                if names.len() > 1 && !bit_flags {
                    let diag = Diagnostic::error(
                        lit.span,
                        format!(
                            "only `bit_flags` enums can combine values, `{enum_name}` is not one"
                        ),
                    )
                    .with_label("several values");
                    self.diags.push(diag);
                    return DefaultValue::None;
                }
                let mut mask: i64 = 0;
                for name in names {
                    match find(name) {
                        Some(v) => mask |= v,
                        None => {
                            let diag = Diagnostic::error(
                                lit.span,
                                format!("`{name}` is not a value of enum `{enum_name}`"),
                            )
                            .with_label("unknown value")
                            .with_note(format!("note: the values are {}", values_list()));
                            self.diags.push(diag);
                            return DefaultValue::None;
                        }
                    }
                }
                DefaultValue::Integer(mask)
            }
            ast::LiteralKind::Integer(text) => {
                let (min, max) = integer_range(underlying);
                match parse_integer(text) {
                    Some(v) if (min..=max).contains(&v) => {
                        let known = def
                            .values
                            .iter()
                            .any(|e| from_stored(e.value, underlying) == v);
                        if bit_flags || known {
                            DefaultValue::Integer(to_stored(v))
                        } else {
                            let diag = Diagnostic::error(
                                lit.span,
                                format!(
                                    "default value `{text}` is not a value of enum `{enum_name}`"
                                ),
                            )
                            .with_label("no such value")
                            .with_note(format!("note: the values are {}", values_list()));
                            self.diags.push(diag);
                            DefaultValue::None
                        }
                    }
                    _ => {
                        self.diags
                            .push(out_of_range(lit.span, text, underlying, "default value"));
                        DefaultValue::None
                    }
                }
            }
            _ => {
                let diag = Diagnostic::error(
                    lit.span,
                    format!("invalid default value for enum field `{field_name}`"),
                )
                .with_label(format!("expected a value of `{enum_name}`"))
                .with_note(format!("note: the values are {}", values_list()));
                self.diags.push(diag);
                DefaultValue::None
            }
        }
    }
}
