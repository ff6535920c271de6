// `wampid` marks integer fields.
wamp_idl_runtime::wamp_interface!(
    "ui/idl_rules/schemas/wampid_on_string.fbs",
    include = ["ui/_inc"]
);

fn main() {}
