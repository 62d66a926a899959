#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""readback_changelog.py - the change streams, as a consumer of a database's
change stream reads them back (docs/guide/changelog.md).

Publishes a 4-day payment_outage run with --changelog debezium, late and
duplicate delivery on, to the real Kafka broker, and the same run again
with --changelog-format json-schema; reads every change topic back with
confluent-kafka's Consumer and Python's json module, and checks:

- every change event is what the envelope promises: the key's id is the
  row's, ts_ms is the Kafka timestamp and source.ts_ms, source names the
  connector, database, schema and table, before and after are null exactly
  where the op says, and every delete is followed in its partition by its
  key's tombstone;
- applied in lsn order, dropping a change whose lsn is not above its key's
  last (a redelivered one), every change's before is its key's previous
  after; the changes dropped so are the duplicates the run reports;
- the tables so applied hold, at every 1 h window's end and at the run's
  end, exactly what `shopstream expect` says a materialized view holds
  (orders and order items, orders by current status with their
  total_cents, customers by tier and region, products in stock);
- customers change: shop.customers read as a KTable (the last value of
  each key, a tombstone deleting it) is the change topic's customers table
  at the run's end, and no order is placed by a customer before signup or
  after the account was closed;
- verify finds the 11 topics exact, and a stray change event on a change
  topic not;
- the json-schema form carries the same payloads, each key and value with
  the schema Kafka Connect's JsonConverter names <topic>.Key and
  <topic>.Envelope.

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

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
BROKERS = pysupport.read_state("readback_changelog", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
OPTIONS = ["--start", "2026-11-01T00:00:00Z", "--duration", "4d", "--intensity", "0.2", "-s", "payment_outage",
           "--customers", "400", "--products", "80", "--late-share", "0.1", "--late-max", "2h",
           "--duplicate-share", "0.05", "--duplicate-max", "30m"]
TABLES = ["customers", "products", "orders", "order_items"]
OPS = {"r": (False, True), "c": (False, True), "u": (True, True), "d": (True, False)}  # before?, after?
RUNS = {}


def run_options(tag, *args):
    return ["-b", BROKERS, "--format", "json", "--topic-prefix", f"ev.{tag}.", "--changelog", "debezium",
            "--changelog-prefix", f"db{tag}", *OPTIONS, *args]


def run(name, *args):
    tag = f"{name}{os.getpid()}"
    stats_path = os.path.join(TMP, f"changelog-{tag}.json")
    cmd = [BIN, "run", "-q", "--stats-json", stats_path, *run_options(tag, *args)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}"
    with open(stats_path) as f:
        stats = json.load(f)
    topics = {t: pysupport.read_topic(BROKERS, f"db{tag}.public.{t}", f"cl-{tag}-{t}") for t in TABLES}
    events = {t: pysupport.read_topic(BROKERS, f"ev.{tag}.{t}", f"ev-{tag}-{t}") for t in ("customers", "orders")}
    return {"prefix": f"db{tag}", "stats": stats, "topics": topics, "events": events, "tag": tag, "args": args}


def setup():
    RUNS["json"] = run("j")
    RUNS["schema"] = run("s", "--changelog-format", "json-schema")
    p = subprocess.run([BIN, "expect", "--window", "1h", *OPTIONS], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    RUNS["expect"] = json.loads(p.stdout)


def changes(r):
    """(table, key id, partition, offset, kafka timestamp, value or None) of every message."""
    for t in TABLES:
        for m in r["topics"][t]:
            value = json.loads(m.value()) if m.value() is not None else None
            yield t, json.loads(m.key())["id"], m.partition(), m.offset(), m.timestamp()[1], value


def test_every_change_event_is_the_envelope_debezium_writes():
    r = RUNS["json"]
    deletes = collections.defaultdict(list)  # (table, partition) -> keys deleted, in order
    n = 0
    for t, kid, part, off, ts, v in changes(r):
        if v is None:  # a tombstone: its delete came first in the partition
            assert deletes[(t, part)] and deletes[(t, part)].pop(0) == kid, f"{t}#{kid}: tombstone without its delete"
            continue
        n += 1
        before, after = OPS[v["op"]]
        assert (v["before"] is not None) == before and (v["after"] is not None) == after, f"{t}#{kid}: {v}"
        row = v["after"] or v["before"]
        assert row["id"] == kid, f"{t}: key {kid}, row {row['id']}"
        s = v["source"]
        assert v["ts_ms"] == ts == s["ts_ms"], f"{t}#{kid}: ts_ms {v['ts_ms']}, Kafka timestamp {ts}"
        assert (s["connector"], s["name"], s["db"], s["schema"], s["table"]) == \
            ("postgresql", r["prefix"], "shop", "public", t), s
        assert s["snapshot"] in (("true", "last") if v["op"] == "r" else ("false",)), s
        assert s["txId"] == s["lsn"] >> 8, s
        if v["op"] == "d":
            deletes[(t, part)].append(kid)
    left = {k: v for k, v in deletes.items() if v}
    assert not left, f"deletes without their tombstone: {left}"
    assert n > 10000, n


def applied(r, windows=None):
    """Applies r's changes in lsn order; yields (window end, rows) at each window end given, then (None, rows)."""
    events = sorted((v["source"]["lsn"], t, kid, v) for t, kid, _, _, _, v in changes(r) if v is not None)
    rows, last = {}, {}
    stats = {"dropped": 0, "bad": []}
    ends = list(windows or [])
    for lsn, t, kid, v in events:
        while ends and v["ts_ms"] >= ends[0]:
            yield ends.pop(0), rows, stats
        if lsn <= last.get((t, kid), -1):
            stats["dropped"] += 1
            continue
        last[(t, kid)] = lsn
        if v["before"] != rows.get((t, kid)):
            stats["bad"].append((t, kid, lsn))
        if v["op"] == "d":
            rows.pop((t, kid), None)
        else:
            rows[(t, kid)] = v["after"]
    for end in ends:
        yield end, rows, stats
    yield None, rows, stats


def state(rows):
    by = collections.defaultdict(list)
    for (t, _), row in rows.items():
        by[t].append(row)
    status = collections.defaultdict(lambda: {"count": 0, "total_cents": 0})
    for o in by["orders"]:
        status[o["status"]]["count"] += 1
        status[o["status"]]["total_cents"] += o["total_cents"]
    return {"orders": len(by["orders"]), "order_items": len(by["order_items"]),
            "orders_by_status": dict(status),
            "customers": len(by["customers"]),
            "customers_by_tier": dict(collections.Counter(c["loyalty_tier"] for c in by["customers"])),
            "customers_by_region": dict(collections.Counter(c["region"] for c in by["customers"])),
            "products": len(by["products"]),
            "products_in_stock": sum(p["in_stock"] for p in by["products"])}


def expected_state(tables):
    e = dict(tables)
    e["orders_by_status"] = {k: v for k, v in tables["orders_by_status"].items() if v["count"]}
    for k in ("customers_by_tier", "customers_by_region"):
        e[k] = {n: c for n, c in tables[k].items() if c}
    del e["products_out_of_stock"], e["customers_closed"]  # open customers are what the table holds
    return e


def test_before_is_the_previous_after_and_redeliveries_are_the_duplicates_reported():
    r = RUNS["json"]
    *_, (_, rows, stats) = applied(r)
    assert not stats["bad"], f"{len(stats['bad'])} changes whose before is not the previous after: {stats['bad'][:5]}"
    reported = sum(v["duplicates"] for k, v in r["stats"]["topics"].items() if k.startswith(r["prefix"] + "."))
    deletes = {(t, v["source"]["lsn"]) for t, _, _, _, _, v in changes(r) if v is not None and v["op"] == "d"}
    tombstones = sum(v is None for *_, v in changes(r))
    redelivered = stats["dropped"] + tombstones - len(deletes)  # a tombstone is sent again with its delete
    assert redelivered == reported > 0, f"redelivered {redelivered} (by lsn), the run reports {reported} duplicates"


def test_the_tables_hold_what_expect_says_at_every_window_end_and_the_run_end():
    r, exp = RUNS["json"], RUNS["expect"]
    windows = exp["windows"]
    ends = [w["window_start_ms"] + exp["run"]["window_ms"] for w in windows]
    checked = 0
    for end, rows, _ in applied(r, ends):
        want = expected_state(exp["tables"] if end is None else windows[ends.index(end)]["tables_at_end"])
        got = state(rows)
        assert got == want, f"at {end}: got {got}, expect says {want}"
        checked += 1
    assert checked == len(windows) + 1 and len(windows) == 96, checked


def test_shop_customers_as_a_ktable_is_the_customers_table_and_closed_accounts_order_no_more():
    r = RUNS["json"]
    *_, (_, rows, _) = applied(r)
    table = {kid: row for (t, kid), row in rows.items() if t == "customers"}
    ktable = {}
    for m in sorted(r["events"]["customers"], key=lambda m: (m.partition(), m.offset())):
        kid = int.from_bytes(m.key(), "big")
        if m.value() is None:
            ktable.pop(kid, None)
        else:
            ktable[kid] = json.loads(m.value())
    assert ktable.keys() == table.keys(), f"{len(ktable)} customers in shop.customers, {len(table)} in the table"
    for kid, row in table.items():
        c = ktable[kid]
        assert (c["loyalty_tier"], c["region"], c["signup_time"]) == \
            (row["loyalty_tier"], row["region"], row["signup_at"]), f"customer {kid}: {c} against {row}"
    closed = {kid: v["ts_ms"] for t, kid, _, _, _, v in changes(r) if t == "customers" and v and v["op"] == "d"}
    versions = sum(1 for t, _, _, _, _, v in changes(r) if t == "customers" and v and v["op"] == "u")
    assert closed and versions > len(closed), f"{len(closed)} accounts closed, {versions} other changes"
    signup = {kid: row["signup_at"] for (t, kid), row in rows.items() if t == "customers"}
    for m in r["events"]["orders"]:
        o = json.loads(m.value())
        cid = o["customer_id"]
        assert o["event_time"] < closed.get(cid, 1 << 62), f"order {o['order_id']} after customer {cid} closed"
        assert cid in closed or o["event_time"] > signup[cid], f"order {o['order_id']} before its customer's signup"


def test_verify_holds_the_change_topics_to_the_run():
    r = RUNS["schema"]  # the json run's topics stay as they are for the other tests
    verify = [BIN, "verify", "-q", *run_options(r["tag"], *r["args"])]
    p = subprocess.run(verify, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0 and "exact: 11 topics" in p.stderr, p.stderr
    from confluent_kafka import Producer
    stray = Producer({"bootstrap.servers": BROKERS})
    stray.produce(f"{r['prefix']}.public.orders", key=b'{"id":1}', value=b'{"op":"u"}')
    stray.flush(10)
    p = subprocess.run(verify, capture_output=True, text=True, timeout=600)
    assert p.returncode == 1 and f"{r['prefix']}.public.orders: 0 missing, 1 unexpected" in p.stderr, p.stderr


def test_the_json_schema_form_wraps_the_same_payloads_in_the_converters_schemas():
    plain, wrapped = RUNS["json"], RUNS["schema"]

    def by_key(messages, key):  # a key's messages are in one partition: in their order there
        out = collections.defaultdict(list)
        for m in sorted(messages, key=lambda m: (m.partition(), m.offset())):
            out[key(m)].append(m)
        return out

    for t in TABLES:
        a = by_key(plain["topics"][t], lambda m: json.loads(m.key())["id"])
        b = by_key(wrapped["topics"][t], lambda m: json.loads(m.key())["payload"]["id"])
        assert a.keys() == b.keys() and all(len(a[k]) == len(b[k]) for k in a), f"{t}: other keys or counts"
        for x, y in ((x, y) for k in a for x, y in zip(a[k], b[k])):
            k = json.loads(y.key())
            assert k["schema"]["name"] == f"{wrapped['prefix']}.public.{t}.Key", k
            assert k["payload"] == json.loads(x.key())
            if x.value() is None:
                assert y.value() is None
                continue
            v = json.loads(y.value())
            assert v["schema"]["name"] == f"{wrapped['prefix']}.public.{t}.Envelope", v["schema"]["name"]
            fields = [f["field"] for f in v["schema"]["fields"]]
            assert fields == ["before", "after", "source", "op", "ts_ms", "transaction"], fields
            p, q = v["payload"], json.loads(x.value())
            assert p["source"].pop("name") == wrapped["prefix"] and q["source"].pop("name") == plain["prefix"]
            assert p == q, f"{t}: {p} against {q}"
            columns = [f["field"] for f in v["schema"]["fields"][1]["fields"]]
            assert columns == list((q["after"] or q["before"]).keys()), columns


if __name__ == "__main__":
    sys.exit(pysupport.run_tests(globals(), setup))
