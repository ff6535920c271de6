// A topic carries its event as the request table and returns `Void`.
wamp_idl_runtime::wamp_interface!(
    "ui/idl_rules/schemas/topic_returns_non_void.fbs",
    include = ["ui/_inc"]
);

fn main() {}
