//! Support code for wamp-idl generated code. Not a public API: names and
//! signatures change without notice. Generated code reaches it through
//! `::wamp_idl_runtime::__private`.
//!
//! Everything here is safe code. The `flatbuffers` crate's read path
//! (`Follow`, `Table::get`) is `unsafe`, so generated readers use the
//! bounds-checked [`reader`] instead; buffers are still verified first with
//! flatbuffers' safe [`flatbuffers::Verifier`], so the checks never fail on a
//! verified buffer but no wrong schema can cause undefined behaviour. Strings
//! are verified by range only and UTF-8-checked once, when read (see [`verify`]).

pub mod builder;
pub mod payload_union;
pub mod reader;
pub mod unpack;
pub mod validate;
pub mod verify;

pub use flatbuffers;
pub use serde;
pub use serde_json;

pub use reader::{Element, Scalar, Table, UnionMember, UnionVector, Vector};
pub use validate::{FieldPath, ValidationError};
pub use verify::{DecodeError, VerifyOptions};
