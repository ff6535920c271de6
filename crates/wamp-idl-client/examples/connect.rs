//! Connects to a WAMP router over RawSocket, registers a procedure, calls it,
//! publishes to a topic it subscribed to, and asks the router's meta API how
//! many sessions there are through the generated `IWampMetaClient`.
//!
//! ```sh
//! # a router, e.g. Crossbar.io with a RawSocket transport on 127.0.0.1:8080 and realm1:
//! cargo run -p wamp-idl-client --example connect -- 127.0.0.1:8080 realm1 cbor
//! ```

use std::sync::Arc;
use std::time::Duration;

use wamp_idl_client::{Client, ClientConfig};
use wamp_idl_runtime::message::keys::PublishOptions;
use wamp_idl_runtime::serializer::UbjsonDialect;
use wamp_idl_runtime::session::{CallError, EventHandler, InvocationHandler, Session};
use wamp_idl_runtime::{Payload, Serializer, Value};

mod meta {
    wamp_idl_runtime::wamp_interface!("../../schemas/wamp-meta.fbs");
}

use meta::wamp::IWampMetaClient;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let address = args.next().unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let realm = args.next().unwrap_or_else(|| "realm1".to_owned());
    let serializer = match args.next().as_deref().unwrap_or("json") {
        "json" => Serializer::Json,
        "msgpack" => Serializer::MsgPack,
        "cbor" => Serializer::Cbor,
        "ubjson" => Serializer::Ubjson(UbjsonDialect::BjData),
        other => {
            return Err(
                format!("unknown serializer `{other}` (json, msgpack, cbor, ubjson)").into(),
            )
        }
    };

    let config = ClientConfig::new(realm)
        .serializer(serializer)
        .timeout(Duration::from_secs(5));
    let client = Client::connect(&address, config).await?;
    println!(
        "joined as session {} ({}, role {:?})",
        client.session_id(),
        client.serializer_name(),
        client.welcome_details().authrole()
    );

    // A callee: com.example.add(a, b) -> a + b.
    let add: InvocationHandler = Arc::new(|invocation| {
        Box::pin(async move {
            let (a, b): (i64, i64) = invocation
                .payload
                .args()
                .ok_or_else(|| CallError::invalid_argument("expected two integers"))?
                .deserialize()
                .map_err(|e| CallError::invalid_argument(e.to_string()))?;
            Ok(Payload::from_args(vec![Value::from(a + b)]))
        })
    });
    client
        .register("com.example.add", Default::default(), add)
        .await?;

    // A caller (here the same session).
    let args = Payload::from_args(vec![Value::from(2i64), Value::from(3i64)]);
    let result = client
        .call("com.example.add", Default::default(), args)
        .await?;
    println!("com.example.add(2, 3) = {:?}", result.payload.args_list()?);

    // Publish and subscribe: the publisher gets its own event with exclude_me: false.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let on_event: EventHandler = Arc::new(move |event| {
        let _ = tx.send(event.payload.args_list().ok().flatten());
    });
    client
        .subscribe("com.example.topic", Default::default(), on_event)
        .await?;
    let mut options = PublishOptions::new();
    options.set_exclude_me(false);
    options.set_acknowledge(true);
    let publication = client
        .publish(
            "com.example.topic",
            options,
            Payload::from_args(vec![Value::from("hello")]),
        )
        .await?;
    println!("published {publication:?}, received {:?}", rx.recv().await);

    // A generated typed client runs on the same session.
    let meta = IWampMetaClient::new(client.clone());
    match meta.session_count(&Default::default()).await {
        Ok(count) => println!("sessions on the realm: {}", count.count),
        Err(e) => println!("the router has no meta API here: {e}"),
    }

    client.leave().await?;
    Ok(())
}
