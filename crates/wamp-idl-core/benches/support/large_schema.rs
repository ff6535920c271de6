//! Deterministic generator of a large, valid schema for benchmarks.
//!
//! Shared by the front-end benchmark and the whole-process comparison against
//! flatc (included with `#[path]`), so both measure the same text.

/// Returns a schema of at least `min_lines` lines using most of the language:
/// namespaces, enums (incl. `bit_flags`), structs with padding, tables with
/// defaults, vectors and unions, and WAMP IDL interfaces (with their
/// `attribute` declarations inline, so the file stands alone).
pub fn large_schema(min_lines: usize) -> String {
    let mut s = String::new();
    for attr in ["arg", "kwarg", "wampid", "wampuri", "uuid", "type"] {
        s.push_str(&format!("attribute \"{attr}\";\n"));
    }
    s.push_str("namespace bench;\n/// The empty table topics return.\ntable Void {}\n");
    let mut module = 0usize;
    while s.lines().count() < min_lines {
        let m = module;
        s.push_str(&format!(
            "\nnamespace bench.m{m};\n\n\
             /// Colors of module {m}.\n\
             enum Color{m} : ubyte {{ Red = 1, Green, Blue = 8 }}\n\
             enum Flags{m} : uint (bit_flags) {{ A, B, C, D = 7 }}\n\n\
             /// A point.\n\
             struct Point{m} {{\n    x: float;\n    y: float;\n    z: double;\n    tag: byte;\n}}\n\n\
             struct Box{m} {{\n    min: Point{m};\n    max: Point{m};\n    ids: [ushort:3];\n}}\n\n"
        ));
        for t in 0..4 {
            s.push_str(&format!(
                "/// Request {t} of module {m}.\n\
                 table Req{m}_{t} {{\n\
                 \x20   /// The session.\n\
                 \x20   session: ulong (arg, wampid);\n\
                 \x20   topic: string (arg, wampuri);\n\
                 \x20   count: int = -{t};\n\
                 \x20   ratio: double = {t}.5;\n\
                 \x20   color: Color{m} = Green;\n\
                 \x20   flags: Flags{m} = \"A C\";\n\
                 \x20   origin: Point{m};\n\
                 \x20   names: [string] (kwarg);\n\
                 \x20   boxes: [Box{m}] (kwarg);\n\
                 \x20   maybe: short = null (kwarg);\n\
                 \x20   hex: uint = 0xff (kwarg);\n"
            ));
            s.push_str("    deprecated_field: long (deprecated, kwarg);\n}\n\n");
        }
        s.push_str(&format!(
            "table Res{m} {{\n    value: long (arg);\n    items: [Req{m}_0] (arg);\n}}\n\n\
             union Any{m} {{ Req{m}_0, Second: Req{m}_1, Res{m} }}\n\n\
             table Holder{m} {{\n    any: Any{m};\n    many: [Any{m}];\n    point: Point{m} (required);\n}}\n\n\
             /// Interface of module {m}.\n\
             rpc_service IModule{m} (type: \"interface\", uuid: \"{m:08x}-3d95-44bc-9464-58d871dd7fd7\", wampuri: \"com.example.m{m}\") {{\n"
        ));
        for t in 0..4 {
            s.push_str(&format!(
                "    /// Procedure {t}.\n    call{t} (Req{m}_{t}): Res{m} (type: \"procedure\", wampuri: \"com.example.m{m}.call{t}\");\n"
            ));
        }
        s.push_str(&format!(
            "    on_event (Req{m}_0): bench.Void (type: \"topic\", wampuri: \"com.example.m{m}.on_event\");\n}}\n"
        ));
        module += 1;
    }
    s
}
