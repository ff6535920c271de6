// A URI template placeholder is `<name>` or `<name:type>` with a lowercase name;
// `add` has no `wampuri`, so its URI is the interface's template plus `.add`.
wamp_idl_runtime::wamp_interface!(
    "ui/idl_rules/schemas/invalid_uri_template.fbs",
    include = ["ui/_inc"]
);

fn main() {}
