#!/usr/bin/env bash
# test.sh - every test, the way CI runs them: install what is missing, build,
# and run the unit tests and the integration tests against a real Apache
# Kafka broker (KRaft, from Maven Central jars, on 127.0.0.1), then the same
# suite again built with AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   scripts/test.sh               everything
#   scripts/test.sh --fast        the release build only, no sanitizer pass
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test
jobs=$(nproc)

run_suite() { # build-dir, extra cmake args...
  local dir=$1; shift
  echo "== test.sh: building $dir $*"
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "== test.sh: ctest in $dir"
  (cd "$dir" && ctest --output-on-failure --timeout 900)
}

run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [[ "${1:-}" != "--fast" ]]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-sanitize -DCMAKE_BUILD_TYPE=Debug -DSHOPSTREAM_SANITIZE=address,undefined
fi
echo "== test.sh: all tests passed"
