#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# files.sh - --sink files against the null sink, side by side in one run: the
# seed's own task, a simulated day of about 1.56 M orders (intensity 270)
# with all seven tables, written as files in each format that exists, and
# the same run into the null sink (generate and encode only). Prints orders/s
# and MB/s of files for each, the ratio to the null sink and to the seed's
# 8,662 orders/s (its Parquet and Feather writer), and the writers' memory
# (the process's peak resident set).
#
#   perf/files.sh [BUILD_DIR] [DURATION] [ROUNDS]   (defaults: build, 24h, 1;
#                                                    best of ROUNDS each)
#
# The issue's target: Parquet with zstd at >= 1,000,000 orders/s on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${2:-24h}
rounds=${3:-1}
bin=$build/producer/shopstream
[[ -x $bin ]] || { echo "files.sh: $bin not built" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(run --duration "$duration" --intensity 270 --speed max -q --start 2026-01-01T00:00:00Z)
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

best_rate=0
bench() { # label, args...
  local label=$1; shift
  local r rate best=0 rss=0 mb=0 orders=0
  for ((r = 0; r < rounds; r++)); do
    rm -rf "$tmp/out" && mkdir "$tmp/out"
    /usr/bin/time -f %M -o "$tmp/rss" "$bin" "${args[@]}" "$@" --stats-json "$tmp/s.json" 2>/dev/null
    rate=$(python3 -c "print('%.0f' % float('$(field "$tmp/s.json" orders_per_s)'))")
    if (( rate > best )); then
      best=$rate
      rss=$(( $(cat "$tmp/rss") / 1024 ))
      orders=$(field "$tmp/s.json" orders)
      mb=$(python3 -c "import json; j=json.load(open('$tmp/s.json')); print('%.0f' % (j['file_bytes'] / 1e6 / j['wall_s']))")
    fi
  done
  best_rate=$best
  printf '  %-28s %10s orders/s  %6s MB/s of files  peak RSS %5s MiB  (%s orders)\n' "$label" "$best" "$mb" "$rss" "$orders"
}

echo "files.sh: $duration at intensity 270, $(nproc) cores, best of $rounds"
bench "null sink" --sink null
null_rate=$best_rate
for fmt in parquet avro jsonl; do
  bench "files $fmt" --sink files --out "$tmp/out" --file-format "$fmt"
  python3 -c "import sys; print('    / null sink %.2f, / the seed\'s 8,662 orders/s %.0f' % (float(sys.argv[1]) / float(sys.argv[2]), float(sys.argv[1]) / 8662))" "$best_rate" "$null_rate"
done
