//! Procedural macros of wamp-idl: a thin shell over `wamp-idl-core`.
//!
//! Use them through the runtime crate (`wamp_idl_runtime::wamp_interface!`),
//! which the generated code links against.

mod derive_payload;

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{bracketed, punctuated::Punctuated, Ident, LitStr, Token};

use wamp_idl_core::codegen::{generate_with_diagnostics, trait_bridge, CodegenOptions, Ctx};
use wamp_idl_core::diag::{Diagnostics, Severity};
use wamp_idl_core::idl::rust_trait::{
    check_trait, find_interface, Receiver, RustArg, RustMethod, RustTrait, RustType, TraitError,
};
use wamp_idl_core::{compile, FsLoader, Options};

/// Generates typed Rust code for a WAMP IDL catalog (a FlatBuffers schema).
///
/// ```ignore
/// wamp_idl_runtime::wamp_interface!("schemas/calc.fbs");
/// wamp_idl_runtime::wamp_interface!(
///     "schemas/calc.fbs",
///     include = ["schemas/common"],
///     interfaces = ["ICalc"],
///     runtime = ::wamp_idl_runtime,
/// );
/// ```
///
/// `interfaces` limits the interface code (trait, client, module) to the
/// named interfaces (short or qualified names); every table, struct, enum and
/// union is generated either way.
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
    options: MacroOptions,
}

/// `include = [..]` and `runtime = path`, shared by both macros, and
/// `interfaces = [..]` (function-like macro only).
#[derive(Default)]
struct MacroOptions {
    include: Vec<LitStr>,
    runtime: Option<syn::Path>,
    /// Interfaces to generate code for (short or qualified names); all when empty.
    interfaces: Vec<LitStr>,
}

impl MacroOptions {
    /// Parses the value of `key` if it is `include` or `runtime`; `Ok(false)`
    /// when the key is not one of them.
    fn parse_value(
        &mut self,
        key: &Ident,
        seen: &mut Vec<String>,
        input: ParseStream<'_>,
    ) -> syn::Result<bool> {
        let name = key.to_string();
        match name.as_str() {
            "include" => {
                reject_duplicate(key, seen)?;
                if !input.peek(syn::token::Bracket) {
                    return Err(input.error(
                        "`include` takes a list of directories, e.g. `include = [\"schemas\"]`",
                    ));
                }
                let content;
                bracketed!(content in input);
                let dirs: Punctuated<LitStr, Token![,]> = content
                    .parse_terminated(|s: ParseStream<'_>| s.parse::<LitStr>(), Token![,])?;
                self.include.extend(dirs);
                Ok(true)
            }
            "runtime" => {
                reject_duplicate(key, seen)?;
                if input.peek(LitStr) {
                    return Err(input.error(
                        "`runtime` takes a path, not a string: write e.g. `runtime = ::wamp_idl_runtime`",
                    ));
                }
                self.runtime = Some(input.parse()?);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

fn reject_duplicate(key: &Ident, seen: &mut Vec<String>) -> syn::Result<()> {
    let name = key.to_string();
    if seen.contains(&name) {
        return Err(syn::Error::new(
            key.span(),
            format!("option `{name}` is given twice; give it once"),
        ));
    }
    seen.push(name);
    Ok(())
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if !input.peek(LitStr) {
            let message =
                "expected the schema path as a string literal, e.g. `wamp_interface!(\"schemas/calc.fbs\")`";
            return Err(if input.is_empty() {
                syn::Error::new(Span::call_site(), message)
            } else {
                input.error(message)
            });
        }
        let path: LitStr = input.parse()?;
        let mut options = MacroOptions::default();
        let mut seen = Vec::new();
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            if key == "interfaces" {
                reject_duplicate(&key, &mut seen)?;
                if !input.peek(syn::token::Bracket) {
                    return Err(input.error(
                        "`interfaces` takes a list of interface names, e.g. `interfaces = [\"ICalc\"]`",
                    ));
                }
                let content;
                bracketed!(content in input);
                let names: Punctuated<LitStr, Token![,]> = content
                    .parse_terminated(|s: ParseStream<'_>| s.parse::<LitStr>(), Token![,])?;
                options.interfaces.extend(names);
                continue;
            }
            if !options.parse_value(&key, &mut seen, input)? {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown option `{key}`; expected `include`, `interfaces` or `runtime`"
                    ),
                ));
            }
        }
        Ok(Input { path, options })
    }
}

fn compile_error(span: Span, message: &str) -> TokenStream {
    quote_spanned!(span=> ::core::compile_error!(#message);)
}

/// A warning on stable Rust, which has no warning API for proc macros: the use
/// of a deprecated constant whose note is `message`, at `span`. It obeys
/// `#[allow(deprecated)]` and `-D warnings` like any other warning.
fn compile_warning(span: Span, message: &str) -> TokenStream {
    let note = format!("\n{}", message.trim_end());
    quote_spanned!(span=>
        const _: () = {
            #[deprecated(note = #note)]
            #[allow(non_upper_case_globals)]
            const wamp_idl_schema_warning: () = ();
            wamp_idl_schema_warning
        };
    )
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

/// A schema compiled for a macro: the generated code, or the compile errors
/// (at the schema path literal), plus rebuild tracking either way.
struct Expansion {
    compiled: Option<wamp_idl_core::Compiled>,
    tracked: TokenStream,
    /// `compile_error!`s; empty when the schema is fine.
    errors: TokenStream,
    /// The schema's warnings, as deprecation warnings (see [`compile_warning`]).
    warnings: TokenStream,
    generated: TokenStream,
}

/// The runtime crate's path for generated code.
fn runtime_path(options: &MacroOptions) -> TokenStream {
    match &options.runtime {
        Some(path) => quote!(#path),
        None => quote!(::wamp_idl_runtime),
    }
}

/// Compiles `path` (with `options`) and generates its code.
fn expand_schema(path: &LitStr, options: &MacroOptions) -> Expansion {
    let span = path.span();
    let failed = |errors: TokenStream| Expansion {
        compiled: None,
        tracked: TokenStream::new(),
        errors,
        warnings: TokenStream::new(),
        generated: TokenStream::new(),
    };
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        return failed(compile_error(
            span,
            "`CARGO_MANIFEST_DIR` is not set; build with cargo",
        ));
    };
    let root = match resolve(&manifest_dir, path) {
        Ok(root) => root,
        Err(error) => return failed(error),
    };
    let mut include_dirs = Vec::new();
    for dir in &options.include {
        match resolve(&manifest_dir, dir) {
            Ok(dir) => include_dirs.push(dir),
            Err(error) => return failed(error),
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
    let tracked: TokenStream = tracked.collect();

    let mut diagnostics = Diagnostics::new();
    for diagnostic in compiled.diagnostics.iter() {
        diagnostics.push(diagnostic.clone());
    }
    let mut generated = TokenStream::new();
    if !diagnostics.has_errors() {
        if let (Some(schema), Some(catalog)) = (&compiled.schema, &compiled.catalog) {
            match select_interfaces(catalog, &options.interfaces) {
                Ok(catalog) => {
                    let codegen_options = CodegenOptions {
                        runtime_path: runtime_path(options),
                    };
                    generated = generate_with_diagnostics(
                        schema,
                        &catalog,
                        &codegen_options,
                        &mut diagnostics,
                    );
                }
                Err(error) => {
                    return Expansion {
                        compiled: Some(compiled),
                        tracked,
                        errors: error,
                        warnings: TokenStream::new(),
                        generated: TokenStream::new(),
                    }
                }
            }
        }
    }
    let mut errors = TokenStream::new();
    let mut warnings = TokenStream::new();
    let relative = |text: String| relative_paths(&manifest_dir, text);
    if !diagnostics.has_errors() {
        for diagnostic in diagnostics.iter() {
            if matches!(diagnostic.severity, Severity::Warning) {
                let text = relative(diagnostic.render(&compiled.sources));
                warnings.extend(compile_warning(span, &text));
            }
        }
    }
    if diagnostics.has_errors() {
        // Show the schema's errors only: the expansion of a broken schema would
        // add follow-up errors that point nowhere useful.
        for diagnostic in diagnostics.into_sorted() {
            if matches!(diagnostic.severity, Severity::Error) {
                let text = relative(diagnostic.render(&compiled.sources));
                errors.extend(compile_error(span, &for_rustc(&text)));
            }
        }
        generated = TokenStream::new();
    }
    Expansion {
        compiled: Some(compiled),
        tracked,
        errors,
        warnings,
        generated,
    }
}

/// The catalog with only the interfaces `names` selects (by short or
/// qualified name; all of them when `names` is empty), or an error at each
/// name that matches none.
fn select_interfaces(
    catalog: &wamp_idl_core::idl::Catalog,
    names: &[LitStr],
) -> Result<wamp_idl_core::idl::Catalog, TokenStream> {
    let mut selected = catalog.clone();
    if names.is_empty() {
        return Ok(selected);
    }
    let matches = |interface: &wamp_idl_core::idl::Interface, name: &str| {
        interface.name == name || interface.full_name == name
    };
    let mut errors = TokenStream::new();
    for name in names {
        let value = name.value();
        if !catalog.interfaces.iter().any(|i| matches(i, &value)) {
            let known: Vec<String> = catalog
                .interfaces
                .iter()
                .map(|i| format!("`{}`", i.full_name))
                .collect();
            let known = if known.is_empty() {
                "it declares none".to_string()
            } else {
                format!("it declares {}", known.join(", "))
            };
            errors.extend(compile_error(
                name.span(),
                &format!("no interface `{value}` in the schema; {known}"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    selected
        .interfaces
        .retain(|interface| names.iter().any(|name| matches(interface, &name.value())));
    Ok(selected)
}

/// Writes the paths in `text` relative to the manifest directory, as the
/// user wrote them (`schemas/x.fbs`, `../schemas/wamp.fbs`), for files up to
/// three directories above it.
fn relative_paths(manifest_dir: &Path, mut text: String) -> String {
    let mut up = String::new();
    for dir in manifest_dir.ancestors().take(4) {
        if dir.parent().is_none() {
            break;
        }
        text = text.replace(&format!("{}/", dir.display()), &up);
        up.push_str("../");
    }
    text
}

/// Drops the `error: ` that rustc adds itself (`x.fbs:3:5: error: msg` →
/// `x.fbs:3:5: msg`) and the trailing newline.
fn for_rustc(rendered: &str) -> String {
    let (first, rest) = rendered.split_once('\n').unwrap_or((rendered, ""));
    let first = match first.split_once(": error: ") {
        Some((location, message)) => format!("{location}: {message}"),
        None => first.strip_prefix("error: ").unwrap_or(first).to_string(),
    };
    let mut text = first;
    if !rest.is_empty() {
        text.push('\n');
        text.push_str(rest);
    }
    text.trim_end().to_string()
}

fn expand(input: &Input) -> TokenStream {
    let Expansion {
        tracked,
        errors,
        warnings,
        generated,
        ..
    } = expand_schema(&input.path, &input.options);
    quote!(#errors #warnings #tracked #generated)
}

/// Checks a hand-written trait against an interface of a WAMP IDL catalog.
///
/// Re-exported as `wamp_idl_runtime::attr::wamp_interface` (the name
/// `wamp_idl_runtime::wamp_interface` is the function-like macro).
///
/// ```ignore
/// use wamp_idl_runtime::attr::wamp_interface;
/// use wamp_idl_runtime::CallError;
///
/// #[wamp_interface(schema = "schemas/calc.fbs", interface = "ICalc", include = ["schemas"])]
/// pub trait Calc {
///     fn add(&self, args: calc::AddArgs)
///         -> impl Future<Output = Result<calc::AddResult, CallError>> + Send;
/// }
/// ```
///
/// Every procedure of the interface must appear once, named like the schema
/// method in `snake_case`, taking `&self` and the request table and returning
/// `Result<Response, CallError>`, either directly, as
/// `impl Future<Output = ...> + Send` or as an `async fn`. Topic handlers are
/// optional; when present they take the event table and return `()` (or a
/// future of it). Every mismatch is reported at once, on the method, argument
/// or return type concerned.
///
/// The trait is emitted unchanged, next to the catalog's generated code (one
/// module per namespace, as with `wamp_interface!`, including the interface's
/// callee trait and `{Interface}Client`). When no procedure is an `async fn`
/// (whose future is not known to be `Send`), every implementation of the
/// trait also implements the generated callee trait, so
/// `calc::ICalc::register_all(Arc::new(service), &session)` serves it.
/// `include` and `runtime` work as for `wamp_interface!`.
#[proc_macro_attribute]
pub fn wamp_interface_attr(
    args: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    let item = TokenStream::from(item);
    let args = match syn::parse::<AttrArgs>(args) {
        Ok(args) => args,
        Err(error) => {
            let error = error.to_compile_error();
            return quote!(#error #item).into();
        }
    };
    let user_trait = match syn::parse2::<syn::ItemTrait>(item.clone()) {
        Ok(user_trait) => user_trait,
        Err(_) => {
            let error = syn::Error::new(
                Span::call_site(),
                "`#[wamp_interface]` goes on a trait; for a schema alone use `wamp_interface!(\"path.fbs\")`",
            )
            .to_compile_error();
            return quote!(#error #item).into();
        }
    };
    expand_trait(&args, &user_trait, item).into()
}

struct AttrArgs {
    schema: LitStr,
    interface: LitStr,
    options: MacroOptions,
}

impl Parse for AttrArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut schema = None;
        let mut interface = None;
        let mut options = MacroOptions::default();
        let mut seen = Vec::new();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "schema" | "interface" => {
                    reject_duplicate(&key, &mut seen)?;
                    let value: LitStr = input
                        .parse()
                        .map_err(|_| input.error(format!("`{key}` takes a string literal")))?;
                    if key == "schema" {
                        schema = Some(value);
                    } else {
                        interface = Some(value);
                    }
                }
                _ => {
                    if !options.parse_value(&key, &mut seen, input)? {
                        return Err(syn::Error::new(
                            key.span(),
                            format!(
                                "unknown option `{key}`; expected `schema`, `interface`, `include` or `runtime`"
                            ),
                        ));
                    }
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        let missing = |what: &str| {
            syn::Error::new(
                Span::call_site(),
                format!(
                    "missing `{what}`; write `#[wamp_interface(schema = \"path.fbs\", interface = \"IName\")]`"
                ),
            )
        };
        let schema = schema.ok_or_else(|| missing("schema"))?;
        let interface = interface.ok_or_else(|| missing("interface"))?;
        Ok(AttrArgs {
            schema,
            interface,
            options,
        })
    }
}

/// The user's trait as plain data for core; spans are indices into `pieces`,
/// the tokens each error points at.
struct Lowered {
    description: RustTrait<usize>,
    pieces: Vec<TokenStream>,
}

impl Lowered {
    fn piece(&mut self, tokens: TokenStream) -> usize {
        self.pieces.push(tokens);
        self.pieces.len() - 1
    }
}

fn lower_trait(user_trait: &syn::ItemTrait) -> Lowered {
    let mut lowered = Lowered {
        description: RustTrait {
            name: user_trait.ident.to_string(),
            span: 0,
            methods: Vec::new(),
        },
        pieces: Vec::new(),
    };
    let ident = &user_trait.ident;
    lowered.description.span = lowered.piece(quote!(#ident));
    for item in &user_trait.items {
        let syn::TraitItem::Fn(function) = item else {
            continue;
        };
        let sig = &function.sig;
        let name = &sig.ident;
        let span = lowered.piece(quote!(#name));
        let mut receiver = Receiver::None;
        let mut receiver_span = span;
        let mut args = Vec::new();
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(r) => {
                    receiver = match (&r.reference, r.mutability, r.colon_token) {
                        (Some(_), None, None) => Receiver::Ref,
                        (Some(_), Some(_), None) => Receiver::RefMut,
                        _ => Receiver::Other,
                    };
                    receiver_span = lowered.piece(quote!(#r));
                }
                syn::FnArg::Typed(typed) => {
                    let ty = &typed.ty;
                    let span = lowered.piece(quote!(#ty));
                    args.push(RustArg {
                        ty: lower_type(ty),
                        text: type_text(ty),
                        span,
                    });
                }
            }
        }
        let (output, output_text, output_span) = match &sig.output {
            syn::ReturnType::Default => (None, String::new(), span),
            syn::ReturnType::Type(_, ty) => {
                let output_span = lowered.piece(quote!(#ty));
                (Some(lower_type(ty)), type_text(ty), output_span)
            }
        };
        lowered.description.methods.push(RustMethod {
            name: name.to_string(),
            span,
            is_async: sig.asyncness.is_some(),
            receiver,
            receiver_span,
            args,
            output,
            output_text,
            output_span,
            is_generic: !sig.generics.params.is_empty(),
            future_is_send: future_is_send(&sig.output),
        });
    }
    lowered
}

fn lower_type(ty: &syn::Type) -> RustType {
    match ty {
        syn::Type::Path(path) if path.qself.is_none() => {
            let segments = path
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let args = match path.path.segments.last().map(|s| &s.arguments) {
                Some(syn::PathArguments::AngleBracketed(generic)) => generic
                    .args
                    .iter()
                    .map(|arg| match arg {
                        syn::GenericArgument::Type(ty) => lower_type(ty),
                        _ => RustType::Other,
                    })
                    .collect(),
                Some(syn::PathArguments::Parenthesized(_)) => vec![RustType::Other],
                _ => Vec::new(),
            };
            RustType::Path { segments, args }
        }
        syn::Type::Tuple(tuple) if tuple.elems.is_empty() => RustType::Unit,
        syn::Type::Paren(inner) => lower_type(&inner.elem),
        syn::Type::Group(inner) => lower_type(&inner.elem),
        syn::Type::ImplTrait(bounds) => bounds
            .bounds
            .iter()
            .find_map(future_output)
            .map_or(RustType::Other, |output| {
                RustType::ImplFuture(Box::new(lower_type(output)))
            }),
        _ => RustType::Other,
    }
}

/// Whether the return type is an `impl Future<..> + Send`.
fn future_is_send(output: &syn::ReturnType) -> bool {
    let syn::ReturnType::Type(_, ty) = output else {
        return false;
    };
    let syn::Type::ImplTrait(bounds) = ty.as_ref() else {
        return false;
    };
    bounds.bounds.iter().any(|bound| {
        matches!(bound, syn::TypeParamBound::Trait(bound)
            if bound.path.segments.last().is_some_and(|s| s.ident == "Send"))
    })
}

/// `T` of a `Future<Output = T>` bound.
fn future_output(bound: &syn::TypeParamBound) -> Option<&syn::Type> {
    let syn::TypeParamBound::Trait(bound) = bound else {
        return None;
    };
    let last = bound.path.segments.last()?;
    if last.ident != "Future" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(generic) = &last.arguments else {
        return None;
    };
    generic.args.iter().find_map(|arg| match arg {
        syn::GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
        _ => None,
    })
}

/// A type as the user wrote it, compacted for messages (`calc::AddArgs`).
fn type_text(ty: &syn::Type) -> String {
    let text = quote!(#ty).to_string();
    // The compiler's token printer may break long streams into lines.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
}

fn expand_trait(args: &AttrArgs, user_trait: &syn::ItemTrait, item: TokenStream) -> TokenStream {
    let Expansion {
        compiled,
        tracked,
        errors,
        warnings,
        generated,
    } = expand_schema(&args.schema, &args.options);
    let tracked = quote!(#warnings #tracked);
    if !errors.is_empty() {
        // The trait names generated types that do not exist now; leave it out
        // so the schema's errors are all the user sees.
        return quote!(#errors #tracked);
    }
    let Some((schema, catalog)) = compiled
        .as_ref()
        .and_then(|c| Some((c.schema.as_ref()?, c.catalog.as_ref()?)))
    else {
        let error = compile_error(args.schema.span(), "the schema produced no catalog");
        return quote!(#error #tracked #item);
    };
    let lowered = lower_trait(user_trait);
    let render = |error: &TraitError<usize>| {
        let mut message = error.message.clone();
        for note in &error.notes {
            message.push_str("\n  = ");
            message.push_str(note);
        }
        message
    };
    let mut bridge = TokenStream::new();
    let trait_errors: Vec<TokenStream> = match find_interface(
        catalog,
        &args.interface.value(),
        usize::MAX,
    ) {
        Err(error) => {
            vec![syn::Error::new(args.interface.span(), render(&error)).to_compile_error()]
        }
        Ok(interface) => {
            let mut errors: Vec<TokenStream> = check_trait(schema, interface, &lowered.description)
                .iter()
                .map(|error| {
                    // `new_spanned` covers every token of the piece (a whole
                    // argument or return type), not only its first.
                    match lowered.pieces.get(error.span) {
                        Some(tokens) => syn::Error::new_spanned(tokens, render(error)),
                        None => syn::Error::new(args.interface.span(), render(error)),
                    }
                    .to_compile_error()
                })
                .collect();
            if errors.is_empty() {
                let ctx = Ctx {
                    schema,
                    catalog,
                    rt: runtime_path(&args.options),
                };
                bridge = trait_bridge::emit(&ctx, interface, &lowered.description);
                // The glue needs `Send` futures: say so rather than leave
                // the trait silently unregistrable.
                if let Some(method) = trait_bridge::bridge_blocker(interface, &lowered.description)
                {
                    let message = format!(
                            "procedure `{name}` must return a `Send` future to be registered: \
                             write `fn {name}(&self, ...) -> impl Future<Output = Result<..., CallError>> + Send` \
                             (an `async fn` in a trait does not promise `Send`); \
                             implementations may still use `async fn`",
                            name = method.name
                        );
                    let error = match lowered.pieces.get(method.span) {
                        Some(tokens) => syn::Error::new_spanned(tokens, message),
                        None => syn::Error::new(args.interface.span(), message),
                    };
                    errors.push(error.to_compile_error());
                }
            }
            errors
        }
    };
    quote!(#(#trait_errors)* #tracked #item #generated #bridge)
}

/// Implements `WampPayload` for a plain struct with named fields.
///
/// Re-exported as `wamp_idl_runtime::WampPayload` (derive macros live in
/// their own namespace, next to the trait `wamp_idl_runtime::typed::WampPayload`).
///
/// ```ignore
/// #[derive(wamp_idl_runtime::WampPayload)]
/// struct Kill {
///     #[wamp(id)]
///     session: u64,
///     #[wamp(kwarg, uri)]
///     reason: Option<String>,
/// }
/// ```
///
/// Fields are positional arguments in declaration order until the first
/// `#[wamp(kwarg)]`; every later field must be a keyword argument too. Field
/// options: `arg`, `kwarg`, `id` (an integer in `[1, 2^53]`), `uuid`, `uri`
/// (rule `wampuri`) or `uri = "<rule>"` with the rule spelled as its WAMP IDL
/// attribute (`wampuri`, `wampuri_s`, `wampuri_p`, `wampuri_sp`, `wampuri_pp`,
/// `wampuri_spp`, `wampname`, `wampname_s`), and `required` (an `Option` field
/// that must be present). Field types implement serde's `Serialize` and
/// `Deserialize`; `Option` fields are optional, all others required. The
/// struct also gets `WAMP_FBS`, the equivalent FlatBuffers table with WAMP IDL
/// attributes, for exporting a catalog. Derived payloads travel as
/// args/kwargs only (no FlatBuffers encoding).
#[proc_macro_derive(WampPayload, attributes(wamp))]
pub fn derive_wamp_payload(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    match syn::parse::<syn::DeriveInput>(input) {
        Ok(input) => derive_payload::expand(&input).into(),
        Err(error) => error.to_compile_error().into(),
    }
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
            out.contains("tests/fixtures/broken.fbs:4:6: unknown type `Foo`"),
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

    #[test]
    fn duplicate_options_are_errors() {
        let error = syn::parse_str::<Input>(r#""x.fbs", runtime = ::a, runtime = ::b"#)
            .err()
            .expect("rejected");
        assert!(error
            .to_string()
            .contains("option `runtime` is given twice"));
    }

    #[test]
    fn attribute_arguments_need_schema_and_interface() {
        let args: AttrArgs =
            syn::parse_str(r#"schema = "x.fbs", interface = "ICalc", include = ["d"]"#)
                .expect("parses");
        assert_eq!(args.schema.value(), "x.fbs");
        assert_eq!(args.interface.value(), "ICalc");
        assert_eq!(args.options.include.len(), 1);
        let error = syn::parse_str::<AttrArgs>(r#"schema = "x.fbs""#)
            .err()
            .expect("rejected");
        assert!(error.to_string().contains("missing `interface`"));
        let error = syn::parse_str::<AttrArgs>(r#"schema = x"#)
            .err()
            .expect("rejected");
        assert!(error
            .to_string()
            .contains("`schema` takes a string literal"));
    }

    #[test]
    fn traits_lower_to_plain_data() {
        let user_trait: syn::ItemTrait = syn::parse_str(
            "trait Calc {
                fn add(&self, args: calc::AddArgs)
                    -> impl Future<Output = Result<calc::AddResult, CallError>> + Send;
                async fn on_add(&mut self, event: Added);
                fn make<T>() -> Self;
                const N: usize;
            }",
        )
        .expect("parses");
        let lowered = lower_trait(&user_trait);
        let methods = &lowered.description.methods;
        assert_eq!(methods.len(), 3);
        let add = &methods[0];
        assert_eq!(add.receiver, Receiver::Ref);
        assert_eq!(add.args[0].text, "calc::AddArgs");
        let RustType::ImplFuture(output) = add.output.as_ref().expect("has output") else {
            panic!("not a future: {:?}", add.output);
        };
        let RustType::Path { segments, args } = output.as_ref() else {
            panic!("not a path: {output:?}");
        };
        assert_eq!(segments, &["Result"]);
        assert_eq!(args.len(), 2);
        assert!(methods[1].is_async);
        assert_eq!(methods[1].receiver, Receiver::RefMut);
        assert_eq!(methods[1].output, None);
        assert_eq!(methods[2].receiver, Receiver::None);
        assert!(methods[2].is_generic);
        // Every span index points at a piece of the trait.
        assert!(methods
            .iter()
            .all(|m| m.span < lowered.pieces.len() && m.output_span < lowered.pieces.len()));
    }
}
