// Positional arguments cannot follow a keyword argument.
#[derive(wamp_idl_runtime::WampPayload)]
struct Kill {
    session: u64,
    #[wamp(kwarg)]
    reason: Option<String>,
    message: Option<String>,
}

fn main() {}
