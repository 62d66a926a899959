#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# digests.sh - the content_digest and order_digest of each standard run, to
# prove a change kept every published byte (keys, values, timestamps) and
# every partition's order (the partition each message goes to, and its place
# there: order_digest, producer/publish/digest.h).
#
#   perf/digests.sh BIN                 print "name content_digest order_digest orders messages" per run
#   perf/digests.sh BIN --check FILE    compare with FILE (perf/digests.txt); exit 1 on any change
#
# Each run is a pure function of its options: a fixed start, the null sink
# (which hashes exactly what the Kafka sink would publish, in the partition
# the Kafka sink's partitioner gives each key), at max speed.
set -euo pipefail
bin=${1:?usage: perf/digests.sh SHOPSTREAM_BIN [--check FILE]}
check=${3:-}
[[ ${2:-} == --check && -n $check ]] || [[ -z ${2:-} ]] || { echo "usage: perf/digests.sh BIN [--check FILE]" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

common=(run --sink null --speed max -q --start 2026-01-01T00:00:00Z)
runs=(
  "baseline|-s baseline --duration 24h --intensity 10"
  "payment_outage|-s payment_outage --duration 24h --intensity 10"
  "viral_moment|-s viral_moment --duration 24h --intensity 10"
  "flash_sale|-s flash_sale --duration 24h --intensity 10"
  "black_friday|-s black_friday --duration 48h --intensity 5"
  "composed|-s payment_outage,viral_moment --duration 12h --intensity 10"
  "json|-s baseline --duration 6h --intensity 20 --format json"
  "string_keys|-s baseline --duration 6h --intensity 20 --key-format string"
  "seed7_catalog|-s flash_sale --duration 6h --intensity 20 --seed 7 --customers 3000 --products 80"
  "partitions3|-s baseline --duration 6h --intensity 20 --partitions 3"
  "prefix|-s baseline --duration 2h --intensity 20 --topic-prefix acme."
  "shard0of3|-s baseline --duration 24h --intensity 10 --shard 0/3"
  "shard1of3|-s baseline --duration 24h --intensity 10 --shard 1/3"
  "shard2of3|-s baseline --duration 24h --intensity 10 --shard 2/3"
  "static_shop|-s baseline --duration 24h --intensity 10 --lifecycle off --product-changes off --customer-changes off"
  "late_and_copies|-s baseline --duration 6h --intensity 20 --late-share 0.02 --duplicate-share 0.01"
  "long_lives|-s black_friday --duration 10d --intensity 1"
  "carrier_delay|-s carrier_delay --duration 6d --intensity 2"
  "price_war|-s price_war --duration 3d --intensity 5"
  "mobile_offline|-s mobile_offline --duration 12h --intensity 10"
  "changelog_json|-s payment_outage --duration 24h --intensity 2 --changelog debezium --late-share 0.02 --duplicate-share 0.01 --partitions 3"
  "changelog_json_schema|-s flash_sale --duration 12h --intensity 2 --changelog debezium --changelog-format json-schema"
)
out="$tmp/digests.txt"
for r in "${runs[@]}"; do
  name=${r%%|*}
  read -r -a args <<<"${r#*|}"
  "$bin" "${common[@]}" "${args[@]}" --stats-json "$tmp/$name.json" 2>"$tmp/$name.err" \
    || { echo "digests: run $name failed:" >&2; cat "$tmp/$name.err" >&2; exit 1; }
  python3 - "$tmp/$name.json" "$name" >>"$out" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(sys.argv[2], s["content_digest"], s["order_digest"], s["orders"], s["messages"])
PY
done
if [[ -z $check ]]; then cat "$out"; exit 0; fi
if diff -u "$check" "$out"; then
  echo "digests: $(wc -l <"$out") standard runs, every content_digest and order_digest as recorded in $check"
else
  echo "digests: content changed (above: - recorded, + now)" >&2
  exit 1
fi
