#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# publish.sh - shopstream's publishing rate against the raw baseline, side by
# side in one run, on the embedded broker and on a real Kafka broker.
#
# For each broker: shopstream run --speed max (24 simulated hours at
# intensity 100), then perf/raw_producer publishing the very same messages
# (built before its clock starts) with the same producer settings; on the
# real broker also Kafka's own ProducerPerformance (kafka-tools) with as many
# records of the run's average size. Prints messages/s and the ratios.
#
#   perf/publish.sh [BUILD_DIR] [ROUNDS]   (defaults: build, 3; best of ROUNDS each;
#                                           needs a JDK and Maven for the real broker)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-3}
bin=$build/producer/shopstream
raw=$build/perf/raw_producer
for f in "$bin" "$raw"; do
  [[ -x $f ]] || { echo "publish.sh: $f not built (cmake -S . -B $build -G Ninja && cmake --build $build)" >&2; exit 2; }
done
tmp=$(mktemp -d)
state=$tmp/kafka
cleanup() { scripts/kafka-broker.sh stop "$state" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
args=(run --duration 24h --intensity 100 --speed max -q --partitions 6 --start 2026-01-01T00:00:00Z)

stat() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
rate_of() { sed -E 's/.* ([0-9]+) msgs\/s.*/\1/'; }
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

bench() { # label, shopstream broker args..., -- raw broker args...
  local label=$1; shift
  local ss=() rb=()
  while [[ $1 != -- ]]; do ss+=("$1"); shift; done; shift
  rb=("$@")
  local n bytes size ss_rate=0 raw_rate=0 r x
  for ((r = 0; r < rounds; r++)); do  # alternate the two, keep the best of each
    "$bin" "${args[@]}" "${ss[@]}" --topic-prefix "perf.$$.$label_n.$r." --stats-json "$tmp/s.json" 2>/dev/null
    x=$(python3 -c "print('%.0f' % float('$(stat "$tmp/s.json" messages_per_s)'))")
    (( x > ss_rate )) && ss_rate=$x
    x=$("$raw" "${rb[@]}" -d 24h -i 100 -p 6 2>/dev/null | rate_of)
    (( x > raw_rate )) && raw_rate=$x
  done
  label_n=$((label_n + 1))
  n=$(stat "$tmp/s.json" messages); bytes=$(stat "$tmp/s.json" bytes)
  size=$(( bytes / n - 8 ))
  echo "$label: $n messages (7 topics, best of $rounds), average value $size bytes (+ 8-byte key), lz4, idempotent, acks=all, 6 partitions"
  printf '  %-38s %10s msgs/s\n' "shopstream (generate+encode+publish)" "$ss_rate" "raw librdkafka (the same messages, prebuilt)" "$raw_rate"
  echo "  ratio shopstream / raw: $(ratio "$ss_rate" "$raw_rate")"
  last_n=$n; last_size=$size; last_ss=$ss_rate
}

label_n=0
bench "embedded broker (librdkafka mock cluster)" -- -m

scripts/kafka-broker.sh start "$state" >/dev/null
addr=$(cat "$state/bootstrap")
bench "Kafka 4.1.1 on 127.0.0.1 (KRaft, one broker)" -b "$addr" -- -b "$addr"
jars=$(scripts/kafka-broker.sh jars)
pp=$(java -cp "$jars/*" org.apache.kafka.tools.ProducerPerformance --topic "pp.$$" --num-records "$last_n" \
       --record-size "$last_size" --throughput -1 \
       --producer-props bootstrap.servers="$addr" acks=all compression.type=lz4 linger.ms=5 enable.idempotence=true 2>/dev/null \
     | tail -1)
pp_rate=$(echo "$pp" | sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/')
printf '  %-38s %10.0f records/s   (%s)\n' "Kafka ProducerPerformance" "$pp_rate" "$pp"
echo "  ratio shopstream / ProducerPerformance: $(ratio "$last_ss" "$pp_rate")"
