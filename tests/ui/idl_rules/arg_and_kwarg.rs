// A field is either positional (`arg`) or keyword (`kwarg`), not both.
wamp_idl_runtime::wamp_interface!(
    "ui/idl_rules/schemas/arg_and_kwarg.fbs",
    include = ["ui/_inc"]
);

fn main() {}
