"""autobahn-python as an oracle for tests/autobahn_differential.rs.

    AUTOBAHN_PYTHON crates/wamp-idl-runtime/tests/peers/autobahn_oracle.py SERIALIZER

SERIALIZER: json, msgpack, cbor, ubjson (BJData in autobahn >= 26.6) or
flatbuffers (envelope with CBOR args/kwargs, the only payload serializer
autobahn's FlatBuffers reader can read back).

Reads one JSON request per line from stdin and writes one JSON reply per line:

    ["parse", HEX]  -> {"desc": DESC}            autobahn unserializes HEX
    ["build", DESC] -> {"hex": HEX, "desc": DESC} autobahn builds the message with
                                                  its constructor and serializes it
    any failure     -> {"error": "..."}

DESC is the canonical description of a message shared with the Rust side: an
object with "type" (the code) and one entry per array element of the message,
named as in NAMES (a bytes value at the args position is named "payload").
Values are tagged so that nothing is lost in JSON: integers stay JSON integers
(exact), floats are {"$f": "<16 hex digits of the IEEE bits>"}, byte strings
{"$b": "<hex>"}, dicts {"$d": {...}} (so a user key can never look like a tag).
The description of an autobahn message is taken from `msg.marshal()`, i.e.
what autobahn understood of the message and would send on.
"""
import binascii
import json
import struct
import sys

import txaio

txaio.use_asyncio()  # autobahn's serializers need a txaio framework for their clock

from autobahn.wamp import message as M
from autobahn.wamp import role as R
from autobahn.wamp import serializer as S

NAMES = {
    1: ["realm", "details"],
    2: ["session", "details"],
    3: ["details", "reason", "args", "kwargs"],
    4: ["method", "extra"],
    5: ["signature", "extra"],
    6: ["details", "reason"],
    8: ["request_type", "request", "details", "error", "args", "kwargs"],
    16: ["request", "options", "topic", "args", "kwargs"],
    17: ["request", "publication"],
    32: ["request", "options", "topic"],
    33: ["request", "subscription"],
    34: ["request", "subscription", "options"],
    35: ["request", "details"],
    36: ["subscription", "publication", "details", "args", "kwargs"],
    337: ["publication"],
    48: ["request", "options", "procedure", "args", "kwargs"],
    49: ["request", "options"],
    50: ["request", "details", "args", "kwargs"],
    64: ["request", "options", "procedure"],
    65: ["request", "registration"],
    66: ["request", "registration", "options"],
    67: ["request", "details"],
    68: ["request", "registration", "details", "args", "kwargs"],
    69: ["request", "options"],
    70: ["request", "options", "args", "kwargs"],
}

CLASSES = {
    1: M.Hello, 2: M.Welcome, 3: M.Abort, 4: M.Challenge, 5: M.Authenticate, 6: M.Goodbye,
    8: M.Error, 16: M.Publish, 17: M.Published, 32: M.Subscribe, 33: M.Subscribed,
    34: M.Unsubscribe, 35: M.Unsubscribed, 36: M.Event, 337: M.EventReceived, 48: M.Call,
    49: M.Cancel, 50: M.Result, 64: M.Register, 65: M.Registered, 66: M.Unregister,
    67: M.Unregistered, 68: M.Invocation, 69: M.Interrupt, 70: M.Yield,
}


def canon(v):
    """A Python value as tagged canonical JSON."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return {"$f": struct.pack(">d", v).hex()}
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"$b": bytes(v).hex()}
    if isinstance(v, (list, tuple)):
        return [canon(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if not isinstance(k, str):
                raise TypeError(f"dict key {k!r} is not a string")
            out[k] = canon(x)
        return {"$d": out}
    # e.g. a NumPy scalar or array from bjdata: report, don't guess
    raise TypeError(f"unexpected Python type {type(v).__name__} ({v!r:.80})")


def uncanon(v):
    """Tagged canonical JSON back to a Python value."""
    if isinstance(v, list):
        return [uncanon(x) for x in v]
    if isinstance(v, dict):
        if "$f" in v:
            return struct.unpack(">d", bytes.fromhex(v["$f"]))[0]
        if "$b" in v:
            return bytes.fromhex(v["$b"])
        return {k: uncanon(x) for k, x in v["$d"].items()}
    return v


def describe(msg):
    arr = msg.marshal()
    code = arr[0]
    names = NAMES[code]
    if len(arr) - 1 > len(names):
        raise ValueError(f"marshal() gave {len(arr)} elements for type {code}")
    desc = {"type": code}
    for name, v in zip(names, arr[1:]):
        if name == "args" and isinstance(v, (bytes, bytearray, memoryview)):
            name = "payload"
        desc[name] = canon(v)
    return desc


def roles(wire, allowed):
    """`roles` details dict -> {name: RoleFeatures}, as autobahn's parse does."""
    out = {}
    for name, role in wire.items():
        if name not in allowed:
            raise ValueError(f"role {name!r} not allowed here")
        out[name] = R.ROLE_NAME_TO_CLASS[name](**role.get("features", {}))
    return out


def build(desc):
    code = desc["type"]
    fields = {k: uncanon(v) for k, v in desc.items() if k != "type"}
    # Options/Details keys are the constructors' keyword names, except where
    # handled below; CHALLENGE/AUTHENTICATE pass `extra` whole.
    dict_field = "options" if "options" in fields else "details"
    extra = fields.pop(dict_field, None) or {}
    if code == 1:
        extra["roles"] = roles(extra["roles"], ["subscriber", "publisher", "caller", "callee"])
        for wire, arg in (("resume-session", "resume_session"), ("resume-token", "resume_token")):
            if wire in extra:
                extra[arg] = extra.pop(wire)
    elif code == 2:
        extra["roles"] = roles(extra["roles"], ["broker", "dealer"])
        extra["custom"] = {k: extra.pop(k) for k in list(extra) if k.startswith("x_")}
    fields.update(extra)
    return CLASSES[code](**fields)


def make_serializer(name):
    if name == "json":
        return S.JsonSerializer()
    if name == "msgpack":
        return S.MsgPackSerializer()
    if name == "cbor":
        return S.CBORSerializer()
    if name == "ubjson":
        return S.UBJSONSerializer()
    if name == "flatbuffers":
        return S.FlatBuffersSerializer(payload_serializer="cbor")
    raise SystemExit(f"unknown serializer {name!r}")


def handle(ser, req):
    op, arg = req
    if op == "parse":
        msgs = ser.unserialize(binascii.unhexlify(arg))
        if len(msgs) != 1:
            raise ValueError(f"unserialize() gave {len(msgs)} messages")
        return {"desc": describe(msgs[0])}
    if op == "build":
        msg = build(arg)
        data, _binary = ser.serialize(msg)
        return {"hex": bytes(data).hex(), "desc": describe(msg)}
    raise ValueError(f"unknown op {op!r}")


def main():
    ser = make_serializer(sys.argv[1])
    out = sys.stdout
    # Bytes in, ASCII out: independent of the locale's stdio encoding.
    for line in sys.stdin.buffer:
        try:
            reply = handle(ser, json.loads(line.decode("utf-8")))
        except Exception as e:  # every failure is a reply, never a crash
            reply = {"error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(reply, ensure_ascii=True))
        out.write("\n")
    out.flush()


if __name__ == "__main__":
    main()
