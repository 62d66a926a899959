#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# pipeline.sh - end-to-end rates of one build, side by side in one run:
# engine + Avro encoding to the null sink, and the same run published to the
# embedded broker. Prints orders/s and messages/s of each (best of N) and
# their ratio, and checks the two published the same content_digest.
#
#   perf/pipeline.sh [BUILD_DIR] [ROUNDS]     (defaults: build, 3)
# Extra shopstream options can be given in SHOPSTREAM_PERF_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-3}
bin=$build/producer/shopstream
[[ -x $bin ]] || { echo "pipeline.sh: $bin not built (cmake -S . -B $build -G Ninja && cmake --build $build)" >&2; exit 2; }
args=(run --duration 24h --intensity 100 --speed max -q ${SHOPSTREAM_PERF_ARGS:-})
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

best() { # sink -> prints "orders_per_s messages_per_s digest"
  local sink=$1 top_o=0 top_m=0 digest=""
  for ((i = 0; i < rounds; i++)); do
    "$bin" "${args[@]}" --sink "$sink" --stats-json "$tmp/$sink.json" 2>/dev/null
    local o m
    o=$(field "$tmp/$sink.json" orders_per_s); m=$(field "$tmp/$sink.json" messages_per_s)
    digest=$(field "$tmp/$sink.json" content_digest)
    if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)" "$m" "$top_m"; then
      top_o=$o; top_m=$m
    fi
  done
  echo "$top_o $top_m $digest"
}

read -r null_o null_m null_d < <(best null)
read -r kafka_o kafka_m kafka_d < <(best kafka)
messages=$(field "$tmp/kafka.json" messages)
echo "shopstream ${args[*]}  ($messages messages, best of $rounds, $(nproc) cores)"
printf '  %-28s %12.0f orders/s %12.0f messages/s\n' "null sink (generate + Avro)" "$null_o" "$null_m"
printf '  %-28s %12.0f orders/s %12.0f messages/s\n' "embedded broker (mock)" "$kafka_o" "$kafka_m"
python3 -c "import sys; print('  ratio embedded/null: %.3f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$kafka_m" "$null_m"
if [[ "$null_d" == "$kafka_d" ]]; then echo "  content_digest equal: $null_d"; else echo "  content_digest DIFFERS: null $null_d, kafka $kafka_d"; exit 1; fi
