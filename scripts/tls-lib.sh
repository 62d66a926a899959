#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tls-lib.sh - a throwaway test PKI for the secured broker and registry tests.
#
#   scripts/tls-lib.sh DIR        # make DIR's PKI (if not made yet), print DIR
#   source scripts/tls-lib.sh; tls_make_pki DIR
#
# Makes, with openssl, in DIR (mode 700):
#   ca.pem, ca.key           a self-signed test CA (10 days): what clients trust
#   server.pem, server.key   a server certificate signed by it for
#                            127.0.0.1 and localhost (subjectAltName), and its key
#   server-chain.pem         server.key + server.pem + ca.pem in one file
#                            (Kafka's PEM keystore)
#   client.pem, client.key   a client certificate signed by the CA (CN
#                            shopstream-client): mTLS
#   client-enc.key           the same key encrypted (PKCS#8, AES-256) with
#   client-enc.pass          a random passphrase (ssl.key.password)
#   other-ca.pem             a second CA that signed nothing here: "a CA that
#                            is not the server's"
# Keys are EC P-256, unencrypted PKCS#8 (what Kafka's PEM keystore, librdkafka,
# libcurl and Python's ssl module all read). Nothing here is fit for anything
# but a test on 127.0.0.1. A complete DIR is kept (the marker .complete is
# written last), so a restart of a broker keeps its certificates.
set -euo pipefail

tls_die() { echo "tls-lib: $*" >&2; exit 1; }

# tls_key FILE: a fresh EC P-256 key, PKCS#8 PEM, mode 600.
tls_key() {
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null) \
    || tls_die "openssl genpkey failed for $1"
}

# tls_sign DIR NAME CN EXT: NAME.key and NAME.pem, signed by DIR's CA, with
# the x509v3 extensions EXT (openssl -extfile syntax).
tls_sign() {
  local dir=$1 name=$2 cn=$3 ext=$4
  tls_key "$dir/$name.key"
  openssl req -new -key "$dir/$name.key" -subj "/O=shopstream test/CN=$cn" -out "$dir/$name.csr" 2>/dev/null \
    || tls_die "openssl req failed for $name"
  printf '%s\n' "$ext" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
      -days 10 -sha256 -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null \
    || tls_die "openssl x509 failed for $name"
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}

# tls_make_pki DIR: the files above (kept if DIR already holds a complete set).
tls_make_pki() {
  local dir=$1
  [[ -f $dir/.complete ]] && return 0
  command -v openssl >/dev/null || tls_die "openssl not found (needed to make the test certificates)"
  rm -rf "$dir"
  mkdir -p "$dir" && chmod 700 "$dir"
  tls_key "$dir/ca.key"
  openssl req -x509 -new -key "$dir/ca.key" -subj "/O=shopstream test/CN=shopstream test CA" -days 10 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -out "$dir/ca.pem" 2>/dev/null || tls_die "openssl could not make the test CA"
  tls_sign "$dir" server 127.0.0.1 "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"
  tls_sign "$dir" client shopstream-client "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
  (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$dir/client-enc.pass")
  (umask 077 && openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$dir/client.key" -out "$dir/client-enc.key" \
      -passout "file:$dir/client-enc.pass" 2>/dev/null) || tls_die "openssl could not encrypt the client key"
  cat "$dir/server.key" "$dir/server.pem" "$dir/ca.pem" >"$dir/server-chain.pem"
  chmod 600 "$dir/server-chain.pem"
  tls_key "$dir/other-ca.key"
  openssl req -x509 -new -key "$dir/other-ca.key" -subj "/O=shopstream test/CN=some other CA" -days 10 \
      -addext "basicConstraints=critical,CA:TRUE" -out "$dir/other-ca.pem" 2>/dev/null \
    || tls_die "openssl could not make the second CA"
  rm -f "$dir/other-ca.key" "$dir/ca.srl"
  touch "$dir/.complete"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  [[ $# -eq 1 ]] || tls_die "usage: $0 DIR"
  tls_make_pki "$1"
  echo "$1"
fi
