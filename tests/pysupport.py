# SPDX-License-Identifier: Apache-2.0
# pysupport.py - what the Python tests against the real broker share.
#
# The scripts under tests/integration and tests/deploy run as
# `$(scripts/python-env.sh) tests/.../X.py` and put this folder on sys.path
# from their own location. Here: the topics shopstream writes, reading a
# fixture's state file (scripts/kafka-broker.sh, scripts/schema-registry.sh),
# reading a topic back to its high watermark with confluent-kafka, decoding
# registry-framed Avro values, the invariants of docs/design.md#the-wire-contract over what was read,
# and the runner that calls every test_* function and prints 'N passed, M
# failed'.
import datetime
import os
import threading
import traceback

TOPICS = ["customers", "products", "campaigns", "orders", "order_items", "payments", "shipments"]
# The topics every run of an hour or more fills (shipments start hours after
# an order is paid).
ALWAYS_FILLED = TOPICS[:6]


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
    return read_topic_with({"bootstrap.servers": brokers}, topic, group, missing_ok)


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def millis(v):
    """A timestamp-millis as the Avro deserializer gives it (datetime) or JSON does (int)."""
    if isinstance(v, datetime.datetime):
        return (v - EPOCH) // datetime.timedelta(milliseconds=1)
    return v


def check_invariants(data, stats_list):
    """the invariants of docs/design.md#the-wire-contract over everything read, and counts against the stats.

    data: {topic suffix: [(message, decoded value)]} for every topic of TOPICS;
    stats_list: the --stats-json objects of the runs that wrote them (the same
    run, repeated), each with "_prefix", the topic prefix, added."""
    for s in TOPICS:
        want = sum(st["topics"][stats_list[0]["_prefix"] + s]["delivered"] for st in stats_list)
        assert len(data[s]) == want, f"{s}: read {len(data[s])}, summary says {want}"
        assert want > 0 or s not in ALWAYS_FILLED, f"{s}: nothing published"
    # a closed account's tombstone (decoded None) is a message of its own: counted above, no customer
    customers = {v["customer_id"] for _, v in data["customers"] if v is not None}
    products = {v["product_id"] for _, v in data["products"]}
    versions = {}
    for _, v in data["products"]:
        versions.setdefault(v["product_id"], []).append((millis(v["valid_from"]), v["price_cents"], v["in_stock"]))
    for vs in versions.values():
        vs.sort()
    campaigns = {v["campaign_id"] for _, v in data["campaigns"]}
    items = {}
    for m, v in data["order_items"]:
        assert v["line_total_cents"] == v["quantity"] * v["unit_price_cents"] - v["discount_cents"], v
        assert v["product_id"] in products, f"item references unknown product {v['product_id']}"
        valid = [x for x in versions[v["product_id"]] if x[0] <= millis(v["event_time"])][-1]
        assert valid[1] == v["unit_price_cents"] and valid[2], \
            f"item {v}: the product's version valid at the order's time is {valid} (valid_from, price, in_stock)"
        items.setdefault(v["order_id"], []).append(v)
    for m, o in data["orders"]:
        assert o["customer_id"] in customers, f"order {o['order_id']}: unknown customer"
        assert o["campaign_id"] is None or o["campaign_id"] in campaigns, f"order {o['order_id']}: unknown campaign"
        assert m.timestamp()[1] == millis(o["event_time"]), f"order {o['order_id']}: timestamp {m.timestamp()} != event_time"
        lines = items.get(o["order_id"], [])
        runs = len(stats_list)
        assert len(lines) == o["item_count"] * runs, f"order {o['order_id']}: {len(lines)} items, item_count {o['item_count']}"
        assert sorted(l["line_number"] for l in lines) == sorted(list(range(1, o["item_count"] + 1)) * runs)
        sub = sum(l["quantity"] * l["unit_price_cents"] for l in lines) // runs
        disc = sum(l["discount_cents"] for l in lines) // runs
        assert o["subtotal_cents"] == sub and o["discount_cents"] == disc, f"order {o['order_id']}: totals"
        assert o["total_cents"] == sub - disc
        assert all(millis(l["event_time"]) == millis(o["event_time"]) for l in lines)
    ids = sorted(o["order_id"] for _, o in data["orders"])
    n = stats_list[0]["orders"]
    assert ids == sorted(list(range(1, n + 1)) * len(stats_list)), "order ids are not dense"


def avro_decoder(registry):
    """A decode(topic, message) for avro-confluent values, through the registry at URL registry."""
    from confluent_kafka.schema_registry import SchemaRegistryClient, topic_subject_name_strategy
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    # A request timeout, and the subject from the topic: the deserializer's
    # default strategy asks the registry for Confluent's "associations" of the
    # topic on every message, which Apicurio does not have (404), and one of
    # those thousands of requests once hung with no timeout.
    client = SchemaRegistryClient({"url": registry, "timeout": 30})
    deser = AvroDeserializer(client, conf={"subject.name.strategy": topic_subject_name_strategy})

    def decode(topic, m):
        v = m.value()
        if v is None:  # a tombstone (a closed account on the customers topic): no value to decode
            return None
        assert v[0] == 0, f"{topic}: value does not start with the magic byte 0"
        return deser(v, SerializationContext(topic, MessageField.VALUE))
    return decode


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


# --- Secured clusters (tests/integration/secure_broker.py, secure_registry.py) ---
# The fixture broker's secured listeners (scripts/kafka-broker.sh), one
# shopstream run with its outputs and /metrics, reading back with a client
# configuration, and the check that no secret was printed.

def secure_listener(who, kind):
    """(bootstrap, librdkafka properties, password or None) of the fixture
    broker's listener kind: "ssl" (TLS, server certificate only), "mtls" (a
    client certificate), "mtls-encrypted-key" (the same with the key
    encrypted: ssl.key.password), "scram" (SASL_SSL, SCRAM-SHA-512), "plain"
    (SASL_SSL, PLAIN). The same properties serve shopstream's -X, kcat's -X
    and confluent-kafka's configuration."""
    env = "SHOPSTREAM_KAFKA_STATE"
    tls = os.path.join(os.environ[env], "tls")
    if not os.path.isdir(tls):
        raise SystemExit(f"{who}: the fixture broker has no secured listeners ({tls} is missing: "
                         "started with SHOPSTREAM_KAFKA_SECURE=0, or without openssl?)")
    users = {}
    for line in read_state(who, env, "users").splitlines():
        mech, user, password = line.split()
        users[mech] = (user, password)
    ca = {"ssl.ca.location": os.path.join(tls, "ca.pem")}
    if kind == "ssl":
        return read_state(who, env, "bootstrap-ssl"), {"security.protocol": "ssl", **ca}, None
    if kind in ("mtls", "mtls-encrypted-key"):
        props = {"security.protocol": "ssl", **ca, "ssl.certificate.location": os.path.join(tls, "client.pem")}
        if kind == "mtls":
            props["ssl.key.location"] = os.path.join(tls, "client.key")
            return read_state(who, env, "bootstrap-mtls"), props, None
        with open(os.path.join(tls, "client-enc.pass")) as f:
            passphrase = f.read().strip()
        props["ssl.key.location"] = os.path.join(tls, "client-enc.key")
        props["ssl.key.password"] = passphrase
        return read_state(who, env, "bootstrap-mtls"), props, passphrase
    mech = {"scram": "SCRAM-SHA-512", "plain": "PLAIN"}[kind]
    user, password = users[mech]
    props = {"security.protocol": "sasl_ssl", **ca, "sasl.mechanisms": mech, "sasl.username": user,
             "sasl.password": password}
    return read_state(who, env, "bootstrap-sasl-ssl"), props, password


def all_secrets(who):
    """Every password and passphrase of the fixture broker's secured listeners."""
    out = []
    for kind in ("scram", "plain", "mtls-encrypted-key"):
        out.append(secure_listener(who, kind)[2])
    return out


def x_args(props):
    """-X name=value arguments, in order."""
    out = []
    for k, v in props.items():
        out += ["-X", f"{k}={v}"]
    return out


def read_topic_with(conf, topic, group, missing_ok=False):
    """read_topic with a whole client configuration (bootstrap.servers and
    any security properties) instead of a bootstrap list."""
    from confluent_kafka import Consumer, TopicPartition

    c = Consumer({**conf, "group.id": group, "enable.auto.commit": False})
    try:
        md = c.list_topics(topic, timeout=10)
        if topic not in md.topics or md.topics[topic].error:
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
        return out
    finally:
        c.close()


def high_watermarks(conf, topics):
    """{topic: sum of its partitions' high watermarks, or None if it does not
    exist}, read without naming the topics to the broker (no auto-create)."""
    from confluent_kafka import Consumer, TopicPartition

    c = Consumer({**conf, "group.id": f"hw-{os.getpid()}", "enable.auto.commit": False})
    try:
        md = c.list_topics(timeout=10)
        out = {}
        for t in topics:
            if t not in md.topics or md.topics[t].error:
                out[t] = None
                continue
            out[t] = sum(c.get_watermark_offsets(TopicPartition(t, p), timeout=10)[1] for p in md.topics[t].partitions)
        return out
    finally:
        c.close()


_ports_given = set()
_ports_lock = threading.Lock()


def free_port():
    """A port free on 127.0.0.1 now, and never one this process handed out
    before: tests that start runs in parallel threads pick their ports
    first, and the kernel may offer a port just closed again (two runs then
    met at one --metrics port)."""
    import socket
    with _ports_lock:
        while True:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            s.close()
            if port not in _ports_given:
                _ports_given.add(port)
                return port


class Run:
    """One finished shopstream run: rc, stdout, stderr, stats (the
    --stats-json text, "" if none was written), pages (every /metrics page
    scraped while it ran), wall_s."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def stats_json(self):
        import json
        return json.loads(self.stats)

    def stderr_lines(self):
        return [l for l in self.stderr.splitlines() if l.strip()]

    def describe(self):
        return f"exit {self.rc} after {self.wall_s:.1f}s; stderr:\n{self.stderr}"


def run_shopstream(cmd, stats_path, metrics_port=None, timeout=120, env=None):
    """Runs cmd (a shopstream command line that already holds --stats-json
    stats_path and, if metrics_port, --metrics 127.0.0.1:metrics_port),
    scraping /metrics every 0.1 s while it runs. Returns a Run."""
    import subprocess
    import threading
    import time
    import urllib.request

    if os.path.exists(stats_path):
        os.unlink(stats_path)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    got = {}

    def talk():
        try:
            got["out"], got["err"] = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            got["out"], got["err"] = p.communicate()
            got["timed_out"] = True

    th = threading.Thread(target=talk)
    th.start()
    pages = []
    while th.is_alive():
        if metrics_port:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=1) as r:
                    pages.append(r.read().decode("utf-8", "replace"))
            except OSError:
                pass
        th.join(0.1)
    wall = time.monotonic() - t0
    if got.get("timed_out"):
        raise AssertionError(f"{' '.join(cmd[:3])} ...: still running after {timeout}s, killed")
    stats = ""
    if os.path.exists(stats_path):
        with open(stats_path) as f:
            stats = f.read()
    return Run(rc=p.returncode, stdout=got["out"].decode("utf-8", "replace"),
               stderr=got["err"].decode("utf-8", "replace"), stats=stats, pages=pages, wall_s=wall)


def assert_no_secret(run, secrets, what):
    """No secret (a password, a passphrase) in run's stdout, stderr, stats or
    any /metrics page; what names the run in the message."""
    places = {"stdout": run.stdout, "stderr": run.stderr, "--stats-json": run.stats}
    for i, page in enumerate(run.pages):
        places[f"/metrics page {i}"] = page
    for s in secrets:
        assert s and len(s) >= 8, "a secret to look for must be non-trivial"
        for where, text in places.items():
            if s in text:
                line = next(l for l in text.splitlines() if s in l)
                raise AssertionError(f"{what}: a secret appears in {where}: {line.replace(s, '<SECRET>')}")
