#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# image.sh - build the container image and run it the three ways it is used.
#
#   scripts/image.sh              build shopstream:VERSION from the tree as
#                                 committed (HEAD, through .dockerignore), then run it
#   scripts/image.sh --worktree   build from the work tree as it is, uncommitted
#                                 changes included
#
# Installs what is missing (scripts/setup.sh --docker), uses the Docker engine
# that answers or starts a private dockerd (and stops it after), and makes the
# Dockerfile's FROM images from debootstrap only where they cannot be pulled
# (scripts/docker-lib.sh). Then it runs the image:
#   1. with no arguments: the usage (--help), exit 0;
#   2. a run into the embedded broker (in the container, no network): its
#      content_digest must equal the same run of the host build (demo.sh's
#      build-demo/, built if needed);
#   3. the same run as the Kubernetes Job runs the image: uid 10001, a
#      read-only root filesystem, every capability dropped, no privilege
#      escalation, the config and scenario mounted read-only at /etc/shopstream
#      and passed with -c and -s: the same content_digest again;
#   4. --version: the image names the same librdkafka as the host build
#      (2.8.0 from Debian's source package, linked statically: the build
#      stage builds it with scripts/librdkafka.sh, as scripts/setup.sh does).
# Prints each check and 'image: N passed, M failed'; exits 1 on any failure
# (an engine that cannot be had is a failure, never a skip).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICE=image
source scripts/build-lib.sh
source scripts/docker-lib.sh

from=head
case "${1:-}" in
  "") ;;
  --worktree) from=worktree ;;
  *) echo "usage: $0 [--worktree]" >&2; exit 2 ;;
esac

version=$(sed -n 's/^project(shopstream VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[[ -n $version ]] || docker_die "no project version in CMakeLists.txt"
image=shopstream:$version
work=$(mktemp -d "${TMPDIR:-/tmp}/shopstream-image.XXXXXX")
cleanup() { rm -rf "$work"; docker_down; }
trap cleanup EXIT

passed=0 failed=0
check() { # WHAT COMMAND... : run COMMAND, count and print the outcome
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok    $what"
  else failed=$((failed + 1)); echo "FAIL  $what"; fi
}

scripts/setup.sh --docker
docker_up
docker_bases Dockerfile

# The build context: HEAD's files (git archive), or the work tree.
ctx=.
if [[ $from == head ]]; then
  if git rev-parse --git-dir >/dev/null 2>&1; then
    [[ -z $(git status --porcelain --untracked-files=no) ]] \
      || echo "image: building HEAD $(git rev-parse --short HEAD); uncommitted changes are left out (--worktree takes them)"
    mkdir "$work/ctx"
    git archive HEAD | tar -x -C "$work/ctx"
    ctx=$work/ctx
  else
    echo "image: not a git checkout: building the tree as it is"
  fi
fi

t0=$SECONDS
echo "image: docker build --network host -t $image (context: ${ctx/#$work\/ctx/HEAD})"
if ! docker build --network host -t "$image" "$ctx" >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log"
  check "docker build of the Dockerfile" false
  echo "image: $passed passed, $failed failed"
  exit 1
fi
build_s=$((SECONDS - t0))
size=$(docker image inspect -f '{{.Size}}' "$image")
check "docker build of the Dockerfile ($build_s s, $((size / 1000000)) MB)" true

# 1. No arguments: the usage.
docker run --rm --network none "$image" >"$work/help.out" 2>&1 && help_rc=0 || help_rc=$?
check "docker run $image: --help, exit 0" test "$help_rc" -eq 0
usage_shown() { grep -q '^Usage: shopstream COMMAND' "$1" && grep -qE '^  run +generate' "$1"; }
check "docker run $image: prints the usage (Usage: shopstream COMMAND, the run command)" \
  usage_shown "$work/help.out"
check "image runs as uid 10001 (the Job's runAsUser)" \
  test "$(docker image inspect -f '{{.Config.User}}' "$image")" = "10001:10001"

# 2. and 3.: one fixed run, its digest from the summary line.
run_args=(--duration 24h --intensity 10 --speed max --start 2026-01-01T00:00:00Z)
# "CONTENT ORDER": the content_digest and order_digest of the summary line.
digest_of() { sed -n 's/.*content_digest \([0-9a-f]\{16\}\), order_digest \([0-9a-f]\{16\}\).*/\1 \2/p' "$1" | tail -n 1; }

demo_tree
build-demo/producer/shopstream run -s baseline "${run_args[@]}" >"$work/host.out" 2>&1 \
  || { cat "$work/host.out"; docker_die "the host build's run failed"; }
host=$(digest_of "$work/host.out")
echo "image: host build: content_digest and order_digest $host"

docker run --rm --network none "$image" run -s baseline "${run_args[@]}" >"$work/embedded.out" 2>&1 \
  && rc=0 || rc=$?
got=$(digest_of "$work/embedded.out")
[[ $rc -eq 0 ]] || tail -n 20 "$work/embedded.out"
check "docker run $image run ... (embedded broker): exit 0" test "$rc" -eq 0
check "  content_digest and order_digest ${got:-none} equal the host build's $host" test "$got" = "$host"

# As deploy/kubernetes/job.yaml runs it (securityContext and a read-only
# ConfigMap mount at /etc/shopstream), on the repository's config and scenario.
mkdir "$work/etc"
cp config/shopstream.cfg "$work/etc/shopstream.cfg"
cp config/scenarios/baseline.cfg "$work/etc/scenario.cfg"
chmod -R a+rX "$work/etc"
docker run --rm --network none --user 10001:10001 --read-only --cap-drop ALL \
    --security-opt no-new-privileges -v "$work/etc:/etc/shopstream:ro" \
    "$image" run -c /etc/shopstream/shopstream.cfg -s /etc/shopstream/scenario.cfg "${run_args[@]}" \
    >"$work/k8s.out" 2>&1 && rc=0 || rc=$?
got=$(digest_of "$work/k8s.out")
[[ $rc -eq 0 ]] || tail -n 20 "$work/k8s.out"
check "docker run --user 10001:10001 --read-only --cap-drop ALL --security-opt no-new-privileges: exit 0" \
  test "$rc" -eq 0
check "  content_digest and order_digest ${got:-none} equal the host build's $host" test "$got" = "$host"

# 4. The librdkafka linked in: the host build's.
kafka_client() { "$@" --version 2>&1 | sed -n 's/^ *Kafka client: //p'; }
host_rk=$(kafka_client build-demo/producer/shopstream)
image_rk=$(kafka_client docker run --rm --network none "$image")
echo "image: host build's Kafka client: $host_rk"
check "docker run $image --version: Kafka client ${image_rk:-none}, the host build's" \
  test -n "$image_rk" -a "$image_rk" = "$host_rk"
check "  librdkafka linked statically (not Debian 12's 2.0.2)" grep -q "linked statically" <<<"$image_rk"

echo "image: $image is $((size / 1000000)) MB, built in $build_s s"
echo "image: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
