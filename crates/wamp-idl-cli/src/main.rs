//! The `wamp-idl` command.

fn main() {}
