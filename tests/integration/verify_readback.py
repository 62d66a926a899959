#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""verify_readback.py - `shopstream verify` against topics on the real broker.

- a run with late and duplicate messages verifies exact (exit 0, one
  summary line, the JSON's counts equal the run's --stats-json), and so does
  the same run published in Avro with the Apicurio registry's framing;
- a run published by 3 shard processes verifies exact as one run;
- a run published as three slices one after another ([0, 3h), [3h, 5h),
  [5h, 8h), each beginning with the dimensions as they stand at its start)
  verifies exact with --cuts 3h,5h; without --cuts the later slices'
  dimensions are extra copies, exit 1; --cuts out of order or outside the
  run is a usage error naming the flag, exit 2;
- topics tampered with by another producer (confluent-kafka): an exact copy
  of an order is reported as an extra copy, an order with other bytes under
  an existing key as unexpected, exit 1; verified as a run of another
  seed, every order is missing, and the ids both runs have differ in bytes;
- a copy of the run in which one order sits in another partition reports it
  misplaced (and missing from its own), and a copy in which two orders of a
  partition swapped places reports that partition out of order, nothing
  missing or unexpected;
- a copy of the run written in transactions (as an exactly-once Flink,
  Kafka Streams or MirrorMaker job writes one: every partition ends in a
  commit marker), with an aborted transaction of extra copies in the middle
  of the orders, verifies exact: read as a read_committed consumer reads
  it, to each partition's last stable offset, the aborted records unseen;
- verify's JSON report to a full stdout (/dev/full): the verdict, then
  "shopstream: stdout: No space left on device", exit 1;
- verifying a longer run than was published reports the missing orders by
  id, exit 1; a topic that does not exist is a usage error, exit 2;
- a run still in progress (paced, 30 simulated minutes a second) verifies
  exact --until a time it has passed, while it runs, and not --until its end;
  --until 0s (nothing due yet) verifies a finished run exact;
- a topic of more than 1024 partitions (1030; --partitions goes to 10000)
  is read back;
- the run's producer -X are taken (and librdkafka's warning that a consumer
  ignores them is not printed); a -X librdkafka refuses is a usage error,
  exit 2, in one line;
- a run verified with --start auto another day differs, and the summary
  line says which start auto rebuilt.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP,
SHOPSTREAM_KAFKA_STATE, SHOPSTREAM_REGISTRY_STATE. Prints 'N passed, M
failed'; non-zero on failure.
"""
import json
import os
import subprocess
import time
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
BROKERS = pysupport.read_state("verify_readback", "SHOPSTREAM_KAFKA_STATE", "bootstrap")
REGISTRY = pysupport.read_state("verify_readback", "SHOPSTREAM_REGISTRY_STATE", "url")
RUN = ["--start", "2026-11-01T00:00:00Z", "--duration", "8h", "--intensity", "4", "--customers", "1000",
       "--products", "80", "--late-share", "0.02", "--duplicate-share", "0.01"]


def shopstream(*args, timeout=300):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def publish(name, *extra):
    prefix = f"verify.{name}.{os.getpid()}."
    stats = os.path.join(TMP, f"verify-{name}-{os.getpid()}.json")
    p = shopstream("run", "-b", BROKERS, "--topic-prefix", prefix, "-q", "--stats-json", stats, *RUN, *extra)
    assert p.returncode == 0, p.stderr
    with open(stats) as f:
        return prefix, json.load(f)


def verify(prefix, *extra, timeout=300):
    p = shopstream("verify", "-b", BROKERS, "--topic-prefix", prefix, "-q", *RUN, *extra, timeout=timeout)
    lines = p.stderr.strip().split("\n")
    return p.returncode, lines, json.loads(p.stdout) if p.stdout.strip() else None


def test_a_run_with_late_and_duplicate_messages_verifies_exact():
    prefix, stats = publish("plain")
    code, lines, report = verify(prefix)
    assert code == 0, lines
    assert len(lines) == 1 and lines[0].startswith("shopstream: verify: exact: 7 topics hold the run's "), lines
    assert report["exact"] is True
    for t, r in report["topics"].items():
        assert r["expected"] == r["found"] == stats["topics"][t]["delivered"], (t, r, stats["topics"][t])
    print(f"  {lines[0]}")


def test_an_avro_run_framed_for_the_registry_verifies_exact():
    prefix, _ = publish("confluent", "--format", "avro-confluent", "-r", REGISTRY)
    code, lines, report = verify(prefix, "--format", "avro-confluent", "-r", REGISTRY)
    assert code == 0 and report["exact"], lines


def test_three_shards_verify_exact_as_one_run():
    prefix = f"verify.shards.{os.getpid()}."
    for i in range(3):
        p = shopstream("run", "-b", BROKERS, "--topic-prefix", prefix, "-q", "--shard", f"{i}/3", *RUN)
        assert p.returncode == 0, p.stderr
    code, lines, report = verify(prefix)
    assert code == 0 and report["exact"], lines


def test_a_run_published_as_slices_verifies_exact_with_its_cuts():
    prefix = f"verify.slices.{os.getpid()}."
    for frm, to in (("0s", "3h"), ("3h", "5h"), ("5h", "8h")):
        p = shopstream("run", "-b", BROKERS, "--topic-prefix", prefix, "-q", *RUN, "--from", frm, "--to", to)
        assert p.returncode == 0, p.stderr
    code, lines, report = verify(prefix, "--cuts", "3h,5h")
    assert code == 0 and report["exact"], lines
    assert lines[0].endswith(", published slice after slice"), lines
    code, lines, report = verify(prefix)
    customers = report["topics"][prefix + "customers"]
    assert code == 1 and customers["extra_copies"] > 0 and customers["missing"] == 0, (lines, customers)
    assert report["topics"][prefix + "orders"]["extra_copies"] == 0, report["topics"][prefix + "orders"]
    code, lines, _ = verify(prefix, "--cuts", "5h,3h")
    assert code == 2 and lines == ["shopstream: --cuts: expected times in ascending order, got '3h'"], lines
    code, lines, _ = verify(prefix, "--cuts", "3h,,5h")
    assert code == 2 and lines == ["shopstream: --cuts: expected times separated by single commas, got '3h,,5h'"], lines
    code, lines, _ = verify(prefix, "--cuts", "9h")
    assert code == 2 and lines == ["shopstream: --cuts: expected a time inside the slice verified (after its "
                                   "start, before its end), got '9h'"], lines


def test_an_extra_copy_and_other_bytes_under_a_key_are_found_and_fail():
    from confluent_kafka import Producer
    prefix, _ = publish("tampered")
    orders = pysupport.read_topic(BROKERS, prefix + "orders", f"verify-{os.getpid()}")
    first, second = orders[0], orders[1]
    prod = Producer({"bootstrap.servers": BROKERS, "partitioner": "murmur2_random"})
    prod.produce(prefix + "orders", key=first.key(), value=first.value(), timestamp=first.timestamp()[1],
                 partition=first.partition())
    changed = bytearray(second.value())
    changed[-1] ^= 0x01
    prod.produce(prefix + "orders", key=second.key(), value=bytes(changed), timestamp=second.timestamp()[1],
                 partition=second.partition())
    assert prod.flush(10) == 0
    code, lines, report = verify(prefix)
    r = report["topics"][prefix + "orders"]
    assert code == 1 and not report["exact"], lines
    assert r["extra_copies"] == 1 and r["unexpected"] == 1 and r["differing"] == 0 and r["missing"] == 0, r
    assert r["unexpected_ids"] == [int.from_bytes(second.key(), "big")], r
    assert "orders: 0 missing, 1 unexpected, 1 extra copies" in lines[-1], lines
    print(f"  {lines[-1][:160]}...")
    code, lines, report = verify(prefix, "--seed", "43")
    r = report["topics"][prefix + "orders"]
    assert code == 1 and r["missing"] == r["expected"] > 1000 and r["differing"] > 0.9 * r["expected"], r


def copy_run(src, dst, change_orders):
    """Every topic of the run at prefix src copied to prefix dst (same
    partitions, keys, values and timestamps, by confluent-kafka), the orders
    topic's messages passed through change_orders([(partition, message)])."""
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": BROKERS})
    for f in admin.create_topics([NewTopic(dst + t, 6, 1) for t in pysupport.TOPICS]).values():
        f.result(30)
    prod = Producer({"bootstrap.servers": BROKERS, "enable.idempotence": True})
    for t in pysupport.TOPICS:
        msgs = sorted(pysupport.read_topic(BROKERS, src + t, f"verify-{os.getpid()}"),
                      key=lambda m: (m.partition(), m.offset()))
        placed = [(m.partition(), m) for m in msgs]
        if t == "orders":
            placed = change_orders(placed)
        for p, m in placed:
            prod.produce(dst + t, key=m.key(), value=m.value(), timestamp=m.timestamp()[1], partition=p)
            prod.poll(0)
    assert prod.flush(30) == 0


def test_a_record_in_another_partition_is_misplaced_and_a_swapped_pair_out_of_order():
    src, _ = publish("original")

    def move_first_to_next_partition(placed):
        p, m = placed[0]
        return [((p + 1) % 6, m)] + placed[1:]

    def swap_first_two(placed):
        return [placed[1], placed[0]] + placed[2:]

    moved = f"verify.moved.{os.getpid()}."
    copy_run(src, moved, move_first_to_next_partition)
    code, lines, report = verify(moved)
    r = report["topics"][moved + "orders"]
    assert code == 1 and r["misplaced"] == 1 and r["missing"] == 1 and r["unexpected"] == 1, r
    assert "orders: 1 missing, 1 unexpected, 0 extra copies, 0 out of order, 1 misplaced" in lines[-1], lines
    swapped = f"verify.swapped.{os.getpid()}."
    copy_run(src, swapped, swap_first_two)
    code, lines, report = verify(swapped)
    r = report["topics"][swapped + "orders"]
    assert code == 1 and r["partitions_out_of_order"] == 1 and r["missing"] == r["unexpected"] == 0, r
    assert r["misplaced"] == 0 and r["found"] == r["expected"], r
    assert "orders: 0 missing, 0 unexpected, 0 extra copies, 1 out of order, 0 misplaced" in lines[-1], lines
    print(f"  {lines[-1][:170]}...")


def copy_in_transactions(src, dst, aborted_orders):
    """Every topic of the run at prefix src copied to prefix dst by a
    transactional producer (confluent-kafka), one committed transaction per
    topic; the orders in two, with a transaction between them that writes
    copies of the first aborted_orders orders and is aborted."""
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": BROKERS})
    for f in admin.create_topics([NewTopic(dst + t, 6, 1) for t in pysupport.TOPICS]).values():
        f.result(30)
    prod = Producer({"bootstrap.servers": BROKERS, "transactional.id": f"verify-copy-{os.getpid()}"})
    prod.init_transactions(30)

    def transaction(msgs, commit=True):
        prod.begin_transaction()
        for m in msgs:
            prod.produce(dst + m.topic()[len(src):], key=m.key(), value=m.value(), timestamp=m.timestamp()[1],
                         partition=m.partition())
            prod.poll(0)
        assert prod.flush(30) == 0  # in the log before the end: an abort purges what is still queued
        if commit:
            prod.commit_transaction(30)
        else:
            prod.abort_transaction(30)

    for t in pysupport.TOPICS:
        msgs = sorted(pysupport.read_topic(BROKERS, src + t, f"verify-{os.getpid()}"),
                      key=lambda m: (m.partition(), m.offset()))
        if t != "orders":
            transaction(msgs)
            continue
        half = len(msgs) // 2
        transaction(msgs[:half])
        transaction(msgs[:aborted_orders], commit=False)
        transaction(msgs[half:])
    committed_everywhere(dst)


def committed_everywhere(dst, timeout=60):
    """Waits until every partition of the copy is stable: a commit returns once the coordinator has
    decided, and its markers reach the partitions after, so a read_committed reader (verify) may
    briefly stop short of the last transaction (a flaky test without this wait)."""
    from confluent_kafka import Consumer, TopicPartition
    seen = Consumer({"bootstrap.servers": BROKERS, "group.id": f"lso-{os.getpid()}", "isolation.level": "read_committed"})
    raw = Consumer({"bootstrap.servers": BROKERS, "group.id": f"hw-{os.getpid()}", "isolation.level": "read_uncommitted"})
    try:
        until = time.time() + timeout
        for t in pysupport.TOPICS:
            for p in range(6):
                tp = TopicPartition(dst + t, p)
                while seen.get_watermark_offsets(tp, timeout=10)[1] < raw.get_watermark_offsets(tp, timeout=10)[1]:
                    assert time.time() < until, f"{dst}{t}[{p}]: not stable after {timeout} s"
                    time.sleep(0.2)
    finally:
        seen.close()
        raw.close()


def test_a_copy_written_in_transactions_verifies_exact_its_aborted_records_unseen():
    src, stats = publish("txsource")
    dst = f"verify.transactional.{os.getpid()}."
    copy_in_transactions(src, dst, aborted_orders=5)
    code, lines, report = verify(dst, timeout=120)
    assert code == 0, lines
    assert lines[-1].startswith("shopstream: verify: exact: 7 topics hold the run's "), lines
    for t in pysupport.TOPICS:
        r = report["topics"][dst + t]
        assert r["expected"] == r["found"] == stats["topics"][src + t]["delivered"], (t, r)
    print(f"  {lines[-1]}")


def test_a_report_that_cannot_be_written_fails_after_the_verdict():
    prefix, _ = publish("fullstdout")
    with open("/dev/full", "w") as full:
        p = subprocess.run([BIN, "verify", "-b", BROKERS, "--topic-prefix", prefix, "-q", *RUN], stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=300)
    lines = p.stderr.strip().split("\n")
    assert p.returncode == 1, lines
    assert len(lines) == 2 and lines[0].startswith("shopstream: verify: exact: "), lines
    assert lines[1] == "shopstream: stdout: No space left on device", lines


def test_a_longer_run_than_was_published_reports_the_missing_orders_by_id():
    prefix, stats = publish("short", "--duration", "6h")
    code, lines, report = verify(prefix)  # the 8 h run
    r = report["topics"][prefix + "orders"]
    assert code == 1 and r["missing"] > 0 and r["unexpected"] == 0, r
    assert min(r["missing_ids"]) > stats["orders"] - 10, (r["missing_ids"], stats["orders"])


def test_a_topic_that_does_not_exist_is_a_usage_error():
    code, lines, _ = verify(f"verify.nothing.{os.getpid()}.")
    assert code == 2 and len(lines) == 1 and "customers" in lines[0], lines


def test_a_run_in_progress_verifies_up_to_a_time_it_has_passed():
    import time
    prefix = f"verify.live.{os.getpid()}."
    live = ["--start", "2026-11-01T00:00:00Z", "--duration", "8h", "--intensity", "4", "--customers", "1000",
            "--products", "80", "--topic-prefix", prefix]
    run = subprocess.Popen([BIN, "run", "-b", BROKERS, "-q", "--speed", "1800", *live], stderr=subprocess.PIPE,
                           text=True)
    try:
        code, tries = None, 0
        while code != 0 and tries < 40 and run.poll() is None:
            time.sleep(0.5)
            tries += 1
            p = shopstream("verify", "-b", BROKERS, "-q", "--until", "1h", *live)
            code = p.returncode
        assert code == 0, f"never exact up to 1h: {p.stderr}"
        assert run.poll() is None, "the run ended before verify said exact: not in progress"
        assert "verify: exact up to --until 1h" in p.stderr, p.stderr
        p = shopstream("verify", "-b", BROKERS, "-q", "--until", "8h", *live)
        assert p.returncode == 1 and p.stdout, f"exit {p.returncode}: {p.stderr}"
        report = json.loads(p.stdout)
        assert report["topics"][prefix + "orders"]["missing"] > 0, p.stderr
        print(f"  {p.stderr.strip()[:140]}...")
    finally:
        run.terminate()
        run.wait(timeout=30)


def test_until_must_be_a_time_or_a_duration():
    p = shopstream("verify", "-b", BROKERS, "--until", "soon")
    assert p.returncode == 2 and p.stderr == ("shopstream: --until: expected a time such as 2026-11-01T06:00:00Z or "
                                              "a duration after --start such as 6h, got 'soon'\n"), p.stderr


def test_until_zero_asks_for_nothing_yet_and_a_finished_run_is_exact_up_to_it():
    prefix, _ = publish("zero")
    for until in ("0s", "0m", " 0h "):
        code, lines, report = verify(prefix, "--until", until)
        assert code == 0 and report["exact"], (until, lines)
        assert len(lines) == 1 and lines[0].startswith(f"shopstream: verify: exact up to --until {until}: "), lines


def test_a_topic_of_more_than_1024_partitions_is_read_back():
    """1030 partitions (--partitions goes to 10000) for the first topic
    verify reads, customers, created and made ready here: verify reads it
    and goes on to the next, which does not exist. (Seven topics of 1030
    partitions are more than a test broker on a shared machine readies in
    time for the run's first delivery.)"""
    from confluent_kafka import Consumer, KafkaException, TopicPartition
    from confluent_kafka.admin import AdminClient, NewTopic
    import time
    prefix = f"verify.wide.{os.getpid()}."
    admin = AdminClient({"bootstrap.servers": BROKERS})
    for f in admin.create_topics([NewTopic(prefix + "customers", 1030, 1)]).values():
        f.result(60)
    reader = Consumer({"bootstrap.servers": BROKERS, "group.id": f"verify-wide-{os.getpid()}"})
    deadline = time.time() + 240
    for p in range(1030):  # every partition led and answering
        while True:
            try:
                reader.get_watermark_offsets(TopicPartition(prefix + "customers", p), timeout=10)
                break
            except KafkaException:
                assert time.time() < deadline, f"partition {p} of the 1030 never got ready"
                time.sleep(0.5)
    reader.close()
    p = shopstream("verify", "-b", BROKERS, "-q", "--topic-prefix", prefix, "--partitions", "1030", *RUN)
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith(f"shopstream: topic {prefix}products: "), p.stderr
    assert p.stderr.count("\n") == 1, p.stderr


def test_the_runs_producer_properties_are_taken_and_one_librdkafka_refuses_is_a_usage_error():
    props = ["-X", "linger.ms=20", "-X", "acks=all", "-X", "enable.idempotence=true"]
    prefix, _ = publish("props", *props)
    code, lines, report = verify(prefix, *props)
    assert code == 0 and report["exact"] and len(lines) == 1, lines
    p = shopstream("verify", "-b", BROKERS, "--topic-prefix", prefix, *RUN, "-X", "security.protocol=bogus")
    assert p.returncode == 2 and p.stdout == "", (p.returncode, p.stdout[:200])
    assert p.stderr == ('shopstream: -X security.protocol=bogus: Invalid value "bogus" for configuration property '
                        '"security.protocol"\n'), p.stderr


def test_a_run_verified_with_start_auto_on_another_day_differs_and_says_which_start_it_rebuilt():
    prefix, _ = publish("auto")  # --start 2026-11-01T00:00:00Z; auto is a later midnight
    code, lines, report = verify(prefix, "--start", "auto")
    assert code == 1 and not report["exact"], lines
    assert lines[-1].endswith("T00:00:00.000Z: a run begun another day needs its own --start)"), lines
    assert "(--start auto rebuilt the run from " in lines[-1], lines


if __name__ == "__main__":
    sys.exit(pysupport.run_tests(globals()))
