// Two enum values share a number.
wamp_idl_runtime::wamp_interface!("ui/schema_resolve/schemas/enum_duplicate_value.fbs");

fn main() {}
