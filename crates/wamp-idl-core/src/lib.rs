//! Front-end and back-end of wamp-idl, as a plain library.
//!
//! Pipeline (one module per stage):
//!
//! ```text
//! .fbs files ──syntax──▶ ast ──resolve──▶ schema::Schema ──idl──▶ idl::Catalog
//!                                              │
//!                                              ├──bfbs──▶ reflection binary schema
//!                                              └──catalog──▶ JSON / Markdown
//! ```
//!
//! Each stage reports into one [`diag::Diagnostics`], so a run shows every
//! problem at once. The proc-macro crate, the CLI and build scripts all call
//! [`compile`].

pub mod bfbs;
pub mod catalog;
pub mod codegen;
pub mod diag;
pub mod idl;
pub mod resolve;
pub mod schema;
pub mod syntax;

use std::path::PathBuf;

pub use resolve::{FileLoader, FsLoader, MemoryLoader};

/// Options of one front-end run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Include directories, searched after the including file's own directory and before
    /// the root file's directory (flatc's `-I`).
    pub include_dirs: Vec<PathBuf>,
}

/// What a front-end run produced.
#[derive(Debug)]
pub struct Compiled {
    /// Every file read.
    pub sources: diag::SourceMap,
    /// Every problem found.
    pub diagnostics: diag::Diagnostics,
    /// The resolved schema, when resolution got far enough to build one
    /// (it may still have errors; check `diagnostics.has_errors()`).
    pub schema: Option<schema::Schema>,
    /// The WAMP IDL view of the schema (interfaces, procedures, topics), when built.
    pub catalog: Option<idl::Catalog>,
}

/// Parses, resolves and checks `roots` (with their includes) and builds the WAMP IDL model.
///
/// Never panics on any input; every problem becomes a diagnostic.
pub fn compile(roots: &[PathBuf], options: &Options, loader: &dyn FileLoader) -> Compiled {
    let mut sources = diag::SourceMap::new();
    let mut diagnostics = diag::Diagnostics::new();
    let schema = resolve::resolve(roots, options, loader, &mut sources, &mut diagnostics);
    let catalog = schema
        .as_ref()
        .map(|schema| idl::build(schema, &sources, &mut diagnostics));
    Compiled {
        sources,
        diagnostics,
        schema,
        catalog,
    }
}
