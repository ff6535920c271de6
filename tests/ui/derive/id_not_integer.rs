// `#[wamp(id)]` needs an integer field.
#[derive(wamp_idl_runtime::WampPayload)]
struct Kill {
    #[wamp(id)]
    session: String,
    #[wamp(id)]
    other: Option<f64>,
}

fn main() {}
