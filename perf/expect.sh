#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# expect.sh - what `shopstream expect` costs beside generating the same run:
# a day at intensity 100 (the living shop, the defaults), to the null sink
# and through expect with 1 h windows, side by side, best of N wall seconds
# each, and their ratio (expect's answers should take no longer than
# generating the run they answer for).
#
#   perf/expect.sh [BUILD_DIR] [ROUNDS]     (defaults: build, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-3}
bin=$build/producer/shopstream
[[ -x $bin ]] || { echo "expect.sh: $bin not built" >&2; exit 2; }
run=(--duration 24h --intensity 100 --start 2026-01-01T00:00:00Z)
best() { # command... -> the least wall seconds of $rounds runs
  local least=
  for ((i = 0; i < rounds; i++)); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    least=$(python3 -c "a = $t1 - $t0; b = '$least'; print(a if not b else min(a, float(b)))")
  done
  echo "$least"
}
echo "shopstream ... ${run[*]}  (best of $rounds, $(nproc) cores)"
null_s=$(best "$bin" run --sink null --speed max -q "${run[@]}")
expect_s=$(best "$bin" expect --window 1h "${run[@]}")
orders=$("$bin" expect --window 24h "${run[@]}" | python3 -c "import json, sys; print(json.load(sys.stdin)['total']['orders'])")
printf '  %-40s %7.3f s  %10.0f orders/s\n' "run --sink null" "$null_s" "$(python3 -c "print($orders / $null_s)")"
printf '  %-40s %7.3f s  %10.0f orders/s\n' "expect --window 1h" "$expect_s" "$(python3 -c "print($orders / $expect_s)")"
printf '  expect takes %.2fx the null sink'"'"'s time for the same %d orders\n' \
  "$(python3 -c "print($expect_s / $null_s)")" "$orders"
