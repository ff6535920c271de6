// A method is a `procedure` or a `topic`.
wamp_idl_runtime::wamp_interface!(
    "ui/idl_rules/schemas/unknown_method_type.fbs",
    include = ["ui/_inc"]
);

fn main() {}
