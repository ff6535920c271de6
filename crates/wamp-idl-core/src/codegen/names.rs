//! Identifier mapping from schema names to Rust names.
//!
//! Types keep their schema spelling (flatc's Rust generator does the same), fields
//! and modules become `snake_case`, enum values become `SCREAMING_SNAKE_CASE`
//! associated consts. Rust keywords become raw identifiers (`type` → `r#type`);
//! the four that cannot be raw (`self`, `Self`, `crate`, `super`) get a trailing
//! underscore.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

const NOT_RAW: &[&str] = &["self", "Self", "crate", "super", "_"];

/// The Rust identifier for `name` as written (keywords escaped).
pub fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The text of the identifier [`ident`] makes (without `r#`), for clash checks.
pub fn ident_text(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// `fooBar`/`FooBar`/`foo_bar` → `foo_bar`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(|n| n.is_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `Red`/`darkBlue`/`DARK_BLUE` → `RED`/`DARK_BLUE`.
pub fn screaming_case(name: &str) -> String {
    snake_case(name).to_uppercase()
}

/// A field or method name.
pub fn field_name(name: &str) -> String {
    ident_text(&snake_case(name))
}

/// A field or method identifier.
pub fn field_ident(name: &str) -> Ident {
    ident(&snake_case(name))
}

/// An enum value's const identifier.
pub fn const_ident(name: &str) -> Ident {
    ident(&screaming_case(name))
}

/// A namespace module identifier.
pub fn module_ident(part: &str) -> Ident {
    ident(&snake_case(part))
}

/// A type identifier (schema spelling).
pub fn type_ident(name: &str) -> Ident {
    ident(name)
}

/// A suffixed type identifier (`FooRef`).
pub fn suffixed_ident(name: &str, suffix: &str) -> Ident {
    ident(&format!("{name}{suffix}"))
}

/// The path of an item named `item` in namespace `target`, as seen from code in
/// namespace `from` (both relative to the macro's invocation site): `super::`
/// up to the invocation site, then down. This works wherever the expansion sits.
pub fn path_from(from: &[String], target: &[String], item: &Ident) -> TokenStream {
    let ups = from.iter().map(|_| quote!(super::));
    let downs = target.iter().map(|p| {
        let m = module_ident(p);
        quote!(#m::)
    });
    if from.is_empty() {
        quote!(self:: #(#downs)* #item)
    } else {
        quote!(#(#ups)* #(#downs)* #item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(snake_case("fooBar"), "foo_bar");
        assert_eq!(snake_case("FooBar"), "foo_bar");
        assert_eq!(snake_case("foo_bar"), "foo_bar");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("uint128_t"), "uint128_t");
        assert_eq!(screaming_case("DarkBlue"), "DARK_BLUE");
        assert_eq!(screaming_case("NONE"), "NONE");
    }

    #[test]
    fn keywords() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("match").to_string(), "r#match");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("Self").to_string(), "Self_");
        assert_eq!(ident("Result").to_string(), "Result");
    }

    #[test]
    fn paths() {
        let y = ident("Y");
        let from = vec!["a".to_string(), "b".to_string()];
        let to = vec!["x".to_string()];
        assert_eq!(
            path_from(&from, &to, &y).to_string(),
            "super :: super :: x :: Y"
        );
        assert_eq!(path_from(&[], &[], &y).to_string(), "self :: Y");
    }
}
