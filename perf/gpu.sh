#!/usr/bin/env bash
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
# Environment: CUDA_ARCH (CMAKE_CUDA_ARCHITECTURES, default native),
# SHOPSTREAM_BIN (the shopstream for step 3; default build/producer/shopstream).
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
cmake -S . -B "$build" -G Ninja -DSHOPSTREAM_ENGINE_ONLY=ON -DSHOPSTREAM_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="${CUDA_ARCH:-native}" >/dev/null
cmake --build "$build" >/dev/null
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
python3 - "$tmp/cpu.json" "$tmp/gpu.json" <<'EOF'
import json, sys
c, g = (json.load(open(p)) for p in sys.argv[1:3])
print("end to end: cpu %.0f orders/s, gpu %.0f orders/s (%.2fx); content_digest cpu %s gpu %s: %s"
      % (c["orders_per_s"], g["orders_per_s"], g["orders_per_s"] / c["orders_per_s"],
         c["content_digest"], g["content_digest"],
         "equal" if c["content_digest"] == g["content_digest"] else "DIFFERENT"))
sys.exit(0 if c["content_digest"] == g["content_digest"] else 1)
EOF
