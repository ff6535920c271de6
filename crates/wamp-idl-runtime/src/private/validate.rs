//! Checks of the WAMP IDL value rules, for generated `validate()`.

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

    /// Whether `value` follows the rule (same rules as the schema checker's).
    pub fn matches(self, value: &str) -> bool {
        let strict = self.strict();
        let component_ok = |c: &str| {
            if strict {
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
            UriRule::Pattern | UriRule::PatternStrict => value.split('.').all(component_ok),
            UriRule::Prefix | UriRule::PrefixStrict => {
                let count = value.split('.').count();
                value
                    .split('.')
                    .enumerate()
                    .all(|(i, c)| (i + 1 == count || !c.is_empty()) && component_ok(c))
            }
        }
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
