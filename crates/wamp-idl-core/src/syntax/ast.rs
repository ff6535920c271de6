//! Syntax tree of one `.fbs` file, exactly as written (nothing resolved).
//!
//! Every node carries the [`Span`] of the text it was parsed from, so later
//! stages can point at it. `///` doc comments are kept on every declaration,
//! field, enum value, union member and rpc method, one entry per line, with
//! the text after `///` (leading space included, as flatc keeps it).

use crate::diag::Span;

/// A name as written, with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The text of the name.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// A dotted name such as `wamp.proto.Hello` (one part for a plain name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QualifiedName {
    /// The dot-separated parts, in order.
    pub parts: Vec<Ident>,
    /// The whole name.
    pub span: Span,
}

impl QualifiedName {
    /// The name joined with dots.
    pub fn joined(&self) -> String {
        let mut s = String::new();
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                s.push('.');
            }
            s.push_str(&p.name);
        }
        s
    }
}

/// `///` doc comment lines attached to a declaration.
pub type Docs = Vec<String>;

/// One parsed `.fbs` file.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaFile {
    /// Top-level declarations in source order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Doc comments written before the declaration.
    pub docs: Docs,
    /// What the declaration is.
    pub kind: ItemKind,
    /// The whole declaration, keyword to closing `}` or `;`.
    pub span: Span,
}

/// The kinds of top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    /// `include "path";`
    Include(StringLit),
    /// `native_include "path";` (kept, otherwise ignored)
    NativeInclude(StringLit),
    /// `namespace a.b;` (an empty `namespace;` resets to the root namespace)
    Namespace(Option<QualifiedName>),
    /// `attribute "name";` or `attribute name;`
    Attribute(StringLit),
    /// `table Name (attrs) { fields }`
    Table(Compound),
    /// `struct Name (attrs) { fields }`
    Struct(Compound),
    /// `enum Name : type (attrs) { values }`
    Enum(EnumDecl),
    /// `union Name (attrs) { members }`
    Union(UnionDecl),
    /// `root_type Name;`
    RootType(QualifiedName),
    /// `file_identifier "ABCD";`
    FileIdentifier(StringLit),
    /// `file_extension "ext";`
    FileExtension(StringLit),
    /// `rpc_service Name (attrs) { methods }`
    RpcService(ServiceDecl),
}

/// A string literal, already unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringLit {
    /// The value after unescaping.
    pub value: String,
    /// The literal including its quotes.
    pub span: Span,
}

/// A `table` or `struct` body.
#[derive(Clone, Debug, PartialEq)]
pub struct Compound {
    /// The declared name.
    pub name: Ident,
    /// `(key: value, ...)` after the name.
    pub attributes: Vec<Attribute>,
    /// The fields in source order.
    pub fields: Vec<Field>,
}

/// One field of a table or struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Doc comments of the field.
    pub docs: Docs,
    /// The field name.
    pub name: Ident,
    /// The declared type.
    pub ty: TypeExpr,
    /// `= value`, if given.
    pub default: Option<Literal>,
    /// `(attr, attr: value)` after the type/default.
    pub attributes: Vec<Attribute>,
    /// From the name to the `;`.
    pub span: Span,
}

/// A type as written.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// A base type keyword (`int`, `string`, ...) or a user type name.
    Named(QualifiedName),
    /// `[T]`
    Vector(Box<TypeExpr>, Span),
    /// `[T:N]` (structs only)
    Array(Box<TypeExpr>, Literal, Span),
}

impl TypeExpr {
    /// The span of the whole type expression.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(n) => n.span,
            TypeExpr::Vector(_, s) | TypeExpr::Array(_, _, s) => *s,
        }
    }
}

/// `name` or `name: value` inside a `( ... )` attribute list.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The attribute name (may have been written as a string).
    pub name: Ident,
    /// The value, if one was given.
    pub value: Option<Literal>,
    /// Name through value.
    pub span: Span,
}

/// A literal value in a default, an attribute, or an enum value.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    /// What kind of literal, with its text.
    pub kind: LiteralKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of literal. Numbers keep their source text so the resolver can
/// range-check them against the field type (and print them back unchanged).
#[derive(Clone, Debug, PartialEq)]
pub enum LiteralKind {
    /// Integer as written, with optional sign, decimal or `0x` hex.
    Integer(String),
    /// Float as written (incl. `inf`, `-inf`, `nan`, `+inf`, exponent forms).
    Float(String),
    /// A string literal (unescaped).
    String(String),
    /// `true` / `false`.
    Bool(bool),
    /// A bare identifier, possibly dotted (enum value names).
    Ident(String),
    /// `null` (optional scalar default).
    Null,
    /// `[]`, the empty vector default (`a: [int] = [];`, accepted by flatc).
    EmptyVector,
}

/// `enum Name : type (attrs) { A, B = 2 }`
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    /// The declared name.
    pub name: Ident,
    /// The underlying integer type.
    pub underlying: TypeExpr,
    /// Attributes such as `bit_flags`.
    pub attributes: Vec<Attribute>,
    /// The values in source order.
    pub values: Vec<EnumValueDecl>,
}

/// One enum value.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumValueDecl {
    /// Doc comments of the value.
    pub docs: Docs,
    /// The value name.
    pub name: Ident,
    /// `= value`, if given.
    pub value: Option<Literal>,
    /// Attributes of the value (rare, allowed by the grammar).
    pub attributes: Vec<Attribute>,
    /// Name through value.
    pub span: Span,
}

/// `union Name (attrs) { A, Alias: B, C = 5 }`
#[derive(Clone, Debug, PartialEq)]
pub struct UnionDecl {
    /// The declared name.
    pub name: Ident,
    /// `: type` after the name, if written (flatc accepts an explicit union tag type).
    pub underlying: Option<TypeExpr>,
    /// Attributes of the union.
    pub attributes: Vec<Attribute>,
    /// The members in source order.
    pub members: Vec<UnionMemberDecl>,
}

/// One union member.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionMemberDecl {
    /// Doc comments of the member.
    pub docs: Docs,
    /// `Alias` in `Alias: Type`; `None` when the member is named after its type.
    pub alias: Option<Ident>,
    /// The member type (a table, struct or `string`).
    pub ty: QualifiedName,
    /// `= value`, if given.
    pub value: Option<Literal>,
    /// `(attr, ...)` after the member (flatc accepts them).
    pub attributes: Vec<Attribute>,
    /// The whole member.
    pub span: Span,
}

/// `rpc_service Name (attrs) { method(Req): Resp (attrs); }`
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceDecl {
    /// The declared name.
    pub name: Ident,
    /// Attributes on the service (`type`, `uuid`, `wampuri`, ...).
    pub attributes: Vec<Attribute>,
    /// The rpc methods in source order.
    pub methods: Vec<RpcMethodDecl>,
}

/// One rpc method.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcMethodDecl {
    /// Doc comments of the method.
    pub docs: Docs,
    /// The method name.
    pub name: Ident,
    /// The request table.
    pub request: QualifiedName,
    /// The response table.
    pub response: QualifiedName,
    /// Attributes of the method (`type`, `wampuri`, `streaming`, ...).
    pub attributes: Vec<Attribute>,
    /// The whole method.
    pub span: Span,
}
