/* SPDX-License-Identifier: Apache-2.0 */
/* sink_kafka.c - the Kafka sink: an idempotent librdkafka producer (see
 * sink.h). Every message ends in a delivery report, which counts it and
 * digests it in the partition the broker wrote it to. */
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/clip.h"
#include "admin.h"
#include "sink_impl.h"

/* A message's opaque carries its topic and the timestamp we set: brokers
 * may report LogAppendTime in the delivery report (the mock cluster does). */
#define OPAQUE_TOPIC_BITS 4
#define OPAQUE_TOPIC_MASK ((1u << OPAQUE_TOPIC_BITS) - 1)

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    sink *s = opaque;
    uint64_t packed = (uint64_t)(uintptr_t)m->_private;
    topic_id t = (topic_id)(packed & OPAQUE_TOPIC_MASK);
    int64_t ts = (int64_t)(packed >> OPAQUE_TOPIC_BITS);
    if (m->err) {
        sink_count_failed(s, t, rd_kafka_err2str(m->err));
        return;
    }
    sink_count_delivered(s, t, m->partition, m->key, m->key_len, m->payload, m->len, ts);
}

static int on_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque) {
    (void)rk;
    sink *s = opaque;
    if (s->on_stats) s->on_stats(s->stats_opaque, json, len);
    return 0; /* librdkafka frees json */
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    (void)rk;
    sink *s = opaque;
    /* Transport errors are retried by librdkafka; fatal ones surface via
     * rd_kafka_fatal_error() in kafka_fatal(). Before the cluster answered,
     * the connect error says it all, in one line. */
    if (s->connected && (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__FATAL))
        fprintf(stderr, "shopstream: kafka: %s\n", reason);
}

/* librdkafka's log lines: kept, not printed (unless -X debug asks for
 * them), so an error is one line of ours that quotes the last of them. */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    sink *s = rd_kafka_opaque(rk);
    if (!s) return;
    if (s->debug) {
        fprintf(stderr, "librdkafka: %s: %s\n", fac, buf);
        return;
    }
    if (level > 4) return; /* warnings and worse */
    pthread_mutex_lock(&s->log_lock);
    snprintf(s->last_log, sizeof s->last_log, "%s", buf);
    pthread_mutex_unlock(&s->log_lock);
}

static void last_log(sink *s, char *buf, size_t cap) {
    pthread_mutex_lock(&s->log_lock);
    snprintf(buf, cap, "%s", s->last_log);
    pthread_mutex_unlock(&s->log_lock);
}

/* Reaches the cluster before anything is produced: nothing half-published.
 * In short tries, so that a refusal that retrying cannot mend (a wrong
 * password, an untrusted certificate) ends the wait at once. librdkafka
 * 2.0 retries those as it retries a broker that is down and says which it
 * was only in its log, so the log's last line is what tells them apart. */
static sink_err kafka_connect(sink *s, const sink_config *cfg, char *errstr, size_t errlen) {
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t merr = RD_KAFKA_RESP_ERR__TIMED_OUT;
    char why[400] = "";
    for (int waited = 0; waited < cfg->connect_timeout_ms;) {
        int step = cfg->connect_timeout_ms - waited < 500 ? cfg->connect_timeout_ms - waited : 500;
        merr = rd_kafka_metadata(s->rk, 0, NULL, &md, step);
        if (!merr) break;
        waited += step;
        last_log(s, why, sizeof why);
        if (strcasestr(why, "authentication") || strcasestr(why, "SSL handshake failed") ||
            strcasestr(why, "certificate verify failed"))
            break;
    }
    if (merr) {
        last_log(s, why, sizeof why);
        snprintf(errstr, errlen, "cannot reach Kafka at %s within %d ms: %s%s%s%s%s", CLIP(cfg->brokers),
                 cfg->connect_timeout_ms, rd_kafka_err2str(merr), why[0] ? " (" : "", why, why[0] ? ")" : "",
                 kafka_conf_scram_hint(cfg, why));
        return SINK_ERR_CONNECT;
    }
    rd_kafka_metadata_destroy(md);
    s->connected = 1;
    return SINK_OK;
}

/* Fact topics keep the run (admin.h); dimensions compact, except products
 * while they carry versions (a temporal join needs them all). */
static admin_topic topic_policy(const sink *s, const sink_config *cfg, topic_id t) {
    admin_topic a = { s->topic_name[t], ADMIN_COMPACT, { NULL, t < TOPIC_FIRST_FACT } };
    if (t >= TOPIC_FIRST_FACT) a.retention = ADMIN_RETAIN_RUN;
    if (t == TOPIC_ORDER_ITEMS || t == TOPIC_PAYMENTS || t == TOPIC_SHIPMENTS)
        a.use.keys_shared = "an order's items, payments and shipments share its key";
    if (t == TOPIC_PRODUCTS && cfg->versioned_products)
        a = (admin_topic){ a.name, ADMIN_KEEP_ALL, { "a product's versions share its key (--product-changes on)", 0 } };
    if (t == TOPIC_CUSTOMERS && cfg->versioned_customers)
        a = (admin_topic){ a.name,
                           ADMIN_KEEP_ALL,
                           { "a customer's versions share its key (--customer-changes on)", 0 } };
    if (topic_is_change(t)) /* a table's history, every change of it */
        a = (admin_topic){ a.name, ADMIN_KEEP_ALL, { "a row's change events share its key (--changelog)", 0 } };
    return a;
}

static sink_err kafka_open(sink *s, const sink_config *cfg, char *errstr, size_t errlen) {
    char err[512];
    rd_kafka_conf_t *conf = kafka_conf_new(cfg, cfg->brokers, errstr, errlen);
    if (!conf) return SINK_ERR_CONFIG;
    rd_kafka_conf_set_opaque(conf, s);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_log_cb(conf, on_log);
    for (size_t i = 0; i < cfg->n_properties; i++)
        if (strcmp(cfg->properties[i].name, "debug") == 0) s->debug = 1;
    if (cfg->on_stats) {
        rd_kafka_conf_set(conf, "statistics.interval.ms", "1000", err, sizeof err);
        rd_kafka_conf_set_stats_cb(conf, on_stats);
    }
    s->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!s->rk) {
        snprintf(errstr, errlen, "cannot create the Kafka producer: %s", err);
        rd_kafka_conf_destroy(conf); /* rd_kafka_new takes it only on success */
        return SINK_ERR_CONFIG;
    }
    sink_err rc = kafka_connect(s, cfg, errstr, errlen);
    if (rc != SINK_OK) return rc;
    admin_topic topics[TOPIC_COUNT];
    int n = cfg->topics->n;
    for (int t = 0; t < n; t++) topics[t] = topic_policy(s, cfg, (topic_id)t);
    admin_limits limits = { cfg->window, cfg->allow_data_loss };
    if (admin_ensure_topics(s->rk, topics, (size_t)n, cfg->partitions, cfg->replication_factor,
                            cfg->embedded_broker ? NULL : &limits, cfg->connect_timeout_ms, errstr, errlen) != 0)
        return SINK_ERR_TOPICS;
    for (int t = 0; t < n; t++) {
        s->rkt[t] = rd_kafka_topic_new(s->rk, s->topic_name[t], NULL);
        if (!s->rkt[t]) {
            snprintf(errstr, errlen, "topic %s: %s", s->topic_name[t], rd_kafka_err2str(rd_kafka_last_error()));
            return SINK_ERR_CONFIG;
        }
    }
    return SINK_OK;
}

static int kafka_fatal(sink *s, char *errstr, size_t errlen) {
    if (!s->rk) return 0;
    char reason[512];
    rd_kafka_resp_err_t err = rd_kafka_fatal_error(s->rk, reason, sizeof reason);
    if (!err) return 0;
    snprintf(errstr, errlen, "fatal producer error: %s: %s", rd_kafka_err2name(err), reason);
    return 1;
}

static sink_err kafka_produce(sink *s, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                              int64_t timestamp_ms, const sink_hashed *ahead, char *errstr, size_t errlen) {
    (void)ahead; /* hashed from what was delivered or written */
    void *opaque = (void *)(uintptr_t)((uint64_t)timestamp_ms << OPAQUE_TOPIC_BITS | t);
    for (;;) {
        rd_kafka_resp_err_t err =
            rd_kafka_producev(s->rk, RD_KAFKA_V_RKT(s->rkt[t]), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_KEY((void *)key, key_len),
                              RD_KAFKA_V_VALUE(value_len ? (void *)value : NULL, value_len), /* 0: a tombstone */
                              RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            /* Backpressure: wait for deliveries; the engine waits on us. A
             * signal must not wait for a stalled broker to free room. */
            if (s->stop && *s->stop) return SINK_ERR_STOPPED;
            rd_kafka_poll(s->rk, 5);
            continue;
        }
        if (err == RD_KAFKA_RESP_ERR__FATAL && kafka_fatal(s, errstr, errlen)) return SINK_ERR_FATAL;
        snprintf(errstr, errlen, "producing to %s: %s", s->topic_name[t], rd_kafka_err2str(err));
        return SINK_ERR_FATAL;
    }
    sink_count_produced(s, t);
    return SINK_OK;
}

static void kafka_poll(sink *s, int timeout_ms) { rd_kafka_poll(s->rk, timeout_ms); }

static uint64_t kafka_flush(sink *s, int timeout_ms) {
    rd_kafka_flush(s->rk, timeout_ms);
    return (uint64_t)rd_kafka_outq_len(s->rk);
}

static void kafka_close(sink *s) {
    for (int t = TOPIC_COUNT - 1; t >= 0; t--)
        if (s->rkt[t]) rd_kafka_topic_destroy(s->rkt[t]);
    if (s->rk) rd_kafka_destroy(s->rk);
}

const sink_ops sink_kafka_ops = { kafka_open, kafka_produce, kafka_poll, kafka_flush, kafka_fatal, kafka_close, NULL };

sink_err sink_check_config(const sink_config *cfg, char *errstr, size_t errlen) {
    if (cfg->kind != SINK_KAFKA) return SINK_OK;
    rd_kafka_conf_t *conf = kafka_conf_new(cfg, NULL, errstr, errlen);
    if (!conf) return SINK_ERR_CONFIG;
    rd_kafka_conf_destroy(conf);
    return SINK_OK;
}

const char *sink_library_version(void) { return rd_kafka_version_str(); }
