#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tls_proxy.py - HTTPS with basic auth in front of a plain-HTTP registry.

The secured-registry tests put this in front of Apicurio (which
scripts/schema-registry.sh runs over plain HTTP on 127.0.0.1): TLS with a
test certificate (scripts/tls-lib.sh), HTTP basic auth against one
user:password, optionally a client certificate required (mTLS), and every
authorised request forwarded to the upstream as it came (method, path,
query, body, content type), the answer passed back. A wrong or missing
password gets 401 with a JSON body as Confluent's registry writes it. Only
127.0.0.1; each connection's handshake runs in its own thread, with a
timeout, so a stalled client blocks nobody.

As a module: proxy = TlsProxy(upstream, cert, key, user, password,
client_ca=None); proxy.start(); proxy.url; proxy.counts; proxy.stop().
As a program (for trying it by hand):
  tls_proxy.py --upstream http://127.0.0.1:PORT --cert server.pem --key server.key \
               --user shop --password-file FILE [--client-ca ca.pem] [--port N]
prints https://127.0.0.1:PORT and serves until interrupted.
"""
import argparse
import base64
import hmac
import http.client
import http.server
import json
import socket
import ssl
import sys
import threading
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "authorization", "content-length"}


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, proxy):
        self.proxy = proxy
        super().__init__(("127.0.0.1", proxy.port), _Handler)

    def finish_request(self, request, client_address):
        # The TLS handshake here, in the connection's thread, not in accept().
        request.settimeout(10)
        try:
            tls = self.proxy.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            with self.proxy.lock:
                self.proxy.counts["handshake_failed"] += 1
                self.proxy.handshake_errors.append(str(e))
            request.close()
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the tests' output is theirs
        pass

    def _count(self, what):
        with self.server.proxy.lock:
            self.server.proxy.counts[what] += 1

    def _authorised(self):
        got = self.headers.get("Authorization", "")
        want = "Basic " + base64.b64encode(self.server.proxy.user_info.encode()).decode()
        return hmac.compare_digest(got.encode(), want.encode())

    def _answer(self, status, body, ctype="application/json", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if not self._authorised():
            self._count("unauthorised")
            msg = json.dumps({"error_code": 401, "message": "Unauthorized"}).encode()
            self._answer(401, msg, extra=[("WWW-Authenticate", 'Basic realm="schema-registry"')])
            return
        self._count("authorised")
        up = self.server.proxy.upstream
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
        except OSError as e:
            self._answer(502, json.dumps({"error_code": 502, "message": f"upstream: {e}"}).encode())
            return
        finally:
            conn.close()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in HOP_BY_HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _forward


class TlsProxy:
    """HTTPS + basic auth on 127.0.0.1 (port 0: a free one) in front of
    upstream (http://HOST:PORT). client_ca: require a client certificate
    signed by that CA. counts: authorised, unauthorised, handshake_failed."""

    def __init__(self, upstream, cert, key, user, password, client_ca=None, port=0):
        self.upstream = urllib.parse.urlsplit(upstream)
        if self.upstream.scheme != "http":
            raise ValueError(f"upstream must be http://HOST:PORT, got {upstream}")
        self.user_info = f"{user}:{password}"
        self.port = port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        if client_ca:
            self.context.verify_mode = ssl.CERT_REQUIRED
            self.context.load_verify_locations(client_ca)
        self.lock = threading.Lock()
        self.counts = {"authorised": 0, "unauthorised": 0, "handshake_failed": 0}
        self.handshake_errors = []
        self.server = None
        self.thread = None

    def start(self):
        self.server = _Server(self)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()
        return self

    @property
    def base(self):
        """https://127.0.0.1:PORT, without credentials or a path."""
        return f"https://127.0.0.1:{self.port}"

    def snapshot(self):
        with self.lock:
            return dict(self.counts)

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True, help="a file holding the password (not on the command line)")
    ap.add_argument("--client-ca", help="require client certificates signed by this CA")
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    with open(a.password_file) as f:
        password = f.read().strip()
    p = TlsProxy(a.upstream, a.cert, a.key, a.user, password, a.client_ca, a.port).start()
    print(p.base, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    p.stop()
    return 0


if __name__ == "__main__":
    socket.setdefaulttimeout(None)
    sys.exit(main())
