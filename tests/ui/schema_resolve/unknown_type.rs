// A field of an undeclared type.
wamp_idl_runtime::wamp_interface!("ui/schema_resolve/schemas/unknown_type.fbs");

fn main() {}
