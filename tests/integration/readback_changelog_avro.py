#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""readback_changelog_avro.py - --changelog-format avro as a consumer of a
Debezium connector's AvroConverter topics reads it (docs/guide/changelog.md).

Publishes a 2-day payment_outage run with --changelog debezium
--changelog-format avro to the real Kafka broker, registering with the real
Apicurio registry, and the same run with --changelog-format json; reads
every change topic of both back with confluent-kafka's Consumer, the Avro
form through its SchemaRegistryClient and AvroDeserializer (keys and values
alike, each message's schema found by the id in its frame), and checks:

- each key's messages, in their partition's order, decode to what the json
  form holds for that key, message by message: the key, the value (before,
  after, source but its name, which is the run's prefix, op, ts_ms,
  transaction; timestamps as epoch milliseconds), the Kafka timestamp, and
  the tombstones after deletes; the counts are the runs' summaries';
- the subjects <topic>-key and <topic>-value hold the schemas Debezium's
  AvroConverter registers: record Key (id) and record Envelope in namespace
  <prefix>.<schema>.<table>, before and after ["null", Value], source
  io.debezium.connector.postgresql.Source; each frame's id is the
  subject's;
- `shopstream verify` with the run's options (registering again, the same
  ids) finds all 11 topics exact, each key in the partition its framed
  bytes hash to.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_KAFKA_STATE, SHOPSTREAM_REGISTRY_STATE. Prints 'N passed, M
failed'; non-zero on failure.
"""
import collections
import json
import os
import subprocess
import sys
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
BROKERS = pysupport.read_state("readback_changelog_avro", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
REGISTRY = pysupport.read_state("readback_changelog_avro", "SHOPSTREAM_REGISTRY_STATE", "url")
OPTIONS = ["--start", "2026-11-01T00:00:00Z", "--duration", "2d", "--intensity", "0.2", "-s", "payment_outage",
           "--customers", "300", "--products", "60", "--late-share", "0.1", "--duplicate-share", "0.05"]
TABLES = ["customers", "products", "orders", "order_items"]
TIMESTAMPS = {"signup_at", "updated_at", "created_at"}
RUNS = {}


def run(name, *args):
    tag = f"{name}{os.getpid()}"
    stats_path = os.path.join(TMP, f"changelog-avro-{tag}.json")
    same = ["-b", BROKERS, "--topic-prefix", f"ev.{tag}.", "--changelog", "debezium", "--changelog-prefix", f"db{tag}",
            "-q", *OPTIONS, *args]
    cmd = [BIN, "run", "--stats-json", stats_path, *same]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}"
    with open(stats_path) as f:
        stats = json.load(f)
    topics = {t: pysupport.read_topic(BROKERS, f"db{tag}.public.{t}", f"cla-{tag}-{t}") for t in TABLES}
    return {"prefix": f"db{tag}", "stats": stats, "topics": topics, "options": same}


def setup():
    RUNS["avro"] = run("a", "--changelog-format", "avro", "-r", REGISTRY)
    RUNS["json"] = run("j", "--changelog-format", "json", "--format", "json")


def avro_codec():
    """decode(topic, message) -> (key dict, value dict or None), through the registry."""
    from confluent_kafka.schema_registry import SchemaRegistryClient, topic_subject_name_strategy
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    # The subject from the topic, as readback_formats does: Apicurio has no
    # associations API for the deserializer's default strategy.
    client = SchemaRegistryClient({"url": REGISTRY, "timeout": 30})
    deser = AvroDeserializer(client, conf={"subject.name.strategy": topic_subject_name_strategy})

    def decode(topic, m):
        assert m.key()[0] == 0, f"{topic}: a key without the magic byte 0"
        key = deser(m.key(), SerializationContext(topic, MessageField.KEY))
        if m.value() is None:
            return key, None
        assert m.value()[0] == 0, f"{topic}: a value without the magic byte 0"
        return key, deser(m.value(), SerializationContext(topic, MessageField.VALUE))
    return decode


def as_millis(v):
    """An Avro-decoded value with its timestamps (datetimes) as epoch milliseconds, as the json form has them."""
    if v is None:
        return None
    v = dict(v)
    for side in ("before", "after"):
        if v[side] is not None:
            v[side] = {k: pysupport.millis(x) if k in TIMESTAMPS else x for k, x in v[side].items()}
    return v


def by_key(r, t, decode):
    """{key id: [(kafka timestamp, value or None)]}, each key's messages in their partition's order."""
    out = collections.defaultdict(list)
    topic = f"{r['prefix']}.public.{t}"
    for m in sorted(r["topics"][t], key=lambda m: (m.partition(), m.offset())):
        key, value = decode(topic, m)
        out[key["id"]].append((m.timestamp()[1], value, m.partition()))
    return out


def test_each_keys_avro_messages_decode_to_the_json_forms_in_order_tombstones_included():
    a, j = RUNS["avro"], RUNS["json"]
    codec = avro_codec()

    def plain(topic, m):
        return json.loads(m.key()), json.loads(m.value()) if m.value() is not None else None

    compared = tombstones = 0
    for t in TABLES:
        for r in (a, j):
            topic = f"{r['prefix']}.public.{t}"
            assert len(r["topics"][t]) == r["stats"]["topics"][topic]["delivered"], f"{topic}: count"
        x, y = by_key(a, t, codec), by_key(j, t, plain)
        assert x.keys() == y.keys(), f"{t}: keys only in avro {sorted(x.keys() - y.keys())[:5]}, " \
            f"only in json {sorted(y.keys() - x.keys())[:5]}"
        for k in x:
            assert len({p for *_, p in x[k]}) == 1, f"{t}#{k}: the key's messages span partitions"
            assert len(x[k]) == len(y[k]), f"{t}#{k}: {len(x[k])} avro messages, {len(y[k])} json"
            for n, ((ts_a, va, _), (ts_j, vj, _)) in enumerate(zip(x[k], y[k])):
                assert ts_a == ts_j, f"{t}#{k} message {n}: Kafka timestamp {ts_a}, json's {ts_j}"
                if vj is None:
                    assert va is None, f"{t}#{k} message {n}: json's is a tombstone, avro's {va}"
                    tombstones += 1
                    continue
                va = as_millis(va)
                assert va["source"].pop("name") == a["prefix"] and vj["source"].pop("name") == j["prefix"]
                assert va == vj, f"{t}#{k} message {n}:\n avro {va}\n json {vj}"
                compared += 1
    assert compared > 10000 and tombstones > 0, (compared, tombstones)


def registry_get(path):
    with urllib.request.urlopen(REGISTRY.rstrip("/") + path, timeout=10) as r:
        return json.loads(r.read())


def test_the_subjects_hold_debeziums_key_and_envelope_and_frame_every_message():
    r = RUNS["avro"]
    for t in TABLES:
        topic = f"{r['prefix']}.public.{t}"
        ns = topic
        key = registry_get(f"/subjects/{topic}-key/versions/latest")
        value = registry_get(f"/subjects/{topic}-value/versions/latest")
        ks, vs = json.loads(key["schema"]), json.loads(value["schema"])
        assert (ks["type"], ks["name"], ks.get("namespace")) == ("record", "Key", ns), ks
        assert [f["name"] for f in ks["fields"]] == ["id"] and ks["fields"][0]["type"] == "long", ks
        assert (vs["name"], vs.get("namespace")) == ("Envelope", ns), vs
        fields = {f["name"]: f["type"] for f in vs["fields"]}
        assert list(fields) == ["before", "after", "source", "op", "ts_ms", "transaction"], list(fields)
        assert fields["before"][0] == "null" and fields["before"][1]["name"] == "Value", fields["before"]
        assert fields["after"] == ["null", "Value"], fields["after"]
        assert (fields["source"]["name"], fields["source"]["namespace"]) == \
            ("Source", "io.debezium.connector.postgresql"), fields["source"]
        assert fields["ts_ms"] == ["null", "long"] and fields["transaction"][0] == "null"
        for m in r["topics"][t]:
            assert int.from_bytes(m.key()[1:5], "big") == key["id"], f"{topic}: a key framed with another id"
            if m.value() is not None:
                assert int.from_bytes(m.value()[1:5], "big") == value["id"], f"{topic}: a value with another id"


def test_verify_finds_the_avro_run_exact_keys_and_values_in_their_partitions():
    p = subprocess.run([BIN, "verify", *RUNS["avro"]["options"]], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0 and "verify: exact: 11 topics" in p.stderr, f"exit {p.returncode}: {p.stderr}"


if __name__ == "__main__":
    sys.exit(pysupport.run_tests(globals(), setup))
