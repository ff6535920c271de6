//! `#[wamp_interface]` on a hand-written trait, end to end: every
//! implementation of the trait serves the interface through the generated
//! callee trait's `register_all`, and the generated client calls it over the
//! in-process router.

use std::future::Future;
use std::sync::Arc;

use futures::executor::block_on;
use wamp_idl_runtime::attr::wamp_interface;
use wamp_idl_runtime::router::Router;
use wamp_idl_runtime::{CallError, Serializer};

mod asynchronous {
    use super::*;

    /// The calculator, written by hand.
    #[wamp_interface(schema = "ui/pass/schemas/calc.fbs", interface = "ICalc", include = ["ui/_inc"])]
    pub trait Calc {
        /// Adds.
        fn add(
            &self,
            args: calc::AddArgs,
        ) -> impl Future<Output = Result<calc::AddResult, CallError>> + Send;
    }
}

mod synchronous {
    use super::*;

    /// The calculator, with a synchronous method.
    #[wamp_interface(schema = "ui/pass/schemas/calc.fbs", interface = "calc.ICalc", include = ["ui/_inc"])]
    pub trait CalcSync {
        /// Adds, refusing overflow.
        fn add(&self, args: calc::AddArgs) -> Result<calc::AddResult, CallError>;
    }
}

struct Doubler;

impl asynchronous::Calc for Doubler {
    async fn add(
        &self,
        args: asynchronous::calc::AddArgs,
    ) -> Result<asynchronous::calc::AddResult, CallError> {
        Ok(asynchronous::calc::AddResult {
            sum: 2 * (args.a + args.b),
        })
    }
}

struct Checked;

impl synchronous::CalcSync for Checked {
    fn add(
        &self,
        args: synchronous::calc::AddArgs,
    ) -> Result<synchronous::calc::AddResult, CallError> {
        let sum = args
            .a
            .checked_add(args.b)
            .ok_or_else(|| CallError::invalid_argument("args: the sum overflows i32"))?;
        Ok(synchronous::calc::AddResult { sum })
    }
}

#[test]
fn an_async_style_trait_is_served_through_the_generated_glue() {
    use asynchronous::calc::{AddArgs, ICalc, ICalcClient};
    block_on(async {
        let router = Router::new();
        let callee = router.join(Serializer::Cbor).unwrap();
        let caller = router.join(Serializer::Json).unwrap();
        let registrations = ICalc::register_all(Arc::new(Doubler), &callee)
            .await
            .unwrap();
        assert_eq!(registrations.len(), 1);
        let client = ICalcClient::new(caller);
        let result = client.add(&AddArgs { a: 2, b: 3 }).await.unwrap();
        assert_eq!(result.sum, 10);
    });
}

#[test]
fn a_sync_style_trait_is_served_and_its_errors_reach_the_caller() {
    use synchronous::calc::{AddArgs, ICalc, ICalcClient};
    block_on(async {
        let router = Router::new();
        let callee = router.join(Serializer::MsgPack).unwrap();
        let caller = router.join(Serializer::Cbor).unwrap();
        let _registrations = ICalc::register_all(Arc::new(Checked), &callee)
            .await
            .unwrap();
        let client = ICalcClient::new(caller);
        let sum = client.add(&AddArgs { a: 40, b: 2 }).await.unwrap();
        assert_eq!(sum.sum, 42);
        let error = client
            .add(&AddArgs { a: i32::MAX, b: 1 })
            .await
            .unwrap_err();
        assert!(error.to_string().contains("overflows"), "{error}");
    });
}

mod templated {
    use super::*;

    /// A hand-written trait for an interface with URI templates.
    #[wamp_interface(schema = "schemas/templated.fbs", interface = "IShard", include = ["../schemas"])]
    pub trait Shard {
        /// Greets.
        fn greet(&self, hello: shard::Hello) -> Result<shard::Greeting, CallError>;
    }
}

struct Greeter;

impl templated::Shard for Greeter {
    fn greet(
        &self,
        hello: templated::shard::Hello,
    ) -> Result<templated::shard::Greeting, CallError> {
        Ok(templated::shard::Greeting {
            text: Some(format!("hello {}", hello.name)),
        })
    }
}

#[test]
fn templated_interface_through_a_hand_written_trait() {
    use templated::shard::{i_shard, IShard, IShardClient};
    let router = Router::new();
    let callee = router.join(Serializer::Cbor).unwrap();
    let caller = router.join(Serializer::Json).unwrap();
    let params = i_shard::UriParams {
        shard: 7,
        user: "ann".into(),
    };
    block_on(Arc::new(Greeter).register_all(&callee, &params)).unwrap();
    assert_eq!(
        params.expand(i_shard::uri::GREET).unwrap(),
        "app.shard.7.user.ann.greet"
    );
    let client = IShardClient::new(caller, params);
    let greeting = block_on(client.greet(&templated::shard::Hello { name: "bob".into() })).unwrap();
    assert_eq!(greeting.text.as_deref(), Some("hello bob"));
}
