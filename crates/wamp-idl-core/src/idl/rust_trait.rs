//! A user-written Rust trait checked against a WAMP IDL interface
//! (`#[wamp_interface(schema = "calc.fbs", interface = "ICalc")] trait Calc { ... }`).
//!
//! The proc-macro crate parses the trait with `syn` and lowers it into the
//! plain description below ([`RustTrait`]); this module compares it with the
//! catalog and reports every mismatch at once. Spans are opaque (`S`): the
//! macro passes its own span handles and gets them back on each error.
//!
//! The expected shape of each method (`name` is the schema method name in
//! `snake_case`):
//!
//! ```text
//! // procedure `add (AddArgs): AddResult`
//! fn add(&self, args: AddArgs) -> impl Future<Output = Result<AddResult, CallError>> + Send;
//! fn add(&self, args: AddArgs) -> Result<AddResult, CallError>;
//! async fn add(&self, args: AddArgs) -> Result<AddResult, CallError>;
//! // topic `on_add (Added): Void` (an event handler)
//! fn on_add(&self, event: Added);
//! fn on_add(&self, event: Added) -> impl Future<Output = ()> + Send;
//! async fn on_add(&self, event: Added);
//! ```
//!
//! Every procedure must be there; topic handlers are optional (checked when
//! present).
//!
//! Types are compared by their last path segment (`calc::AddArgs`,
//! `crate::api::calc::AddArgs` and an imported `AddArgs` all name the generated
//! table `AddArgs`), since a macro cannot resolve paths.

use crate::codegen::names;
use crate::idl::{Catalog, Interface, Method, MethodKind};
use crate::schema::{ObjectId, Schema};

/// A Rust type as written by the user, reduced to what the check needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RustType {
    /// A path type such as `calc::AddArgs` or `Result<A, B>`: its segments and
    /// the type arguments of its last segment.
    Path {
        /// Path segments (`["calc", "AddArgs"]`).
        segments: Vec<String>,
        /// Type arguments of the last segment, in order.
        args: Vec<RustType>,
    },
    /// `()`.
    Unit,
    /// `impl Future<Output = T> (+ other bounds)`.
    ImplFuture(Box<RustType>),
    /// Anything else (references, tuples, trait objects, ...).
    Other,
}

impl RustType {
    /// The last path segment, for path types.
    fn last_segment(&self) -> Option<&str> {
        match self {
            RustType::Path { segments, .. } => segments.last().map(String::as_str),
            _ => None,
        }
    }

    /// Whether this is a plain path naming `name` (no type arguments).
    fn names(&self, name: &str) -> bool {
        matches!(self, RustType::Path { args, .. } if args.is_empty())
            && self.last_segment() == Some(name)
    }
}

/// How a method takes `self`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Receiver {
    /// `&self`.
    Ref,
    /// `&mut self`.
    RefMut,
    /// `self`, `mut self`, `self: Box<Self>`, ...
    Other,
    /// No `self` parameter (an associated function).
    None,
}

/// One argument after the receiver.
#[derive(Clone, Debug)]
pub struct RustArg<S> {
    /// The argument's type.
    pub ty: RustType,
    /// The type as written, for messages.
    pub text: String,
    /// Where the type is.
    pub span: S,
}

/// A trait method as written.
#[derive(Clone, Debug)]
pub struct RustMethod<S> {
    /// The method name.
    pub name: String,
    /// Where the name is.
    pub span: S,
    /// Whether it is an `async fn`.
    pub is_async: bool,
    /// How it takes `self`.
    pub receiver: Receiver,
    /// Where the receiver is (the name's span when there is none).
    pub receiver_span: S,
    /// The arguments after the receiver.
    pub args: Vec<RustArg<S>>,
    /// The return type; `None` when the method returns `()` implicitly.
    pub output: Option<RustType>,
    /// The return type as written, for messages (empty when implicit).
    pub output_text: String,
    /// Where the return type is (the name's span when implicit).
    pub output_span: S,
    /// Whether the method has generic parameters.
    pub is_generic: bool,
    /// Whether a returned `impl Future` has a `Send` bound.
    pub future_is_send: bool,
}

/// A trait as written.
#[derive(Clone, Debug)]
pub struct RustTrait<S> {
    /// The trait name.
    pub name: String,
    /// Where the name is.
    pub span: S,
    /// Methods, in order (other items are ignored).
    pub methods: Vec<RustMethod<S>>,
}

/// One mismatch between the trait and the interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraitError<S> {
    /// Where to point.
    pub span: S,
    /// What is wrong.
    pub message: String,
    /// `help:`/`note:` lines.
    pub notes: Vec<String>,
}

impl<S> TraitError<S> {
    fn new(span: S, message: impl Into<String>) -> TraitError<S> {
        TraitError {
            span,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    fn note(mut self, note: impl Into<String>) -> TraitError<S> {
        self.notes.push(note.into());
        self
    }
}

/// Looks up `interface` in the catalog; on failure, the error (at `span`)
/// suggests the closest interface name.
pub fn find_interface<'c, S>(
    catalog: &'c Catalog,
    interface: &str,
    span: S,
) -> Result<&'c Interface, TraitError<S>> {
    if let Some(found) = catalog.interface(interface) {
        return Ok(found);
    }
    let mut error = TraitError::new(span, format!("unknown interface `{interface}`"));
    let closest = catalog
        .interfaces
        .iter()
        .map(|i| (edit_distance(&i.name, interface), &i.name))
        .filter(|(d, name)| *d <= name.chars().count().div_ceil(3).max(1))
        .min_by_key(|(d, _)| *d);
    if let Some((_, name)) = closest {
        error = error.note(format!("help: did you mean `{name}`?"));
    }
    if catalog.interfaces.is_empty() {
        error = error.note(
            "note: the schema declares no interface (an `rpc_service` with `type: \"interface\"`)",
        );
    } else {
        let names: Vec<String> = catalog
            .interfaces
            .iter()
            .map(|i| format!("`{}`", i.name))
            .collect();
        error = error.note(format!("note: the schema declares {}", names.join(", ")));
    }
    Err(error)
}

/// Checks every method of `user` against `interface`; returns every mismatch.
pub fn check_trait<S: Copy>(
    schema: &Schema,
    interface: &Interface,
    user: &RustTrait<S>,
) -> Vec<TraitError<S>> {
    let mut errors = Vec::new();
    let expected: Vec<&Method> = interface
        .procedures
        .iter()
        .chain(&interface.topics)
        .collect();
    let expected_names: Vec<String> = expected
        .iter()
        .map(|m| names::field_name(&m.name))
        .collect();
    let mut matched = vec![false; expected.len()];

    // Methods the interface does not have, then the signature of the others.
    let mut unmatched_user = Vec::new();
    for method in &user.methods {
        match expected_names.iter().position(|n| *n == method.name) {
            Some(index) => {
                if let (Some(slot), Some(schema_method)) =
                    (matched.get_mut(index), expected.get(index))
                {
                    if *slot {
                        errors.push(TraitError::new(
                            method.span,
                            format!("method `{}` is declared twice", method.name),
                        ));
                        continue;
                    }
                    *slot = true;
                    check_method(schema, interface, schema_method, method, &mut errors);
                }
            }
            None => unmatched_user.push(method),
        }
    }
    // A user method close to a missing one is taken as its misspelling: one
    // error with a suggestion, not also "missing `add`".
    let mut suggested = vec![false; expected.len()];
    for method in unmatched_user {
        let missing = expected_names
            .iter()
            .enumerate()
            .filter(|(index, _)| {
                !matched.get(*index).copied().unwrap_or(true)
                    && !suggested.get(*index).copied().unwrap_or(true)
            })
            .map(|(index, name)| (edit_distance(name, &method.name), index, name))
            .filter(|(d, _, name)| *d <= name.chars().count().div_ceil(3).max(1))
            .min_by_key(|(d, _, _)| *d)
            .map(|(_, index, name)| {
                if let Some(slot) = suggested.get_mut(index) {
                    *slot = true;
                }
                name
            });
        let mut error = TraitError::new(
            method.span,
            format!(
                "method `{}` is not part of interface `{}`",
                method.name, interface.name
            ),
        );
        error = match missing {
            Some(name) => error.note(format!("help: did you mean `{name}`?")),
            None => error.note(format!(
                "note: interface `{}` has {}",
                interface.name,
                list_or_none(&expected_names)
            )),
        };
        errors.push(error);
    }
    for (((method, name), done), suggested) in expected
        .iter()
        .zip(&expected_names)
        .zip(&matched)
        .zip(&suggested)
    {
        // Topic handlers are optional: the callee side of a topic is a
        // subscription, which the generated callee trait leaves to the client.
        if !*done && !*suggested && method.kind == MethodKind::Procedure {
            errors.push(
                TraitError::new(
                    user.span,
                    format!(
                        "missing {} `{name}` of interface `{}`",
                        method.kind.as_str(),
                        interface.name
                    ),
                )
                .note(format!(
                    "help: add `{}`",
                    expected_signature(schema, method, name)
                )),
            );
        }
    }
    errors
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        return "no methods".to_string();
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("methods {}", quoted.join(", "))
}

/// The Rust name of a table (its generated type).
fn type_name(schema: &Schema, id: ObjectId) -> String {
    schema
        .objects
        .get(id.0 as usize)
        .map_or_else(|| format!("<object {}>", id.0), |o| o.name.clone())
}

/// The schema name of a table, for messages (`calc.AddArgs`).
fn schema_name(schema: &Schema, id: ObjectId) -> String {
    schema
        .objects
        .get(id.0 as usize)
        .map_or_else(|| format!("<object {}>", id.0), |o| o.full_name())
}

/// The signature a method should have, for `help:` notes.
pub fn expected_signature(schema: &Schema, method: &Method, rust_name: &str) -> String {
    let request = type_name(schema, method.request);
    match method.kind {
        MethodKind::Procedure => format!(
            "fn {rust_name}(&self, args: {request}) -> impl Future<Output = Result<{}, CallError>> + Send;",
            type_name(schema, method.response)
        ),
        MethodKind::Topic => format!("fn {rust_name}(&self, event: {request});"),
    }
}

fn check_method<S: Copy>(
    schema: &Schema,
    interface: &Interface,
    expected: &Method,
    user: &RustMethod<S>,
    errors: &mut Vec<TraitError<S>>,
) {
    let signature = expected_signature(schema, expected, &user.name);
    let what = format!(
        "{} `{}` of interface `{}`",
        expected.kind.as_str(),
        user.name,
        interface.name
    );
    if user.is_generic {
        errors.push(
            TraitError::new(user.span, format!("{what} cannot be generic"))
                .note(format!("help: declare it as `{signature}`")),
        );
    }
    match user.receiver {
        Receiver::Ref => {}
        Receiver::None => errors.push(
            TraitError::new(user.receiver_span, format!("{what} must take `&self`"))
                .note(format!("help: declare it as `{signature}`")),
        ),
        Receiver::RefMut | Receiver::Other => errors.push(
            TraitError::new(
                user.receiver_span,
                format!("{what} must take `&self` (handlers run concurrently)"),
            )
            .note("help: write `&self`; keep mutable state behind a lock"),
        ),
    }

    let request = type_name(schema, expected.request);
    let request_schema = schema_name(schema, expected.request);
    let role = match expected.kind {
        MethodKind::Procedure => "request",
        MethodKind::Topic => "event",
    };
    match user.args.as_slice() {
        [arg] => {
            if !arg.ty.names(&request) {
                errors.push(
                    TraitError::new(
                        arg.span,
                        format!(
                            "{what} takes `{request}` (the {role} table `{request_schema}`), not `{}`",
                            arg.text
                        ),
                    )
                    .note(format!("help: declare it as `{signature}`")),
                );
            }
        }
        [] => errors.push(
            TraitError::new(
                user.span,
                format!("{what} takes one argument of type `{request}` after `&self`"),
            )
            .note(format!("help: declare it as `{signature}`")),
        ),
        [first, rest @ ..] => {
            if !first.ty.names(&request) {
                errors.push(TraitError::new(
                    first.span,
                    format!(
                        "{what} takes `{request}` (the {role} table `{request_schema}`), not `{}`",
                        first.text
                    ),
                ));
            }
            for extra in rest {
                errors.push(
                    TraitError::new(
                        extra.span,
                        format!(
                            "{what} takes one argument (`{request}`); this one is extra"
                        ),
                    )
                    .note(format!(
                        "help: the fields of `{request_schema}` are the WAMP args/kwargs; declare it as `{signature}`"
                    )),
                );
            }
        }
    }

    let output_ok = match expected.kind {
        MethodKind::Procedure => {
            let response = type_name(schema, expected.response);
            let is_result = |ty: &RustType| match ty {
                RustType::Path { args, .. } => {
                    ty.last_segment() == Some("Result")
                        && matches!(args.as_slice(), [ok, err] if ok.names(&response) && err.names("CallError"))
                }
                _ => false,
            };
            match (&user.output, user.is_async) {
                (Some(RustType::ImplFuture(inner)), false) => is_result(inner),
                (Some(ty), _) => is_result(ty),
                (None, _) => false,
            }
        }
        MethodKind::Topic => match (&user.output, user.is_async) {
            (None | Some(RustType::Unit), _) => true,
            (Some(RustType::ImplFuture(inner)), false) => **inner == RustType::Unit,
            _ => false,
        },
    };
    if !output_ok {
        let found = if user.output_text.is_empty() {
            "`()`".to_string()
        } else {
            format!("`{}`", user.output_text)
        };
        let wanted = match expected.kind {
            MethodKind::Procedure => format!(
                "must return `Result<{}, CallError>` (or a future of it)",
                type_name(schema, expected.response)
            ),
            MethodKind::Topic => "must return `()` (or a future of it)".to_string(),
        };
        errors.push(
            TraitError::new(user.output_span, format!("{what} {wanted}, not {found}"))
                .note(format!("help: declare it as `{signature}`")),
        );
    }
}

/// Levenshtein distance over chars, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute =
                previous.get(j).copied().unwrap_or(usize::MAX - 1) + usize::from(ca != *cb);
            let delete = previous.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
            let insert = current.get(j).copied().unwrap_or(usize::MAX - 1) + 1;
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compile, MemoryLoader, Options};
    use std::path::PathBuf;

    const SCHEMA: &str = r#"
attribute type; attribute uuid; attribute wampuri;
namespace wamp; table Void {}
namespace calc;
table AddArgs { a: int; b: int; }
table AddResult { sum: int; }
table Added { sum: int; }
rpc_service ICalc (type: "interface", uuid: "4ac8a6b5-9d2b-4a5c-8a3c-5e0f0d7e3b11", wampuri: "com.calc") {
    add (AddArgs): AddResult (type: "procedure", wampuri: "com.calc.add");
    on_add (Added): wamp.Void (type: "topic", wampuri: "com.calc.on_add");
}
"#;

    fn path(segments: &[&str], args: Vec<RustType>) -> RustType {
        RustType::Path {
            segments: segments.iter().map(|s| s.to_string()).collect(),
            args,
        }
    }

    fn method(name: &str, arg: RustType, output: Option<RustType>) -> RustMethod<u32> {
        RustMethod {
            name: name.to_string(),
            span: 1,
            is_async: false,
            receiver: Receiver::Ref,
            receiver_span: 2,
            args: vec![RustArg {
                ty: arg,
                text: "T".into(),
                span: 3,
            }],
            output,
            output_text: "O".into(),
            output_span: 4,
            is_generic: false,
            future_is_send: true,
        }
    }

    fn run(methods: Vec<RustMethod<u32>>) -> Vec<TraitError<u32>> {
        let loader = MemoryLoader::new().with("calc.fbs", SCHEMA);
        let compiled = compile(&[PathBuf::from("calc.fbs")], &Options::default(), &loader);
        assert!(!compiled.diagnostics.has_errors());
        let (schema, catalog) = (compiled.schema.unwrap(), compiled.catalog.unwrap());
        let interface = find_interface(&catalog, "ICalc", 0).unwrap();
        check_trait(
            &schema,
            interface,
            &RustTrait {
                name: "Calc".into(),
                span: 0,
                methods,
            },
        )
    }

    fn good() -> Vec<RustMethod<u32>> {
        let result = path(
            &["Result"],
            vec![
                path(&["calc", "AddResult"], vec![]),
                path(&["CallError"], vec![]),
            ],
        );
        vec![
            method(
                "add",
                path(&["AddArgs"], vec![]),
                Some(RustType::ImplFuture(Box::new(result))),
            ),
            method("on_add", path(&["calc", "Added"], vec![]), None),
        ]
    }

    #[test]
    fn a_matching_trait_passes() {
        assert_eq!(run(good()), vec![]);
    }

    #[test]
    fn every_mismatch_is_reported() {
        let mut methods = good();
        methods[0].args[0].ty = path(&["i32"], vec![]);
        methods[0].output = Some(RustType::Unit);
        methods[1].name = "on_ad".into();
        let errors = run(methods);
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        // `on_ad` is taken as a misspelling of `on_add`: no "missing" error too.
        assert_eq!(errors.len(), 3, "{messages:#?}");
        assert!(messages[0].contains("takes `AddArgs`"), "{messages:#?}");
        assert!(messages[1].contains("must return `Result<AddResult, CallError>`"));
        assert!(messages[2].contains("`on_ad` is not part of interface `ICalc`"));
        assert_eq!(errors[2].notes, vec!["help: did you mean `on_add`?"]);
    }

    #[test]
    fn missing_methods_show_the_expected_signature() {
        let mut methods = good();
        // Topic handlers are optional.
        methods.remove(1);
        assert_eq!(run(methods.clone()), vec![]);
        methods.remove(0);
        let errors = run(methods);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message,
            "missing procedure `add` of interface `ICalc`"
        );
        assert_eq!(errors[0].span, 0);
        assert_eq!(
            errors[0].notes,
            vec!["help: add `fn add(&self, args: AddArgs) -> impl Future<Output = Result<AddResult, CallError>> + Send;`"]
        );
    }

    #[test]
    fn unknown_interfaces_suggest_the_closest() {
        let catalog = Catalog::default();
        let error = find_interface(&catalog, "ICalc", 7).unwrap_err();
        assert_eq!(error.span, 7);
        assert!(error.notes[0].contains("declares no interface"));
        assert_eq!(edit_distance("ICalc", "ICalk"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
