#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# check-layers.sh - producer/'s folders are layers: each includes only the
# folders below it. The order is producer/CMakeLists.txt's PRODUCER_DIRS
# (bottom first). Prints the folder graph; fails (exit 1) on an include that
# goes up or sideways, on a cycle between folders (named), and on an
# unqualified include of another folder's header.
#
#   scripts/check-layers.sh            the tree this script is in
#   scripts/check-layers.sh DIR        another producer/ folder (tests plant faults so)
set -euo pipefail
cd "$(dirname "$0")/.."
producer=${1:-producer}
exec python3 - "$producer" <<'PY'
import os, re, sys

producer = sys.argv[1]
cmake = open(os.path.join(producer, "CMakeLists.txt")).read()
m = re.search(r"set\(PRODUCER_DIRS ([^)]*)\)", cmake)
if not m:
    sys.exit(f"check-layers: {producer}/CMakeLists.txt: PRODUCER_DIRS: expected set(PRODUCER_DIRS ...), got none")
order = m.group(1).split()
rank = {d: i for i, d in enumerate(order)}
headers = {d: set(f for f in os.listdir(os.path.join(producer, d)) if f.endswith(".h")) for d in order}

edges, problems = {}, []
for d in order:
    for f in sorted(os.listdir(os.path.join(producer, d))):
        if not f.endswith((".c", ".h")):
            continue
        path = os.path.join(producer, d, f)
        for n, line in enumerate(open(path), 1):
            inc = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not inc:
                continue
            name = inc.group(1)
            if "/" in name:
                to = name.split("/")[0]
                if to not in rank:
                    continue
                if to != d:
                    edges.setdefault((d, to), []).append(f"{path}:{n}")
            else:
                owners = [o for o in order if o != d and name in headers[o]]
                if owners and name not in headers[d]:
                    problems.append(f"{path}:{n}: include: expected \"{owners[0]}/{name}\", got \"{name}\"")

# Cycles between folders, found by depth-first search over the edges.
graph = {d: sorted({b for (a, b) in edges if a == d}, key=rank.get) for d in order}
state, cycles = {}, []
def visit(d, stack):
    state[d] = 1
    for e in graph[d]:
        if state.get(e) == 1:
            cycles.append(stack[stack.index(e):] + [e])
        elif not state.get(e):
            visit(e, stack + [e])
    state[d] = 2
for d in order:
    if not state.get(d):
        visit(d, [d])

print("check-layers: folder graph (each folder: the folders it includes)")
for d in reversed(order):
    print(f"  {d:8} -> {' '.join(graph[d]) or '(none)'}")
for c in cycles:
    problems.append("cycle: " + " -> ".join(c) + f" ({edges[(c[0], c[1])][0]})")
for (a, b), where in sorted(edges.items()):
    if rank[b] > rank[a]:
        problems.append(f"{where[0]}: include: expected a folder below {a}/ ({', '.join(order[:rank[a]]) or 'none'}), got {b}/")
for p in problems:
    print("check-layers: " + p)
if problems:
    print(f"check-layers: {len(problems)} problem(s)")
    sys.exit(1)
print(f"check-layers: ok, {len(edges)} edges between {len(order)} folders, no cycle, all downward")
PY
