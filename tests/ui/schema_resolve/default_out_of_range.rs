// The default does not fit the field type.
wamp_idl_runtime::wamp_interface!("ui/schema_resolve/schemas/default_out_of_range.fbs");

fn main() {}
