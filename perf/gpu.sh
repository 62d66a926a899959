#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# gpu.sh - every GPU check and figure in one script, for a machine with an
# NVIDIA GPU and a CUDA toolkit but none of our Debian libraries (the
# project's device machine): it builds engine/ alone with the GPU stage
# (SHOPSTREAM_ENGINE_ONLY=ON), then
#   1. engine_check --gpu    CPU and GPU batches byte-identical (exit 1 if not)
#   2. gpu_bench             orders/s landed in host memory by batch size, the
#                            kernels alone, copy bandwidth, the nearest limit
#   3. if a shopstream binary runs here (built with CUDA, e.g. from
#      `perf/gpu.sh --bundle DIR` on a full build machine): the end-to-end
#      null-sink run, --engine cpu against --engine gpu, rate and
#      content_digest (which must be equal), generation against encoding.
#
#   perf/gpu.sh [BUILD_DIR] [gpu_bench options...]   (BUILD_DIR: build-gpu)
#   perf/gpu.sh --bundle DIR    copy build/producer/shopstream and the shared
#                               libraries it needs (not glibc's) into DIR, to
#                               carry to a GPU machine; run there with
#                               SHOPSTREAM_BIN=DIR/run perf/gpu.sh
#
# Environment: CUDA_ARCH (CMAKE_CUDA_ARCHITECTURES; default: the GPU's, from
# nvidia-smi, else native), SHOPSTREAM_BIN (the shopstream for step 3;
# default build/producer/shopstream). Warnings are not errors here: the
# machine's compilers may not be the ones CI checks with.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--bundle" ]]; then
  out=${2:?usage: perf/gpu.sh --bundle DIR}
  bin=build/producer/shopstream
  [[ -x $bin ]] || { echo "gpu.sh: $bin not built" >&2; exit 2; }
  mkdir -p "$out/lib"
  cp "$bin" "$out/shopstream"
  if ldd "$bin" | grep -q "not found"; then
    echo "gpu.sh: $bin has libraries ldd cannot find:" >&2; ldd "$bin" | grep "not found" >&2; exit 1
  fi
  # Everything but glibc's own libraries, which must be the target's.
  ldd "$bin" | awk '/=> \// { print $3 }' |
    grep -Ev '/(libc|libm|libmvec|libpthread|libdl|librt|libresolv|libutil|libanl|libnss_[a-z]+|ld-linux[^/]*)\.so' |
    while read -r lib; do cp -L "$lib" "$out/lib/"; done
  printf '#!/bin/sh\nd=$(dirname "$0")\nLD_LIBRARY_PATH="$d/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$d/shopstream" "$@"\n' \
    >"$out/run"
  chmod +x "$out/run"
  echo "gpu.sh: bundled $(ls "$out/lib" | wc -l) libraries with shopstream into $out (run it as $out/run)"
  exit 0
fi

build=${1:-build-gpu}
[[ $# -gt 0 ]] && shift
# A CUDA toolkit where it usually is, if nvcc is not on the PATH already.
if ! command -v nvcc >/dev/null 2>&1 && [[ -x /usr/local/cuda/bin/nvcc ]]; then PATH=$PATH:/usr/local/cuda/bin; fi
arch=${CUDA_ARCH:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '. ')}
cmake -S . -B "$build" -G Ninja -DSHOPSTREAM_ENGINE_ONLY=ON -DSHOPSTREAM_CUDA=ON -DSHOPSTREAM_WERROR=OFF \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="${arch:-native}" >/dev/null
cmake --build "$build" >/dev/null
echo "gpu.sh: built $build for CUDA architecture ${arch:-native}"
nvidia-smi --query-gpu=name,driver_version,memory.total,pcie.link.gen.current,pcie.link.width.current \
  --format=csv,noheader 2>/dev/null | sed 's/^/gpu.sh: nvidia-smi: /' || true

echo "== 1. engine_check --gpu"
"$build/tests/engine_check/engine_check" --gpu

echo "== 2. gpu_bench $*"
"$build/perf/gpu_bench" "$@"

echo "== 3. end to end, --sink null"
bin=${SHOPSTREAM_BIN:-build/producer/shopstream}
if ! { [[ -x $bin ]] && "$bin" --version >/dev/null 2>&1; }; then
  echo "gpu.sh: skipped: no runnable shopstream at $bin (bundle one with perf/gpu.sh --bundle DIR on a full build)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(run --sink null --duration 24h --intensity 2000 --speed max --start 2026-01-01T00:00:00Z -q)
for engine in cpu gpu; do
  "$bin" "${args[@]}" --engine "$engine" --stats-json "$tmp/$engine.json" 2>"$tmp/$engine.err" ||
    { cat "$tmp/$engine.err"; exit 1; }
  grep -E "^shopstream: engine|^  orders|^  engine" "$tmp/$engine.err"
done
# No Python needed: the two fields, from the stats each run wrote.
field() { sed -n "s/^  \"$2\": \"\{0,1\}\([^\",]*\).*/\1/p" "$1" | head -1; }
cd_cpu=$(field "$tmp/cpu.json" content_digest) cd_gpu=$(field "$tmp/gpu.json" content_digest)
echo "end to end: cpu $(field "$tmp/cpu.json" orders_per_s) orders/s, gpu $(field "$tmp/gpu.json" orders_per_s)" \
  "orders/s; content_digest cpu $cd_cpu gpu $cd_gpu: $([[ $cd_cpu == "$cd_gpu" ]] && echo equal || echo DIFFERENT)"
[[ $cd_cpu == "$cd_gpu" ]]
