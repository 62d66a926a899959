#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# demo.sh - the main job in one command: install what is missing, build, and
# stream a day of the baseline scenario into the embedded broker (librdkafka's
# mock cluster, in process; no Kafka needed) at one simulated hour per second.
#
#   scripts/demo.sh                 24 simulated hours in about 24 s
#   scripts/demo.sh -k              ... and keep the broker up until Ctrl-C
#   scripts/demo.sh --speed max     any shopstream run option goes through (the
#                                   last --speed wins: CI runs it so, in seconds)
#
# Its build tree is build-demo/, its own (scripts/build-lib.sh): it never
# configures the trees scripts/test.sh builds, so the two run in either order.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build-lib.sh

scripts/setup.sh
demo_tree
exec build-demo/producer/shopstream run --scenario baseline --duration 24h --intensity 10 --speed 3600 "$@"
