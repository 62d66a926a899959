#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# layers.sh - producer/'s folders include only the folders below them
# (scripts/check-layers.sh), and the check can fail: on a copy of producer/
# with an upward include planted, and with an unqualified one, it must.
set -euo pipefail
src=${SHOPSTREAM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
"$src/scripts/check-layers.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plant() { # NAME FILE LINE EXPECTED-WORDS
  rm -rf "$tmp/producer" && cp -r "$src/producer" "$tmp/producer"
  sed -i "0,/^#include \"/s||$3\n#include \"|" "$tmp/producer/$2"
  if out=$("$src/scripts/check-layers.sh" "$tmp/producer" 2>&1); then
    echo "layers: planted $1 in $2 ($3), and check-layers passed:"; echo "$out"; exit 1
  fi
  grep -qF "$4" <<<"$out" || { echo "layers: planted $1: expected '$4' in:"; echo "$out"; exit 1; }
  echo "layers: planted $1: refused ($(grep -F "$4" <<<"$out" | head -n 1))"
}
plant "a cycle" base/topics.c '#include "run/run.h"' "cycle: base -> run -> base"
plant "an upward include" encode/codec.c '#include "report/report.h"' "expected a folder below encode/"
plant "an unqualified include" run/run.c '#include "sink.h"' 'expected "publish/sink.h", got "sink.h"'
echo "layers: ok"
