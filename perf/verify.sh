#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# verify.sh - how fast `shopstream verify` reads a run back, beside kcat (its
# own librdkafka consumer) reading the same topics to their end, on a real
# Kafka broker on 127.0.0.1 (scripts/kafka-broker.sh), side by side.
#
# Publishes one run (the living shop, 24 simulated hours at intensity 30 by
# default), then, best of ROUNDS each: verify (which also rebuilds the run
# into the null sink and compares) and kcat -C -e over the seven topics.
# Prints messages/s of each and their ratio.
#
#   perf/verify.sh [BUILD_DIR] [ROUNDS] [INTENSITY]   (defaults: build, 3, 30)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-3}
intensity=${3:-30}
bin=$build/producer/shopstream
[[ -x $bin ]] || { echo "verify.sh: $bin not built" >&2; exit 2; }
command -v kcat >/dev/null || { echo "verify.sh: kcat is missing (scripts/setup.sh --test installs it)" >&2; exit 2; }
state=$(mktemp -d)
trap 'scripts/kafka-broker.sh stop "$state" >/dev/null 2>&1; rm -rf "$state"' EXIT
SHOPSTREAM_KAFKA_SECURE=0 scripts/kafka-broker.sh start "$state" >/dev/null
addr=$(cat "$state/bootstrap")
prefix=perf.verify.$$.
run=(--duration 24h --intensity "$intensity" --start 2026-01-01T00:00:00Z --topic-prefix "$prefix")
"$bin" run -b "$addr" "${run[@]}" -q --stats-json "$state/s.json" 2>/dev/null
n=$(python3 -c "import json; print(json.load(open('$state/s.json'))['messages'])")
least() { # command... -> the least wall seconds of $rounds runs
  local best=
  for ((i = 0; i < rounds; i++)); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "verify.sh: $* failed" >&2; exit 1; }
    t1=$(date +%s.%N)
    best=$(python3 -c "a = $t1 - $t0; b = '$best'; print(a if not b else min(a, float(b)))")
  done
  echo "$best"
}
kcat_all() { for t in customers products campaigns orders order_items payments shipments; do
  kcat -C -b "$addr" -t "$prefix$t" -o beginning -e -q -f '%k%s\n'; done; }
verify_s=$(least "$bin" verify -b "$addr" "${run[@]}" -q)
kcat_s=$(least kcat_all)
echo "perf/verify.sh: $n messages (24 h at intensity $intensity, 7 topics), Kafka 4.1.1 on 127.0.0.1, best of $rounds, $(nproc) cores"
printf '  %-44s %7.2f s %10.0f msgs/s\n' "shopstream verify (rebuild + read + compare)" "$verify_s" "$(python3 -c "print($n / $verify_s)")"
printf '  %-44s %7.2f s %10.0f msgs/s\n' "kcat -C -e, the seven topics" "$kcat_s" "$(python3 -c "print($n / $kcat_s)")"
echo "  ratio verify / kcat: $(python3 -c "print('%.2f' % ($kcat_s / $verify_s))")"
