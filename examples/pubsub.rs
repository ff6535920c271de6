//! Typed topics: a subscriber gets decoded, validated `ChatMessage` events; a
//! publisher sends them as args/kwargs and as a FlatBuffers transparent
//! payload; a malformed event is reported by the checked subscription.
//!
//! Run: `cargo run -p wamp-idl-examples --example pubsub`

use wamp_idl_runtime::router::Router;
use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::typed::PayloadMode;
use wamp_idl_runtime::{CallError, Payload, Serializer, Session, Value};

mod api {
    wamp_idl_runtime::wamp_interface!("schemas/chat.fbs", include = ["../schemas"]);
}

use api::example::chat::{i_chat, ChatMessage, IChatClient};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), CallError> {
    let router = Router::new();
    let subscriber = IChatClient::new(router.join(Serializer::MsgPack)?);
    let publisher = router.join(FlatBuffersCodec::new())?;
    println!("subscriber joined (msgpack), publisher joined (flatbuffers envelope, cbor payloads)");

    subscriber
        .subscribe_on_message(|message: ChatMessage| {
            println!(
                "  EVENT {}: [{}] {}: {}",
                i_chat::uri::ON_MESSAGE,
                message.room,
                message.from.as_deref().unwrap_or("someone"),
                message.text.as_deref().unwrap_or("")
            );
        })
        .await?;
    subscriber
        .subscribe_on_message_checked(|message| {
            if let Err(error) = message {
                println!("  rejected event: {error}");
            }
        })
        .await?;

    let hello = ChatMessage {
        room: "lobby".into(),
        text: Some("hello, typed world".into()),
        from: Some("ann".into()),
    };
    println!("publish as args/kwargs:");
    IChatClient::new(publisher.clone())
        .publish_on_message(&hello, Default::default())
        .await?;

    println!("publish as a FlatBuffers transparent payload:");
    IChatClient::new(publisher.clone())
        .with_payload_mode(PayloadMode::FlatBuffers)
        .publish_on_message(
            &ChatMessage {
                text: Some("same message, one FlatBuffers buffer".into()),
                ..hello.clone()
            },
            Default::default(),
        )
        .await?;

    println!("publish an event whose room breaks `wampname_s`:");
    IChatClient::new(publisher.clone())
        .publish_on_message(
            &ChatMessage {
                room: "Lobby Room".into(),
                ..hello.clone()
            },
            Default::default(),
        )
        .await?;

    println!("publish an untyped event with a number as the room:");
    publisher
        .publish(
            i_chat::uri::ON_MESSAGE,
            Default::default(),
            Payload::from_args(vec![Value::from(7i64)]),
        )
        .await?;

    publisher.leave()?;
    subscriber.session().leave()?;
    Ok(())
}
