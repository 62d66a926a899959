#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""flink_files.py - `--sink files` read back by Apache Flink SQL's filesystem connector.

Writes readback_files.py's run (a payment outage over 30 h, 5% of fact
messages late by up to 10 minutes, 2% doubled) four times with --sink files:
as Parquet (zstd, the default, and snappy; row groups of 1 MB so that a file
holds several) and as Avro container files (deflate, the default, and
snappy). Then Flink SQL 2.2.1 (tests/flink's FlinkFiles, from Maven Central,
an embedded MiniCluster in batch mode at parallelism 2) declares orders over
each run's orders/ folder with the filesystem connector, its date= folders as
the partition column, and computes per tumbling 1 h window the distinct
orders and the revenue (total_cents of the paid ones). They must equal
`shopstream expect`'s orders and revenue_cents, window by window, exactly:

- Parquet through 'format' = 'parquet' (flink-parquet 2.2.0, Parquet-java
  1.15.2), every column of schemas/orders.avsc declared, event_time (INT64
  TIMESTAMP(MILLIS, UTC)) as TIMESTAMP_LTZ(3);
- Avro through Flink's avro file format (flink-avro 2.2.1, Avro 1.11.4) read
  with the files' own schema ('format' = 'avro-writer-schema',
  tests/flink's WriterSchemaAvroFormatFactory): 'format' = 'avro' asks for
  each enum column (channel, payment_method, status) as an Avro string, which
  Avro cannot resolve an enum to, so it cannot read status;
- Avro through 'format' = 'avro' itself with every column but the enums:
  the distinct orders per window (no revenue: that needs status).

For each, Flink reads as many rows as the run's --stats-json says shop.orders
got (duplicates and late copies included), each in its event time's UTC date
partition, none NULL in a NOT NULL column.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_SOURCE_DIR, SHOPSTREAM_FLINK_DIR (where Maven builds tests/flink).
Prints 'N passed, M failed'; non-zero on failure. Needs no broker.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)
import maven_build  # noqa: E402  (tests/integration/maven_build.py)

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
SOURCE = os.environ["SHOPSTREAM_SOURCE_DIR"]
FLINK_DIR = os.environ.get("SHOPSTREAM_FLINK_DIR", os.path.join(TMP, "flink"))
RUN = ["-s", "payment_outage", "--start", "2026-03-02T00:00:00Z", "--duration", "30h", "--intensity", "5",
       "--late-share", "0.05", "--duplicate-share", "0.02"]  # = readback_files.py's RUN
# (name, --file-format, --file-codec, FlinkFiles' format)
READS = [("parquet-zstd", "parquet", "auto", "parquet"), ("parquet-snappy", "parquet", "snappy", "parquet"),
         ("avro-deflate", "avro", "auto", "avro"), ("avro-snappy", "avro", "snappy", "avro"),
         ("avro-stock", "avro", "auto", "avro-stock")]
SUMMARY = re.compile(r"FlinkFiles: \S+: (\d+) rows, (\d+) outside their date partition, (\d+) NULL in a NOT NULL "
                     r"column, (\d+) windows in ([\d.]+) s")
STATE = {}


def write(fmt, codec):
    """The run written as fmt with codec: its folder, and shop.orders' delivered count from --stats-json."""
    out = tempfile.mkdtemp(prefix=f"flink-files-{fmt}-{codec}-", dir=TMP)
    stats = out + ".stats.json"
    cmd = [BIN, "run", *RUN, "--sink", "files", "--out", out, "--file-format", fmt, "--file-codec", codec, "-q",
           "--file-row-group-mb", "1", "--stats-json", stats]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}"
    with open(stats) as f:
        return out, json.load(f)["topics"]["shop.orders"]["delivered"]


def flink(java, out, fmt):
    """FlinkFiles over out's orders: {window_start_ms: [orders, revenue]} and its summary (rows, misplaced, nulls)."""
    p = subprocess.run(java + [out, fmt], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"FlinkFiles {out} {fmt} exited {p.returncode}:\n{p.stderr[-5000:]}"
    summary = SUMMARY.search(p.stderr)
    assert summary, f"FlinkFiles {out} {fmt}: no summary line in its stderr:\n{p.stderr[-3000:]}"
    windows = {}
    for line in p.stdout.splitlines():
        window, orders, revenue = line.split("\t")
        windows[int(window)] = [int(orders), None if revenue == "-" else int(revenue)]
    return windows, [int(x) for x in summary.groups()[:3]], float(summary.group(5))


def setup():
    t0 = time.time()
    cp = maven_build.maven_classpath(SOURCE, FLINK_DIR)
    print(f"  tests/flink built by Maven in {time.time() - t0:.1f} s", flush=True)
    java = ["java", "-cp", cp, "shopstream.FlinkFiles"]
    written = {}
    for name, fmt, codec, reader in READS:
        if (fmt, codec) not in written:
            written[fmt, codec] = write(fmt, codec)
        out, delivered = written[fmt, codec]
        t0 = time.time()
        windows, summary, seconds = flink(java, out, reader)
        STATE[name] = {"windows": windows, "summary": summary, "delivered": delivered}
        print(f"  {name}: Flink SQL read {summary[0]} orders rows into {len(windows)} windows in "
              f"{time.time() - t0:.1f} s (its job {seconds:.1f} s)", flush=True)
    p = subprocess.run([BIN, "expect", *RUN, "--window", "1h"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    STATE["expect"] = {w["window_start_ms"]: [w["orders"], w["revenue_cents"]]
                       for w in json.loads(p.stdout)["windows"] if w["orders"]}


def differences(got, want):
    return [(w, got.get(w), want.get(w)) for w in sorted(set(got) | set(want)) if got.get(w) != want.get(w)][:4]


def windows_equal_expect(name):
    want, got = STATE["expect"], STATE[name]["windows"]
    assert len(want) >= 30, f"only {len(want)} windows with orders"
    assert got == want, f"{name}: per-window [orders, revenue] (Flink, expect) differ: {differences(got, want)}"
    print(f"  {name}: {len(got)} windows, {sum(v[0] for v in got.values())} orders, "
          f"{sum(v[1] for v in got.values())} cents of revenue equal expect")


def test_parquet_zstd_orders_and_revenue_per_window_equal_expect():
    windows_equal_expect("parquet-zstd")


def test_parquet_snappy_orders_and_revenue_per_window_equal_expect():
    windows_equal_expect("parquet-snappy")


def test_avro_deflate_orders_and_revenue_per_window_equal_expect():
    windows_equal_expect("avro-deflate")


def test_avro_snappy_orders_and_revenue_per_window_equal_expect():
    windows_equal_expect("avro-snappy")


def test_avro_format_without_the_enum_columns_counts_the_orders_per_window_of_expect():
    got = {w: v[0] for w, v in STATE["avro-stock"]["windows"].items()}
    want = {w: v[0] for w, v in STATE["expect"].items()}
    assert got == want, f"'format' = 'avro': orders per window (Flink, expect) differ: {differences(got, want)}"
    print(f"  avro-stock: {len(got)} windows, {sum(got.values())} orders equal expect")


def test_every_row_is_read_in_its_date_partition_and_none_is_null():
    for name, *_ in READS:
        rows, misplaced, nulls = STATE[name]["summary"]
        delivered = STATE[name]["delivered"]
        assert rows == delivered, f"{name}: Flink read {rows} orders rows, the run published {delivered}"
        assert misplaced == 0, f"{name}: {misplaced} orders in another date's partition than their event time's"
        assert nulls == 0, f"{name}: {nulls} orders with NULL in a NOT NULL column"
    print(f"  every read: {rows} rows (the run's shop.orders, copies included), each in its date partition")


if __name__ == "__main__":
    sys.exit(pysupport.run_tests(globals(), setup=setup))
