#!/usr/bin/env python3
"""Turns the criterion results of `benches/codecs.rs` into the markdown tables
of docs/performance.md.

Usage: python3 crates/wamp-idl-runtime/benches/perf_table.py TARGET_DIR/criterion

Reads `<group>/<bench>/new/estimates.json` (median, ns) and prints, per
format/message/size: ns/msg and msgs/s of our codec, the ratio to the
hand-written serde baseline and to the naive serde_json::Value path, and the
multiple of autobahn-python's msgs/s (PEERS.md anchor, same format, size and
direction; large = 16 KiB payload, anchor MB/s taken as 10^6 bytes/s), and the
serde baseline's own multiple of autobahn: where that is below 50x, the row's
50x target is out of reach of the format's serde crate itself, not only of us.
"""

import json
import os
import sys

# autobahn-python 26.10.2 on this machine (PEERS.md): msgs/s (ser, unser) for
# small and medium, MB/s for large.
ANCHOR = {
    "json": ((150e3, 56e3), (88e3, 17e3), (271, 179)),
    "msgpack": ((365e3, 195e3), (280e3, 134e3), (4743, 2789)),
    "cbor": ((259e3, 168e3), (155e3, 124e3), (3033, 2284)),
    "ubjson": ((225e3, 147e3), (48e3, 31e3), (1170, 1016)),
    "flatbuffers": ((20e3, 36e3), (24e3, 31e3), (357, 650)),
}
SIZES = ["small", "medium", "large"]
LARGE_BYTES = 16 * 1024
TARGET_SERDE = 1.2
TARGET_ANCHOR = 50.0


def median_ns(root, group, bench):
    path = os.path.join(root, group, bench, "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except (OSError, KeyError, ValueError):
        return None


def anchor_msgs(fmt, size, direction):
    pair = ANCHOR[fmt][SIZES.index(size)]
    value = pair[0 if direction == "enc" else 1]
    if size == "large":
        return value * 1e6 / LARGE_BYTES
    return value


def fmt_ns(ns):
    if ns is None:
        return "-"
    return f"{ns:,.0f}" if ns >= 100 else f"{ns:.1f}"


def fmt_ratio(a, b):
    if a is None or b is None:
        return "-"
    return f"{a / b:.2f}"


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "target/criterion"
    misses = []
    print(
        "| format | message | size | dir | ns/msg | msgs/s | vs serde typed | "
        "vs serde_json::Value | x autobahn | serde typed x autobahn |"
    )
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|")
    bounded = 0
    for fmt in ANCHOR:
        for kind in ["publish", "event", "call", "result"]:
            for size in SIZES:
                group = f"{fmt}-{kind}-{size}"
                for direction in ["enc", "dec"]:
                    ours = median_ns(root, group, f"{direction}-wamp")
                    if ours is None:
                        continue
                    serde = median_ns(root, group, f"{direction}-serde")
                    value = median_ns(root, group, f"{direction}-value")
                    msgs = 1e9 / ours
                    x_anchor = msgs / anchor_msgs(fmt, size, direction)
                    ratio = None if serde is None else ours / serde
                    flags = []
                    if ratio is not None and ratio > TARGET_SERDE:
                        flags.append("serde")
                    serde_x = None
                    if serde is not None:
                        serde_x = (1e9 / serde) / anchor_msgs(fmt, size, direction)
                    if x_anchor < TARGET_ANCHOR:
                        if serde_x is not None and serde_x < TARGET_ANCHOR:
                            flags.append("autobahn (serde baseline too)")
                            bounded += 1
                        else:
                            flags.append("autobahn")
                    if flags:
                        misses.append(f"{group} {direction}: {', '.join(flags)}")
                    print(
                        f"| {fmt} | {kind} | {size} | {direction} | {fmt_ns(ours)} | "
                        f"{msgs / 1e6:.2f} M | {fmt_ratio(ours, serde)} | "
                        f"{fmt_ratio(ours, value)} | {x_anchor:.0f}x | "
                        f"{'-' if serde_x is None else f'{serde_x:.0f}x'} |"
                    )
    print()
    print("Typed args+kwargs decode (medium payload):")
    print()
    print("| decoder | ns |")
    print("|---|---:|")
    group = "typed-args-kwargs-medium"
    for bench in sorted(os.listdir(os.path.join(root, group))) if os.path.isdir(os.path.join(root, group)) else []:
        ns = median_ns(root, group, bench)
        if ns is not None:
            print(f"| {bench} | {fmt_ns(ns)} |")
    print()
    group = "flatbuffers-verified-read"
    small = median_ns(root, group, "view-small")
    large = median_ns(root, group, "view-large")
    if small and large:
        print(f"FlatBuffers verified read: small {fmt_ns(small)} ns, 16 KiB {fmt_ns(large)} ns, ratio {large / small:.2f}")
    print()
    print(
        f"Targets missed ({len(misses)}; {bounded} rows miss 50x autobahn where the "
        "serde baseline misses it too):"
    )
    for m in misses:
        print(f"- {m}")


if __name__ == "__main__":
    main()
