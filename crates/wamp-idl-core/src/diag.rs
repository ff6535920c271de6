//! Source files, byte spans and diagnostics.
//!
//! Every stage of the front-end reports problems as [`Diagnostic`]s into a
//! [`Diagnostics`] collector instead of returning early, so one run reports
//! every error at once. Rendering follows the `path:line:col: error: message`
//! convention, followed by the source line and a caret, and by secondary
//! labels such as "first defined here".

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span covering `start..end` in `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One loaded source file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user or the include directive named it (used in messages).
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// Byte offset at which each line starts.
    line_starts: Vec<u32>,
}

impl SourceFile {
    fn new(path: PathBuf, text: String) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(self.text.len());
        let col = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1] as usize;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e as usize);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// All source files of one front-end run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty source map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    ///
    /// ```
    /// use wamp_idl_core::diag::SourceMap;
    /// let mut map = SourceMap::new();
    /// let id = map.add("a.fbs", "table T {}\n".to_string());
    /// assert_eq!(map.file(id).line_text(1), "table T {}");
    /// ```
    pub fn add(&mut self, path: impl Into<PathBuf>, text: String) -> FileId {
        self.files.push(SourceFile::new(path.into(), text));
        FileId(self.files.len() as u32 - 1)
    }

    /// The file with the given id.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        let text = &self.file(span.file).text;
        text.get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// Every file, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Finds a file by path.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Does not stop the run; reported but the schema is usable.
    Warning,
    /// The schema is invalid.
    Error,
}

/// A span with a message attached, shown under the source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Lowercase message, schema syntax in backticks.
    pub message: String,
    /// Main location; `None` for problems without a place (e.g. a missing root file).
    pub primary: Option<Label>,
    /// Related locations ("first defined here").
    pub secondary: Vec<Label>,
    /// Trailing `= help: ...` / `= note: ...` lines.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, Some(span), message)
    }

    /// A warning at `span`.
    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, Some(span), message)
    }

    /// An error without a location.
    pub fn error_nowhere(message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, None, message)
    }

    fn new(severity: Severity, span: Option<Span>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            message: message.into(),
            primary: span.map(|span| Label {
                span,
                message: String::new(),
            }),
            secondary: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Sets the text shown under the primary caret.
    pub fn with_label(mut self, message: impl Into<String>) -> Diagnostic {
        if let Some(primary) = &mut self.primary {
            primary.message = message.into();
        }
        self
    }

    /// Adds a secondary label.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a `= note:` or `= help:` line (pass the full text, e.g. `"help: add ..."`).
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// `path:line:col` of the primary span, if any.
    pub fn location(&self, sources: &SourceMap) -> Option<(PathBuf, usize, usize)> {
        let span = self.primary.as_ref()?.span;
        let file = sources.file(span.file);
        let (line, col) = file.line_col(span.start);
        Some((file.path.clone(), line, col))
    }

    /// Renders the diagnostic as text:
    ///
    /// ```text
    /// schemas/calc.fbs:12:5: error: unknown type `Foo`
    ///    |
    /// 12 |     a: Foo;
    ///    |        ^^^ not declared in namespace `calc`
    /// ```
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.location(sources) {
            Some((path, line, col)) => {
                let _ = writeln!(
                    out,
                    "{}:{line}:{col}: {kind}: {}",
                    path.display(),
                    self.message
                );
            }
            None => {
                let _ = writeln!(out, "{kind}: {}", self.message);
            }
        }
        let labels: Vec<&Label> = self.primary.iter().chain(&self.secondary).collect();
        let width = labels
            .iter()
            .map(|l| sources.file(l.span.file).line_col(l.span.start).0)
            .max()
            .map_or(1, |l| l.to_string().len());
        for (i, label) in labels.iter().enumerate() {
            let file = sources.file(label.span.file);
            let (line, col) = file.line_col(label.span.start);
            if i > 0 {
                let _ = writeln!(out, "{:width$}--> {}:{line}:{col}", "", file.path.display());
            }
            let text = file.line_text(line);
            let end_in_line = {
                let (end_line, end_col) = file.line_col(label.span.end);
                if end_line == line {
                    end_col
                } else {
                    text.chars().count() + 1
                }
            };
            let carets = end_in_line.saturating_sub(col).max(1);
            let mark = if i == 0 { '^' } else { '-' };
            let _ = writeln!(out, "{:width$} |", "");
            let _ = writeln!(out, "{line:>width$} | {text}");
            let pad: String = text
                .chars()
                .take(col - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let marks: String = std::iter::repeat_n(mark, carets).collect();
            let _ = write!(out, "{:width$} | {pad}{marks}", "");
            if !label.message.is_empty() {
                let _ = write!(out, " {}", label.message);
            }
            out.push('\n');
        }
        for note in &self.notes {
            let _ = writeln!(out, "{:width$} = {note}", "");
        }
        out
    }
}

/// Collects the diagnostics of one run.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Records a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors recorded.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// All recorded diagnostics, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Consumes the collector, returning diagnostics sorted by file and position
    /// (errors without a location first), so output is stable.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_key(|d| {
            d.primary
                .as_ref()
                .map(|l| (l.span.file, l.span.start, l.span.end))
        });
        self.items
    }

    /// Renders every diagnostic, sorted, separated by blank lines.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut sorted: Vec<&Diagnostic> = self.items.iter().collect();
        sorted.sort_by_key(|d| {
            d.primary
                .as_ref()
                .map(|l| (l.span.file, l.span.start, l.span.end))
        });
        let mut out = String::new();
        for (i, d) in sorted.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&d.render(sources));
        }
        out
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}
