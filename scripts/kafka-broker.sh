#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
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
#
# Secured listeners, beside PLAINTEXT on the same node (docs/secure-clusters.md;
# none with SHOPSTREAM_KAFKA_SECURE=0, or when openssl is missing):
#   STATE_DIR/bootstrap-ssl       SSL: TLS, the server's certificate only
#   STATE_DIR/bootstrap-sasl-ssl  SASL_SSL: TLS, then SCRAM-SHA-512 or PLAIN
#   STATE_DIR/bootstrap-mtls      SSL with ssl.client.auth=required: a client
#                                 certificate signed by the test CA (mTLS)
#   STATE_DIR/tls/                the test PKI of scripts/tls-lib.sh: ca.pem
#                                 (what clients trust), client.pem and
#                                 client.key (mTLS), other-ca.pem (signed nothing)
#   STATE_DIR/users               mode 600, "MECHANISM USER PASSWORD" a line:
#                                 SCRAM-SHA-512 shop-scram ..., PLAIN shop-plain ...
# Passwords are random on each fresh start (a restart keeps them); the SCRAM
# user is added when the storage is formatted (--add-scram), the PLAIN one in
# the listener's JAAS config. Inter-broker and controller traffic stays
# PLAINTEXT; there is no authorizer (any authenticated user may do anything).
# Cache: ${SHOPSTREAM_CACHE:-~/.cache/shopstream}.
# Needs java (17+) and mvn; uses kcat, python3 and openssl when present.
set -euo pipefail

KAFKA_VERSION=4.1.1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${SHOPSTREAM_CACHE:-$HOME/.cache/shopstream}/kafka-$KAFKA_VERSION
JARS=$CACHE/jars
READY_TIMEOUT=90
SERVICE=kafka-broker
source "$ROOT/scripts/service-lib.sh"
source "$ROOT/scripts/tls-lib.sh"

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

# Print N distinct free TCP ports on 127.0.0.1 (service-lib's free_ports
# gives two; the secured listeners need three more).
free_port_list() {
  local n=$1 p ports=()
  python3 -c '
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))' "$n" 2>/dev/null && return 0
  while (( ${#ports[@]} < n )); do
    p=$(( 20000 + RANDOM % 40000 ))
    [[ " ${ports[*]} " == *" $p "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || ports+=("$p")
  done
  echo "${ports[@]}"
}

# Are the secured listeners wanted, and can they be made?
want_secure() {
  [[ ${SHOPSTREAM_KAFKA_SECURE:-1} != 0 ]] || return 1
  command -v openssl >/dev/null && return 0
  echo "kafka-broker: openssl not found: no SSL or SASL_SSL listeners, PLAINTEXT only" >&2
  return 1
}

# A random password of 24 letters and digits.
random_password() {
  local p=
  while (( ${#p} < 24 )); do p+=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9'); done
  echo "${p:0:24}"
}

# Does every secured listener of STATE_DIR answer, with its credentials?
# kcat -L over each; true when the broker has none, or there is no kcat to
# ask with. SASL_SSL is asked with the PLAIN user: Debian 12's kcat
# (librdkafka 2.0.2) cannot do SCRAM with Kafka 4.x at all (fixed in
# librdkafka 2.6.1, confluentinc/librdkafka#4895).
secure_answers() {
  local state=$1 tls=$1/tls user pw
  [[ -f $state/bootstrap-ssl ]] || return 0
  command -v kcat >/dev/null || return 0
  read -r _ user pw < <(grep '^PLAIN ' "$state/users")
  kcat -L -m 5 -b "$(cat "$state/bootstrap-ssl")" -X security.protocol=ssl \
      -X ssl.ca.location="$tls/ca.pem" >/dev/null 2>&1 &&
  kcat -L -m 5 -b "$(cat "$state/bootstrap-mtls")" -X security.protocol=ssl -X ssl.ca.location="$tls/ca.pem" \
      -X ssl.certificate.location="$tls/client.pem" -X ssl.key.location="$tls/client.key" >/dev/null 2>&1 &&
  kcat -L -m 5 -b "$(cat "$state/bootstrap-sasl-ssl")" -X security.protocol=sasl_ssl \
      -X ssl.ca.location="$tls/ca.pem" -X sasl.mechanisms=PLAIN -X sasl.username="$user" \
      -F <(printf 'sasl.password=%s\n' "$pw") >/dev/null 2>&1
}

# The server.properties lines of the secured listeners (SSL, SASL_SSL, MTLS
# on ports $1 $2 $3), with the PKI in STATE_DIR/tls and the PLAIN user's
# password $5. Writes the bootstrap-* files.
secure_properties() {
  local sport=$1 aport=$2 mport=$3 state=$4 plain_pw=$5 tls=$4/tls
  echo "127.0.0.1:$sport" >"$state/bootstrap-ssl"
  echo "127.0.0.1:$aport" >"$state/bootstrap-sasl-ssl"
  echo "127.0.0.1:$mport" >"$state/bootstrap-mtls"
  cat <<EOF
# Secured listeners beside PLAINTEXT (scripts/kafka-broker.sh): TLS with the
# test CA's certificate for 127.0.0.1 (PEM keystore), SASL over TLS with
# SCRAM-SHA-512 (users from kafka-storage format --add-scram) and PLAIN
# (users here), and TLS requiring a client certificate from the test CA.
ssl.keystore.type=PEM
ssl.keystore.location=$tls/server-chain.pem
ssl.truststore.type=PEM
ssl.truststore.location=$tls/ca.pem
listener.name.mtls.ssl.client.auth=required
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_shop-plain="$plain_pw";
EOF
}

start_broker() {
  local state=$1 pid addr t0 port cport sport aport mport cluster_id secure=0 scram_pw plain_pw
  mkdir -p "$state" || die "cannot create $state"
  state=$(cd "$state" && pwd)

  pid=$(cat "$state/pid" 2>/dev/null || true)
  addr=$(cat "$state/bootstrap" 2>/dev/null || true)
  want_secure && secure=1
  if is_broker "$pid"; then
    # Reused only if it has the listeners asked for (a broker started with
    # SHOPSTREAM_KAFKA_SECURE=0 has none) and they answer.
    if [[ -n $addr ]] && answers "$addr" && { [[ $secure == 0 ]] \
        || { [[ -f $state/bootstrap-ssl ]] && secure_answers "$state"; }; }; then
      echo "kafka-broker: up at $addr (pid $pid, 0s, reused)"; return 0
    fi
    stop_broker "$state"                     # running but deaf: replace it
  fi

  fetch_jars
  t0=$SECONDS
  command -v java >/dev/null || die "java not found (Kafka $KAFKA_VERSION needs Java 17+)"
  read -r port cport sport aport mport <<<"$(free_port_list 5)"
  addr=127.0.0.1:$port
  rm -rf "$state/data" "$state/pid" "$state/bootstrap" "$state"/{broker,console,format}.log \
    "$state"/bootstrap-{ssl,sasl-ssl,mtls} "$state/users" "$state/tls"

  local listeners="PLAINTEXT://$addr" advertised="PLAINTEXT://$addr" protocols=PLAINTEXT:PLAINTEXT
  local scram=()
  if [[ $secure == 1 ]]; then
    tls_make_pki "$state/tls"
    scram_pw=$(random_password) plain_pw=$(random_password)
    (umask 077 && printf 'SCRAM-SHA-512 shop-scram %s\nPLAIN shop-plain %s\n' "$scram_pw" "$plain_pw" >"$state/users")
    listeners+=",SSL://127.0.0.1:$sport,SASL_SSL://127.0.0.1:$aport,MTLS://127.0.0.1:$mport"
    advertised+=",SSL://127.0.0.1:$sport,SASL_SSL://127.0.0.1:$aport,MTLS://127.0.0.1:$mport"
    protocols+=",SSL:SSL,SASL_SSL:SASL_SSL,MTLS:SSL"
    scram=(--add-scram "SCRAM-SHA-512=[name=shop-scram,password=$scram_pw]")
  fi

  (umask 077 && cat >"$state/server.properties") <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=$listeners,CONTROLLER://127.0.0.1:$cport
advertised.listeners=$advertised
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=$protocols,CONTROLLER:PLAINTEXT
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
  [[ $secure == 1 ]] && secure_properties "$sport" "$aport" "$mport" "$state" "$plain_pw" >>"$state/server.properties"
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
      -c "$state/server.properties" "${scram[@]}" >"$state/format.log" 2>&1 \
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
  if ! wait_ready broker "$pid" "$t0" 0.5 secure_answers "$state"; then
    stop_broker "$state"
    tail -n 30 "$state/broker.log" "$state/console.log" >&2 2>/dev/null || true
    die "$NOT_READY: the SSL, SASL_SSL or mTLS listener refused kcat (logs: $state/broker.log)"
  fi
  echo "kafka-broker: up at $addr (pid $pid, $((SECONDS - t0))s$([[ -f $state/bootstrap-ssl ]] \
    && echo "; SSL $(cat "$state/bootstrap-ssl"), SASL_SSL $(cat "$state/bootstrap-sasl-ssl"), mTLS $(cat "$state/bootstrap-mtls")"))"
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
