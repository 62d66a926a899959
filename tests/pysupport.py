# SPDX-License-Identifier: Apache-2.0
# pysupport.py - what the Python tests against the real broker share.
#
# The scripts under tests/integration and tests/deploy run as
# `$(scripts/python-env.sh) tests/.../X.py` and put this folder on sys.path
# from their own location. Here: the topics shopstream writes, reading a
# fixture's state file (scripts/kafka-broker.sh, scripts/schema-registry.sh),
# reading a topic back to its high watermark with confluent-kafka, and the
# runner that calls every test_* function and prints 'N passed, M failed'.
import os
import traceback

TOPICS = ["customers", "products", "campaigns", "orders", "order_items"]


def read_state(who, env, name):
    """The stripped contents of file name in the state dir that $env names
    (e.g. SHOPSTREAM_KAFKA_STATE's bootstrap); exits, naming who, if absent."""
    path = os.path.join(os.environ[env], name)
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError as e:
        raise SystemExit(f"{who}: cannot read {path} ({e}): did the fixture start?")


def read_topic(brokers, topic, group, missing_ok=False):
    """Every message (confluent_kafka.Message) of topic, all partitions,
    beginning to high watermark. A topic that does not exist gives [] if
    missing_ok, else an AssertionError."""
    from confluent_kafka import Consumer, TopicPartition

    c = Consumer({"bootstrap.servers": brokers, "group.id": group, "enable.auto.commit": False})
    md = c.list_topics(topic, timeout=10)
    if topic not in md.topics or md.topics[topic].error:
        c.close()
        if missing_ok:
            return []
        raise AssertionError(f"{topic}: no such topic")
    parts, want = [], {}
    for p in md.topics[topic].partitions:
        lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        if hi > lo:
            parts.append(TopicPartition(topic, p, lo))
            want[p] = hi
    c.assign(parts)
    out = []
    while want:
        m = c.poll(10)
        if m is None:
            raise AssertionError(f"{topic}: timed out with partitions {sorted(want)} unread")
        if m.error():
            raise AssertionError(f"{topic}: {m.error()}")
        out.append(m)
        if m.offset() + 1 >= want.get(m.partition(), 0):
            want.pop(m.partition(), None)
    c.close()
    return out


def run_tests(namespace, setup=None, cleanup=None):
    """Runs every test_* function of namespace (a module's globals()) in name
    order, printing PASS/FAIL and a traceback for each failure, then
    'N passed, M failed'. setup runs first (its failure fails every test);
    cleanup runs after the tests. Returns the exit status: 1 on any failure
    or when nothing passed, else 0."""
    tests = [v for k, v in sorted(namespace.items()) if k.startswith("test_")]
    passed = failed = 0
    if setup is not None:
        try:
            setup()
        except Exception:
            traceback.print_exc()
            print(f"0 passed, {len(tests)} failed (the runs or the read-back failed)")
            return 1
    for t in tests:
        try:
            t()
            passed += 1
            print(f"PASS {t.__name__}", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {t.__name__}", flush=True)
            traceback.print_exc()
    if cleanup is not None:
        cleanup()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0
