// A procedure declared `async fn` in the trait matches the schema, but its
// future is not known to be `Send`, so the trait could never be registered.
use wamp_idl_runtime::attr::wamp_interface;
use wamp_idl_runtime::CallError;

#[wamp_interface(schema = "ui/trait_mismatch/schemas/calc.fbs", interface = "ICalc", include = ["ui/_inc"])]
pub trait Calc {
    async fn add(&self, args: calc::AddArgs) -> Result<calc::AddResult, CallError>;
}

fn main() {}
