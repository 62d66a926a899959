#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""topic_limits.py - topics that would delete or refuse a run's records,
against the real broker (Kafka 4.1.1: message.timestamp.after.max.ms is 1 h
by default; the fixture keeps records for ever, log.retention.ms=-1).

- an existing topic with retention.ms=60000 and a --start 30 days ago:
  refused, exit 2, one line naming the topic and retention.ms, nothing
  published (the other topics not even created); with --allow-data-loss the
  run publishes, after a warning line;
- with the broker's default retention at 7 days (a dynamic broker config,
  set for the test and removed after it), the fact topics shopstream
  creates for that start keep 30 days and more (DescribeConfigs);
- a --start two days ahead at --speed max: refused before the first
  message, naming message.timestamp.after.max.ms; `--start now --speed
  realtime` still publishes, for 10 s, and for 2 h (stopped after 8 s);
- an existing products topic that compacts: refused while products change,
  accepted with --product-changes off;
- verify on topics whose log start offset moved (DeleteRecords) reports
  those records as deleted_by_broker, not missing.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_KAFKA_STATE. Prints 'N passed, M failed'; non-zero on failure.
"""
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
BROKERS = pysupport.read_state("topic_limits", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
DAY_MS = 86400000
SMALL = ["--duration", "2h", "--customers", "200", "--products", "30", "--intensity", "2", "-q"]


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def midnight_days_ago(days):
    now = int(time.time() * 1000)
    return now - now % DAY_MS - days * DAY_MS


def shopstream(*args, timeout=300):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def run(prefix, *args):
    return shopstream("run", "-b", BROKERS, "--topic-prefix", prefix, *SMALL, *args)


def prefix_of(name):
    return f"limits.{name}.{os.getpid()}.{int(time.time())}."


_admin = None


def admin():
    """One AdminClient for the script: a futures' client must outlive them."""
    global _admin
    if _admin is None:
        from confluent_kafka.admin import AdminClient
        _admin = AdminClient({"bootstrap.servers": BROKERS})
    return _admin


def create_topic(name, **config):
    from confluent_kafka.admin import NewTopic
    for f in admin().create_topics([NewTopic(name, num_partitions=6, config=config)]).values():
        f.result(timeout=30)


def topic_config(name):
    from confluent_kafka.admin import ConfigResource, ResourceType
    for f in admin().describe_configs([ConfigResource(ResourceType.TOPIC, name)]).values():
        return {k: v.value for k, v in f.result(timeout=30).items()}


def set_default_retention(value):
    """The broker's default log.retention.ms, set dynamically for its one
    node (None: that removed, back to server.properties' -1), once the broker
    says it is in force."""
    from confluent_kafka.admin import AlterConfigOpType, ConfigEntry, ConfigResource, ResourceType
    a = admin()
    broker = str(next(iter(a.list_topics(timeout=10).brokers)))
    op = AlterConfigOpType.DELETE if value is None else AlterConfigOpType.SET
    entry = ConfigEntry("log.retention.ms", "" if value is None else str(value), incremental_operation=op)
    res = ConfigResource(ResourceType.BROKER, broker, incremental_configs=[entry])
    for f in a.incremental_alter_configs([res]).values():
        f.result(timeout=30)
    want = "-1" if value is None else str(value)
    for _ in range(100):
        got = next(iter(a.describe_configs([ConfigResource(ResourceType.BROKER, broker)]).values()))
        if got.result(timeout=30)["log.retention.ms"].value == want:
            return
        time.sleep(0.1)
    raise AssertionError(f"log.retention.ms did not become {want}")


def held(prefix):
    """{topic suffix: messages it holds, or None if it does not exist}."""
    hw = pysupport.high_watermarks({"bootstrap.servers": BROKERS}, [prefix + t for t in pysupport.TOPICS])
    return {t: hw[prefix + t] for t in pysupport.TOPICS}


def assert_nothing_published(prefix, existing):
    got = held(prefix)
    want = {t: (0 if t in existing else None) for t in pysupport.TOPICS}
    assert got == want, f"after the refusal the topics hold {got}, expected {want}"


def test_an_existing_topic_whose_retention_deletes_the_run_is_refused_before_publishing():
    prefix = prefix_of("retention")
    create_topic(prefix + "payments", **{"retention.ms": "60000"})
    start = midnight_days_ago(30)
    p = run(prefix, "--start", iso(start))
    lines = p.stderr.strip().split("\n")
    assert p.returncode == 2 and len(lines) == 1, (p.returncode, p.stderr)
    m = re.fullmatch(
        rf"shopstream: topic {re.escape(prefix)}payments: retention\.ms: expected at least (\d+) ms to keep the "
        rf"run's oldest record \({iso(start)[:-1]}\.000Z\) until the run ends, got 60000 \(the broker deletes older "
        r"segments\); delete the topic, raise its retention\.ms, or pass --allow-data-loss", lines[0])
    assert m, lines[0]
    age = int(time.time() * 1000) - start
    assert age - 60000 < int(m.group(1)) <= age, (m.group(1), age)
    assert_nothing_published(prefix, {"payments"})
    print(f"  {lines[0]}")

    p = run(prefix, "--start", iso(start), "--allow-data-loss")
    assert p.returncode == 0, p.stderr
    warning = p.stderr.split("\n")[0]
    assert warning.startswith(f"shopstream: warning: topic {prefix}payments: retention.ms: expected at least "), p.stderr
    assert warning.endswith("got 60000 (the broker deletes older segments); going ahead (--allow-data-loss): "
                            "the broker will delete records of this run"), warning
    assert held(prefix)["orders"] > 0
    print(f"  {warning}")


def test_topics_created_for_an_old_start_keep_it_where_the_brokers_default_would_not():
    prefix = prefix_of("created")
    start = midnight_days_ago(30)
    set_default_retention(7 * DAY_MS)
    try:  # read while the default holds: a topic without a retention of its own follows it
        p = run(prefix, "--start", iso(start))
        assert p.returncode == 0, p.stderr
        age = int(time.time() * 1000) - start
        configs = {t: topic_config(prefix + t) for t in ("orders", "order_items", "payments", "shipments")}
    finally:
        set_default_retention(None)
    for t, c in configs.items():
        assert c["cleanup.policy"] == "delete", (t, c["cleanup.policy"])
        retention = int(c["retention.ms"])
        assert retention >= age + 7 * DAY_MS - 120000, \
            f"{t}: retention.ms {retention}: the run is {age} ms old, plus the broker's 7 days"
    print(f"  {prefix}orders: retention.ms {topic_config(prefix + 'orders')['retention.ms']}")


def test_a_future_start_at_max_speed_is_refused_before_the_first_message():
    prefix = prefix_of("future")
    start = midnight_days_ago(-2)
    # customers without versions: the first record past the broker's hour is then the run's first
    p = run(prefix, "--start", iso(start), "--customer-changes", "off")
    lines = p.stderr.strip().split("\n")
    assert p.returncode == 2 and len(lines) == 1, (p.returncode, p.stderr)
    assert re.fullmatch(
        rf"shopstream: topic {re.escape(prefix)}customers: message\.timestamp\.after\.max\.ms: expected at least "
        rf"\d+ ms, as its record of {iso(start)[:-1]}\.000Z reaches the broker that long before its time \(at "
        r"--speed max\), got 3600000 \(the broker refuses records further ahead of its clock\); start the run "
        r"earlier or pace it, or raise the topic's message\.timestamp\.after\.max\.ms", lines[0]), lines[0]
    assert_nothing_published(prefix, set())
    print(f"  {lines[0]}")


def test_start_now_paced_in_real_time_still_publishes():
    prefix = prefix_of("live")
    stats = os.path.join(TMP, f"limits-live-{os.getpid()}.json")
    p = shopstream("run", "-b", BROKERS, "--topic-prefix", prefix, "--start", "now", "--speed", "realtime",
                   "--duration", "10s", "--intensity", "300", "--customers", "200", "--products", "30", "-q",
                   "--stats-json", stats)
    assert p.returncode == 0, p.stderr
    with open(stats) as f:
        s = json.load(f)
    assert s["orders"] > 0 and s["failed"] == 0, s
    assert held(prefix)["orders"] == s["topics"][prefix + "orders"]["delivered"]

    # Two hours, past the broker's hour ahead: each record is written when its
    # time comes, so it is taken; stopped after a few seconds (exit 3).
    prefix = prefix_of("live2h")
    child = subprocess.Popen([BIN, "run", "-b", BROKERS, "--topic-prefix", prefix, "--start", "now", "--speed",
                              "realtime", "--duration", "2h", "--intensity", "300", "--customers", "200",
                              "--products", "30", "-q"], stderr=subprocess.PIPE, text=True)
    time.sleep(8)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 3, (child.returncode, err)
    assert held(prefix)["orders"] > 0, err


def test_a_compacting_products_topic_is_refused_while_products_change_and_taken_without():
    prefix = prefix_of("compact")
    create_topic(prefix + "products", **{"cleanup.policy": "compact"})
    start = midnight_days_ago(1)
    p = run(prefix, "--start", iso(start))
    assert p.returncode == 2, p.stderr
    assert p.stderr == (
        f"shopstream: topic {prefix}products: cleanup.policy: expected delete, as a product's versions share its "
        "key (--product-changes on), got compact (compaction keeps only the latest record of each key); delete the "
        "topic, set its cleanup.policy to delete, or pass --allow-data-loss\n"), p.stderr
    assert_nothing_published(prefix, {"products"})
    print(f"  {p.stderr.strip()}")
    p = run(prefix, "--start", iso(start), "--product-changes", "off")
    assert p.returncode == 0, p.stderr
    assert held(prefix)["products"] == 30


def test_verify_counts_records_the_broker_deleted_apart_from_missing_ones():
    from confluent_kafka import TopicPartition
    prefix = prefix_of("deleted")
    opts = ["--start", iso(midnight_days_ago(1)), *SMALL]
    p = shopstream("run", "-b", BROKERS, "--topic-prefix", prefix, *opts)
    assert p.returncode == 0, p.stderr
    for f in admin().delete_records([TopicPartition(prefix + "orders", 0, 3),
                                     TopicPartition(prefix + "orders", 1, 2)]).values():
        f.result(timeout=30)
    v = shopstream("verify", "-b", BROKERS, "--topic-prefix", prefix, *opts)
    assert v.returncode == 1, v.stderr
    r = json.loads(v.stdout)["topics"][prefix + "orders"]
    assert r["deleted_by_broker"] == 5 and r["missing"] == 0 and r["found"] == r["expected"] - 5, r
    line = v.stderr.strip().split("\n")[-1]
    assert f"{prefix}orders: 0 missing, 0 unexpected, 0 extra copies, 0 out of order, 0 misplaced, " \
           "5 deleted by the broker;" in line, line
    print(f"  {line}")


if __name__ == "__main__":
    sys.exit(pysupport.run_tests(globals()))
