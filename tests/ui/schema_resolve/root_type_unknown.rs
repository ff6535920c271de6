// `root_type` names an undeclared table.
wamp_idl_runtime::wamp_interface!("ui/schema_resolve/schemas/root_type_unknown.fbs");

fn main() {}
