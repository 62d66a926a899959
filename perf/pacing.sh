#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# pacing.sh - how exactly a paced run keeps to its schedule.
#
# `shopstream run --rate R --duration D` to the embedded broker (defaults:
# 20,000 messages/s for 60 s, the target in the issue that asked for it),
# then the achieved rate of orders and items against the schedule and the
# lateness of every message (hand-off time minus scheduled time), from the
# run's --stats-json.
#
#   perf/pacing.sh [BUILD_DIR] [RATE] [DURATION]     (defaults: build, 20000, 60s)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rate=${2:-20000}
duration=${3:-60s}
bin=$build/producer/shopstream
[[ -x $bin ]] || { echo "pacing.sh: $bin not built (cmake -S . -B $build -G Ninja && cmake --build $build)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" run --rate "$rate" --duration "$duration" -q --stats-json "$tmp/s.json" 2>"$tmp/err"
grep -- "--rate" "$tmp/err" || true
python3 - "$tmp/s.json" "$bin run --rate $rate --duration $duration" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
late, sched, ach = s["lateness_ms"], s["scheduled_fact_messages_per_s"], s["achieved_fact_messages_per_s"]
print(f"{sys.argv[2]}  (embedded broker)")
print(f"  orders and items: {s['orders'] + s['order_items']} in {s['wall_s']:.2f} s")
print(f"  achieved {ach:.0f} msg/s against a schedule of {sched:.0f} msg/s: {100 * ach / sched:.2f}%")
print(f"  lateness p50 {late['p50']:.3f} ms, p99 {late['p99']:.3f} ms, max {late['max']:.3f} ms; "
      f"{s['early_handoffs']} handed over early")
PY
