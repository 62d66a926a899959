#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""readback_files.py - `--sink files` read back by readers we did not write.

Writes one run (a payment outage over 30 h: lives, product versions, 5% of
fact messages late by up to 10 minutes, 2% doubled) five times, as JSON
lines, as Avro container files (deflate), as Parquet (zstd, row groups of
1 MB so that files hold several), and as Parquet and Avro with snappy, then:

- DuckDB reads each table's JSON lines with read_json(hive_partitioning =
  true): as many rows as the run's --stats-json says the topic got, and every
  order's date partition is its event time's UTC date;
- fastavro reads each table's Avro files: the same counts, avro.codec
  deflate, and the same orders as the JSON lines;
- pyarrow reads every Parquet file: its schema (INT64, INT32, DOUBLE,
  BOOLEAN, STRING, TIMESTAMP(ms, UTC); nullable exactly where the Avro
  schema has a union with null), row counts, created_by, and each row
  group's statistics (min, max, null count) equal to its data, orders'
  currency and scenario through dictionary pages, products' names (500
  distinct) PLAIN; DuckDB reads
  the directory with read_parquet(hive_partitioning = true): the counts, and
  the same orders as the JSON lines;
- with --file-codec snappy, DuckDB reads the Parquet files (every column
  chunk SNAPPY) and fastavro the Avro files (codec snappy, each block ending
  in the CRC-32 of its data): the same counts, the same orders;
- per 1 h window, the distinct orders and the revenue (total_cents of paid
  orders) DuckDB computes from the JSON lines and from the Parquet files
  equal `shopstream expect`'s;
- a run killed (SIGKILL) while writing leaves under final names only whole
  files (pyarrow reads each), its unfinished ones under temporary names,
  and no _SUCCESS.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP. Prints
'N passed, M failed'; non-zero on failure. Needs no broker.
"""
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zlib

import cramjam
import duckdb
import fastavro
import pyarrow
import pyarrow.parquet as pq

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pysupport import TOPICS  # noqa: E402

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
RUN = ["-s", "payment_outage", "--start", "2026-03-02T00:00:00Z", "--duration", "30h", "--intensity", "5",
       "--late-share", "0.05", "--duplicate-share", "0.02"]
HOUR = 3600000
failed = passed = 0


def check(ok, what):
    global failed, passed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def write(fmt, codec="auto"):
    out = tempfile.mkdtemp(prefix=f"files-{fmt}-{codec}-", dir=TMP)
    stats = os.path.join(out + ".stats.json")
    subprocess.run([BIN, "run", *RUN, "--sink", "files", "--out", out, "--file-format", fmt, "--file-codec", codec,
                    "-q", "--file-row-group-mb", "1", "--stats-json", stats], check=True)
    with open(stats) as f:
        return out, json.load(f)


def closed_accounts():
    """The run's closed accounts (expect's tables): each a tombstone on shop.customers, which no file holds."""
    if "closed" not in CACHE:
        p = subprocess.run([BIN, "expect", *RUN], check=True, capture_output=True, text=True)
        CACHE["closed"] = json.loads(p.stdout)["tables"]["customers_closed"]
    return CACHE["closed"]


def delivered(stats, table):
    """The rows a table's files hold: the messages delivered, but for the tombstones."""
    n = stats["topics"]["shop." + table]["delivered"]
    return n - closed_accounts() if table == "customers" else n


CACHE = {}
ARROW = {"long": pyarrow.int64(), "int": pyarrow.int32(), "double": pyarrow.float64(), "boolean": pyarrow.bool_(),
         "string": pyarrow.string(), "enum": pyarrow.string(), "timestamp-millis": pyarrow.timestamp("ms", tz="UTC")}


def arrow_schema(table):
    """The schema pyarrow must read, from schemas/<table>.avsc."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", table + ".avsc")
    with open(src) as f:
        fields = json.load(f)["fields"]
    out = []
    for f in fields:
        t, nullable = f["type"], False
        if isinstance(t, list):
            nullable, t = True, t[1]
        if isinstance(t, dict):
            t = t.get("logicalType", t["type"])
        out.append(pyarrow.field(f["name"], ARROW[t], nullable=nullable))
    return pyarrow.schema(out)


def check_stats(path, md):
    """Each row group's statistics, column by column, equal its data."""
    f = pq.ParquetFile(path)
    for g in range(md.num_row_groups):
        data = f.read_row_group(g)
        for c in range(md.num_columns):
            col = md.row_group(g).column(c)
            values = [v for v in data.column(c).to_pylist() if v is not None]
            s = col.statistics
            ok = s is not None and s.null_count == data.num_rows - len(values)
            if values:
                ok = ok and s.has_min_max and s.min == min(values) and s.max == max(values)
            if not ok:
                check(False, f"{path}: row group {g}, {col.path_in_schema}: statistics {s} are not its data's")
                return


def check_dictionaries(db, pdir, jdir):
    """Low-cardinality strings (orders' currency and scenario) go through a dictionary page in every row group;
    products' names (500 distinct in the first day's first file, more than 255) stay PLAIN; the values read back
    through the dictionaries are the JSON lines' (orders' currency and scenario, campaigns' names)."""
    for table, column, want in (("orders", "currency", True), ("orders", "scenario", True),
                                ("products", "name", False)):
        files = sorted(glob.glob(os.path.join(pdir, table, "date=*", "*.parquet")))[:1 if not want else None]
        for p in files:
            md = pq.read_metadata(p)
            i = md.schema.names.index(column)
            got = {md.row_group(g).column(i).has_dictionary_page for g in range(md.num_row_groups)}
            check(got == {want}, f"{p}: {column}: dictionary pages {got}, expected {want}")
    for table, columns in (("orders", "order_id, currency, scenario"), ("campaigns", "campaign_id, name")):
        parquet = db.sql(f"select {columns} from read_parquet('{pdir}/{table}/*/*.parquet')").fetchall()
        lines = db.sql(f"select {columns} from read_json('{jdir}/{table}/*/*.jsonl')").fetchall()
        check(sorted(parquet) == sorted(lines), f"{table}: {columns} read through the dictionaries differ from "
              f"the JSON lines': {sorted(set(parquet) ^ set(lines))[:4]}")


def check_parquet(db, expected, jdir):
    pdir, pstats = write("parquet")
    for t in TOPICS:
        check(os.path.exists(os.path.join(pdir, t, "_SUCCESS")), f"{t}: no _SUCCESS")
        want, n = arrow_schema(t), 0
        for p in sorted(glob.glob(os.path.join(pdir, t, "date=*", "*.parquet"))):
            md = pq.read_metadata(p)
            got = pq.read_schema(p)
            check(got.equals(want), f"{p}: schema {got} is not {want}")
            check(md.created_by.startswith("shopstream version "), f"{p}: created_by {md.created_by}")
            n += md.num_rows
            check_stats(p, md)
        check(n == delivered(pstats, t), f"{t}: pyarrow reads {n} rows, the run published {delivered(pstats, t)}")
        rows = db.sql(f"select count(*) from read_parquet('{pdir}/{t}/*/*.parquet', hive_partitioning = true)").fetchone()[0]
        check(rows == n, f"{t}: DuckDB reads {rows} rows, pyarrow {n}")
    check_dictionaries(db, pdir, jdir)
    orders = f"read_parquet('{pdir}/orders/*/*.parquet', hive_partitioning = true)"
    got = {w: (n, rev) for w, n, rev in db.sql(
        f"select epoch_ms(event_time) // {HOUR} * {HOUR} as w, count(*), "
        f"coalesce(sum(total_cents) filter (status = 'paid'), 0) "
        f"from (select distinct order_id, event_time, total_cents, status from {orders}) group by w").fetchall()}
    check(got == expected, "Parquet: per-window orders and revenue differ from expect: " +
          str(sorted(set(got.items()) ^ set(expected.items()))[:4]))
    wrong = db.sql(f"select count(*) from {orders} where date <> cast(event_time at time zone 'UTC' as date)").fetchone()[0]
    check(wrong == 0, f"Parquet: {wrong} orders in another date's partition than their event time's")


def avro_long(f):
    """Avro's zigzag varint, read from f."""
    shift = value = 0
    while True:
        b = f.read(1)[0]
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return (value >> 1) ^ -(value & 1)


def snappy_blocks_hold_their_crc(path):
    """Each block of an Avro container file with codec snappy: its last 4 bytes are the big-endian CRC-32 of the
    block snappy holds (fastavro skips them; Java's SnappyCodec checks them). The number of blocks checked."""
    n = 0
    with open(path, "rb") as f:
        f.read(4)
        while (pairs := avro_long(f)) != 0:
            for _ in range(abs(pairs) * 2):
                f.read(avro_long(f))
        sync = f.read(16)
        while (head := f.peek(1)[:1]):
            avro_long(f)
            block = f.read(avro_long(f))
            raw = cramjam.snappy.decompress_raw(block[:-4])
            if zlib.crc32(bytes(raw)).to_bytes(4, "big") != block[-4:] or f.read(16) != sync:
                return -1
            n += 1
    return n


def check_snappy(db, json_orders):
    """--file-codec snappy: pyarrow, DuckDB and fastavro read the same orders as from the JSON lines."""
    pdir, pstats = write("parquet", "snappy")
    adir, astats = write("avro", "snappy")
    for t in TOPICS:
        codecs = set()
        for p in glob.glob(os.path.join(pdir, t, "date=*", "*.parquet")):
            md = pq.read_metadata(p)
            codecs |= {md.row_group(g).column(c).compression for g in range(md.num_row_groups)
                       for c in range(md.num_columns)}
        rows = db.sql(f"select count(*) from read_parquet('{pdir}/{t}/*/*.parquet')").fetchone()[0]
        check(rows == delivered(pstats, t), f"{t}: DuckDB reads {rows} snappy Parquet rows, "
              f"the run published {delivered(pstats, t)}")
        check(codecs == {"SNAPPY"}, f"{t}: Parquet codecs {codecs}")
        n, blocks, codecs = 0, 0, set()
        for p in glob.glob(os.path.join(adir, t, "date=*", "*.avro")):
            with open(p, "rb") as f:
                r = fastavro.reader(f)
                codecs.add(r.codec)
                n += sum(1 for _ in r)
            k = snappy_blocks_hold_their_crc(p)
            check(k > 0, f"{p}: a snappy block without the CRC-32 of its data")
            blocks += max(k, 0)
        check(n == delivered(astats, t), f"{t}: fastavro reads {n} snappy records, the run published "
              f"{delivered(astats, t)}")
        check(codecs == {"snappy"}, f"{t}: Avro codecs {codecs}")
    parquet = set(db.sql(f"select order_id, total_cents, status from "
                         f"read_parquet('{pdir}/orders/*/*.parquet')").fetchall())
    check(parquet == json_orders, "the snappy Parquet files hold other orders than the JSON lines")
    avro = set()
    for p in glob.glob(os.path.join(adir, "orders", "date=*", "*.avro")):
        with open(p, "rb") as f:
            avro |= {(r["order_id"], r["total_cents"], r["status"]) for r in fastavro.reader(f)}
    check(avro == json_orders, "the snappy Avro files hold other orders than the JSON lines")


def check_killed():
    out = tempfile.mkdtemp(prefix="files-killed-", dir=TMP)
    p = subprocess.Popen([BIN, "run", "-s", "payment_outage", "--start", "2026-03-02T00:00:00Z", "--duration", "60d",
                          "--intensity", "20", "--sink", "files", "--out", out, "--file-roll-mb", "1", "-q"],
                         stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and len(glob.glob(os.path.join(out, "*", "date=*", "part-*.parquet"))) < 3:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    whole = glob.glob(os.path.join(out, "*", "date=*", "part-*.parquet"))
    partial = glob.glob(os.path.join(out, "*", "date=*", ".part-*.parquet.tmp"))
    check(len(whole) >= 3 and partial, f"killed too early or too late: {len(whole)} files, {len(partial)} unfinished")
    check(not glob.glob(os.path.join(out, "*", "_SUCCESS")), "a killed run wrote _SUCCESS")
    for f in whole:
        try:
            pq.read_table(f)
        except Exception as e:  # noqa: BLE001 (any reader error is the failure)
            check(False, f"{f}: a half file under its final name: {e}")


def main():
    jdir, jstats = write("jsonl")
    adir, astats = write("avro")
    check(jstats["content_digest"] != astats["content_digest"], "the two formats hold other bytes")
    db = duckdb.connect()
    for t in TOPICS:
        check(os.path.exists(os.path.join(jdir, t, "_SUCCESS")), f"{t}: no _SUCCESS")
        files = glob.glob(os.path.join(jdir, t, "date=*", "*.jsonl"))
        rows = db.sql(f"select count(*) from read_json('{jdir}/{t}/*/*.jsonl', hive_partitioning = true)").fetchone()[0] if files else 0
        check(rows == delivered(jstats, t), f"{t}: DuckDB reads {rows} rows, the run published {delivered(jstats, t)}")
        n, codecs = 0, set()
        for p in glob.glob(os.path.join(adir, t, "date=*", "*.avro")):
            with open(p, "rb") as f:
                r = fastavro.reader(f)
                codecs.add(r.codec)
                n += sum(1 for _ in r)
        check(n == delivered(astats, t), f"{t}: fastavro reads {n} records, the run published {delivered(astats, t)}")
        check(codecs <= {"deflate"}, f"{t}: codecs {codecs}")
    orders = f"read_json('{jdir}/orders/*/*.jsonl', hive_partitioning = true)"
    wrong = db.sql(f"select count(*) from {orders} where date <> cast(make_timestamp(event_time * 1000) as date)").fetchone()[0]
    check(wrong == 0, f"{wrong} orders in another date's partition than their event time's")
    avro_orders = set()
    for p in glob.glob(os.path.join(adir, "orders", "date=*", "*.avro")):
        with open(p, "rb") as f:
            avro_orders |= {(r["order_id"], r["total_cents"], r["status"]) for r in fastavro.reader(f)}
    json_orders = set(db.sql(f"select order_id, total_cents, status from {orders}").fetchall())
    check(avro_orders == json_orders, "the Avro files hold other orders than the JSON lines")
    # per window: distinct orders and revenue, from the files and from expect
    got = {w: (n, rev) for w, n, rev in db.sql(
        f"select event_time // {HOUR} * {HOUR} as w, count(*), coalesce(sum(total_cents) filter (status = 'paid'), 0) "
        f"from (select distinct order_id, event_time, total_cents, status from {orders}) group by w").fetchall()}
    want = json.loads(subprocess.run([BIN, "expect", *RUN, "--window", "1h"], check=True, capture_output=True,
                                     text=True).stdout)
    expected = {w["window_start_ms"]: (w["orders"], w["revenue_cents"]) for w in want["windows"] if w["orders"]}
    check(len(expected) >= 30, f"only {len(expected)} windows with orders")
    check(got == expected, "per-window orders and revenue differ from expect: " +
          str(sorted(set(got.items()) ^ set(expected.items()))[:4]))
    check_parquet(db, expected, jdir)
    check_snappy(db, json_orders)
    check_killed()
    print(f"readback_files: {len(expected)} windows equal, {sum(n for n, _ in got.values())} orders; "
          f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
