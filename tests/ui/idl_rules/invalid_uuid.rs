// The interface `uuid` must be in canonical 8-4-4-4-12 form.
wamp_idl_runtime::wamp_interface!(
    "ui/idl_rules/schemas/invalid_uuid.fbs",
    include = ["ui/_inc"]
);

fn main() {}
