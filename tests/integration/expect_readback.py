#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""expect_readback.py - `shopstream expect` says what a correct consumer computes;
this consumer computes it and compares, figure by figure.

Publishes a run to the real Kafka broker (a payment outage, lifecycles and
product changes on, 3% of fact messages late by up to 10 minutes and 2%
doubled), reads every topic back with confluent-kafka's Consumer and
Python's json module, drops the exact copies (as a deduplicating job does),
and computes per tumbling event-time window of 1 h, aligned to the epoch:
orders, revenue, discounts, items and units, by status, channel, payment
method, region and category, payment failures by method, payments and
shipments by status, retries, refunds, time to ship, duplicates; and for the
whole run the top products. Every one must equal `shopstream expect` with
the same options, exactly; the late count equals the one the run's
--stats-json reports, and messages a per-partition watermark would drop are
never more than expect's bound.

Also: expect on 3 shards adds up to expect on one process, a sharded
expect is what the shard publishes, and expect --csv holds every value of
the JSON's windows, each in a column of its own, and no other.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_KAFKA_STATE. Prints 'N passed, M failed'; non-zero on failure.
"""
import collections
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)
from pysupport import TOPICS  # noqa: E402

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
BROKERS = pysupport.read_state("expect_readback", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
HOUR = 3600000
OPTIONS = ["--start", "2026-11-01T00:00:00Z", "--duration", "30h", "--intensity", "3", "-s", "payment_outage",
           "--customers", "1500", "--products", "120", "--late-share", "0.03", "--late-max", "10m",
           "--duplicate-share", "0.02", "--duplicate-max", "1m"]
EXPECT = ["--window", "1h", "--top", "10", "--watermarks", "0s,1m,5m"]
STATE = {}


def expect(*extra):
    p = subprocess.run([BIN, "expect", *OPTIONS, *EXPECT, *extra], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"expect exited {p.returncode}: {p.stderr}"
    return json.loads(p.stdout)


def setup():
    prefix = f"expect.{os.getpid()}."
    stats_path = os.path.join(TMP, f"expect-{os.getpid()}.json")
    cmd = [BIN, "run", "-b", BROKERS, "--format", "json", "--topic-prefix", prefix, "-q", "--stats-json",
           stats_path, *OPTIONS]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}"
    with open(stats_path) as f:
        STATE["stats"] = json.load(f)
    STATE["prefix"] = prefix
    STATE["data"] = {t: pysupport.read_topic(BROKERS, prefix + t, f"expect-{os.getpid()}") for t in TOPICS}
    STATE["expect"] = expect()
    print("  read back " + ", ".join(f"{t} {len(STATE['data'][t])}" for t in TOPICS), flush=True)


def distinct(topic):
    """The records of a topic, each exact copy (key, value, timestamp) once."""
    seen, out = set(), []
    for m in STATE["data"][topic]:
        k = (m.key(), m.value(), m.timestamp()[1])
        if m.value() is None:  # a closed account's tombstone
            continue
        if k not in seen:
            seen.add(k)
            out.append(json.loads(m.value()))
    return out


def consumer_answers():
    """What this consumer computes, in expect's shape."""
    def window():
        return collections.defaultdict(int)
    w = collections.defaultdict(window)
    region = {}  # the region at the run's start, each key's first version (expect's by_region)
    for v in distinct("customers"):
        region.setdefault(v["customer_id"], v["region"])
    category = {v["product_id"]: v["category"] for v in distinct("products")}
    orders = {v["order_id"]: v for v in distinct("orders")}
    units = collections.Counter()
    for o in orders.values():
        x = w[o["event_time"] // HOUR]
        x["orders"] += 1
        x["revenue_cents"] += o["total_cents"] if o["status"] == "paid" else 0
        x["discount_cents"] += o["discount_cents"]
        x["orders_by_status", o["status"]] += 1
        x["orders_by_channel", o["channel"]] += 1
        x["orders_by_payment_method", o["payment_method"]] += 1
        x["payment_failed_by_method", o["payment_method"]] += o["status"] == "payment_failed"
        x["orders_by_region", region[o["customer_id"]]] += 1
    for i in distinct("order_items"):
        x = w[i["event_time"] // HOUR]
        c = category[i["product_id"]]
        x["items_by_channel", orders[i["order_id"]]["channel"]] += 1
        x["units_by_channel", orders[i["order_id"]]["channel"]] += i["quantity"]
        x["items"] += 1
        x["units"] += i["quantity"]
        x["items_by_category", c] += 1
        x["units_by_category", c] += i["quantity"]
        x["revenue_cents_by_category", c] += i["line_total_cents"] if orders[i["order_id"]]["status"] == "paid" else 0
        units[i["product_id"]] += i["quantity"]
    for p in distinct("payments"):
        x = w[p["event_time"] // HOUR]
        x["payments", p["status"]] += 1
        x["retries"] += p["attempt"] == 2 and p["status"] in ("authorized", "declined")
        x["refunded_cents"] += p["amount_cents"] if p["status"] == "refunded" else 0
    for s in distinct("shipments"):
        x = w[s["event_time"] // HOUR]
        x["shipments", s["status"]] += 1
        if s["status"] == "shipped":
            took = s["event_time"] - orders[s["order_id"]]["event_time"]
            bucket = "under_12h" if took < 12 * HOUR else "12h_to_24h" if took < 24 * HOUR else \
                "24h_to_48h" if took < 48 * HOUR else "48h_or_more"
            x["time_to_ship", bucket] += 1
    for t in ("orders", "order_items", "payments", "shipments"):
        for k, n in collections.Counter((m.key(), m.value(), m.timestamp()[1]) for m in STATE["data"][t]).items():
            w[k[2] // HOUR]["duplicates"] += n - 1
    return w, units


def flatten(window):
    """expect's window as {(key, name): n} and {key: n}, the shape consumer_answers builds."""
    out = {}
    for k, v in window.items():
        if k == "tables_at_end":  # the tables' state: readback_changelog.py reads it back
            continue
        if isinstance(v, dict) and k != "dropped_by_watermark":
            for name, n in v.items():
                out[k, name] = n
        elif k not in ("window_start", "window_start_ms", "late", "dropped_by_watermark"):
            out[k] = v
    return out


def test_every_window_equals_what_the_consumer_computes():
    mine, _ = consumer_answers()
    windows = STATE["expect"]["windows"]
    assert len(windows) == 30, f"{len(windows)} windows for 30 h"
    for win in windows:
        want = flatten(win)
        got = mine.get(win["window_start_ms"] // HOUR, {})
        diff = {k: (v, got.get(k, 0)) for k, v in want.items() if got.get(k, 0) != v}
        extra = {k: v for k, v in got.items() if v and k not in want}
        assert not diff and not extra, f"window {win['window_start']}: (expect, consumer) {diff}, unknown {extra}"
    covered = {win["window_start_ms"] // HOUR for win in windows}
    assert set(k for k, v in mine.items() if any(v.values())) <= covered, "events outside expect's windows"
    total = STATE["expect"]["total"]
    assert total["orders"] == len(distinct("orders")) > 1000
    assert total["payments"]["declined"] > 0 and total["retries"] > 0 and total["shipments"]["shipped"] > 0
    print(f"  {len(windows)} windows equal, {total['orders']} orders, revenue {total['revenue_cents']} cents, "
          f"{sum(total['payments'].values())} payments, {sum(total['shipments'].values())} shipments")


def test_the_top_products_are_the_consumers():
    _, units = consumer_answers()
    mine = sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    want = [(p["product_id"], p["units"]) for p in STATE["expect"]["top_products"]]
    assert want == mine, f"expect {want}, consumer {mine}"


def test_late_and_duplicates_equal_the_runs_stats():
    st, prefix, total = STATE["stats"]["topics"], STATE["prefix"], STATE["expect"]["total"]
    facts = ("orders", "order_items", "payments", "shipments")
    assert total["late"] == sum(st[prefix + t]["late"] for t in facts) > 0, (total["late"], st)
    assert total["duplicates"] == sum(st[prefix + t]["duplicates"] for t in facts) > 0


def test_a_per_partition_watermark_drops_no_more_than_expect_bounds():
    exp = STATE["expect"]
    for wm in (0, 60000, 300000):
        dropped = 0
        for t in ("orders", "order_items", "payments", "shipments"):
            front, seen = {}, set()
            for m in STATE["data"][t]:
                p, ts = m.partition(), m.timestamp()[1]
                if (m.key(), m.value(), ts) in seen:
                    continue
                seen.add((m.key(), m.value(), ts))
                end = (ts // HOUR + 1) * HOUR
                dropped += front.get(p, ts) - wm >= end
                front[p] = max(front.get(p, ts), ts)
        bound = exp["total"]["dropped_by_watermark"][str(wm)]
        assert dropped <= bound, f"watermark {wm} ms: the stream drops {dropped}, expect's bound is {bound}"
        print(f"  watermark {wm} ms: {dropped} dropped as read back, expect's bound {bound}")


def test_three_shards_add_up_to_one_process():
    whole = STATE["expect"]
    parts = [expect("--shard", f"{i}/3") for i in range(3)]
    for key in ("orders", "revenue_cents", "items", "units", "late", "duplicates"):
        assert sum(p["total"][key] for p in parts) == whole["total"][key], key
    for k in range(len(whole["windows"])):
        assert sum(p["windows"][k]["orders"] for p in parts) == whole["windows"][k]["orders"]
        assert sum(p["windows"][k]["payments"]["captured"] for p in parts) == whole["windows"][k]["payments"]["captured"]


def csv_columns(window):
    """expect's JSON window flattened under the names of its --csv columns
    (the README's): a figure's key; a breakdown's key less its _by_ part, then
    _name (orders_by_status.paid is orders_paid, units_by_category.home is
    units_home); dropped_by_watermark.W is dropped_watermark_Wms."""
    out = {}
    for key, v in window.items():
        if key == "tables_at_end":  # a state, not a window's figure: JSON only
            continue
        for name, n in (v.items() if isinstance(v, dict) else [(None, v)]):
            if name is None:
                col = key
            elif key == "dropped_by_watermark":
                col = f"dropped_watermark_{name}ms"
            else:
                col = f"{key.split('_by_')[0]}_{name}"
            assert col not in out, f"{key}.{name} and another JSON value are both CSV column {col}"
            out[col] = str(n)
    return out


def test_csv_has_a_row_per_window_with_every_json_figure_and_no_other():
    p = subprocess.run([BIN, "expect", *OPTIONS, *EXPECT, "--csv"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    rows = [line.split(",") for line in p.stdout.strip().split("\n")]
    head, windows = rows[0], STATE["expect"]["windows"]
    assert len(set(head)) == len(head), f"a CSV column twice in {head}"
    assert len(rows) == 1 + len(windows), f"{len(rows) - 1} CSV rows for {len(windows)} windows"
    for row, win in zip(rows[1:], windows):
        assert len(row) == len(head), f"window {win['window_start']}: {len(row)} cells, {len(head)} columns"
        got, want = dict(zip(head, row)), csv_columns(win)
        missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
        differ = {c: (got[c], want[c]) for c in want if c in got and got[c] != want[c]}
        assert not missing and not extra and not differ, \
            f"window {win['window_start']}: JSON values without a CSV column {missing}, CSV columns that are " \
            f"no JSON value {extra}, (CSV, JSON) {differ}"
    print(f"  {len(windows)} CSV rows equal the JSON windows in all {len(head)} columns")


if __name__ == "__main__":
    sys.exit(pysupport.run_tests(globals(), setup=setup))
