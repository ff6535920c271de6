// `ICalk` is not declared; the closest interface is suggested.
use wamp_idl_runtime::attr::wamp_interface;
use wamp_idl_runtime::CallError;

#[wamp_interface(schema = "ui/trait_mismatch/schemas/calc.fbs", interface = "ICalk", include = ["ui/_inc"])]
pub trait Calc {
    fn add(&self, args: calc::AddArgs) -> Result<calc::AddResult, CallError>;
    fn on_add(&self, event: calc::Added);
}

fn main() {}
