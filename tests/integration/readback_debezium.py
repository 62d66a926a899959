#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""readback_debezium.py - the change topics read back by Debezium's own code.

`shopstream run --changelog debezium` (docs/guide/changelog.md) publishes
the shop's tables as the Debezium PostgreSQL connector's change events.
tests/debezium (built by Maven: kafka-clients, Kafka Connect's JsonConverter
and Debezium 3.6.1's ExtractNewRecordState, from Maven Central) consumes the
four change topics from the real broker, converts every key and value with
JsonConverter and unwraps each with ExtractNewRecordState, as a Kafka
Connect sink pipeline does:

- a 2-day run as --changelog-format json-schema (schemas.enable=true): the
  schemas are those Debezium builds for the DDL, JsonConverter writes every
  record back as it read it, the unwrapped value is `after` field by field
  (the defaults, and delete.tombstone.handling.mode=rewrite with
  add.fields=op,lsn), per key `before` is the previous `after` and the lsn
  increases, the Kafka timestamp is ts_ms, every delete is followed by a
  tombstone;
- the same run as --changelog-format json (schemas.enable=false), checked as
  raw JSON;
- a short stream written by hand as the guide describes it, through the
  same checks (no broker), so a disagreement between the guide and
  Debezium's code shows apart from the producer;
- faults planted in a copy of the json-schema run's records (a row's
  `after` edited, a tombstone dropped, a timestamp moved): each fails the
  check it should and no other.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_KAFKA_STATE, SHOPSTREAM_SOURCE_DIR, SHOPSTREAM_DEBEZIUM_DIR
(where Maven builds tests/debezium). Prints 'N passed, M failed';
non-zero on failure.
"""
import json
import os
import re
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
DBZ_DIR = os.environ.get("SHOPSTREAM_DEBEZIUM_DIR", os.path.join(TMP, "debezium"))
BROKERS = pysupport.read_state("readback_debezium", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
START = "2026-11-01T00:00:00Z"
START_MS = 1793491200000
CUSTOMERS, PRODUCTS = 300, 60
OPTIONS = ["--start", START, "--duration", "2d", "--intensity", "1",
           "--customers", str(CUSTOMERS), "--products", str(PRODUCTS)]
TABLES = ("customers", "products", "orders", "order_items")
STATE = {}


def build_checker():
    """tests/debezium built by Maven into DBZ_DIR; the java command line to run it."""
    t0 = time.time()
    cp = maven_build.maven_classpath(SOURCE, DBZ_DIR, "debezium")
    print(f"  tests/debezium built by Maven in {time.time() - t0:.1f} s", flush=True)
    return ["java", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp, "shopstream.DebeziumCheck"]


def checker(*args):
    """Runs the checker; (exit status, stdout)."""
    p = subprocess.run(STATE["java"] + list(args), capture_output=True, text=True, timeout=600)
    assert p.returncode in (0, 1), f"DebeziumCheck {' '.join(args)} exited {p.returncode}:\n" \
        f"{p.stdout[-3000:]}{p.stderr[-3000:]}"
    return p.returncode, p.stdout


def verdicts(out):
    """{check name: True (PASS) / False (FAIL)} and the summary lines {topic: {figure: n}} of its output."""
    checks, summary = {}, {}
    for line in out.splitlines():
        m = re.match(r"(PASS|FAIL) (\S+: \S+) \(", line)
        if m:
            checks[m.group(2)] = m.group(1) == "PASS"
        m = re.match(r"(\S+): (records \d+.*)$", line)
        if m:
            summary[m.group(1)] = {k: int(v) for k, v in (x.split(" ") for x in m.group(2).split(", "))}
    return checks, summary


def publish(fmt):
    """A run published with --changelog-format fmt; its changelog prefix."""
    tag = f"dbz{os.getpid()}{fmt.replace('-', '')}"
    cmd = [BIN, "run", "-b", BROKERS, "-q", *OPTIONS, "--topic-prefix", f"{tag}.",
           "--changelog", "debezium", "--changelog-format", fmt, "--changelog-prefix", tag]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}"
    return tag


# --- A stream written by hand from docs/guide/changelog.md --------------------

COLUMNS = {  # the DDL: (column, JsonConverter type, nullable, logical Timestamp)
    "customers": [("id", "int64"), ("cohort", "string"), ("preferred_channel", "string"), ("region", "string"),
                  ("loyalty_tier", "string"), ("signup_at", "ts")],
    "products": [("id", "int64"), ("category", "string"), ("name", "string"), ("price_cents", "int64"),
                 ("in_stock", "boolean"), ("updated_at", "ts")],
    "orders": [("id", "int64"), ("customer_id", "int64"), ("status", "string"), ("channel", "string"),
               ("payment_method", "string"), ("item_count", "int32"), ("subtotal_cents", "int64"),
               ("discount_cents", "int64"), ("total_cents", "int64"), ("refunded_cents", "int64"),
               ("currency", "string"), ("campaign_id", "int64?"), ("created_at", "ts"), ("updated_at", "ts")],
    "order_items": [("id", "int64"), ("order_id", "int64"), ("line_number", "int32"), ("product_id", "int64"),
                    ("quantity", "int32"), ("unit_price_cents", "int64"), ("discount_cents", "int64"),
                    ("line_total_cents", "int64"), ("created_at", "ts")],
}


def field(kind, name):
    if kind == "ts":
        return {"type": "int64", "optional": False, "name": "org.apache.kafka.connect.data.Timestamp",
                "version": 1, "field": name}
    return {"type": kind.rstrip("?"), "optional": kind.endswith("?"), "field": name}


def envelope_schema(topic, table):
    row = {"type": "struct", "fields": [field(k, n) for n, k in COLUMNS[table]], "optional": True,
           "name": f"{topic}.Value"}
    source = {"type": "struct", "optional": False, "name": "io.debezium.connector.postgresql.Source",
              "field": "source", "fields": [
                  field("string", "version"), field("string", "connector"), field("string", "name"),
                  field("int64", "ts_ms"),
                  {"type": "string", "optional": True, "name": "io.debezium.data.Enum", "version": 1,
                   "parameters": {"allowed": "true,last,false,incremental"}, "default": "false", "field": "snapshot"},
                  field("string", "db"), field("string?", "sequence"), field("string", "schema"),
                  field("string", "table"), field("int64?", "txId"), field("int64?", "lsn"), field("int64?", "xmin")]}
    tx = {"type": "struct", "optional": True, "name": "event.block", "version": 1, "field": "transaction",
          "fields": [field("string", "id"), field("int64", "total_order"), field("int64", "data_collection_order")]}
    return {"type": "struct", "optional": False, "name": f"{topic}.Envelope", "version": 2, "fields": [
        dict(row, field="before"), dict(row, field="after"), source, field("string", "op"),
        field("int64?", "ts_ms"), tx]}


def sample(prefix, schemas):
    """The records of a short stream as docs/guide/changelog.md describes them."""
    out = []
    prev = {}

    def emit(table, op, row, ts, sub, entity=None, snapshot="false"):
        topic = f"{prefix}.public.{table}"
        key_id = row["id"]
        lsn = ((key_id % 2**20) << 8 | sub) if op == "r" else \
            ((ts - START_MS + 1) << 28) | ((entity % 2**20) << 8) | sub
        before = prev.get((table, key_id))
        after = None if op == "d" else row
        value = {"before": before, "after": after,
                 "source": {"version": "2.7.3.Final", "connector": "postgresql", "name": prefix, "ts_ms": ts,
                            "snapshot": snapshot, "db": "shop", "sequence": None, "schema": "public", "table": table,
                            "txId": lsn >> 8, "lsn": lsn, "xmin": None},
                 "op": op, "ts_ms": ts, "transaction": None}
        prev[(table, key_id)] = after
        key = {"id": key_id}
        if schemas:
            key = {"schema": {"type": "struct", "optional": False, "name": f"{topic}.Key",
                              "fields": [field("int64", "id")]}, "payload": key}
            value = {"schema": envelope_schema(topic, table), "payload": value}
        rec = {"topic": topic, "partition": key_id % 3, "timestamp": ts, "key": json.dumps(key)}
        out.append(dict(rec, value=json.dumps(value)))
        if op == "d":
            out.append(dict(rec, value=None))

    t = START_MS
    for i in (1, 2, 3):
        emit("customers", "r", {"id": i, "cohort": "gen_z", "preferred_channel": "web", "region": "us_east",
                                "loyalty_tier": "bronze", "signup_at": t - 86400000 * i}, t, 253, snapshot="true")
    p1 = {"id": 1, "category": "books", "name": "book 1", "price_cents": 1500, "in_stock": True, "updated_at": t}
    p2 = {"id": 2, "category": "toys", "name": "toy 2", "price_cents": 2500, "in_stock": True, "updated_at": t}
    emit("products", "r", p1, t, 252, snapshot="true")
    emit("products", "r", p2, t, 252, snapshot="last")
    t1 = t + 60000
    o1 = {"id": 1, "customer_id": 2, "status": "placed", "channel": "web", "payment_method": "card", "item_count": 2,
          "subtotal_cents": 5500, "discount_cents": 0, "total_cents": 5500, "refunded_cents": 0, "currency": "USD",
          "campaign_id": None, "created_at": t1, "updated_at": t1}
    emit("orders", "c", o1, t1, 0, entity=1)
    for line, (pid, qty, price) in enumerate([(1, 2, 1500), (2, 1, 2500)], 1):
        emit("order_items", "c", {"id": 1 * 8 + line, "order_id": 1, "line_number": line, "product_id": pid,
                                  "quantity": qty, "unit_price_cents": price, "discount_cents": 0,
                                  "line_total_cents": qty * price, "created_at": t1}, t1, line, entity=1)
    for step, (status, dt) in enumerate([("authorized", 5000), ("paid", 3600000)], 1):
        o1 = dict(o1, status=status, updated_at=t1 + dt)
        emit("orders", "u", o1, t1 + dt, 16 * step + 8, entity=1)
    t2 = t + 120000
    emit("products", "u", dict(p1, price_cents=1200, updated_at=t2), t2, 250, entity=1)
    o2 = dict(o1, id=2, status="placed", item_count=1, subtotal_cents=1200, total_cents=1200, created_at=t2,
              updated_at=t2)
    emit("orders", "c", o2, t2, 0, entity=2)
    i2 = {"id": 2 * 8 + 1, "order_id": 2, "line_number": 1, "product_id": 1, "quantity": 1, "unit_price_cents": 1200,
          "discount_cents": 0, "line_total_cents": 1200, "created_at": t2}
    emit("order_items", "c", i2, t2, 1, entity=2)
    t3 = t2 + 1800000  # expired unpaid (its life's step 1): its items deleted, then the order, in one transaction
    emit("order_items", "d", i2, t3, 16 * 1 + 0, entity=2)
    emit("orders", "d", dict(o2, updated_at=t3), t3, 16 * 1 + 8, entity=2)
    return out


def write_jsonl(path, records):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def setup():
    STATE["java"] = build_checker()


def check_run(prefix, summary, out, schemas):
    """What every run must hold beyond the checker's checks: the figures of its summary lines. Unwrapped:
    the records the transform gives with a value (schemaless ones pass unchanged, deletes too)."""
    t = {table: summary[f"{prefix}.public.{table}"] for table in TABLES}
    # customers change (--customer-changes on): the snapshot, then their updates and closed accounts
    assert t["customers"]["snapshot"] == CUSTOMERS < t["customers"]["records"], t["customers"]
    assert t["products"]["snapshot"] == PRODUCTS and t["products"]["records"] > PRODUCTS, t["products"]
    for table in TABLES:
        deletes = t[table]["deletes"] if schemas else 0
        assert t[table]["unwrapped"] == t[table]["records"] - deletes - t[table]["tombstones"], t[table]
        assert t[table]["tombstones"] == t[table]["deletes"], t[table]
        assert t[table]["late"] == 0, t[table]
    assert t["orders"]["deletes"] > 0 and t["order_items"]["deletes"] >= t["orders"]["deletes"], t
    for line in out.splitlines():
        if line.startswith(prefix) or line.startswith("note:") or re.match(r"\d+ passed", line):
            print("  " + line, flush=True)


def test_a_json_run_reads_back_as_schemaless_json():
    prefix = publish("json")
    rc, out = checker("--bootstrap", BROKERS, "--prefix", prefix, "--schemas-enable", "false",
                      "--start-ms", str(START_MS))
    checks, summary = verdicts(out)
    assert rc == 0 and all(checks.values()) and len(checks) == 10 * 4 + 1, out
    check_run(prefix, summary, out, False)


def test_a_json_schema_run_reads_back_through_jsonconverter_and_extractnewrecordstate():
    prefix = publish("json-schema")
    dump = os.path.join(TMP, f"dbz-{prefix}.jsonl")
    rc, out = checker("--bootstrap", BROKERS, "--prefix", prefix, "--start-ms", str(START_MS), "--dump", dump)
    STATE["dump"] = (prefix, dump)
    checks, summary = verdicts(out)
    assert rc == 0 and all(checks.values()) and len(checks) == 11 * 4 + 1, out
    check_run(prefix, summary, out, True)


def test_faults_planted_in_the_json_schema_runs_records_fail_their_checks():
    assert "dump" in STATE, "the json-schema run's records were not read"
    prefix, dump = STATE["dump"]
    # Every snapshot record, and the orders and their items of a few hundred order ids (a key's
    # changes all there), among them deleted ones: the checks hold on the part as on the whole.
    records = []
    with open(dump) as f:
        for line in f:
            r = json.loads(line)
            table = r["topic"].rsplit(".", 1)[1]
            key = payload_of(json.loads(r["key"]))["id"]
            order = key if table == "orders" else key >> 3 if table == "order_items" else None
            if order is None or order <= 300:
                records.append(r)
    os.remove(dump)
    planted_faults_fail(records, prefix, "--start-ms", str(START_MS))


def test_a_stream_written_from_the_guide_passes_every_check():
    for schemas in (True, False):
        path = os.path.join(TMP, f"dbz-sample-{os.getpid()}-{schemas}.jsonl")
        write_jsonl(path, sample("shopdb", schemas))
        rc, out = checker("--file", path, "--prefix", "shopdb", "--schemas-enable", str(schemas).lower(),
                          "--start-ms", str(START_MS))
        checks, summary = verdicts(out)
        assert rc == 0 and all(checks.values()), f"schemas.enable={schemas}:\n{out}"
        assert summary["shopdb.public.orders"]["deletes"] == 1 and summary["shopdb.public.orders"]["tombstones"] == 1
        os.remove(path)
        notes = [line[6:] for line in out.splitlines() if line.startswith("note: ")]
        print(f"  schemas.enable={str(schemas).lower()}: {len(checks)} checks pass on the hand-written stream"
              + "".join(f"\n    note: {n}" for n in notes), flush=True)


# --- Planted faults -------------------------------------------------------------

def payload_of(value):
    return value["payload"] if "schema" in value else value


def plant(records, kind, prefix):
    """A copy of records (the checker's JSON lines, read or written) with one fault of kind planted in
    the orders topic; the checks it must fail."""
    topic = f"{prefix}.public.orders"
    out = [dict(r) for r in records]
    orders = [(i, json.loads(r["value"])) for i, r in enumerate(out) if r["topic"] == topic and r["value"]]
    last = {}  # the highest lsn per key
    for _, v in orders:
        p = payload_of(v)
        key = (p["after"] or p["before"])["id"]
        last[key] = max(last.get(key, -1), p["source"]["lsn"])
    if kind == "after":
        # A row's after edited: the key's next change's before no longer equals it.
        i, v = next((i, v) for i, v in orders if payload_of(v)["op"] in "cu"
                    and payload_of(v)["source"]["lsn"] < last[payload_of(v)["after"]["id"]])
        payload_of(v)["after"]["status"] = "tampered"
        out[i]["value"] = json.dumps(v)
        return out, {f"{topic}: before"}
    if kind == "tombstone":
        i = next(i for i, r in enumerate(out) if r["topic"] == topic and r["value"] is None)
        del out[i]
        return out, {f"{topic}: tombstone"}
    if kind == "timestamp":
        i, _ = next((i, v) for i, v in orders if payload_of(v)["op"] == "c")
        out[i]["timestamp"] += 1
        return out, {f"{topic}: timestamp"}
    if kind == "envelope-name":
        # Not named <topic>.Envelope: the transform passes the record unchanged, as it documents.
        i, v = next((i, v) for i, v in orders if payload_of(v)["op"] == "u")
        v["schema"]["name"] = f"{topic}.Record"
        out[i]["value"] = json.dumps(v)
        return out, {f"{topic}: schema", f"{topic}: unwrap", f"{topic}: unwrap-rewrite"}
    raise ValueError(kind)


FAULTS = ("after", "tombstone", "timestamp", "envelope-name")


def planted_faults_fail(records, prefix, *args):
    """Each fault planted in a copy of records fails exactly the checks it should."""
    for kind in FAULTS:
        faulty, want = plant(records, kind, prefix)
        path = os.path.join(TMP, f"dbz-fault-{os.getpid()}-{kind}.jsonl")
        write_jsonl(path, faulty)
        rc, out = checker("--file", path, "--prefix", prefix, *args)
        checks, _ = verdicts(out)
        failed = {c for c, ok in checks.items() if not ok}
        assert rc == 1 and failed == want, f"fault {kind}: exit {rc}, failed {sorted(failed)}, want {sorted(want)}"
        example = next((l.strip() for l in out.splitlines() if l.startswith("    ")), "")
        print(f"  planted {kind}: exit 1, failed {', '.join(sorted(failed))}: {example[:240]}", flush=True)
        os.remove(path)


def test_faults_planted_in_the_hand_written_stream_fail_their_checks():
    planted_faults_fail(sample("shopdb", True), "shopdb", "--start-ms", str(START_MS))


def cleanup():
    if "dump" in STATE and os.path.exists(STATE["dump"][1]):
        os.remove(STATE["dump"][1])  # some 320 MB


if __name__ == "__main__":
    sys.exit(pysupport.run_tests(globals(), setup=setup, cleanup=cleanup))
