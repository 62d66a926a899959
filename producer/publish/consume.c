/* SPDX-License-Identifier: Apache-2.0 */
/* consume.c - every partition read back to its high watermark (see consume.h). */
#include "consume.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static rd_kafka_t *open_consumer(const consume_config *cfg, char *errstr, size_t errlen) {
    char err[512], group[64];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    snprintf(group, sizeof group, "shopstream-verify-%ld", (long)getpid());
    const char *settings[][2] = { { "bootstrap.servers", cfg->brokers },
                                  { "group.id", group },
                                  { "enable.auto.commit", "false" },
                                  { "enable.auto.offset.store", "false" },
                                  { "enable.partition.eof", "false" } };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1], err, sizeof err) != RD_KAFKA_CONF_OK) {
            snprintf(errstr, errlen, "%s: %s", settings[i][0], err);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    for (size_t i = 0; i < cfg->n_properties; i++) /* producer-only names are refused here: skip them */
        rd_kafka_conf_set(conf, cfg->properties[i].name, cfg->properties[i].value, err, sizeof err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) {
        snprintf(errstr, errlen, "a Kafka consumer: %s", err);
        return NULL;
    }
    return rk;
}

/* The partitions with messages, assigned from their low offsets; their high
 * watermarks in hi[topic * max_p + p]. */
static int assign_all(rd_kafka_t *rk, const consume_config *cfg, void *ctx, int32_t *partitions, int64_t *hi,
                      int32_t max_p, uint64_t *total, size_t *open, char *errstr, size_t errlen) {
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(64);
    int rc = -1;
    *total = 0;
    *open = 0;
    for (size_t t = 0; t < cfg->n_topics; t++) {
        const rd_kafka_metadata_t *md = NULL;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, cfg->topics[t], NULL);
        rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, cfg->timeout_ms);
        rd_kafka_topic_destroy(rkt);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 || md->topics[0].err) {
            snprintf(errstr, errlen, "topic %s: %s", cfg->topics[t],
                     e ? rd_kafka_err2str(e) : rd_kafka_err2str(md->topics[0].err));
            if (md) rd_kafka_metadata_destroy(md);
            goto out;
        }
        partitions[t] = md->topics[0].partition_cnt;
        rd_kafka_metadata_destroy(md);
        if (partitions[t] > max_p) {
            snprintf(errstr, errlen, "topic %s has %d partitions, more than %d", cfg->topics[t], partitions[t], max_p);
            goto out;
        }
        for (int32_t p = 0; p < partitions[t]; p++) {
            int64_t lo, high;
            e = rd_kafka_query_watermark_offsets(rk, cfg->topics[t], p, &lo, &high, cfg->timeout_ms);
            if (e) {
                snprintf(errstr, errlen, "topic %s [%d]: %s", cfg->topics[t], p, rd_kafka_err2str(e));
                goto out;
            }
            hi[t * (size_t)max_p + (size_t)p] = high;
            if (cfg->on_start) cfg->on_start(ctx, t, p, lo);
            if (high > lo) {
                rd_kafka_topic_partition_list_add(list, cfg->topics[t], p)->offset = lo;
                *total += (uint64_t)(high - lo);
                (*open)++;
            }
        }
    }
    rd_kafka_resp_err_t e = rd_kafka_assign(rk, list);
    if (e)
        snprintf(errstr, errlen, "assigning partitions: %s", rd_kafka_err2str(e));
    else
        rc = 0;
out:
    rd_kafka_topic_partition_list_destroy(list);
    return rc;
}

static size_t topic_index(const consume_config *cfg, const char *name) {
    for (size_t t = 0; t < cfg->n_topics; t++)
        if (strcmp(cfg->topics[t], name) == 0) return t;
    return SIZE_MAX;
}

int consume_all(const consume_config *cfg, consume_fn fn, void *ctx, int32_t *partitions, uint64_t *total, char *errstr,
                size_t errlen) {
    enum { MAX_P = 1024 };
    int64_t *hi = calloc(cfg->n_topics * MAX_P, sizeof *hi);
    rd_kafka_t *rk = hi ? open_consumer(cfg, errstr, errlen) : NULL;
    int rc = -1;
    size_t open = 0;
    if (!hi) snprintf(errstr, errlen, "out of memory");
    if (!rk || assign_all(rk, cfg, ctx, partitions, hi, MAX_P, total, &open, errstr, errlen) != 0) goto out;
    uint64_t read = 0;
    double last = now_s(), shown = last;
    while (open > 0) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
        double t = now_s();
        if (cfg->progress && t - shown >= 2.0) {
            fprintf(stderr, "shopstream: verify: read %llu of %llu messages\n", (unsigned long long)read,
                    (unsigned long long)*total);
            shown = t;
        }
        if (!m) {
            if (t - last > cfg->timeout_ms / 1000.0) {
                snprintf(errstr, errlen, "reading back: no message for %d ms with %llu of %llu read", cfg->timeout_ms,
                         (unsigned long long)read, (unsigned long long)*total);
                goto out;
            }
            continue;
        }
        last = t;
        if (m->err) {
            snprintf(errstr, errlen, "reading back: %s", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            goto out;
        }
        size_t ti = topic_index(cfg, rd_kafka_topic_name(m->rkt));
        if (ti != SIZE_MAX && m->offset < hi[ti * MAX_P + (size_t)m->partition]) {
            rd_kafka_timestamp_type_t type;
            fn(ctx, ti, m->partition, m->key, m->key_len, m->payload, m->len, rd_kafka_message_timestamp(m, &type));
            read++;
            if (m->offset + 1 >= hi[ti * MAX_P + (size_t)m->partition]) open--;
        }
        rd_kafka_message_destroy(m);
    }
    rc = 0;
out:
    if (rk) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    free(hi);
    return rc;
}
