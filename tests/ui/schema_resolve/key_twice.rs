// Only one field can be the `key`.
wamp_idl_runtime::wamp_interface!("ui/schema_resolve/schemas/key_twice.fbs");

fn main() {}
