#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# format.sh - the sources follow .clang-format (scripts/check-format.sh), and
# the check can fail: a copy of a source with a line too long is refused.
set -euo pipefail
src=${SHOPSTREAM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
"$src/scripts/check-format.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/.clang-format" "$tmp/"
cp "$src/producer/base/topics.c" "$tmp/topics.c"
printf 'int too_long(void) { return 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19; }\n' \
  >>"$tmp/topics.c"
if out=$(cd "$tmp" && "$src/scripts/check-format.sh" "$tmp/topics.c" 2>&1); then
  echo "format: a planted 121-column line passed: $out"; exit 1
fi
echo "format: planted a 121-column line: refused ($out)" | head -n 1
echo "format: ok"
