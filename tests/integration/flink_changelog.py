#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""flink_changelog.py - Flink SQL's debezium-json reads the change topics into what expect's tables say.

Publishes a 3-day payment outage run with --changelog debezium
--changelog-format json (docs/guide/changelog.md: the tables customers,
products, orders and order_items as Debezium's PostgreSQL connector writes
their changes, Kafka Connect's JsonConverter with schemas.enable=false) to the
real Kafka broker, then runs Apache Flink SQL 2.2.1 (tests/flink's
shopstream.FlinkChangelog, the Maven build flink_expect.py uses; one job in an
embedded MiniCluster) over the four change topics with Flink's own
'debezium-json' format, read to the offsets they end at, and materializes
its retracting aggregates into their final rows. They must equal
`shopstream expect` with the same options, exactly:

- orders by current status, COUNT(*) and SUM(total_cents): expect's
  tables.orders_by_status (and tables.orders);
- customers by loyalty tier and by region: tables.customers_by_tier,
  tables.customers_by_region;
- products in and out of stock: tables.products_in_stock,
  tables.products_out_of_stock (and their current prices, summed, as the
  read-back below holds them);
- current order items: tables.order_items;
- the regular join (LEFT) of current orders with their customer's current
  row (customers change tier and region, and a closed account's row is
  deleted), COUNT(*) and SUM(total_cents) per customer region, "(no
  customer)" for orders whose customer's row is gone. expect has no such
  figure: its totals (every region together) must equal tables.orders and
  the sum of orders_by_status's total_cents, and the split must equal what
  this script computes from the topics itself (confluent-kafka, each key's
  changes applied in lsn order, a change not above the key's last lsn
  dropped: the contract's rule), whose own orders_by_status, customers_by_tier
  and order_items equal expect's.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_KAFKA_STATE, SHOPSTREAM_SOURCE_DIR, SHOPSTREAM_FLINK_DIR (where
Maven builds tests/flink). SHOPSTREAM_FLINK_CHANGELOG_FAULT=1 plants a fault
to see the check fail: Flink reads the orders topic's partition 0 from
offset 1, losing its first change record. Prints 'N passed, M failed';
non-zero on failure.
"""
import collections
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)
import maven_build  # noqa: E402  (tests/integration/maven_build.py)

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
SOURCE = os.environ["SHOPSTREAM_SOURCE_DIR"]
FLINK_DIR = os.environ.get("SHOPSTREAM_FLINK_DIR", os.path.join(TMP, "flink"))
BROKERS = pysupport.read_state("flink_changelog", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
FAULT = os.environ.get("SHOPSTREAM_FLINK_CHANGELOG_FAULT") == "1"
# Late and duplicate delivery stay off (the defaults): Flink's debezium-json
# applies a key's changes in the order it reads them and knows no lsn, so a
# change delivered late, or a copy, would be applied again or out of order.
OPTIONS = ["--start", "2026-11-01T00:00:00Z", "--duration", "3d", "--intensity", "0.3", "-s", "payment_outage",
           "--customers", "400", "--products", "60"]
TABLES = ("customers", "products", "orders", "order_items")
NO_CUSTOMER = "(no customer)"  # FlinkChangelog's region of an order whose customer's row was deleted
STATE = {}


def run_flink(java, prefix):
    """{view: {key: (count, sum)}}: FlinkChangelog's final rows over the change topics prefix<table>."""
    t0 = time.time()
    p = subprocess.run(java + [BROKERS, prefix] + (["--skip-first-order-change"] if FAULT else []),
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, f"Flink exited {p.returncode}:\n{p.stderr[-5000:]}"
    for line in p.stderr.splitlines():
        if line.startswith("FlinkChangelog:"):
            print("  " + line, flush=True)
    print(f"  Flink SQL answered in {time.time() - t0:.1f} s" + (" (PLANTED FAULT: orders' first change skipped)"
                                                               if FAULT else ""), flush=True)
    views = collections.defaultdict(dict)
    for line in p.stdout.splitlines():
        view, key, count, total = line.split("\t")
        views[view][key] = (int(count), int(total))
    return views


def materialize(prefix):
    """{table: {id: row}}: the change topics read back by confluent-kafka, each
    key's changes applied in lsn order (a change whose lsn is not above the
    last one applied for its key is dropped), tombstones skipped."""
    tables = {}
    for t in TABLES:
        rows, lsns, ops = {}, {}, collections.Counter()
        for m in pysupport.read_topic(BROKERS, prefix + t, f"flink-changelog-{os.getpid()}"):
            if m.value() is None:
                continue  # the tombstone after a delete
            key, v = json.loads(m.key())["id"], json.loads(m.value())
            ops[v["op"]] += 1
            row = v["after"] if v["op"] != "d" else v["before"]
            assert row["id"] == key, f"{t}: key {key}, row {row}"
            lsn = v["source"]["lsn"]
            if key in lsns and lsn <= lsns[key]:
                continue
            lsns[key] = lsn
            if v["op"] == "d":
                rows.pop(key, None)
            else:
                rows[key] = v["after"]
        tables[t] = rows
        STATE.setdefault("ops", {})[t] = ops
        STATE.setdefault("changes", {})[t] = sum(ops.values())
    return tables


def setup():
    t0 = time.time()
    java = ["java", "-cp", maven_build.maven_classpath(SOURCE, FLINK_DIR), "shopstream.FlinkChangelog"]
    print(f"  tests/flink built by Maven in {time.time() - t0:.1f} s", flush=True)
    tag = f"fcdc{os.getpid()}"
    cmd = [BIN, "run", "-b", BROKERS, "--topic-prefix", f"flinkcdc.{os.getpid()}.", "--changelog", "debezium",
           "--changelog-format", "json", "--changelog-prefix", tag, "-q", *OPTIONS]
    t1 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}"
    print(f"  shopstream run in {time.time() - t1:.1f} s", flush=True)
    prefix = f"{tag}.public."
    STATE["flink"] = run_flink(java, prefix)
    t2 = time.time()
    STATE["tables"] = materialize(prefix)
    print(f"  {sum(STATE['changes'].values())} change events read back by confluent-kafka and applied in "
          f"{time.time() - t2:.1f} s: {STATE['changes']}", flush=True)
    p = subprocess.run([BIN, "expect", *OPTIONS], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    expect = json.loads(p.stdout)
    STATE["expect"], STATE["placed"] = expect["tables"], expect["total"]["orders"]


def flink(view):
    return STATE["flink"].get(view, {})


def test_the_run_inserts_updates_and_deletes_orders():
    want = STATE["expect"]
    by_status = want["orders_by_status"]
    assert STATE["placed"] > want["orders"] > 1000, f"{STATE['placed']} orders placed, {want['orders']} left"
    for s in ("placed", "paid", "payment_failed", "cancelled", "packed", "shipped", "delivered"):
        assert by_status[s]["count"] > 0, f"no order ends {s}: {by_status}"
    print(f"  {STATE['placed']} orders placed, {STATE['placed'] - want['orders']} deleted at expiry, "
          f"{want['orders']} left: {({s: v['count'] for s, v in by_status.items()})}")


def test_orders_by_current_status_equal_expect():
    want = {s: (v["count"], v["total_cents"]) for s, v in STATE["expect"]["orders_by_status"].items()}
    got = {s: flink("orders_by_status").get(s, (0, 0)) for s in want}
    assert set(flink("orders_by_status")) <= set(want), f"statuses expect does not know: {flink('orders_by_status')}"
    assert got == want, [(s, got[s], want[s]) for s in want if got[s] != want[s]]
    assert sum(n for n, _ in got.values()) == STATE["expect"]["orders"]
    print(f"  {sum(n for n, _ in got.values())} orders in {len([s for s in got if got[s][0]])} statuses, "
          f"{sum(c for _, c in got.values())} cents, equal")


def test_customers_by_tier_and_region_equal_expect():
    for view in ("customers_by_tier", "customers_by_region"):
        want = {k: n for k, n in STATE["expect"][view].items() if n}
        got = {k: n for k, (n, _) in flink(view).items()}
        assert got == want, f"{view}: Flink {got}, expect {want}"
        assert sum(got.values()) == STATE["expect"]["customers"], view
    print(f"  {STATE['expect']['customers']} customers by tier and by region equal")


def test_products_in_and_out_of_stock_equal_expect():
    got = {k: n for k, (n, _) in flink("products_by_stock").items()}
    want = {k: STATE["expect"][f"products_{k}"] for k in ("in_stock", "out_of_stock")}
    assert got == {k: n for k, n in want.items() if n}, f"Flink {got}, expect {want}"
    assert sum(want.values()) == STATE["expect"]["products"]
    # Their current prices (expect has none): as read back, each product
    # at its last version.
    updates = STATE["changes"]["products"] - STATE["expect"]["products"]
    assert updates > 0, "no product changed after the snapshot"
    prices = collections.Counter()
    for r in STATE["tables"]["products"].values():
        prices["in_stock" if r["in_stock"] else "out_of_stock"] += r["price_cents"]
    assert {k: c for k, (_, c) in flink("products_by_stock").items()} == dict(prices), \
        f"current prices: Flink {flink('products_by_stock')}, read back {prices}"
    print(f"  products: {want}, after {updates} updates; current prices equal the read-back's")


def test_order_items_equal_expect():
    n, total = flink("order_items").get("-", (0, 0))
    assert n == STATE["expect"]["order_items"], f"Flink {n} current items, expect {STATE['expect']['order_items']}"
    items = STATE["tables"]["order_items"]
    assert len(items) == n and sum(r["line_total_cents"] for r in items.values()) == total, \
        f"read back: {len(items)} items; Flink {n}, {total} cents"
    print(f"  {n} order items, {total} cents, equal")


def test_the_join_of_orders_with_their_customers_per_region_equals_the_tables():
    got = flink("orders_by_region")
    want_n = STATE["expect"]["orders"]
    want_cents = sum(v["total_cents"] for v in STATE["expect"]["orders_by_status"].values())
    assert (sum(n for n, _ in got.values()), sum(c for _, c in got.values())) == (want_n, want_cents), \
        f"the join holds {sum(n for n, _ in got.values())} orders; expect's tables {want_n}, {want_cents} cents"
    customers, per = STATE["tables"]["customers"], collections.defaultdict(lambda: [0, 0])
    for o in STATE["tables"]["orders"].values():
        c = customers.get(o["customer_id"])
        r = per[c["region"] if c else NO_CUSTOMER]
        r[0] += 1
        r[1] += o["total_cents"]
    want = {k: tuple(v) for k, v in per.items()}
    assert got == want, f"Flink {sorted(got.items())}, read back {sorted(want.items())}"
    ops = STATE["ops"]["customers"]
    assert ops["u"] > 0 and ops["d"] == STATE["expect"]["customers_closed"], f"customers' changes: {dict(ops)}"
    print(f"  {want_n} orders joined with their customer's current row ({ops['u']} customer updates, "
          f"{ops['d']} closed), {want_cents} cents: {sorted(got.items())}, equal")


def test_the_read_back_tables_equal_expect():
    """The Python materialization (the join's reference) holds expect's tables."""
    t, want = STATE["tables"], STATE["expect"]
    by_status = collections.defaultdict(lambda: [0, 0])
    for o in t["orders"].values():
        by_status[o["status"]][0] += 1
        by_status[o["status"]][1] += o["total_cents"]
    assert {s: (v["count"], v["total_cents"]) for s, v in want["orders_by_status"].items() if v["count"]} == \
        {s: tuple(v) for s, v in by_status.items()}
    for col in ("loyalty_tier", "region"):
        view = "customers_by_tier" if col == "loyalty_tier" else "customers_by_region"
        assert collections.Counter(c[col] for c in t["customers"].values()) == \
            collections.Counter({k: n for k, n in want[view].items() if n}), view
    assert (len(t["orders"]), len(t["order_items"]), len(t["customers"]), len(t["products"])) == \
        (want["orders"], want["order_items"], want["customers"], want["products"])


def test_no_row_lacks_a_not_null_column():
    assert not flink("null_columns"), f"rows with a NULL in a NOT NULL column: {flink('null_columns')}"


if __name__ == "__main__":
    t0 = time.time()
    rc = pysupport.run_tests(globals(), setup=setup)
    print(f"  wall time {time.time() - t0:.1f} s")
    sys.exit(rc)
