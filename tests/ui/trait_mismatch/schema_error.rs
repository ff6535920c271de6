// A broken schema: its errors only, at the schema path.
use wamp_idl_runtime::attr::wamp_interface;

#[wamp_interface(schema = "ui/trait_mismatch/schemas/broken.fbs", interface = "ICalc")]
pub trait Calc {
    fn add(&self, args: calc::AddArgs);
}

fn main() {}
