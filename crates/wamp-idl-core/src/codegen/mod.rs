//! Code generation: typed Rust APIs from a resolved schema and its WAMP IDL catalog.
//!
//! [`generate`] turns the model into one `proc_macro2::TokenStream` that the
//! `wamp_interface!` macro (or a build script) places in the user's crate.
//! Generators see only the model ([`Schema`], [`Catalog`]), never syntax.
//!
//! One emitter per generated item kind:
//!
//! | module | emits |
//! |---|---|
//! | [`names`] | identifier mapping and relative paths |
//! | [`modules`] | one `pub mod` per namespace part |
//! | [`enums`] | open enum newtypes and `bit_flags` sets |
//! | [`structs`] | fixed-layout structs with their byte layout |
//! | [`tables`] | owned tables (object API) and their builders |
//! | [`table_refs`] | zero-copy readers and verifiers |
//! | [`table_serde`] | flatc-compatible JSON mapping of tables |
//! | [`unions`] | owned and borrowed union enums |
//! | [`validation`] | `validate()` from the WAMP IDL value rules |
//! | [`payloads`] | `WampPayload` (args/kwargs mapping) of every payload table |
//! | [`interface_consts`] | per-interface module: URIs, UUID, reflection, message builders |
//! | [`trait_callee`] | the callee trait of an interface and its registration glue |
//! | [`struct_caller`] | the typed client of an interface |
//!
//! Generated code uses only absolute paths (`::core::option::Option`, the
//! runtime's `__private` module) and no `unsafe`, so it compiles under
//! `#![no_implicit_prelude]` and `#![forbid(unsafe_code)]`.

pub mod enums;
pub mod interface_consts;
pub mod modules;
pub mod names;
pub mod payloads;
pub mod struct_caller;
pub mod structs;
pub mod table_refs;
pub mod table_serde;
pub mod tables;
pub mod trait_bridge;
pub mod trait_callee;
pub mod unions;
pub mod validation;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::diag::{Diagnostic, Diagnostics};
use crate::idl::Catalog;
use crate::schema::{DefaultValue, EnumId, Object, ObjectId, ScalarType, Schema, Type};

/// Options of one code generation run.
#[derive(Clone, Debug)]
pub struct CodegenOptions {
    /// Path of the runtime crate as seen from the generated code (default `::wamp_idl_runtime`).
    pub runtime_path: TokenStream,
}

impl Default for CodegenOptions {
    fn default() -> Self {
        CodegenOptions {
            runtime_path: quote!(::wamp_idl_runtime),
        }
    }
}

/// Generates the Rust code for every enum, union, struct and table of `schema`.
///
/// Name clashes between generated items are dropped here; use
/// [`generate_with_diagnostics`] to report them.
pub fn generate(schema: &Schema, catalog: &Catalog, options: &CodegenOptions) -> TokenStream {
    let mut diagnostics = Diagnostics::new();
    generate_with_diagnostics(schema, catalog, options, &mut diagnostics)
}

/// Like [`generate`], and reports problems of the generated names (clashes,
/// unsupported constructs) into `diagnostics`. When it reports an error, the
/// returned code may not compile; callers should show the diagnostics instead.
pub fn generate_with_diagnostics(
    schema: &Schema,
    catalog: &Catalog,
    options: &CodegenOptions,
    diagnostics: &mut Diagnostics,
) -> TokenStream {
    let ctx = Ctx {
        schema,
        catalog,
        rt: options.runtime_path.clone(),
    };
    modules::check_names(&ctx, diagnostics);
    interface_consts::check_names(&ctx, diagnostics);
    let mut tree = modules::ModuleTree::default();
    for (index, def) in schema.enums.iter().enumerate() {
        let id = EnumId(index as u32);
        let tokens = if def.is_union {
            let mut tokens = unions::emit(&ctx, id, diagnostics);
            tokens.extend(validation::emit_union(&ctx, id));
            tokens
        } else {
            enums::emit(&ctx, id)
        };
        tree.insert(&def.namespace, tokens);
    }
    for (index, object) in schema.objects.iter().enumerate() {
        let id = ObjectId(index as u32);
        let tokens = if object.is_struct {
            structs::emit(&ctx, id)
        } else {
            let mut tokens = tables::emit(&ctx, id, diagnostics);
            tokens.extend(table_refs::emit(&ctx, id));
            tokens.extend(table_serde::emit(&ctx, id));
            tokens.extend(validation::emit(&ctx, id));
            tokens
        };
        tree.insert(&object.namespace, tokens);
    }
    for payload in &catalog.payloads {
        let object = schema.object(payload.object);
        if object.is_struct {
            continue;
        }
        tree.insert(
            &object.namespace,
            payloads::emit(&ctx, payload, diagnostics),
        );
    }
    for interface in &catalog.interfaces {
        let mut tokens = interface_consts::emit(&ctx, interface);
        tokens.extend(trait_callee::emit(&ctx, interface));
        tokens.extend(struct_caller::emit(&ctx, interface));
        tree.insert(&interface.namespace, tokens);
    }
    tree.emit()
}

/// What every emitter reads.
pub struct Ctx<'s> {
    /// The schema.
    pub schema: &'s Schema,
    /// The WAMP IDL catalog.
    pub catalog: &'s Catalog,
    /// Path of the runtime crate.
    pub rt: TokenStream,
}

impl Ctx<'_> {
    /// The runtime's support module.
    pub fn private(&self) -> TokenStream {
        let rt = &self.rt;
        quote!(#rt::__private)
    }

    /// The `serde(crate = "...")` string.
    pub fn serde_crate(&self) -> String {
        let rt = &self.rt;
        quote!(#rt::__private::serde).to_string().replace(' ', "")
    }

    /// Path of a table's owned type or a struct, from namespace `from`.
    pub fn object_path(&self, from: &[String], id: ObjectId) -> TokenStream {
        let object = self.schema.object(id);
        names::path_from(from, &object.namespace, &names::type_ident(&object.name))
    }

    /// Path of a table's reader type `NameRef`, from namespace `from`.
    pub fn ref_path(&self, from: &[String], id: ObjectId) -> TokenStream {
        let object = self.schema.object(id);
        names::path_from(
            from,
            &object.namespace,
            &names::suffixed_ident(&object.name, "Ref"),
        )
    }

    /// Path of an enum or union (owned), from namespace `from`.
    pub fn enum_path(&self, from: &[String], id: EnumId) -> TokenStream {
        let def = self.schema.enum_def(id);
        names::path_from(from, &def.namespace, &names::type_ident(&def.name))
    }

    /// Path of a union's borrowed enum `NameRef`, from namespace `from`.
    pub fn union_ref_path(&self, from: &[String], id: EnumId) -> TokenStream {
        let def = self.schema.enum_def(id);
        names::path_from(
            from,
            &def.namespace,
            &names::suffixed_ident(&def.name, "Ref"),
        )
    }

    /// The Rust scalar type an enum is stored as.
    pub fn enum_underlying(&self, id: EnumId) -> ScalarType {
        self.schema.enum_def(id).underlying
    }

    /// Size in bytes of a struct.
    pub fn struct_size(&self, id: ObjectId) -> usize {
        self.schema.object(id).bytesize as usize
    }

    /// Alignment of a struct.
    pub fn struct_align(&self, id: ObjectId) -> usize {
        self.schema.object(id).minalign as usize
    }

    /// Size in bytes of a struct field type.
    pub fn inline_size(&self, ty: &Type) -> usize {
        match ty {
            Type::Scalar(s) => s.size() as usize,
            Type::Enum(e) | Type::UnionType(e) => self.enum_underlying(*e).size() as usize,
            Type::Struct(o) => self.struct_size(*o),
            Type::Array(elem, n) => self.inline_size(elem).saturating_mul(usize::from(*n)),
            _ => 4,
        }
    }
}

/// `#[doc = "..."]` attributes from `///` lines, or `fallback` when there are none.
pub fn docs(lines: &[String], fallback: &str) -> TokenStream {
    if lines.iter().all(|l| l.trim().is_empty()) {
        let text = format!(" {fallback}");
        return quote!(#[doc = #text]);
    }
    let attrs = lines.iter().map(|line| {
        let text = if line.starts_with(' ') || line.is_empty() {
            line.clone()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// The Rust type of a scalar.
pub fn scalar_ty(scalar: ScalarType) -> TokenStream {
    match scalar {
        ScalarType::Bool => quote!(bool),
        ScalarType::Byte => quote!(i8),
        ScalarType::UByte => quote!(u8),
        ScalarType::Short => quote!(i16),
        ScalarType::UShort => quote!(u16),
        ScalarType::Int => quote!(i32),
        ScalarType::UInt => quote!(u32),
        ScalarType::Long => quote!(i64),
        ScalarType::ULong => quote!(u64),
        ScalarType::Float => quote!(f32),
        ScalarType::Double => quote!(f64),
    }
}

/// An integer literal of `scalar`'s type (`value` as flatc stores it).
pub fn int_literal(value: i64, scalar: ScalarType) -> TokenStream {
    match scalar {
        ScalarType::Bool => {
            if value != 0 {
                quote!(true)
            } else {
                quote!(false)
            }
        }
        ScalarType::UByte | ScalarType::UShort | ScalarType::UInt | ScalarType::ULong => {
            let lit = Literal::u64_unsuffixed(value as u64);
            quote!(#lit)
        }
        ScalarType::Float | ScalarType::Double => float_literal(value as f64, scalar),
        _ => {
            let lit = Literal::i64_unsuffixed(value.unsigned_abs() as i64);
            if value < 0 {
                if value == i64::MIN {
                    quote!(i64::MIN)
                } else {
                    quote!(-#lit)
                }
            } else {
                quote!(#lit)
            }
        }
    }
}

/// A float literal of `scalar`'s type (non-finite values as consts).
pub fn float_literal(value: f64, scalar: ScalarType) -> TokenStream {
    let ty = scalar_ty(scalar);
    if value.is_nan() {
        quote!(#ty::NAN)
    } else if value == f64::INFINITY {
        quote!(#ty::INFINITY)
    } else if value == f64::NEG_INFINITY {
        quote!(#ty::NEG_INFINITY)
    } else {
        let lit = if scalar == ScalarType::Float {
            Literal::f32_unsuffixed(value.abs() as f32)
        } else {
            Literal::f64_unsuffixed(value.abs())
        };
        if value.is_sign_negative() {
            quote!(-#lit)
        } else {
            quote!(#lit)
        }
    }
}

/// The default of a scalar (or enum) field as a Rust expression.
pub fn scalar_default(
    ctx: &Ctx<'_>,
    from: &[String],
    ty: &Type,
    default: &DefaultValue,
) -> TokenStream {
    match ty {
        Type::Scalar(s) => match *default {
            DefaultValue::Integer(v) => int_literal(v, *s),
            DefaultValue::Float(f) => {
                if s.is_float() {
                    float_literal(f, *s)
                } else {
                    int_literal(f as i64, *s)
                }
            }
            _ => quote!(::core::default::Default::default()),
        },
        Type::Enum(e) | Type::UnionType(e) => {
            let path = ctx.enum_path(from, *e);
            let value = match *default {
                DefaultValue::Integer(v) => int_literal(v, ctx.enum_underlying(*e)),
                _ => int_literal(0, ctx.enum_underlying(*e)),
            };
            quote!(#path(#value))
        }
        _ => quote!(::core::default::Default::default()),
    }
}

/// Fields that take part in the generated API (not deprecated, not the hidden union `_type`).
pub fn live_fields(object: &Object) -> impl Iterator<Item = (usize, &crate::schema::FieldDef)> {
    object
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.deprecated && !f.synthetic && !matches!(f.ty, Type::UnionType(_)))
}

/// The hidden `_type` field of a union field or vector of unions (the field just before it).
pub fn union_type_field(object: &Object, index: usize) -> Option<&crate::schema::FieldDef> {
    index
        .checked_sub(1)
        .and_then(|i| object.fields.get(i))
        .filter(|f| is_union_type(&f.ty))
}

/// Whether `ty` is a hidden union `_type` field's type (a tag, or a vector of tags).
pub fn is_union_type(ty: &Type) -> bool {
    match ty {
        Type::UnionType(_) => true,
        Type::Vector(elem) => matches!(**elem, Type::UnionType(_)),
        _ => false,
    }
}

/// Reports an unsupported construct.
pub fn unsupported(diagnostics: &mut Diagnostics, span: crate::diag::Span, what: &str) {
    diagnostics.push(
        Diagnostic::error(
            span,
            format!("{what} is not supported by the code generator yet"),
        )
        .with_note("help: change the schema or generate code for this type by hand"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compile, MemoryLoader, Options};
    use std::path::PathBuf;

    /// Compiles `text` as `t.fbs` and generates code; returns the code and the rendered codegen diagnostics.
    pub(crate) fn run(text: &str) -> (String, String) {
        let loader = MemoryLoader::new().with("t.fbs", text);
        let compiled = compile(&[PathBuf::from("t.fbs")], &Options::default(), &loader);
        assert!(
            !compiled.diagnostics.has_errors(),
            "{}",
            compiled.diagnostics.render(&compiled.sources)
        );
        let schema = compiled.schema.expect("schema");
        let catalog = compiled.catalog.unwrap_or_default();
        let mut diagnostics = Diagnostics::new();
        let tokens = generate_with_diagnostics(
            &schema,
            &catalog,
            &CodegenOptions::default(),
            &mut diagnostics,
        );
        let file: syn::File = syn::parse2(tokens).expect("generated code parses");
        (
            prettyplease::unparse(&file),
            diagnostics.render(&compiled.sources),
        )
    }

    #[test]
    fn generated_code_parses_and_has_no_unsafe() {
        let (code, diagnostics) = run(
            "namespace a.b; enum E : byte { X = -1, Y } struct S { e: E; v: [short:2]; }
             table T { s: S; t: T; u: U; list: [T]; type: string; self: int; }
             union U { T }
             root_type T; file_identifier \"ABCD\";",
        );
        assert_eq!(diagnostics, "");
        assert!(!code.contains("unsafe"), "{code}");
        assert!(code.contains("pub mod a {"));
        assert!(code.contains("pub r#type: ::core::option::Option<::std::string::String>"));
        assert!(code.contains("pub self_: i32"));
        assert!(code.contains("pub const X: Self = Self(-1);"));
        let flat: String = code.split_whitespace().collect();
        assert!(flat.contains("Some(\"ABCD\",)"), "{code}");
    }

    #[test]
    fn cross_namespace_paths_are_relative_to_the_invocation_site() {
        let (code, _) = run("namespace x; struct Y { a: int; } namespace a.b; table T { y: x.Y; }");
        assert!(
            code.contains("::core::option::Option<super::super::x::Y>"),
            "{code}"
        );
    }

    #[test]
    fn struct_layout_uses_flatc_offsets() {
        let (code, _) = run("struct S { a: ubyte; b: long; c: short; }");
        // `b` is padded to offset 8, `c` follows at 16, size 24 with tail padding.
        let flat: String = code.split_whitespace().collect();
        assert!(
            flat.contains("read_scalar_or_default::<i64,>(bytes,8)"),
            "{code}"
        );
        assert!(
            flat.contains("read_scalar_or_default::<i16,>(bytes,16)"),
            "{code}"
        );
        assert!(code.contains("pub const SIZE: usize = 24;"), "{code}");
    }

    #[test]
    fn clashing_generated_names_are_reported() {
        let (_, diagnostics) = run("table Foo { a: int; } table FooRef { b: int; }");
        assert!(
            diagnostics.contains("generated name `FooRef` of table `FooRef` clashes"),
            "{diagnostics}"
        );
        assert!(diagnostics.contains("first defined here"), "{diagnostics}");
    }

    #[test]
    fn clashing_field_names_are_reported() {
        let (_, diagnostics) = run("table T { fooBar: int; foo_bar: int; unpack: int; }");
        assert!(
            diagnostics.contains("maps to the Rust name `foo_bar`, which is taken by `fooBar`"),
            "{diagnostics}"
        );
        assert!(
            diagnostics.contains("maps to the Rust name `unpack`"),
            "{diagnostics}"
        );
    }

    #[test]
    fn vectors_of_unions_are_generated() {
        let (code, diagnostics) = run("table A { x: int; } union U { A } table T { v: [U]; }");
        assert_eq!(diagnostics, "");
        assert!(
            code.contains("pub v: ::core::option::Option<::std::vec::Vec<self::U>>"),
            "{code}"
        );
        let flat: String = code.split_whitespace().collect();
        assert!(
            flat.contains("visit_union_vector(tv,\"v_type\",4,\"v\",6,false"),
            "{code}"
        );
    }

    #[test]
    fn nested_vectors_are_reported_not_miscompiled() {
        // The parser rejects `[[T]]`; a model built some other way gets a plain error.
        let loader = MemoryLoader::new().with("t.fbs", "table T { v: [int]; }");
        let compiled = compile(&[PathBuf::from("t.fbs")], &Options::default(), &loader);
        let mut schema = compiled.schema.expect("schema");
        let field = &mut schema.objects[0].fields[0];
        field.ty = Type::Vector(Box::new(field.ty.clone()));
        let mut diagnostics = Diagnostics::new();
        generate_with_diagnostics(
            &schema,
            &Catalog::default(),
            &CodegenOptions::default(),
            &mut diagnostics,
        );
        let rendered = diagnostics.render(&compiled.sources);
        assert!(
            rendered
                .contains("nested vectors are not supported: FlatBuffers has no vector of vectors"),
            "{rendered}"
        );
        assert!(
            rendered.contains("help: wrap the inner vector in a table"),
            "{rendered}"
        );
    }
}
