// Schema warnings reach the user as (deprecation) warnings on the schema path;
// denied here so the test sees them.
#![deny(deprecated)]

wamp_idl_runtime::wamp_interface!(
    "ui/idl_rules/schemas/duplicate_uri.fbs",
    include = ["ui/_inc"]
);

fn main() {}
