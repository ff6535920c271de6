"""Generates autobahn_corpus.json: autobahn-python's FlatBuffers frames for
messages of every type (fbenv, wamp-idl). Run with autobahn 26.x installed:

    target/peers/autobahn-venv/bin/python \
        crates/wamp-idl-runtime/tests/data/flatbuffers/gen_autobahn_corpus.py

Each entry: `name`, `cbor_hex` (the message in autobahn's CBOR array form,
what our encoder starts from), `flatbuffers_hex` (autobahn's FlatBuffers
frame, CBOR payload serializer), `roundtrip_cbor_hex` (autobahn's decode of
that frame, re-serialized as CBOR; informational, autobahn's reader has
slips) and `byte_exact` (whether our autobahn-compatible encoding must equal
the frame; false where autobahn's encoder has a slip, see `note`)."""

import json
import os

import txaio

txaio.use_asyncio()

from autobahn.wamp import message as m  # noqa: E402
from autobahn.wamp.role import RoleSubscriberFeatures, RolePublisherFeatures, RoleBrokerFeatures  # noqa: E402
from autobahn.wamp.serializer import CBORSerializer, FlatBuffersSerializer  # noqa: E402

FF = [{"session": 123456, "authid": "router1", "authrole": "router"},
      {"session": 98765, "authid": "edge", "authrole": ""}]

cases = [
    ("hello", m.Hello("com.example.realm", {"subscriber": RoleSubscriberFeatures(), "publisher": RolePublisherFeatures()}), True, ""),
    ("hello_auth", m.Hello("realm1", {"subscriber": RoleSubscriberFeatures()}, authmethods=["ticket"], authid="joe", authrole="user", resumable=True, resume_session=42, resume_token="tok"), True, "roles/authmethods dropped by autobahn"),
    ("welcome", m.Welcome(9129137332, {"broker": RoleBrokerFeatures()}), True, ""),
    ("welcome_auth", m.Welcome(77, {"broker": RoleBrokerFeatures()}, realm="realm1", authid="joe", authrole="user", authmethod="ticket", authprovider="static", resumed=False, resumable=True, resume_token="t1"), True, "authmethod dropped by autobahn; resumed=false omitted"),
    ("abort", m.Abort("wamp.error.no_such_realm", message="no realm"), True, ""),
    ("challenge", m.Challenge("wampcra", {"challenge": "xyz"}), True, "extra dropped by autobahn"),
    ("challenge_ticket", m.Challenge("ticket"), True, ""),
    ("authenticate", m.Authenticate("sig==", {"nonce": "n"}), True, "extra dropped by autobahn"),
    ("goodbye", m.Goodbye("wamp.close.normal", message="bye", resumable=True), True, ""),
    ("error", m.Error(48, 7814135, "com.myapp.error", args=[1, "two"], kwargs={"k": True}), True, ""),
    ("error_ff", m.Error(68, 5, "wamp.error.canceled", forward_for=FF), True, ""),
    ("error_ppt", m.Error(48, 6, "com.myapp.error", payload=b"\x01\x02\x03", enc_algo="cryptobox", enc_serializer="cbor", enc_key="key1"), True, ""),
    ("publish", m.Publish(239714735, "com.myapp.mytopic1", args=["Hello, world!"]), True, ""),
    ("publish_opts", m.Publish(1, "com.myapp.t", args=[1, 2.5, None, True, "x", b"\x00\xff"], kwargs={"a": [1, {"b": "c"}]}, acknowledge=True, exclude_me=False, exclude=[1, 2, 3], exclude_authid=["a", "b"], exclude_authrole=["r"], eligible=[9], eligible_authid=["e"], eligible_authrole=["f", "g"], retain=True, transaction_hash="th", forward_for=FF), True, ""),
    ("publish_ppt", m.Publish(2, "com.myapp.enc", payload=b"secret bytes", enc_algo="cryptobox", enc_serializer="json", enc_key="kid"), True, ""),
    ("published", m.Published(239714735, 4429313566), True, ""),
    ("subscribe", m.Subscribe(713845233, "com.myapp", match="prefix", get_retained=True), True, ""),
    ("subscribe_wildcard", m.Subscribe(3, "com..t", match="wildcard"), True, ""),
    ("subscribed", m.Subscribed(713845233, 5512315355), True, ""),
    ("unsubscribe", m.Unsubscribe(85346237, 5512315355), True, ""),
    ("unsubscribed", m.Unsubscribed(85346237), True, ""),
    ("unsubscribed_revoked", m.Unsubscribed(0, subscription=5512315355, reason="wamp.authentication.lost"), True, ""),
    ("event", m.Event(9823526, 112233445566, args=["Hello, event!"]), True, ""),
    ("event_details", m.Event(1, 2, args=[1], kwargs={"x": 1}, publisher=3, publisher_authid="pa", publisher_authrole="pr", topic="com.t", retained=True, transaction_hash="h", x_acknowledged_delivery=True, forward_for=FF), True, ""),
    ("event_ppt", m.Event(5647382910, 998877665544, payload=b"\x83\xa5", enc_algo="mqtt", enc_serializer="msgpack", enc_key="k2"), True, ""),
    ("eventreceived", m.EventReceived(112233445566), True, ""),
    ("call", m.Call(7814135, "com.myapp.myprocedure1", args=["Hello, world!"]), True, ""),
    ("call_opts", m.Call(9, "com.p", args=[], kwargs={"a": 1}, timeout=1000, receive_progress=True, transaction_hash="t", caller=5, caller_authid="ca", caller_authrole="cr", forward_for=FF), True, ""),
    ("call_ppt", m.Call(10, "com.p", payload=b"pp", enc_algo="xbr", enc_serializer="flatbuffers"), True, ""),
    ("cancel", m.Cancel(7814135, mode="kill"), True, ""),
    ("cancel_skip_ff", m.Cancel(7814136, mode="skip", forward_for=FF), True, "mode skip = default, omitted by autobahn"),
    ("cancel_killnowait", m.Cancel(7814137, mode="killnowait"), False, "autobahn writes killnowait as SKIP"),
    ("publish_authrole_only", m.Publish(3, "com.t", exclude_authrole=["r"]), False, "autobahn 26.10.2 raises: exclude_authrole without exclude_authid"),
    ("result", m.Result(7814135, args=["Hello, world!"]), True, ""),
    ("result_opts", m.Result(8, args=[1], kwargs={"z": None}, progress=True, callee=4, callee_authid="ea", callee_authrole="er", forward_for=FF), True, ""),
    ("register", m.Register(25349185, "com.myapp.myprocedure1", match="prefix", invoke="roundrobin", concurrency=4, force_reregister=True), True, ""),
    ("register_plain", m.Register(25349186, "com.myapp.p2"), True, ""),
    ("registered", m.Registered(25349185, 2103333224), True, ""),
    ("unregister", m.Unregister(788923562, 2103333224), True, ""),
    ("unregistered", m.Unregistered(788923562), True, ""),
    ("unregistered_revoked", m.Unregistered(0, registration=2103333224, reason="wamp.error.x"), True, ""),
    ("invocation", m.Invocation(6131533, 9823526, args=["a"], kwargs={"b": 2}, timeout=500, receive_progress=True, caller=7, caller_authid="ci", caller_authrole="cr", procedure="com.proc", transaction_hash="tt", forward_for=FF), True, ""),
    ("invocation_ppt", m.Invocation(6131534, 9823526, payload=b"\x00", enc_algo="cryptobox", enc_serializer="cbor", enc_key="kk"), True, ""),
    # autobahn 26.10 cannot write forward_for in ERROR/CALL/RESULT/INVOCATION/YIELD (it imports a
    # module `wamp.proto` that does not exist): the same messages without it.
    ("call_opts_noff", m.Call(9, "com.p", args=[], kwargs={"a": 1}, timeout=1000, receive_progress=True, transaction_hash="t", caller=5, caller_authid="ca", caller_authrole="cr"), True, ""),
    ("result_opts_noff", m.Result(8, args=[1], kwargs={"z": None}, progress=True, callee=4, callee_authid="ea", callee_authrole="er"), True, ""),
    ("invocation_noff", m.Invocation(6131533, 9823526, args=["a"], kwargs={"b": 2}, timeout=500, receive_progress=True, caller=7, caller_authid="ci", caller_authrole="cr", procedure="com.proc", transaction_hash="tt"), True, ""),
    ("yield_noff", m.Yield(6131533, args=[1, 2], kwargs={"c": 3}, progress=True, callee=9, callee_authid="a", callee_authrole="r"), True, ""),
    ("interrupt", m.Interrupt(6131533, mode="kill", reason="wamp.error.canceled", forward_for=FF), True, ""),
    ("yield", m.Yield(6131533, args=[1, 2], kwargs={"c": 3}, progress=True, callee=9, callee_authid="a", callee_authrole="r", forward_for=FF), True, ""),
    ("yield_ppt", m.Yield(6131534, payload=b"zz", enc_algo="cryptobox", enc_serializer="msgpack", enc_key="k"), True, ""),
]

cbor = CBORSerializer()
fbs = FlatBuffersSerializer()
out = []
failed = []
for name, msg, byte_exact, note in cases:
    try:
        fb = fbs.serialize(msg)[0]
        back = fbs.unserialize(fb)[0]
    except Exception as e:  # autobahn bugs, e.g. `import wamp.proto` in forward_for of ERROR/CALL/...
        failed.append((name, repr(e)))
        continue
    out.append({
        "name": name,
        "cbor_hex": cbor.serialize(msg)[0].hex(),
        "flatbuffers_hex": fb.hex(),
        "roundtrip_cbor_hex": cbor.serialize(back)[0].hex(),
        "byte_exact": byte_exact,
        "note": note,
    })

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "autobahn_corpus.json")
with open(path, "w") as f:
    json.dump({"generator": "autobahn-python " + __import__("autobahn").__version__, "entries": out}, f, indent=1)
    f.write("\n")
print("wrote", len(out), "entries to", path)
for name, e in failed:
    print("autobahn failed on", name, e)
