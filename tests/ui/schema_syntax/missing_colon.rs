// A field name is followed by `:` and its type.
wamp_idl_runtime::wamp_interface!("ui/schema_syntax/schemas/missing_colon.fbs");

fn main() {}
