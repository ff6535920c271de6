// Method URIs follow the WAMP URI rules: no empty components.
wamp_idl_runtime::wamp_interface!(
    "ui/idl_rules/schemas/invalid_method_uri.fbs",
    include = ["ui/_inc"]
);

fn main() {}
