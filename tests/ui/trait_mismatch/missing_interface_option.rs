// Both `schema` and `interface` are required.
use wamp_idl_runtime::attr::wamp_interface;

#[wamp_interface(schema = "ui/trait_mismatch/schemas/calc.fbs", include = ["ui/_inc"])]
pub trait Calc {}

fn main() {}
