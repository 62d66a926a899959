# SPDX-License-Identifier: Apache-2.0
# build-lib.sh - the build trees that scripts/demo.sh, scripts/test.sh and
# scripts/image.sh configure. Sourced, not run.
#
# Each command owns its trees: demo.sh build-demo/, test.sh build/,
# build-engine-only/ and build-sanitize/ (image.sh reuses demo.sh's), so
# neither command configures a tree the other one reads. And a tree is
# configured from an empty cache whenever its stamp differs: the stamp
# (DIR/.shopstream-configure) holds the source folder, the generator and
# arguments, and a fingerprint of the toolchain that CMake's cache would
# otherwise remember from the first configure (the C compiler, cmake, and the
# CUDA compiler that CMake's SHOPSTREAM_CUDA would find: an nvcc on the PATH,
# $CUDACXX, or scripts/setup.sh --cuda's install and its pins; and the
# librdkafka that producer/CMakeLists.txt links: scripts/librdkafka.sh's
# build and its stamp, or none, then Debian's 2.0.2). A tree first
# configured before CUDA was installed, with CMAKE_CUDA_COMPILER-NOTFOUND in
# its cache, is so configured afresh once CUDA is there (a tree that linked
# Debian's librdkafka 2.0.2, once scripts/setup.sh has built 2.8.0), and a tree that
# another command or an older script configured with other options (no
# stamp, or another one) too.
#
#   configure_tree DIR CMAKE_ARG...   configure DIR (Ninja), afresh if the stamp differs
#   demo_tree                         configure and build build-demo/ (no tests); prints nothing

# The fingerprint of what CMake would pick up on a first configure.
toolchain_fingerprint() {
  local cc=${CC:-cc} cuda_dir=${SHOPSTREAM_CUDA_DIR:-$HOME/.cache/shopstream/cuda} nvcc
  echo "cmake: $(cmake --version | head -n 1)"
  echo "cc: $(command -v "$cc" || echo "$cc") $("$cc" --version 2>/dev/null | head -n 1)"
  echo "env: CC=${CC:-} CFLAGS=${CFLAGS:-} LDFLAGS=${LDFLAGS:-} CUDACXX=${CUDACXX:-} SHOPSTREAM_CUDA_DIR=${SHOPSTREAM_CUDA_DIR:-}"
  nvcc=$(command -v nvcc || true)
  echo "nvcc on PATH: ${nvcc:-none} $([[ -n $nvcc ]] && "$nvcc" --version 2>/dev/null | tail -n 1)"
  if [[ -x $cuda_dir/nvidia/cu13/bin/nvcc ]]; then
    echo "setup.sh --cuda: $cuda_dir $(cat "$cuda_dir/.shopstream-cuda" 2>/dev/null)"
  else
    echo "setup.sh --cuda: none at $cuda_dir"
  fi
  local rdkafka
  rdkafka=$(scripts/librdkafka.sh --prefix)
  if [[ -f $rdkafka/.shopstream-librdkafka ]]; then
    echo "librdkafka: $rdkafka $(cat "$rdkafka/.shopstream-librdkafka")"
  else
    echo "librdkafka: none at $rdkafka"
  fi
}

configure_tree() {
  local dir=$1 stamp want
  shift
  stamp=$dir/.shopstream-configure
  want=$(printf 'source: %s\ngenerator: Ninja\nargs:%s\n' "$PWD" "$(printf ' %q' "$@")"; toolchain_fingerprint)
  if [[ -f $dir/CMakeCache.txt && "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    echo "build-lib: $dir was configured with other options or another toolchain: configuring it afresh" >&2
    rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
  fi
  rm -f "$stamp"
  mkdir -p "$dir"
  cmake -S . -B "$dir" -G Ninja "$@" >"$dir/.shopstream-configure.log" 2>&1 || {
    cat "$dir/.shopstream-configure.log" >&2
    echo "build-lib: configuring $dir failed (cmake -S . -B $dir -G Ninja $*)" >&2
    return 1
  }
  printf '%s\n' "$want" >"$stamp"
}

# demo.sh's program, without tests: build-demo/producer/shopstream.
demo_tree() {
  configure_tree build-demo -DSHOPSTREAM_TESTS=OFF || return 1
  cmake --build build-demo >build-demo/.shopstream-build.log 2>&1 || {
    cat build-demo/.shopstream-build.log >&2
    echo "build-lib: building build-demo failed" >&2
    return 1
  }
}
