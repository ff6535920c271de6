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

/// Fills the placeholders of a URI template with `values` (`(name, value)`
/// pairs): `crossbarfabriccenter.node.<node_id:str>.stop` with
/// `[("node_id", "n1")]` is `crossbarfabriccenter.node.n1.stop`.
///
/// Placeholders are autobahn-python's: `<name>`, `<name:string>` (also
/// `<name:str>`), `<name:int>` and `<name:suffix>` (the rest of the URI, last
/// only). A `string` or `int` value must be one loose URI component (an `int`
/// one of ASCII digits); a `suffix` value one or more components. The error
/// names the placeholder and says what is wrong. Generated code calls this with
/// the interface's `UriParams`.
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::uri::expand_template;
///
/// let uri = expand_template("app.<shard:int>.user.<name>.get", &[("shard", "7"), ("name", "ann")]);
/// assert_eq!(uri.unwrap(), "app.7.user.ann.get");
/// assert!(expand_template("app.<name>.get", &[("name", "a.b")]).is_err());
/// assert!(expand_template("app.<name>.get", &[]).is_err());
/// assert_eq!(expand_template("app.<rest:suffix>", &[("rest", "a.b")]).unwrap(), "app.a.b");
/// ```
pub fn expand_template(template: &str, values: &[(&str, &str)]) -> Result<String, String> {
    let mut uri = String::with_capacity(template.len() + 16);
    for (index, component) in template.split('.').enumerate() {
        if index > 0 {
            uri.push('.');
        }
        let Some(inner) = component
            .strip_prefix('<')
            .and_then(|c| c.strip_suffix('>'))
        else {
            uri.push_str(component);
            continue;
        };
        let (name, kind) = inner.split_once(':').unwrap_or((inner, "string"));
        let value = values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("URI template `{template}`: no value for `<{inner}>`"))?;
        let problem = match kind {
            "int" if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) => {
                Some("is not a non-negative integer".to_owned())
            }
            _ if kind != "suffix" && value.contains('.') => Some("contains `.`".to_owned()),
            _ => check_uri(value, UriCheck::Loose, UriKind::Exact)
                .err()
                .map(|e| format!("is invalid ({e})")),
        };
        if let Some(problem) = problem {
            return Err(format!(
                "URI template `{template}`: the value {value:?} of `<{inner}>` {problem}"
            ));
        }
        uri.push_str(value);
    }
    Ok(uri)
}
