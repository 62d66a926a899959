/* SPDX-License-Identifier: Apache-2.0 */
/* topic_limits.h - whether a topic keeps what a run writes into it, and
 * takes it at all: a topic's configs read against the run's time span.
 * Pure (no Kafka): admin.c reads the configs with DescribeConfigs and acts.
 *
 * The run: every record's timestamp lies in [start_ms, last_ms] (dimension
 * records at the start; facts and product versions before the end: an
 * order's life stops at the run's end, lifecycle.h); late messages and
 * duplicate copies keep their event time and are only handed over later,
 * at most delay_ms after it (delivery.h's longest delay), so the last
 * message is handed over by last_ms + delay_ms.
 *
 * When a record reaches the broker: at --speed max, now (the run's wall
 * time aside). Paced at speed s, a message released at simulated time r is
 * handed over at now + (r - start) / s on the wall clock, never earlier
 * (pace.h), later if the run falls behind; a record with timestamp t is
 * released at r in [t, t + delay_ms].
 *
 * What the broker does with a topic (cleanup.policy, retention.ms,
 * message.timestamp.*):
 *   - retention (cleanup.policy has delete): a segment is deleted once its
 *     newest timestamp is older than retention.ms (-1: never). Required:
 *     retention.ms >= now - start_ms + the run's wall span when paced
 *     ((last_ms + delay_ms - start_ms) / s), so that the run's oldest record
 *     is still there when the run ends. Refused below that, or with
 *     allow_loss a warning;
 *   - compaction (cleanup.policy has compact) keeps the latest record per
 *     key: refused for topics whose records share keys (keys_shared), or
 *     with allow_loss a warning;
 *   - timestamps: a record more than message.timestamp.after.max.ms ahead
 *     of the broker's clock, or message.timestamp.before.max.ms behind it,
 *     is refused with INVALID_TIMESTAMP (Kafka 3.6+; older brokers have
 *     message.timestamp.difference.max.ms for both sides: whichever the
 *     broker reports counts, the smaller when it reports several). Every
 *     record, handed over on schedule, must lie within them: refused
 *     otherwise, allow_loss or not (the broker would refuse every such
 *     record, after the dimensions were published). Records that all carry
 *     the start (customers, campaigns) are handed over first, at once:
 *     only that time is checked for them;
 *   - message.timestamp.type=LogAppendTime: the broker stamps each record
 *     with its own clock, so neither retention nor the timestamp limits
 *     see the run's times: nothing is checked but compaction.
 * The broker's clock is taken to be this machine's (now_ms). */
#ifndef SHOPSTREAM_TOPIC_LIMITS_H
#define SHOPSTREAM_TOPIC_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#define TOPIC_NO_LIMIT INT64_MAX
#define KAFKA_DEFAULT_RETENTION_MS INT64_C(604800000) /* log.retention.hours=168 */

/* The run's records in time (see above). speed: 0 at max speed, else
 * simulated seconds per wall second. */
typedef struct topic_window {
    int64_t start_ms; /* the oldest timestamp, where pacing counts from */
    int64_t last_ms;  /* the newest timestamp */
    int64_t delay_ms; /* the longest a message is handed over after its timestamp */
    double speed;
} topic_window;

/* What a topic's configs (or the broker's defaults for new topics) say. */
typedef struct topic_config {
    int known;                            /* the broker answered: else nothing is checked */
    int64_t retention_ms;                 /* -1: kept for ever */
    int retention_rank;                   /* broker defaults: ms (3) over minutes (2) over hours (1) */
    int deletes, compacts;                /* cleanup.policy has delete, has compact */
    char cleanup_policy[32];              /* as the broker says it, for errors */
    int log_append_time;                  /* message.timestamp.type=LogAppendTime */
    int64_t before_max_ms, after_max_ms;  /* TOPIC_NO_LIMIT: none */
    const char *before_name, *after_name; /* the settings those came from */
} topic_config;

/* Kafka's defaults before anything is read (cleanup.policy=delete,
 * CreateTime, no timestamp limits, retention.ms=-1), not known. */
void topic_config_init(topic_config *c);

/* One config entry as DescribeConfigs gives it, for a topic (retention.ms,
 * cleanup.policy, message.timestamp.*) or a broker (log.retention.ms,
 * .minutes, .hours, log.cleanup.policy, log.message.timestamp.*: the
 * defaults of the topics it creates). value NULL: unset. Others ignored. */
void topic_config_set(topic_config *c, const char *name, const char *value);

/* The retention the run needs (see above), in ms. */
int64_t topic_limits_retention_needed(const topic_window *w, int64_t now_ms);

/* retention.ms for a topic created now with broker_default (-1: for ever):
 * 0 when the default keeps the run; else what it needs plus broker_default,
 * so the run's records stay as long after it as the broker keeps any. */
int64_t topic_limits_retention_to_set(const topic_window *w, int64_t now_ms, int64_t broker_default);

/* What a run writes into one topic. */
typedef struct topic_use {
    const char *keys_shared; /* NULL: a record per key; else what shares keys (for the error) */
    int at_start;            /* every record carries the run's start and is handed over first */
} topic_use;

enum { TOPIC_FITS = 0, TOPIC_LOSES_DATA = 1, TOPIC_REFUSED = -1 };

/* Checks topic's configs c against the run's use of it. TOPIC_FITS (line ""); TOPIC_LOSES_DATA with allow_loss: line is the
 * warning, "warning: topic ...: ..."; TOPIC_REFUSED: line is the error,
 * "topic NAME: SETTING: expected ..., got ... (...); REMEDY". */
int topic_limits_check(const char *topic, const topic_config *c, const topic_use *use, const topic_window *w,
                       int64_t now_ms, int allow_loss, char *line, size_t cap);

#endif
