// `include`, not `includes`.
wamp_idl_runtime::wamp_interface!("ui/macro_input/schemas/calc.fbs", includes = ["ui/_inc"]);

fn main() {}
