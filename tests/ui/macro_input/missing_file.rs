// The schema file does not exist.
wamp_idl_runtime::wamp_interface!("ui/macro_input/schemas/no_such_file.fbs");

fn main() {}
