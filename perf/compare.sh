#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# compare.sh - two builds of shopstream side by side in one run: the same
# run into the null sink, the two binaries taking turns, N rounds each;
# prints each one's orders/s as the median with the lowest and highest, and
# the ratio of the medians NEW / BASE. For a change's cost (a build of the
# commit before it, and one of the change).
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
for ((i = 0; i < rounds; i++)); do
  for who in base new; do
    bin=$base
    [[ $who == new ]] && bin=$new
    "$bin" "${args[@]}" --stats-json "$tmp/$who.json" 2>/dev/null
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['orders_per_s'])" "$tmp/$who.json" >>"$tmp/$who.rates"
  done
done
echo "compare.sh: shopstream ${args[*]}, $rounds rounds each, taking turns"
python3 - "$base" "$new" "$tmp/base.rates" "$tmp/new.rates" <<'PY'
import statistics, sys
rates = [sorted(float(x) for x in open(f)) for f in sys.argv[3:5]]
for who, name, r in zip(("base", "new "), sys.argv[1:3], rates):
    print(f"  {who} {name:<50} median {statistics.median(r):12.0f} orders/s  (lowest {r[0]:.0f}, highest {r[-1]:.0f})")
print(f"  new / base: {statistics.median(rates[1]) / statistics.median(rates[0]):.3f} (medians)")
PY
