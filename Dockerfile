# SPDX-License-Identifier: Apache-2.0
# shopstream container image: Debian 12 (bookworm), built in two stages.
#
#   docker build -t shopstream:0.1.0 .
#   docker run --rm shopstream:0.1.0                       # --help
#   docker run --rm --network host shopstream:0.1.0 run -b localhost:9094 --duration 6h --speed 3600
#
# The build stage compiles with Debian's -dev packages and installs into /out
# (/usr/bin/shopstream, /usr/share/shopstream/{config,schemas}); the final
# stage holds only the runtime libraries and runs as an unprivileged user.
# librdkafka is not Debian 12's 2.0.2 (Kafka 4 refuses its SASL/SCRAM) but
# 2.8.0 from Debian's own source package, built in the build stage by
# scripts/librdkafka.sh as scripts/setup.sh builds it on a host (the archive
# from the base image's apt sources, a private deb-src entry for trixie) and
# linked into the program statically.
# docker-compose.yml builds this file; deploy/kubernetes/ runs the image.

# ---- build ------------------------------------------------------------------
FROM debian:12.13 AS build

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gcc libc6-dev make cmake ninja-build pkg-config dpkg-dev g++ \
      libssl-dev libsasl2-dev zlib1g-dev libzstd-dev liblz4-dev libsnappy-dev \
      libavro-dev libconfig-dev libcurl4-openssl-dev libjansson-dev libmicrohttpd-dev \
      libprotobuf-c-dev protobuf-c-compiler \
 && rm -rf /var/lib/apt/lists/*

# librdkafka first, from the script alone: Docker's build cache keeps this
# layer until the script (its pin) or the packages above change.
# SHOPSTREAM_RDKAFKA_PREFIX tells the script where to install it and CMake
# where to find it.
ENV SHOPSTREAM_RDKAFKA_PREFIX=/opt/librdkafka
COPY scripts/librdkafka.sh /src/scripts/librdkafka.sh
RUN /src/scripts/librdkafka.sh

WORKDIR /src
COPY . .
# Tests off (no Criterion in the image); the data dir is where the install puts
# config/ and schemas/, so the installed program finds them without settings.
# The program must name the librdkafka it linked in (not Debian's shared one);
# its licenses go with it.
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSHOPSTREAM_TESTS=OFF -DSHOPSTREAM_DATA_DIR=/usr/share/shopstream \
 && cmake --build build --target shopstream \
 && DESTDIR=/out cmake --install build --prefix /usr --strip \
 && /out/usr/bin/shopstream --version \
 && /out/usr/bin/shopstream --version | grep -q "librdkafka .*linked statically" \
 && install -D -m 0644 -t /out/usr/share/doc/librdkafka $SHOPSTREAM_RDKAFKA_PREFIX/share/doc/librdkafka/*

# ---- runtime ----------------------------------------------------------------
FROM debian:12.13-slim

LABEL org.opencontainers.image.title="shopstream" \
      org.opencontainers.image.description="Synthetic e-commerce traffic for Apache Kafka, as Avro, Protobuf or JSON" \
      org.opencontainers.image.version="0.1.0"

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libssl3 libsasl2-2 zlib1g libzstd1 liblz4-1 libsnappy1v5 \
      libavro23 libconfig9 libcurl4 libjansson4 libmicrohttpd12 libprotobuf-c1 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 shopstream \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/shopstream --create-home \
      --shell /usr/sbin/nologin shopstream

COPY --from=build /out/usr/ /usr/

# Numeric, so Kubernetes' runAsNonRoot can verify it. The working directory is
# the user's, for --stats-json and the like.
USER 10001:10001
WORKDIR /var/lib/shopstream

# --metrics [ADDR:]PORT serves Prometheus text at /metrics here.
EXPOSE 9464

ENTRYPOINT ["shopstream"]
# Without arguments: the usage. Pass a command and options instead, e.g.
#   run -b kafka:9092 -r http://registry:8080/apis/ccompat/v7 --speed realtime --start now
CMD ["--help"]
