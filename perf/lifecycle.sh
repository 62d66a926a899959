#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# lifecycle.sh - what the living shop costs, side by side in one run: the
# null sink (generate + Avro, the publisher's merge) with lifecycles and
# product changes on (the default) and off, and on with late and duplicate
# delivery. Prints orders/s, all messages/s and lifecycle events/s of each
# (best of N) and their ratio to the static shop.
#
#   perf/lifecycle.sh [BUILD_DIR] [ROUNDS]     (defaults: build, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-3}
bin=$build/producer/shopstream
[[ -x $bin ]] || { echo "lifecycle.sh: $bin not built" >&2; exit 2; }
args=(run --sink null --duration 24h --intensity 100 --speed max --start 2026-01-01T00:00:00Z -q)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

best() { # name, extra args... -> "orders/s messages/s events/s median-orders/s"
  local name=$1
  shift
  for ((i = 0; i < rounds; i++)); do
    "$bin" "${args[@]}" "$@" --stats-json "$tmp/$name.$i.json" 2>/dev/null
  done
  python3 - "$tmp" "$name" "$rounds" <<'PY'
import json, sys
runs = [json.load(open(f"{sys.argv[1]}/{sys.argv[2]}.{i}.json")) for i in range(int(sys.argv[3]))]
s = max(runs, key=lambda s: s["orders_per_s"])
median = sorted(r["orders_per_s"] for r in runs)[len(runs) // 2]
print(s["orders_per_s"], s["messages_per_s"], s.get("life_events", 0) / s["wall_s"], median)
PY
}

echo "shopstream ${args[*]}  (best of $rounds, $(nproc) cores)"
read -r off_o off_m off_e off_med < <(best static --lifecycle off --product-changes off)
read -r on_o on_m on_e on_med < <(best living)
read -r late_o late_m late_e late_med < <(best late --late-share 0.02 --duplicate-share 0.01)
row() { printf '  %-44s %10.0f orders/s %11.0f messages/s %11.0f events/s  %5.2fx  (median %.0f orders/s)\n' \
          "$1" "$2" "$3" "$4" "$(python3 -c "print($2 / $off_o)")" "$5"; }
row "static shop (--lifecycle off --product-changes off)" "$off_o" "$off_m" "$off_e" "$off_med"
row "living shop (the default)" "$on_o" "$on_m" "$on_e" "$on_med"
row "living, 2% late, 1% duplicates" "$late_o" "$late_m" "$late_e" "$late_med"
