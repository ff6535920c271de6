// The function-like macro with every option, as a user writes it.
#![deny(warnings)]

mod api {
    wamp_idl_runtime::wamp_interface!(
        "ui/pass/schemas/calc.fbs",
        include = ["ui/_inc"],
        interfaces = ["calc.ICalc"],
        runtime = ::wamp_idl_runtime,
    );
}

fn main() {
    let args = api::calc::AddArgs { a: 1, b: 2 };
    let bytes = args.to_flatbuffer();
    let back = api::calc::AddArgs::from_flatbuffer(&bytes);
    assert_eq!(back.ok(), Some(args));
}
