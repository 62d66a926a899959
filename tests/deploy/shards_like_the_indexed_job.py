#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""shards_like_the_indexed_job.py - N shard processes publish what one would.

What deploy/kubernetes/job.yaml's pods do, against the real Kafka broker:
N=3 shopstream processes at once, each with JOB_COMPLETION_INDEX=i and
SHOPSTREAM_SHARDS=3 in its environment (as Kubernetes sets them for an
Indexed Job) and `--shard auto`, the same arguments and topic prefix; then
one process with the same arguments, unsharded, to a second prefix. Both
sets are read back with confluent-kafka (its own librdkafka; every
partition, beginning to high watermark) and the values decoded with fastavro
from schemas/*.avsc. Proves: each shard took its index; the same count per
topic; the same messages (key, value, timestamp, partition) per topic;
order ids dense 1..N and unique in both; every partition of the facts in
event-time order (the shards split by partition, so each has one writer)
and holding as many messages as the single run's; every dimension record exactly
once in the sharded set; and the shards' content_digests summed mod 2^64
equal the single run's to the sharded prefix (the digest covers topic
names, so that one goes to the null sink, --sink null).

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_SOURCE_DIR,
SHOPSTREAM_TEST_TMP, SHOPSTREAM_KAFKA_STATE. Prints 'N passed, M failed' and
exits non-zero on any failure.
"""
import collections
import io
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)
from pysupport import TOPICS  # noqa: E402

import fastavro  # noqa: E402

BIN = os.environ["SHOPSTREAM_BIN"]
SRC = os.environ["SHOPSTREAM_SOURCE_DIR"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
SHARDS = 3
DIMENSIONS = {"customers": "customer_id", "products": "product_id", "campaigns": "campaign_id"}
# A fixed start (the same bytes every run), a scenario with campaigns and
# surges, enough orders that every shard has thousands.
ARGS = ["--start", "2026-11-01T00:00:00Z", "--duration", "6h", "--intensity", "10", "-s", "flash_sale",
        "--customers", "2000", "--products", "200", "--seed", "7", "-q"]
TAG = f"{os.getpid()}-{int(time.time())}"
SHARDED = f"ij{TAG}.sharded."
SINGLE = f"ij{TAG}.single."

BROKERS = pysupport.read_state("shards_like_the_indexed_job", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
SCHEMAS = {t: fastavro.parse_schema(json.load(open(os.path.join(SRC, "schemas", f"{t}.avsc")))) for t in TOPICS}


def env_for(index=None):
    """The environment of a pod with index (None: no Job around it)."""
    env = {k: v for k, v in os.environ.items() if k not in ("JOB_COMPLETION_INDEX", "SHOPSTREAM_SHARDS")}
    if index is not None:
        env.update(JOB_COMPLETION_INDEX=str(index), SHOPSTREAM_SHARDS=str(SHARDS))
    return env


def stats_path(name):
    return os.path.join(TMP, f"ij-{TAG}-{name}.json")


def start(name, extra, index=None):
    cmd = [BIN, "run", *ARGS, "--stats-json", stats_path(name), *extra]
    return name, cmd, subprocess.Popen(cmd, env=env_for(index), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(job):
    name, cmd, p = job
    out, err = p.communicate(timeout=600)
    if p.returncode != 0:
        raise AssertionError(f"{name}: {' '.join(cmd)} exited {p.returncode}: {err.strip()[-800:]}")
    with open(stats_path(name)) as f:
        return json.load(f)


def read_topic(topic):
    """[(partition, key, value, timestamp)] of every message, all partitions, beginning to high watermark."""
    return [(m.partition(), m.key(), m.value(), m.timestamp()[1])
            for m in pysupport.read_topic(BROKERS, topic, f"ij-{TAG}")]


def decode(suffix, value):
    return fastavro.schemaless_reader(io.BytesIO(value), SCHEMAS[suffix])


# Run once, shared by the tests below.
shard_stats, single_stats, null_stats = [], None, None
data = {}  # (prefix, suffix) -> messages


def setup():
    global single_stats, null_stats
    jobs = [start(f"shard{i}", ["-b", BROKERS, "--topic-prefix", SHARDED, "--shard", "auto"], index=i)
            for i in range(SHARDS)]
    shard_stats.extend(finish(j) for j in jobs)
    single_stats = finish(start("single", ["-b", BROKERS, "--topic-prefix", SINGLE]))
    null_stats = finish(start("null", ["--sink", "null", "--topic-prefix", SHARDED]))
    for prefix in (SHARDED, SINGLE):
        for s in TOPICS:
            data[prefix, s] = read_topic(prefix + s)
    print(f"  {SHARDED}*: " + ", ".join(f"{s} {len(data[SHARDED, s])}" for s in TOPICS))
    print(f"  {SINGLE}*: " + ", ".join(f"{s} {len(data[SINGLE, s])}" for s in TOPICS))


def test_each_shard_took_its_index():
    for i, st in enumerate(shard_stats):
        assert st["shard"] == {"index": i, "count": SHARDS}, f"shard {i}: {st['shard']}"
        assert st["complete"] and st["failed"] == 0 and st["delivered"] == st["messages"], st
        assert st["orders"] > 1000, f"shard {i} has only {st['orders']} orders"
    assert single_stats["shard"] == {"index": 0, "count": 1}, single_stats["shard"]


def test_same_counts_per_topic():
    for s in TOPICS:
        a, b = len(data[SHARDED, s]), len(data[SINGLE, s])
        assert a == b > 0, f"{s}: sharded {a}, single {b}"
        delivered = sum(st["topics"][SHARDED + s]["delivered"] for st in shard_stats)
        assert a == delivered, f"{s}: read {a}, shards delivered {delivered}"
        assert b == single_stats["topics"][SINGLE + s]["delivered"], s


def test_same_messages_per_topic():
    # Key, value, timestamp and partition: the shards together published
    # exactly the messages one process did (topic names aside).
    for s in TOPICS:
        a = collections.Counter(data[SHARDED, s])
        b = collections.Counter(data[SINGLE, s])
        assert a == b, f"{s}: {sum((a - b).values())} messages only sharded, {sum((b - a).values())} only single"


def test_order_ids_dense_and_unique():
    for prefix in (SHARDED, SINGLE):
        ids = []
        for _, key, value, ts in data[prefix, "orders"]:
            o = decode("orders", value)
            assert key == o["order_id"].to_bytes(8, "big"), f"{prefix}orders: key {key!r} for order {o['order_id']}"
            ids.append(o["order_id"])
        assert len(ids) == len(set(ids)), f"{prefix}orders: {len(ids) - len(set(ids))} duplicate order ids"
        assert sorted(ids) == list(range(1, len(ids) + 1)), f"{prefix}orders: ids not dense 1..{len(ids)}"
        items = collections.Counter(decode("order_items", v)["order_id"] for _, _, v, _ in data[prefix, "order_items"])
        assert set(items) == set(ids), f"{prefix}order_items: order ids differ from the orders'"


def test_every_partition_in_event_time_order():
    # Shards split by partition (p mod N == shard index): each partition has
    # one writer, so its timestamps never go backwards, as one process's do.
    for prefix in (SHARDED, SINGLE):
        for s in ("orders", "order_items"):
            last, checked = {}, 0
            for partition, _, _, ts in data[prefix, s]:  # in offset order within each partition
                assert ts >= last.get(partition, ts), \
                    f"{prefix}{s} partition {partition}: timestamp {ts} after {last[partition]}"
                last[partition] = ts
                checked += 1
            assert checked > 1000 and len(last) > 1, f"{prefix}{s}: only {checked} messages in {len(last)} partitions"


def test_messages_per_partition_equal_one_process():
    for s in ("orders", "order_items"):
        a = collections.Counter(p for p, _, _, _ in data[SHARDED, s])
        b = collections.Counter(p for p, _, _, _ in data[SINGLE, s])
        assert a == b, f"{s}: per partition sharded {dict(a)}, single {dict(b)}"


def test_dimensions_exactly_once():
    for s, field in DIMENSIONS.items():
        for prefix in (SHARDED, SINGLE):
            # A product and a customer have a record per version (its time: the Kafka timestamp), a closed
            # account a tombstone; the rest one per id.
            records = [(decode(s, v), ts) for _, _, v, ts in data[prefix, s] if v is not None]
            seen = [(r[field], ts) for r, ts in records]
            assert len(seen) == len(set(seen)), f"{prefix}{s}: {len(seen) - len(set(seen))} published twice"
            ids = sorted({r[field] for r, _ in records})
            assert ids == list(range(1, len(ids) + 1)), f"{prefix}{s}: ids not 1..{len(ids)}"
        assert shard_stats[0]["topics"][SHARDED + s]["delivered"] == len(data[SHARDED, s]), f"{s}: not all from shard 0"
        for st in shard_stats[1:]:
            assert st["topics"][SHARDED + s]["produced"] == 0, f"{s}: shard {st['shard']['index']} published some"


def test_digests_add_up():
    digests = [st["content_digest"] for st in shard_stats] + [null_stats["content_digest"]]
    for d in digests:
        assert len(d) == 16 and int(d, 16) >= 0, f"content_digest {d!r} is not 16 hex digits"
    total = sum(int(st["content_digest"], 16) for st in shard_stats) % 2**64
    assert f"{total:016x}" == null_stats["content_digest"], \
        f"shards {digests[:-1]} sum to {total:016x}, one run {null_stats['content_digest']}"
    assert null_stats["messages"] == single_stats["messages"], (null_stats["messages"], single_stats["messages"])
    print(f"  content_digest: {' + '.join(digests[:-1])} = {total:016x} (mod 2^64), one process {null_stats['content_digest']}")
    # Each partition has one writer, so the per-partition order digests add up too.
    orders = [st["order_digest"] for st in shard_stats]
    order_total = sum(int(d, 16) for d in orders) % 2**64
    assert f"{order_total:016x}" == null_stats["order_digest"], \
        f"shards' order_digests {orders} sum to {order_total:016x}, one run {null_stats['order_digest']}"
    print(f"  order_digest: {' + '.join(orders)} = {order_total:016x} (mod 2^64), one process {null_stats['order_digest']}")


def remove_stats():
    for name in [f"shard{i}" for i in range(SHARDS)] + ["single", "null"]:
        try:
            os.remove(stats_path(name))
        except OSError:
            pass


def main():
    return pysupport.run_tests(globals(), setup=setup, cleanup=remove_stats)


if __name__ == "__main__":
    sys.exit(main())
