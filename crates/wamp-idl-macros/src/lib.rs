//! Procedural macros of wamp-idl: a thin shell over `wamp-idl-core`.
//!
//! Use them through the runtime crate (`wamp_idl_runtime::wamp_interface!`),
//! which the generated code links against.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{bracketed, punctuated::Punctuated, Ident, LitStr, Token};

use wamp_idl_core::codegen::{generate_with_diagnostics, CodegenOptions};
use wamp_idl_core::diag::Diagnostics;
use wamp_idl_core::{compile, FsLoader, Options};

/// Generates typed Rust code for a WAMP IDL catalog (a FlatBuffers schema).
///
/// ```ignore
/// wamp_idl_runtime::wamp_interface!("schemas/calc.fbs");
/// wamp_idl_runtime::wamp_interface!(
///     "schemas/calc.fbs",
///     include = ["schemas/common"],
///     runtime = ::wamp_idl_runtime,
/// );
/// ```
///
/// Paths are relative to the crate's `CARGO_MANIFEST_DIR` (absolute paths are
/// rejected so builds do not depend on the machine). Every FlatBuffers
/// namespace becomes a module at the invocation site. Schema errors are
/// reported as compile errors at the path literal, rendered like the CLI
/// renders them. The crate is rebuilt when any schema file read changes.
#[proc_macro]
pub fn wamp_interface(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    match syn::parse::<Input>(input) {
        Ok(input) => expand(&input).into(),
        Err(error) => error.to_compile_error().into(),
    }
}

struct Input {
    path: LitStr,
    include: Vec<LitStr>,
    runtime: Option<syn::Path>,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path: LitStr = input.parse()?;
        let mut include = Vec::new();
        let mut runtime = None;
        while input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "include" => {
                    let content;
                    bracketed!(content in input);
                    let dirs: Punctuated<LitStr, Token![,]> = content
                        .parse_terminated(|s: ParseStream<'_>| s.parse::<LitStr>(), Token![,])?;
                    include.extend(dirs);
                }
                "runtime" => runtime = Some(input.parse()?),
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown option `{other}`; expected `include` or `runtime`"),
                    ))
                }
            }
        }
        Ok(Input {
            path,
            include,
            runtime,
        })
    }
}

fn compile_error(span: Span, message: &str) -> TokenStream {
    quote_spanned!(span=> ::core::compile_error!(#message);)
}

/// Resolves a path literal against the manifest directory.
fn resolve(manifest_dir: &Path, literal: &LitStr) -> Result<PathBuf, TokenStream> {
    let value = literal.value();
    let path = Path::new(&value);
    if path.is_absolute() {
        return Err(compile_error(
            literal.span(),
            &format!(
                "absolute schema path `{value}`; give a path relative to the crate's Cargo.toml directory"
            ),
        ));
    }
    Ok(manifest_dir.join(path))
}

fn expand(input: &Input) -> TokenStream {
    let span = input.path.span();
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        return compile_error(span, "`CARGO_MANIFEST_DIR` is not set; build with cargo");
    };
    let root = match resolve(&manifest_dir, &input.path) {
        Ok(root) => root,
        Err(error) => return error,
    };
    let mut include_dirs = Vec::new();
    for dir in &input.include {
        match resolve(&manifest_dir, dir) {
            Ok(dir) => include_dirs.push(dir),
            Err(error) => return error,
        }
    }
    let compiled = compile(&[root], &Options { include_dirs }, &FsLoader);

    // Rebuild when any schema file read changes.
    let tracked = compiled.sources.files().filter_map(|(_, file)| {
        let path = std::fs::canonicalize(&file.path).ok()?;
        let path = path.to_str()?.to_string();
        Some(quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        ))
    });
    let tracked: Vec<TokenStream> = tracked.collect();

    let mut diagnostics = compiled.diagnostics;
    let mut generated = TokenStream::new();
    if !diagnostics.has_errors() {
        if let (Some(schema), Some(catalog)) = (&compiled.schema, &compiled.catalog) {
            let runtime = match &input.runtime {
                Some(path) => quote!(#path),
                None => quote!(::wamp_idl_runtime),
            };
            let options = CodegenOptions {
                runtime_path: runtime,
            };
            let mut codegen_diagnostics = Diagnostics::new();
            generated =
                generate_with_diagnostics(schema, catalog, &options, &mut codegen_diagnostics);
            for diagnostic in codegen_diagnostics.into_sorted() {
                diagnostics.push(diagnostic);
            }
        }
    }
    if diagnostics.has_errors() {
        // Show the schema's errors only: the expansion of a broken schema would
        // add follow-up errors that point nowhere useful.
        let prefix = format!("{}/", manifest_dir.display());
        let errors = diagnostics
            .into_sorted()
            .into_iter()
            .filter(|d| matches!(d.severity, wamp_idl_core::diag::Severity::Error));
        let errors: Vec<TokenStream> = errors
            .map(|d| compile_error(span, &d.render(&compiled.sources).replace(&prefix, "")))
            .collect();
        return quote!(#(#errors)* #(#tracked)*);
    }
    quote!(#(#tracked)* #generated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_str(input: &str) -> String {
        let input: Input = syn::parse_str(input).expect("input parses");
        expand(&input).to_string()
    }

    #[test]
    fn absolute_paths_are_rejected() {
        let out = expand_str(r#""/etc/x.fbs""#);
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("absolute schema path `/etc/x.fbs`"), "{out}");
    }

    #[test]
    fn schema_errors_become_one_compile_error_each_with_location_and_excerpt() {
        let out = expand_str(r#""tests/fixtures/broken.fbs""#);
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
        assert!(
            out.contains("tests/fixtures/broken.fbs:4:6: error: unknown type `Foo`"),
            "{out}"
        );
        assert!(out.contains("a: Foo;"), "{out}");
        // Nothing else is generated, so the user sees only the real error.
        assert!(!out.contains("pub struct"), "{out}");
        // The schema is still tracked for rebuilds.
        assert!(out.contains("include_bytes"), "{out}");
    }

    #[test]
    fn valid_schemas_expand_with_rebuild_tracking() {
        let out = expand_str(r#""tests/fixtures/ok.fbs", runtime = ::my_runtime"#);
        assert!(out.contains("include_bytes"), "{out}");
        assert!(out.contains("ok.fbs"), "{out}");
        assert!(out.contains("pub mod calc"), "{out}");
        assert!(out.contains(":: my_runtime :: __private"), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn unknown_options_are_errors() {
        let error = syn::parse_str::<Input>(r#""x.fbs", includes = ["a"]"#)
            .err()
            .expect("rejected");
        assert!(error.to_string().contains("unknown option `includes`"));
    }
}
