//! Parser tests: the accepted grammar, spans, and every syntax error with its place.

use wamp_idl_core::diag::{Diagnostic, Diagnostics, SourceMap};
use wamp_idl_core::syntax::ast::*;
use wamp_idl_core::syntax::parse;

struct Parsed {
    file: SchemaFile,
    diagnostics: Vec<Diagnostic>,
    sources: SourceMap,
}

fn parse_str(text: &str) -> Parsed {
    let mut sources = SourceMap::new();
    let id = sources.add("test.fbs", text.to_string());
    let mut diagnostics = Diagnostics::new();
    let file = parse(id, text, &mut diagnostics);
    Parsed {
        file,
        diagnostics: diagnostics.into_sorted(),
        sources,
    }
}

fn parse_ok(text: &str) -> SchemaFile {
    let parsed = parse_str(text);
    let rendered: Vec<String> = parsed
        .diagnostics
        .iter()
        .map(|d| d.render(&parsed.sources))
        .collect();
    assert!(
        rendered.is_empty(),
        "unexpected diagnostics:\n{}",
        rendered.join("\n")
    );
    parsed.file
}

/// `(line, column, message)` of every diagnostic.
fn errors(text: &str) -> Vec<(usize, usize, String)> {
    let parsed = parse_str(text);
    parsed
        .diagnostics
        .iter()
        .map(|d| {
            let (_, line, col) = d
                .location(&parsed.sources)
                .expect("syntax errors have a place");
            (line, col, d.message.clone())
        })
        .collect()
}

fn snippet(text: &str, span: wamp_idl_core::diag::Span) -> &str {
    &text[span.start as usize..span.end as usize]
}

fn table(item: &Item) -> &Compound {
    match &item.kind {
        ItemKind::Table(c) | ItemKind::Struct(c) => c,
        other => panic!("expected a table, got {other:?}"),
    }
}

const FULL: &str = r#"include "base.fbs";
native_include "base.h";
/// The calculator.
///  indented
namespace calc.v1;
attribute "wampuri";
attribute streaming;
/// Request.
table Add (wampuri: "com.calc.add", deprecated) {
    /// Left operand.
    a: int32 = -5;
    b: [float:4];
    c: [string] (id: 2, "quoted name": 0x10);
    d: other.ns.Thing;
    e: double = -inf;
    f: Color = Red;
    g: Color = "Red Green";
    h: bool = true;
    i: int = null;
    j: [ubyte] = [];
}
struct Vec3 (force_align: 16) { x: float; y: float = +1.5e3; }
enum Color : ubyte (bit_flags) {
    /// Red.
    Red,
    Green = 0x2,
    Blue (foo)
}
union Any : ubyte { Add, Alias: calc.v1.Add = 5 (bar), }
root_type calc.v1.Add;
file_identifier "CALC";
file_extension "calc";
rpc_service Calc (wampuri: "com.calc") {
    /// Adds.
    add(Add): other.Result (streaming: "none");
}
namespace;
"#;

#[test]
fn parses_every_declaration_kind() {
    let file = parse_ok(FULL);
    let kinds: Vec<&str> = file
        .items
        .iter()
        .map(|i| match &i.kind {
            ItemKind::Include(_) => "include",
            ItemKind::NativeInclude(_) => "native_include",
            ItemKind::Namespace(_) => "namespace",
            ItemKind::Attribute(_) => "attribute",
            ItemKind::Table(_) => "table",
            ItemKind::Struct(_) => "struct",
            ItemKind::Enum(_) => "enum",
            ItemKind::Union(_) => "union",
            ItemKind::RootType(_) => "root_type",
            ItemKind::FileIdentifier(_) => "file_identifier",
            ItemKind::FileExtension(_) => "file_extension",
            ItemKind::RpcService(_) => "rpc_service",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "include",
            "native_include",
            "namespace",
            "attribute",
            "attribute",
            "table",
            "struct",
            "enum",
            "union",
            "root_type",
            "file_identifier",
            "file_extension",
            "rpc_service",
            "namespace"
        ]
    );
    assert_eq!(file.items[2].docs, [" The calculator.", "  indented"]);
    assert!(matches!(&file.items[2].kind, ItemKind::Namespace(Some(n)) if n.joined() == "calc.v1"));
    assert!(matches!(&file.items[4].kind, ItemKind::Attribute(s) if s.value == "streaming"));
    assert!(matches!(file.items[13].kind, ItemKind::Namespace(None)));

    let add = table(&file.items[5]);
    assert_eq!(file.items[5].docs, [" Request."]);
    assert_eq!(add.attributes.len(), 2);
    assert_eq!(add.attributes[0].name.name, "wampuri");
    assert_eq!(
        add.attributes[0].value.as_ref().unwrap().kind,
        LiteralKind::String("com.calc.add".into())
    );
    assert!(add.attributes[1].value.is_none());
    let defaults: Vec<Option<LiteralKind>> = add
        .fields
        .iter()
        .map(|f| f.default.as_ref().map(|d| d.kind.clone()))
        .collect();
    assert_eq!(
        defaults,
        [
            Some(LiteralKind::Integer("-5".into())),
            None,
            None,
            None,
            Some(LiteralKind::Float("-inf".into())),
            Some(LiteralKind::Ident("Red".into())),
            Some(LiteralKind::String("Red Green".into())),
            Some(LiteralKind::Bool(true)),
            Some(LiteralKind::Null),
            Some(LiteralKind::EmptyVector),
        ]
    );
    assert_eq!(add.fields[0].docs, [" Left operand."]);
    match &add.fields[1].ty {
        TypeExpr::Array(inner, len, _) => {
            assert!(matches!(&**inner, TypeExpr::Named(n) if n.joined() == "float"));
            assert_eq!(len.kind, LiteralKind::Integer("4".into()));
        }
        other => panic!("expected an array, got {other:?}"),
    }
    assert!(
        matches!(&add.fields[2].ty, TypeExpr::Vector(inner, _) if matches!(&**inner, TypeExpr::Named(n) if n.joined() == "string"))
    );
    assert_eq!(add.fields[2].attributes[1].name.name, "quoted name");
    assert_eq!(
        add.fields[2].attributes[1].value.as_ref().unwrap().kind,
        LiteralKind::Integer("0x10".into())
    );
    assert!(
        matches!(&add.fields[3].ty, TypeExpr::Named(n) if n.parts.len() == 3 && n.joined() == "other.ns.Thing")
    );

    let vec3 = table(&file.items[6]);
    assert_eq!(
        vec3.fields[1].default.as_ref().unwrap().kind,
        LiteralKind::Float("+1.5e3".into())
    );

    let ItemKind::Enum(color) = &file.items[7].kind else {
        panic!()
    };
    assert!(matches!(&color.underlying, TypeExpr::Named(n) if n.joined() == "ubyte"));
    assert_eq!(color.attributes[0].name.name, "bit_flags");
    assert_eq!(color.values.len(), 3);
    assert_eq!(color.values[0].docs, [" Red."]);
    assert_eq!(
        color.values[1].value.as_ref().unwrap().kind,
        LiteralKind::Integer("0x2".into())
    );
    assert_eq!(color.values[2].attributes[0].name.name, "foo");

    let ItemKind::Union(any) = &file.items[8].kind else {
        panic!()
    };
    assert!(any.underlying.is_some());
    assert_eq!(any.members.len(), 2);
    assert!(any.members[0].alias.is_none());
    assert_eq!(any.members[1].alias.as_ref().unwrap().name, "Alias");
    assert_eq!(any.members[1].ty.joined(), "calc.v1.Add");
    assert_eq!(
        any.members[1].value.as_ref().unwrap().kind,
        LiteralKind::Integer("5".into())
    );
    assert_eq!(any.members[1].attributes[0].name.name, "bar");

    assert!(matches!(&file.items[9].kind, ItemKind::RootType(n) if n.joined() == "calc.v1.Add"));
    assert!(matches!(&file.items[10].kind, ItemKind::FileIdentifier(s) if s.value == "CALC"));
    let ItemKind::RpcService(calc) = &file.items[12].kind else {
        panic!()
    };
    assert_eq!(calc.methods.len(), 1);
    let add_method = &calc.methods[0];
    assert_eq!(add_method.docs, [" Adds."]);
    assert_eq!(add_method.name.name, "add");
    assert_eq!(add_method.request.joined(), "Add");
    assert_eq!(add_method.response.joined(), "other.Result");
    assert_eq!(add_method.attributes[0].name.name, "streaming");
}

#[test]
fn spans_cover_the_source_text() {
    let file = parse_ok(FULL);
    let add_item = &file.items[5];
    assert!(snippet(FULL, add_item.span).starts_with("table Add"));
    assert!(snippet(FULL, add_item.span).ends_with('}'));
    let add = table(add_item);
    assert_eq!(snippet(FULL, add.name.span), "Add");
    assert_eq!(snippet(FULL, add.fields[0].span), "a: int32 = -5;");
    assert_eq!(
        snippet(FULL, add.fields[0].default.as_ref().unwrap().span),
        "-5"
    );
    assert_eq!(snippet(FULL, add.fields[1].ty.span()), "[float:4]");
    assert_eq!(snippet(FULL, add.fields[3].ty.span()), "other.ns.Thing");
    assert_eq!(
        snippet(FULL, add.fields[2].attributes[1].span),
        "\"quoted name\": 0x10"
    );
    assert_eq!(
        snippet(FULL, add.attributes[0].value.as_ref().unwrap().span),
        "\"com.calc.add\""
    );
    let ItemKind::Include(path) = &file.items[0].kind else {
        panic!()
    };
    assert_eq!(snippet(FULL, path.span), "\"base.fbs\"");
    assert_eq!(snippet(FULL, file.items[0].span), "include \"base.fbs\";");
    let ItemKind::Union(any) = &file.items[8].kind else {
        panic!()
    };
    assert_eq!(
        snippet(FULL, any.members[1].span),
        "Alias: calc.v1.Add = 5 (bar)"
    );
    let ItemKind::RpcService(calc) = &file.items[12].kind else {
        panic!()
    };
    assert_eq!(
        snippet(FULL, calc.methods[0].span),
        "add(Add): other.Result (streaming: \"none\");"
    );
}

#[test]
fn keywords_are_contextual() {
    let file = parse_ok(
        "table table { type: int; table: int; namespace: string; struct: [ubyte]; enum: bool; \
         include: int; root_type: int; int: int; true: int; null: int; rpc_service: int; }\n\
         enum union : int { table, struct, namespace }\n\
         union enum { table, include: table }\n\
         rpc_service attribute { table(table): table; }",
    );
    let t = table(&file.items[0]);
    assert_eq!(t.name.name, "table");
    let names: Vec<&str> = t.fields.iter().map(|f| f.name.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "type",
            "table",
            "namespace",
            "struct",
            "enum",
            "include",
            "root_type",
            "int",
            "true",
            "null",
            "rpc_service"
        ]
    );
    let ItemKind::Enum(e) = &file.items[1].kind else {
        panic!()
    };
    assert_eq!(e.values.len(), 3);
    let ItemKind::Union(u) = &file.items[2].kind else {
        panic!()
    };
    assert_eq!(u.members[1].alias.as_ref().unwrap().name, "include");
}

#[test]
fn number_forms_keep_their_text() {
    let cases = [
        ("0", LiteralKind::Integer("0".into())),
        ("-0x1F", LiteralKind::Integer("-0x1F".into())),
        ("+12", LiteralKind::Integer("+12".into())),
        ("0XaB", LiteralKind::Integer("0XaB".into())),
        (
            "18446744073709551615",
            LiteralKind::Integer("18446744073709551615".into()),
        ),
        ("1.5", LiteralKind::Float("1.5".into())),
        (".5", LiteralKind::Float(".5".into())),
        ("1.", LiteralKind::Float("1.".into())),
        ("-2e10", LiteralKind::Float("-2e10".into())),
        ("1E-3", LiteralKind::Float("1E-3".into())),
        ("0x1p3", LiteralKind::Float("0x1p3".into())),
        ("-0x1.8P-2", LiteralKind::Float("-0x1.8P-2".into())),
        ("inf", LiteralKind::Float("inf".into())),
        ("+inf", LiteralKind::Float("+inf".into())),
        ("-infinity", LiteralKind::Float("-infinity".into())),
        ("nan", LiteralKind::Float("nan".into())),
        ("-NaN", LiteralKind::Float("-NaN".into())),
        ("false", LiteralKind::Bool(false)),
        ("Color.Red", LiteralKind::Ident("Color.Red".into())),
        ("'single'", LiteralKind::String("single".into())),
    ];
    for (text, expected) in cases {
        let source = format!("table T {{ a: double = {text}; }}");
        let file = parse_ok(&source);
        let field = &table(&file.items[0]).fields[0];
        let default = field.default.as_ref().unwrap();
        assert_eq!(default.kind, expected, "default `{text}`");
        assert_eq!(snippet(&source, default.span), text);
    }
}

#[test]
fn string_escapes_are_decoded() {
    let file = parse_ok(r#"attribute "a\"b\\c\/d\n\t\r\b\f\x41\u00e9\uD83D\uDE00'";"#);
    let ItemKind::Attribute(s) = &file.items[0].kind else {
        panic!()
    };
    assert_eq!(s.value, "a\"b\\c/d\n\t\r\u{8}\u{c}A\u{e9}\u{1F600}'");
    let file = parse_ok(r#"attribute 'it\'s "quoted"';"#);
    let ItemKind::Attribute(s) = &file.items[0].kind else {
        panic!()
    };
    assert_eq!(s.value, "it's \"quoted\"");
}

#[test]
fn doc_comments_attach_to_the_next_declaration() {
    let file = parse_ok(
        "// plain comment\n/// one\n/* block */\n///two\n////three\ntable T {\n  /// field\n  // not doc\n  a: int;\n  /// dropped: nothing follows\n}\n",
    );
    assert_eq!(file.items[0].docs, [" one", "two", "/three"]);
    let t = table(&file.items[0]);
    assert_eq!(t.fields[0].docs, [" field"]);
}

#[test]
fn crlf_line_endings_are_accepted() {
    let file = parse_ok("/// doc\r\ntable T {\r\n  a: int;\r\n}\r\n");
    assert_eq!(file.items[0].docs, [" doc"]);
}

/// `(line, column, message)` of one expected error.
type Expected = (usize, usize, &'static str);

/// Each case: source, then the expected (line, column, message) of every error.
#[test]
fn syntax_errors_have_precise_places_and_messages() {
    let cases: &[(&str, &[Expected])] = &[
        ("table T { a: int }", &[(1, 17, "expected `;` after field `a`")]),
        ("table T { a int; }", &[(1, 13, "expected `:` after field name `a`, found `int`")]),
        ("attribute \"abc;\n", &[(1, 11, "unterminated string literal")]),
        ("attribute \"a\\qb\";", &[(1, 13, "unknown escape `\\q`")]),
        ("attribute \"\\u12\";", &[(1, 12, "`\\u` escape needs four hex digits")]),
        ("attribute \"\\uD800x\";", &[(1, 12, "unpaired surrogate in `\\u` escape")]),
        ("attribute \"\\xff\";", &[(1, 12, "`\\x` escape above `\\x7f` is not valid utf-8")]),
        (
            "table T { a: [[int]]; }",
            &[(1, 14, "nested vectors `[[T]]` are not supported: wrap the inner vector in a table")],
        ),
        (
            "struct S { a: [[int:2]:3]; }",
            &[(1, 15, "nested vector and array types are not supported: wrap the inner one in a struct or table")],
        ),
        ("struct S { a: [int:0]; }", &[(1, 20, "`[T:N]` array length must be a positive integer")]),
        ("struct S { a: [int:-1]; }", &[(1, 20, "`[T:N]` array length must be a positive integer")]),
        ("struct S { a: [int:70000]; }", &[(1, 20, "`[T:N]` array length must be a positive integer")]),
        ("struct S { a: [int:N]; }", &[(1, 20, "`[T:N]` array length must be a positive integer")]),
        ("table T { a: [int; }", &[(1, 18, "expected `]` to close the vector type, found `;`")]),
        ("table T { a: int; } { \"a\": 1 }", &[(1, 21, "json data after a schema is not supported")]),
        ("tabel T { }", &[(1, 1, "unknown declaration `tabel`")]),
        ("table T { a: int = 12abc; }", &[(1, 20, "invalid number `12abc`")]),
        ("table T { a: int = 0x; }", &[(1, 20, "invalid number `0x`")]),
        ("table T { a: float = 1e; }", &[(1, 22, "invalid number `1e`")]),
        ("table T { a: int = - 5; }", &[(1, 20, "space between a sign and its number")]),
        ("table T { a: int = -; }", &[(1, 21, "expected a number after `-`, found `;`")]),
        ("table T { a: float = rad(180); }", &[(1, 22, "function calls such as `rad(...)` are not supported in values")]),
        ("table T { a: [int] = [1]; }", &[(1, 23, "only the empty vector `[]` can be a default value")]),
        ("table T () {}", &[(1, 9, "empty attribute list `()`")]),
        ("table T (a,) {}", &[(1, 12, "expected an attribute name, found `)`")]),
        ("table T (a b) {}", &[(1, 11, "expected `,` between attributes")]),
        ("table T { a: int (id: ); }", &[(1, 23, "expected an attribute value, found `)`")]),
        ("table T\n  a: int;\n}", &[(2, 3, "expected `{` to start table `T`, found `a`")]),
        ("table T\n  a: int;\n}\ntable U", &[(2, 3, "expected `{` to start table `T`, found `a`"), (4, 8, "expected `{` to start table `U`, found end of file")]),
        ("table T {\n  a: int;\ntable U {}", &[(3, 1, "expected `}` to close table `T`")]),
        ("table T {\n  a: int;\n", &[(3, 1, "expected `}` to close table `T`")]),
        ("enum E { A }", &[(1, 6, "enum `E` needs an underlying integer type")]),
        ("enum E : byte { A B }", &[(1, 18, "expected `,` after enum value `A`")]),
        ("union U { A; B }", &[(1, 12, "expected `,` after union member `A`, found `;`")]),
        ("union U { a.b: C }", &[(1, 11, "a union member alias must be a plain name")]),
        ("rpc_service S { }", &[(1, 13, "rpc_service `S` has no methods")]),
        ("rpc_service S { m(A) B; }", &[(1, 22, "expected `:` before the response table, found `B`")]),
        ("rpc_service S { m: A; }", &[(1, 18, "expected `(` after rpc method name `m`, found `:`")]),
        ("namespace a.;", &[(1, 13, "expected a name after `.`, found `;`")]),
        ("table T { a: C = Red Green; }", &[(1, 22, "expected `;` after field `a`")]),
        ("namespace .a;", &[(1, 11, "expected a namespace name, found `.`")]),
        ("namespace a.b", &[(1, 14, "expected `;` after the namespace")]),
        ("root_type;", &[(1, 10, "expected a table name after `root_type`, found `;`")]),
        ("file_identifier ABCD;", &[(1, 17, "expected a four-character string after `file_identifier`, found `ABCD`")]),
        ("include x.fbs;", &[(1, 9, "expected a file name in quotes after `include`, found `x`")]),
        (
            "table T {}\ninclude \"x.fbs\";",
            &[(2, 1, "`include` must come before all other declarations")],
        ),
        ("table T { a: int; } /// trailing\n", &[(1, 21, "a doc comment `///` must be on a line of its own")]),
        ("/* never closed\ntable T {}", &[(1, 1, "unterminated block comment")]),
        ("table T { a: int; } # comment", &[(1, 21, "unexpected character `#`")]),
        ("table T { a: int; };", &[(1, 20, "expected a declaration, found `;`")]),
        ("table T { ; }", &[(1, 11, "expected a field name, found `;`")]),
        ("table T { a: ; }", &[(1, 14, "expected a type, found `;`")]),
        ("42", &[(1, 1, "expected a declaration, found number `42`")]),
    ];
    let mut failures = Vec::new();
    for (source, expected) in cases {
        let actual = errors(source);
        let expected: Vec<(usize, usize, String)> = expected
            .iter()
            .map(|&(l, c, m)| (l, c, m.to_string()))
            .collect();
        if actual != expected {
            failures.push(format!(
                "source: {source:?}\n  expected: {expected:?}\n  actual:   {actual:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn recovers_and_reports_several_errors_in_one_file() {
    let source = "table A { x: int\n  y: [[int]];\n  z int;\n  w: string;\n}\n\
                  tabel B {}\n\
                  enum E : byte { P Q }\n\
                  table C { ok: int; }\n";
    let parsed = parse_str(source);
    let messages: Vec<&str> = parsed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "expected `;` after field `x`",
            "nested vectors `[[T]]` are not supported: wrap the inner vector in a table",
            "expected `:` after field name `z`, found `int`",
            "unknown declaration `tabel`",
            "expected `,` after enum value `P`",
        ]
    );
    // The good declarations around the errors are kept; `y` (invalid type) and `z`
    // (unreadable) are left out so later stages do not report them again.
    let a = table(&parsed.file.items[0]);
    let names: Vec<&str> = a.fields.iter().map(|f| f.name.name.as_str()).collect();
    assert_eq!(names, ["x", "w"]);
    let c = table(parsed.file.items.last().unwrap());
    assert_eq!(c.name.name, "C");
    assert_eq!(c.fields.len(), 1);
}

#[test]
fn a_broken_default_is_dropped_but_the_field_kept() {
    for source in [
        "table T { a: int = 12abc (id: 1); }",
        "table T { a: float = rad(180) (id: 1); }",
        "table T { a: float = 1e (id: 1); }",
    ] {
        let parsed = parse_str(source);
        assert_eq!(parsed.diagnostics.len(), 1, "{source}");
        let field = &table(&parsed.file.items[0]).fields[0];
        assert!(field.default.is_none(), "{source}");
        assert_eq!(field.attributes.len(), 1, "{source}");
    }
}

#[test]
fn error_count_is_capped() {
    let source = "table T { a int; }\n".repeat(500);
    let parsed = parse_str(&source);
    assert_eq!(parsed.diagnostics.len(), 101);
    assert!(parsed
        .diagnostics
        .last()
        .unwrap()
        .message
        .starts_with("too many syntax errors"));
}

#[test]
fn stray_characters_are_reported_once_per_run_and_capped() {
    assert_eq!(
        errors("table T {} @@@ $%^ table U {}"),
        [
            (1, 12, "unexpected characters starting with `@`".to_string()),
            (1, 16, "unexpected characters starting with `$`".to_string()),
        ]
    );
    // Binary garbage: a bounded number of diagnostics, not one per byte.
    let garbage: String = (0..20_000u32)
        .map(|i| char::from_u32(0x80 + (i * 7919) % 0x700).unwrap_or('?'))
        .collect::<String>()
        .replace(|c: char| c.is_ascii(), "a ");
    let spaced: String = garbage.chars().flat_map(|c| [c, ' ']).collect();
    let count = parse_str(&spaced).diagnostics.len();
    assert!((100..=205).contains(&count), "{count} diagnostics");
}

#[test]
fn hostile_nesting_is_bounded() {
    for open in ["[", "(", "{", "table T { a: ", "table T (a: "] {
        let source = open.repeat(200_000);
        let parsed = parse_str(&source);
        assert!(
            !parsed.diagnostics.is_empty(),
            "`{open}` repeated must be an error"
        );
    }
    let deep = format!(
        "table T {{ a: {}int{}; }}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let messages: Vec<String> = parse_str(&deep)
        .diagnostics
        .into_iter()
        .map(|d| d.message)
        .collect();
    assert_eq!(messages, ["type is nested more than 16 levels deep"]);
}

#[test]
fn every_prefix_of_a_schema_parses_without_panicking() {
    // Truncation at every byte exercises every "unexpected end of file" path.
    let mut boundaries = 0;
    for end in 0..=FULL.len() {
        if let Some(prefix) = FULL.get(..end) {
            let _ = parse_str(prefix);
            boundaries += 1;
        }
    }
    assert_eq!(boundaries, FULL.len() + 1);
}

#[test]
fn odd_bytes_do_not_panic() {
    let inputs = [
        "\u{0}\u{1}\u{7f}",
        "table é { a: int; }",
        "attribute \"\\",
        "attribute \"\\u",
        "attribute \"\\uD83D\\u",
        "attribute \"\\x4",
        "'",
        "table T { a: int = -",
        "table T { a: [int:",
        "table T { a: [int:1",
        "enum E : int { A = ",
        "union U { A: ",
        "rpc_service S { m(",
        "/",
        "/*",
        ".5",
        "0x.p",
        "table T { a: int = 0x1.; }",
    ];
    for input in inputs {
        let parsed = parse_str(input);
        assert!(!parsed.diagnostics.is_empty(), "{input:?} must be an error");
    }
}

mod soup {
    //! Random token sequences: the parser never panics, always terminates, and
    //! whatever it accepts prints back to text it accepts again.

    use proptest::prelude::*;
    use wamp_idl_core::diag::{Diagnostics, FileId};
    use wamp_idl_core::syntax::{parse, print::print};

    const TOKENS: &[&str] = &[
        "table",
        "struct",
        "enum",
        "union",
        "namespace",
        "include",
        "attribute",
        "root_type",
        "rpc_service",
        "file_identifier",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ";",
        ":",
        ",",
        ".",
        "=",
        "-",
        "+",
        "1",
        "0x1F",
        "1.5",
        "inf",
        "\"s\"",
        "'q'",
        "A",
        "b",
        "int",
        "true",
        "null",
        "///doc\n",
        "// c\n",
        "\n",
        "/*x*/",
        "#",
        "\"open\n",
        "[]",
    ];

    fn check(text: &str) -> Result<(), TestCaseError> {
        let mut diagnostics = Diagnostics::new();
        let file = parse(FileId(0), text, &mut diagnostics);
        if diagnostics.has_errors() {
            return Ok(());
        }
        let printed = print(&file);
        let mut again = Diagnostics::new();
        let reparsed = parse(FileId(0), &printed, &mut again);
        prop_assert!(!again.has_errors(), "printed text has errors:\n{}", printed);
        prop_assert_eq!(print(&reparsed), printed);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn token_soup(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..60)) {
            check(&tokens.join(" "))?;
        }

        #[test]
        fn arbitrary_text(text in any::<String>()) {
            check(&text)?;
        }
    }
}
