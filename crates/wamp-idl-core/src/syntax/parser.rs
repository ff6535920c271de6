//! Recursive-descent parser producing [`super::ast::SchemaFile`].
//!
//! Keywords are contextual, as in flatc: `table`, `type` or `namespace` are
//! fine as field names. After a syntax error the parser skips to the next
//! `;`, `}` or declaration keyword and goes on, so one run reports every
//! error of a file. Every loop consumes at least one token per iteration and
//! the only recursion (vector types) is bounded by [`MAX_TYPE_DEPTH`], so
//! hostile input can neither hang the parser nor overflow the stack.

use super::ast::*;
use super::lexer::{is_ident_continue, is_ident_start, tokenize, Token, TokenKind};
use crate::diag::{Diagnostic, Diagnostics, FileId, Span};

/// How deeply `[` types may nest before the parser gives up on the type.
pub const MAX_TYPE_DEPTH: usize = 16;

/// After this many syntax errors in one file the parser stops reading it.
pub const MAX_ERRORS: usize = 100;

/// The words that start a top-level declaration.
const DECLARATION_KEYWORDS: &[&str] = &[
    "include",
    "native_include",
    "namespace",
    "attribute",
    "table",
    "struct",
    "enum",
    "union",
    "root_type",
    "file_identifier",
    "file_extension",
    "rpc_service",
];

/// Functions flatc evaluates in float defaults (`rad(180)`); not supported here.
const FLATC_FUNCTIONS: &[&str] = &["deg", "rad", "sin", "cos", "tan", "asin", "acos", "atan"];

/// Parses one file. Syntax errors are reported into `diagnostics`; the parser
/// recovers at the next declaration, so the returned tree holds every
/// declaration it could read.
///
/// ```
/// use wamp_idl_core::diag::{Diagnostics, FileId};
/// use wamp_idl_core::syntax::{ast::ItemKind, parse};
/// let mut diagnostics = Diagnostics::new();
/// let file = parse(FileId(0), "namespace calc;\ntable Add { a: int; b: int = 2; }\n", &mut diagnostics);
/// assert!(!diagnostics.has_errors());
/// assert!(matches!(file.items[1].kind, ItemKind::Table(_)));
/// ```
pub fn parse(file: FileId, text: &str, diagnostics: &mut Diagnostics) -> SchemaFile {
    let tokens = tokenize(file, text, diagnostics);
    let mut parser = Parser {
        file,
        text,
        tokens,
        pos: 0,
        diagnostics,
        errors: 0,
        last_error_start: None,
        first_declaration: None,
    };
    SchemaFile {
        items: parser.file(),
    }
}

/// Marker for "an error was reported; the caller should recover".
struct Reported;

type PResult<T> = Result<T, Reported>;

struct Parser<'a, 'd> {
    file: FileId,
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    diagnostics: &'d mut Diagnostics,
    errors: usize,
    last_error_start: Option<u32>,
    /// Span of the first declaration that is not an include (includes must come before it).
    first_declaration: Option<Span>,
}

impl Parser<'_, '_> {
    // ---- token access -------------------------------------------------

    fn tok(&self) -> &Token {
        self.nth(0)
    }

    fn nth(&self, ahead: usize) -> &Token {
        let last = self.tokens.len().saturating_sub(1);
        // The lexer always ends the stream with Eof, so `last` is valid.
        &self.tokens[self.pos.saturating_add(ahead).min(last)]
    }

    fn kind(&self) -> TokenKind {
        self.tok().kind
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.kind() == kind
    }

    fn text_of(&self, token: &Token) -> &str {
        self.text.get(token.start..token.end).unwrap_or("")
    }

    fn span_of(&self, token: &Token) -> Span {
        Span::new(self.file, token.start, token.end)
    }

    fn span(&self) -> Span {
        self.span_of(self.tok())
    }

    /// End of the last consumed token.
    fn prev_end(&self) -> usize {
        match self.pos.checked_sub(1).and_then(|i| self.tokens.get(i)) {
            Some(t) => t.end,
            None => 0,
        }
    }

    /// A span from `start` to the end of the last consumed token.
    fn span_from(&self, start: Span) -> Span {
        Span::new(
            self.file,
            start.start as usize,
            self.prev_end().max(start.start as usize),
        )
    }

    fn bump(&mut self) -> Token {
        let token = self.tok().clone();
        if token.kind != TokenKind::Eof {
            self.pos += 1;
        }
        token
    }

    fn eat(&mut self, kind: TokenKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn take_docs(&mut self) -> Docs {
        match self.tokens.get_mut(self.pos) {
            Some(token) => std::mem::take(&mut token.docs),
            None => Vec::new(),
        }
    }

    /// How the current token is named in "found ..." messages.
    fn describe(&self) -> String {
        let token = self.tok();
        let text = self.text_of(token);
        match token.kind {
            TokenKind::Eof => "end of file".to_string(),
            TokenKind::Ident => format!("`{text}`"),
            TokenKind::Integer | TokenKind::Float => format!("number `{text}`"),
            TokenKind::String => "a string".to_string(),
            _ => format!("`{text}`"),
        }
    }

    /// Whether the current token starts a top-level declaration (`table X`, `namespace;`, ...),
    /// as opposed to a field or value that happens to be named like a keyword.
    fn at_declaration_start(&self) -> bool {
        if !self.at(TokenKind::Ident) {
            return false;
        }
        let word = self.text_of(self.tok());
        if !DECLARATION_KEYWORDS.contains(&word) {
            return false;
        }
        match self.nth(1).kind {
            TokenKind::Ident | TokenKind::String => true,
            TokenKind::Semi => word == "namespace",
            _ => false,
        }
    }

    /// After a member missing its `;`: whether the next member (or the end of
    /// the body) follows, so that only the `;` is missing and nothing needs skipping.
    fn next_member_follows(&self) -> bool {
        if self.at(TokenKind::RBrace) {
            return true;
        }
        if !self.at(TokenKind::Ident) {
            return false;
        }
        let on_next_line = self
            .text
            .get(self.prev_end()..self.tok().start)
            .is_some_and(|gap| gap.contains('\n'));
        on_next_line || self.nth(1).kind == TokenKind::Colon
    }

    // ---- errors -------------------------------------------------------

    fn report(&mut self, diagnostic: Diagnostic) {
        // One error per place: recovery can otherwise stumble over the same token twice.
        let start = diagnostic.primary.as_ref().map(|l| l.span.start);
        if start.is_some() && start == self.last_error_start {
            return;
        }
        self.last_error_start = start;
        self.errors += 1;
        if self.errors == MAX_ERRORS {
            let span = diagnostic.primary.as_ref().map_or(self.span(), |l| l.span);
            self.diagnostics.push(diagnostic);
            self.diagnostics.push(
                Diagnostic::error(
                    span,
                    format!(
                        "too many syntax errors ({MAX_ERRORS}); the rest of this file is skipped"
                    ),
                )
                .with_note("help: fix the errors above first"),
            );
            self.pos = self.tokens.len().saturating_sub(1);
            return;
        }
        if self.errors < MAX_ERRORS {
            self.diagnostics.push(diagnostic);
        }
    }

    /// Reports "expected X, found Y" at the current token.
    fn expected(&mut self, what: &str) -> Reported {
        let message = format!("expected {what}, found {}", self.describe());
        let d = Diagnostic::error(self.span(), message);
        self.report(d);
        Reported
    }

    /// Reports a missing token right after the previous one (where it belongs).
    fn missing_after_prev(&mut self, message: String, label: &str) -> Reported {
        let end = self.prev_end();
        let d = Diagnostic::error(Span::new(self.file, end, end), message)
            .with_label(label.to_string());
        self.report(d);
        Reported
    }

    fn expect(&mut self, kind: TokenKind, what: &str) -> PResult<Token> {
        if self.at(kind) {
            Ok(self.bump())
        } else {
            Err(self.expected(what))
        }
    }

    /// Expects the `;` ending a declaration; reports it as missing after the previous token.
    fn expect_semi(&mut self, after: &str) -> PResult<()> {
        if self.eat(TokenKind::Semi) {
            return Ok(());
        }
        // An unterminated string swallowed the rest of the line (and the `;`): already reported.
        let prev_unterminated = self
            .pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .is_some_and(|t| t.kind == TokenKind::String && t.malformed);
        if prev_unterminated {
            return Ok(());
        }
        Err(self.missing_after_prev(format!("expected `;` after {after}"), "add `;` here"))
    }

    // ---- recovery -----------------------------------------------------

    /// Skips to the next top-level declaration: past a `;` or a balanced `{ ... }`,
    /// or up to a declaration keyword.
    fn recover_top(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.kind() {
                TokenKind::Eof => return,
                TokenKind::Semi if depth == 0 => {
                    self.bump();
                    return;
                }
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.bump();
                        return;
                    }
                }
                _ if depth == 0 && self.at_declaration_start() => return,
                _ => {}
            }
            self.bump();
        }
    }

    /// Skips the rest of a broken member inside `{ ... }`: past the next `;`,
    /// or up to the closing `}` or a declaration keyword.
    fn recover_member(&mut self, separators: &[TokenKind]) {
        let mut depth = 0usize;
        loop {
            let kind = self.kind();
            match kind {
                TokenKind::Eof => return,
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace if depth == 0 => return,
                TokenKind::RBrace => depth -= 1,
                _ if depth == 0 && separators.contains(&kind) => {
                    self.bump();
                    return;
                }
                _ if depth == 0 && self.at_declaration_start() => return,
                _ => {}
            }
            self.bump();
        }
    }

    // ---- file and declarations ----------------------------------------

    fn file(&mut self) -> Vec<Item> {
        let mut items = Vec::new();
        while !self.at(TokenKind::Eof) {
            let before = self.pos;
            if self.at(TokenKind::LBrace) {
                let d = Diagnostic::error(self.span(), "json data after a schema is not supported")
                    .with_label("a data object starts here")
                    .with_note(
                        "help: wamp-idl reads schemas only; keep data in a separate `.json` file",
                    );
                self.report(d);
                break;
            }
            let docs = self.take_docs();
            let start = self.span();
            match self.item() {
                Ok(kind) => {
                    let span = self.span_from(start);
                    items.push(Item { docs, kind, span });
                }
                Err(Reported) => self.recover_top(),
            }
            if self.pos == before {
                self.bump();
            }
        }
        items
    }

    /// Parses one declaration (its docs already taken).
    fn item(&mut self) -> PResult<ItemKind> {
        if !self.at(TokenKind::Ident) {
            let d = Diagnostic::error(
                self.span(),
                format!("expected a declaration, found {}", self.describe()),
            )
            .with_note(DECLARATION_HELP);
            self.report(d);
            return Err(Reported);
        }
        let keyword_span = self.span();
        let keyword = self.text_of(self.tok()).to_string();
        let is_include = keyword == "include" || keyword == "native_include";
        if is_include {
            if let Some(first) = self.first_declaration {
                let d = Diagnostic::error(
                    keyword_span,
                    format!("`{keyword}` must come before all other declarations"),
                )
                .with_secondary(first, "first declaration here")
                .with_note("help: move the include to the top of the file");
                self.report(d);
            }
        } else if DECLARATION_KEYWORDS.contains(&keyword.as_str())
            && self.first_declaration.is_none()
        {
            self.first_declaration = Some(keyword_span);
        }
        let kind = match keyword.as_str() {
            "include" => {
                self.bump();
                let path = self.string_lit("a file name in quotes after `include`")?;
                self.expect_semi("the include")?;
                ItemKind::Include(path)
            }
            "native_include" => {
                self.bump();
                let path = self.string_lit("a file name in quotes after `native_include`")?;
                self.expect_semi("the native include")?;
                ItemKind::NativeInclude(path)
            }
            "namespace" => {
                self.bump();
                let name = if self.at(TokenKind::Semi) {
                    None
                } else {
                    Some(self.qualified_name("a namespace name")?)
                };
                self.expect_semi("the namespace")?;
                ItemKind::Namespace(name)
            }
            "attribute" => {
                self.bump();
                let name = if self.at(TokenKind::Ident) {
                    let token = self.bump();
                    StringLit {
                        value: self.text_of(&token).to_string(),
                        span: self.span_of(&token),
                    }
                } else {
                    self.string_lit("an attribute name after `attribute`")?
                };
                self.expect_semi(&format!("attribute `{}`", name.value))?;
                ItemKind::Attribute(name)
            }
            "table" => ItemKind::Table(self.compound("table")?),
            "struct" => ItemKind::Struct(self.compound("struct")?),
            "enum" => ItemKind::Enum(self.enum_decl()?),
            "union" => ItemKind::Union(self.union_decl()?),
            "root_type" => {
                self.bump();
                let name = self.qualified_name("a table name after `root_type`")?;
                self.expect_semi("the root type")?;
                ItemKind::RootType(name)
            }
            "file_identifier" => {
                self.bump();
                let id = self.string_lit("a four-character string after `file_identifier`")?;
                self.expect_semi("the file identifier")?;
                ItemKind::FileIdentifier(id)
            }
            "file_extension" => {
                self.bump();
                let ext = self.string_lit("a string after `file_extension`")?;
                self.expect_semi("the file extension")?;
                ItemKind::FileExtension(ext)
            }
            "rpc_service" => ItemKind::RpcService(self.service()?),
            _ => {
                let mut d =
                    Diagnostic::error(keyword_span, format!("unknown declaration `{keyword}`"));
                match closest_keyword(&keyword) {
                    Some(k) => d = d.with_label(format!("did you mean `{k}`?")),
                    None => d = d.with_note(DECLARATION_HELP),
                }
                self.report(d);
                return Err(Reported);
            }
        };
        Ok(kind)
    }

    fn ident(&mut self, what: &str) -> PResult<Ident> {
        let token = self.expect(TokenKind::Ident, what)?;
        Ok(Ident {
            name: self.text_of(&token).to_string(),
            span: self.span_of(&token),
        })
    }

    fn string_lit(&mut self, what: &str) -> PResult<StringLit> {
        let token = self.expect(TokenKind::String, what)?;
        Ok(StringLit {
            span: self.span_of(&token),
            value: token.value,
        })
    }

    fn qualified_name(&mut self, what: &str) -> PResult<QualifiedName> {
        let first = self.ident(what)?;
        let start = first.span;
        let mut parts = vec![first];
        while self.at(TokenKind::Dot) && self.nth(1).kind == TokenKind::Ident {
            self.bump();
            parts.push(self.ident("a name after `.`")?);
        }
        if self.at(TokenKind::Dot) {
            self.bump();
            return Err(self.expected("a name after `.`"));
        }
        Ok(QualifiedName {
            parts,
            span: self.span_from(start),
        })
    }

    /// `(name, name: value, "name": value)`, if present.
    fn attributes(&mut self) -> Vec<Attribute> {
        let mut attributes = Vec::new();
        if !self.at(TokenKind::LParen) {
            return attributes;
        }
        let open = self.bump();
        if self.at(TokenKind::RParen) {
            let span = Span::new(self.file, open.start, self.tok().end);
            self.bump();
            let d = Diagnostic::error(span, "empty attribute list `()`")
                .with_note("help: remove the `()` or name an attribute inside it");
            self.report(d);
            return attributes;
        }
        loop {
            let name = match self.kind() {
                TokenKind::Ident => {
                    let token = self.bump();
                    Ident {
                        name: self.text_of(&token).to_string(),
                        span: self.span_of(&token),
                    }
                }
                TokenKind::String => {
                    let token = self.bump();
                    Ident {
                        span: self.span_of(&token),
                        name: token.value,
                    }
                }
                _ => {
                    self.expected("an attribute name");
                    self.skip_attribute_list();
                    return attributes;
                }
            };
            let value = if self.eat(TokenKind::Colon) {
                match self.literal("an attribute value") {
                    Ok(value) => Some(value),
                    Err(Reported) => {
                        self.skip_attribute_list();
                        return attributes;
                    }
                }
            } else {
                None
            };
            let span = self.span_from(name.span);
            attributes.push(Attribute { name, value, span });
            if self.eat(TokenKind::Comma) {
                continue;
            }
            if self.eat(TokenKind::RParen) {
                return attributes;
            }
            if self.at(TokenKind::Ident) || self.at(TokenKind::String) {
                // `(a b)`: a forgotten comma; report and read on.
                self.missing_after_prev(
                    "expected `,` between attributes".to_string(),
                    "add `,` here",
                );
                continue;
            }
            self.expected("`,` or `)` in the attribute list");
            self.skip_attribute_list();
            return attributes;
        }
    }

    /// After an error inside `( ... )`: skip past the `)`, but not past the end of the declaration.
    fn skip_attribute_list(&mut self) {
        loop {
            match self.kind() {
                TokenKind::RParen => {
                    self.bump();
                    return;
                }
                TokenKind::Eof | TokenKind::Semi | TokenKind::LBrace | TokenKind::RBrace => return,
                _ => {
                    self.bump();
                }
            }
        }
    }

    // ---- literals -----------------------------------------------------

    fn literal(&mut self, what: &str) -> PResult<Literal> {
        let start = self.span();
        let kind = match self.kind() {
            TokenKind::Minus | TokenKind::Plus => {
                let sign = self.bump();
                let next = self.tok().clone();
                let next_text = self.text_of(&next).to_string();
                let numeric = match next.kind {
                    TokenKind::Integer => Some(true),
                    TokenKind::Float => Some(false),
                    TokenKind::Ident if is_float_word(&next_text) => Some(false),
                    _ => None,
                };
                if next.malformed {
                    self.bump();
                    return Err(Reported);
                }
                let Some(is_integer) = numeric else {
                    let sign_text = self.text_of(&sign).to_string();
                    return Err(self.expected(&format!("a number after `{sign_text}`")));
                };
                if next.start != sign.end {
                    let d = Diagnostic::error(
                        Span::new(self.file, sign.start, next.end),
                        "space between a sign and its number",
                    )
                    .with_note("help: write the sign directly before the number, e.g. `-5`");
                    self.report(d);
                }
                self.bump();
                let text = format!("{}{next_text}", self.text_of(&sign));
                if is_integer {
                    LiteralKind::Integer(text)
                } else {
                    LiteralKind::Float(text)
                }
            }
            // Already reported by the lexer; the value is dropped.
            TokenKind::Integer | TokenKind::Float if self.tok().malformed => {
                self.bump();
                return Err(Reported);
            }
            TokenKind::Integer => {
                let token = self.bump();
                LiteralKind::Integer(self.text_of(&token).to_string())
            }
            TokenKind::Float => {
                let token = self.bump();
                LiteralKind::Float(self.text_of(&token).to_string())
            }
            TokenKind::String => LiteralKind::String(self.bump().value),
            TokenKind::LBracket => {
                self.bump();
                if !self.eat(TokenKind::RBracket) {
                    let d = Diagnostic::error(
                        self.span(),
                        "only the empty vector `[]` can be a default value",
                    )
                    .with_label(format!("expected `]`, found {}", self.describe()));
                    self.report(d);
                    return Err(Reported);
                }
                LiteralKind::EmptyVector
            }
            TokenKind::Ident => {
                let word = self.text_of(self.tok()).to_string();
                match word.as_str() {
                    "true" => {
                        self.bump();
                        LiteralKind::Bool(true)
                    }
                    "false" => {
                        self.bump();
                        LiteralKind::Bool(false)
                    }
                    "null" => {
                        self.bump();
                        LiteralKind::Null
                    }
                    _ if is_float_word(&word) => {
                        self.bump();
                        LiteralKind::Float(word)
                    }
                    _ if FLATC_FUNCTIONS.contains(&word.as_str())
                        && self.nth(1).kind == TokenKind::LParen =>
                    {
                        let d = Diagnostic::error(
                            self.span(),
                            format!(
                                "function calls such as `{word}(...)` are not supported in values"
                            ),
                        )
                        .with_note("help: write the computed number instead");
                        self.report(d);
                        self.bump();
                        self.skip_parenthesized();
                        return Err(Reported);
                    }
                    _ => LiteralKind::Ident(self.qualified_name(what)?.joined()),
                }
            }
            _ => return Err(self.expected(what)),
        };
        Ok(Literal {
            kind,
            span: self.span_from(start),
        })
    }

    /// Skips a balanced `( ... )` (not past the end of the declaration).
    fn skip_parenthesized(&mut self) {
        if !self.eat(TokenKind::LParen) {
            return;
        }
        let mut depth = 1usize;
        while depth > 0 {
            match self.kind() {
                TokenKind::Eof | TokenKind::Semi | TokenKind::LBrace | TokenKind::RBrace => return,
                TokenKind::LParen => depth += 1,
                TokenKind::RParen => depth -= 1,
                _ => {}
            }
            self.bump();
        }
    }

    // ---- types --------------------------------------------------------

    fn type_expr(&mut self) -> PResult<TypeExpr> {
        let ty = self.type_at_depth(0)?;
        if let TypeExpr::Vector(inner, _) | TypeExpr::Array(inner, _, _) = &ty {
            if matches!(**inner, TypeExpr::Vector(..) | TypeExpr::Array(..)) {
                let (message, help) = match (&ty, &**inner) {
                    (TypeExpr::Vector(..), TypeExpr::Vector(..)) => (
                        "nested vectors `[[T]]` are not supported: wrap the inner vector in a table",
                        "help: declare `table Row { items: [T]; }` and use `[Row]`",
                    ),
                    _ => (
                        "nested vector and array types are not supported: wrap the inner one in a struct or table",
                        "help: declare a struct (for arrays) or table (for vectors) holding the inner type",
                    ),
                };
                let d = Diagnostic::error(ty.span(), message)
                    .with_label("nested here")
                    .with_note(help);
                self.report(d);
                // Leave the field out so later stages do not report it again.
                return Err(Reported);
            }
        }
        Ok(ty)
    }

    fn type_at_depth(&mut self, depth: usize) -> PResult<TypeExpr> {
        match self.kind() {
            TokenKind::Ident => Ok(TypeExpr::Named(self.qualified_name("a type")?)),
            TokenKind::LBracket => {
                let open = self.bump();
                let open_span = self.span_of(&open);
                if depth >= MAX_TYPE_DEPTH {
                    let d = Diagnostic::error(
                        open_span,
                        format!("type is nested more than {MAX_TYPE_DEPTH} levels deep"),
                    )
                    .with_note(
                        "help: vectors cannot be nested anyway; wrap the inner vector in a table",
                    );
                    self.report(d);
                    return Err(Reported);
                }
                let inner = self.type_at_depth(depth + 1)?;
                if self.eat(TokenKind::Colon) {
                    let length = self.array_length()?;
                    if !self.eat(TokenKind::RBracket) {
                        return Err(self.expected("`]` to close the array type"));
                    }
                    return Ok(TypeExpr::Array(
                        Box::new(inner),
                        length,
                        self.span_from(open_span),
                    ));
                }
                if !self.eat(TokenKind::RBracket) {
                    return Err(self.expected("`]` to close the vector type"));
                }
                Ok(TypeExpr::Vector(Box::new(inner), self.span_from(open_span)))
            }
            _ => Err(self.expected("a type")),
        }
    }

    /// `N` in `[T:N]`: a positive integer that fits flatc's 16-bit length.
    fn array_length(&mut self) -> PResult<Literal> {
        let start = self.span();
        let literal = match self.literal("an array length") {
            Ok(literal) => literal,
            Err(Reported) => return Err(Reported),
        };
        let valid = match &literal.kind {
            LiteralKind::Integer(text) => {
                parse_integer(text).is_some_and(|n| (1..=i128::from(u16::MAX)).contains(&n))
            }
            _ => false,
        };
        if !valid {
            let d = Diagnostic::error(
                start.to(literal.span),
                "`[T:N]` array length must be a positive integer",
            )
            .with_label(format!("must be between 1 and {}", u16::MAX));
            self.report(d);
            // Leave the field out so later stages do not report it again.
            return Err(Reported);
        }
        Ok(literal)
    }

    // ---- tables and structs -------------------------------------------

    fn compound(&mut self, keyword: &str) -> PResult<Compound> {
        self.bump();
        let name = self.ident(&format!("a name after `{keyword}`"))?;
        let attributes = self.attributes();
        let open = self.open_body(keyword, &name)?;
        let mut fields = Vec::new();
        while self.body_continues(keyword, &name, open) {
            let before = self.pos;
            match self.field() {
                Ok(field) => fields.push(field),
                Err(Reported) => self.recover_member(&[TokenKind::Semi]),
            }
            if self.pos == before {
                self.bump();
            }
        }
        Ok(Compound {
            name,
            attributes,
            fields,
        })
    }

    fn open_body(&mut self, keyword: &str, name: &Ident) -> PResult<Span> {
        if self.at(TokenKind::LBrace) {
            let open = self.bump();
            return Ok(self.span_of(&open));
        }
        let message = format!(
            "expected `{{` to start {keyword} `{}`, found {}",
            name.name,
            self.describe()
        );
        let d = Diagnostic::error(self.span(), message);
        self.report(d);
        // `table T\n  a: int; }`: only the `{` is missing; read the body anyway.
        let body_follows = (self.at(TokenKind::Ident) && self.nth(1).kind == TokenKind::Colon)
            || self.at(TokenKind::RBrace);
        if body_follows {
            let end = self.prev_end();
            return Ok(Span::new(self.file, end, end));
        }
        Err(Reported)
    }

    /// Whether the body opened at `open` has more members; consumes the closing `}`.
    fn body_continues(&mut self, keyword: &str, name: &Ident, open: Span) -> bool {
        if self.eat(TokenKind::RBrace) {
            return false;
        }
        if self.at(TokenKind::Eof) || self.at_declaration_start() {
            let d = Diagnostic::error(
                self.span(),
                format!("expected `}}` to close {keyword} `{}`", name.name),
            )
            .with_label(format!("found {}", self.describe()))
            .with_secondary(open, "opened here");
            self.report(d);
            return false;
        }
        true
    }

    fn field(&mut self) -> PResult<Field> {
        let docs = self.take_docs();
        if !self.at(TokenKind::Ident) {
            return Err(self.expected("a field name"));
        }
        let name = self.ident("a field name")?;
        if !self.eat(TokenKind::Colon) {
            let d = Diagnostic::error(
                self.span(),
                format!(
                    "expected `:` after field name `{}`, found {}",
                    name.name,
                    self.describe()
                ),
            )
            .with_note("help: fields are written `name: type;`");
            self.report(d);
            return Err(Reported);
        }
        let ty = self.type_expr()?;
        let default = if self.eat(TokenKind::Eq) {
            match self.literal("a default value") {
                Ok(default) => Some(default),
                // Keep the field without the broken default when the rest of it follows.
                Err(Reported)
                    if matches!(
                        self.kind(),
                        TokenKind::Semi | TokenKind::LParen | TokenKind::RBrace
                    ) =>
                {
                    None
                }
                Err(Reported) => return Err(Reported),
            }
        } else {
            None
        };
        let attributes = self.attributes();
        let done = |p: &Self, docs: Docs, name: Ident, ty, default, attributes| Field {
            span: p.span_from(name.span),
            docs,
            name,
            ty,
            default,
            attributes,
        };
        let several_flags = matches!(
            &default,
            Some(Literal {
                kind: LiteralKind::Ident(_),
                ..
            })
        ) && self.at(TokenKind::Ident)
            && self.nth(1).kind != TokenKind::Colon;
        if several_flags {
            // `color: Color = Red Green;`: flatc wants several `bit_flags` in one string.
            let message = format!("expected `;` after field `{}`", name.name);
            let d = Diagnostic::error(self.span(), message)
                .with_label(format!("found {}", self.describe()))
                .with_note(
                    "help: a default of several `bit_flags` values is one string: `\"Red Green\"`",
                );
            self.report(d);
            return Err(Reported);
        }
        if self.expect_semi(&format!("field `{}`", name.name)).is_err() {
            // Keep the field when the next one (or the end of the body) follows: only `;` is missing.
            if self.next_member_follows() {
                return Ok(done(self, docs, name, ty, default, attributes));
            }
            return Err(Reported);
        }
        Ok(done(self, docs, name, ty, default, attributes))
    }

    // ---- enums and unions ---------------------------------------------

    fn enum_decl(&mut self) -> PResult<EnumDecl> {
        self.bump();
        let name = self.ident("a name after `enum`")?;
        let underlying = if self.eat(TokenKind::Colon) {
            self.type_expr()?
        } else {
            let d = Diagnostic::error(
                name.span,
                format!("enum `{}` needs an underlying integer type", name.name),
            )
            .with_note(format!(
                "help: write e.g. `enum {} : ubyte {{ ... }}`",
                name.name
            ));
            self.report(d);
            // Go on with flatc's old default so the values are still checked.
            TypeExpr::Named(QualifiedName {
                parts: vec![Ident {
                    name: "short".to_string(),
                    span: name.span,
                }],
                span: name.span,
            })
        };
        let attributes = self.attributes();
        let open = self.open_body("enum", &name)?;
        let mut values = Vec::new();
        while self.body_continues("enum", &name, open) {
            let before = self.pos;
            match self.enum_value() {
                Ok(value) => {
                    let value_name = value.name.name.clone();
                    values.push(value);
                    self.list_separator("enum value", &value_name);
                }
                Err(Reported) => self.recover_member(&[TokenKind::Comma, TokenKind::Semi]),
            }
            if self.pos == before {
                self.bump();
            }
        }
        Ok(EnumDecl {
            name,
            underlying,
            attributes,
            values,
        })
    }

    /// After a value of a `{ a, b }` list: eats the `,`; reports it when missing.
    fn list_separator(&mut self, what: &str, name: &str) {
        if self.eat(TokenKind::Comma) || self.at(TokenKind::RBrace) {
            return;
        }
        if self.at(TokenKind::Semi) {
            let d = Diagnostic::error(
                self.span(),
                format!("expected `,` after {what} `{name}`, found `;`"),
            )
            .with_note("help: enum values and union members are separated by `,`");
            self.report(d);
            self.bump();
            return;
        }
        if self.at(TokenKind::Ident) && !self.at_declaration_start() {
            self.missing_after_prev(
                format!("expected `,` after {what} `{name}`"),
                "add `,` here",
            );
            return;
        }
        if !self.at(TokenKind::Eof) && !self.at_declaration_start() {
            self.expected(&format!("`,` or `}}` after {what} `{name}`"));
            self.recover_member(&[TokenKind::Comma, TokenKind::Semi]);
        }
    }

    fn enum_value(&mut self) -> PResult<EnumValueDecl> {
        let docs = self.take_docs();
        let name = self.ident("an enum value name")?;
        let value = if self.eat(TokenKind::Eq) {
            Some(self.literal("an enum value")?)
        } else {
            None
        };
        let attributes = self.attributes();
        Ok(EnumValueDecl {
            docs,
            span: self.span_from(name.span),
            name,
            value,
            attributes,
        })
    }

    fn union_decl(&mut self) -> PResult<UnionDecl> {
        self.bump();
        let name = self.ident("a name after `union`")?;
        let underlying = if self.eat(TokenKind::Colon) {
            Some(self.type_expr()?)
        } else {
            None
        };
        let attributes = self.attributes();
        let open = self.open_body("union", &name)?;
        let mut members = Vec::new();
        while self.body_continues("union", &name, open) {
            let before = self.pos;
            match self.union_member() {
                Ok(member) => {
                    let member_name = member
                        .alias
                        .as_ref()
                        .map_or_else(|| member.ty.joined(), |a| a.name.clone());
                    members.push(member);
                    self.list_separator("union member", &member_name);
                }
                Err(Reported) => self.recover_member(&[TokenKind::Comma, TokenKind::Semi]),
            }
            if self.pos == before {
                self.bump();
            }
        }
        Ok(UnionDecl {
            name,
            underlying,
            attributes,
            members,
        })
    }

    fn union_member(&mut self) -> PResult<UnionMemberDecl> {
        let docs = self.take_docs();
        let start = self.span();
        let first = self.qualified_name("a union member type")?;
        let (alias, ty) = if self.eat(TokenKind::Colon) {
            let ty = self.qualified_name("the member type after `:`")?;
            if first.parts.len() != 1 {
                let d = Diagnostic::error(first.span, "a union member alias must be a plain name")
                    .with_note("help: write `Alias: some.ns.Type`");
                self.report(d);
            }
            let alias = first.parts.into_iter().next_back();
            (alias, ty)
        } else {
            (None, first)
        };
        let value = if self.eat(TokenKind::Eq) {
            Some(self.literal("a union member value")?)
        } else {
            None
        };
        let attributes = self.attributes();
        Ok(UnionMemberDecl {
            docs,
            alias,
            ty,
            value,
            attributes,
            span: self.span_from(start),
        })
    }

    // ---- rpc services -------------------------------------------------

    fn service(&mut self) -> PResult<ServiceDecl> {
        self.bump();
        let name = self.ident("a name after `rpc_service`")?;
        let attributes = self.attributes();
        let open = self.open_body("rpc_service", &name)?;
        let errors_before = self.errors;
        let mut methods = Vec::new();
        while self.body_continues("rpc_service", &name, open) {
            let before = self.pos;
            match self.method() {
                Ok(method) => methods.push(method),
                Err(Reported) => self.recover_member(&[TokenKind::Semi]),
            }
            if self.pos == before {
                self.bump();
            }
        }
        // An empty list after a broken method is that method's fault, already reported.
        if methods.is_empty() && self.errors == errors_before {
            let d = Diagnostic::error(name.span, format!("rpc_service `{}` has no methods", name.name))
                .with_note("help: declare a method such as `add(AddRequest): AddResponse;` (flatc rejects empty services)");
            self.report(d);
        }
        Ok(ServiceDecl {
            name,
            attributes,
            methods,
        })
    }

    fn method(&mut self) -> PResult<RpcMethodDecl> {
        let docs = self.take_docs();
        let name = self.ident("an rpc method name")?;
        if !self.eat(TokenKind::LParen) {
            let d = Diagnostic::error(
                self.span(),
                format!(
                    "expected `(` after rpc method name `{}`, found {}",
                    name.name,
                    self.describe()
                ),
            )
            .with_note("help: methods are written `name(RequestTable): ResponseTable;`");
            self.report(d);
            return Err(Reported);
        }
        let request = self.qualified_name("the request table")?;
        self.expect(TokenKind::RParen, "`)` after the request table")?;
        self.expect(TokenKind::Colon, "`:` before the response table")?;
        let response = self.qualified_name("the response table")?;
        let attributes = self.attributes();
        if self
            .expect_semi(&format!("rpc method `{}`", name.name))
            .is_err()
            && !self.next_member_follows()
        {
            return Err(Reported);
        }
        Ok(RpcMethodDecl {
            docs,
            span: self.span_from(name.span),
            name,
            request,
            response,
            attributes,
        })
    }
}

const DECLARATION_HELP: &str = "help: declarations start with `include`, `namespace`, `attribute`, `table`, `struct`, `enum`, `union`, `root_type`, `file_identifier`, `file_extension` or `rpc_service`";

/// `inf`, `infinity` and `nan` in any case, as flatc reads them.
fn is_float_word(word: &str) -> bool {
    ["inf", "infinity", "nan"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// The value of an integer literal's text (`-12`, `+0x1F`), if it fits an `i128`.
pub fn parse_integer(text: &str) -> Option<i128> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let magnitude = match digits.get(..2) {
        Some("0x" | "0X") => i128::from_str_radix(digits.get(2..)?, 16).ok()?,
        _ => digits.parse::<i128>().ok()?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// Whether `name` can be written as a bare identifier.
pub fn is_identifier(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.first().is_some_and(|&b| is_ident_start(b)) && bytes.iter().all(|&b| is_ident_continue(b))
}

/// A declaration keyword close to a misspelled word (`tabel` → `table`).
fn closest_keyword(word: &str) -> Option<&'static str> {
    DECLARATION_KEYWORDS
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .filter(|&(d, k)| d <= 2 && d < k.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
