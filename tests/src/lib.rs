//! Integration tests of wamp-idl's code generator; see `tests/`.
//!
//! The schemas in `schemas/` exercise the whole FlatBuffers language (nested
//! tables, vectors of tables, unions, structs with arrays, enums, `bit_flags`,
//! includes across files and namespaces, keys, optional scalars, and names that
//! clash with Rust: a table named `Result`, a field named `type`).
//!
//! The expansions below live in this library under `#![deny(warnings, missing_docs)]`,
//! so any warning or undocumented item in generated code fails the build.

#![deny(warnings, missing_docs)]
#![forbid(unsafe_code)]

/// The main test catalog (`schemas/game.fbs`, including `common.fbs` and `wamp.fbs`).
pub mod game {
    wamp_idl_runtime::wamp_interface!("schemas/game.fbs", include = ["../schemas"]);
}

/// The typed-interface test catalog (`schemas/calc.fbs`): interface code under `#![deny(warnings, missing_docs)]`.
pub mod calc {
    wamp_idl_runtime::wamp_interface!("schemas/calc.fbs", include = ["../schemas"]);
}

/// The WAMP meta API catalog of the workspace (`schemas/wamp-meta.fbs`).
pub mod meta {
    wamp_idl_runtime::wamp_interface!("../schemas/wamp-meta.fbs");
}

/// The base library of the workspace (`schemas/wamp.fbs`) on its own.
pub mod wamp_base {
    wamp_idl_runtime::wamp_interface!("../schemas/wamp.fbs");
}

/// The WAMP FlatBuffers envelope (`schemas/wamp/message.fbs`, which includes
/// every other file of `schemas/wamp/`).
pub mod envelope {
    wamp_idl_runtime::wamp_interface!("../schemas/wamp/message.fbs");
}

/// The dynamic authentication and authorization catalog (`schemas/wamp-auth.fbs`).
pub mod auth {
    wamp_idl_runtime::wamp_interface!("../schemas/wamp-auth.fbs");
}

/// The router-worker control catalog (`schemas/wamp-control.fbs`): an
/// interface whose URIs are templates and whose methods have no `wampuri`.
pub mod control {
    wamp_idl_runtime::wamp_interface!("../schemas/wamp-control.fbs");
}

/// The key-exchange placeholders (`schemas/wamp-exchange.fbs`): methods
/// without `type` or `wampuri`.
// Its three interfaces all declare `wamp.fixme`: the macro warns twice.
#[allow(deprecated)]
pub mod exchange {
    wamp_idl_runtime::wamp_interface!("../schemas/wamp-exchange.fbs");
}

/// The formatted expansion of `schemas/game.fbs` (the snapshot), compiled as
/// ordinary source: lints such as `missing_docs` and clippy's are not all
/// reported inside macro expansions, but they are here.
pub mod game_snapshot {
    include!("../snapshots/game.rs");
}

/// The formatted expansion of `schemas/calc.fbs` (interfaces snapshot), compiled
/// as ordinary source so every lint applies to the interface code too.
pub mod calc_snapshot {
    include!("../snapshots/calc.rs");
}
