// A field must end with `;`.
wamp_idl_runtime::wamp_interface!("ui/schema_syntax/schemas/missing_semicolon.fbs");

fn main() {}
