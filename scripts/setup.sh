#!/usr/bin/env bash
# setup.sh - installs what shopstream needs and is missing, from Debian's packages.
#
#   scripts/setup.sh          the build and run dependencies
#   scripts/setup.sh --test   also what the tests need (Criterion, jansson, kcat,
#                             a JDK and Maven for the real Kafka broker)
#
# Installs only missing packages; as root with apt-get, else through sudo.
set -euo pipefail

build_pkgs=(gcc make cmake ninja-build pkg-config librdkafka-dev libavro-dev libconfig-dev libcurl4-openssl-dev libjansson-dev libmicrohttpd-dev kcat)
test_pkgs=(libcriterion-dev python3-venv docker-compose)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then
  want+=("${test_pkgs[@]}")
  command -v java >/dev/null 2>&1 || want+=(default-jdk-headless)
  command -v mvn >/dev/null 2>&1 || want+=(maven)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
