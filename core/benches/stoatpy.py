"""Times stoat.py decoding the same frames as the Rust benchmarks (benches/core.rs).

Usage: python stoatpy.py FRAMES_DIR. Prints one JSON object: median seconds per operation.
Each operation is what a stoat.py client does with a frame before a handler sees it: parse
the JSON text, then build the event object (stoat.py's parser).
"""

import json
import statistics
import sys
import time

import stoat


def median_seconds(fn, repeat, number):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def main():
    frames = sys.argv[1]
    message = open(f"{frames}/message.json").read()
    ready = open(f"{frames}/ready.json").read()
    client = stoat.Client(token="benchmark", bot=True)
    parser = client.state.parser
    shard = client.shard

    def message_event():
        return parser.parse_message_event(shard, json.loads(message))

    def ready_event():
        return parser.parse_ready_event(shard, json.loads(ready))

    message_event()  # fail fast if the frame does not parse
    ready_event()
    print(json.dumps({
        "stoat.py": stoat.__version__,
        "decode_message": median_seconds(message_event, 15, 2000),
        "decode_large_ready": median_seconds(ready_event, 7, 3),
    }))


if __name__ == "__main__":
    main()
