#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""readback_formats.py - what registry-aware and JSON consumers see.

Publishes short scenarios to the real Kafka broker with --format
avro-confluent (registering with the real Apicurio registry) and --format
json, then reads every topic back with clients shopstream did not write:
confluent-kafka's Consumer (its own librdkafka) with its SchemaRegistryClient
and AvroDeserializer, which resolve each value's schema id through the
registry, and Python's json module. Proves: every value decodes, subjects are
<topic>-value, the invariants of docs/design.md#the-wire-contract hold, counts match the run's summary,
an evolved schema registers a new version with both runs readable, a schema
the registry refuses stops the run before anything is published, and
content_digest leaves the frame out (avro-confluent = plain avro).

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_SOURCE_DIR,
SHOPSTREAM_TEST_TMP, SHOPSTREAM_KAFKA_STATE, SHOPSTREAM_REGISTRY_STATE.
Prints 'N passed, M failed' and exits non-zero on any failure.
"""
import json
import os
import shutil
import subprocess
import sys
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)
from pysupport import TOPICS  # noqa: E402

BIN = os.environ["SHOPSTREAM_BIN"]
SRC = os.environ["SHOPSTREAM_SOURCE_DIR"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
START = "2026-11-01T00:00:00Z"  # a fixed day: the same bytes for every run here

BROKERS = pysupport.read_state("readback_formats", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
REGISTRY = pysupport.read_state("readback_formats", "SHOPSTREAM_REGISTRY_STATE", "url")


def shopstream(*args, expect=0):
    """Runs shopstream run ... and returns (stats dict or None, stderr)."""
    stats = os.path.join(TMP, f"rb-stats-{os.getpid()}-{len(args)}-{abs(hash(args))}.json")
    # the null sink takes no brokers (refused beside it)
    brokers = [] if "null" in args else ["-b", BROKERS]
    cmd = [BIN, "run", *brokers, "--start", START, "--duration", "2h", "--intensity", "20",
           "--customers", "300", "--products", "60", "-q", "--stats-json", stats, *args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != expect:
        raise AssertionError(f"{' '.join(cmd)} exited {p.returncode}, expected {expect}: {p.stderr}")
    if expect != 0:
        return None, p.stderr
    with open(stats) as f:
        return json.load(f), p.stderr


def read_topic(topic):
    """Every message of topic, all partitions, beginning to high watermark."""
    return pysupport.read_topic(BROKERS, topic, f"rb-{os.getpid()}", missing_ok=True)


def decode_all(prefix, decode):
    """{suffix: [(message, value dict)]} for every topic."""
    return {s: [(m, decode(prefix + s, m)) for m in read_topic(prefix + s)] for s in TOPICS}


def registry_get(path):
    with urllib.request.urlopen(REGISTRY.rstrip("/") + path, timeout=10) as r:
        return json.loads(r.read())


def registry_put(path, body):
    req = urllib.request.Request(REGISTRY.rstrip("/") + path, data=json.dumps(body).encode(), method="PUT",
                                 headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def test_avro_confluent_values_decode_through_the_registry_and_hold_the_invariants():
    prefix = f"sr.{os.getpid()}."
    stats, err = shopstream("--topic-prefix", prefix, "--schema-registry", REGISTRY, "-s", "flash_sale")
    stats["_prefix"] = prefix
    assert stats["failed"] == 0 and stats["delivered"] == stats["messages"]
    subjects = registry_get("/subjects")
    for s in TOPICS:
        assert f"{prefix}{s}-value" in subjects, f"subject {prefix}{s}-value not registered: {subjects}"
    pysupport.check_invariants(decode_all(prefix, pysupport.avro_decoder(REGISTRY)), [stats])
    plain, _ = shopstream("--topic-prefix", prefix, "--format", "avro", "--sink", "null", "-s", "flash_sale")
    assert plain["content_digest"] == stats["content_digest"], "content_digest must leave the 5-byte frame out"
    assert plain["order_digest"] == stats["order_digest"], "order_digest must leave the 5-byte frame out"


def test_json_values_parse_with_python_json_and_hold_the_invariants():
    prefix = f"js.{os.getpid()}."
    stats, _ = shopstream("--topic-prefix", prefix, "--format", "json", "-s", "black_friday")
    stats["_prefix"] = prefix
    pysupport.check_invariants(decode_all(prefix, lambda t, m: json.loads(m.value().decode("utf-8"))), [stats])


def evolved_schema_dir(tag, edit):
    d = os.path.join(TMP, f"schemas-{tag}-{os.getpid()}")
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(os.path.join(SRC, "schemas"), d)
    path = os.path.join(d, "orders.avsc")
    with open(path) as f:
        schema = json.load(f)
    edit(schema)
    with open(path, "w") as f:
        json.dump(schema, f)
    return d


def test_evolved_schema_registers_a_new_version_and_both_runs_stay_readable():
    prefix = f"ev.{os.getpid()}."
    first, _ = shopstream("--topic-prefix", prefix, "--schema-registry", REGISTRY)
    subject = f"{prefix}orders-value"
    registry_put(f"/config/{subject}", {"compatibility": "BACKWARD"})
    d = evolved_schema_dir("evolved", lambda s: s["fields"].append(
        {"name": "gift_note", "type": ["null", "string"], "default": None}))
    second, _ = shopstream("--topic-prefix", prefix, "--schema-registry", REGISTRY, "--schema-dir", d)
    versions = registry_get(f"/subjects/{subject}/versions")
    assert len(versions) == 2, f"{subject}: versions {versions}, expected 2"
    for st in (first, second):
        st["_prefix"] = prefix
    data = decode_all(prefix, pysupport.avro_decoder(REGISTRY))
    with_note = sum(1 for _, v in data["orders"] if "gift_note" in v)
    assert with_note == second["orders"], f"{with_note} orders decoded with the new field, expected {second['orders']}"
    pysupport.check_invariants(data, [first, second])


def test_schema_the_registry_refuses_stops_the_run_before_publishing():
    prefix = f"rf.{os.getpid()}."
    first, _ = shopstream("--topic-prefix", prefix, "--schema-registry", REGISTRY)
    registry_put(f"/config/{prefix}orders-value", {"compatibility": "BACKWARD"})

    # An optional field (shopstream would write null) but without a default:
    # readers of the new schema cannot read old data, so BACKWARD refuses it.
    d = evolved_schema_dir("refused", lambda s: s["fields"].append({"name": "must_have", "type": ["null", "string"]}))
    _, err = shopstream("--topic-prefix", prefix, "--schema-registry", REGISTRY, "--schema-dir", d, expect=2)
    assert "refused the schema" in err and "incompatible" in err.lower(), err
    for s in TOPICS:
        n = len(read_topic(prefix + s))
        assert n == first["topics"][prefix + s]["delivered"], f"{s}: {n} messages after a refused run"


def main():
    return pysupport.run_tests(globals())


if __name__ == "__main__":
    sys.exit(main())
