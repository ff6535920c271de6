// `#` does not start a comment in .fbs files.
wamp_idl_runtime::wamp_interface!("ui/schema_syntax/schemas/unexpected_character.fbs");

fn main() {}
