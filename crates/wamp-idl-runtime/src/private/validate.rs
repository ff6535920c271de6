//! Checks of the WAMP IDL value rules, for generated `validate()`.

use crate::uri::{check_uri, UriCheck, UriKind};

/// Where a value sits in a payload: `details.authid`, `session_ids[3]`.
#[derive(Clone, Copy, Debug)]
pub enum FieldPath<'p> {
    /// The value itself.
    Root,
    /// A field of the value at the parent path.
    Field(&'p FieldPath<'p>, &'static str),
    /// An element of the vector at the parent path.
    Index(&'p FieldPath<'p>, usize),
}

impl FieldPath<'_> {
    /// The path of a field below this one.
    pub fn field<'p>(&'p self, name: &'static str) -> FieldPath<'p> {
        FieldPath::Field(self, name)
    }

    /// The path of a vector element below this one.
    pub fn index<'p>(&'p self, index: usize) -> FieldPath<'p> {
        FieldPath::Index(self, index)
    }
}

impl core::fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FieldPath::Root => Ok(()),
            FieldPath::Field(FieldPath::Root, name) => f.write_str(name),
            FieldPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            FieldPath::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// A value that breaks a WAMP IDL rule, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// Field path (`details.authid`, `session_ids[3]`).
    pub path: std::string::String,
    /// What is wrong.
    pub message: std::string::String,
}

impl core::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ValidationError {}

fn error(path: &FieldPath<'_>, message: std::string::String) -> ValidationError {
    ValidationError {
        path: std::string::ToString::to_string(path),
        message,
    }
}

/// The largest WAMP id, `2^53`.
pub const MAX_WAMP_ID: i128 = 1 << 53;

/// `wampid`: an integer in `[1, 2^53]`.
pub fn wamp_id(path: &FieldPath<'_>, value: impl Into<i128>) -> Result<(), ValidationError> {
    let value = value.into();
    if (1..=MAX_WAMP_ID).contains(&value) {
        Ok(())
    } else {
        Err(error(
            path,
            format!("{value} is not a WAMP id (ids are integers in [1, 2^53])"),
        ))
    }
}

/// The WAMP IDL URI rules, by attribute name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriRule {
    /// `wampname`
    Name,
    /// `wampname_s`
    NameStrict,
    /// `wampuri`
    Uri,
    /// `wampuri_s`
    UriStrict,
    /// `wampuri_p`
    Pattern,
    /// `wampuri_sp`
    PatternStrict,
    /// `wampuri_pp`
    Prefix,
    /// `wampuri_spp`
    PrefixStrict,
}

impl UriRule {
    fn strict(self) -> bool {
        matches!(
            self,
            UriRule::NameStrict
                | UriRule::UriStrict
                | UriRule::PatternStrict
                | UriRule::PrefixStrict
        )
    }

    fn attribute(self) -> &'static str {
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

    /// Whether `value` follows the rule (the rules of WAMP-REFERENCE §5.2; the
    /// schema checker in wamp-idl-core applies the same ones to attribute values).
    pub fn matches(self, value: &str) -> bool {
        let check = if self.strict() {
            UriCheck::Strict
        } else {
            UriCheck::Loose
        };
        let kind = match self {
            // A name is one URI component.
            UriRule::Name | UriRule::NameStrict => {
                return !value.contains('.') && check_uri(value, check, UriKind::Exact).is_ok()
            }
            UriRule::Uri | UriRule::UriStrict => UriKind::Exact,
            UriRule::Pattern | UriRule::PatternStrict => UriKind::Wildcard,
            UriRule::Prefix | UriRule::PrefixStrict => UriKind::Prefix,
        };
        check_uri(value, check, kind).is_ok()
    }
}

/// A `wampname*`/`wampuri*` string rule.
pub fn uri(path: &FieldPath<'_>, rule: UriRule, value: &str) -> Result<(), ValidationError> {
    if rule.matches(value) {
        Ok(())
    } else {
        Err(error(
            path,
            format!("`{value}` does not follow the `{}` rule", rule.attribute()),
        ))
    }
}

/// `uuid` on a string: RFC 4122 canonical text (`8-4-4-4-12` hex digits).
pub fn uuid(path: &FieldPath<'_>, value: &str) -> Result<(), ValidationError> {
    let lengths = [8usize, 4, 4, 4, 12];
    let groups: std::vec::Vec<&str> = value.split('-').collect();
    let ok = groups.len() == lengths.len()
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(error(
            path,
            format!("`{value}` is not a UUID in canonical text form"),
        ))
    }
}

/// `ethadr` on a string: `0x` and 40 hex digits. The EIP-55 mixed-case checksum
/// is not checked (that needs Keccak-256).
pub fn eth_address(path: &FieldPath<'_>, value: &str) -> Result<(), ValidationError> {
    let ok = value
        .strip_prefix("0x")
        .is_some_and(|hex| hex.len() == 40 && hex.chars().all(|c| c.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(error(
            path,
            format!("`{value}` is not an Ethereum address (`0x` and 40 hex digits)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::UriRule;

    #[test]
    fn uri_rules_follow_the_idl_patterns() {
        // (rule, accepted, rejected), from the regexes of WAMP-REFERENCE §5.2.
        let cases: &[(UriRule, &[&str], &[&str])] = &[
            (
                UriRule::Name,
                &["Session-1", "a"],
                &["", "a.b", "a b", "a#"],
            ),
            (UriRule::NameStrict, &["session_1"], &["Session", "a.b", ""]),
            (
                UriRule::Uri,
                &["com.Example.x-y", "a"],
                &["", "a..b", "a.", ".a", "a b"],
            ),
            (
                UriRule::UriStrict,
                &["com.example.add"],
                &["com.Example", "a..b"],
            ),
            (
                UriRule::Pattern,
                &["com..add", "", ".", "a."],
                &["a b", "a#.b"],
            ),
            (UriRule::PatternStrict, &["com..add", "com."], &["com..Add"]),
            (
                UriRule::Prefix,
                &["com.example.", "com", ""],
                &["com..x", ".x"],
            ),
            (UriRule::PrefixStrict, &["com.example."], &["Com.", "a..b"]),
        ];
        for (rule, good, bad) in cases {
            for value in *good {
                assert!(rule.matches(value), "{rule:?} should accept {value:?}");
            }
            for value in *bad {
                assert!(!rule.matches(value), "{rule:?} should reject {value:?}");
            }
        }
    }
}
