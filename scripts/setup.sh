#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# setup.sh - installs what shopstream needs and is missing, from Debian's packages.
#
#   scripts/setup.sh          the build and run dependencies, and librdkafka
#                             2.8.0 built from Debian's own source package
#                             (trixie's) into ~/.cache/shopstream/librdkafka-2.8.0
#                             by scripts/librdkafka.sh, unless its stamp says it
#                             is there: Debian 12's librdkafka is 2.0.2, whose
#                             SASL/SCRAM Kafka 4 refuses (fixed in 2.6.1).
#                             CMake links it statically (producer/CMakeLists.txt).
#   scripts/setup.sh --test   also what the tests need (Criterion, jansson, kcat, clang-format 14,
#                             a JDK and Maven for the real Kafka broker)
#   scripts/setup.sh --cuda   also a CUDA 13 compiler for the GPU stage, unless
#                             nvcc is on the PATH: nvcc, the runtime, cuRAND and
#                             CCCL from PyPI into ~/.cache/shopstream/cuda, where
#                             CMake's SHOPSTREAM_CUDA=AUTO|ON finds it. It
#                             compiles and links without a GPU; running the
#                             stage needs an NVIDIA driver.
#   scripts/setup.sh --docker also a Docker engine, debootstrap and docker-compose
#                             (scripts/image.sh and scripts/compose-ci.sh: they
#                             start a private dockerd when none answers)
#   scripts/setup.sh --fuzz   also clang 14 and its libFuzzer runtime (scripts/fuzz.sh)
#
# Installs only missing packages; as root with apt-get, else through sudo.
# Options combine: scripts/setup.sh --test --cuda.
set -euo pipefail

build_pkgs=(gcc make cmake ninja-build pkg-config libavro-dev libconfig-dev libcurl4-openssl-dev libjansson-dev libmicrohttpd-dev libprotobuf-c-dev protobuf-c-compiler libsnappy-dev kcat)
# What scripts/librdkafka.sh needs to fetch and build librdkafka's C library:
# dpkg-dev (dpkg-source, dpkg-buildflags), g++ (upstream's ./configure
# refuses to run without a C++ compiler, though only the C library is
# built) and, of its debian/control's Build-Depends, those the C library
# uses (not rapidjson-dev, python3, debhelper: the C++ library's tests, the
# shared library's linker script and Debian's packaging).
rdkafka_build_pkgs=(dpkg-dev g++ libssl-dev libsasl2-dev zlib1g-dev libzstd-dev liblz4-dev libcurl4-openssl-dev)
test_pkgs=(libcriterion-dev python3-venv docker-compose jq openssl clang-format-14)
docker_pkgs=(docker.io debootstrap docker-compose)
fuzz_pkgs=(clang-14 libclang-rt-14-dev)

# CUDA 13 from PyPI, pinned, with nvcc's own dependencies (crt, nvvm): nvcc
# lands in nvidia/cu13/bin, headers in nvidia/cu13/include (and include/cccl,
# which <nv/target> needs).
cuda_dir=${SHOPSTREAM_CUDA_DIR:-$HOME/.cache/shopstream/cuda}
cuda_wheels=(nvidia-cuda-nvcc==13.5.37 nvidia-cuda-crt==13.5.37 nvidia-nvvm==13.5.37
             nvidia-cuda-runtime==13.5.37 nvidia-curand==10.4.5.25
             nvidia-cuda-cccl==13.3.5.0.6)

want_test=0 want_cuda=0 want_docker=0 want_fuzz=0
for arg in "$@"; do
  case $arg in
    --test) want_test=1 ;;
    --cuda) want_cuda=1 ;;
    --docker) want_docker=1 ;;
    --fuzz) want_fuzz=1 ;;
    *) echo "setup: unknown option $arg (use --test, --cuda, --docker, --fuzz)" >&2; exit 2 ;;
  esac
done

want=("${build_pkgs[@]}" "${rdkafka_build_pkgs[@]}")
if [[ $want_test -eq 1 ]]; then
  want+=("${test_pkgs[@]}")
  command -v java >/dev/null 2>&1 || want+=(default-jdk-headless)
  command -v mvn >/dev/null 2>&1 || want+=(maven)
fi
[[ $want_cuda -eq 1 ]] && want+=(g++ python3-venv)
[[ $want_docker -eq 1 ]] && want+=("${docker_pkgs[@]}")
[[ $want_fuzz -eq 1 ]] && want+=("${fuzz_pkgs[@]}")

# An nvcc of CUDA 12 or later on the PATH will do; else the pinned wheels,
# installed beside the target and moved into place whole, with a stamp
# naming them (a change of pins reinstalls).
install_cuda() {
  if command -v nvcc >/dev/null 2>&1 && nvcc --version | grep -Eq 'release (1[2-9]|[2-9][0-9])\.'; then
    return 0
  fi
  local stamp="$cuda_dir/.shopstream-cuda"
  [[ -f $stamp && "$(cat "$stamp")" == "${cuda_wheels[*]}" ]] && return 0
  if [[ -e $cuda_dir && ! -f $stamp && ! -f $cuda_dir/.complete ]]; then
    echo "setup: $cuda_dir exists but is not a CUDA install of ours: remove it, or set SHOPSTREAM_CUDA_DIR" >&2
    exit 1
  fi
  echo "setup: installing CUDA 13 (nvcc, runtime, cuRAND, CCCL) from PyPI into $cuda_dir" >&2
  local venv new="$cuda_dir.new.$$"
  venv=$(mktemp -d)
  trap 'rm -rf "$venv" "$new"' EXIT
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps --target "$new" "${cuda_wheels[@]}"
  printf '%s' "${cuda_wheels[*]}" >"$new/.shopstream-cuda"
  rm -rf "$cuda_dir"
  mv "$new" "$cuda_dir"
  rm -rf "$venv"
  trap - EXIT
}

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  "$(dirname "$0")/librdkafka.sh"
  [[ $want_cuda -eq 1 ]] && install_cuda
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
"$(dirname "$0")/librdkafka.sh"
[[ $want_cuda -eq 1 ]] && install_cuda
exit 0
