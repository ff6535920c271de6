// The request type must be the generated request table.
use wamp_idl_runtime::attr::wamp_interface;
use wamp_idl_runtime::CallError;

#[wamp_interface(schema = "ui/trait_mismatch/schemas/calc.fbs", interface = "ICalc", include = ["ui/_inc"])]
pub trait Calc {
    fn add(&self, args: (i32, i32)) -> Result<calc::AddResult, CallError>;
    fn on_add(&self, event: calc::Added);
}

fn main() {}
