// A misspelt field option, and a URI rule that does not exist.
#[derive(wamp_idl_runtime::WampPayload)]
struct Kill {
    #[wamp(kwargs)]
    reason: Option<String>,
    #[wamp(uri = "wampuri_x")]
    topic: String,
}

fn main() {}
