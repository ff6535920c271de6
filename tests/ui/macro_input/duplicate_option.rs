// Each option may be given once.
wamp_idl_runtime::wamp_interface!(
    "ui/macro_input/schemas/calc.fbs",
    include = ["ui/_inc"],
    runtime = ::wamp_idl_runtime,
    runtime = ::wamp_idl_runtime,
);

fn main() {}
