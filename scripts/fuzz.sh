#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fuzz.sh - the libFuzzer harnesses of tests/fuzz, built with clang, ASan and
# UBSan, each run for a bounded time on a corpus seeded from config/ and
# schemas/ with tests/fuzz/config.dict. A crash, a sanitizer report, a leak
# or a hang (an input over 10 s) fails the run, and the input that did it is
# kept under build-fuzz/crashes/.
#
#   scripts/fuzz.sh            20 s per harness, random seeds
#   scripts/fuzz.sh 3600       an hour per harness, for a person's campaign
#   scripts/fuzz.sh 60 fuzz_config fuzz_cli    only these
#   FUZZ_SEED=1 scripts/fuzz.sh 20   what CI runs: libFuzzer seed 1 and a
#                              fixed number of executions per harness (about
#                              20 s each here), so a CI run is the same run
#                              every time and a red one can be replayed.
#
# Prints each harness's executions; exit 1 if any found something.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_config fuzz_scenario fuzz_cli fuzz_units fuzz_schema fuzz_schema_desc fuzz_json)

scripts/setup.sh --test --fuzz
cc=$(command -v clang-14 || command -v clang)
tree=build-fuzz
cmake -S . -B "$tree" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHOPSTREAM_FUZZ=ON \
  -DSHOPSTREAM_TESTS=OFF -DSHOPSTREAM_CUDA=OFF -DSHOPSTREAM_SANITIZE=address,undefined >/dev/null
cmake --build "$tree" -j "$(nproc)" --target "${targets[@]}" >/dev/null

# A seeded run starts from the seeds alone, as on a clean clone.
[[ -n ${FUZZ_SEED:-} ]] && rm -rf "$tree/corpus"
# Seeds: the shipped files, and a few command lines (arguments split by NUL).
seed() { # target, files...
  local dir=$tree/corpus/$1
  shift
  mkdir -p "$dir"
  for f in "$@"; do cp "$f" "$dir/"; done
}
seed fuzz_config config/shopstream.cfg
seed fuzz_scenario config/scenarios/*.cfg
seed fuzz_schema schemas/*.avsc
seed fuzz_json schemas/customers.avsc
mkdir -p "$tree/corpus/fuzz_schema_desc" # the first byte picks the reader: odd .proto, even .schema.json
for f in schemas/*.proto; do { printf '\001'; cat "$f"; } >"$tree/corpus/fuzz_schema_desc/$(basename "$f")"; done
for f in schemas/*.schema.json; do { printf '\000'; cat "$f"; } >"$tree/corpus/fuzz_schema_desc/$(basename "$f")"; done
mkdir -p "$tree/corpus/fuzz_cli" "$tree/corpus/fuzz_units"
printf -- '--duration\0006h\000--rate\000500\000--shard\0001/3' >"$tree/corpus/fuzz_cli/rate"
printf -- '-s\000payment_outage,flash_sale\000--start\0002026-01-01T00:00:00Z' >"$tree/corpus/fuzz_cli/scenario"
printf '2026-01-01T00:00:00.250Z' >"$tree/corpus/fuzz_units/time"
printf '1.5h' >"$tree/corpus/fuzz_units/duration"

mkdir -p "$tree/crashes"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp SHOPSTREAM_SOURCE_DIR=$PWD
# Executions per harness for a seeded run: about 20 s each on a 2-core machine.
declare -A runs_of=([fuzz_config]=30000 [fuzz_scenario]=60000 [fuzz_cli]=100000 [fuzz_units]=5000000
                    [fuzz_schema]=10000 [fuzz_schema_desc]=1000000 [fuzz_json]=1000000)
failed=()
for t in "${targets[@]}"; do
  bound=(-max_total_time="$seconds")
  [[ -n ${FUZZ_SEED:-} ]] && bound=(-seed="$FUZZ_SEED" -runs="${runs_of[$t]}" -max_total_time=$((seconds * 6)))
  log=$tree/$t.log
  rc=0
  "$tree/tests/fuzz/$t" "$tree/corpus/$t" -dict=tests/fuzz/config.dict "${bound[@]}" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$tree/crashes/$t-" >"$log" 2>&1 || rc=$?
  runs=$(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  if [[ $rc -eq 0 ]]; then
    echo "fuzz.sh: $t: $runs executions${FUZZ_SEED:+ (seed $FUZZ_SEED)}, nothing found"
  else
    echo "fuzz.sh: $t: FOUND something after $runs executions (exit $rc); the input is under $tree/crashes/:"
    grep -E "ERROR|SUMMARY|runtime error|Timeout|Abort" "$log" | head -n 8 | sed 's/^/    /' || true
    [[ $runs -gt 0 ]] || tail -n 3 "$log" | sed 's/^/    /' # it did not start: libFuzzer says why
    # Where it happened: the first stack of the report (a leak's allocation).
    grep -m 12 -E "^ +#[0-9]+ " "$log" | sed 's/^ */    /'  || true
    echo "    (the whole report: $log; replay: $tree/tests/fuzz/$t $tree/crashes/$t-*)"
    failed+=("$t")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: ${#failed[@]} of ${#targets[@]} harnesses found something: ${failed[*]}"
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} harnesses, nothing found"
