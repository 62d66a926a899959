#!/usr/bin/env bash
# kafka-broker.sh - run a real Apache Kafka 4.1.1 broker for the shopstream tests.
#
# The test suite needs a genuine broker, not a mock. This script fetches the
# broker's jars from Maven Central (tests/kafka/pom.xml names them) into a
# per-user cache and runs one KRaft node (broker + controller in one JVM) on
# 127.0.0.1 with free ports. The test harness calls:
#
#   scripts/kafka-broker.sh start STATE_DIR  # fetch jars if needed, start, wait until ready;
#                                            # STATE_DIR/bootstrap then holds "127.0.0.1:PORT"
#   scripts/kafka-broker.sh stop STATE_DIR   # SIGTERM (SIGKILL after 20 s); fine if not running
#   scripts/kafka-broker.sh restart STATE_DIR
#                                            # start again after a crash (kill -9): the same
#                                            # server.properties, ports and data, no wipe,
#                                            # no format; wait until ready
#   scripts/kafka-broker.sh jars             # only fetch the jars, print their folder
#
# STATE_DIR also holds server.properties, log4j2.properties, data/ (the log
# dirs, recreated on each fresh start, kept by restart), broker.log (INFO log),
# console.log (the JVM's stdout/stderr; a restart appends to both) and pid. A
# broker already running and answering for STATE_DIR is reused.
# Cache: ${SHOPSTREAM_CACHE:-~/.cache/shopstream}.
# Needs java (17+) and mvn; uses kcat and python3 when present.
set -euo pipefail

KAFKA_VERSION=4.1.1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${SHOPSTREAM_CACHE:-$HOME/.cache/shopstream}/kafka-$KAFKA_VERSION
JARS=$CACHE/jars
READY_TIMEOUT=90
SERVICE=kafka-broker
source "$ROOT/scripts/service-lib.sh"

# Fetch the jars once per pom version; the marker (holding the pom's checksum)
# is written only after a complete fetch, so a half fetch or an edited pom refetches.
POM=$ROOT/tests/kafka/pom.xml
fetched() { [[ -f $JARS/.complete && $(cat "$JARS/.complete") == "$(cksum <"$POM")" ]]; }
fetch_jars() {
  fetched && return 0
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka jars)"
  fetch_once "$CACHE/.lock" fetched download_jars
}
download_jars() {
  rm -rf "$JARS"
  mvn -q -B -f "$POM" dependency:copy-dependencies -DoutputDirectory="$JARS" \
    >"$CACHE/fetch.log" 2>&1 || die "fetching the Kafka jars failed, see $CACHE/fetch.log"
  [[ -f $JARS/kafka_2.13-$KAFKA_VERSION.jar ]] \
    || die "fetch finished but kafka_2.13-$KAFKA_VERSION.jar is missing in $JARS"
  cksum <"$POM" >"$JARS/.complete"
}

# Is PID alive and a Kafka broker (guards against a recycled pid)?
is_broker() { pid_runs "${1:-}" kafka.Kafka; }

# Does the broker at HOST:PORT answer? (No `kcat -t NAME`: with auto-create on,
# a metadata request for one topic creates it.)
answers() {
  if command -v kcat >/dev/null; then
    kcat -L -b "$1" -m 2 >/dev/null 2>&1
  else
    (exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null
  fi
}

stop_broker() { stop_pid_file "$1" kafka.Kafka; }

start_broker() {
  local state=$1 pid addr t0 port cport cluster_id
  mkdir -p "$state" || die "cannot create $state"
  state=$(cd "$state" && pwd)

  pid=$(cat "$state/pid" 2>/dev/null || true)
  addr=$(cat "$state/bootstrap" 2>/dev/null || true)
  if is_broker "$pid"; then
    if [[ -n $addr ]] && answers "$addr"; then
      echo "kafka-broker: up at $addr (pid $pid, 0s, reused)"; return 0
    fi
    stop_broker "$state"                     # running but deaf: replace it
  fi

  fetch_jars
  t0=$SECONDS
  command -v java >/dev/null || die "java not found (Kafka $KAFKA_VERSION needs Java 17+)"
  read -r port cport <<<"$(free_ports)"
  addr=127.0.0.1:$port
  rm -rf "$state/data" "$state/pid" "$state/bootstrap" "$state"/{broker,console,format}.log

  cat >"$state/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://$addr,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://$addr
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$state/data
num.partitions=3
auto.create.topics.enable=true
# Test data carries simulated event times that may be days old: keep it all,
# never let time-based retention delete it under a running test.
log.retention.ms=-1
group.initial.rebalance.delay.ms=0
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
EOF
  cat >"$state/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $state/broker.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
EOF
  local jvm=(java -Djava.awt.headless=true -cp "$JARS/*")

  # Cluster id: 16 random bytes, URL-safe base64 without padding (what
  # `StorageTool random-uuid` prints), not starting with '-'. Saves a JVM start.
  cluster_id=-
  while [[ $cluster_id == -* ]]; do
    cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  done
  "${jvm[@]}" kafka.tools.StorageTool format --standalone -t "$cluster_id" \
      -c "$state/server.properties" >"$state/format.log" 2>&1 \
    || die "formatting $state/data failed: $(tail -n 1 "$state/format.log")"

  launch_broker "$state" "$addr" "$t0"
}

# Run the JVM on STATE_DIR's server.properties, which listens on ADDR, and
# wait until it answers; T0 is when the start began. console.log is appended
# to: a fresh start has removed it, a restart keeps what the crash left.
launch_broker() {
  local state=$1 addr=$2 t0=$3 pid
  local jvm=(java -Djava.awt.headless=true -cp "$JARS/*")
  rm -f "$state/pid"
  # setsid: own session, so the broker outlives the calling shell and its signals.
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "$state/pid" \
    "${jvm[@]}" -Xmx1g "-Dlog4j2.configurationFile=$state/log4j2.properties" \
    kafka.Kafka "$state/server.properties" \
    </dev/null >>"$state/console.log" 2>&1 &
  wait_pid_file "$state"
  pid=$(cat "$state/pid" 2>/dev/null) || die "broker did not start (no pid file)"
  echo "$addr" >"$state/bootstrap"

  if ! wait_ready broker "$pid" "$t0" 0.5 answers "$addr"; then
    stop_broker "$state"
    tail -n 30 "$state/broker.log" "$state/console.log" >&2 2>/dev/null || true
    die "$NOT_READY (logs: $state/broker.log, $state/console.log)"
  fi
  command -v kcat >/dev/null || sleep 2      # a bare port probe is early
  echo "kafka-broker: up at $addr (pid $pid, $((SECONDS - t0))s)"
}

# Start the broker of a state dir that `start` made, after it died (kill -9,
# a crash): the same server.properties, so the same ports and node, and the
# same data/, which Kafka recovers on its own. No wipe, no format. A broker
# still running and answering is reused; one running but deaf is replaced.
restart_broker() {
  local state=$1 pid addr t0
  [[ -d $state ]] || die "$state does not exist (restart needs a state dir that start made)"
  state=$(cd "$state" && pwd)
  [[ -f $state/server.properties && -f $state/bootstrap && -d $state/data ]] \
    || die "$state holds no server.properties, bootstrap and data/ (restart needs a state dir that start made)"
  addr=$(cat "$state/bootstrap")
  [[ -n $addr ]] || die "$state/bootstrap is empty"

  pid=$(cat "$state/pid" 2>/dev/null || true)
  if is_broker "$pid"; then
    if answers "$addr"; then
      echo "kafka-broker: up at $addr (pid $pid, 0s, reused)"; return 0
    fi
    stop_broker "$state"                     # running but deaf: replace it
  fi

  fetch_jars
  t0=$SECONDS
  command -v java >/dev/null || die "java not found (Kafka $KAFKA_VERSION needs Java 17+)"
  echo "--- kafka-broker: restart at $(date -u +%FT%TZ) ---" >>"$state/console.log"
  launch_broker "$state" "$addr" "$t0"
}

case "${1:-}" in
  start) [[ $# -eq 2 ]] || die "usage: $0 start STATE_DIR"; start_broker "$2" ;;
  stop)  [[ $# -eq 2 ]] || die "usage: $0 stop STATE_DIR"; stop_broker "$2" ;;
  restart) [[ $# -eq 2 ]] || die "usage: $0 restart STATE_DIR"; restart_broker "$2" ;;
  jars)  fetch_jars; echo "$JARS" ;;
  *)     die "usage: $0 {start STATE_DIR|stop STATE_DIR|restart STATE_DIR|jars}" ;;
esac
