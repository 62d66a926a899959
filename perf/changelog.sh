#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# changelog.sh - change streams beside the event topics, side by side, to the
# null sink.
#
# The same run (24 simulated hours at intensity 100, all cores) with the
# event topics alone, then with --changelog debezium as json and as
# json-schema; best of N rounds each, the rounds interleaved. Prints
# orders/s, messages/s, bytes per message, the calendar's peak and each
# run's orders/s ratio to the event topics alone, and the machine's load
# (figures from a shared machine are noisy). Checks that the event topics'
# content_digests are the same with and without the change topics (exit 1
# otherwise): the change streams add topics, they change none.
#
#   perf/changelog.sh [BUILD_DIR] [ROUNDS] [DURATION] [INTENSITY]
#   (defaults: build, 3, 24h, 100)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-3}
duration=${3:-24h}
intensity=${4:-100}
bin=$build/producer/shopstream
[[ -x $bin ]] || { echo "changelog.sh: $bin not built (cmake -S . -B $build -G Ninja && cmake --build $build)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(run --sink null --duration "$duration" --intensity "$intensity" --speed max -q --start 2026-01-01T00:00:00Z)

echo "shopstream ${args[*]}  ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
for ((r = 1; r <= rounds; r++)); do
  "$bin" "${args[@]}" --stats-json "$tmp/events-$r.json" 2>/dev/null
  "$bin" "${args[@]}" --changelog debezium --stats-json "$tmp/json-$r.json" 2>/dev/null
  "$bin" "${args[@]}" --changelog debezium --changelog-format json-schema --stats-json "$tmp/schema-$r.json" 2>/dev/null
done
python3 - "$tmp" "$rounds" <<'PY'
import json, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
def load(name):
    runs = [json.load(open(f"{tmp}/{name}-{r}.json")) for r in range(1, rounds + 1)]
    return max(runs, key=lambda s: s["orders_per_s"]), [s["orders_per_s"] for s in runs]
events, _ = load("events")
ok = True
print(f"{'run':<26}{'orders/s':>12}{'messages/s':>13}{'bytes/msg':>11}{'held MB':>9}{'ratio':>7}  rounds (orders/s)")
for name, label in (("events", "event topics alone"), ("json", "+ changelog json"), ("schema", "+ changelog json-schema")):
    best, all_ = load(name)
    msgs = best["messages"] / best["wall_s"]
    print(f"{label:<26}{best['orders_per_s']:>12,.0f}{msgs:>13,.0f}{best['bytes'] / best['messages']:>11.0f}"
          f"{best['pending_peak_bytes'] / 1e6:>9.1f}{best['orders_per_s'] / events['orders_per_s']:>7.2f}  "
          + ", ".join(f"{x:,.0f}" for x in all_))
    for t, v in events["topics"].items():
        if best["topics"][t]["content_digest"] != v["content_digest"]:
            print(f"changelog.sh: {label}: {t}'s content_digest differs from the event topics alone'")
            ok = False
sys.exit(0 if ok else 1)
PY
