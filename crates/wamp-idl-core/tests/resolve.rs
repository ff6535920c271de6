//! Resolver tests: loading, name lookup, layout, values and attribute rules,
//! run through [`resolve`] (without the WAMP IDL layer) on in-memory files.
//! Expected layouts and values were read from flatc 25.12.19's `.bfbs`
//! output for the same schemas.

use std::path::PathBuf;

use wamp_idl_core::diag::{Diagnostics, Severity, SourceMap};
use wamp_idl_core::resolve::{resolve, FileLoader};
use wamp_idl_core::schema::{DefaultValue, Object, ScalarType, Schema, Type};
use wamp_idl_core::{MemoryLoader, Options};

/// What one resolver run produced.
struct Compiled {
    sources: SourceMap,
    diagnostics: Diagnostics,
    schema: Option<Schema>,
}

fn compile(roots: &[PathBuf], options: &Options, loader: &dyn FileLoader) -> Compiled {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::new();
    let schema = resolve(roots, options, loader, &mut sources, &mut diagnostics);
    Compiled {
        sources,
        diagnostics,
        schema,
    }
}

fn run_with(files: &[(&str, &str)], options: &Options) -> Compiled {
    let mut loader = MemoryLoader::new();
    for (path, text) in files {
        loader = loader.with(*path, *text);
    }
    let root = PathBuf::from(files[0].0);
    compile(&[root], options, &loader)
}

fn run(files: &[(&str, &str)]) -> Compiled {
    run_with(files, &Options::default())
}

fn assert_clean(compiled: &Compiled) {
    assert!(
        !compiled.diagnostics.has_errors(),
        "unexpected errors:\n{}",
        compiled.diagnostics.render(&compiled.sources)
    );
}

/// Compiles one file that must be valid and returns its schema.
fn ok(text: &str) -> Schema {
    let compiled = run(&[("main.fbs", text)]);
    assert_clean(&compiled);
    compiled.schema.expect("a schema")
}

/// Compiles files that must be invalid and returns the rendered diagnostics.
fn err_files(files: &[(&str, &str)]) -> String {
    let compiled = run(files);
    let rendered = compiled.diagnostics.render(&compiled.sources);
    assert!(
        compiled.diagnostics.has_errors(),
        "expected an error, got:\n{rendered}"
    );
    rendered
}

fn err(text: &str) -> String {
    err_files(&[("main.fbs", text)])
}

fn object<'s>(schema: &'s Schema, name: &str) -> &'s Object {
    let id = schema
        .find_object(name)
        .unwrap_or_else(|| panic!("no object {name}"));
    schema.object(id)
}

/// `(name, id, offset, padding)` of every field.
fn layout(object: &Object) -> Vec<(&str, u16, u16, u16)> {
    object
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.id, f.offset, f.padding))
        .collect()
}

// ---- loading --------------------------------------------------------------

#[test]
fn includes_come_first_and_each_file_is_read_once() {
    let compiled = run(&[
        (
            "main.fbs",
            "include \"a.fbs\";\ninclude \"b.fbs\";\ntable Main { a: A; b: B; }\n",
        ),
        ("a.fbs", "include \"common.fbs\";\ntable A { c: Common; }\n"),
        (
            "b.fbs",
            "include \"./common.fbs\";\ntable B { c: Common; }\n",
        ),
        ("common.fbs", "table Common {}\n"),
    ]);
    assert_clean(&compiled);
    let schema = compiled.schema.unwrap();
    let names: Vec<_> = schema.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Common", "A", "B", "Main"]);
    assert_eq!(compiled.sources.files().count(), 4);
    let main = &schema.files[0];
    assert_eq!(main.includes.len(), 2);
}

#[test]
fn includes_are_relative_to_the_including_file_then_include_dirs() {
    let options = Options {
        include_dirs: vec![PathBuf::from("first"), PathBuf::from("second")],
    };
    let compiled = run_with(
        &[
            (
                "schemas/main.fbs",
                "include \"sub/a.fbs\";\ninclude \"lib.fbs\";\n",
            ),
            (
                "schemas/sub/a.fbs",
                "include \"b.fbs\";\ntable A { b: B; }\n",
            ),
            ("schemas/sub/b.fbs", "table B {}\n"),
            ("second/lib.fbs", "table FromSecond {}\n"),
            ("third/lib.fbs", "table FromThird {}\n"),
        ],
        &options,
    );
    assert_clean(&compiled);
    let paths: Vec<_> = compiled
        .sources
        .files()
        .map(|(_, f)| f.path.display().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "schemas/main.fbs",
            "schemas/sub/a.fbs",
            "schemas/sub/b.fbs",
            "second/lib.fbs"
        ]
    );
}

#[test]
fn the_root_directory_is_searched_last_as_flatc_does() {
    let compiled = run(&[
        ("schemas/main.fbs", "include \"sub/a.fbs\";\n"),
        (
            "schemas/sub/a.fbs",
            "include \"common.fbs\";\ntable A { c: C; }\n",
        ),
        ("schemas/common.fbs", "table C {}\n"),
    ]);
    assert_clean(&compiled);
    assert_eq!(compiled.sources.files().count(), 3);
}

#[test]
fn root_type_and_file_identifier_apply_only_from_root_files() {
    let inc = "table A {}\nroot_type A;\nfile_identifier \"INCL\";\nfile_extension \"inc\";\n";
    let compiled = run(&[
        ("main.fbs", "include \"inc.fbs\";\ntable B {}\n"),
        ("inc.fbs", inc),
    ]);
    assert_clean(&compiled);
    let schema = compiled.schema.unwrap();
    assert_eq!(schema.root_table, None);
    assert_eq!(schema.file_ident, None);
    assert_eq!(schema.file_ext, None);
    // Still checked there, as flatc does.
    err_files(&[
        ("main.fbs", "include \"inc.fbs\";\n"),
        ("inc.fbs", "root_type Missing;\n"),
    ]);
}

#[test]
fn missing_include_lists_every_path_tried() {
    let options = Options {
        include_dirs: vec![PathBuf::from("inc")],
    };
    let compiled = run_with(&[("dir/main.fbs", "include \"x.fbs\";\n")], &options);
    let out = compiled.diagnostics.render(&compiled.sources);
    assert!(out.contains("cannot find included file `x.fbs`"), "{out}");
    assert!(out.contains("`dir/x.fbs`, `inc/x.fbs`"), "{out}");
}

#[test]
fn include_cycles_are_skipped_with_a_warning_naming_the_chain() {
    // flatc skips files already being parsed; its own tests include themselves.
    let compiled = run(&[
        (
            "a.fbs",
            "include \"b.fbs\";\ninclude \"a.fbs\";\ntable A { b: B; }\n",
        ),
        ("b.fbs", "include \"a.fbs\";\ntable B { a: A; }\n"),
    ]);
    assert_clean(&compiled);
    let out = compiled.diagnostics.render(&compiled.sources);
    assert!(
        out.contains("warning: include cycle: `a.fbs` → `b.fbs` → `a.fbs`"),
        "{out}"
    );
    assert!(
        out.contains("warning: include cycle: `a.fbs` → `a.fbs`"),
        "{out}"
    );
    let schema = compiled.schema.unwrap();
    let names: Vec<_> = schema.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["B", "A"]);
}

#[test]
fn very_deep_include_chains_are_cut_off() {
    let texts: Vec<(String, String)> = (0..200)
        .map(|i| {
            (
                format!("f{i}.fbs"),
                format!("include \"f{}.fbs\";\n", i + 1),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let out = err_files(&files);
    assert!(out.contains("includes are nested too deeply"), "{out}");
}

#[test]
fn several_roots_share_included_files() {
    let loader = MemoryLoader::new()
        .with(
            "a.fbs",
            "include \"common.fbs\";\ntable A { c: C; }\nroot_type A;\n",
        )
        .with("b.fbs", "include \"common.fbs\";\ntable B { c: C; }\n")
        .with("common.fbs", "table C {}\n");
    let roots = [PathBuf::from("a.fbs"), PathBuf::from("b.fbs")];
    let compiled = compile(&roots, &Options::default(), &loader);
    assert_clean(&compiled);
    let schema = compiled.schema.unwrap();
    let names: Vec<_> = schema.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["C", "A", "B"]);
    assert_eq!(schema.root_table, schema.find_object("A"));
}

#[test]
fn missing_root_gives_no_schema() {
    let compiled = compile(
        &[PathBuf::from("nope.fbs")],
        &Options::default(),
        &MemoryLoader::new(),
    );
    assert!(compiled.schema.is_none());
    let out = compiled.diagnostics.render(&compiled.sources);
    assert!(out.contains("cannot read schema file `nope.fbs`"), "{out}");
}

#[test]
fn invalid_utf8_on_disk_is_reported() {
    let dir = std::env::temp_dir().join(format!("wamp-idl-resolve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.fbs");
    std::fs::write(&path, b"// caf\xe9\ntable T {}\n").unwrap();
    let compiled = compile(
        std::slice::from_ref(&path),
        &Options::default(),
        &wamp_idl_core::FsLoader,
    );
    let out = compiled.diagnostics.render(&compiled.sources);
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.contains("not valid UTF-8"), "{out}");
}

// ---- names ----------------------------------------------------------------

#[test]
fn lookup_walks_enclosing_namespaces_and_allows_forward_references() {
    let schema = ok("namespace a;
        table Outer {}
        namespace a.b;
        table Inner {}
        namespace a.b.c;
        table T { i: Inner; o: Outer; q: a.b.Inner; f: Later; e: Color; }
        table Later {}
        enum Color : ubyte { Red }
        namespace other;
        table Inner {}");
    let t = object(&schema, "a.b.c.T");
    let inner = schema.find_object("a.b.Inner").unwrap();
    assert_eq!(t.fields[0].ty, Type::Table(inner));
    assert_eq!(t.fields[2].ty, Type::Table(inner));
    assert_eq!(
        t.fields[1].ty,
        Type::Table(schema.find_object("a.Outer").unwrap())
    );
    assert_eq!(
        t.fields[3].ty,
        Type::Table(schema.find_object("a.b.c.Later").unwrap())
    );
    assert_eq!(
        t.fields[4].ty,
        Type::Enum(schema.find_enum("a.b.c.Color").unwrap())
    );
}

#[test]
fn namespace_is_per_file() {
    let compiled = run(&[
        ("main.fbs", "include \"inc.fbs\";\ntable Root { x: X; }\n"),
        ("inc.fbs", "namespace ns;\ntable X {}\n"),
    ]);
    let out = compiled.diagnostics.render(&compiled.sources);
    assert!(out.contains("unknown type `X`"), "{out}");
    assert!(out.contains("`ns.X`"), "{out}");
}

#[test]
fn duplicates_across_kinds_and_files_are_errors() {
    let out = err("namespace a; table T {} enum T : byte { A }");
    assert!(out.contains("`a.T` is declared twice"), "{out}");
    assert!(out.contains("first declared here"), "{out}");
    // Same short name in different namespaces is fine.
    ok("namespace a; table T {} namespace b; table T {}");
}

// ---- types ----------------------------------------------------------------

#[test]
fn base_types_and_aliases_resolve() {
    let schema =
        ok("table T { a: int8; b: uint16; c: float64; d: [ubyte]; e: string; f: [string]; }");
    let t = &schema.objects[0];
    assert_eq!(t.fields[0].ty, Type::Scalar(ScalarType::Byte));
    assert_eq!(t.fields[1].ty, Type::Scalar(ScalarType::UShort));
    assert_eq!(t.fields[2].ty, Type::Scalar(ScalarType::Double));
    assert_eq!(
        t.fields[3].ty,
        Type::Vector(Box::new(Type::Scalar(ScalarType::UByte)))
    );
    assert_eq!(t.fields[5].ty, Type::Vector(Box::new(Type::String)));
}

#[test]
fn struct_fields_must_be_fixed_size() {
    for ty in ["string", "[int]", "T", "U"] {
        let out = err(&format!(
            "table T {{}} union U {{ T }} struct S {{ a: {ty}; }}"
        ));
        assert!(out.contains("struct fields must be scalars"), "{ty}: {out}");
    }
}

#[test]
fn arrays_only_in_structs_with_fixed_size_elements() {
    let schema = ok(
        "enum E : short { A } struct P { x: int; } struct S { a: [P:2]; b: [E:3]; c: [ubyte:1]; }",
    );
    let s = object(&schema, "S");
    let p = schema.find_object("P").unwrap();
    assert_eq!(s.fields[0].ty, Type::Array(Box::new(Type::Struct(p)), 2));
    assert!(err("table T { a: [int:2]; }").contains("only allowed in structs"));
    assert!(err("table X {} struct S { a: [X:2]; }").contains("array elements must be"));
}

#[test]
fn struct_cycles_are_reported_once() {
    let out = err("struct A { b: B; } struct B { a: A; } struct C { a: A; }");
    assert_eq!(out.matches("contains itself").count(), 1, "{out}");
    assert!(out.contains("cycle: `A` → `B` → `A`"), "{out}");
    assert!(err("struct A { a: [A:2]; }").contains("struct `A` contains itself"));
}

#[test]
fn union_members_are_tables_and_structs() {
    let schema = ok(
        "table T {} struct S { a: int; } namespace n; table N {} namespace;
        union U { T, S, Alias: T, n.N = 7, Next: S }",
    );
    let u = schema.enum_def(schema.find_enum("U").unwrap());
    let values: Vec<_> = u
        .values
        .iter()
        .map(|v| (v.name.as_str(), v.value))
        .collect();
    assert_eq!(
        values,
        [
            ("NONE", 0),
            ("T", 1),
            ("S", 2),
            ("Alias", 3),
            ("n_N", 7),
            ("Next", 8)
        ]
    );
    assert_eq!(u.underlying, ScalarType::UByte);
    assert_eq!(
        u.values[2].union_type,
        Some(Type::Struct(schema.find_object("S").unwrap()))
    );
    assert!(
        err("table T {} union U { T, string }").contains("union members must be tables or structs")
    );
    assert!(err("table T {} union U { NONE: T }").contains("duplicate union member `NONE`"));
}

// ---- layout ---------------------------------------------------------------

const LAYOUT: &str = "table X {}
union U { X }
enum E : short { A, B }
struct A { a: byte; b: int; c: short; }
struct B { x: A; y: double; z: bool; }
struct C (force_align: 16) { a: int; b: byte; }
struct D { a: [A:3]; b: ubyte; c: [E:3]; }
struct F { a: ubyte; c: C; d: [long:2]; e: E; }
struct G { a: float; b: ubyte; }
table T { a: int; u: U; v: [U]; s: string; g: G; }
root_type T;";

#[test]
fn struct_layout_matches_flatc() {
    let schema = ok(LAYOUT);
    let expect = |name: &str, minalign: u32, bytesize: u32, fields: &[(&str, u16, u16, u16)]| {
        let o = object(&schema, name);
        assert_eq!((o.minalign, o.bytesize), (minalign, bytesize), "{name}");
        assert_eq!(layout(o), fields, "{name}");
    };
    expect(
        "A",
        4,
        12,
        &[("a", 0, 0, 3), ("b", 1, 4, 0), ("c", 2, 8, 2)],
    );
    expect(
        "B",
        8,
        32,
        &[("x", 0, 0, 4), ("y", 1, 16, 0), ("z", 2, 24, 7)],
    );
    expect("C", 16, 16, &[("a", 0, 0, 0), ("b", 1, 4, 11)]);
    expect(
        "D",
        4,
        44,
        &[("a", 0, 0, 0), ("b", 1, 36, 1), ("c", 2, 38, 0)],
    );
    expect(
        "F",
        16,
        64,
        &[
            ("a", 0, 0, 15),
            ("c", 1, 16, 0),
            ("d", 2, 32, 0),
            ("e", 3, 48, 14),
        ],
    );
    expect("G", 4, 8, &[("a", 0, 0, 0), ("b", 1, 4, 3)]);
}

#[test]
fn table_slots_match_flatc() {
    let schema = ok(LAYOUT);
    let t = object(&schema, "T");
    assert_eq!((t.minalign, t.bytesize), (1, 0));
    assert_eq!(
        layout(t),
        [
            ("a", 0, 4, 0),
            ("u_type", 1, 6, 0),
            ("u", 2, 8, 0),
            ("v_type", 3, 10, 0),
            ("v", 4, 12, 0),
            ("s", 5, 14, 0),
            ("g", 6, 16, 0)
        ]
    );
    let u = schema.find_enum("U").unwrap();
    assert!(t.fields[1].synthetic && t.fields[3].synthetic);
    assert_eq!(t.fields[1].ty, Type::UnionType(u));
    assert_eq!(t.fields[3].ty, Type::Vector(Box::new(Type::UnionType(u))));
    assert_eq!(t.fields[4].ty, Type::Vector(Box::new(Type::Union(u))));
    assert_eq!(schema.root_table, schema.find_object("T"));
}

#[test]
fn explicit_ids_reorder_slots() {
    let schema = ok("table X {} union U { X }
        table T { a: int (id: 3); u: U (id: 1); b: string (id: 2); }");
    let t = object(&schema, "T");
    assert_eq!(
        layout(t),
        [
            ("a", 3, 10, 0),
            ("u_type", 0, 4, 0),
            ("u", 1, 6, 0),
            ("b", 2, 8, 0)
        ]
    );
    assert!(err("table T { a: int (id: 0); b: int (id: 2); }").contains("id 1 missing"));
    assert!(err("table T { a: int (id: 1); b: int (id: 1); }").contains("field id 1 is used twice"));
    assert!(err("table T { a: int (id: 0); b: int; }").contains("field `b` has no `id` attribute"));
}

#[test]
fn force_align_limits() {
    ok("struct S (force_align: 32) { a: int; }");
    for bad in ["64", "3", "2"] {
        let out = err(&format!("struct S (force_align: {bad}) {{ a: int; }}"));
        assert!(out.contains("invalid `force_align` value"), "{bad}: {out}");
    }
    let compiled = run(&[("main.fbs", "table T (force_align: 8) { a: int; }")]);
    assert!(!compiled.diagnostics.has_errors());
    assert!(compiled
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning && d.message.contains("force_align")));
}

// ---- enums and defaults ---------------------------------------------------

#[test]
fn enum_values_follow_flatc() {
    let schema = ok("enum E : byte { A = 2, B = -1, C, D = 0x10 }
        enum F : ubyte (bit_flags) { X, Y, Z = 7 }
        enum L : ulong { Max = 18446744073709551615 }");
    let values = |name: &str| -> Vec<i64> {
        let e = schema.enum_def(schema.find_enum(name).unwrap());
        e.values.iter().map(|v| v.value).collect()
    };
    assert_eq!(values("E"), [2, -1, 0, 16]);
    assert_eq!(values("F"), [1, 2, 128]);
    assert_eq!(values("L"), [-1]);
    assert!(err("enum E : byte { A = 127, B }").contains("`127 + 1` does not fit in `byte`"));
    assert!(err("enum E : ubyte (bit_flags) { A = 8 }").contains("bit flag `A` is out of range"));
    assert!(err("enum E : int { A = 1, B = 1 }").contains("`A` and `B` are both 1"));
}

#[test]
fn scalar_defaults() {
    let schema = ok("table T {
        a: int = 0x7fffffff; b: uint = 0xffffffff; c: byte = -128; d: ulong = 18446744073709551615;
        e: float = inf; f: double = -1.5e3; g: bool = true; h: bool = 1; i: float = 2;
        j: int = null; k: short; l: double; m: int = \"5\"; n: float = -nan;
    }");
    let t = &schema.objects[0];
    let d = |i: usize| t.fields[i].default.clone();
    assert_eq!(d(0), DefaultValue::Integer(0x7fff_ffff));
    assert_eq!(d(1), DefaultValue::Integer(0xffff_ffff));
    assert_eq!(d(2), DefaultValue::Integer(-128));
    assert_eq!(d(3), DefaultValue::Integer(-1));
    assert_eq!(d(4), DefaultValue::Float(f64::INFINITY));
    assert_eq!(d(5), DefaultValue::Float(-1500.0));
    assert_eq!(d(6), DefaultValue::Integer(1));
    assert_eq!(d(7), DefaultValue::Integer(1));
    assert_eq!(d(8), DefaultValue::Float(2.0));
    assert_eq!(d(9), DefaultValue::Null);
    assert!(t.fields[9].optional);
    assert_eq!(d(10), DefaultValue::Integer(0));
    assert_eq!(d(11), DefaultValue::Float(0.0));
    assert_eq!(d(12), DefaultValue::Integer(5));
    assert!(matches!(d(13), DefaultValue::Float(f) if f.is_nan()));
    assert!(err("table T { a: byte = -129; }").contains("does not fit in `byte`"));
    assert!(err("table T { a: int = 1.5; }").contains("expected an integer, found a float"));
    assert!(err("table T { a: int = true; }").contains("invalid default value"));
}

#[test]
fn enum_defaults() {
    let schema = ok("namespace ns;
        enum Color : ubyte { Red = 1, Green, Blue }
        enum Flags : ubyte (bit_flags) { A, B, C }
        enum Z : int { Zero, One }
        table T {
            a: Color = Green; b: Color = Color.Blue; c: Color = ns.Color.Red; d: Color = 2;
            e: Flags = \"A C\"; f: Flags = 7; g: Flags; h: Z; i: Color = null; j: Flags = B;
        }");
    let t = &schema.objects[0];
    let d: Vec<_> = t.fields.iter().map(|f| f.default.clone()).collect();
    use DefaultValue::{Integer, Null};
    assert_eq!(
        d,
        [
            Integer(2),
            Integer(3),
            Integer(1),
            Integer(2),
            Integer(5),
            Integer(7),
            Integer(0),
            Integer(0),
            Null,
            Integer(2)
        ]
    );
    assert!(err("enum C : ubyte { R = 1 } table T { c: C; }").contains("defaults to 0"));
    assert!(err("enum C : ubyte { R } table T { c: C = 5; }").contains("not a value of enum `C`"));
    assert!(
        err("enum C : ubyte { R } table T { c: C = Other.R; }").contains("not a value of enum `C`")
    );
}

#[test]
fn defaults_only_where_flatc_allows_them() {
    assert!(err("struct S { a: int = 1; }").contains("struct fields cannot have default values"));
    assert!(err("table T { s: string = null; }").contains("only scalar fields can be optional"));
    assert!(err("table T { s: string = 5; }").contains("expected a string literal"));
    assert!(
        err("table X {} table T { x: X = 1; }").contains("only scalar, enum, string and vector")
    );
}

#[test]
fn string_and_vector_defaults_are_kept_as_flatc_25_accepts_them() {
    let schema = ok(
        "table T { a: int; s: string = \"some\"; e: string = \"\"; v: [int] = []; w: [string]; }",
    );
    let t = schema.object(schema.find_object("T").unwrap());
    let defaults: Vec<&DefaultValue> = t.fields.iter().map(|f| &f.default).collect();
    assert_eq!(
        defaults,
        [
            &DefaultValue::Integer(0),
            &DefaultValue::String("some".to_string()),
            &DefaultValue::String(String::new()),
            &DefaultValue::EmptyVector,
            &DefaultValue::None,
        ]
    );
}

// ---- attributes, root_type, services ----------------------------------------

#[test]
fn attribute_rules() {
    ok("attribute \"custom\"; table T { a: int (custom, key, hash: \"fnv1a_32\"); s: string (required, deprecated); }");
    ok("table T { a: int (custom); } attribute \"custom\";");
    assert!(err("table T { a: int (nope); }").contains("unknown attribute `nope`"));
    assert!(err("table T { a: int (required); }").contains("only non-scalar"));
    assert!(err("table T { a: int (key); b: int (key); }").contains("only one field"));
    assert!(err("table T { a: short (hash: \"fnv1_32\"); }")
        .contains("`\"fnv1_16\"` or `\"fnv1a_16\"`"));
    assert!(err("table T { a: [ubyte] (nested_flatbuffer: \"Nope\"); }")
        .contains("unknown type `Nope`"));
    ok("table Inner {} table T { a: [ubyte] (nested_flatbuffer: \"Inner\"); }");
    let compiled = run(&[("main.fbs", "table T { a: int (deprecated, deprecated); }")]);
    assert!(!compiled.diagnostics.has_errors());
    assert_eq!(compiled.diagnostics.iter().count(), 1);
}

#[test]
fn attributes_and_docs_are_carried() {
    let schema = ok("attribute \"wampuri\";
        /// A table.
        table Req (wampuri: \"com.example\") {
            /// The value.
            v: int (id: 0);
        }
        rpc_service Calc {
            /// Adds.
            add(Req): Req (wampuri: \"com.example.add\"); }");
    let t = &schema.objects[0];
    assert_eq!(t.docs, [" A table."]);
    let uri = t.attribute("wampuri").unwrap();
    assert_eq!(uri.value.as_deref(), Some("com.example"));
    assert!(uri.value_span.is_some());
    assert_eq!(t.fields[0].docs, [" The value."]);
    assert_eq!(
        t.fields[0].attribute("id").unwrap().value.as_deref(),
        Some("0")
    );
    let calc = &schema.services[0];
    assert_eq!(calc.calls[0].docs, [" Adds."]);
    assert_eq!(
        calc.calls[0].attribute("wampuri").unwrap().value.as_deref(),
        Some("com.example.add")
    );
    assert_eq!(schema.declared_attributes[0].0, "wampuri");
}

#[test]
fn root_type_identifier_extension_services() {
    let schema = ok("namespace n; table Req {} table Resp {}
        root_type Req; file_identifier \"WAMP\"; file_extension \"wamp\";
        rpc_service S { a(Req): Resp; b(n.Req): Req; }");
    assert_eq!(schema.root_table, schema.find_object("n.Req"));
    assert_eq!(schema.file_ident.as_deref(), Some("WAMP"));
    assert_eq!(schema.file_ext.as_deref(), Some("wamp"));
    let s = &schema.services[0];
    assert_eq!(s.full_name(), "n.S");
    assert_eq!(s.calls.len(), 2);
    assert_eq!(s.calls[0].response, schema.find_object("n.Resp").unwrap());
    assert!(err("struct S { a: int; } root_type S;").contains("the root type must be a table"));
    assert!(err("file_identifier \"ABCDE\";").contains("exactly 4 bytes"));
    assert!(
        err("table T {} rpc_service S { a(T): T; a(T): T; }").contains("duplicate rpc method `a`")
    );
    assert!(
        err("enum E : int { A } table T {} rpc_service S { a(E): T; }").contains("`E` is an enum")
    );
}

#[test]
fn a_dropped_field_does_not_cause_follow_up_errors() {
    let compiled = run(&[(
        "main.fbs",
        "table T { a: Nope (id: 0); b: int (id: 1); } struct S { x: Gone; y: int; }",
    )]);
    assert_eq!(
        compiled.diagnostics.error_count(),
        2,
        "{}",
        compiled.diagnostics.render(&compiled.sources)
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let compiled = run(&[(
        "main.fbs",
        "table T { a: Nope; b: int = 1.5; c: int (required); } root_type Missing;",
    )]);
    assert_eq!(compiled.diagnostics.error_count(), 4);
}

#[test]
fn string_key_is_implicitly_required_as_in_flatc() {
    let schema = ok("table K { name: string (key); n: int (key_other); } attribute \"key_other\";");
    let k = &schema.objects[0];
    assert!(k.fields[0].key && k.fields[0].required);
    assert!(!k.fields[1].required);
}

#[test]
fn huge_numbers_do_not_overflow() {
    let out = err("enum E : ulong { A = 170141183460469231731687303715884105727, B }");
    assert!(out.contains("does not fit in `ulong`"), "{out}");
    err("table X {} union U { X = 170141183460469231731687303715884105727, Y: X }");
    err("table T { a: long = -99999999999999999999999999999999999999999; }");
    err("struct S { a: [int:99999999999999999999999999999999999999999]; }");
    err("table T { a: int (id: 99999999999999999999999999999999999999999); }");
}

// ---- robustness -------------------------------------------------------------

const TOKENS: &[&str] = &[
    "table",
    "struct",
    "enum",
    "union",
    "namespace",
    "root_type",
    "include",
    "attribute",
    "rpc_service",
    "file_identifier",
    "T",
    "S",
    "U",
    "E",
    "a",
    "b",
    "a.b",
    "int",
    "ubyte",
    "string",
    "bool",
    "float",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    ";",
    ",",
    "=",
    "0",
    "1",
    "-1",
    "255",
    "0x10",
    "1.5",
    "inf",
    "null",
    "true",
    "\"x\"",
    "\"T\"",
    "id",
    "key",
    "required",
    "force_align",
    "bit_flags",
    "hash",
    "nested_flatbuffer",
    "deprecated",
    "\n",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Token soup reaches the resolver with odd but parseable trees; it must never panic.
    #[test]
    fn token_soup_never_panics(picks in proptest::collection::vec(0..TOKENS.len(), 0..80)) {
        let text: Vec<&str> = picks.iter().map(|&i| TOKENS[i]).collect();
        let _ = run(&[("main.fbs", &text.join(" "))]);
    }

    /// Cutting a slice out of a valid schema must never panic either.
    #[test]
    fn mutilated_valid_schema_never_panics(start in 0..LAYOUT.len(), len in 0..40usize, copy in 0..LAYOUT.len()) {
        let end = (start + len).min(LAYOUT.len());
        let mut text = String::new();
        text.push_str(LAYOUT.get(..start).unwrap_or(""));
        text.push_str(LAYOUT.get(copy..).unwrap_or("").get(..len).unwrap_or(""));
        text.push_str(LAYOUT.get(end..).unwrap_or(""));
        let _ = run(&[("main.fbs", &text), ("other.fbs", "include \"main.fbs\";")]);
    }
}
