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
#                                                    the median of ROUNDS each,
#                                                    and their spread)
#
# The issue's target: Parquet with zstd at >= 1,000,000 orders/s on 2 cores.
# FILES_BASELINE_BIN=path also runs Parquet with that build (an earlier
# commit's), right after this build's, and prints the ratio of the medians.
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

med_rate=0
bench() { # label, args...: ROUNDS runs; the median, the spread, the largest peak RSS
  local label=$1; shift
  local r rates=() rss=0 mb=0 orders=0 k lo hi
  for ((r = 0; r < rounds; r++)); do
    rm -rf "$tmp/out" && mkdir "$tmp/out"
    /usr/bin/time -f %M -o "$tmp/rss" "${run_bin:-$bin}" "${args[@]}" "$@" --stats-json "$tmp/s.json" 2>/dev/null
    rates+=("$(python3 -c "print('%.0f' % float('$(field "$tmp/s.json" orders_per_s)'))")")
    k=$(( $(cat "$tmp/rss") / 1024 ))
    if (( k > rss )); then rss=$k; fi
    orders=$(field "$tmp/s.json" orders)
    mb=$(python3 -c "import json; j=json.load(open('$tmp/s.json')); print('%.0f' % (j['file_bytes'] / 1e6 / j['wall_s']))")
  done
  read -r med_rate lo hi < <(printf '%s\n' "${rates[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)], v[1], v[NR]}')
  printf '  %-22s %9s orders/s (%s to %s)  %5s MB/s of files  peak RSS %4s MiB  (%s orders)\n' "$label" "$med_rate" \
    "$lo" "$hi" "$mb" "$rss" "$orders"
}

echo "files.sh: $duration at intensity 270, $(nproc) cores, the median of $rounds rounds (their spread)"
bench "null sink" --sink null
null_rate=$med_rate
for fmt in parquet avro jsonl; do
  bench "files $fmt" --sink files --out "$tmp/out" --file-format "$fmt"
  python3 -c "import sys; print('    / null sink %.2f, / the seed\'s 8,662 orders/s %.0f' % (float(sys.argv[1]) / float(sys.argv[2]), float(sys.argv[1]) / 8662))" "$med_rate" "$null_rate"
done
if [[ -n ${FILES_BASELINE_BIN:-} ]]; then
  bench "files parquet" --sink files --out "$tmp/out" --file-format parquet
  this_rate=$med_rate
  run_bin=$FILES_BASELINE_BIN bench "parquet, the baseline" --sink files --out "$tmp/out" --file-format parquet
  python3 -c "import sys; print('    this build / the baseline %.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" \
    "$this_rate" "$med_rate"
fi
