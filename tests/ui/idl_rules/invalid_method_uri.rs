wamp_idl_runtime::wamp_interface!("ui/idl_rules/schemas/invalid_method_uri.fbs", include = ["ui/_inc"]);

fn main() {}
