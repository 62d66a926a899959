#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# changelog.sh - change streams beside the event topics, side by side, to the
# null sink.
#
# The same run (24 simulated hours at intensity 100, all cores) with the
# event topics alone, then with --changelog debezium as json and as
# json-schema; ROUNDS rounds each, the rounds interleaved. Prints for each
# the median orders/s and the spread of the rounds, messages/s, bytes per
# message, the calendar's peak and the ratio of the median to the event
# topics alone's, and the machine's load (figures from a shared machine
# are noisy). Checks that the event topics' content_digests are the same
# with and without the change topics (exit 1 otherwise): the change streams
# add topics, they change none.
#
#   perf/changelog.sh [BUILD_DIR] [ROUNDS] [DURATION] [INTENSITY]
#   (defaults: build, 3, 24h, 100)
#
# The issue's target: >= 1,000,000 orders/s with the change streams on (json)
# on 2 cores. CHANGELOG_BASELINE_BIN=path also runs the json run with that
# build (an earlier commit's) in each round, right after this build's, and
# prints the ratio of the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-3}
duration=${3:-24h}
intensity=${4:-100}
bin=$build/producer/shopstream
base=${CHANGELOG_BASELINE_BIN:-}
[[ -x $bin ]] || { echo "changelog.sh: $bin not built (cmake -S . -B $build -G Ninja && cmake --build $build)" >&2; exit 2; }
[[ -z $base || -x $base ]] || { echo "changelog.sh: CHANGELOG_BASELINE_BIN=$base is not an executable" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(run --sink null --duration "$duration" --intensity "$intensity" --speed max -q --start 2026-01-01T00:00:00Z)

echo "shopstream ${args[*]}  ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
for ((r = 1; r <= rounds; r++)); do
  "$bin" "${args[@]}" --stats-json "$tmp/events-$r.json" 2>/dev/null
  "$bin" "${args[@]}" --changelog debezium --stats-json "$tmp/json-$r.json" 2>/dev/null
  if [[ -n $base ]]; then
    "$base" "${args[@]}" --changelog debezium --stats-json "$tmp/base-$r.json" 2>/dev/null
  fi
  "$bin" "${args[@]}" --changelog debezium --changelog-format json-schema --stats-json "$tmp/schema-$r.json" 2>/dev/null
done
echo "(load after: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$tmp" "$rounds" "$base" <<'PY'
import json, statistics, sys
tmp, rounds, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(name):
    runs = [json.load(open(f"{tmp}/{name}-{r}.json")) for r in range(1, rounds + 1)]
    rates = sorted(s["orders_per_s"] for s in runs)
    median = statistics.median(rates)
    middle = min(runs, key=lambda s: abs(s["orders_per_s"] - median))
    return middle, median, rates
events, events_median, _ = load("events")
ok = True
print(f"{'run':<28}{'orders/s (median)':>18}  {'spread of the rounds':<24}{'messages/s':>12}{'bytes/msg':>10}"
      f"{'held MB':>9}{'ratio':>7}")
rows = [("events", "event topics alone"), ("json", "+ changelog json")]
if base:
    rows.append(("base", "+ changelog json, baseline"))
rows.append(("schema", "+ changelog json-schema"))
medians = {}
for name, label in rows:
    s, median, rates = load(name)
    medians[name] = median
    msgs = s["messages"] / s["wall_s"]
    print(f"{label:<28}{median:>18,.0f}  {rates[0]:>10,.0f} to {rates[-1]:<10,.0f}{msgs:>12,.0f}"
          f"{s['bytes'] / s['messages']:>10.0f}{s['pending_peak_bytes'] / 1e6:>9.1f}"
          f"{median / events_median:>7.2f}")
    if name == "base":
        continue
    for t, v in events["topics"].items():
        if s["topics"][t]["content_digest"] != v["content_digest"]:
            print(f"changelog.sh: {label}: {t}'s content_digest differs from the event topics alone'")
            ok = False
if base:
    print(f"this build / the baseline, changelog json medians: {medians['json'] / medians['base']:.2f}x")
sys.exit(0 if ok else 1)
PY
