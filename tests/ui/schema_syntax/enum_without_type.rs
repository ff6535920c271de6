// An enum needs an underlying integer type.
wamp_idl_runtime::wamp_interface!("ui/schema_syntax/schemas/enum_without_type.fbs");

fn main() {}
