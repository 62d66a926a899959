# SPDX-License-Identifier: Apache-2.0
# service-lib.sh - what scripts/kafka-broker.sh and scripts/schema-registry.sh share.
#
# Both run one JVM service for the tests from a STATE_DIR (pid file, logs,
# address files) with a per-user cache of what Maven fetched. Sourced, not
# run: the sourcing script sets SERVICE (the name its messages start with)
# and READY_TIMEOUT (seconds) first. Provides die, fetch_once (a fetch done
# once under flock), free_ports, pid_runs, stop_pid_file, wait_pid_file and
# wait_ready.

die() { echo "$SERVICE: $*" >&2; exit 1; }

# fetch_once LOCK IS_DONE FETCH: holding an flock on the file LOCK (one fetch
# at a time across processes), run FETCH unless IS_DONE now succeeds (another
# process may have fetched while this one waited). FETCH writes the marker
# IS_DONE looks for only once its work is complete.
fetch_once() {
  local lock=$1 is_done=$2 fetch=$3
  mkdir -p "$(dirname "$lock")"
  exec 8>"$lock"
  command -v flock >/dev/null && flock 8
  if ! "$is_done"; then
    "$fetch"
  fi
  exec 8>&-
}

# Print two distinct free TCP ports on 127.0.0.1.
free_ports() {
  python3 - 2>/dev/null <<'EOF' && return 0
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))
EOF
  local p ports=()
  while (( ${#ports[@]} < 2 )); do
    p=$(( 20000 + RANDOM % 40000 ))
    [[ " ${ports[*]} " == *" $p "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || ports+=("$p")
  done
  echo "${ports[@]}"
}

# pid_runs PID MARK: is PID alive and is MARK in its command line (guards
# against a recycled pid)?
pid_runs() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null && grep -qaF "$2" "/proc/$1/cmdline" 2>/dev/null; }

# stop_pid_file STATE_DIR MARK: SIGTERM the process of STATE_DIR/pid if it
# runs with MARK, SIGKILL it after 20 s, then remove the pid file. Fine if
# nothing runs.
stop_pid_file() {
  local state=$1 mark=$2 pid i
  pid=$(cat "$state/pid" 2>/dev/null || true)
  if pid_runs "$pid" "$mark"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do pid_runs "$pid" "$mark" || break; sleep 0.1; done
    pid_runs "$pid" "$mark" && kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$state/pid"
}

# wait_pid_file STATE_DIR: wait up to 5 s for the launcher to write STATE_DIR/pid.
wait_pid_file() {
  local i
  for ((i = 0; i < 50; i++)); do [[ -s $1/pid ]] && break; sleep 0.1; done
}

# wait_ready WHAT PID T0 INTERVAL PROBE [ARG...]: poll PROBE ARG... every
# INTERVAL seconds until it succeeds. Fails, with the reason in NOT_READY,
# once PID has exited ("WHAT exited") or READY_TIMEOUT seconds have passed
# since T0 (a $SECONDS value).
NOT_READY=
wait_ready() {
  local what=$1 pid=$2 t0=$3 interval=$4
  shift 4
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null || (( SECONDS - t0 > READY_TIMEOUT )); then
      kill -0 "$pid" 2>/dev/null && NOT_READY="not ready after ${READY_TIMEOUT}s" || NOT_READY="$what exited"
      return 1
    fi
    sleep "$interval"
  done
}
