// Only structs with named fields can derive `WampPayload`.
#[derive(wamp_idl_runtime::WampPayload)]
struct Pair(u64, String);

#[derive(wamp_idl_runtime::WampPayload)]
enum Shape {
    Circle,
}

fn main() {}
