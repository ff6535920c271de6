//! Resolution: loading includes, namespaces and name lookup, type resolution,
//! field ids, struct layout, enum values, default values, attribute rules.
//!
//! The stages, each in its own module, mirror what flatc does while parsing:
//!
//! 1. `load`: read every root and, depth first, every file it includes
//!    (relative to the including file, then the include directories), each
//!    file once; the declarations come out in the order flatc sees them.
//! 2. `names`: register every declaration under its full name, then
//!    resolve field types, union members, `root_type` and rpc methods with
//!    flatc's lookup (current namespace, then outward to the root).
//! 3. `values`: enum and union values, then field defaults.
//! 4. `layout`: table slot ids and vtable offsets, struct sizes, alignment
//!    and padding.
//! 5. `attributes`: the rules of flatc's built-in attributes and the
//!    declaration of user attributes.
//!
//! Every stage reports into the shared [`Diagnostics`] and keeps going, so one
//! run reports every problem.
//!
//! Where we knowingly differ from flatc 25.12.19:
//!
//! * any declaration may be used before it is declared (flatc wants enums
//!   first), user attributes may be declared anywhere in the schema set, and
//!   enum defaults may be qualified (`Color.Red`);
//! * an include cycle is a warning naming the chain (flatc silently skips the
//!   file being parsed, as we do);
//! * rejected although flatc accepts them: duplicate union values, duplicate
//!   enum values made by implicit numbering, a `bool` default other than 0/1,
//!   `"A B"` defaults on enums without `bit_flags`, union tag types other than
//!   `ubyte` (flatc rejects them for Rust), and structs whose field offsets
//!   overflow 16 bits (flatc truncates them);
//! * `force_align` on a table and `bit_flags` outside enums are warnings
//!   (flatc ignores them silently).

mod attributes;
mod layout;
mod load;
mod names;
mod values;

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostics, SourceMap, Span};
use crate::schema::{EnumId, ObjectId, Schema};
use crate::syntax::ast;
use crate::Options;

/// Where source files come from (the file system, or memory in tests and fuzzing).
pub trait FileLoader {
    /// Reads a file's text.
    fn load(&self, path: &Path) -> io::Result<String>;
    /// Whether a file exists (used to search include directories).
    fn exists(&self, path: &Path) -> bool;
    /// A key identifying the file behind `path`, so one file reached by two
    /// spellings (`a/../b.fbs`, a symlink) is read once. Defaults to the
    /// lexically normalized path.
    fn canonical(&self, path: &Path) -> PathBuf {
        normalize_lexically(path)
    }
}

/// Reads from the file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsLoader;

impl FileLoader for FsLoader {
    fn load(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }
    fn exists(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| normalize_lexically(path))
    }
}

/// Serves files from memory, keyed by path.
///
/// ```
/// use std::path::PathBuf;
/// use wamp_idl_core::{compile, MemoryLoader, Options};
///
/// let loader = MemoryLoader::new()
///     .with("main.fbs", "include \"types.fbs\";\ntable Call { a: Point; }\n")
///     .with("types.fbs", "struct Point { x: int; y: int; }\n");
/// let compiled = compile(&[PathBuf::from("main.fbs")], &Options::default(), &loader);
/// # let _ = compiled;
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemoryLoader {
    files: Vec<(PathBuf, String)>,
}

impl MemoryLoader {
    /// An empty loader.
    pub fn new() -> MemoryLoader {
        MemoryLoader::default()
    }

    /// Adds a file.
    pub fn with(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> MemoryLoader {
        self.files.push((path.into(), text.into()));
        self
    }

    fn find(&self, path: &Path) -> Option<&String> {
        let wanted = normalize_lexically(path);
        self.files
            .iter()
            .find(|(p, _)| normalize_lexically(p) == wanted)
            .map(|(_, t)| t)
    }
}

impl FileLoader for MemoryLoader {
    fn load(&self, path: &Path) -> io::Result<String> {
        self.find(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }
    fn exists(&self, path: &Path) -> bool {
        self.find(path).is_some()
    }
}

/// Removes `.` components and folds `dir/..` pairs, without touching the file system.
///
/// A leading `..` (or one after the root) is kept, so relative paths stay relative.
pub(crate) fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// Loads `roots` and their includes, then resolves them into one [`Schema`].
///
/// Returns `None` only when no root file could be read; otherwise a schema
/// with everything that resolved (check `diagnostics.has_errors()`).
pub fn resolve(
    roots: &[PathBuf],
    options: &Options,
    loader: &dyn FileLoader,
    sources: &mut SourceMap,
    diagnostics: &mut Diagnostics,
) -> Option<Schema> {
    let loaded = load::load(roots, options, loader, sources, diagnostics);
    if loaded.roots_loaded == 0 {
        return None;
    }
    let mut ctx = Ctx::new(diagnostics);
    ctx.schema.files = loaded
        .files
        .iter()
        .map(|f| crate::schema::SchemaFileInfo {
            file: f.id,
            includes: f.includes.clone(),
        })
        .collect();
    ctx.declare(&loaded);
    ctx.resolve_fields();
    ctx.resolve_enum_values();
    ctx.resolve_unions();
    ctx.resolve_items(&loaded);
    ctx.layout_tables();
    ctx.layout_structs();
    ctx.resolve_defaults();
    ctx.check_attributes();
    Some(ctx.schema)
}

/// A type name registered in the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Symbol {
    Object(ObjectId),
    Enum(EnumId),
}

/// A declaration's source, kept next to the model entry it became.
struct ObjectSrc<'a> {
    decl: &'a ast::Compound,
    namespace: &'a [String],
    /// Per model field: the syntax field it came from.
    fields: Vec<&'a ast::Field>,
    /// Some syntax field was dropped after an error (so ids need not be dense).
    incomplete: bool,
}

/// The source of an enum or a union.
enum EnumDeclSrc<'a> {
    Enum(&'a ast::EnumDecl),
    Union(&'a ast::UnionDecl),
}

struct EnumSrc<'a> {
    decl: EnumDeclSrc<'a>,
    namespace: &'a [String],
    /// Union members that named a valid type, with their syntax.
    members: Vec<&'a ast::UnionMemberDecl>,
}

/// State shared by the resolution stages.
struct Ctx<'a> {
    diags: &'a mut Diagnostics,
    schema: Schema,
    /// Full name → declaration, with where it was declared.
    symbols: HashMap<String, (Symbol, Span)>,
    objects: Vec<ObjectSrc<'a>>,
    enums: Vec<EnumSrc<'a>>,
    /// Names declared with `attribute "name";` anywhere in the schema set.
    declared_attributes: HashSet<String>,
    /// Every `rpc_service` that became a model service.
    services_src: Vec<&'a ast::ServiceDecl>,
}

impl<'a> Ctx<'a> {
    fn new(diags: &'a mut Diagnostics) -> Ctx<'a> {
        Ctx {
            diags,
            schema: Schema::default(),
            symbols: HashMap::new(),
            objects: Vec::new(),
            enums: Vec::new(),
            declared_attributes: HashSet::new(),
            services_src: Vec::new(),
        }
    }
}

/// Label for a name that lookup did not find from `namespace`.
fn not_found_in(namespace: &[String]) -> String {
    if namespace.is_empty() {
        "not declared in the root namespace".to_string()
    } else {
        format!(
            "not declared in namespace `{}` or an enclosing one",
            namespace.join(".")
        )
    }
}
