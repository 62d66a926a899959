#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# check-format.sh - every C and CUDA source follows .clang-format, as
# clang-format 14 (Debian's clang-format-14) lays it out.
#
#   scripts/check-format.sh           check; exit 1 naming each file that differs
#   scripts/check-format.sh --fix     rewrite the files in place
#   scripts/check-format.sh FILE...   check these files only
set -euo pipefail
cd "$(dirname "$0")/.."
cf=$(command -v clang-format-14 || true)
[[ -n $cf ]] || { echo "check-format: clang-format-14 is missing (scripts/setup.sh --test installs it)" >&2; exit 2; }
fix=0
[[ ${1:-} == --fix ]] && { fix=1; shift; }
if [[ $# -gt 0 ]]; then files=("$@"); else
  mapfile -t files < <(git ls-files '*.c' '*.h' '*.cu' 2>/dev/null || find engine producer tests perf -name '*.[ch]' -o -name '*.cu')
fi
if [[ $fix -eq 1 ]]; then "$cf" -i --style=file "${files[@]}"; exit 0; fi
bad=0
for f in "${files[@]}"; do
  if ! "$cf" --dry-run --Werror --style=file "$f" >/dev/null 2>&1; then
    n=$("$cf" --dry-run --style=file "$f" 2>&1 | grep -c 'warning:' || true)
    echo "check-format: $f: $n lines differ from .clang-format (scripts/check-format.sh --fix $f)"
    bad=$((bad + 1))
  fi
done
[[ $bad -eq 0 ]] || { echo "check-format: $bad of ${#files[@]} files differ"; exit 1; }
echo "check-format: ${#files[@]} files follow .clang-format"
