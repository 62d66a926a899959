#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""flink_expect.py - a real stream processor computes what `shopstream expect` says.

Publishes a 4-day payment outage run (lifecycles and product changes on, the
defaults) to the real Kafka broker as JSON, and again as raw protobuf
(--format protobuf), then runs Apache Flink SQL 2.2.1 (tests/flink, from
Maven Central, an embedded MiniCluster at parallelism 2, event-time
watermarks on every topic) over each: the JSON through its json format, the
protobuf through its protobuf format with the Java classes protoc
(Maven Central's, the version of the pom's protobuf-java) makes of
schemas/*.proto. Its four queries must equal
`shopstream expect` with the same options, exactly, for both:

- orders, revenue of paid orders and discounts per tumbling 1 h window;
- the window join of orders and order_items: items and units per window and
  channel;
- order_items joined FOR SYSTEM_TIME AS OF their event time with the
  versioned view of shop.products: items per window and category, none
  priced otherwise than by the version valid then, none out of stock;
- shipments delivered per window.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_KAFKA_STATE, SHOPSTREAM_SOURCE_DIR, SHOPSTREAM_FLINK_DIR (where
Maven builds tests/flink). Prints 'N passed, M failed'; non-zero on failure.
"""
import collections
import json
import os
import platform
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
BROKERS = pysupport.read_state("flink_expect", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
OPTIONS = ["--start", "2026-11-01T00:00:00Z", "--duration", "4d", "--intensity", "1", "-s", "payment_outage",
           "--customers", "1500", "--products", "120"]
STATE = {}
PROTOC = "4.35.1"  # = protobuf-java in tests/flink/pom.xml


def build_flink_job():
    """tests/flink built by Maven into FLINK_DIR (maven_build.py, shared with
    flink_changelog.py); the java command line to run it."""
    t0 = time.time()
    cp = maven_build.maven_classpath(SOURCE, FLINK_DIR)
    mvn = ["mvn", "-q", "-B", "-f", os.path.join(SOURCE, "tests", "flink", "pom.xml"), f"-Dflink.check.dir={FLINK_DIR}"]
    # The protobuf classes of schemas/*.proto, for Flink's protobuf format:
    # protoc from Maven Central (grpcio-tools' has no Java generator), the
    # version of the protobuf-java that tests/flink/pom.xml names.
    java_dir, classes = os.path.join(FLINK_DIR, "proto-java"), os.path.join(FLINK_DIR, "proto-classes")
    for d in (java_dir, classes):
        os.makedirs(d, exist_ok=True)
    arch = {"x86_64": "x86_64", "aarch64": "aarch_64"}[platform.machine()]
    p = subprocess.run(mvn + ["dependency:copy", f"-Dartifact=com.google.protobuf:protoc:{PROTOC}:exe:linux-{arch}",
                              f"-DoutputDirectory={FLINK_DIR}"], capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, f"protoc {PROTOC} from Maven Central: exit {p.returncode}\n{p.stdout[-3000:]}"
    protoc = os.path.join(FLINK_DIR, f"protoc-{PROTOC}-linux-{arch}.exe")
    os.chmod(protoc, 0o755)
    schemas = os.path.join(SOURCE, "schemas")
    protos = sorted(os.path.join(schemas, f) for f in os.listdir(schemas) if f.endswith(".proto"))
    p = subprocess.run([protoc, f"-I{schemas}", f"--java_out={java_dir}", *protos], capture_output=True, text=True)
    assert p.returncode == 0, f"protoc --java_out exited {p.returncode}: {p.stderr}"
    sources = [os.path.join(r, f) for r, _, fs in os.walk(java_dir) for f in fs if f.endswith(".java")]
    p = subprocess.run(["javac", "-nowarn", "-d", classes, "-cp", cp, *sources], capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, f"javac of the protobuf classes exited {p.returncode}:\n{p.stderr[-3000:]}"
    print(f"  tests/flink built by Maven, the protobuf classes by protoc and javac, in {time.time() - t0:.1f} s",
          flush=True)
    return ["java", "-cp", classes + ":" + cp, "shopstream.FlinkCheck"]


def flink_rows(java, fmt):
    """The run published as fmt, and Flink's rows of it: {query: {(window, key): values}}."""
    prefix = f"flink.{fmt}.{os.getpid()}."
    cmd = [BIN, "run", "-b", BROKERS, "--format", fmt, "--topic-prefix", prefix, "-q", *OPTIONS]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}"
    t0 = time.time()
    p = subprocess.run(java + [BROKERS, prefix, fmt], capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, f"Flink exited {p.returncode}:\n{p.stderr[-5000:]}"
    for line in p.stderr.splitlines():
        if line.startswith("FlinkCheck:"):
            print(f"  {fmt}: " + line, flush=True)
    print(f"  Flink SQL answered over {fmt} in {time.time() - t0:.1f} s", flush=True)
    rows = collections.defaultdict(dict)
    for line in p.stdout.splitlines():
        query, window, key, *values = line.split("\t")
        rows[query][int(window), key] = [int(v) if v.lstrip("-").isdigit() else v for v in values]
    return rows


FORMATS = ("json", "protobuf")


def setup():
    java = build_flink_job()
    STATE["flink"] = {fmt: flink_rows(java, fmt) for fmt in FORMATS}
    p = subprocess.run([BIN, "expect", *OPTIONS, "--window", "1h"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    STATE["expect"] = {w["window_start_ms"]: w for w in json.loads(p.stdout)["windows"]}


def nonzero(d):
    return {k: v for k, v in d.items() if any(x != 0 for x in v)}


def test_orders_revenue_and_discounts_per_window_equal_expect():
    want = nonzero({(ws, "-"): [w["orders"], w["revenue_cents"], w["discount_cents"]]
                    for ws, w in STATE["expect"].items()})
    for fmt in FORMATS:
        flink = STATE["flink"][fmt]["orders"]
        assert flink == want, f"{fmt}: Flink {sorted(flink.items())[:3]}..., expect {sorted(want.items())[:3]}..."
        print(f"  {fmt}: orders: {len(flink)} windows, {sum(v[0] for v in flink.values())} orders equal")


def test_the_window_join_of_orders_and_items_per_channel_equals_expect():
    want = nonzero({(ws, c): [w["items_by_channel"][c], w["units_by_channel"][c]]
                    for ws, w in STATE["expect"].items() for c in w["items_by_channel"]})
    for fmt in FORMATS:
        flink = STATE["flink"][fmt]["channel"]
        assert flink == want, f"{fmt}: {len(flink)} Flink rows, {len(want)} expected: " \
            f"{[(k, flink.get(k), want.get(k)) for k in sorted(set(flink) | set(want)) if flink.get(k) != want.get(k)][:5]}"
        print(f"  {fmt}: channel: {len(flink)} (window, channel) rows equal")


def test_the_temporal_join_prices_every_item_by_its_version_and_counts_per_category_equal_expect():
    want = {(ws, c): n for ws, w in STATE["expect"].items() for c, n in w["items_by_category"].items() if n}
    for fmt in FORMATS:
        flink = STATE["flink"][fmt]["temporal"]
        mispriced = sum(v[1] for v in flink.values())
        assert mispriced == 0, f"{fmt}: {mispriced} items not priced by the version valid at their time"
        got = {k: v[0] for k, v in flink.items()}
        assert got == want, [(fmt, k, got.get(k), want.get(k)) for k in sorted(set(got) | set(want))
                             if got.get(k) != want.get(k)][:5]
        print(f"  {fmt}: temporal: {sum(got.values())} items joined with their product version, none mispriced")


def test_deliveries_per_window_equal_expect():
    want = {(ws, "-"): w["shipments"]["delivered"] for ws, w in STATE["expect"].items() if w["shipments"]["delivered"]}
    assert sum(want.values()) > 100, f"only {sum(want.values())} deliveries in 4 days"
    for fmt in FORMATS:
        flink = {k: v[0] for k, v in STATE["flink"][fmt]["delivered"].items()}
        assert flink == want, [(fmt, k, flink.get(k), want.get(k)) for k in sorted(set(flink) | set(want))
                               if flink.get(k) != want.get(k)][:5]
        print(f"  {fmt}: delivered: {sum(flink.values())} deliveries in {len(flink)} windows equal")


if __name__ == "__main__":
    sys.exit(pysupport.run_tests(globals(), setup=setup))
