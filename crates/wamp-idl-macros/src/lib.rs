//! Procedural macros of wamp-idl.
