// String literals end on the line they start.
wamp_idl_runtime::wamp_interface!("ui/schema_syntax/schemas/unterminated_string.fbs");

fn main() {}
