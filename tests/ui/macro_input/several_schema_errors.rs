// Every schema error is reported in one build, each at the path literal.
wamp_idl_runtime::wamp_interface!(
    "ui/macro_input/schemas/several_errors.fbs",
    include = ["ui/_inc"]
);

fn main() {}
