//! A typed RPC service: the callee implements the generated `ICalculator`
//! trait, a caller uses the generated `ICalculatorClient`, both joined to the
//! in-process router with different serializers.
//!
//! Run: `cargo run -p wamp-idl-examples --example calculator`

use std::sync::Arc;

use wamp_idl_runtime::router::Router;
use wamp_idl_runtime::{CallError, Payload, Serializer, Session, Value};

mod api {
    wamp_idl_runtime::wamp_interface!("schemas/calculator.fbs", include = ["../schemas"]);
}

use api::example::calc::{
    i_calculator, AddArgs, DivideArgs, ICalculator, ICalculatorClient, Quotient, Sum,
};

/// The callee: plain `async fn`s over the generated types.
struct Calculator;

impl ICalculator for Calculator {
    async fn add(&self, request: AddArgs) -> Result<Sum, CallError> {
        let sum = request.a.checked_add(request.b).ok_or_else(|| {
            CallError::with_message("example.calc.error.overflow", "the sum overflows i64")
        })?;
        Ok(Sum { sum })
    }

    async fn divide(&self, request: DivideArgs) -> Result<Quotient, CallError> {
        if request.divisor == 0.0 {
            return Err(CallError::with_message(
                "example.calc.error.division_by_zero",
                format!("cannot divide {} by zero", request.dividend),
            ));
        }
        let scale = 10f64.powi(i32::from(request.round));
        let quotient = (request.dividend / request.divisor * scale).round() / scale;
        Ok(Quotient {
            quotient,
            expression: Some(format!(
                "{} / {} rounded to {} digits",
                request.dividend, request.divisor, request.round
            )),
        })
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), CallError> {
    let router = Router::new();
    let callee = router.join(Serializer::Cbor)?;
    let caller = router.join(Serializer::Json)?;
    println!("callee joined (cbor), caller joined (json)");

    let registrations = Arc::new(Calculator).register_all(&callee).await?;
    println!(
        "registered {} procedures of {} ({})",
        registrations.len(),
        i_calculator::FULL_NAME,
        i_calculator::UUID
    );

    let calc = ICalculatorClient::new(caller.clone());

    let sum = calc.add(&AddArgs { a: 2, b: 40 }).await?;
    println!("{} [2, 40] -> {}", i_calculator::uri::ADD, sum.sum);

    let quotient = calc
        .divide(&DivideArgs {
            dividend: 22.0,
            divisor: 7.0,
            round: 4,
        })
        .await?;
    println!(
        "{} [22, 7] {{round: 4}} -> {} ({})",
        i_calculator::uri::DIVIDE,
        quotient.quotient,
        quotient.expression.unwrap_or_default()
    );

    // A typed application error: the callee's ERROR URI and message.
    let error = calc
        .divide(&DivideArgs {
            dividend: 1.0,
            divisor: 0.0,
            ..Default::default()
        })
        .await
        .expect_err("dividing by zero fails");
    println!(
        "divide by zero -> ERROR {} ({})",
        error.uri(),
        error.message().unwrap_or_default()
    );

    // A payload that does not fit, sent with the untyped session API: the
    // generated glue answers wamp.error.invalid_argument with the field path.
    let bad = Payload::from_args(vec![Value::from(2i64), Value::from("forty")]);
    let error = caller
        .call(i_calculator::uri::ADD, Default::default(), bad)
        .await
        .expect_err("a string is not an integer");
    println!(
        "add [2, \"forty\"] -> ERROR {} ({})",
        error.uri(),
        error.message().unwrap_or_default()
    );

    callee.leave()?;
    caller.leave()?;
    Ok(())
}
