// The schema path is required.
wamp_idl_runtime::wamp_interface!();

fn main() {}
