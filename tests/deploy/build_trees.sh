#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build_trees.sh - scripts/build-lib.sh's configure_tree, which scripts/demo.sh,
# scripts/test.sh and scripts/image.sh configure their trees with: a tree is
# configured afresh when its options or its toolchain changed, where plain
# `cmake -S . -B DIR` keeps what the first configure cached.
#
#   1. options: a tree configured with -DSHOPSTREAM_WERROR=OFF, then through
#      configure_tree without it, has the default (ON) again;
#   2. toolchain: the issue's case. A tree configured while no CUDA compiler
#      could be found (CMAKE_CUDA_COMPILER-NOTFOUND cached), then with
#      -DSHOPSTREAM_CUDA=ON once scripts/setup.sh --cuda's install is there:
#      plain cmake stops ("no CUDA compiler was found"), configure_tree
#      configures it afresh with the GPU stage on; and so does configure_tree
#      with the first configure's arguments (the toolchain alone changed,
#      SHOPSTREAM_CUDA=AUTO now finds CUDA). Needs that install
#      (scripts/test.sh makes it; SHOPSTREAM_CUDA=OFF runs have none): skipped
#      without it, saying so;
#   3. the same arguments and toolchain again: the cache is kept;
#   4. librdkafka: a tree configured while scripts/librdkafka.sh's build was
#      not there (CMake then links the system's librdkafka, or finds none),
#      then once it is (scripts/setup.sh has run): configure_tree configures
#      it afresh and it links that build statically. Needs that build
#      (scripts/setup.sh makes it): skipped without it, saying so.
#
# Engine-only trees (no Kafka libraries needed) for 1-3, a tree without the
# tests for 4, in a temporary folder.
# Prints each check and 'N passed, M failed'; exit 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/build-lib.sh

work=$(mktemp -d "${SHOPSTREAM_TEST_TMP:-/tmp}/build-trees.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # WHAT COMMAND...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok    $what"; else failed=$((failed + 1)); echo "FAIL  $what"; fi
}
cached() { sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt"; }  # DIR VAR
real_cuda=${SHOPSTREAM_CUDA_DIR:-$HOME/.cache/shopstream/cuda}

# 1. options
t=$work/options
cmake -S . -B "$t" -G Ninja -DSHOPSTREAM_ENGINE_ONLY=ON -DSHOPSTREAM_CUDA=OFF -DSHOPSTREAM_WERROR=OFF >/dev/null
check "plain cmake cached SHOPSTREAM_WERROR=OFF" test "$(cached "$t" SHOPSTREAM_WERROR)" = OFF
configure_tree "$t" -DSHOPSTREAM_ENGINE_ONLY=ON -DSHOPSTREAM_CUDA=OFF 2>"$work/err"
check "configure_tree without it: SHOPSTREAM_WERROR is the default again ($(cached "$t" SHOPSTREAM_WERROR))" \
  test "$(cached "$t" SHOPSTREAM_WERROR)" = ON
check "  and it said it configured afresh" grep -q "configuring it afresh" "$work/err"

# 3. the same again: kept (the stamp matches; no fresh configure)
configure_tree "$t" -DSHOPSTREAM_ENGINE_ONLY=ON -DSHOPSTREAM_CUDA=OFF 2>"$work/err"
check "configure_tree with the same arguments keeps the cache" test ! -s "$work/err"

# 2. toolchain: CUDA installed after the first configure
if [[ -x $real_cuda/nvidia/cu13/bin/nvcc ]] && ! command -v nvcc >/dev/null; then
  t=$work/cuda
  export SHOPSTREAM_CUDA_DIR=$work/cuda-install      # not there yet
  configure_tree "$t" -DSHOPSTREAM_ENGINE_ONLY=ON 2>/dev/null
  check "without CUDA: CMAKE_CUDA_COMPILER cached as $(cached "$t" CMAKE_CUDA_COMPILER)" \
    test "$(cached "$t" CMAKE_CUDA_COMPILER)" = NOTFOUND
  ln -s "$real_cuda" "$SHOPSTREAM_CUDA_DIR"           # "scripts/setup.sh --cuda" has run
  cp "$t/CMakeCache.txt" "$work/cache.bak"
  cp "$t/.shopstream-configure" "$work/stamp.bak"
  cmake -S . -B "$t" -G Ninja -DSHOPSTREAM_ENGINE_ONLY=ON -DSHOPSTREAM_CUDA=ON >"$work/plain" 2>&1
  check "plain cmake -DSHOPSTREAM_CUDA=ON on that cache fails as the issue says" \
    grep -q "no CUDA compiler was found" "$work/plain"
  cp "$work/cache.bak" "$t/CMakeCache.txt"
  configure_tree "$t" -DSHOPSTREAM_ENGINE_ONLY=ON -DSHOPSTREAM_CUDA=ON 2>/dev/null
  check "configure_tree -DSHOPSTREAM_CUDA=ON configures it afresh, with the GPU stage" \
    grep -q "GPU stage ON" "$t/.shopstream-configure.log"
  # The toolchain alone: the same arguments as the first configure.
  rm -rf "$t" && mkdir -p "$t" && cp "$work/cache.bak" "$t/CMakeCache.txt"
  cp "$work/stamp.bak" "$t/.shopstream-configure"
  configure_tree "$t" -DSHOPSTREAM_ENGINE_ONLY=ON 2>/dev/null
  check "configure_tree with the first arguments, CUDA now installed: the GPU stage is on (AUTO found it)" \
    grep -q "GPU stage ON" "$t/.shopstream-configure.log"
else
  echo "skip  the CUDA case: no scripts/setup.sh --cuda install at $real_cuda (or an nvcc on the PATH)"
fi

# 4. librdkafka: scripts/librdkafka.sh's build made after the first configure
real_rdkafka=$(scripts/librdkafka.sh --prefix)
if [[ -f $real_rdkafka/.shopstream-librdkafka && -f $real_rdkafka/lib/librdkafka.a ]]; then
  t=$work/rdkafka
  export SHOPSTREAM_RDKAFKA_PREFIX=$work/rdkafka-install   # not there yet
  configure_tree "$t" -DSHOPSTREAM_TESTS=OFF -DSHOPSTREAM_CUDA=OFF 2>/dev/null
  not_linked() { [[ -f $1/CMakeCache.txt ]] && ! grep -q "shopstream: librdkafka .*, static$" "$1/.shopstream-configure.log"; }
  check "without scripts/librdkafka.sh's build: not linked ($(grep -m1 -o 'librdkafka [0-9.]*' "$t/.shopstream-configure.log" || echo 'no librdkafka found'))" \
    not_linked "$t"
  ln -s "$real_rdkafka" "$SHOPSTREAM_RDKAFKA_PREFIX"   # "scripts/setup.sh" has run
  configure_tree "$t" -DSHOPSTREAM_TESTS=OFF -DSHOPSTREAM_CUDA=OFF 2>"$work/err"
  check "once it is there: configure_tree configures the tree afresh" grep -q "configuring it afresh" "$work/err"
  check "  and links it statically ($(grep -o 'librdkafka [0-9.]* from .*' "$t/.shopstream-configure.log"))" \
    grep -q "shopstream: librdkafka .*, static$" "$t/.shopstream-configure.log"
  unset SHOPSTREAM_RDKAFKA_PREFIX
else
  echo "skip  the librdkafka case: no scripts/setup.sh build at $real_rdkafka"
fi

echo "build_trees: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
