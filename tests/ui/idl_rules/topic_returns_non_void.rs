wamp_idl_runtime::wamp_interface!("ui/idl_rules/schemas/topic_returns_non_void.fbs", include = ["ui/_inc"]);

fn main() {}
