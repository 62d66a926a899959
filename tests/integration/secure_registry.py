#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""secure_registry.py - the Schema Registry over HTTPS with basic auth.

tls_proxy.py puts TLS (a test CA's certificate for 127.0.0.1, made by
scripts/tls-lib.sh) and HTTP basic auth in front of the fixture's Apicurio
registry; a second proxy also requires a client certificate (mTLS).
shopstream registers through them with --format avro-confluent:

- the password in the URL (https://user:pass@host/...) and the CA with
  --schema-registry-ca, publishing over the broker's SASL_SSL listener: the
  data is read back by confluent-kafka over the same listener and decoded by
  its AvroDeserializer through the same proxy (its own client, with the CA
  and the password), every topic's count equal to --stats-json;
- the password in schema_registry.basic_auth_user_info and the CA in
  schema_registry.ssl_ca_location (a config file);
- a client certificate from schema_registry.ssl_certificate_location and
  ssl_key_location, to the proxy that requires one;
- a password holding / ? # @ :, percent-encoded in the URL;
- refused: a wrong password, no CA (the certificate is untrusted), another
  CA, no client certificate where one is required: exit 2, one line that
  says why, the proxy saw the refusal, and nothing published (a real
  broker's offsets unchanged; the embedded broker where no -b is given).

No password, right or wrong, may appear in stdout, stderr, --stats-json or
/metrics (scraped while each run goes).

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_SOURCE_DIR,
SHOPSTREAM_TEST_TMP, SHOPSTREAM_KAFKA_STATE, SHOPSTREAM_REGISTRY_STATE.
Prints each command (secrets as $NAME), then 'N passed, M failed'.
"""
import os
import re
import secrets as rnd
import subprocess
import sys
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
import pysupport  # noqa: E402  (tests/pysupport.py)
from pysupport import TOPICS  # noqa: E402
from tls_proxy import TlsProxy  # noqa: E402

from confluent_kafka.schema_registry import SchemaRegistryClient, topic_subject_name_strategy  # noqa: E402
from confluent_kafka.schema_registry.avro import AvroDeserializer  # noqa: E402
from confluent_kafka.serialization import MessageField, SerializationContext  # noqa: E402

WHO = "secure_registry"
BIN = os.environ["SHOPSTREAM_BIN"]
SRC = os.environ["SHOPSTREAM_SOURCE_DIR"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
START = "2026-11-01T00:00:00Z"
PLAINTEXT = pysupport.read_state(WHO, "SHOPSTREAM_KAFKA_STATE", "bootstrap")
REGISTRY = pysupport.read_state(WHO, "SHOPSTREAM_REGISTRY_STATE", "url")  # http://127.0.0.1:PORT/apis/ccompat/v7
PATH = urllib.parse.urlsplit(REGISTRY).path
USER = "shop-registry"
PASSWORD = rnd.token_urlsafe(18).replace("-", "x").replace("_", "y")
WRONG = "wrong" + rnd.token_hex(8)
SPECIAL = "sp/" + rnd.token_hex(6) + "?#@:" + rnd.token_hex(4)  # needs percent-encoding in a URL
BOUND_S = 20
PKI = os.path.join(TMP, f"registry-pki-{os.getpid()}")
SECRETS = []  # filled in setup: the broker's and the registry's
PROXY = {}  # "basic": TLS + basic auth, "mtls": also a client certificate
RUNS = {}  # name: (pysupport.Run, proxy counts before, after, prefix)


def shown(cmd):
    out = " ".join(cmd)
    for s, n in zip(SECRETS, ["$SCRAM_PASSWORD", "$PLAIN_PASSWORD", "$KEY_PASSPHRASE",
                              "$REGISTRY_PASSWORD", "$WRONG_PASSWORD", "$SPECIAL_PASSWORD",
                              "$SPECIAL_PASSWORD_PERCENT_ENCODED"]):
        out = out.replace(s, n)
    return out.replace(BIN, "shopstream").replace(PKI, "$PKI")


def url(proxy, password=None):
    base = PROXY[proxy].base + PATH
    if password is None:
        return base
    return base.replace("https://", f"https://{USER}:{password}@", 1)


def config_file(name, **registry):
    """A libconfig file with a schema_registry group (mode 600: it holds a password)."""
    path = os.path.join(TMP, f"secure-registry-{name}-{os.getpid()}.cfg")
    body = "".join(f'  {k} = "{v}";\n' for k, v in registry.items())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("schema_registry = {\n" + body + "};\n")
    return path


def run(name, proxy, *args, prefix=None, brokers=PLAINTEXT, linger=True):
    """One shopstream run with --format avro-confluent; records it in RUNS."""
    prefix = prefix or f"sr.{name}.{os.getpid()}."
    stats = os.path.join(TMP, f"secure-registry-{name}-{os.getpid()}.json")
    port = pysupport.free_port()
    cmd = [BIN, "run", *(["-b", brokers] if brokers else []), "--format", "avro-confluent",
           "--topic-prefix", prefix, "--start", START, "--duration", "4h", "--intensity", "5",
           "--customers", "300", "--products", "60", "--stats-json", stats,
           "--metrics", f"127.0.0.1:{port}", *(["--metrics-linger", "1"] if linger else []), *args]
    print(f"RUN {name}: {shown(cmd)}", flush=True)
    before = PROXY[proxy].snapshot()
    r = pysupport.run_shopstream(cmd, stats, metrics_port=port, timeout=120)
    RUNS[name] = (r, before, PROXY[proxy].snapshot(), prefix)
    print(f"  {name}: exit {r.rc} in {r.wall_s:.1f}s, proxy {PROXY[proxy].snapshot()}", flush=True)
    return r


def setup():
    subprocess.run(["bash", os.path.join(SRC, "scripts", "tls-lib.sh"), PKI], check=True, capture_output=True,
                   timeout=60)
    up = urllib.parse.urlsplit(REGISTRY)
    upstream = f"http://{up.hostname}:{up.port}"
    cert, key = os.path.join(PKI, "server.pem"), os.path.join(PKI, "server.key")
    PROXY["basic"] = TlsProxy(upstream, cert, key, USER, PASSWORD).start()
    PROXY["mtls"] = TlsProxy(upstream, cert, key, USER, PASSWORD, client_ca=os.path.join(PKI, "ca.pem")).start()
    PROXY["special"] = TlsProxy(upstream, cert, key, USER, SPECIAL).start()
    SECRETS[:] = pysupport.all_secrets(WHO) + [PASSWORD, WRONG, SPECIAL, urllib.parse.quote(SPECIAL, safe="")]
    ca, other = os.path.join(PKI, "ca.pem"), os.path.join(PKI, "other-ca.pem")

    # Everything secured: the broker's SASL_SSL listener (PLAIN) and the registry over https.
    bootstrap, props, _ = pysupport.secure_listener(WHO, "plain")
    run("url_password_over_sasl_ssl", "basic", "-r", url("basic", PASSWORD), "--schema-registry-ca", ca,
        *pysupport.x_args(props), brokers=bootstrap)
    # The same from a config file.
    cfg = config_file("basic", url=url("basic"), basic_auth_user_info=f"{USER}:{PASSWORD}", ssl_ca_location=ca)
    run("config_file", "basic", "-c", cfg)
    # A client certificate (config file only), to the proxy that requires one.
    cfg = config_file("mtls", url=url("mtls"), basic_auth_user_info=f"{USER}:{PASSWORD}", ssl_ca_location=ca,
                      ssl_certificate_location=os.path.join(PKI, "client.pem"),
                      ssl_key_location=os.path.join(PKI, "client.key"))
    run("client_certificate", "mtls", "-c", cfg)
    # A password with / ? # @ : in it, percent-encoded in the URL.
    special = url("special").replace("https://", f"https://{USER}:{urllib.parse.quote(SPECIAL, safe='')}@", 1)
    run("percent_encoded_password", "special", "-r", special, "--schema-registry-ca", ca)

    # Refused, each into the topics of a run above (their offsets must not move) ...
    good = RUNS["config_file"][3]
    run("wrong_password", "basic", "-r", url("basic", WRONG), "--schema-registry-ca", ca, prefix=good, linger=False)
    run("no_ca", "basic", "-r", url("basic", PASSWORD), prefix=good, linger=False)
    run("other_ca", "basic", "-r", url("basic", PASSWORD), "--schema-registry-ca", other, prefix=good,
        linger=False)
    cfg = config_file("mtls-no-cert", url=url("mtls"), basic_auth_user_info=f"{USER}:{PASSWORD}",
                      ssl_ca_location=ca)
    run("no_client_certificate", "mtls", "-c", cfg, prefix=RUNS["client_certificate"][3], linger=False)
    # ... and without -b (the embedded broker would be the sink).
    run("wrong_password_embedded_broker", "basic", "-r", url("basic", WRONG), "--schema-registry-ca", ca,
        brokers=None, linger=False)
    run("no_ca_embedded_broker", "basic", "-r", url("basic", PASSWORD), brokers=None, linger=False)


def cleanup():
    for p in PROXY.values():
        p.stop()


def registry_client():
    """confluent-kafka's own registry client, through the proxy, with the CA and the password."""
    return SchemaRegistryClient({"url": url("basic"), "basic.auth.user.info": f"{USER}:{PASSWORD}",
                                 "ssl.ca.location": os.path.join(PKI, "ca.pem"), "timeout": 30})


def check_published(name):
    r, before, after, prefix = RUNS[name]
    assert r.rc == 0, f"{name}: {r.describe()}"
    stats = r.stats_json()
    assert stats["failed"] == 0 and stats["delivered"] == stats["messages"] > 0, stats
    assert after["authorised"] - before["authorised"] >= len(TOPICS), f"{name}: proxy counts {before} -> {after}"
    assert after["unauthorised"] == before["unauthorised"], f"{name}: refused requests: {before} -> {after}"
    assert r.pages, f"{name}: /metrics was never scraped"
    return stats, prefix


def test_https_registry_with_the_password_in_the_url_publishes_and_decodes_through_the_proxy():
    stats, prefix = check_published("url_password_over_sasl_ssl")
    bootstrap, props, _ = pysupport.secure_listener(WHO, "plain")
    conf = {"bootstrap.servers": bootstrap, **props}
    deser = AvroDeserializer(registry_client(), conf={"subject.name.strategy": topic_subject_name_strategy})
    for s in TOPICS:
        msgs = pysupport.read_topic_with(conf, prefix + s, f"srs-{os.getpid()}")
        want = stats["topics"][prefix + s]["delivered"]
        assert want > 0 and len(msgs) == want, f"{prefix}{s}: read {len(msgs)}, --stats-json says {want}"
        for m in msgs:
            assert m.value()[0] == 0, f"{prefix}{s}: no magic byte"
            v = deser(m.value(), SerializationContext(prefix + s, MessageField.VALUE))
            assert isinstance(v, dict) and v, f"{prefix}{s}: decoded {v!r}"
    subjects = registry_client().get_subjects()
    assert all(f"{prefix}{s}-value" in subjects for s in TOPICS), subjects


def test_https_registry_from_the_config_file_publishes_and_reads_back():
    stats, prefix = check_published("config_file")
    hw = pysupport.high_watermarks({"bootstrap.servers": PLAINTEXT}, [prefix + s for s in TOPICS])
    for s in TOPICS:
        assert hw[prefix + s] == stats["topics"][prefix + s]["delivered"] > 0, (s, hw, stats["topics"])


def test_https_registry_with_a_client_certificate_publishes():
    stats, prefix = check_published("client_certificate")
    hw = pysupport.high_watermarks({"bootstrap.servers": PLAINTEXT}, [prefix + s for s in TOPICS])
    for s in TOPICS:
        assert hw[prefix + s] == stats["topics"][prefix + s]["delivered"] > 0, (s, hw, stats["topics"])


def test_https_registry_with_a_percent_encoded_password_publishes():
    stats, prefix = check_published("percent_encoded_password")
    hw = pysupport.high_watermarks({"bootstrap.servers": PLAINTEXT}, [prefix + s for s in TOPICS])
    for s in TOPICS:
        assert hw[prefix + s] == stats["topics"][prefix + s]["delivered"] > 0, (s, hw, stats["topics"])


def check_refused(name, cause, saw):
    """exit 2 within BOUND_S, one line naming cause, the proxy counted saw,
    and the prefix's offsets as the good run left them."""
    r, before, after, prefix = RUNS[name]
    assert r.rc == 2, f"{name}: expected exit 2, {r.describe()}"
    assert r.wall_s <= BOUND_S, f"{name}: took {r.wall_s:.1f}s"
    lines = r.stderr_lines()
    assert len(lines) == 1 and lines[0].startswith("shopstream: "), \
        f"{name}: expected one line on stderr, got {len(lines)}:\n" + "\n".join(lines[:6])
    assert re.search(cause, lines[0], re.I), f"{name}: the line does not say why (/{cause}/): {lines[0]}"
    assert after[saw] > before[saw], f"{name}: the proxy saw no {saw}: {before} -> {after}"
    assert after["authorised"] == before["authorised"], f"{name}: authorised requests went through"
    assert not r.stats, f"{name}: --stats-json written by a refused run: {r.stats}"
    good = next((g for g in RUNS.values() if g[3] == prefix and g[0].rc == 0), None)
    if good:
        hw = pysupport.high_watermarks({"bootstrap.servers": PLAINTEXT}, [prefix + s for s in TOPICS])
        want = {prefix + s: good[0].stats_json()["topics"][prefix + s]["delivered"] for s in TOPICS}
        assert hw == want, f"{name}: offsets moved: {want} -> {hw}"


AUTH = r"401|unauthori[sz]ed|auth"
TLS_CAUSE = r"certificate|ssl|tls|handshake"


def test_wrong_password_exits_2_in_one_line_and_publishes_nothing():
    check_refused("wrong_password", AUTH, "unauthorised")


def test_untrusted_certificate_without_a_ca_exits_2_in_one_line_and_publishes_nothing():
    check_refused("no_ca", TLS_CAUSE, "handshake_failed")


def test_certificate_of_another_ca_exits_2_in_one_line_and_publishes_nothing():
    check_refused("other_ca", TLS_CAUSE, "handshake_failed")


def test_no_client_certificate_where_one_is_required_exits_2_in_one_line_and_publishes_nothing():
    check_refused("no_client_certificate", TLS_CAUSE + r"|reach", "handshake_failed")


def test_wrong_password_with_the_embedded_broker_exits_2_in_one_line():
    check_refused("wrong_password_embedded_broker", AUTH, "unauthorised")


def test_untrusted_certificate_with_the_embedded_broker_exits_2_in_one_line():
    check_refused("no_ca_embedded_broker", TLS_CAUSE, "handshake_failed")


def test_no_password_in_any_output_stats_or_metrics():
    for name, (r, _, _, _) in RUNS.items():
        pysupport.assert_no_secret(r, SECRETS, name)


def main():
    return pysupport.run_tests(globals(), setup=setup, cleanup=cleanup)


if __name__ == "__main__":
    sys.exit(main())
