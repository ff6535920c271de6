//! Tokenizer for `.fbs` text.
//!
//! Follows flatc's lexer: identifiers are `[A-Za-z_][A-Za-z0-9_]*` (every
//! keyword is contextual, so the parser decides what a word means), strings
//! use `"` or `'` with JSON-style escapes plus `\x`, numbers are decimal or
//! `0x` hex integers and decimal or hex floats. Signs are separate tokens; the
//! parser joins a sign with the number written right after it. `///` doc
//! comments (on a line of their own) are attached to the token that follows.
//! Lexical errors are reported and skipped, so the token stream is always
//! complete and ends with [`TokenKind::Eof`].

use crate::diag::{Diagnostic, Diagnostics, FileId, Span};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A name or contextual keyword.
    Ident,
    /// An integer literal (decimal or `0x` hex), without sign.
    Integer,
    /// A float literal (`1.5`, `.5`, `1e10`, `0x1p3`), without sign.
    Float,
    /// A string literal; its unescaped value is in [`Token::value`].
    String,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `;`
    Semi,
    /// `:`
    Colon,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `=`
    Eq,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// End of input (always the last token).
    Eof,
}

/// One token with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The unescaped value of a string literal (empty for other tokens).
    pub value: String,
    /// `///` doc comment lines written right before this token (text after `///`).
    pub docs: Vec<String>,
    /// A string missing its closing quote or an invalid number: already reported,
    /// so the parser drops the value instead of passing it on.
    pub malformed: bool,
}

/// Splits `text` into tokens, reporting lexical errors into `diagnostics`.
///
/// Never panics; the result always ends with an [`TokenKind::Eof`] token.
pub fn tokenize(file: FileId, text: &str, diagnostics: &mut Diagnostics) -> Vec<Token> {
    let mut lexer = Lexer {
        file,
        text,
        bytes: text.as_bytes(),
        pos: 0,
        tokens: Vec::new(),
        pending_docs: Vec::new(),
        line_has_token: false,
        errors: 0,
        diagnostics,
    };
    lexer.run();
    lexer.tokens
}

/// Lexical errors reported per file before the rest are dropped.
pub const MAX_LEXICAL_ERRORS: usize = 100;

/// Whether the byte `c` starts a token, whitespace or a comment (anything else is a stray character).
fn starts_token(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c.is_ascii_whitespace() || b"_/\"'{}()[];:,.=+-\x0b".contains(&c)
}

/// Whether `c` can start an identifier.
pub fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

/// Whether `c` can continue an identifier.
pub fn is_ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

struct Lexer<'a, 'd> {
    file: FileId,
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
    pending_docs: Vec<String>,
    /// Whether a token was already emitted on the current line (doc comments must be on their own line).
    line_has_token: bool,
    /// Lexical errors so far.
    errors: usize,
    diagnostics: &'d mut Diagnostics,
}

impl Lexer<'_, '_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn error(&mut self, start: usize, end: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.span(start, end), message)
    }

    fn push(&mut self, kind: TokenKind, start: usize, value: String) {
        self.tokens.push(Token {
            kind,
            start,
            end: self.pos,
            value,
            docs: std::mem::take(&mut self.pending_docs),
            malformed: false,
        });
        self.line_has_token = true;
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            let start = self.pos;
            let c = self.bytes[start];
            match c {
                b'\n' => {
                    self.pos += 1;
                    self.line_has_token = false;
                }
                b' ' | b'\t' | b'\r' | b'\x0c' | b'\x0b' => self.pos += 1,
                b'/' if self.peek(1) == b'/' => self.line_comment(),
                b'/' if self.peek(1) == b'*' => self.block_comment(),
                b'"' | b'\'' => self.string(c),
                b'0'..=b'9' => self.number(),
                b'.' if self.peek(1).is_ascii_digit() => self.number(),
                _ if is_ident_start(c) => {
                    while is_ident_continue(self.peek(0)) {
                        self.pos += 1;
                    }
                    self.push(TokenKind::Ident, start, String::new());
                }
                _ => {
                    let kind = match c {
                        b'{' => Some(TokenKind::LBrace),
                        b'}' => Some(TokenKind::RBrace),
                        b'(' => Some(TokenKind::LParen),
                        b')' => Some(TokenKind::RParen),
                        b'[' => Some(TokenKind::LBracket),
                        b']' => Some(TokenKind::RBracket),
                        b';' => Some(TokenKind::Semi),
                        b':' => Some(TokenKind::Colon),
                        b',' => Some(TokenKind::Comma),
                        b'.' => Some(TokenKind::Dot),
                        b'=' => Some(TokenKind::Eq),
                        b'+' => Some(TokenKind::Plus),
                        b'-' => Some(TokenKind::Minus),
                        _ => None,
                    };
                    match kind {
                        Some(kind) => {
                            self.pos += 1;
                            self.push(kind, start, String::new());
                        }
                        None => self.unexpected_char(start),
                    }
                }
            }
        }
        let end = self.bytes.len();
        self.tokens.push(Token {
            kind: TokenKind::Eof,
            start: end,
            end,
            value: String::new(),
            docs: std::mem::take(&mut self.pending_docs),
            malformed: false,
        });
    }

    /// Records a lexical error; after [`MAX_LEXICAL_ERRORS`] the rest are dropped
    /// (binary or hostile input would otherwise produce one per byte).
    fn report(&mut self, diagnostic: Diagnostic) {
        self.errors += 1;
        if self.errors < MAX_LEXICAL_ERRORS {
            self.diagnostics.push(diagnostic);
        } else if self.errors == MAX_LEXICAL_ERRORS {
            let span = diagnostic.primary.as_ref().map(|l| l.span);
            self.diagnostics.push(diagnostic);
            if let Some(span) = span {
                self.diagnostics.push(
                    Diagnostic::error(
                        span,
                        format!("too many lexical errors ({MAX_LEXICAL_ERRORS}); further ones are not shown"),
                    )
                    .with_note("help: is this really a `.fbs` schema file?"),
                );
            }
        }
    }

    fn unexpected_char(&mut self, start: usize) {
        let ch = self.text.get(start..).and_then(|s| s.chars().next());
        let len = ch.map_or(1, char::len_utf8);
        self.pos = start + len;
        // One error for a whole run of stray characters.
        let mut count = 1;
        if ch != Some('#') {
            while self.pos < self.bytes.len() && !starts_token(self.bytes[self.pos]) {
                let next = self.text.get(self.pos..).and_then(|s| s.chars().next());
                self.pos += next.map_or(1, char::len_utf8);
                count += 1;
            }
        }
        let shown = match ch {
            Some(ch) if !ch.is_control() => format!("`{ch}`"),
            Some(ch) => format!("U+{:04X}", u32::from(ch)),
            None => "byte".to_string(),
        };
        let message = if count == 1 {
            format!("unexpected character {shown}")
        } else {
            format!("unexpected characters starting with {shown}")
        };
        let mut d = self
            .error(start, self.pos, message)
            .with_label("not part of the schema language");
        if ch == Some('#') {
            // Probably a shell-style comment: skip the line instead of lexing its words.
            d = d.with_note("help: comments start with `//`");
            while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
                self.pos += 1;
            }
        }
        self.report(d);
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        // Like flatc, a comment ends at `\n` or `\r`.
        while self.pos < self.bytes.len() && !matches!(self.bytes[self.pos], b'\n' | b'\r') {
            self.pos += 1;
        }
        // flatc: `///...` (including `////...`) is a doc comment, text after the third slash.
        if self.bytes.get(start + 2) != Some(&b'/') {
            return;
        }
        if self.line_has_token {
            let d = self
                .error(start, start + 3, "a doc comment `///` must be on a line of its own")
                .with_label("after code on the same line")
                .with_note("help: use `//` for a trailing comment, or move the doc comment to the line before the declaration");
            self.report(d);
            return;
        }
        let line = self.text.get(start + 3..self.pos).unwrap_or("");
        self.pending_docs.push(line.to_string());
    }

    fn block_comment(&mut self) {
        let start = self.pos;
        self.pos += 2;
        loop {
            if self.pos >= self.bytes.len() {
                let d = self
                    .error(start, start + 2, "unterminated block comment")
                    .with_label("comment starts here")
                    .with_note("help: close the comment with `*/`");
                self.report(d);
                return;
            }
            if self.bytes[self.pos] == b'*' && self.peek(1) == b'/' {
                self.pos += 2;
                return;
            }
            self.pos += 1;
        }
    }

    fn string(&mut self, quote: u8) {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut terminated = false;
        while let Some(rest) = self.text.get(self.pos..) {
            let Some(ch) = rest.chars().next() else {
                self.unterminated_string(start);
                break;
            };
            match ch {
                '\n' | '\r' => {
                    self.unterminated_string(start);
                    break;
                }
                '\\' => self.escape(&mut value),
                _ if ch as u32 == u32::from(quote) => {
                    self.pos += 1;
                    terminated = true;
                    break;
                }
                _ if ch.is_control() && (ch as u32) < 0x20 => {
                    let d = self
                        .error(
                            self.pos,
                            self.pos + 1,
                            "control character in string literal",
                        )
                        .with_note("help: write it as an escape such as `\\t` or `\\u0001`");
                    self.report(d);
                    self.pos += 1;
                }
                _ => {
                    value.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        self.push(TokenKind::String, start, value);
        if let Some(token) = self.tokens.last_mut() {
            token.malformed = !terminated;
        }
    }

    fn unterminated_string(&mut self, start: usize) {
        let d = self
            .error(start, self.pos, "unterminated string literal")
            .with_label("string starts here")
            .with_note("help: close the string with a quote on the same line");
        self.report(d);
    }

    fn hex_digits(&self, from: usize, count: usize) -> Option<u32> {
        let digits = self.text.get(from..from.checked_add(count)?)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }

    /// Reads one escape sequence at `self.pos` (which is at the backslash).
    fn escape(&mut self, value: &mut String) {
        let start = self.pos;
        let next = self.text.get(start + 1..).and_then(|s| s.chars().next());
        let simple = match next {
            Some('n') => Some('\n'),
            Some('t') => Some('\t'),
            Some('r') => Some('\r'),
            Some('b') => Some('\u{8}'),
            Some('f') => Some('\u{c}'),
            Some('"') => Some('"'),
            Some('\'') => Some('\''),
            Some('\\') => Some('\\'),
            Some('/') => Some('/'),
            _ => None,
        };
        if let Some(ch) = simple {
            value.push(ch);
            self.pos += 2;
            return;
        }
        match next {
            Some('x') => match self.hex_digits(start + 2, 2) {
                Some(code) if code < 0x80 => {
                    value.push(char::from(code as u8));
                    self.pos += 4;
                }
                Some(_) => {
                    self.pos += 4;
                    let d = self
                        .error(
                            start,
                            self.pos,
                            "`\\x` escape above `\\x7f` is not valid utf-8",
                        )
                        .with_note("help: write the character as `\\u` escape or directly");
                    self.report(d);
                }
                None => {
                    self.pos += 2;
                    let d = self
                        .error(start, self.pos, "`\\x` escape needs two hex digits")
                        .with_note("help: write e.g. `\\x41`");
                    self.report(d);
                }
            },
            Some('u') => self.unicode_escape(start, value),
            Some(other) if other != '\n' && other != '\r' => {
                self.pos += 1 + other.len_utf8();
                let d = self
                    .error(start, self.pos, format!("unknown escape `\\{other}`"))
                    .with_note("help: valid escapes are `\\n`, `\\t`, `\\r`, `\\b`, `\\f`, `\\\"`, `\\'`, `\\\\`, `\\/`, `\\xHH` and `\\uHHHH`");
                self.report(d);
            }
            // A backslash at the end of the line or input: the string is unterminated.
            _ => self.pos += 1,
        }
    }

    fn unicode_escape(&mut self, start: usize, value: &mut String) {
        let Some(high) = self.hex_digits(start + 2, 4) else {
            self.pos += 2;
            let d = self
                .error(start, self.pos, "`\\u` escape needs four hex digits")
                .with_note("help: write e.g. `\\u00e9`");
            self.report(d);
            return;
        };
        self.pos = start + 6;
        if (0xD800..0xDC00).contains(&high) {
            // A surrogate pair: `\uD83D\uDE00`.
            let low = if self.text.get(self.pos..self.pos + 2) == Some("\\u") {
                self.hex_digits(self.pos + 2, 4)
            } else {
                None
            };
            if let Some(low @ 0xDC00..=0xDFFF) = low {
                self.pos += 6;
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                if let Some(ch) = char::from_u32(code) {
                    value.push(ch);
                }
                return;
            }
        }
        match char::from_u32(high) {
            Some(ch) => value.push(ch),
            None => {
                let d = self
                    .error(start, self.pos, "unpaired surrogate in `\\u` escape")
                    .with_note("help: a `\\uD800`-`\\uDBFF` escape must be followed by a `\\uDC00`-`\\uDFFF` escape");
                self.report(d);
            }
        }
    }

    fn digits(&mut self, hex: bool) -> usize {
        let from = self.pos;
        while self.pos < self.bytes.len()
            && (self.bytes[self.pos].is_ascii_digit()
                || (hex && self.bytes[self.pos].is_ascii_hexdigit()))
        {
            self.pos += 1;
        }
        self.pos - from
    }

    fn number(&mut self) {
        let start = self.pos;
        let mut is_float = false;
        let mut problem: Option<&str> = None;
        let hex = self.peek(0) == b'0' && matches!(self.peek(1), b'x' | b'X');
        if hex {
            self.pos += 2;
            let mut count = self.digits(true);
            if self.peek(0) == b'.' {
                is_float = true;
                self.pos += 1;
                count += self.digits(true);
            }
            if count == 0 {
                problem = Some("expected hex digits after `0x`");
            }
            if matches!(self.peek(0), b'p' | b'P') {
                is_float = true;
                self.pos += 1;
                if matches!(self.peek(0), b'+' | b'-') {
                    self.pos += 1;
                }
                if self.digits(false) == 0 {
                    problem = Some("expected digits after the binary exponent `p`");
                }
            } else if is_float {
                problem = Some("a hex float needs a binary exponent such as `p0`");
            }
        } else {
            self.digits(false);
            if self.peek(0) == b'.' {
                is_float = true;
                self.pos += 1;
                self.digits(false);
            }
            if matches!(self.peek(0), b'e' | b'E') {
                is_float = true;
                self.pos += 1;
                if matches!(self.peek(0), b'+' | b'-') {
                    self.pos += 1;
                }
                if self.digits(false) == 0 {
                    problem = Some("expected digits after the exponent `e`");
                }
            }
        }
        if is_ident_continue(self.peek(0)) || self.peek(0) == b'.' {
            while is_ident_continue(self.peek(0)) || self.peek(0) == b'.' {
                self.pos += 1;
            }
            problem = Some("letters or dots right after a number");
        }
        if let Some(problem) = problem {
            let shown = self.text.get(start..self.pos).unwrap_or("");
            let d = self
                .error(start, self.pos, format!("invalid number `{shown}`"))
                .with_label(problem)
                .with_note("help: numbers are written like `42`, `-7`, `0x1F`, `1.5` or `2e10`");
            self.report(d);
        }
        let kind = if is_float {
            TokenKind::Float
        } else {
            TokenKind::Integer
        };
        self.push(kind, start, String::new());
        if let Some(token) = self.tokens.last_mut() {
            token.malformed = problem.is_some();
        }
    }
}
