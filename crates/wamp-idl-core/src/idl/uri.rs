//! The WAMP URI, name and UUID value rules of WAMP IDL, checked by hand.
//!
//! The spec states each rule as a regular expression (`rfc/text/advanced/interface_idl.md`).
//! Their character classes are simple, so each rule is a split on `.` plus a
//! per-component check; [`UriRule::regex`] gives the spec's expression for messages.
//!
//! Two deliberate differences from running the spec's expressions with Python's `re.match`:
//! `\s` is Unicode whitespace ([`char::is_whitespace`]) and `\d` is ASCII `0-9`, and a
//! trailing newline is rejected (Python's `$` would accept `"a.b\n"`).

/// One of the WAMP IDL string rules for URI components, URIs and URI patterns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UriRule {
    /// `wampname`: a URI component, loose: `^[^\s\.#]+$`.
    Name,
    /// `wampname_s`: a URI component, strict: `^[\da-z_]+$`.
    NameStrict,
    /// `wampuri`: a URI without empty components, loose.
    Uri,
    /// `wampuri_s`: a URI without empty components, strict.
    UriStrict,
    /// `wampuri_p`: a URI or a prefix/wildcard pattern (empty components allowed), loose.
    Pattern,
    /// `wampuri_sp`: a URI or a prefix/wildcard pattern, strict.
    PatternStrict,
    /// `wampuri_pp`: a URI or a prefix pattern (only the last component may be empty), loose.
    Prefix,
    /// `wampuri_spp`: a URI or a prefix pattern, strict.
    PrefixStrict,
}

impl UriRule {
    /// Every rule, in the spec's order.
    pub const ALL: [UriRule; 8] = [
        UriRule::Name,
        UriRule::NameStrict,
        UriRule::Uri,
        UriRule::UriStrict,
        UriRule::Pattern,
        UriRule::PatternStrict,
        UriRule::Prefix,
        UriRule::PrefixStrict,
    ];

    /// The attribute that selects this rule (`wampname`, `wampuri_sp`, ...).
    pub fn attribute(self) -> &'static str {
        match self {
            UriRule::Name => "wampname",
            UriRule::NameStrict => "wampname_s",
            UriRule::Uri => "wampuri",
            UriRule::UriStrict => "wampuri_s",
            UriRule::Pattern => "wampuri_p",
            UriRule::PatternStrict => "wampuri_sp",
            UriRule::Prefix => "wampuri_pp",
            UriRule::PrefixStrict => "wampuri_spp",
        }
    }

    /// The rule selected by an attribute name, if it is one of the eight.
    pub fn from_attribute(name: &str) -> Option<UriRule> {
        UriRule::ALL.into_iter().find(|r| r.attribute() == name)
    }

    /// The spec's regular expression for this rule (for messages and docs).
    pub fn regex(self) -> &'static str {
        match self {
            UriRule::Name => r"^[^\s\.#]+$",
            UriRule::NameStrict => r"^[\da-z_]+$",
            UriRule::Uri => r"^([^\s\.#]+\.)*([^\s\.#]+)$",
            UriRule::UriStrict => r"^([\da-z_]+\.)*([\da-z_]+)$",
            UriRule::Pattern => r"^(([^\s\.#]+\.)|\.)*([^\s\.#]+)?$",
            UriRule::PatternStrict => r"^(([\da-z_]+\.)|\.)*([\da-z_]+)?$",
            UriRule::Prefix => r"^([^\s\.#]+\.)*([^\s\.#]*)$",
            UriRule::PrefixStrict => r"^([\da-z_]+\.)*([\da-z_]*)$",
        }
    }

    /// Whether this is one of the strict rules (components `[0-9a-z_]`).
    pub fn is_strict(self) -> bool {
        matches!(
            self,
            UriRule::NameStrict
                | UriRule::UriStrict
                | UriRule::PatternStrict
                | UriRule::PrefixStrict
        )
    }

    /// Whether `value` satisfies the rule.
    ///
    /// ```
    /// use wamp_idl_core::idl::uri::UriRule;
    /// assert!(UriRule::Uri.matches("com.example.add2"));
    /// assert!(!UriRule::Uri.matches("com..add2"));
    /// assert!(UriRule::Pattern.matches("com..add2"));
    /// ```
    pub fn matches(self, value: &str) -> bool {
        let component_ok = |c: &str| -> bool {
            if self.is_strict() {
                c.chars()
                    .all(|ch| ch.is_ascii_digit() || ch.is_ascii_lowercase() || ch == '_')
            } else {
                c.chars()
                    .all(|ch| !ch.is_whitespace() && ch != '.' && ch != '#')
            }
        };
        match self {
            UriRule::Name | UriRule::NameStrict => !value.is_empty() && component_ok(value),
            UriRule::Uri | UriRule::UriStrict => {
                value.split('.').all(|c| !c.is_empty() && component_ok(c))
            }
            // Any component may be empty (`a..b`, `.b`, `a.`, ``), the rest must be valid.
            UriRule::Pattern | UriRule::PatternStrict => value.split('.').all(component_ok),
            // Only the last component may be empty (`a.b.`, ``).
            UriRule::Prefix | UriRule::PrefixStrict => {
                let parts: Vec<&str> = value.split('.').collect();
                let last = parts.len().saturating_sub(1);
                parts
                    .iter()
                    .enumerate()
                    .all(|(i, c)| (i == last || !c.is_empty()) && component_ok(c))
            }
        }
    }
}

/// Whether `value` is a UUID in RFC 4122 canonical text form:
/// `8-4-4-4-12` hexadecimal digits (either case), e.g. `88711231-3d95-44bc-9464-58d871dd7fd7`.
///
/// ```
/// use wamp_idl_core::idl::uri::is_canonical_uuid;
/// assert!(is_canonical_uuid("88711231-3d95-44bc-9464-58d871dd7fd7"));
/// assert!(!is_canonical_uuid("887112313d9544bc946458d871dd7fd7"));
/// ```
pub fn is_canonical_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == lengths.len()
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What a URI template placeholder stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlaceholderKind {
    /// `<name>`, `<name:string>` or `<name:str>`: one URI component.
    String,
    /// `<name:int>`: a non-negative integer written as one URI component.
    Int,
    /// `<name:suffix>`: the rest of the URI (one or more components); last only.
    Suffix,
}

/// A named component of a URI template, e.g. `<node_id:str>` in
/// `crossbarfabriccenter.node.<node_id:str>.worker.<worker_id:str>`.
///
/// The syntax is autobahn-python's `Pattern`: `<name>` or `<name:type>`, the
/// name `[a-z][a-z0-9_]*`, the type `string`, `int` or `suffix` (last
/// component only). `str` is also accepted for `string`: the official WAMP
/// catalog (`wamp-control.fbs`) writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    /// The name (`node_id`).
    pub name: String,
    /// What it stands for.
    pub kind: PlaceholderKind,
}

/// The placeholders of a URI template, in order; empty for a plain URI.
///
/// A component that starts with `<` must be a well-formed placeholder; the
/// error says what is wrong with it.
///
/// ```
/// use wamp_idl_core::idl::uri::{template_placeholders, PlaceholderKind};
/// let found = template_placeholders("node.<node_id:str>.worker.<n:int>").unwrap();
/// assert_eq!(found[0].name, "node_id");
/// assert_eq!(found[1].kind, PlaceholderKind::Int);
/// assert!(template_placeholders("com.example.add").unwrap().is_empty());
/// assert!(template_placeholders("a.<Node>").is_err());
/// ```
pub fn template_placeholders(uri: &str) -> Result<Vec<Placeholder>, String> {
    let components: Vec<&str> = uri.split('.').collect();
    let mut found: Vec<Placeholder> = Vec::new();
    for (index, component) in components.iter().enumerate() {
        if !component.starts_with('<') && !component.ends_with('>') {
            continue;
        }
        let inner = component
            .strip_prefix('<')
            .and_then(|c| c.strip_suffix('>'))
            .ok_or_else(|| {
                format!(
                    "URI component `{component}` is not a placeholder `<name>` or `<name:type>`"
                )
            })?;
        let (name, kind) = match inner.split_once(':') {
            None => (inner, PlaceholderKind::String),
            Some((name, "string" | "str")) => (name, PlaceholderKind::String),
            Some((name, "int")) => (name, PlaceholderKind::Int),
            Some((name, "suffix")) => (name, PlaceholderKind::Suffix),
            Some((_, other)) => {
                return Err(format!(
                    "placeholder `{component}` has the unknown type `{other}` (expected `string`, `str`, `int` or `suffix`)"
                ))
            }
        };
        let mut chars = name.chars();
        let well_named = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_named {
            return Err(format!(
                "placeholder name `{name}` must match `[a-z][a-z0-9_]*`"
            ));
        }
        if kind == PlaceholderKind::Suffix && index + 1 != components.len() {
            return Err(format!(
                "placeholder `{component}` must be the last URI component (a suffix takes the rest of the URI)"
            ));
        }
        if found.iter().any(|p| p.name == name) {
            return Err(format!("placeholder `{name}` appears twice"));
        }
        found.push(Placeholder {
            name: name.to_string(),
            kind,
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rule: UriRule, good: &[&str], bad: &[&str]) {
        for g in good {
            assert!(rule.matches(g), "{rule:?} should accept {g:?}");
        }
        for b in bad {
            assert!(!rule.matches(b), "{rule:?} should reject {b:?}");
        }
    }

    #[test]
    fn name_loose() {
        check(
            UriRule::Name,
            &[
                "realm1",
                "intel-nuci7-14875",
                "Foo",
                "ünïcode",
                "<node_id:str>",
            ],
            &["", "a.b", "a b", "a#b", "a\tb", "a\n", "."],
        );
    }

    #[test]
    fn name_strict() {
        check(
            UriRule::NameStrict,
            &["realm1", "add_2", "0", "_"],
            &["", "Realm", "a-b", "a.b", "a b", "ü"],
        );
    }

    #[test]
    fn uri_loose() {
        check(
            UriRule::Uri,
            &["wamp", "com.example.add2", "Com.Ex-ample.x", "a.<id:str>.b"],
            &["", ".", "a.", ".a", "a..b", "a b.c", "a.#", "a.b\n"],
        );
    }

    #[test]
    fn uri_strict() {
        check(
            UriRule::UriStrict,
            &["wamp", "com.example.add2", "a_b.c_9"],
            &["", "a.", "a..b", "Com.example", "com.ex-ample", "a.b "],
        );
    }

    #[test]
    fn pattern_loose() {
        check(
            UriRule::Pattern,
            &["", ".", "com.example.", "com..add", ".add", "a.b", "A-b..c"],
            &["a b", "a.#", "a.b c.", "#"],
        );
    }

    #[test]
    fn pattern_strict() {
        check(
            UriRule::PatternStrict,
            &["", "com.example.", "com..add", ".add", "a.b"],
            &["A..b", "a-b.", "a. b", "a#"],
        );
    }

    #[test]
    fn prefix_loose() {
        check(
            UriRule::Prefix,
            &["", "com.", "com.example.", "com.example", "Co-m.x"],
            &[".", "a..b", ".a", "a b.", "a.#"],
        );
    }

    #[test]
    fn prefix_strict() {
        check(
            UriRule::PrefixStrict,
            &["", "com.", "com.example.", "com.example"],
            &[".", "a..b", ".a", "Com.", "a-b."],
        );
    }

    #[test]
    fn attribute_names_round_trip() {
        for rule in UriRule::ALL {
            assert_eq!(UriRule::from_attribute(rule.attribute()), Some(rule));
            assert!(rule.regex().starts_with('^') && rule.regex().ends_with('$'));
        }
        assert_eq!(UriRule::from_attribute("wampid"), None);
    }

    #[test]
    fn templates() {
        let found =
            template_placeholders("a.<x>.b.<y:string>.<z:str>.<n:int>.<rest:suffix>").unwrap();
        let kinds: Vec<_> = found.iter().map(|p| (p.name.as_str(), p.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("x", PlaceholderKind::String),
                ("y", PlaceholderKind::String),
                ("z", PlaceholderKind::String),
                ("n", PlaceholderKind::Int),
                ("rest", PlaceholderKind::Suffix),
            ]
        );
        for (bad, says) in [
            ("a.<x:float>", "unknown type `float`"),
            ("a.<X>", "must match"),
            ("a.<>", "must match"),
            ("a.<x", "not a placeholder"),
            ("a.x>", "not a placeholder"),
            ("a.<r:suffix>.b", "last URI component"),
            ("a.<x>.<x:int>", "appears twice"),
        ] {
            let error = template_placeholders(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn uuids() {
        for good in [
            "88711231-3d95-44bc-9464-58d871dd7fd7",
            "88711231-3D95-44BC-9464-58D871DD7FD7",
            "00000000-0000-0000-0000-000000000000",
        ] {
            assert!(is_canonical_uuid(good), "{good}");
        }
        for bad in [
            "",
            "88711231-3d95-44bc-9464-58d871dd7fd",
            "88711231-3d95-44bc-9464-58d871dd7fd7a",
            "{88711231-3d95-44bc-9464-58d871dd7fd7}",
            "88711231-3d95-44bc-9464_58d871dd7fd7",
            "88711231-3d95-44bc-94645-8d871dd7fd7",
            "g8711231-3d95-44bc-9464-58d871dd7fd7",
            "887112313d9544bc946458d871dd7fd7",
        ] {
            assert!(!is_canonical_uuid(bad), "{bad}");
        }
    }
}
