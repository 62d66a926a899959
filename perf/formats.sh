#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# formats.sh - the value formats side by side, to the null sink.
#
# The same run (24 simulated hours at intensity 100, all cores) encoded as
# avro, avro-confluent, protobuf, protobuf-confluent, json-schema-confluent
# (the registered ones with a real Apicurio registry, which this script
# starts and stops) and json; best of N rounds each, the rounds interleaved.
# Prints orders/s, messages/s, bytes per message and the orders/s ratio to
# avro (and the machine's load: figures from a shared machine are noisy); checks that
# each framed format's content_digest equals its unframed one's (the digest
# leaves the frame out), and that protobuf-confluent makes at least 0.9x
# avro's orders/s (exit 1 otherwise).
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

once() { # format extra-args... -> "orders/s msgs/s bytes/msg digest" of one run
  local format=$1; shift
  "$bin" "${args[@]}" --format "$format" "$@" --stats-json "$tmp/s.json" 2>/dev/null
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("%.0f %.0f %.1f %s" % (s["orders_per_s"], s["messages_per_s"], s["bytes"] / s["messages"], s["content_digest"]))' "$tmp/s.json"
}

# Rounds outside, formats inside: a burst of load on a shared machine then
# falls on every format alike, not on all the rounds of one.
formats=(avro avro-confluent protobuf protobuf-confluent json-schema-confluent json)
declare -A orders rate size digest
for ((i = 0; i < rounds; i++)); do
  for f in "${formats[@]}"; do
    extra=()
    [[ $f == *-confluent ]] && extra=(--schema-registry "$url")
    read -r o r b d < <(once "$f" "${extra[@]}")
    if [[ -z ${orders[$f]:-} || $o -gt ${orders[$f]} ]]; then orders[$f]=$o rate[$f]=$r size[$f]=$b; fi
    digest[$f]=$d
  done
done
echo "$bin ${args[*]} --format F   (best of $rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  %-22s %12s %12s %16s %10s\n' format orders/s messages/s "bytes/message" "vs avro"
for f in "${formats[@]}"; do
  printf '  %-22s %12s %12s %16s %10s\n' "$f" "${orders[$f]}" "${rate[$f]}" "${size[$f]}" \
    "$(python3 -c "print('%.2f' % (${orders[$f]} / ${orders[avro]}))")"
done
status=0
for pair in avro:avro-confluent protobuf:protobuf-confluent json:json-schema-confluent; do
  a=${pair%%:*} b=${pair##*:}
  if [[ ${digest[$a]} == "${digest[$b]}" ]]; then
    echo "  content_digest $a = $b: ${digest[$a]}"
  else
    echo "  content_digest DIFFERS: $a ${digest[$a]}, $b ${digest[$b]}"
    status=1
  fi
done
if python3 -c "import sys; sys.exit(0 if ${orders[protobuf-confluent]} >= 0.9 * ${orders[avro]} else 1)"; then
  echo "  protobuf-confluent: at least 0.9x avro's orders/s"
else
  echo "  protobuf-confluent: BELOW 0.9x avro's orders/s"
  status=1
fi
exit $status
