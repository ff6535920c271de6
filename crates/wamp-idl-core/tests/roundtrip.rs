//! `parse(print(ast)) == ast` (spans aside), for random syntax trees and for
//! every `.fbs` file in the repository.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use wamp_idl_core::diag::{Diagnostics, FileId, SourceMap, Span};
use wamp_idl_core::syntax::ast::*;
use wamp_idl_core::syntax::parse;
use wamp_idl_core::syntax::print::print;

// ---- span erasure -----------------------------------------------------------

const NO_SPAN: Span = Span {
    file: FileId(0),
    start: 0,
    end: 0,
};

fn erase_ident(i: &mut Ident) {
    i.span = NO_SPAN;
}

fn erase_name(n: &mut QualifiedName) {
    n.span = NO_SPAN;
    n.parts.iter_mut().for_each(erase_ident);
}

fn erase_string(s: &mut StringLit) {
    s.span = NO_SPAN;
}

fn erase_literal(l: &mut Literal) {
    l.span = NO_SPAN;
}

fn erase_attributes(attributes: &mut [Attribute]) {
    for a in attributes {
        a.span = NO_SPAN;
        erase_ident(&mut a.name);
        a.value.iter_mut().for_each(erase_literal);
    }
}

fn erase_type(t: &mut TypeExpr) {
    match t {
        TypeExpr::Named(n) => erase_name(n),
        TypeExpr::Vector(inner, span) => {
            *span = NO_SPAN;
            erase_type(inner);
        }
        TypeExpr::Array(inner, length, span) => {
            *span = NO_SPAN;
            erase_literal(length);
            erase_type(inner);
        }
    }
}

fn erase_compound(c: &mut Compound) {
    erase_ident(&mut c.name);
    erase_attributes(&mut c.attributes);
    for f in &mut c.fields {
        f.span = NO_SPAN;
        erase_ident(&mut f.name);
        erase_type(&mut f.ty);
        f.default.iter_mut().for_each(erase_literal);
        erase_attributes(&mut f.attributes);
    }
}

fn erase(file: &mut SchemaFile) {
    for item in &mut file.items {
        item.span = NO_SPAN;
        match &mut item.kind {
            ItemKind::Include(s)
            | ItemKind::NativeInclude(s)
            | ItemKind::Attribute(s)
            | ItemKind::FileIdentifier(s)
            | ItemKind::FileExtension(s) => erase_string(s),
            ItemKind::Namespace(n) => n.iter_mut().for_each(erase_name),
            ItemKind::RootType(n) => erase_name(n),
            ItemKind::Table(c) | ItemKind::Struct(c) => erase_compound(c),
            ItemKind::Enum(e) => {
                erase_ident(&mut e.name);
                erase_type(&mut e.underlying);
                erase_attributes(&mut e.attributes);
                for v in &mut e.values {
                    v.span = NO_SPAN;
                    erase_ident(&mut v.name);
                    v.value.iter_mut().for_each(erase_literal);
                    erase_attributes(&mut v.attributes);
                }
            }
            ItemKind::Union(u) => {
                erase_ident(&mut u.name);
                u.underlying.iter_mut().for_each(erase_type);
                erase_attributes(&mut u.attributes);
                for m in &mut u.members {
                    m.span = NO_SPAN;
                    m.alias.iter_mut().for_each(erase_ident);
                    erase_name(&mut m.ty);
                    m.value.iter_mut().for_each(erase_literal);
                    erase_attributes(&mut m.attributes);
                }
            }
            ItemKind::RpcService(s) => {
                erase_ident(&mut s.name);
                erase_attributes(&mut s.attributes);
                for m in &mut s.methods {
                    m.span = NO_SPAN;
                    erase_ident(&mut m.name);
                    erase_name(&mut m.request);
                    erase_name(&mut m.response);
                    erase_attributes(&mut m.attributes);
                }
            }
        }
    }
}

/// Parses `text`, failing on any diagnostic, and erases the spans.
fn reparse(text: &str) -> Result<SchemaFile, String> {
    let mut sources = SourceMap::new();
    let id = sources.add("printed.fbs", text.to_string());
    let mut diagnostics = Diagnostics::new();
    let mut file = parse(id, text, &mut diagnostics);
    if diagnostics.iter().next().is_some() {
        return Err(format!(
            "printed text does not parse:\n{text}\n{}",
            diagnostics.render(&sources)
        ));
    }
    erase(&mut file);
    Ok(file)
}

// ---- generators -------------------------------------------------------------

/// Words a generated name must avoid: they are read as values (`true`, `inf`),
/// or as a flatc function call when followed by an attribute list (`rad (`).
const RESERVED_IN_VALUES: &[&str] = &[
    "true", "false", "null", "inf", "infinity", "nan", "deg", "rad", "sin", "cos", "tan", "asin",
    "acos", "atan",
];

fn ident_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z_][A-Za-z0-9_]{0,8}",
        // Keywords are contextual and must survive as names.
        prop::sample::select(vec![
            "table",
            "struct",
            "enum",
            "union",
            "namespace",
            "include",
            "attribute",
            "root_type",
            "rpc_service",
            "type",
            "int",
            "string",
            "file_identifier",
        ])
        .prop_map(str::to_string),
    ]
    .prop_filter("reserved word", |s| {
        !RESERVED_IN_VALUES.iter().any(|r| r.eq_ignore_ascii_case(s))
    })
}

fn ident() -> impl Strategy<Value = Ident> {
    ident_text().prop_map(|name| Ident {
        name,
        span: NO_SPAN,
    })
}

fn qualified_name() -> impl Strategy<Value = QualifiedName> {
    prop::collection::vec(ident(), 1..4).prop_map(|parts| QualifiedName {
        parts,
        span: NO_SPAN,
    })
}

fn lit(kind: LiteralKind) -> Literal {
    Literal {
        kind,
        span: NO_SPAN,
    }
}

fn integer_text() -> impl Strategy<Value = String> {
    prop_oneof!["[+-]?[0-9]{1,20}", "[+-]?0[xX][0-9a-fA-F]{1,16}"]
}

fn float_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[+-]?[0-9]{1,5}\\.[0-9]{0,5}([eE][+-]?[0-9]{1,3})?",
        "[+-]?\\.[0-9]{1,5}([eE][+-]?[0-9]{1,3})?",
        "[+-]?[0-9]{1,5}[eE][+-]?[0-9]{1,3}",
        "[+-]?0[xX][0-9a-f]{1,4}(\\.[0-9a-f]{0,4})?[pP][+-]?[0-9]{1,2}",
        "[+-]?(inf|infinity|nan|INF|NaN|Infinity)",
    ]
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        integer_text().prop_map(|t| lit(LiteralKind::Integer(t))),
        float_text().prop_map(|t| lit(LiteralKind::Float(t))),
        any::<String>().prop_map(|s| lit(LiteralKind::String(s))),
        any::<bool>().prop_map(|b| lit(LiteralKind::Bool(b))),
        qualified_name().prop_map(|n| lit(LiteralKind::Ident(n.joined()))),
        Just(lit(LiteralKind::Null)),
        Just(lit(LiteralKind::EmptyVector)),
    ]
}

fn docs() -> impl Strategy<Value = Docs> {
    prop::collection::vec("[^\r\n]{0,20}", 0..3)
}

fn attributes() -> impl Strategy<Value = Vec<Attribute>> {
    let name = prop_oneof![ident_text(), any::<String>()];
    prop::collection::vec(
        (name, prop::option::of(literal())).prop_map(|(name, value)| Attribute {
            name: Ident {
                name,
                span: NO_SPAN,
            },
            value,
            span: NO_SPAN,
        }),
        0..3,
    )
}

fn type_expr() -> impl Strategy<Value = TypeExpr> {
    let named = || qualified_name().prop_map(TypeExpr::Named);
    prop_oneof![
        named(),
        named().prop_map(|t| TypeExpr::Vector(Box::new(t), NO_SPAN)),
        (named(), 1u32..=65535, any::<bool>()).prop_map(|(t, n, hex)| {
            let text = if hex {
                format!("0x{n:X}")
            } else {
                n.to_string()
            };
            TypeExpr::Array(Box::new(t), lit(LiteralKind::Integer(text)), NO_SPAN)
        }),
    ]
}

fn string_lit() -> impl Strategy<Value = StringLit> {
    any::<String>().prop_map(|value| StringLit {
        value,
        span: NO_SPAN,
    })
}

fn compound() -> impl Strategy<Value = Compound> {
    let field = (
        docs(),
        ident(),
        type_expr(),
        prop::option::of(literal()),
        attributes(),
    )
        .prop_map(|(docs, name, ty, default, attributes)| Field {
            docs,
            name,
            ty,
            default,
            attributes,
            span: NO_SPAN,
        });
    (ident(), attributes(), prop::collection::vec(field, 0..5)).prop_map(
        |(name, attributes, fields)| Compound {
            name,
            attributes,
            fields,
        },
    )
}

fn enum_decl() -> impl Strategy<Value = EnumDecl> {
    let value = (docs(), ident(), prop::option::of(literal()), attributes()).prop_map(
        |(docs, name, value, attributes)| EnumValueDecl {
            docs,
            name,
            value,
            attributes,
            span: NO_SPAN,
        },
    );
    (
        ident(),
        qualified_name(),
        attributes(),
        prop::collection::vec(value, 0..5),
    )
        .prop_map(|(name, underlying, attributes, values)| EnumDecl {
            name,
            underlying: TypeExpr::Named(underlying),
            attributes,
            values,
        })
}

fn union_decl() -> impl Strategy<Value = UnionDecl> {
    let member = (
        docs(),
        prop::option::of(ident()),
        qualified_name(),
        prop::option::of(literal()),
        attributes(),
    )
        .prop_map(|(docs, alias, ty, value, attributes)| UnionMemberDecl {
            docs,
            alias,
            ty,
            value,
            attributes,
            span: NO_SPAN,
        });
    (
        ident(),
        prop::option::of(qualified_name().prop_map(TypeExpr::Named)),
        attributes(),
        prop::collection::vec(member, 0..5),
    )
        .prop_map(|(name, underlying, attributes, members)| UnionDecl {
            name,
            underlying,
            attributes,
            members,
        })
}

fn service_decl() -> impl Strategy<Value = ServiceDecl> {
    let method = (
        docs(),
        ident(),
        qualified_name(),
        qualified_name(),
        attributes(),
    )
        .prop_map(
            |(docs, name, request, response, attributes)| RpcMethodDecl {
                docs,
                name,
                request,
                response,
                attributes,
                span: NO_SPAN,
            },
        );
    // flatc (and this parser) reject a service without methods.
    (ident(), attributes(), prop::collection::vec(method, 1..4)).prop_map(
        |(name, attributes, methods)| ServiceDecl {
            name,
            attributes,
            methods,
        },
    )
}

fn declaration() -> impl Strategy<Value = ItemKind> {
    prop_oneof![
        prop::option::of(qualified_name()).prop_map(ItemKind::Namespace),
        prop_oneof![
            string_lit(),
            ident_text().prop_map(|value| StringLit {
                value,
                span: NO_SPAN
            })
        ]
        .prop_map(ItemKind::Attribute),
        compound().prop_map(ItemKind::Table),
        compound().prop_map(ItemKind::Struct),
        enum_decl().prop_map(ItemKind::Enum),
        union_decl().prop_map(ItemKind::Union),
        qualified_name().prop_map(ItemKind::RootType),
        string_lit().prop_map(ItemKind::FileIdentifier),
        string_lit().prop_map(ItemKind::FileExtension),
        service_decl().prop_map(ItemKind::RpcService),
    ]
}

fn include() -> impl Strategy<Value = ItemKind> {
    prop_oneof![
        string_lit().prop_map(ItemKind::Include),
        string_lit().prop_map(ItemKind::NativeInclude),
    ]
}

fn item(kind: impl Strategy<Value = ItemKind>) -> impl Strategy<Value = Item> {
    (docs(), kind).prop_map(|(docs, kind)| Item {
        docs,
        kind,
        span: NO_SPAN,
    })
}

fn schema_file() -> impl Strategy<Value = SchemaFile> {
    // Includes must come before every other declaration.
    (
        prop::collection::vec(item(include()), 0..3),
        prop::collection::vec(item(declaration()), 0..8),
    )
        .prop_map(|(mut items, rest)| {
            items.extend(rest);
            SchemaFile { items }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn printed_trees_parse_back_unchanged(file in schema_file()) {
        let printed = print(&file);
        let reparsed = reparse(&printed).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&reparsed, &file, "printed:\n{}", printed);
    }
}

// ---- repository schemas -----------------------------------------------------

fn fbs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            fbs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "fbs") {
            out.push(path);
        }
    }
}

#[test]
fn repository_schemas_round_trip() {
    let mut files = Vec::new();
    fbs_files(Path::new("tests"), &mut files);
    fbs_files(Path::new("../../schemas"), &mut files);
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let mut diagnostics = Diagnostics::new();
        let mut original = parse(FileId(0), &text, &mut diagnostics);
        if diagnostics.has_errors() {
            // Syntax-error cases (tests/invalid/syntax) have nothing to round-trip.
            continue;
        }
        checked += 1;
        let printed = print(&original);
        erase(&mut original);
        match reparse(&printed) {
            Ok(reparsed) if reparsed == original => {
                let mut diagnostics = Diagnostics::new();
                let again = print(&parse(FileId(0), &printed, &mut diagnostics));
                if again != printed {
                    failures.push(format!("{}: printing is not idempotent", path.display()));
                }
            }
            Ok(_) => failures.push(format!(
                "{}: tree changed after printing:\n{printed}",
                path.display()
            )),
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(checked > 0, "no .fbs files found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
