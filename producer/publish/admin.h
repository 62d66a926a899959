/* SPDX-License-Identifier: Apache-2.0 */
/* admin.h - making sure the topics exist as shopstream needs them.
 *
 * Before anything is published: topics that are missing are created with the
 * Admin API (the configured partitions and replication; dimension topics with
 * cleanup.policy=compact, since a record per id is all they hold, except a
 * products topic that carries versions: every version stays, for temporal
 * joins, with cleanup.policy=delete and retention.ms=-1); topics
 * that exist with another partition count are refused, since orders and
 * order_items must be co-partitioned for joins. */
#ifndef SHOPSTREAM_ADMIN_H
#define SHOPSTREAM_ADMIN_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

typedef enum admin_retention {
    ADMIN_BROKER_DEFAULT, /* facts: the broker's defaults */
    ADMIN_COMPACT,        /* a record per key: cleanup.policy=compact */
    ADMIN_KEEP_ALL,       /* every version: cleanup.policy=delete, retention.ms=-1 */
} admin_retention;

typedef struct admin_topic {
    const char *name;
    admin_retention retention; /* of the topic when created here */
} admin_topic;

/* 0 when every topic exists with `partitions` partitions (creating the
 * missing ones); -1 with one line in errstr. replication < 1: the broker's
 * default. */
int admin_ensure_topics(rd_kafka_t *rk, const admin_topic *topics, size_t n, int partitions, int replication,
                        int timeout_ms, char *errstr, size_t errlen);

#endif
