"""Byte-for-byte comparison of our encoders with the Python libraries that
autobahn-python uses (json, msgpack, cbor2, bjdata, py-ubjson).

Random values are encoded by the Python libraries; the `reencode` example
decodes each one and encodes it again; the bytes must be identical.

    python3 -m venv VENV && VENV/bin/pip install msgpack cbor2 bjdata py-ubjson
    cargo build -p wamp-idl-runtime --example reencode
    VENV/bin/python crates/wamp-idl-runtime/tests/peers/crosscheck.py SEED COUNT PATH/TO/reencode

Prints the number of values per format and the mismatches (none expected).
"""
import random, json, base64, struct, sys, subprocess, math
import msgpack, cbor2, bjdata, ubjson
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)

def rstr():
    pool = ['a','b','Z','\n','\t','"','\\','\x01','\x1f','\x7f','é','ß','✓','😀','\u2028',' ','/','\x00']
    n = random.choice([0,1,1,2,5,20,40,300])
    s = ''.join(random.choice(pool) for _ in range(n))
    if s.startswith('\x00'): s = 'x' + s
    return s

def rfloat():
    return random.choice([0.0, -0.0, 1.0, 1.5, -2.25, 0.1, 1e16, 1e15, 1.5e300, 1e-5, 1e-4, 123456.789, 5e-324, 2.2250738585072014e-308, 3.4e38, 1e-40, random.uniform(-1e6,1e6), random.random()*10**random.randint(-30,30), struct.unpack('d', struct.pack('Q', random.getrandbits(64)))[0]])

def rint():
    return random.choice([0,1,23,24,127,128,255,256,32767,32768,65535,65536,2**31-1,2**31,2**32-1,2**32,2**53,2**63-1,2**63,2**64-1,-1,-32,-33,-128,-129,-32768,-32769,-2**31,-2**31-1,-2**63, random.randint(-2**63, 2**64-1)])

def rval(d=0):
    k = random.randint(0, 9 if d < 3 else 6)
    if k == 0: return None
    if k == 1: return random.choice([True, False])
    if k == 2: return rint()
    if k == 3:
        f = rfloat()
        return f
    if k == 4 or k == 5: return rstr()
    if k == 6: return bytes(random.getrandbits(8) for _ in range(random.choice([0,1,3,40,300])))
    if k == 7 or k == 8: return [rval(d+1) for _ in range(random.randint(0,4))]
    return {rstr() or 'k': rval(d+1) for _ in range(random.randint(0,4))}

def jsonify(v):
    if isinstance(v, bytes): return '\x00' + base64.b64encode(v).decode()
    if isinstance(v, list): return [jsonify(x) for x in v]
    if isinstance(v, dict): return {k: jsonify(x) for k, x in v.items()}
    return v

def finite(v):
    if isinstance(v, float): return math.isfinite(v)
    if isinstance(v, list): return all(finite(x) for x in v)
    if isinstance(v, dict): return all(finite(x) for x in v.values())
    return True

lines, srcs = [], []
for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 2000):
    v = rval()
    encs = {
        'msgpack': msgpack.packb(v, use_bin_type=True),
        'cbor': cbor2.dumps(v),
        'bjdata': bjdata.dumpb(v),
    }
    if finite(v):
        encs['json'] = json.dumps(jsonify(v), separators=(',', ':'), ensure_ascii=False).encode()
    try:
        encs['ubjson'] = ubjson.dumpb(v)
    except Exception:
        pass
    for fmt, b in encs.items():
        lines.append(f"{fmt} {b.hex()}"); srcs.append((fmt, b, v))
out = subprocess.run([sys.argv[3]], input='\n'.join(lines)+'\n', capture_output=True, text=True).stdout.splitlines()
bad = {}
for (fmt, b, v), o in zip(srcs, out):
    if o != b.hex():
        bad.setdefault(fmt, []).append((v, b.hex(), o))
failed = bool(bad)
print({f: sum(1 for s in srcs if s[0]==f) for f in ['json','msgpack','cbor','bjdata','ubjson']}, 'mismatches:', {f: len(x) for f, x in bad.items()})
for f, xs in bad.items():
    for v, b, o in [x for x in xs if '2.2250738585072014e-308' not in repr(x[0])][:4]:
        i = next((j for j in range(min(len(b), len(o))) if b[j] != o[j]), min(len(b), len(o)))
        print(f, 'diff at hex offset', i, repr(v)[:150]); print('  py  ', b[max(0,i-40):i+80]); print('  rust', o[max(0,i-40):i+80])
sys.exit(1 if failed else 0)
