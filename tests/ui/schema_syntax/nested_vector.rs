// Vectors of vectors are not supported by FlatBuffers.
wamp_idl_runtime::wamp_interface!("ui/schema_syntax/schemas/nested_vector.fbs");

fn main() {}
