//! URI checks (WAMP-REFERENCE §7.4).
//!
//! Components are separated by `.`. *Loose* URIs (what WAMP requires) allow any
//! component without `.`, `#` or whitespace; *strict* URIs (recommended) allow
//! only `[0-9a-z_]`. Pattern URIs (prefix/wildcard subscriptions and
//! registrations) may have empty components.

/// How strictly to check a URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UriCheck {
    /// Components without `.`, `#` or whitespace (the MUST rule).
    #[default]
    Loose,
    /// Components of `[0-9a-z_]` only (the SHOULD rule).
    Strict,
}

/// Which empty components are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UriKind {
    /// A plain URI: no empty components.
    #[default]
    Exact,
    /// A wildcard pattern: any component may be empty.
    Wildcard,
    /// A prefix pattern: only the last component may be empty.
    Prefix,
}

/// Checks `uri`; on failure says why.
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::uri::{check_uri, UriCheck, UriKind};
///
/// assert!(check_uri("com.myapp.topic1", UriCheck::Strict, UriKind::Exact).is_ok());
/// assert!(check_uri("com.My App", UriCheck::Loose, UriKind::Exact).is_err());
/// assert!(check_uri("com..topic", UriCheck::Loose, UriKind::Exact).is_err());
/// assert!(check_uri("com..topic", UriCheck::Loose, UriKind::Wildcard).is_ok());
/// assert!(check_uri("com.myapp.", UriCheck::Strict, UriKind::Prefix).is_ok());
/// ```
pub fn check_uri(uri: &str, check: UriCheck, kind: UriKind) -> Result<(), String> {
    if uri.is_empty() && kind == UriKind::Exact {
        return Err("URI is empty".to_owned());
    }
    let count = uri.split('.').count();
    for (i, component) in uri.split('.').enumerate() {
        if component.is_empty() {
            let allowed = match kind {
                UriKind::Exact => false,
                UriKind::Wildcard => true,
                UriKind::Prefix => i + 1 == count,
            };
            if !allowed {
                return Err(format!("URI `{uri}` has an empty component"));
            }
            continue;
        }
        let bad = match check {
            UriCheck::Loose => component.chars().find(|c| *c == '#' || c.is_whitespace()),
            UriCheck::Strict => component
                .chars()
                .find(|c| !(c.is_ascii_digit() || c.is_ascii_lowercase() || *c == '_')),
        };
        if let Some(c) = bad {
            return Err(format!("URI `{uri}` contains the character {c:?}"));
        }
    }
    Ok(())
}
