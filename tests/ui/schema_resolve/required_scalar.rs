// Scalars cannot be `required`.
wamp_idl_runtime::wamp_interface!("ui/schema_resolve/schemas/required_scalar.fbs");

fn main() {}
