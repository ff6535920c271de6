// Include directories are relative to the crate too.
wamp_idl_runtime::wamp_interface!("ui/macro_input/schemas/calc.fbs", include = ["/ui/_inc"]);

fn main() {}
