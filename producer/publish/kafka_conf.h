/* SPDX-License-Identifier: Apache-2.0 */
/* kafka_conf.h - the Kafka producer's configuration: shopstream's defaults
 * (idempotent, acks=all, murmur2_random, lz4), then the user's properties
 * (config kafka.properties, then -X) in order; and the partitioner those
 * settings choose, which the null and stdout sinks apply themselves so that
 * their order digest is the Kafka sink's; and the user's properties alone,
 * for verify's consumer. No state, no locks. */
#ifndef SHOPSTREAM_KAFKA_CONF_H
#define SHOPSTREAM_KAFKA_CONF_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

#include "sink.h"

/* librdkafka's partitioner functions have this type. */
typedef int32_t (*kafka_partitioner_fn)(const rd_kafka_topic_t *rkt, const void *key, size_t key_len,
                                        int32_t partitions, void *rkt_opaque, void *msg_opaque);

/* bootstrap.servers (unless NULL), the defaults, then cfg's properties.
 * NULL with errstr set ("-X name=value: why", the value masked when it may
 * be a secret) if one is refused. */
rd_kafka_conf_t *kafka_conf_new(const sink_config *cfg, const char *brokers, char *errstr, size_t errlen);

/* Sets properties on conf in order (a consumer's too: librdkafka keeps one
 * set of names for both, and ignores the other kind's at rd_kafka_new).
 * 0, or -1 with "-X name=value: why" (masked as above) at the first one
 * refused: an unknown name or a value librdkafka cannot take. */
int kafka_conf_apply(rd_kafka_conf_t *conf, const sink_property *properties, size_t n, char *errstr, size_t errlen);

/* The partitioner's name: shopstream's default, unless a property names
 * another (the last `partitioner` wins). */
const char *kafka_conf_partitioner_name(const sink_property *properties, size_t n);

/* That partitioner as librdkafka's function; NULL for `random`, which
 * hashes no key. */
kafka_partitioner_fn kafka_conf_partitioner(const sink_config *cfg);

/* A note to add to a connection error when SASL/SCRAM was refused by a
 * librdkafka older than 2.6.1 (issue 4895), else "". */
const char *kafka_conf_scram_hint(const sink_config *cfg, const char *why);

#endif
