#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""readback_lifecycle.py - the living shop, as a consumer reads it back.

Publishes to the real Kafka broker and reads every topic back with
confluent-kafka's Consumer (its own librdkafka) and Python's json module:

- a 48 h payment_outage run (lifecycles and product changes on, the
  defaults): every order's events follow the state machine of
  engine/lifecycle.h (allowed transitions only, at most one final event and
  it is the last, times non-decreasing and never before the order), a
  shipment only after a capture, one capture of the order's total, refunds
  at most the capture; every order item is priced by the product version
  valid at its order's time and never of a product out of stock then; every
  partition of every topic is in event-time order (late and duplicates off);
  the outage's failed payments are retried once it is over, about 70% of
  them successfully;
- a 6 h run with --late-share and --duplicate-share: the exact copies read
  back are as many as the stats report, the messages that arrive behind a
  later event time in their partition are at most the late ones the stats
  report and never more than --late-max behind, and the late share is what
  was asked for;
- the scenario effects on the lives, measured on the data: carrier_delay
  (the same run as the 10-day one, with the scenario: every delivery moves
  by exactly the scenario's hours, or not at all), black_friday's return
  wave (returns of the deliveries after the day at 2.5x the share),
  price_war (every electronics price cut by 20% when it begins and back
  when it ends, and their items sold at the cut prices) and mobile_offline
  (only app orders placed while offline arrive behind later ones, at most
  15 minutes, about 40% of them).

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_KAFKA_STATE. Prints 'N passed, M failed'; non-zero on failure.
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
from pysupport import TOPICS  # noqa: E402

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
START_MS = 1793491200000  # 2026-11-01T00:00:00Z
START = "2026-11-01T00:00:00Z"
HOUR = 3600000
BROKERS = pysupport.read_state("readback_lifecycle", "SHOPSTREAM_KAFKA_STATE", "bootstrap")

# (topic, status) -> the (topic, status) that may follow it.
NEXT = {
    None: {("payments", "authorized"), ("payments", "declined"), ("payments", "expired")},
    ("payments", "declined"): {("payments", "declined"), ("payments", "authorized")},
    ("payments", "authorized"): {("payments", "captured"), ("payments", "voided")},
    ("payments", "captured"): {("shipments", "packed")},
    ("shipments", "packed"): {("shipments", "shipped")},
    ("shipments", "shipped"): {("shipments", "delivered")},
    ("shipments", "delivered"): {("shipments", "returned")},
    ("shipments", "returned"): {("payments", "refunded")},
}
FINAL = {("payments", "declined"), ("payments", "voided"), ("payments", "expired"), ("shipments", "delivered"),
         ("payments", "refunded")}

RUNS = {}


def run(name, *args):
    prefix = f"life.{name}.{os.getpid()}."
    stats_path = os.path.join(TMP, f"life-{name}-{os.getpid()}.json")
    cmd = [BIN, "run", "-b", BROKERS, "--start", START, "--format", "json", "--topic-prefix", prefix,
           "--customers", "2000", "--products", "100", "-q", "--stats-json", stats_path, *args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}"
    with open(stats_path) as f:
        stats = json.load(f)
    data, read = {}, {}
    for t in TOPICS:
        want = stats["topics"][prefix + t]["delivered"]
        messages = pysupport.read_topic(BROKERS, prefix + t, f"life-{os.getpid()}")
        if len(messages) < want:  # once more: CI run 15 read one product short of 186 once, and all on a rerun
            print(f"  {name}: {t}: read {len(messages)} of {want} delivered; reading again in 2 s", flush=True)
            time.sleep(2)
            messages = pysupport.read_topic(BROKERS, prefix + t, f"life-{os.getpid()}-again")
        read[t] = len(messages)  # a closed account's tombstone too; data holds the records with a value
        data[t] = [(m, json.loads(m.value())) for m in messages if m.value() is not None]
    counts = ", ".join(f"{t} {len(data[t])}" for t in TOPICS)
    print(f"  {name}: read back {counts}", flush=True)
    for t in TOPICS:  # nothing lost, and no version compacted away
        want = stats["topics"][prefix + t]["delivered"]
        assert read[t] == want, f"{name}: {t}: read {read[t]}, the run delivered {want}"
    return {"stats": stats, "data": data, "prefix": prefix, "read": read}


def setup():
    RUNS["outage"] = run("outage", "-s", "payment_outage", "--duration", "48h", "--intensity", "10")
    RUNS["returns"] = run("returns", "--duration", "10d", "--intensity", "1", "--return-share", "0.3")
    RUNS["late"] = run("late", "--duration", "6h", "--intensity", "10", "--late-share", "0.05", "--late-max", "2m",
                       "--duplicate-share", "0.02", "--duplicate-max", "30s")
    RUNS["storm"] = run("storm", "--duration", "10d", "--intensity", "1", "--return-share", "0.3", "-s", "carrier_delay")
    RUNS["wave"] = run("wave", "-s", "black_friday", "--duration", "20d", "--intensity", "0.2")
    RUNS["war"] = run("war", "-s", "price_war", "--duration", "3d", "--intensity", "1")
    RUNS["offline"] = run("offline", "-s", "mobile_offline", "--duration", "10h", "--intensity", "10")


def lives(data):
    """{order_id: [(event_time, topic, record)]} in offset order (one partition per order)."""
    out = collections.defaultdict(list)
    for t in ("payments", "shipments"):
        for m, v in data[t]:
            out[v["order_id"]].append((v["event_time"], t, v, m.offset()))
    for evs in out.values():
        # Both topics are co-partitioned; merge by event time (the order they
        # happened in), the offset keeping a topic's own order on ties.
        evs.sort(key=lambda e: (e[0], e[3]))
    return out


def test_every_topic_holds_what_the_summary_says_and_the_wire_contract():
    r = RUNS["outage"]
    for t in TOPICS:
        want = r["stats"]["topics"][r["prefix"] + t]["delivered"]
        assert r["read"][t] == want, f"{t}: read {r['read'][t]}, the run delivered {want}"
        assert want > 0, f"{t}: nothing published"
    for t in ("payments", "shipments"):
        for m, v in r["data"][t]:
            assert m.timestamp()[1] == v["event_time"], f"{t}: Kafka timestamp {m.timestamp()} != event_time {v}"
            assert int.from_bytes(m.key(), "big") == v["order_id"], f"{t}: key is not the order id: {v}"
    for m, v in r["data"]["products"]:
        assert m.timestamp()[1] == v["valid_from"], f"products: timestamp {m.timestamp()} != valid_from {v}"


def test_every_order_follows_the_state_machine_with_one_final_event_at_most():
    follows_the_state_machine(RUNS["outage"], START_MS + 48 * HOUR)
    follows_the_state_machine(RUNS["returns"], START_MS + 240 * HOUR)


def follows_the_state_machine(r, end):
    orders = {v["order_id"]: v for _, v in r["data"]["orders"]}
    finals = 0
    for oid, evs in lives(r["data"]).items():
        o = orders[oid]
        state, last_t = None, o["event_time"]
        for i, (t, topic, v, _) in enumerate(evs):
            step = (topic, v["status"])
            assert step in NEXT.get(state, set()), f"order {oid}: {step} after {state}: {evs}"
            assert last_t <= t < end, f"order {oid}: event at {t} after {last_t} (run ends {end})"
            if v["final"]:
                assert i == len(evs) - 1 and step in FINAL, f"order {oid}: a final event that does not end it: {evs}"
            state, last_t = step, t
        finals += evs[-1][2]["final"]
    assert finals > len(orders) // 20, f"only {finals} of {len(orders)} lives ended inside the run"


def test_payments_add_up_shipments_follow_a_capture_and_refunds_never_exceed_it():
    for name in ("outage", "returns"):
        payments_add_up(RUNS[name], expect_refunds=name == "returns")


def payments_add_up(r, expect_refunds):
    orders = {v["order_id"]: v for _, v in r["data"]["orders"]}
    refunds = 0
    for oid, evs in lives(r["data"]).items():
        captured = [v for _, topic, v, _ in evs if topic == "payments" and v["status"] == "captured"]
        assert len(captured) <= 1, f"order {oid}: captured twice"
        if captured:
            assert captured[0]["amount_cents"] == orders[oid]["total_cents"], f"order {oid}: capture != total"
        if any(topic == "shipments" for _, topic, _, _ in evs):
            assert captured, f"order {oid}: a shipment without a captured payment"
        for _, topic, v, _ in evs:
            if topic == "payments" and v["status"] == "refunded":
                refunds += 1
                assert 0 < v["amount_cents"] <= captured[0]["amount_cents"], f"order {oid}: refund {v}"
    assert refunds > 0 or not expect_refunds, "no refund in 10 days"


def product_versions(r):
    """{product_id: [(valid_from, price_cents, in_stock)]} by time."""
    versions = collections.defaultdict(list)
    for _, v in r["data"]["products"]:
        versions[v["product_id"]].append((v["valid_from"], v["price_cents"], v["in_stock"]))
    for vs in versions.values():
        vs.sort()
    return versions


def test_every_item_is_priced_by_the_product_version_valid_at_its_orders_time():
    r = RUNS["outage"]
    versions = product_versions(r)
    changed = sum(len(vs) > 1 for vs in versions.values())
    assert changed > 0, "no product changed in 48 h"
    repriced = 0
    for _, item in r["data"]["order_items"]:
        vs = versions[item["product_id"]]
        valid = [x for x in vs if x[0] <= item["event_time"]][-1]
        assert valid[2], f"item {item} sold while its product is out of stock ({vs})"
        assert valid[1] == item["unit_price_cents"], f"item {item}: the version valid then is {valid}"
        repriced += valid != vs[0]
    assert repriced > 0, "no item was sold at a changed price"
    print(f"  {changed} of {len(versions)} products changed; {repriced} items sold at a later version's price")


def test_every_partition_is_in_event_time_order_with_late_and_duplicates_off():
    r = RUNS["outage"]
    for t in ("orders", "order_items", "payments", "shipments", "products"):
        last = {}
        for m, _ in r["data"][t]:
            p, ts = m.partition(), m.timestamp()[1]
            assert ts >= last.get(p, ts), f"{t} [{p}] offset {m.offset()}: {ts} after {last[p]}"
            last[p] = ts


def test_the_outage_declines_are_retried_after_it_and_most_succeed():
    r = RUNS["outage"]
    outage_end = START_MS + 3 * HOUR
    orders = {v["order_id"]: v for _, v in r["data"]["orders"]}
    retried = succeeded = 0
    for oid, evs in lives(r["data"]).items():
        first = evs[0]
        if not (first[1] == "payments" and first[2]["status"] == "declined"):
            continue
        order_t = orders[oid]["event_time"]
        if orders[oid]["status"] != "payment_failed" or not (START_MS + HOUR <= order_t < outage_end) or \
                first[2]["payment_method"] == "bank_transfer":
            continue
        second = [e for e in evs if e[1] == "payments" and e[2]["attempt"] == 2]
        if not second:
            continue
        retried += 1
        assert second[0][0] >= outage_end, f"order {oid}: retried at {second[0][0]}, during the outage"
        succeeded += second[0][2]["status"] == "authorized"
    assert retried > 100, f"only {retried} retries after the outage"
    share = succeeded / retried
    assert 0.60 <= share <= 0.80, f"{succeeded} of {retried} retries succeeded ({share:.2f}); the model says 0.70"
    print(f"  the outage: {retried} declined payments retried after it, {share:.1%} successfully")


def test_duplicates_read_back_are_as_many_as_the_stats_report():
    r = RUNS["late"]
    st = r["stats"]["topics"]
    for t in ("orders", "order_items", "payments", "shipments"):
        seen = collections.Counter((m.key(), m.value(), m.timestamp()[1]) for m, _ in r["data"][t])
        copies = sum(n - 1 for n in seen.values())
        want = st[r["prefix"] + t]["duplicates"]
        assert copies == want, f"{t}: {copies} exact copies read back, the stats report {want}"
        assert want > 0, f"{t}: no duplicates at a share of 0.02"


def test_late_messages_are_as_many_as_asked_and_never_later_than_max():
    r = RUNS["late"]
    st = r["stats"]["topics"]
    for t in ("orders", "order_items", "payments"):
        front, behind, worst, seen = {}, 0, 0, set()
        for m, _ in r["data"][t]:
            p, ts = m.partition(), m.timestamp()[1]
            if (m.key(), m.value(), ts) in seen:
                continue  # a copy: up to --duplicate-max after its original, counted above
            seen.add((m.key(), m.value(), ts))
            lag = front.get(p, ts) - ts
            if lag > 0:
                behind += 1
                worst = max(worst, lag)
            front[p] = max(front.get(p, ts), ts)
        late, sent = st[r["prefix"] + t]["late"], st[r["prefix"] + t]["delivered"]
        assert worst <= 120000, f"{t}: a message {worst} ms behind its partition, --late-max is 2m"
        assert st[r["prefix"] + t]["late_by_ms"]["max"] <= 120000
        assert 0.5 * late <= behind <= late, f"{t}: {behind} read back behind a later one, {late} sent late"
        originals = sent - st[r["prefix"] + t]["duplicates"]
        assert 0.04 <= late / originals <= 0.06, f"{t}: {late} of {originals} late, asked for 5%"
        print(f"  {t}: {late} of {originals} late ({late / originals:.2%}), {behind} read back behind a later "
              f"event time in their partition, at most {worst} ms behind")


def delivered_at(r):
    """{order_id: (delivered time, carrier)}."""
    return {v["order_id"]: (v["event_time"], v["carrier"]) for _, v in r["data"]["shipments"]
            if v["status"] == "delivered"}


def test_carrier_delay_moves_each_delivery_by_exactly_its_hours_or_not_at_all():
    base, storm = RUNS["returns"], RUNS["storm"]
    def placed(r):  # the orders, but for the field naming the scenario
        return {v["order_id"]: {k: x for k, x in v.items() if k != "scenario"} for _, v in r["data"]["orders"]}
    orders = placed(storm)
    assert placed(base) == orders, "carrier_delay changed the orders"
    region = {}  # each customer's region at the run's start (its first version): what its shipments carry
    for _, v in storm["data"]["customers"]:
        region.setdefault(v["customer_id"], v["region"])
    customer = {oid: v["customer_id"] for oid, v in orders.items()}
    was, now = delivered_at(base), delivered_at(storm)
    moved = collections.Counter()
    for oid, (t0, carrier) in was.items():
        due = START_MS + 24 * HOUR <= t0 < START_MS + 96 * HOUR
        us_east = region[customer[oid]] == "us_east"
        want = 0 if not (due and us_east) else 42 * HOUR if carrier == "ups" else 6 * HOUR
        if t0 + want >= START_MS + 240 * HOUR:
            assert oid not in now, f"order {oid}: delivered after the run's end"
            continue
        assert now[oid] == (t0 + want, carrier), f"order {oid}: delivered {now[oid]}, {t0} + {want} expected"
        moved[want] += 1
    assert moved[42 * HOUR] > 50 and moved[6 * HOUR] > 50, f"deliveries moved by hours: {moved}"
    print(f"  carrier_delay: of {sum(moved.values())} deliveries, {moved[42 * HOUR]} moved 42 h (ups to us_east), "
          f"{moved[6 * HOUR]} moved 6 h (the others there), {moved[0]} kept their time")


def test_black_friday_returns_of_the_deliveries_after_the_day_are_two_and_a_half_times_the_share():
    r = RUNS["wave"]
    returned = {v["order_id"] for _, v in r["data"]["shipments"] if v["status"] == "returned"}
    # Deliveries of days 1-6: returned within 14 days, inside the 20-day run.
    wave = [oid for oid, (t, _) in delivered_at(r).items() if START_MS + 24 * HOUR <= t < START_MS + 144 * HOUR]
    share = sum(oid in returned for oid in wave) / len(wave)
    tol = 5 * (0.2 * 0.8 / len(wave)) ** 0.5
    assert abs(share - 0.2) <= tol, f"{share:.4f} of {len(wave)} deliveries returned, 0.08 x 2.5 = 0.2 +- {tol:.4f}"
    print(f"  black_friday's return wave: {share:.1%} of {len(wave)} deliveries of days 1-6 returned (0.08 x 2.5)")


def test_price_war_cuts_every_electronics_price_by_20_percent_for_its_window():
    r = RUNS["war"]
    begins, ends = START_MS + 6 * HOUR, START_MS + 54 * HOUR
    category = {v["product_id"]: v["category"] for _, v in r["data"]["products"]}
    versions = product_versions(r)
    electronics = [p for p, c in category.items() if c == "electronics"]
    assert electronics, "no electronics"
    for p, vs in versions.items():
        at = {x[0]: (i, x) for i, x in enumerate(vs)}
        if category[p] != "electronics":
            assert begins not in at and ends not in at, f"product {p} ({category[p]}) changed with the war: {vs}"
            continue
        i, cut = at[begins]
        assert cut[1] == vs[i - 1][1] * 80 // 100 // 100 * 100 + 99, f"product {p}: {vs[i - 1]} -> {cut}"
        j, back = at[ends]
        assert back[1] > vs[j - 1][1], f"product {p}: not restored at the war's end: {vs}"
    lines = [v for _, v in r["data"]["order_items"] if begins <= v["event_time"] < ends]
    share = sum(category[v["product_id"]] == "electronics" for v in lines) / len(lines)
    assert share >= 0.4, f"electronics are {share:.2f} of the lines in the war, the scenario focuses 0.4 on them"
    cheap = sum(category[v["product_id"]] == "electronics" and
                [x for x in versions[v["product_id"]] if x[0] <= v["event_time"]][-1][0] >= begins for v in lines)
    assert cheap > 0
    print(f"  price_war: {len(electronics)} electronics cut 20% and restored; {share:.1%} of the war's lines, "
          f"{cheap} sold at a war price")


def test_mobile_offline_makes_only_app_orders_of_its_hours_late_by_at_most_15_minutes():
    r = RUNS["offline"]
    st = r["stats"]["topics"][r["prefix"] + "orders"]
    front, behind, app = {}, 0, 0
    for m, v in r["data"]["orders"]:
        p, ts = m.partition(), m.timestamp()[1]
        offline = START_MS + 2 * HOUR <= ts < START_MS + 8 * HOUR and v["channel"] == "mobile_app"
        app += offline
        lag = front.get(p, ts) - ts
        if lag > 0:
            behind += 1
            assert offline, f"order {v['order_id']} ({v['channel']}, {ts}) behind its partition, not offline"
            assert lag <= 15 * 60000, f"order {v['order_id']}: {lag} ms behind, the scenario's max is 15m"
        front[p] = max(front.get(p, ts), ts)
    share = st["late"] / app
    assert abs(share - 0.4) <= 5 * (0.24 / app) ** 0.5, f"{st['late']} of {app} offline app orders late"
    assert 0 < behind <= st["late"] and st["duplicates"] == 0
    print(f"  mobile_offline: {st['late']} of {app} app orders of hours 2-8 late ({share:.1%}), "
          f"{behind} read back behind a later one")


if __name__ == "__main__":
    sys.exit(pysupport.run_tests(globals(), setup=setup))
