// The path names a directory, not a schema file.
wamp_idl_runtime::wamp_interface!("ui/macro_input/schemas");

fn main() {}
