// A field name is used twice.
wamp_idl_runtime::wamp_interface!("ui/schema_resolve/schemas/duplicate_field.fbs");

fn main() {}
