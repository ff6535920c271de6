// The attribute goes on a trait.
use wamp_idl_runtime::attr::wamp_interface;

#[wamp_interface(schema = "ui/trait_mismatch/schemas/calc.fbs", interface = "ICalc", include = ["ui/_inc"])]
pub struct Calc;

fn main() {}
