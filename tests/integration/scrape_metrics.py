#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""scrape_metrics.py - --metrics as Prometheus would read it, during a real run.

Runs shopstream paced against the real Kafka broker with --metrics, scrapes
/metrics every 200 ms while it runs and once more while it lingers after the
run, and parses every page with prometheus_client's own text parser (not
ours). Proves: the page parses; counters never decrease between scrapes;
the final counters equal the run's --stats-json figures (per topic produced,
delivered, failed, bytes; orders; order items); the lateness histogram
counted every paced message, none of them handed over early; librdkafka's
broker round-trip time is there.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_KAFKA_STATE. Prints 'N passed, M failed'.
"""
import json
import os
import subprocess
import sys
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)

from prometheus_client.parser import text_string_to_metric_families

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
BROKERS = pysupport.read_state("scrape_metrics", "SHOPSTREAM_KAFKA_STATE", "bootstrap")


free_port = pysupport.free_port


def scrape(port):
    """{(name, labels tuple): value} of one page, through prometheus_client's parser."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
        text = r.read().decode()
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out, {fam.name: fam.type for fam in text_string_to_metric_families(text)}


def test_metrics_parse_never_decrease_and_end_equal_to_the_summary():
    port, prefix = free_port(), f"m.{os.getpid()}."
    stats_path = os.path.join(TMP, f"metrics-stats-{os.getpid()}.json")
    cmd = [BIN, "run", "-b", BROKERS, "--topic-prefix", prefix, "--duration", "1h", "--speed", "900",
           "--intensity", "40", "--customers", "500", "--products", "50", "-q", "--metrics", f"127.0.0.1:{port}",
           "--metrics-linger", "3", "--stats-json", stats_path]
    child = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    pages, types = [], {}
    try:
        deadline = time.time() + 120
        while child.poll() is None and time.time() < deadline:
            try:
                page, types = scrape(port)
                pages.append(page)
            except OSError:
                pass  # not listening yet, or gone
            time.sleep(0.2)
        err = child.stderr.read()
        assert child.wait(timeout=30) == 0, f"shopstream exited {child.returncode}: {err}"
    finally:
        if child.poll() is None:
            child.kill()
    assert len(pages) >= 10, f"only {len(pages)} scrapes succeeded"
    counters = [k for k in pages[-1] if k[0].endswith("_total") or k[0].endswith("_count") or k[0].endswith("_bucket")]
    for before, after in zip(pages, pages[1:]):
        for k in counters:
            assert after.get(k, 0) >= before.get(k, 0), f"{k} decreased: {before.get(k)} -> {after.get(k)}"
    with open(stats_path) as f:
        stats = json.load(f)
    last = pages[-1]
    for topic, t in stats["topics"].items():
        for what in ("produced", "delivered", "failed", "bytes"):
            got = last[(f"shopstream_messages_{what}_total", (("topic", topic),))]
            assert got == t[what], f"{topic} {what}: metrics {got}, summary {t[what]}"
    assert last[("shopstream_orders_total", ())] == stats["orders"]
    assert last[("shopstream_order_items_total", ())] == stats["order_items"]
    # Every message paced to its time: the facts, the lives' events, and the
    # product versions after the 50 published at the start.
    versions = next(t["delivered"] for name, t in stats["topics"].items() if name.endswith("products")) - 50
    assert last[("shopstream_lateness_seconds_count", ())] + last[("shopstream_early_handoffs_total", ())] == \
        stats["orders"] + stats["order_items"] + stats["life_events"] + versions
    assert last[("shopstream_early_handoffs_total", ())] == stats["early_handoffs"] == 0, "handed over early"
    assert types.get("shopstream_lateness_seconds") == "histogram", types
    assert types.get("shopstream_messages_delivered") == "counter", types
    rtts = [k for k in last if k[0] == "shopstream_kafka_broker_rtt_seconds"]
    assert rtts, "no broker round-trip time from librdkafka's statistics"
    assert ("shopstream_kafka_queue_messages", ()) in last and ("shopstream_kafka_in_flight_messages", ()) in last
    mid = pages[len(pages) // 2]
    assert 0 < mid[("shopstream_orders_total", ())] < stats["orders"], "no scrape saw the run in progress"


def main():
    return pysupport.run_tests(globals())


if __name__ == "__main__":
    sys.exit(main())
