#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""compose_stack.py - docker-compose.yml's stack, up for real, read back from the host.

Run by scripts/compose-ci.sh, which has built the images (the kafka and
registry stand-ins of deploy/compose-ci/docker-compose.ci.yml, and
shopstream's from the Dockerfile) and set COMPOSE_FILE (docker-compose.yml
and the override) and COMPOSE_PROJECT_NAME. Setup: `docker-compose up -d
kafka registry shopstream`, which starts kafka and the registry, waits for
their healthchecks, then starts shopstream with the compose file's flags
(`-b kafka:9092 -r http://registry:8080/apis/ccompat/v7 --metrics
0.0.0.0:9464`, a two-hour run at 300x). The tests: shopstream started only
after both were healthy; its own healthcheck (/metrics over bash) turns
healthy; its metrics answer on the published 127.0.0.1:9464; it exits 0 with
nothing failed and no restart; from the host, through the published ports
(Kafka's EXTERNAL listener localhost:9094, the registry 127.0.0.1:8081),
every topic reads back with the counts of the run's summary, every value
decodes through the registry, subjects are <topic>-value, docs/design.md's
invariants hold; and the content_digest equals the host build's for the same
run. The stack is taken down at the end (its logs printed first if anything
failed). The UI and Prometheus are not started (no stand-ins).

Environment: COMPOSE_FILE, COMPOSE_PROJECT_NAME, SHOPSTREAM_CI_START (the
run's --start), SHOPSTREAM_BIN (the host build), SHOPSTREAM_SOURCE_DIR.
Prints 'N passed, M failed' and exits non-zero on any failure.
"""
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)
from pysupport import TOPICS  # noqa: E402

SRC = os.environ["SHOPSTREAM_SOURCE_DIR"]
BIN = os.environ["SHOPSTREAM_BIN"]
START = os.environ["SHOPSTREAM_CI_START"]
BROKERS = "localhost:9094"                                  # kafka's EXTERNAL listener, published
REGISTRY = "http://127.0.0.1:8081/apis/ccompat/v7"          # the registry's 8080, published on 8081
METRICS = "http://127.0.0.1:9464/metrics"                   # shopstream's --metrics, published
PREFIX = "shop."
SERVICES = ["kafka", "registry", "shopstream"]
RUN_TIMEOUT_S = 300

state = {}  # what setup found: container ids, the run's summary


def compose(*args, timeout=600, check=True):
    p = subprocess.run(["docker-compose", *args], cwd=SRC, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"docker-compose {' '.join(args)} exited {p.returncode}: {p.stderr.strip()[-1500:]}")
    return p


def inspect(cid):
    p = subprocess.run(["docker", "inspect", cid], capture_output=True, text=True, check=True)
    return json.loads(p.stdout)[0]


def when(ts):
    """A docker timestamp (RFC 3339 with nanoseconds) as a datetime."""
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", ts)
    frac = (m.group(2) or ".0")[:7]
    tz = "+00:00" if m.group(3) == "Z" else m.group(3)
    return datetime.datetime.fromisoformat(m.group(1) + frac + tz)


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def setup():
    busy = [p for p in (9094, 8081, 9464) if not port_free(p)]
    if busy:
        raise AssertionError(f"127.0.0.1 ports {busy} are taken: the stack publishes them (docker-compose.yml)")
    state["command"] = yaml.safe_load(compose("config").stdout)["services"]["shopstream"]["command"]
    t0 = time.monotonic()
    compose("up", "-d", "--no-build", *SERVICES)  # waits for kafka and registry to be healthy
    state["up_s"] = time.monotonic() - t0
    print(f"docker-compose up -d {' '.join(SERVICES)}: {state['up_s']:.0f} s (kafka and registry healthy, shopstream started)",
          flush=True)
    for s in SERVICES:
        state[s] = compose("ps", "-q", s).stdout.strip()
        assert state[s], f"no container for {s}"
    # Their healthchecks' records now (docker keeps the last 5 only).
    state["health_at_up"] = {s: inspect(state[s])["State"].get("Health") for s in ("kafka", "registry")}

    # While shopstream runs: its healthcheck, and its metrics from the host.
    deadline = time.monotonic() + RUN_TIMEOUT_S
    state["health"], state["metrics"] = set(), None
    while time.monotonic() < deadline:
        c = inspect(state["shopstream"])
        if c["State"].get("Health"):
            state["health"].add(c["State"]["Health"]["Status"])
        if state["metrics"] is None:
            try:
                with urllib.request.urlopen(METRICS, timeout=2) as r:
                    state["metrics"] = r.read().decode()
            except OSError:
                pass
        if c["State"]["Status"] == "exited" or (c["State"]["Status"] == "restarting"):
            break
        time.sleep(0.5)
    state["shopstream_inspect"] = c = inspect(state["shopstream"])
    assert c["State"]["Status"] == "exited", f"shopstream still {c['State']['Status']} after {RUN_TIMEOUT_S} s"
    state["logs"] = compose("logs", "--no-color", "shopstream").stdout
    print(f"shopstream ran {(when(c['State']['FinishedAt']) - when(c['State']['StartedAt'])).total_seconds():.0f} s, "
          f"exit {c['State']['ExitCode']}", flush=True)


def summary():
    """The run's summary, from shopstream's log: per-topic delivered counts, failed, content_digest."""
    text = re.sub(r"^\S+\s+\|\s?", "", state["logs"], flags=re.M)  # compose's 'shopstream_1  | ' prefix
    topics = {m.group(1): {"produced": int(m.group(2)), "delivered": int(m.group(3)), "failed": int(m.group(4))}
              for m in re.finditer(r"^\s+(\S+)\s+produced\s+(\d+)\s+delivered\s+(\d+)\s+failed\s+(\d+)", text, re.M)}
    m = re.search(r"delivered (\d+), failed (\d+), undelivered (\d+), content_digest ([0-9a-f]{16}), "
                  r"order_digest ([0-9a-f]{16})", text)
    assert m and topics, f"no summary in shopstream's log:\n{text[-2000:]}"
    orders = re.search(r"^\s+orders (\d+) ", text, re.M)
    return {"topics": topics, "delivered": int(m.group(1)), "failed": int(m.group(2)),
            "undelivered": int(m.group(3)), "content_digest": m.group(4),
            "order_digest": m.group(5),
            "orders": int(orders.group(1)) if orders else None, "_prefix": PREFIX}


def cleanup():
    failed_before = state.get("failed")
    if failed_before:
        print(compose("logs", "--no-color", "--tail", "60", check=False).stdout[-12000:], flush=True)
    compose("down", "--volumes", "--remove-orphans", "--timeout", "20", check=False)


# ------------------------------------------------------------------ tests --

def test_shopstream_started_only_after_kafka_and_registry_were_healthy():
    started = when(state["shopstream_inspect"]["State"]["StartedAt"])
    for s in ("kafka", "registry"):
        h = state["health_at_up"][s]
        assert h, f"{s}: no healthcheck ran"
        assert h["Status"] == "healthy", f"{s}: {h['Status']} when docker-compose up returned"
        ok = [when(e["End"]) for e in h["Log"] if e["ExitCode"] == 0]
        assert ok and min(ok) <= started, f"{s}: first passing healthcheck {min(ok) if ok else None}, shopstream started {started}"


def test_shopstream_healthcheck_passed_while_it_ran():
    assert "healthy" in state["health"], f"shopstream's health went through {sorted(state['health'])}, never healthy"


def test_shopstream_metrics_answer_on_the_published_port():
    text = state["metrics"]
    assert text, f"nothing from {METRICS} while shopstream ran"
    assert re.search(r"^shopstream_\w+", text, re.M), f"no shopstream_ metric in:\n{text[:500]}"


def test_shopstream_exited_0_with_everything_delivered_and_no_restart():
    c = state["shopstream_inspect"]
    assert c["State"]["ExitCode"] == 0, f"exit {c['State']['ExitCode']}; log:\n{state['logs'][-3000:]}"
    assert c["RestartCount"] == 0, f"restarted {c['RestartCount']} times"
    s = summary()
    assert s["failed"] == 0 and s["undelivered"] == 0 and s["delivered"] > 0, s


def test_every_topic_reads_back_from_the_host_and_holds_the_invariants():
    s = summary()
    subjects = json.loads(urllib.request.urlopen(REGISTRY + "/subjects", timeout=10).read())
    for t in TOPICS:
        assert f"{PREFIX}{t}-value" in subjects, f"subject {PREFIX}{t}-value not registered: {subjects}"
    decode = pysupport.avro_decoder(REGISTRY)
    data = {t: [(m, decode(PREFIX + t, m)) for m in pysupport.read_topic(BROKERS, PREFIX + t, f"compose-{os.getpid()}")]
            for t in TOPICS}
    print("  read back: " + ", ".join(f"{PREFIX}{t} {len(data[t])}" for t in TOPICS), flush=True)
    pysupport.check_invariants(data, [s])


def test_content_digest_equals_the_host_builds():
    s = summary()
    # The compose command's run to the null sink, as fast as it goes: plain
    # Avro, whose digest the registry's frame does not change.
    cmd, args, skip = state["command"], [], {"-b", "--brokers", "-r", "--schema-registry", "--metrics", "--speed"}
    assert cmd[0] == "run", cmd
    i = 1
    while i < len(cmd):
        if cmd[i] in skip:
            i += 2
            continue
        args.append(cmd[i])
        i += 1
    assert START in args, f"the compose command {cmd} does not start at SHOPSTREAM_CI_START {START}"
    p = subprocess.run([BIN, "run", *args, "--sink", "null", "--format", "avro", "--speed", "max"],
                       capture_output=True, text=True, timeout=300)
    m = re.search(r"content_digest ([0-9a-f]{16}), order_digest ([0-9a-f]{16})", p.stdout + p.stderr)
    assert p.returncode == 0 and m, f"host run exited {p.returncode}: {p.stderr[-500:]}"
    assert m.group(1) == s["content_digest"], f"container {s['content_digest']}, host {m.group(1)}"
    assert m.group(2) == s["order_digest"], f"container order_digest {s['order_digest']}, host {m.group(2)}"


def main():
    rc = pysupport.run_tests(globals(), setup=setup, cleanup=lambda: None)
    state["failed"] = rc != 0
    cleanup()
    return rc


if __name__ == "__main__":
    sys.exit(main())
