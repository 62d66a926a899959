#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# compare.sh - two builds of shopstream side by side in one run: the same
# run into the null sink, the two binaries taking turns, best of N each;
# prints orders/s and messages/s of each and the ratio NEW / BASE. For a
# change's cost (a build of the commit before it, and one of the change).
#
#   perf/compare.sh BASE_BIN NEW_BIN [ROUNDS]     (ROUNDS: 5)
# The run: SHOPSTREAM_PERF_ARGS, else a simulated day at intensity 100.
set -euo pipefail
base=${1:?usage: perf/compare.sh BASE_BIN NEW_BIN [ROUNDS]}
new=${2:?usage: perf/compare.sh BASE_BIN NEW_BIN [ROUNDS]}
rounds=${3:-5}
read -r -a extra <<<"${SHOPSTREAM_PERF_ARGS:---duration 24h --intensity 100}"
args=(run --sink null --speed max --start 2026-01-01T00:00:00Z -q "${extra[@]}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A best_o best_m
best_o[base]=0 best_o[new]=0 best_m[base]=0 best_m[new]=0
for ((i = 0; i < rounds; i++)); do
  for who in base new; do
    bin=$base
    [[ $who == new ]] && bin=$new
    "$bin" "${args[@]}" --stats-json "$tmp/$who.json" 2>/dev/null
    read -r o m < <(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(s['orders_per_s'], s['messages_per_s'])" "$tmp/$who.json")
    if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)" "$o" "${best_o[$who]}"; then
      best_o[$who]=$o best_m[$who]=$m
    fi
  done
done
echo "compare.sh: shopstream ${args[*]}, best of $rounds, taking turns"
printf '  base %-50s %12.0f orders/s %12.0f messages/s\n' "$base" "${best_o[base]}" "${best_m[base]}"
printf '  new  %-50s %12.0f orders/s %12.0f messages/s\n' "$new" "${best_o[new]}" "${best_m[new]}"
python3 -c "import sys; print(f'  new / base: {float(sys.argv[2]) / float(sys.argv[1]):.3f} (orders/s)')" "${best_o[base]}" "${best_o[new]}"
