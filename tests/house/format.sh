#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# format.sh - the sources follow .clang-format (scripts/check-format.sh), and
# the check can fail: a copy of a source with a line laid out otherwise
# (spaces clang-format removes, a call past 120 columns) is refused.
set -euo pipefail
src=${SHOPSTREAM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
"$src/scripts/check-format.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/.clang-format" "$tmp/"
cp "$src/producer/base/topics.c" "$tmp/topics.c"
printf 'int   planted_spacing   =   1;\nint planted_width(int a) { return planted_width(a + 1111111111) + planted_width(a + 2222222222) + planted_width(a + 33333333); }\n' \
  >>"$tmp/topics.c"
if out=$(cd "$tmp" && "$src/scripts/check-format.sh" "$tmp/topics.c" 2>&1); then
  echo "format: a planted misformatted line passed: $out"; exit 1
fi
echo "format: planted misformatted lines: refused ($out)" | head -n 1
echo "format: ok"
