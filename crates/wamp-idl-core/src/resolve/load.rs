//! Loading the root files and, depth first, the files they include.
//!
//! flatc looks an include up relative to the including file's directory, then
//! in each include directory in order, then in the root file's directory
//! (flatc's command line adds it last), and parses an included file at the
//! point of its `include` (before the rest of the including file), once. We do
//! the same, and flatten the declarations of all files into the order flatc
//! sees them. Each file starts in the root namespace.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use super::{normalize_lexically, FileLoader};
use crate::diag::{Diagnostic, Diagnostics, FileId, SourceMap};
use crate::syntax::{self, ast};
use crate::Options;

/// Deeper include chains than this are reported instead of followed.
const MAX_INCLUDE_DEPTH: usize = 128;

/// One file read and parsed.
pub(super) struct LoadedFile {
    /// Its id in the source map.
    pub id: FileId,
    /// The parsed syntax tree.
    pub ast: ast::SchemaFile,
    /// Files it includes directly, in order.
    pub includes: Vec<FileId>,
    /// Named as a root (flatc applies `root_type`, `file_identifier` and
    /// `file_extension` only from the files it was asked to compile).
    pub is_root: bool,
}

/// A declaration (not an include or namespace statement) in flatc order.
pub(super) struct DeclRef {
    /// Index into [`Loaded::files`].
    pub file: usize,
    /// Index into that file's items.
    pub item: usize,
    /// Index into [`Loaded::namespaces`]: the namespace in force at the declaration.
    pub namespace: usize,
}

/// Everything loading produced.
pub(super) struct Loaded {
    /// Every file read, in the order it was first reached.
    pub files: Vec<LoadedFile>,
    /// Declarations of all files, in the order flatc parses them.
    pub decls: Vec<DeclRef>,
    /// Distinct namespaces referred to by [`DeclRef::namespace`].
    pub namespaces: Vec<Vec<String>>,
    /// How many root files could be read.
    pub roots_loaded: usize,
}

impl Loaded {
    /// The syntax item a declaration refers to.
    pub fn item(&self, decl: &DeclRef) -> Option<&ast::Item> {
        self.files.get(decl.file)?.ast.items.get(decl.item)
    }

    /// The namespace of a declaration.
    pub fn namespace(&self, decl: &DeclRef) -> &[String] {
        self.namespaces
            .get(decl.namespace)
            .map_or(&[][..], |n| n.as_slice())
    }
}

/// What to do for one item of a file, decided before recursing.
enum Step {
    Include(ast::StringLit),
    Namespace(Vec<String>),
    Decl(usize),
}

struct Reader<'r> {
    loader: &'r dyn FileLoader,
    include_dirs: &'r [PathBuf],
    sources: &'r mut SourceMap,
    diags: &'r mut Diagnostics,
    loaded: Loaded,
    /// Canonical key → index into `loaded.files`.
    by_key: HashMap<PathBuf, usize>,
    /// Files being loaded (outermost first), as `(key, index)`, to detect cycles.
    stack: Vec<(PathBuf, usize)>,
    /// Directory of the root file being loaded: flatc searches it after the
    /// include directories.
    root_dir: PathBuf,
}

/// Reads every root and its includes.
pub(super) fn load(
    roots: &[PathBuf],
    options: &Options,
    loader: &dyn FileLoader,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Loaded {
    let mut reader = Reader {
        loader,
        include_dirs: &options.include_dirs,
        sources,
        diags,
        loaded: Loaded {
            files: Vec::new(),
            decls: Vec::new(),
            namespaces: vec![Vec::new()],
            roots_loaded: 0,
        },
        by_key: HashMap::new(),
        stack: Vec::new(),
        root_dir: PathBuf::new(),
    };
    if roots.is_empty() {
        reader
            .diags
            .push(Diagnostic::error_nowhere("no schema file to compile"));
    }
    for root in roots {
        reader.load_root(root);
    }
    reader.loaded
}

/// A short reason for an I/O error (invalid UTF-8 said plainly).
fn describe_io_error(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::InvalidData => "the file is not valid UTF-8".to_string(),
        io::ErrorKind::NotFound => "no such file".to_string(),
        _ => err.to_string(),
    }
}

impl Reader<'_> {
    fn load_root(&mut self, path: &Path) {
        self.root_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let key = self.loader.canonical(path);
        if let Some(&index) = self.by_key.get(&key) {
            // Already read as an include of an earlier root (or listed twice).
            if let Some(file) = self.loaded.files.get_mut(index) {
                file.is_root = true;
            }
            self.loaded.roots_loaded += 1;
            return;
        }
        match self.loader.load(path) {
            Ok(text) => {
                let index = self.add_file(key.clone(), path, text);
                if let Some(file) = self.loaded.files.get_mut(index) {
                    file.is_root = true;
                }
                self.loaded.roots_loaded += 1;
                self.visit(index, key);
            }
            Err(err) => {
                self.diags.push(Diagnostic::error_nowhere(format!(
                    "cannot read schema file `{}`: {}",
                    path.display(),
                    describe_io_error(&err)
                )));
            }
        }
    }

    /// Registers a file's text, parses it and returns its index.
    fn add_file(&mut self, key: PathBuf, path: &Path, text: String) -> usize {
        let shown = normalize_lexically(path);
        let id = self.sources.add(shown, text);
        let ast = syntax::parse(id, &self.sources.file(id).text, self.diags);
        let index = self.loaded.files.len();
        self.loaded.files.push(LoadedFile {
            id,
            ast,
            includes: Vec::new(),
            is_root: false,
        });
        self.by_key.insert(key, index);
        index
    }

    /// Walks a freshly added file, loading includes depth first and recording
    /// declarations; the file stays on the include stack meanwhile.
    fn visit(&mut self, index: usize, key: PathBuf) {
        self.stack.push((key, index));
        let steps: Vec<Step> = match self.loaded.files.get(index) {
            Some(file) => file
                .ast
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| match &item.kind {
                    ast::ItemKind::Include(lit) => Step::Include(lit.clone()),
                    ast::ItemKind::Namespace(name) => Step::Namespace(
                        name.iter()
                            .flat_map(|n| n.parts.iter().map(|p| p.name.clone()))
                            .collect(),
                    ),
                    _ => Step::Decl(i),
                })
                .collect(),
            None => Vec::new(),
        };
        let mut namespace = 0;
        for step in steps {
            match step {
                Step::Include(lit) => self.include(index, &lit),
                Step::Namespace(parts) => namespace = self.intern_namespace(parts),
                Step::Decl(item) => self.loaded.decls.push(DeclRef {
                    file: index,
                    item,
                    namespace,
                }),
            }
        }
        self.stack.pop();
    }

    fn intern_namespace(&mut self, parts: Vec<String>) -> usize {
        if let Some(i) = self.loaded.namespaces.iter().position(|n| *n == parts) {
            return i;
        }
        self.loaded.namespaces.push(parts);
        self.loaded.namespaces.len() - 1
    }

    fn include(&mut self, from: usize, lit: &ast::StringLit) {
        let Some(from_file) = self.loaded.files.get(from) else {
            return;
        };
        let from_id = from_file.id;
        if lit.value.is_empty() {
            self.diags.push(
                Diagnostic::error(lit.span, "empty include path")
                    .with_label("expected a file name")
                    .with_note(
                        "help: write the schema file to include, e.g. `include \"types.fbs\";`",
                    ),
            );
            return;
        }
        let name = Path::new(&lit.value);
        let from_dir = self
            .sources
            .file(from_id)
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut tried = Vec::new();
        let mut found = None;
        let dirs = std::iter::once(&from_dir)
            .chain(self.include_dirs.iter())
            .chain(std::iter::once(&self.root_dir));
        for dir in dirs {
            let candidate = normalize_lexically(&dir.join(name));
            if self.loader.exists(&candidate) {
                found = Some(candidate);
                break;
            }
            if !tried.contains(&candidate) {
                tried.push(candidate);
            }
        }
        let Some(path) = found else {
            let list: Vec<String> = tried.iter().map(|p| format!("`{}`", p.display())).collect();
            let mut diag = Diagnostic::error(
                lit.span,
                format!("cannot find included file `{}`", lit.value),
            )
            .with_label("not found")
            .with_note(format!("note: looked for {}", list.join(", ")));
            diag = diag.with_note(if self.include_dirs.is_empty() {
                "help: check the path (it is relative to the including file), or pass the directory that holds it as an include directory".to_string()
            } else {
                "help: check the path (it is relative to the including file or to an include directory)".to_string()
            });
            self.diags.push(diag);
            return;
        };
        let key = self.loader.canonical(&path);
        if let Some(pos) = self.stack.iter().position(|(k, _)| *k == key) {
            let mut chain: Vec<String> = self.stack[pos..]
                .iter()
                .filter_map(|(_, i)| self.loaded.files.get(*i))
                .map(|f| format!("`{}`", self.sources.file(f.id).path.display()))
                .collect();
            chain.push(format!("`{}`", path.display()));
            // flatc skips a file that is already being parsed (its own test
            // schemas include themselves), so a cycle is only worth a warning:
            // every declaration is still read once.
            self.diags.push(
                Diagnostic::warning(lit.span, format!("include cycle: {}", chain.join(" → ")))
                    .with_label("already being read; this include is skipped")
                    .with_note("help: remove this include, or move the declarations both files need into a third file"),
            );
            if let Some(&existing) = self.by_key.get(&key) {
                let id = self.loaded.files.get(existing).map(|f| f.id);
                self.record_include(from, id);
            }
            return;
        }
        if let Some(&existing) = self.by_key.get(&key) {
            let id = self.loaded.files.get(existing).map(|f| f.id);
            self.record_include(from, id);
            return;
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            self.diags.push(
                Diagnostic::error(lit.span, "includes are nested too deeply")
                    .with_label(format!("more than {MAX_INCLUDE_DEPTH} files deep")),
            );
            return;
        }
        match self.loader.load(&path) {
            Ok(text) => {
                let index = self.add_file(key.clone(), &path, text);
                let id = self.loaded.files.get(index).map(|f| f.id);
                self.record_include(from, id);
                self.visit(index, key);
            }
            Err(err) => {
                self.diags.push(
                    Diagnostic::error(
                        lit.span,
                        format!("cannot read included file `{}`", path.display()),
                    )
                    .with_label(describe_io_error(&err)),
                );
            }
        }
    }

    fn record_include(&mut self, from: usize, id: Option<FileId>) {
        if let (Some(file), Some(id)) = (self.loaded.files.get_mut(from), id) {
            if !file.includes.contains(&id) {
                file.includes.push(id);
            }
        }
    }
}
