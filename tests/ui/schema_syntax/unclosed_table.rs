// A table body that is never closed.
wamp_idl_runtime::wamp_interface!("ui/schema_syntax/schemas/unclosed_table.fbs");

fn main() {}
