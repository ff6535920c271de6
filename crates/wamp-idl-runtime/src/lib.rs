//! Runtime of wamp-idl generated code.
