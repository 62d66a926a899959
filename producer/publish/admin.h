/* SPDX-License-Identifier: Apache-2.0 */
/* admin.h - making sure the topics exist as shopstream needs them, and
 * keep and take what the run writes.
 *
 * Before anything is published: topics that are missing are created with the
 * Admin API (the configured partitions and replication; dimension topics with
 * cleanup.policy=compact, since a record per id is all they hold, except a
 * products topic that carries versions: every version stays, for temporal
 * joins, with cleanup.policy=delete and retention.ms=-1; fact topics with
 * cleanup.policy=delete and the broker's default retention, or, when that
 * would delete the run's oldest records before the run ends, a retention.ms
 * of what the run needs plus that default: topic_limits.h); topics
 * that exist with another partition count are refused, since orders and
 * order_items must be co-partitioned for joins.
 *
 * With limits given, every topic's configs (DescribeConfigs: the existing
 * topics', and the broker's defaults for those about to be created) are
 * checked against the run's time span before anything is created: a
 * timestamp limit the run's records break is refused; a retention that
 * deletes them, or compaction of a topic whose records share keys, is
 * refused unless limits->allow_loss, which makes each a warning line on
 * stderr. A cluster that does not say (DescribeConfigs refused or not
 * supported) is not checked, and a warning line says so. */
#ifndef SHOPSTREAM_ADMIN_H
#define SHOPSTREAM_ADMIN_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

#include "topic_limits.h"

typedef enum admin_retention {
    ADMIN_RETAIN_RUN, /* facts: cleanup.policy=delete, a retention that keeps the run */
    ADMIN_COMPACT,    /* a record per key: cleanup.policy=compact */
    ADMIN_KEEP_ALL,   /* every version: cleanup.policy=delete, retention.ms=-1 */
} admin_retention;

typedef struct admin_topic {
    const char *name;
    admin_retention retention; /* of the topic when created here */
    topic_use use;             /* what the run writes into it, for the checks */
} admin_topic;

typedef struct admin_limits {
    topic_window window; /* the run's records in time */
    int allow_loss;      /* --allow-data-loss: retention and compaction that lose records only warn */
} admin_limits;

/* 0 when every topic exists with `partitions` partitions (creating the
 * missing ones) and, with limits, keeps and takes the run; -1 with one line
 * in errstr, nothing created when a check refused. replication < 1: the
 * broker's default. limits NULL: configs neither read nor checked. */
int admin_ensure_topics(rd_kafka_t *rk, const admin_topic *topics, size_t n, int partitions, int replication,
                        const admin_limits *limits, int timeout_ms, char *errstr, size_t errlen);

#endif
