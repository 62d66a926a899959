#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# hold.sh - what a long run at a high rate costs in memory and speed, side
# by side in one run: the calendar kept whole in memory (--hold-mb 1048576,
# nothing spills), and capped at --hold-mb's default (the far future spills
# to --spill-dir); with a second binary, that binary's run first (a build
# from before the spill existed: what the calendar cost before it). Prints
# orders/s, the largest resident size (GNU time's %M), what the calendar kept
# allocated and spilled, and each run's ratios to the first; the digests must
# agree, or the script fails.
#
#   perf/hold.sh [BIN] [BASE_BIN|-] [DURATION] [INTENSITY]
#   (defaults: build/producer/shopstream, -, 10d, 2000: the hardening
#   issue's run, 115 M orders, ~4 minutes a run on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/producer/shopstream}
base=${2:--}
duration=${3:-10d}
intensity=${4:-2000}
[[ -x $bin ]] || { echo "hold.sh: $bin not built" >&2; exit 2; }
[[ $base == - || -x $base ]] || { echo "hold.sh: $base not built" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "hold.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
args=(run --sink null --speed max --duration "$duration" --intensity "$intensity" --start 2026-01-01T00:00:00Z -q)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

one() { # name, binary, extra args...
  local name=$1 b=$2
  shift 2
  /usr/bin/time -f %M -o "$tmp/$name.rss" "$b" "${args[@]}" "$@" --stats-json "$tmp/$name.json" 2>/dev/null
  echo "$name"
}

echo "shopstream ${args[*]}  ($(nproc) cores)"
runs=()
[[ $base == - ]] || runs+=("$(one before "$base")")
runs+=("$(one whole "$bin" --hold-mb 1048576)")
runs+=("$(one capped "$bin")")
python3 - "$tmp" "${runs[@]}" <<'PY'
import json, sys
tmp, names = sys.argv[1], sys.argv[2:]
label = {"before": "before the spill (BASE_BIN)", "whole": "calendar whole in memory (--hold-mb 1048576)",
         "capped": "capped (--hold-mb 256, the default)"}
rows = []
for n in names:
    s = json.load(open(f"{tmp}/{n}.json"))
    rss = int(open(f"{tmp}/{n}.rss").read().split()[-1]) * 1024
    rows.append((n, s, rss))
first = rows[0]
for n, s, rss in rows:
    print(f"  {label[n]:<46} {s['orders_per_s']:>10,.0f} orders/s {rss / 1e9:6.2f} GB resident"
          f"  calendar {s['pending_peak_allocated_bytes'] / 1e9:5.2f} GB allocated,"
          f" {s.get('pending_peak_spilled_bytes', 0) / 1e9:5.2f} GB spilled"
          f"  {s['orders_per_s'] / first[1]['orders_per_s']:5.2f}x speed {rss / first[2]:5.2f}x memory")
digests = {(s["content_digest"], s["order_digest"]) for _, s, _ in rows}
if len(digests) != 1:
    sys.exit(f"hold.sh: the runs published different streams: {digests}")
print(f"  one stream: content_digest {rows[0][1]['content_digest']}, order_digest {rows[0][1]['order_digest']}")
PY
