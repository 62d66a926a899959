/* SPDX-License-Identifier: Apache-2.0 */
/* admin.c - topic checks and creation through librdkafka's Admin API (see admin.h). */
#include "admin.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Partition count of each topic in the cluster's metadata (0: missing). */
static int partition_counts(rd_kafka_t *rk, const admin_topic *topics, size_t n, int *counts, int timeout_ms,
                            char *errstr, size_t errlen) {
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
    rd_kafka_metadata_destroy(md);
    return 0;
}

static int create_missing(rd_kafka_t *rk, const admin_topic *topics, size_t n, const int *counts, int partitions,
                          int replication, int timeout_ms, char *errstr, size_t errlen) {
    rd_kafka_NewTopic_t *create[16];
    size_t n_create = 0;
    char err[512];
    int rc = -1;
    for (size_t i = 0; i < n && n_create < 16; i++) {
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

int admin_ensure_topics(rd_kafka_t *rk, const admin_topic *topics, size_t n, int partitions, int replication,
                        int timeout_ms, char *errstr, size_t errlen) {
    int counts[16];
    if (n > 16) {
        snprintf(errstr, errlen, "too many topics");
        return -1;
    }
    if (partition_counts(rk, topics, n, counts, timeout_ms, errstr, errlen) != 0) return -1;
    for (size_t i = 0; i < n; i++)
        if (counts[i] != 0 && counts[i] != partitions) {
            snprintf(errstr, errlen,
                     "topic %s exists with %d partitions, not %d: pass --partitions %d to use it "
                     "(orders and order_items must match for joins), or another --topic-prefix",
                     topics[i].name, counts[i], partitions, counts[i]);
            return -1;
        }
    if (create_missing(rk, topics, n, counts, partitions, replication, timeout_ms, errstr, errlen) != 0) return -1;
    /* Wait until the new topics show in metadata with their partitions. */
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (partition_counts(rk, topics, n, counts, timeout_ms, errstr, errlen) != 0) return -1;
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
