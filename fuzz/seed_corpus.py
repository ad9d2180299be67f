#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/.

Seeds come from the repository's wire fixtures and the captures of the official server, plus
the hostile inputs of issue 11 (deep nesting, deep Bulk, huge rate-limit waits, NoEffect with
200). Run from the repository root: python3 fuzz/seed_corpus.py. The output is committed;
core/tests/fuzz_corpus.rs replays it on every `cargo test`.
"""

import base64
import hashlib
import json
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "conformance", "fixtures")
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX_SEED = 16 * 1024  # keep the corpus small


def pack(value):
    """A minimal msgpack encoder (maps with string keys, as the server writes them)."""
    if value is None:
        return b"\xc0"
    if value is True:
        return b"\xc3"
    if value is False:
        return b"\xc2"
    if isinstance(value, int):
        if 0 <= value < 128:
            return bytes([value])
        if -32 <= value < 0:
            return struct.pack("b", value)
        if 0 <= value < 2**64:
            return b"\xcf" + struct.pack(">Q", value)
        return b"\xd3" + struct.pack(">q", value)
    if isinstance(value, float):
        return b"\xcb" + struct.pack(">d", value)
    if isinstance(value, str):
        data = value.encode()
        if len(data) < 32:
            return bytes([0xA0 | len(data)]) + data
        return b"\xdb" + struct.pack(">I", len(data)) + data
    if isinstance(value, list):
        head = bytes([0x90 | len(value)]) if len(value) < 16 else b"\xdd" + struct.pack(">I", len(value))
        return head + b"".join(pack(v) for v in value)
    if isinstance(value, dict):
        head = bytes([0x80 | len(value)]) if len(value) < 16 else b"\xdf" + struct.pack(">I", len(value))
        return head + b"".join(pack(k) + pack(v) for k, v in value.items())
    raise TypeError(type(value))


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_SEED and not name.startswith("hostile"):
        return
    directory = os.path.join(OUT, target)
    os.makedirs(directory, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:8]
    with open(os.path.join(directory, f"{name}-{digest}"), "wb") as f:
        f.write(data)


def jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def nested_arrays(depth):
    return "[" * depth + "null" + "]" * depth


def nested_bulk_json(depth):
    return '{"type":"Bulk","v":[' * depth + '{"type":"Authenticated"}' + "]}" * depth


def nested_bulk_msgpack(depth):
    head = b"\x82" + pack("type") + pack("Bulk") + pack("v") + b"\x91"
    return head * depth + pack({"type": "Authenticated"})


def main():
    events = os.path.join(FIX, "events")
    for name in sorted(os.listdir(events)):
        with open(os.path.join(events, name)) as f:
            text = f.read()
        stem = name.rsplit(".", 1)[0]
        write("frame_json", stem, text)
        write("frame_msgpack", stem, pack(json.loads(text)))
    malformed = os.path.join(FIX, "malformed")
    for name in sorted(os.listdir(malformed)):
        with open(os.path.join(malformed, name), "rb") as f:
            write("frame_json", "malformed-" + name.rsplit(".", 1)[0], f.read())

    # Hostile frames (issue 11): nesting past every limit, in both formats.
    for depth in (129, 1000):
        write("frame_json", f"hostile-arrays-{depth}", nested_arrays(depth))
        write("frame_json", f"hostile-message-field-{depth}",
              '{"type":"Message","x":' + nested_arrays(depth) + "}")
        write("frame_json", f"hostile-unknown-field-{depth}",
              '{"x":' + nested_arrays(depth) + ',"type":"Nope"}')
        deep = b"\x91" * depth + b"\xc0"
        write("frame_msgpack", f"hostile-arrays-{depth}", deep)
        write("frame_msgpack", f"hostile-message-field-{depth}",
              b"\x82" + pack("type") + pack("Message") + pack("x") + deep)
        write("frame_msgpack", f"hostile-unknown-field-{depth}",
              b"\x82" + pack("x") + deep + pack("type") + pack("Nope"))
        write("frame_msgpack", f"hostile-maps-{depth}", (b"\x81" + pack("k")) * depth + b"\xc0")
    for depth in (9, 63, 500):
        write("frame_json", f"hostile-bulk-{depth}", nested_bulk_json(depth))
        write("frame_msgpack", f"hostile-bulk-{depth}", nested_bulk_msgpack(depth))
    write("frame_msgpack", "hostile-huge-lengths", b"\xdd\xff\xff\xff\xff" + b"\xdb\xff\xff\xff\xff")

    # Sessions: the captured gateway conversations, JSON and msgpack, plus transport events.
    captures = os.path.join(FIX, "captures")
    for name in sorted(os.listdir(captures)):
        records = jsonl(os.path.join(captures, name))
        texts = [r["text"] for r in records if r["dir"] == "ws-recv" and "text" in r]
        binaries = [base64.b64decode(r["binary_b64"]) for r in records
                    if r["dir"] == "ws-recv" and "binary_b64" in r]
        stem = name.rsplit(".", 1)[0]
        if texts:
            lines = "\n".join(t.replace("\n", " ") for t in texts)
            write("session_cache", stem + "-bot", b"\x00" + lines.encode())
            write("session_cache", stem + "-user", b"\x02" + lines.encode())
            faults = "\n".join([lines, "!close 1008", lines, "!big", lines, "!tick", "!lost", lines])
            write("session_cache", stem + "-faults", b"\x00" + faults.encode())
        if binaries:
            framed = b"".join(struct.pack(">H", len(b)) + b for b in binaries if len(b) < 65536)
            write("session_cache", stem + "-msgpack", b"\x01" + framed)
    ready = open(os.path.join(events, "Ready.full.json")).read().splitlines()
    write("session_cache", "hostile-bulk",
          b"\x00" + "\n".join(["".join(ready), nested_bulk_json(500), nested_bulk_json(8),
                               nested_arrays(1000), "!close 4000", "".join(ready)]).encode())
    msgpack_hostile = [pack(json.loads(open(os.path.join(events, "Ready.full.json")).read())),
                       nested_bulk_msgpack(60), b"\x91" * 1000 + b"\xc0"]
    write("session_cache", "hostile-msgpack",
          b"\x01" + b"".join(struct.pack(">H", len(b)) + b for b in msgpack_hostile))

    # REST responses: every captured answer, then NoEffect with 200.
    statuses = [200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502]
    seen = set()
    for record in jsonl(os.path.join(FIX, "http", "captured_rest.jsonl")):
        if record["dir"] != "http-response" or record["status"] not in statuses:
            continue
        body = record["body"]
        body = body if isinstance(body, str) else json.dumps(body)
        seed = bytes([statuses.index(record["status"])]) + body.encode()
        if seed not in seen:
            seen.add(seed)
            write("rest_response", f"captured-{record['status']}", seed)
    no_effect = '{"type":"NoEffect","location":"crates/delta/src/routes/channels/channel_delete.rs:39:46"}'
    write("rest_response", "noeffect-200", bytes([0]) + no_effect.encode())
    write("rest_response", "catcher-404", bytes([6]) + b'{"error":{"code":404,"reason":"Not Found","description":"The requested resource could not be found."}}')
    write("rest_response", "hostile-deep", bytes([0]) + nested_arrays(1000).encode())

    # Rate-limit headers: captured ones, then hostile values.
    for record in jsonl(os.path.join(FIX, "http", "captured_rest.jsonl")):
        if record["dir"] != "http-response":
            continue
        headers = "\n".join(f"{k}: {v}" for k, v in record["headers"].items()
                            if k.lower().startswith("x-ratelimit"))
        body = record["body"] if isinstance(record["body"], str) else json.dumps(record["body"])
        write("ratelimit_headers", f"captured-{record['status']}",
              f"{record['status']}\n{headers}\n\n{body}")
    huge = "18446744073709551615"
    cases = {
        "hostile-body-u64max": f"429\n\n{{\"retry_after\":{huge}}}",
        "hostile-header-u64max": f"429\nx-ratelimit-limit: 20\nx-ratelimit-remaining: 0\nx-ratelimit-reset-after: {huge}\n\n{{}}",
        "hostile-200-header-u64max": f"200\nx-ratelimit-limit: 20\nx-ratelimit-remaining: 0\nx-ratelimit-reset-after: {huge}\n\n{{}}",
        "hostile-negative": "429\nx-ratelimit-limit: 20\nx-ratelimit-remaining: 0\nx-ratelimit-reset-after: -5\n\n{\"retry_after\":-5}",
        "hostile-float": "429\nx-ratelimit-reset-after: 1.5\n\n{\"retry_after\":1e300}",
        "hostile-garbage": "429\nx-ratelimit-limit: many\nx-ratelimit-reset-after: soon\n\nnot json",
        "hostile-59s": "429\n\n{\"retry_after\":59999}",
        "hostile-61s": "429\n\n{\"retry_after\":61000}",
    }
    for name, text in cases.items():
        write("ratelimit_headers", name, text)


if __name__ == "__main__":
    sys.exit(main())
