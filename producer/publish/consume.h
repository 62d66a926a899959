/* SPDX-License-Identifier: Apache-2.0 */
/* consume.h - reading topics back from Kafka, as `shopstream verify` does:
 * every partition of every topic, from its first offset to its end, with a
 * librdkafka consumer that commits nothing (a group id of its own, no
 * offsets stored).
 *
 * What a consumer sees (isolation.level=read_committed): records of
 * aborted transactions and transaction markers are skipped, and a
 * partition ends at its last stable offset, where librdkafka reports
 * PARTITION_EOF, or at the high watermark it had when reading began,
 * whichever comes first. The high watermark alone is not an end: a topic
 * written in transactions (an exactly-once Flink, Kafka Streams or
 * MirrorMaker job) ends in a commit marker, whose offset it counts and no
 * consumer receives.
 *
 * Messages are handed to the callback as they arrive: in offset order
 * within a partition, partitions interleaved. Before them, each partition's
 * log start offset (its low watermark): above 0, the broker deleted that
 * many records from its start (retention, or DeleteRecords) on a topic
 * whose offsets count from 0. The -X properties of the run apply (security
 * settings): one librdkafka refuses (an unknown name, a value it cannot
 * take) is an error, as it is for the producer; producer-only ones are
 * ignored by librdkafka, without its warning; and isolation.level and
 * enable.partition.eof are set after them. */
#ifndef SHOPSTREAM_CONSUME_H
#define SHOPSTREAM_CONSUME_H

#include <stddef.h>
#include <stdint.h>

#include "sink.h"

typedef void (*consume_fn)(void *ctx, size_t topic, int32_t partition, const void *key, size_t key_len,
                           const void *value, size_t value_len, int64_t timestamp_ms);

/* Partition p of topic starts at offset log_start. */
typedef void (*consume_start_fn)(void *ctx, size_t topic, int32_t partition, int64_t log_start);

typedef struct consume_config {
    const char *brokers;
    const sink_property *properties;
    size_t n_properties;
    const char *const *topics;
    size_t n_topics;
    int timeout_ms;            /* connecting, and the longest wait for a next message */
    int progress;              /* a line on stderr every 2 s */
    int32_t max_partitions;    /* a topic with more is an error (verify: --partitions' maximum) */
    consume_start_fn on_start; /* NULL: not told */
} consume_config;

/* Whether librdkafka takes the consumer's settings and properties: 0, or -1
 * with "-X name=value: why" in errstr. Touches no broker. */
int consume_check_config(const consume_config *cfg, char *errstr, size_t errlen);

/* Reads every topic to its end. *partitions: each topic's partition count
 * (an array of n_topics); *total: the offsets there were to read (at least
 * the messages read: markers and aborted records take offsets too). 0, or
 * -1 with one line in errstr (a missing topic, a broker that does not
 * answer, a read that stalls). */
int consume_all(const consume_config *cfg, consume_fn fn, void *ctx, int32_t *partitions, uint64_t *total, char *errstr,
                size_t errlen);

#endif
