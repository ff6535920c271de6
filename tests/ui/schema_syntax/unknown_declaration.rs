// A misspelled declaration keyword.
wamp_idl_runtime::wamp_interface!("ui/schema_syntax/schemas/unknown_declaration.fbs");

fn main() {}
