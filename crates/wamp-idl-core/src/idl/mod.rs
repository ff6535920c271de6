//! The WAMP IDL layer: interfaces, procedures, topics and payload tables on
//! top of a resolved schema, with every WAMP attribute checked.
//!
//! WAMP IDL (spec: `rfc/text/advanced/interface_idl.md`) reuses FlatBuffers:
//!
//! ```text
//! include "wamp.fbs";
//! namespace com.example;
//!
//! table AddArgs { a: int; b: int; }
//! table AddResult { sum: int; }
//! table Added { sum: int; by: string (kwarg, wampname); }
//!
//! rpc_service ICalc (type: "interface", uuid: "4ac8a6b5-9d2b-4a5c-8a3c-5e0f0d7e3b11",
//!                    wampuri: "com.example") {
//!     add (AddArgs): AddResult (type: "procedure", wampuri: "com.example.add");
//!     on_add (Added): wamp.Void (type: "topic", wampuri: "com.example.on_add");
//! }
//! ```
//!
//! [`build`] turns the resolved [`Schema`] into a [`Catalog`]; see [`check`] for
//! the rules and the decisions taken where the spec leaves room.

pub mod check;
pub mod model;
pub mod rust_trait;
pub mod uri;

pub use check::build;
pub use model::{
    Catalog, Interface, Method, MethodKind, Payload, PayloadField, ValueConstraint, MAX_WAMP_ID,
};
pub use uri::{is_canonical_uuid, UriRule};

use crate::schema::{Schema, Type};

/// A field type as schema text: `int`, `string`, `[ns.Table]`, `[ubyte:16]`, `ns.Enum`.
pub fn type_text(schema: &Schema, ty: &Type) -> String {
    let object = |id: crate::schema::ObjectId| {
        schema
            .objects
            .get(id.0 as usize)
            .map_or_else(|| format!("<object {}>", id.0), |o| o.full_name())
    };
    let enum_name = |id: crate::schema::EnumId| {
        schema
            .enums
            .get(id.0 as usize)
            .map_or_else(|| format!("<enum {}>", id.0), |e| e.full_name())
    };
    match ty {
        Type::Scalar(s) => s.keyword().to_string(),
        Type::Enum(id) | Type::Union(id) => enum_name(*id),
        Type::UnionType(id) => format!("{}_type", enum_name(*id)),
        Type::String => "string".to_string(),
        Type::Table(id) | Type::Struct(id) => object(*id),
        Type::Vector(inner) => format!("[{}]", type_text(schema, inner)),
        Type::Array(inner, n) => format!("[{}:{n}]", type_text(schema, inner)),
    }
}
