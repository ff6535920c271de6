// `interfaces` names interfaces the schema declares; each unknown name is an
// error that lists the ones it has.
wamp_idl_runtime::wamp_interface!(
    "ui/macro_input/schemas/calc.fbs",
    include = ["ui/_inc"],
    interfaces = ["ICalculator", "ICalc"],
);

fn main() {}
