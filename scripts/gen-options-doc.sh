#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# gen-options-doc.sh - docs/options.md, the option reference, is what
# `shopstream --help-markdown` prints from the option table
# (producer/options/options.c): this writes it, or checks that the committed
# file is current (the ctest test option_reference_is_current does, in CI).
#
#   scripts/gen-options-doc.sh [BIN]            write docs/options.md from BIN
#   scripts/gen-options-doc.sh --check [BIN]    exit 1, with one line, when docs/options.md
#                                               differs from what BIN prints
#
# BIN is a built shopstream; without it, build-demo/producer/shopstream is
# built first (scripts/build-lib.sh's demo_tree). Exit 2 when BIN cannot
# print the reference.
set -euo pipefail
check=0
if [[ ${1:-} == --check ]]; then check=1; shift; fi
[[ $# -le 1 && ${1:-} != -* ]] || { echo "usage: scripts/gen-options-doc.sh [--check] [SHOPSTREAM_BIN]" >&2; exit 2; }
bin=${1:-}
[[ -z $bin ]] || bin=$(realpath "$bin") # before the cd: BIN may be relative to the caller
cd "$(dirname "$0")/.."
if [[ -z $bin ]]; then
  source scripts/build-lib.sh
  demo_tree
  bin=$PWD/build-demo/producer/shopstream
fi

doc=docs/options.md
tmp=$(mktemp "${TMPDIR:-/tmp}/options.md.XXXXXX")
trap 'rm -f "$tmp"' EXIT
"$bin" --help-markdown >"$tmp" || { echo "gen-options-doc: $bin --help-markdown failed" >&2; exit 2; }

if [[ $check == 1 ]]; then
  if ! cmp -s "$tmp" "$doc"; then
    echo "gen-options-doc: $doc is stale (the option table in $bin prints another one): regenerate it with scripts/gen-options-doc.sh $bin" >&2
    exit 1
  fi
  echo "gen-options-doc: $doc is current"
  exit 0
fi
cat "$tmp" >"$doc"
echo "gen-options-doc: wrote $doc"
