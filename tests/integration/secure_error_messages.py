#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""secure_error_messages.py - no secret in shopstream's refusals.

A user who gets a password wrong, mistypes a property or writes a URL
badly gets an error; the error must not show the password. Each case below
is such a mistake carrying a random secret; shopstream must refuse it
(exit 2, before anything is published) and the secret must not occur in
its stdout or stderr. No broker: the registry cases point at a closed port
of 127.0.0.1 with --sink null, the -X cases fail while the producer's
configuration is checked (before the embedded broker starts).

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_TEST_TMP. Prints
'N passed, M failed'.
"""
import os
import secrets as rnd
import socket
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pysupport  # noqa: E402  (tests/pysupport.py)

BIN = os.environ["SHOPSTREAM_BIN"]
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", "/tmp")
S = "Sx" + rnd.token_hex(10)  # the secret of every case


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return port


PORT = closed_port()
BASE = ["run", "--duration", "1h", "--customers", "300", "--products", "60"]


def refuse(*args, config=None):
    """Runs shopstream run ARGS (and -c a file holding config); asserts exit 2
    and no secret in stdout or stderr, naming the line that shows it."""
    cmd = [BIN, *BASE, *args]
    if config is not None:
        path = os.path.join(TMP, f"secret-errors-{os.getpid()}.cfg")
        with open(path, "w") as f:
            f.write(config)
        cmd += ["-c", path]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    shown = " ".join(cmd[1:]).replace(S, "$SECRET")
    for where, text in (("stdout", p.stdout), ("stderr", p.stderr)):
        for line in text.splitlines():
            assert S not in line, f"shopstream {shown}: the secret is in its {where}: {line.replace(S, '<SECRET>')}"
    assert p.returncode == 2, f"shopstream {shown}: exit {p.returncode}, expected 2: {p.stderr}"


def test_registry_url_with_a_password_at_a_closed_port():
    refuse("--sink", "null", "-r", f"https://shop:{S}@127.0.0.1:{PORT}/apis/ccompat/v7")


def test_registry_url_with_a_password_holding_an_at_sign():
    refuse("--sink", "null", "-r", f"https://shop:{S}@x@127.0.0.1:{PORT}/apis/ccompat/v7")


def test_registry_url_with_a_password_holding_a_slash():
    refuse("--sink", "null", "-r", f"https://shop:{S}/x@127.0.0.1:{PORT}/apis/ccompat/v7")


def test_registry_url_with_a_password_holding_a_hash():
    refuse("--sink", "null", "-r", f"https://shop:{S}#x@127.0.0.1:{PORT}/apis/ccompat/v7")


def test_registry_url_with_a_password_holding_a_question_mark():
    refuse("--sink", "null", "-r", f"https://shop:{S}?x@127.0.0.1:{PORT}/apis/ccompat/v7")


def test_registry_basic_auth_user_info_at_a_closed_port():
    refuse("--sink", "null", config=f'schema_registry = {{ url = "https://127.0.0.1:{PORT}/"; '
                                    f'basic_auth_user_info = "shop:{S}"; }};\n')


def test_x_sasl_password_beside_a_bad_mechanism():
    refuse("-X", "security.protocol=sasl_plaintext", "-X", f"sasl.password={S}",
           "-X", "sasl.mechanisms=NO-SUCH-MECHANISM")


def test_x_mistyped_password_property():
    refuse("-X", f"sasl.pasword={S}")


def test_x_java_jaas_config_with_a_password():
    # What a Java client's user brings along; librdkafka refuses the property.
    refuse("-X", 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required '
                 f'username="shop" password="{S}";')


def test_x_property_without_a_name():
    refuse("-X", f"={S}")


def test_x_key_password_with_a_missing_key_file():
    refuse("-X", "security.protocol=ssl", "-X", "ssl.key.location=/nonexistent/client.key",
           "-X", f"ssl.key.password={S}", "-X", "ssl.certificate.location=/nonexistent/client.pem")


def test_config_file_properties_written_as_a_string():
    refuse("--sink", "null", config=f'kafka = {{ properties = "sasl.password={S}"; }};\n')


def main():
    return pysupport.run_tests(globals())


if __name__ == "__main__":
    sys.exit(main())
