#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# install_prefix.sh BUILD_DIR - `cmake --install` to a fresh prefix, and the
# installed program finds its config, scenarios and schemas there, not in the
# source tree it was built from: a scenario removed from the prefix is
# missing for it, and a run through it gives the build tree's digest.
set -euo pipefail
build=${1:?usage: install_prefix.sh BUILD_DIR}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
bin=$prefix/bin/shopstream
[[ -x $bin && -f $prefix/share/shopstream/schemas/orders.avsc && -f $prefix/share/shopstream/config/shopstream.cfg ]] \
  || { echo "FAIL: the install lacks the program, its schemas or its config"; exit 1; }
run=(run --sink null --duration 2h --intensity 5 --start 2026-01-01T00:00:00Z -q)
"$bin" "${run[@]}" --stats-json "$prefix/installed.json" 2>/dev/null
"$build/producer/shopstream" "${run[@]}" --stats-json "$prefix/built.json" 2>/dev/null
d1=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['content_digest'])" "$prefix/installed.json")
d2=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['content_digest'])" "$prefix/built.json")
[[ $d1 == "$d2" ]] || { echo "FAIL: installed digest $d1, built $d2"; exit 1; }
rm "$prefix/share/shopstream/config/scenarios/flash_sale.cfg"
err=$("$bin" plan -s flash_sale 2>&1 || true)
[[ $err == *"$prefix/share/shopstream/config/scenarios/flash_sale.cfg"* ]] \
  || { echo "FAIL: the installed program did not look in its prefix: $err"; exit 1; }
"$bin" --version | grep -q "GPU stage:" || { echo "FAIL: --version names no build options"; exit 1; }
echo "install_prefix: $bin reads $prefix/share/shopstream (digest $d1 = the build tree's)"
echo "1 passed, 0 failed"
