#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""backfill_then_live.py - a run's history as files, then the rest into Kafka.

The backfill-then-live shape of the files issue: one 36 h run (a
payment_outage, late and duplicate messages on) published as two slices of
itself, [start, 30h) as Parquet files (--sink files --to 30h) and [30h,
end) into the real broker (--from 30h), read back by DuckDB and by
confluent-kafka. Together they hold the whole run and nothing twice:

- the orders read back from both are the run's orders, ids 1 to the count
  `shopstream expect` gives, each exactly once (a duplicate copy is sent
  again in the slice its release falls in, so copies are counted apart);
- every fact topic's content_digest of the two slices adds up (mod 2^64) to the
  whole run's, to the null sink;
- the files hold only messages released before 30h and the broker only
  those at or after it.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_KAFKA_STATE. Prints 'N passed, M failed'; non-zero on failure.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
BROKERS = pysupport.read_state("backfill_then_live", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
START_MS = 1767225600000  # 2026-01-01T00:00:00Z
CUT_MS = START_MS + 30 * 3600000
PREFIX = f"bfl{os.getpid()}."
OPTIONS = ["-s", "payment_outage", "--start", "2026-01-01T00:00:00Z", "--duration", "36h", "--intensity", "0.5",
           "--customers", "500", "--products", "60", "--late-share", "0.05", "--duplicate-share", "0.02",
           "--topic-prefix", PREFIX]  # avro, the files' values: the digests of both sinks are of the same bytes
R = {}


def shopstream(tag, *args):
    stats = os.path.join(TMP, f"bfl-{tag}-{os.getpid()}.json")
    p = subprocess.run([BIN, *args, "-q", "--stats-json", stats], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"{args}: exit {p.returncode}: {p.stderr}"
    with open(stats) as f:
        return json.load(f)


def setup():
    R["dir"] = tempfile.mkdtemp(prefix="bfl-", dir=TMP)
    R["whole"] = shopstream("whole", "run", "--sink", "null", *OPTIONS)
    R["files"] = shopstream("files", "run", "--sink", "files", "--out", R["dir"], "--file-format", "parquet",
                            "--to", "30h", *OPTIONS)
    R["live"] = shopstream("live", "run", "-b", BROKERS, "--from", "30h", *OPTIONS)
    p = subprocess.run([BIN, "expect", *OPTIONS], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    R["expect"] = json.loads(p.stdout)


def parquet(table, columns):
    import duckdb
    return duckdb.sql(f"select {columns} from read_parquet('{R['dir']}/{table}/*/*.parquet', "
                      "hive_partitioning = true)").fetchall()


def test_the_two_slices_hold_every_order_once_and_nothing_else():
    filed = [r[0] for r in parquet("orders", "order_id")]
    live = [int.from_bytes(m.key(), "big") for m in pysupport.read_topic(BROKERS, PREFIX + "orders", "bfl")]
    copies = R["files"]["topics"][PREFIX + "orders"]["duplicates"] + R["live"]["topics"][PREFIX + "orders"]["duplicates"]
    n = R["expect"]["total"]["orders"]
    assert len(filed) + len(live) == n + copies, f"{len(filed)} + {len(live)} orders, the run has {n} and {copies} copies"
    assert set(filed) | set(live) == set(range(1, n + 1)), "orders missing from both slices"
    assert len(filed) > n // 2 and len(live) > n // 20, (len(filed), len(live))


def test_each_topic_s_digests_add_up_to_the_whole_run_s():
    for t, whole in R["whole"]["topics"].items():  # the facts: each slice has the dimensions as of its start
        if t.removeprefix(PREFIX) not in ("orders", "order_items", "payments", "shipments"):
            continue
        a = int(R["files"]["topics"][t]["content_digest"], 16)
        b = int(R["live"]["topics"][t]["content_digest"], 16)
        assert (a + b) % 2 ** 64 == int(whole["content_digest"], 16), f"{t}: the slices' digests do not add up"


def test_the_files_end_where_the_broker_begins():
    late = {m.timestamp()[1] for m in pysupport.read_topic(BROKERS, PREFIX + "payments", "bfl-p")}
    filed = [r[0] for r in parquet("payments", "epoch_ms(event_time)")]
    assert late and filed
    # a late message is released after its event time: the cut is by release, so event times may cross it
    late_max = 10 * 60000
    assert max(filed) < CUT_MS and min(late) >= CUT_MS - late_max, (max(filed), min(late), CUT_MS)


if __name__ == "__main__":
    sys.exit(pysupport.run_tests(globals(), setup))
