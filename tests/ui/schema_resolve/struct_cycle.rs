// Structs that contain each other.
wamp_idl_runtime::wamp_interface!("ui/schema_resolve/schemas/struct_cycle.fbs");

fn main() {}
