#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# formats.sh - the three value formats side by side, to the null sink.
#
# The same run (24 simulated hours at intensity 100, all cores) encoded as
# avro, avro-confluent (registered with a real Apicurio registry, which this
# script starts and stops) and json; best of N rounds each. Prints
# messages/s, bytes per message and the ratio to avro, and checks that
# avro-confluent's content_digest equals avro's (the digest leaves the frame
# out).
#
#   perf/formats.sh [BUILD_DIR] [ROUNDS]        (defaults: build, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-3}
bin=$build/producer/shopstream
[[ -x $bin ]] || { echo "formats.sh: $bin not built (cmake -S . -B $build -G Ninja && cmake --build $build)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'scripts/schema-registry.sh stop "$tmp/registry" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
scripts/schema-registry.sh start "$tmp/registry" >/dev/null 2>&1
url=$(cat "$tmp/registry/url")
args=(run --sink null --duration 24h --intensity 100 --speed max -q --start 2026-01-01T00:00:00Z)

best() { # format extra-args... -> "msgs/s bytes/msg digest"
  local format=$1; shift
  local top=""
  for ((i = 0; i < rounds; i++)); do
    "$bin" "${args[@]}" --format "$format" "$@" --stats-json "$tmp/s.json" 2>/dev/null
    local line
    line=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("%.0f %.1f %s" % (s["messages_per_s"], s["bytes"] / s["messages"], s["content_digest"]))' "$tmp/s.json")
    if [[ -z $top || ${line%% *} -gt ${top%% *} ]]; then top=$line; fi
  done
  echo "$top"
}

read -r a_rate a_size a_digest < <(best avro)
read -r c_rate c_size c_digest < <(best avro-confluent --schema-registry "$url")
read -r j_rate j_size j_digest < <(best json)
echo "$bin ${args[*]} --format F   (best of $rounds, $(nproc) cores)"
printf '  %-16s %12s %16s %10s\n' format messages/s "bytes/message" "vs avro"
for row in "avro $a_rate $a_size" "avro-confluent $c_rate $c_size" "json $j_rate $j_size"; do
  set -- $row
  printf '  %-16s %12s %16s %10s\n' "$1" "$2" "$3" "$(python3 -c "print('%.2f' % ($2 / $a_rate))")"
done
[[ $a_digest == "$c_digest" ]] && echo "  content_digest avro = avro-confluent: $a_digest" \
  || { echo "  content_digest DIFFERS: avro $a_digest, avro-confluent $c_digest"; exit 1; }
