// Every mismatch is reported in one build.
use wamp_idl_runtime::attr::wamp_interface;
use wamp_idl_runtime::CallError;

#[wamp_interface(schema = "ui/trait_mismatch/schemas/calc.fbs", interface = "ICalc", include = ["ui/_inc"])]
pub trait Calc {
    fn add(&self, args: calc::AddResult) -> Result<calc::AddArgs, CallError>;
    fn on_ad(&self, event: calc::Added);
    fn tick(&self, event: calc::Added);
}

fn main() {}
