/* SPDX-License-Identifier: Apache-2.0 */
/* admin.c - topic checks and creation through librdkafka's Admin API (see admin.h). */
#include "admin.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin_describe.h"

#define ADMIN_TOPICS_MAX 16

/* Partition count of each topic in the cluster's metadata (0: missing);
 * *broker: a broker's id (-1: none), when not NULL. */
static int partition_counts(rd_kafka_t *rk, const admin_topic *topics, size_t n, int *counts, int32_t *broker,
                            int timeout_ms, char *errstr, size_t errlen) {
    const struct rd_kafka_metadata *md = NULL;
    /* All topics: naming them could make the broker auto-create them. */
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
    if (err) {
        snprintf(errstr, errlen, "reading topic metadata: %s", rd_kafka_err2str(err));
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        counts[i] = 0;
        for (int t = 0; t < md->topic_cnt; t++)
            if (strcmp(md->topics[t].topic, topics[i].name) == 0 && !md->topics[t].err)
                counts[i] = md->topics[t].partition_cnt;
    }
    if (broker) *broker = md->broker_cnt > 0 ? md->brokers[0].id : -1;
    rd_kafka_metadata_destroy(md);
    return 0;
}

/* retention[i] > 0: the retention.ms fact topic i is created with. */
static int create_missing(rd_kafka_t *rk, const admin_topic *topics, size_t n, const int *counts,
                          const int64_t *retention, int partitions, int replication, int timeout_ms, char *errstr,
                          size_t errlen) {
    rd_kafka_NewTopic_t *create[ADMIN_TOPICS_MAX];
    size_t n_create = 0;
    char err[512], ms[24];
    int rc = -1;
    for (size_t i = 0; i < n && n_create < ADMIN_TOPICS_MAX; i++) {
        if (counts[i] != 0) continue;
        rd_kafka_NewTopic_t *nt =
            rd_kafka_NewTopic_new(topics[i].name, partitions, replication > 0 ? replication : -1, err, sizeof err);
        if (!nt) {
            snprintf(errstr, errlen, "topic %s: %s", topics[i].name, err);
            goto out;
        }
        create[n_create++] = nt;
        if (topics[i].retention == ADMIN_COMPACT) rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
        if (topics[i].retention == ADMIN_KEEP_ALL) {
            rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "delete");
            rd_kafka_NewTopic_set_config(nt, "retention.ms", "-1");
        }
        if (topics[i].retention == ADMIN_RETAIN_RUN) {
            rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "delete");
            snprintf(ms, sizeof ms, "%" PRId64, retention[i]);
            if (retention[i] > 0) rd_kafka_NewTopic_set_config(nt, "retention.ms", ms);
        }
    }
    if (n_create == 0) return 0;
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opt = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_operation_timeout(opt, timeout_ms, err, sizeof err);
    rd_kafka_CreateTopics(rk, create, n_create, opt, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 2000);
    const rd_kafka_CreateTopics_result_t *res = ev ? rd_kafka_event_CreateTopics_result(ev) : NULL;
    if (!res) {
        snprintf(errstr, errlen, "creating topics: %s", ev ? rd_kafka_event_error_string(ev) : "timed out");
    } else if (rd_kafka_event_error(ev)) {
        snprintf(errstr, errlen, "creating topics: %s", rd_kafka_event_error_string(ev));
    } else {
        size_t cnt;
        const rd_kafka_topic_result_t **tr = rd_kafka_CreateTopics_result_topics(res, &cnt);
        rc = 0;
        for (size_t i = 0; i < cnt && rc == 0; i++) {
            rd_kafka_resp_err_t e = rd_kafka_topic_result_error(tr[i]);
            if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                snprintf(errstr, errlen, "creating topic %s: %s", rd_kafka_topic_result_name(tr[i]),
                         rd_kafka_topic_result_error_string(tr[i]) ? rd_kafka_topic_result_error_string(tr[i])
                                                                   : rd_kafka_err2str(e));
                rc = -1;
            }
        }
    }
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(opt);
    rd_kafka_queue_destroy(q);
out:
    rd_kafka_NewTopic_destroy_array(create, n_create);
    return rc;
}

static int64_t wall_clock_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What a missing topic will be: the broker's defaults, and what
 * create_missing sets (retention[i] chosen here for fact topics). */
static topic_config as_created(const admin_topic *t, const topic_config *defaults, const topic_window *w,
                               int64_t now_ms, int64_t *retention) {
    topic_config c = *defaults;
    *retention = 0;
    if (t->retention == ADMIN_COMPACT) topic_config_set(&c, "cleanup.policy", "compact");
    if (t->retention == ADMIN_KEEP_ALL) {
        topic_config_set(&c, "cleanup.policy", "delete");
        topic_config_set(&c, "retention.ms", "-1");
    }
    if (t->retention == ADMIN_RETAIN_RUN) {
        topic_config_set(&c, "cleanup.policy", "delete");
        /* A broker that did not say: Kafka's default, 7 days. */
        int64_t def = defaults->known ? defaults->retention_ms : KAFKA_DEFAULT_RETENTION_MS;
        *retention = topic_limits_retention_to_set(w, now_ms, def);
        if (*retention > 0) c.retention_ms = *retention;
    }
    return c;
}

/* Every topic's configs (read, or as it will be created) against the run:
 * 0, warnings printed; -1 with the refusal in errstr. */
static int check_limits(rd_kafka_t *rk, const admin_topic *topics, size_t n, const int *counts, int32_t broker,
                        const admin_limits *limits, int64_t *retention, int timeout_ms, char *errstr, size_t errlen) {
    const char *names[ADMIN_TOPICS_MAX];
    int want[ADMIN_TOPICS_MAX], missing = 0;
    topic_config cfg[ADMIN_TOPICS_MAX], defaults;
    char why[512], line[1200];
    for (size_t i = 0; i < n; i++) {
        names[i] = topics[i].name;
        want[i] = counts[i] != 0;
        missing |= !want[i];
    }
    int64_t now = wall_clock_ms();
    if (admin_describe_configs(rk, names, want, n, missing ? broker : -1, cfg, &defaults, timeout_ms, why,
                               sizeof why) != 0)
        fprintf(stderr,
                "shopstream: warning: %s: the topics' retention, compaction and timestamp limits are not checked\n",
                why);
    for (size_t i = 0; i < n; i++) {
        if (!want[i]) cfg[i] = as_created(&topics[i], &defaults, &limits->window, now, &retention[i]);
        int v = topic_limits_check(topics[i].name, &cfg[i], &topics[i].use, &limits->window, now, limits->allow_loss,
                                   line, sizeof line);
        if (v == TOPIC_REFUSED) {
            snprintf(errstr, errlen, "%s", line);
            return -1;
        }
        if (v == TOPIC_LOSES_DATA) fprintf(stderr, "shopstream: %s\n", line);
    }
    return 0;
}

int admin_ensure_topics(rd_kafka_t *rk, const admin_topic *topics, size_t n, int partitions, int replication,
                        const admin_limits *limits, int timeout_ms, char *errstr, size_t errlen) {
    int counts[ADMIN_TOPICS_MAX];
    int64_t retention[ADMIN_TOPICS_MAX] = { 0 };
    int32_t broker = -1;
    if (n > ADMIN_TOPICS_MAX) {
        snprintf(errstr, errlen, "too many topics");
        return -1;
    }
    if (partition_counts(rk, topics, n, counts, &broker, timeout_ms, errstr, errlen) != 0) return -1;
    for (size_t i = 0; i < n; i++)
        if (counts[i] != 0 && counts[i] != partitions) {
            snprintf(errstr, errlen,
                     "topic %s exists with %d partitions, not %d: pass --partitions %d to use it "
                     "(orders and order_items must match for joins), or another --topic-prefix",
                     topics[i].name, counts[i], partitions, counts[i]);
            return -1;
        }
    if (limits && check_limits(rk, topics, n, counts, broker, limits, retention, timeout_ms, errstr, errlen) != 0)
        return -1;
    if (create_missing(rk, topics, n, counts, retention, partitions, replication, timeout_ms, errstr, errlen) != 0)
        return -1;
    /* Wait until the new topics show in metadata with their partitions. */
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (partition_counts(rk, topics, n, counts, NULL, timeout_ms, errstr, errlen) != 0) return -1;
        size_t ready = 0;
        for (size_t i = 0; i < n; i++) ready += counts[i] == partitions;
        if (ready == n) return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms) {
            snprintf(errstr, errlen, "topics were created but did not appear within %d ms", timeout_ms);
            return -1;
        }
        struct timespec pause = { 0, 100000000 };
        nanosleep(&pause, NULL);
    }
}
