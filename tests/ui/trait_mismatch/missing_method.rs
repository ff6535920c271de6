// The procedure `add` has no method.
use wamp_idl_runtime::attr::wamp_interface;

#[wamp_interface(schema = "ui/trait_mismatch/schemas/calc.fbs", interface = "ICalc", include = ["ui/_inc"])]
pub trait Calc {
    fn on_add(&self, event: calc::Added);
}

fn main() {}
