// Every procedure and topic needs its full `wampuri`.
wamp_idl_runtime::wamp_interface!(
    "ui/idl_rules/schemas/method_without_wampuri.fbs",
    include = ["ui/_inc"]
);

fn main() {}
