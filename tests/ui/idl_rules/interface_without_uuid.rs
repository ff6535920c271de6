// Every interface needs a `uuid`.
wamp_idl_runtime::wamp_interface!(
    "ui/idl_rules/schemas/interface_without_uuid.fbs",
    include = ["ui/_inc"]
);

fn main() {}
