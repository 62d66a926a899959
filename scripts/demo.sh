#!/usr/bin/env bash
# demo.sh - the main job in one command: install what is missing, build, and
# stream a day of the baseline scenario into the embedded broker (librdkafka's
# mock cluster, in process; no Kafka needed) at one simulated hour per second.
#
#   scripts/demo.sh                 24 simulated hours in about 24 s
#   scripts/demo.sh -k              ... and keep the broker up until Ctrl-C
#   scripts/demo.sh --speed max     any shopstream run option goes through
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build -G Ninja -DSHOPSTREAM_TESTS=OFF >/dev/null
cmake --build build >/dev/null
exec build/producer/shopstream run --scenario baseline --duration 24h --intensity 10 --speed 3600 "$@"
