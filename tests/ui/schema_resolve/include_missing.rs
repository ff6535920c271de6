// The include is in neither the including file's directory nor an include directory.
wamp_idl_runtime::wamp_interface!("ui/schema_resolve/schemas/include_missing.fbs");

fn main() {}
