#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# compose-ci.sh - docker-compose.yml's stack started for real, where no image
# registry can be reached: with deploy/compose-ci/docker-compose.ci.yml over
# it, which builds stand-ins for the kafka and registry images (from the
# Maven Central jars and distribution the tests use, on the local Debian
# base) and shortens shopstream's run; then tests/deploy/compose_stack.py
# starts kafka, registry and shopstream with `docker-compose up`, checks the
# start order, healthchecks and published ports, waits for the run to finish
# and reads every topic back from the host.
#
#   scripts/compose-ci.sh
#
# Installs what is missing (scripts/setup.sh --test --docker), uses the
# Docker engine that answers or starts a private dockerd (and stops it after),
# makes the Debian bases from debootstrap where they cannot be pulled
# (scripts/docker-lib.sh), and takes the stack down at the end, whatever
# happened. Prints the test's 'N passed, M failed'; exits non-zero on any
# failure (an engine that cannot be had is a failure, never a skip).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
SERVICE=compose-ci
source scripts/build-lib.sh
source scripts/docker-lib.sh

ci=deploy/compose-ci
export COMPOSE_FILE=docker-compose.yml:$ci/docker-compose.ci.yml
export COMPOSE_PROJECT_NAME=shopstream-ci
# Two simulated hours from yesterday's midnight (UTC): in the past, as a
# broker wants it, and well within the stack's 7-day retention.
SHOPSTREAM_CI_START=$(date -u -d yesterday +%Y-%m-%dT00:00:00Z)
export SHOPSTREAM_CI_START

staged=("$ci/kafka/libs" "$ci/registry/app" "$ci/registry/java")
down() {
  if [[ -n ${DOCKER_HOST:-} ]] || docker_answers; then
    docker-compose down --volumes --remove-orphans --timeout 20 >/dev/null 2>&1 || true
  fi
}
cleanup() { down; rm -rf "${staged[@]}"; docker_down; }
trap cleanup EXIT

scripts/setup.sh --test --docker
py=$(scripts/python-env.sh)
demo_tree                                    # the host build, for the run's digest

# What the stand-ins are built from, fetched once into the cache by the
# scripts that run the same services for the tests, and copied (hard links
# where the file system allows) into the build contexts.
stage() { # SRC DST
  rm -rf "$2"
  cp -al "$1" "$2" 2>/dev/null || { rm -rf "$2"; cp -a "$1" "$2"; }
}
stage "$(scripts/kafka-broker.sh jars)" "$ci/kafka/libs"
rm -f "$ci/kafka/libs/.complete"
stage "$(scripts/schema-registry.sh fetch)" "$ci/registry/app"
rm -f "$ci/registry/app/.complete"
java=$(readlink -f "$(scripts/schema-registry.sh java)")
stage "$(dirname "$(dirname "$java")")" "$ci/registry/java"
# A runtime is enough: no sources, headers, jmods or man pages.
rm -rf "$ci"/registry/java/{jmods,include,man,demo,sample,lib/src.zip,lib/ct.sym}
[[ -x $ci/registry/java/bin/java ]] || docker_die "no bin/java in the Java home of $java"

docker_up
down                                         # what an interrupted run left
docker_bases Dockerfile "$ci"/kafka/Dockerfile "$ci"/registry/Dockerfile

t0=$SECONDS
echo "compose-ci: docker-compose build kafka registry shopstream"
if ! docker-compose build kafka registry shopstream >"$DOCKER_DIR/compose-build.log" 2>&1; then
  tail -n 40 "$DOCKER_DIR/compose-build.log"
  echo "compose-ci: 0 passed, 1 failed (docker-compose build, log $DOCKER_DIR/compose-build.log)"
  exit 1
fi
echo "compose-ci: built in $((SECONDS - t0)) s"

t0=$SECONDS
rc=0
SHOPSTREAM_SOURCE_DIR=$root SHOPSTREAM_BIN=$root/build-demo/producer/shopstream \
  "$py" tests/deploy/compose_stack.py || rc=$?
echo "compose-ci: the stack's test took $((SECONDS - t0)) s"
exit $rc
