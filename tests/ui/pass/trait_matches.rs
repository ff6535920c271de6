// A hand-written trait that matches its interface, in each accepted style,
// implemented, called, and bridged to the generated callee trait.
#![deny(warnings)]

use std::future::Future;

use wamp_idl_runtime::attr::wamp_interface;
use wamp_idl_runtime::CallError;

#[wamp_interface(schema = "ui/pass/schemas/calc.fbs", interface = "ICalc", include = ["ui/_inc"])]
pub trait Calc {
    /// A procedure written as a method returning a `Send` future.
    fn add(
        &self,
        args: calc::AddArgs,
    ) -> impl Future<Output = Result<calc::AddResult, CallError>> + Send;
    /// A topic handler written as an `async fn`.
    #[allow(async_fn_in_trait)]
    async fn on_add(&self, event: calc::Added);
}

pub struct Doubler;

impl Calc for Doubler {
    fn add(
        &self,
        args: calc::AddArgs,
    ) -> impl Future<Output = Result<calc::AddResult, CallError>> + Send {
        async move {
            Ok(calc::AddResult {
                sum: 2 * (args.a + args.b),
            })
        }
    }

    async fn on_add(&self, _event: calc::Added) {}
}

/// The same interface, with the synchronous spellings and the fully qualified name.
mod sync_style {
    use super::*;

    #[wamp_interface(schema = "ui/pass/schemas/calc.fbs", interface = "calc.ICalc", include = ["ui/_inc"])]
    pub trait CalcSync {
        /// A procedure returning its result directly.
        fn add(&self, args: self::calc::AddArgs) -> Result<self::calc::AddResult, CallError>;
    }

    pub struct Adder;

    impl CalcSync for Adder {
        fn add(&self, args: calc::AddArgs) -> Result<calc::AddResult, CallError> {
            Ok(calc::AddResult {
                sum: args.a + args.b,
            })
        }
    }
}

/// Compiles only if `T` implements the generated callee trait (through the bridge).
fn serves_calc<T: calc::ICalc>() {}

fn serves_calc_sync<T: sync_style::calc::ICalc>() {}

fn main() {
    use sync_style::{Adder, CalcSync};
    let result = Adder.add(sync_style::calc::AddArgs { a: 1, b: 2 });
    assert_eq!(result.ok().map(|r| r.sum), Some(3));
    serves_calc::<Doubler>();
    serves_calc_sync::<Adder>();
    let _pending = Doubler.add(calc::AddArgs { a: 1, b: 2 });
    let _handled = Doubler.on_add(calc::Added::default());
}
