#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# doc_commands.sh - every `shopstream ...` command line of the documentation,
# run against the built program: README.md and docs/guide/*.md say nothing
# the program refuses.
#
#   tests/docs/doc_commands.sh          check every command (ctest: doc_commands)
#   tests/docs/doc_commands.sh --list   print each command found and its argv, run nothing
#
# Which lines: inside ```sh (or ```bash) fenced blocks, a line that starts
# with `shopstream ` after optional blanks or `$ ` (a transcript's prompt),
# joined with the lines it continues onto with a trailing backslash. The
# command ends at the first shell operator (| ; && > <) or comment, so
# `shopstream run --sink stdout | jq ...` checks the shopstream part.
# $KEY_PASSPHRASE, $PLAIN_PASSWORD, $SCRAM_PASSWORD and $REGISTRY_PASSWORD
# are set here; any other $VARIABLE in a command fails it (name it here).
#
# How each is checked, without a broker or a registry (nothing is reachable
# from the unit tests):
#   --help, --help-markdown, --version, plan, expect
#            run as written (with the shipped config/); exit 0 required.
#   run      1. `plan` with the very same options: plan accepts every option
#               run does and settles them the same way (config files,
#               scenarios, shards, formats, --stats-json's path), so exit 0
#               means the command line and its files are accepted as written.
#            2. the run itself, with options appended (the command line is
#               read in order and the last value of a flag wins; every value
#               is still parsed and range-checked where it stands):
#               - always: --speed 1000000 --metrics-linger 0 -q, and a free
#                 port for --metrics if the command serves metrics;
#               - -k dropped (it keeps the embedded broker up until Ctrl-C);
#               - a command that names no service (no -b, -r, -X, and no -c
#                 file with brokers or a registry URL): --sink null (unless it
#                 asks for --sink stdout or files, which need none); exit 0;
#               - otherwise: -b 127.0.0.1:1 (nothing listens there) and
#                 --schema-registry '' (and --schema-registry-ca '' if it
#                 names one; with --format avro where the command
#                 asked for avro-confluent, or auto with a registry; protobuf
#                 for protobuf-confluent, json for json-schema-confluent;
#                 --changelog-format json for avro). The run then opens the schemas,
#                 checks every -X property with librdkafka, loads the TLS
#                 files they name, and stops at the connection: exit 2 with
#                 "cannot reach Kafka at 127.0.0.1:1" is what passes (or exit
#                 0, for a sink that needs no broker). Kafka's connect timeout
#                 is cut to 200 ms (kafka.connect_timeout_ms in a copy of
#                 config/shopstream.cfg, used as SHOPSTREAM_DATA_DIR).
#   verify   1. as run's step 1, less --until and --cuts (verify's own: plan
#               refuses them);
#            2. verify against -b 127.0.0.1:1 as above: it
#               builds the whole run (its options, --until) into the null
#               sink, then stops at reading back: exit 2 with "topic ...:"
#               from the consumer passes.
# Files a command names are made in its working directory (a fresh folder
# with config/, schemas/ and deploy/ linked from the source tree): ca.pem,
# client.pem, client.key, client-enc.key (scripts/tls-lib.sh's test PKI; the
# key's passphrase is $KEY_PASSPHRASE), secret.cfg and registry.cfg (as the
# security guide writes them), and an empty directory shop/ (--out shop). A command naming another file fails: add it
# here.
#
# SKIPS below lists commands that cannot be checked even so, with the reason;
# each is printed when skipped. Prints one line per command (ok, skipped, or
# FAILED with the command's stderr); exit 1 if any failed.
#
# Environment: SHOPSTREAM_BIN (the built program), SHOPSTREAM_SOURCE_DIR
# (default: this script's tree), SHOPSTREAM_TEST_TMP (default: $TMPDIR or /tmp).
set -uo pipefail

src=${SHOPSTREAM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
src=$(cd "$src" && pwd)
list_only=0
[[ ${1:-} == --list ]] && list_only=1

# Commands not checked, as "pattern<TAB>reason": the pattern is a bash glob
# matched against the command as written (backslash-continuations joined), e.g.
#   $'shopstream run -b prod-kafka:9092 *\tneeds the production cluster'
# None so far: every command of the guide can be checked offline as above
# (the secured-cluster ones included, up to the connection).
SKIPS=(
)

# The variables the documentation's commands may use.
export PLAIN_PASSWORD=doc-plain-password
export SCRAM_PASSWORD=doc-scram-password
export REGISTRY_PASSWORD=doc-registry-password
export KEY_PASSPHRASE=${KEY_PASSPHRASE:-unset}
# --shard auto, as the Kubernetes Job's pods run it.
export JOB_COMPLETION_INDEX=0 SHOPSTREAM_SHARDS=2

# extract: one record per command: WHERE \t TEXT \t ARGS (shell-quoted, the
# words after `shopstream`), or WHERE \t TEXT \t !REASON when it cannot be read.
extract() {
  python3 - "$src" <<'PY'
import glob, os, re, shlex, sys

src = sys.argv[1]
files = [os.path.join(src, "README.md")] + sorted(glob.glob(os.path.join(src, "docs", "guide", "*.md")))
fence = re.compile(r"^\s*(```+|~~~+)\s*([A-Za-z0-9_+-]*)")
start = re.compile(r"^\s*(?:\$\s+)?shopstream\s")
OPERATORS = {"|", "||", "&", "&&", ";", ";;", ">", ">>", "<", "<<", "<<<", "(", ")", "|&", "&>", ">&"}

def words(text):
    lex = shlex.shlex(text, posix=True, punctuation_chars=True)
    lex.whitespace_split = True  # commenters stays '#': a comment ends the command
    out = []
    for w in lex:
        if w in OPERATORS or (w and set(w) <= set("|&;<>()")):
            break
        out.append(w)
    return out

for path in files:
    if not os.path.exists(path):
        continue
    rel = os.path.relpath(path, src)
    lines = open(path, encoding="utf-8").read().split("\n")
    in_block, shell, i = None, False, 0
    while i < len(lines):
        line = lines[i]
        m = fence.match(line)
        if m and (in_block is None or m.group(1)[0] == in_block[0] and len(m.group(1)) >= len(in_block)):
            if in_block is None:
                in_block, shell = m.group(1), m.group(2) in ("sh", "bash")
            else:
                in_block, shell = None, False
            i += 1
            continue
        if not (in_block and shell and start.match(line)):
            i += 1
            continue
        first = i + 1
        text = line
        while text.endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text[:-1].rstrip() + " " + lines[i].strip()
        i += 1
        text = re.sub(r"^\s*(?:\$\s+)?", "", text).strip()
        where = f"{rel}:{first}"
        try:
            argv = [os.path.expandvars(w) for w in words(text)]
        except ValueError as e:
            print(f"{where}\t{text}\t!cannot split it as the shell would: {e}")
            continue
        left = [w for w in argv if re.search(r"\$[A-Za-z_{]", w)]
        if left:
            print(f"{where}\t{text}\t!uses a variable this script does not set: {left[0]} "
                  "(it sets KEY_PASSPHRASE, PLAIN_PASSWORD, SCRAM_PASSWORD, REGISTRY_PASSWORD)")
            continue
        print(f"{where}\t{text}\t" + " ".join(shlex.quote(w) for w in argv[1:]))
PY
}

read_records() {
  records=$(extract) || { echo "doc_commands: could not read the documentation (python3 is needed)"; exit 1; }
  if [[ -z $records ]]; then
    echo "doc_commands: no shopstream command found in README.md or docs/guide/*.md"
    exit 1
  fi
}
if [[ $list_only == 1 ]]; then
  read_records
  while IFS=$'\t' read -r where text args; do
    printf '%s\n    %s\n    argv: %s\n' "$where" "$text" "$args"
  done <<<"$records"
  exit 0
fi

bin=${SHOPSTREAM_BIN:-}
if [[ -z $bin || ! -x $bin ]]; then
  echo "doc_commands: SHOPSTREAM_BIN: expected the built shopstream, got '${bin}'"
  exit 1
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
tmp_root=${SHOPSTREAM_TEST_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$tmp_root"
work=$(mktemp -d "$tmp_root/doc-commands.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The working directory of every command: the shipped files, and the files
# the guide's commands name.
cwd=$work/cwd
mkdir -p "$cwd"
for d in config schemas deploy; do ln -s "$src/$d" "$cwd/$d"; done
have_tls=0
if "$src/scripts/tls-lib.sh" "$work/tls" >/dev/null 2>"$work/tls.err"; then
  cp "$work/tls/ca.pem" "$work/tls/client.pem" "$work/tls/client.key" "$work/tls/client-enc.key" "$cwd/"
  KEY_PASSPHRASE=$(cat "$work/tls/client-enc.pass")
  export KEY_PASSPHRASE
  have_tls=1
else
  echo "doc_commands: no test certificates ($(tail -1 "$work/tls.err")):" \
    "commands naming TLS files are skipped"
fi
cat >"$cwd/secret.cfg" <<EOF
kafka = { properties = [ "sasl.password=$PLAIN_PASSWORD" ]; connect_timeout_ms = 200; };
EOF
cat >"$cwd/registry.cfg" <<EOF
kafka = { connect_timeout_ms = 200; };
schema_registry = {
  url = "https://registry:8443/apis/ccompat/v7";
  basic_auth_user_info = "shop-registry:$REGISTRY_PASSWORD";
  ssl_ca_location = "ca.pem";
  ssl_certificate_location = "client.pem";
  ssl_key_location = "client.key";
};
EOF
chmod 600 "$cwd/secret.cfg" "$cwd/registry.cfg"
mkdir -p "$cwd/shop" # formats.md's --sink files --out shop (an existing directory)

# The shipped config with a short connect timeout, for the runs pointed at
# 127.0.0.1:1.
fast=$work/data
mkdir -p "$fast/config"
ln -s "$src/schemas" "$fast/schemas"
ln -s "$src/config/scenarios" "$fast/config/scenarios"
sed -E 's/^([[:space:]]*connect_timeout_ms[[:space:]]*=[[:space:]]*)[0-9]+/\1200/' \
  "$src/config/shopstream.cfg" >"$fast/config/shopstream.cfg"
if ! grep -Eq '^[[:space:]]*connect_timeout_ms[[:space:]]*=[[:space:]]*200;' \
  "$fast/config/shopstream.cfg"; then
  echo "doc_commands: config/shopstream.cfg: expected a line 'connect_timeout_ms = N;' to shorten," \
    "got none"
  exit 1
fi

# After the fixtures: $KEY_PASSPHRASE is the test key's.
read_records
if [[ ${#SKIPS[@]} -eq 0 ]]; then
  echo "doc_commands: skip list: none"
else
  for entry in "${SKIPS[@]}"; do echo "doc_commands: skip list: ${entry%%$'\t'*} (${entry#*$'\t'})"; done
fi

out=$work/out err=$work/err
status=0 n_ok=0 n_skip=0 n_fail=0
note=""     # what the last step did, for the ok line
why=""      # why the last step failed

# invoke DATA_DIR ARGS...: the program in $cwd; sets $rc, output in $out/$err.
invoke() {
  local data=$1
  shift
  rm -rf "${cwd:?}/shop" && mkdir "$cwd/shop" # --out shop: each command its own empty directory
  (cd "$cwd" && SHOPSTREAM_DATA_DIR=$data timeout 60 "$bin" "$@" </dev/null >"$out" 2>"$err")
  rc=$?
}

# The value of the last occurrence of a flag (short -F or long --flag).
last_value() { # SHORT LONG ARGS...
  local short=$1 long=$2 value="" a i
  shift 2
  local -a v=("$@")
  for ((i = 0; i < ${#v[@]}; i++)); do
    a=${v[i]}
    if [[ -n $short && $a == "$short" ]] || [[ -n $long && $a == "$long" ]]; then
      value=${v[i + 1]:-}
      i=$((i + 1))
    elif [[ -n $short && $a == "$short"?* && $a != --* ]]; then value=${a#"$short"}
    elif [[ -n $long && $a == "$long="* ]]; then value=${a#"$long="}
    fi
  done
  printf '%s' "$value"
}
has_flag() { # SHORT LONG ARGS...
  local short=$1 long=$2 a
  shift 2
  for a in "$@"; do
    [[ -n $short && ( $a == "$short" || ( $a == "$short"?* && $a != --* ) ) ]] && return 0
    [[ -n $long && ( $a == "$long" || $a == "$long="* ) ]] && return 0
  done
  return 1
}

shown() { local s; s=$(printf '%q ' "$@"); printf '%s' "${s% }"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# step_exact ARGS...: run as written (shipped data); exit 0 required.
step_exact() {
  invoke "$src" "$@"
  [[ $rc -eq 0 ]] && return 0
  why="exit $rc running it as written"
  return 1
}

# step_plan ARGS (after the command word): `plan` with the same options.
step_plan() {
  invoke "$src" plan "$@"
  [[ $rc -eq 0 ]] && return 0
  why="exit $rc from 'shopstream plan' with the same options (they are refused as written)"
  return 1
}

# The options appended to a run or verify: ARGS is the command's own.
offline_extras() { # COMMAND ARGS...
  local cmd=$1
  shift
  extras=(-q)
  [[ $cmd == run ]] && extras+=(--speed 1000000 --metrics-linger 0)
  local metrics
  metrics=$(last_value "" --metrics "$@")
  if [[ $cmd == run && -n $metrics ]]; then
    local addr="" port
    [[ $metrics == *:* ]] && addr="${metrics%:*}:"
    port=$(free_port) || port=19464
    extras+=(--metrics "$addr$port")
  fi
  service=0
  has_flag -b --brokers "$@" && service=1
  has_flag -r --schema-registry "$@" && service=1
  has_flag -X "" "$@" && service=1
  local registry=0 format config
  has_flag -r --schema-registry "$@" && [[ -n $(last_value -r --schema-registry "$@") ]] && registry=1
  config=$(last_value -c --config "$@")
  if [[ -n $config && -f $cwd/$config ]] || [[ -n $config && $config == /* && -f $config ]]; then
    local file=$config
    [[ $file == /* ]] || file=$cwd/$config
    grep -Eq '^[[:space:]]*brokers[[:space:]]*=[[:space:]]*"[^"]' "$file" && service=1
    grep -Eq '^[[:space:]]*url[[:space:]]*=[[:space:]]*"[^"]' "$file" && service=1 && registry=1
  fi
  format=$(last_value "" --format "$@")
  if [[ $service == 0 && $cmd == run && $(last_value "" --sink "$@") == @(stdout|files) ]]; then
    : # the stdout and files sinks need no service (and --stdout-columns, --out need them)
  elif [[ $service == 0 && $cmd == run ]]; then
    extras+=(--sink null)
  elif [[ $service == 1 ]]; then
    extras+=(-b 127.0.0.1:1 --schema-registry '')
    # a registry's CA means nothing without the registry (refused alone)
    has_flag "" --schema-registry-ca "$@" && extras+=(--schema-registry-ca '')
    # auto picks avro-confluent with a registry, json with --sink stdout
    if [[ $format == avro-confluent ]] ||
      [[ ( -z $format || $format == auto ) && $registry == 1 &&
        $(last_value "" --sink "$@") != stdout ]]; then
      extras+=(--format avro)
    elif [[ $format == protobuf-confluent ]]; then
      extras+=(--format protobuf)
    elif [[ $format == json-schema-confluent ]]; then
      extras+=(--format json)
    fi
    # the change topics' registered form, likewise
    if [[ $(last_value "" --changelog-format "$@") == avro ]]; then extras+=(--changelog-format json); fi
  fi
}

# without FLAG ARGS...: ARGS less FLAG and its value (into $kept).
without() {
  local flag=$1 i
  shift
  local -a v=("$@")
  kept=()
  for ((i = 0; i < ${#v[@]}; i++)); do
    if [[ ${v[i]} == "$flag" ]]; then i=$((i + 1)); continue; fi
    [[ ${v[i]} == "$flag="* ]] || kept+=("${v[i]}")
  done
}

# step_run ARGS (after `run`): the run, offline; without -k (it would keep
# the embedded broker up until Ctrl-C, and needs --sink kafka).
step_run() {
  local -a args=()
  local a
  for a in "$@"; do [[ $a == -k || $a == --keep-broker ]] || args+=("$a"); done
  set -- "${args[@]}"
  offline_extras run "$@"
  if [[ $service == 0 ]]; then
    invoke "$src" run "$@" "${extras[@]}"
    note="plan; run --sink null"
    [[ $rc -eq 0 ]] && return 0
    why="exit $rc from the run with $(shown "${extras[@]}") appended"
    return 1
  fi
  invoke "$fast" run "$@" "${extras[@]}"
  note="plan; run against 127.0.0.1:1, stopped at connecting"
  if [[ $rc -eq 0 ]]; then note="plan; run with -b 127.0.0.1:1 (no broker needed)"; return 0; fi
  [[ $rc -eq 2 ]] && grep -q 'cannot reach Kafka at 127.0.0.1:1' "$err" && return 0
  why="exit $rc from the run with $(shown "${extras[@]}") appended"
  why+=" (expected exit 2: cannot reach Kafka at 127.0.0.1:1)"
  return 1
}

# step_verify ARGS (after `verify`): verify, offline.
step_verify() {
  offline_extras verify "$@"
  [[ $service == 1 ]] || extras+=(-b 127.0.0.1:1)
  invoke "$fast" verify "$@" "${extras[@]}"
  note="plan; verify against 127.0.0.1:1, stopped at reading back"
  [[ $rc -eq 2 ]] && grep -Eq '^shopstream: topic [^ ]+: ' "$err" && return 0
  why="exit $rc from verify with $(shown "${extras[@]}") appended"
  why+=" (expected exit 2: 'shopstream: topic ...:' from reading back)"
  return 1
}

needs_tls() { [[ $* == *".location="* || $* == *--schema-registry-ca* ]]; }

while IFS=$'\t' read -r where text args; do
  : >"$err"
  skip_reason=""
  for entry in "${SKIPS[@]}"; do
    pattern=${entry%%$'\t'*}
    # shellcheck disable=SC2053 # the pattern is a glob
    [[ $text == $pattern ]] && skip_reason=${entry#*$'\t'}
  done
  if [[ -z $skip_reason && $args == '!'* ]]; then
    echo "FAILED   $where  $text"
    echo "         ${args#!}"
    n_fail=$((n_fail + 1)); status=1
    continue
  fi
  eval "argv=( $args )"
  cmd=${argv[0]:-}
  rest=("${argv[@]:1}")
  if [[ -z $skip_reason && $have_tls == 0 ]] && needs_tls "${rest[@]}"; then
    skip_reason="names TLS files and openssl could not make them"
  fi
  if [[ -n $skip_reason ]]; then
    echo "skipped  $where  $text  ($skip_reason)"
    n_skip=$((n_skip + 1))
    continue
  fi
  note="" why="" good=0
  case $cmd in
    --help | --help-* | -h | help | --version | -V | plan | expect)
      note="as written"
      step_exact "${argv[@]}" && good=1 ;;
    run) step_plan "${rest[@]}" && step_run "${rest[@]}" && good=1 ;;
    verify) without --until "${rest[@]}" && without --cuts "${kept[@]}" && step_plan "${kept[@]}" &&
      step_verify "${rest[@]}" && good=1 ;;
    *) why="not a shopstream command: '$cmd'" ;;
  esac
  if [[ $good == 1 ]]; then
    echo "ok       $where  $text  [$note]"
    n_ok=$((n_ok + 1))
  else
    echo "FAILED   $where  $text"
    echo "         $why"
    [[ -s $err ]] && sed -n '1,8s/^/         stderr: /p' "$err"
    n_fail=$((n_fail + 1)); status=1
  fi
done <<<"$records"

echo "doc_commands: $n_ok ok, $n_skip skipped, $n_fail failed ($SECONDS s)"
exit $status
