#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test.sh - every test, the way CI runs them: install what is missing, build,
# and run the unit tests and the integration tests against a real Apache
# Kafka broker (KRaft, from Maven Central jars, on 127.0.0.1), then the same
# suite again built with AddressSanitizer and UndefinedBehaviorSanitizer.
# The GPU stage is compiled too (CUDA 13 from PyPI when no nvcc is
# installed), and engine/ alone as a bare GPU machine builds it; without a
# GPU its checks run on the host and the GPU-only ones skip, saying why.
#
#   scripts/test.sh               everything
#   scripts/test.sh --fast        the release build only, no sanitizer pass
#   SHOPSTREAM_CUDA=OFF scripts/test.sh    without the GPU stage
#
# Its build trees are build/, build-engine-only/ and build-sanitize/, its own
# (scripts/build-lib.sh): scripts/demo.sh builds build-demo/, and a tree
# configured with other options, or before the toolchain changed (CUDA
# installed since), is configured afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build-lib.sh

cuda=${SHOPSTREAM_CUDA:-ON}
if [[ $cuda == OFF ]]; then scripts/setup.sh --test; else scripts/setup.sh --test --cuda; fi
jobs=$(nproc)

run_suite() { # build-dir, extra cmake args...
  local dir=$1; shift
  echo "== test.sh: building $dir $*"
  configure_tree "$dir" "$@"
  cmake --build "$dir" -j "$jobs"
  echo "== test.sh: ctest in $dir"
  local rc=0
  (cd "$dir" && ctest --output-on-failure --timeout 900) || rc=$?
  # What was skipped, and why (the GPU checks, on a machine without one).
  grep -hE "^SKIP|\[SKIP\]" "$dir/Testing/Temporary/LastTest.log" 2>/dev/null | sort -u | sed "s|^|== test.sh: $dir: |" || true
  return $rc
}

run_suite build-engine-only -DSHOPSTREAM_ENGINE_ONLY=ON -DSHOPSTREAM_CUDA="$cuda"
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHOPSTREAM_TESTS=ON -DSHOPSTREAM_CUDA="$cuda"
if [[ "${1:-}" != "--fast" ]]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
    run_suite build-sanitize -DCMAKE_BUILD_TYPE=Debug -DSHOPSTREAM_TESTS=ON -DSHOPSTREAM_SANITIZE=address,undefined \
    -DSHOPSTREAM_CUDA="$cuda"
fi
echo "== test.sh: all tests passed"
