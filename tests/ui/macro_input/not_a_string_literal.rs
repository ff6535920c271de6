// The schema path must be a string literal.
wamp_idl_runtime::wamp_interface!(ui::macro_input::schemas::calc);

fn main() {}
