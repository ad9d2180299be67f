#!/usr/bin/env bash
# Measures stoat-core and stoat.py on the same frames, in one run, and prints medians and ratios.
#   bash core/benches/compare_stoatpy.sh
# Needs Python 3 with pip (stoat.py is installed into a virtualenv under target/).
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
frames="$target/bench-frames"
venv="$target/stoatpy-venv"

cargo run -q -p stoat-core --example bench_frames -- "$frames"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q stoat.py
fi
py=$("$venv/bin/python" core/benches/stoatpy.py "$frames")

STOAT_BENCH_SUMMARY=0 cargo bench -q -p stoat-core --bench core -- --warm-up-time 1 --measurement-time 5 \
  'gateway_ingest/decode_message_json$|large_ready/decode$' >/dev/null

median() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['median']['point_estimate']/1e9)" "$1"; }
rust_message=$(median "$target/criterion/gateway_ingest/decode_message_json/new/estimates.json")
rust_ready=$(median "$target/criterion/large_ready/decode/new/estimates.json")

python3 - "$py" "$rust_message" "$rust_ready" <<'PY'
import json, sys
py = json.loads(sys.argv[1])
rows = [("Message event", float(sys.argv[2]), py["decode_message"]),
        ("Ready (50k users, 20k channels, 1k servers)", float(sys.argv[3]), py["decode_large_ready"])]
print(f"stoat.py {py['stoat.py']} vs stoat-core, same bytes, median per frame (JSON text -> event object)")
print(f"{'frame':<36}{'stoat-core':>14}{'stoat.py':>14}{'ratio':>10}")
for name, rust, python in rows:
    print(f"{name:<36}{rust*1e6:>11.1f} us{python*1e6:>11.1f} us{python/rust:>9.1f}x")
PY
