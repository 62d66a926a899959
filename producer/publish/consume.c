/* SPDX-License-Identifier: Apache-2.0 */
/* consume.c - every partition read back to its end (see consume.h). */
#include "consume.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kafka_conf.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* librdkafka's log, less the warnings that a producer property of the run
 * (verify takes its -X) is ignored by this consumer: expected, not news. */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    if (strcmp(fac, "CONFWARN") == 0 && strstr(buf, "is a producer property")) return;
    rd_kafka_log_print(rk, level, fac, buf);
}

/* The consumer's settings, then the run's properties; NULL with errstr set
 * ("-X name=value: why", as the producer says it) if one is refused. */
static rd_kafka_conf_t *consumer_conf(const consume_config *cfg, char *errstr, size_t errlen) {
    char err[512], group[64];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    snprintf(group, sizeof group, "shopstream-verify-%ld", (long)getpid());
    const char *settings[][2] = { { "bootstrap.servers", cfg->brokers },
                                  { "group.id", group },
                                  { "enable.auto.commit", "false" },
                                  { "enable.auto.offset.store", "false" } };
    /* Set after the -X properties: how the reader knows a partition's end. */
    const char *pinned[][2] = { { "isolation.level", "read_committed" }, { "enable.partition.eof", "true" } };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1], err, sizeof err) != RD_KAFKA_CONF_OK) {
            snprintf(errstr, errlen, "%s: %s", settings[i][0], err);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    if (kafka_conf_apply(conf, cfg->properties, cfg->n_properties, errstr, errlen) != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    for (size_t i = 0; i < sizeof pinned / sizeof pinned[0]; i++)
        if (rd_kafka_conf_set(conf, pinned[i][0], pinned[i][1], err, sizeof err) != RD_KAFKA_CONF_OK) {
            snprintf(errstr, errlen, "%s: %s", pinned[i][0], err);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    rd_kafka_conf_set_log_cb(conf, on_log);
    return conf;
}

int consume_check_config(const consume_config *cfg, char *errstr, size_t errlen) {
    rd_kafka_conf_t *conf = consumer_conf(cfg, errstr, errlen);
    if (!conf) return -1;
    rd_kafka_conf_destroy(conf);
    return 0;
}

static rd_kafka_t *open_consumer(const consume_config *cfg, char *errstr, size_t errlen) {
    char err[512];
    rd_kafka_conf_t *conf = consumer_conf(cfg, errstr, errlen);
    if (!conf) return NULL;
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) {
        snprintf(errstr, errlen, "a Kafka consumer: %s", err);
        rd_kafka_conf_destroy(conf); /* rd_kafka_new takes it only on success */
        return NULL;
    }
    return rk;
}

/* The partitions with offsets, assigned from their low offsets; their high
 * watermarks in hi[topic * max_p + p]; *total: the offsets between (an
 * upper bound of the messages: transaction markers and aborted records
 * take offsets no read_committed consumer receives). */
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
            snprintf(errstr, errlen, "topic %s: expected at most %d partitions, got %d", cfg->topics[t], max_p,
                     partitions[t]);
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

/* Partition (ti, p) read to its end: 1 the first time, 0 after. */
static int close_partition(unsigned char *done, size_t i) {
    if (done[i]) return 0;
    done[i] = 1;
    return 1;
}

int consume_all(const consume_config *cfg, consume_fn fn, void *ctx, int32_t *partitions, uint64_t *total, char *errstr,
                size_t errlen) {
    const int32_t max_p = cfg->max_partitions > 0 ? cfg->max_partitions : 1;
    int64_t *hi = calloc(cfg->n_topics * (size_t)max_p, sizeof *hi);
    unsigned char *done = calloc(cfg->n_topics * (size_t)max_p, 1);
    rd_kafka_t *rk = hi && done ? open_consumer(cfg, errstr, errlen) : NULL;
    int rc = -1;
    size_t open = 0;
    if (!hi || !done) snprintf(errstr, errlen, "out of memory");
    if (!rk || assign_all(rk, cfg, ctx, partitions, hi, max_p, total, &open, errstr, errlen) != 0) goto out;
    uint64_t read = 0;
    double last = now_s(), shown = last;
    while (open > 0) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
        double t = now_s();
        if (cfg->progress && t - shown >= 2.0) {
            fprintf(stderr, "shopstream: verify: read %llu messages of at most %llu\n", (unsigned long long)read,
                    (unsigned long long)*total);
            shown = t;
        }
        if (!m) {
            if (t - last > cfg->timeout_ms / 1000.0) {
                snprintf(errstr, errlen, "reading back: no message for %d ms with %llu of at most %llu read",
                         cfg->timeout_ms, (unsigned long long)read, (unsigned long long)*total);
                goto out;
            }
            continue;
        }
        last = t;
        size_t ti = m->rkt ? topic_index(cfg, rd_kafka_topic_name(m->rkt)) : SIZE_MAX;
        size_t i = ti * (size_t)max_p + (size_t)m->partition;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            /* Its last stable offset: all a consumer may see (the high
             * watermark may count a commit marker it never receives). */
            if (ti != SIZE_MAX && m->partition >= 0 && m->partition < max_p) open -= close_partition(done, i);
        } else if (m->err) {
            snprintf(errstr, errlen, "reading back: %s", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            goto out;
        } else if (ti != SIZE_MAX && m->offset < hi[i] && !done[i]) {
            rd_kafka_timestamp_type_t type;
            fn(ctx, ti, m->partition, m->key, m->key_len, m->payload, m->len, rd_kafka_message_timestamp(m, &type));
            read++;
            if (m->offset + 1 >= hi[i]) open -= close_partition(done, i);
        } else if (ti != SIZE_MAX && m->offset >= hi[i]) {
            open -= close_partition(done, i); /* past where it ended when reading began */
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
    free(done);
    return rc;
}
