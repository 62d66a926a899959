#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# python-env.sh - the Python the integration tests read topics back with.
#
# A virtual environment in the cache with confluent-kafka (its own bundled
# librdkafka, and the Schema Registry client and the Avro, Protobuf and JSON
# Schema deserializers, hence the [avro,schemaregistry,protobuf,json]
# extras), grpcio-tools (protoc, for Python classes of schemas/*.proto),
# jsonschema (validates against schemas/*.schema.json), prometheus-client
# (its text parser reads --metrics), PyYAML (the deployment manifests), and
# DuckDB, fastavro (with cramjam, its snappy codec) and pyarrow (--sink
# files: the directory read back), made
# on first use. The name changes with the list, so a cache made for another
# list is not used.
# Prints the path of its python on stdout.
set -euo pipefail
cache=${SHOPSTREAM_CACHE:-$HOME/.cache/shopstream}
venv=$cache/pyenv-5
if [[ ! -f $venv/.complete ]]; then
  mkdir -p "$cache"
  exec 9>"$cache/pyenv.lock"
  flock 9
  if [[ ! -f $venv/.complete ]]; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "confluent-kafka[avro,schemaregistry,protobuf,json]==2.16.1" \
      "grpcio-tools==1.85.1" "jsonschema==4.26.0" "prometheus-client==0.21.1" "PyYAML==6.0.2" \
      "duckdb==1.5.6" "fastavro==1.13.1" "cramjam==2.14.0" "pyarrow==26.0.1" >&2
    touch "$venv/.complete"
  fi
fi
echo "$venv/bin/python"
