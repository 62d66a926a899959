/* SPDX-License-Identifier: Apache-2.0 */
/* sink.c - librdkafka producer and null sink (see sink.h). */
#include "sink.h"

#include <librdkafka/rdkafka.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "digest.h"
#include "base/secrets.h"

#define OPAQUE_TOPIC_BITS 4
#define OPAQUE_TOPIC_MASK ((1u << OPAQUE_TOPIC_BITS) - 1)

struct sink {
    sink_kind kind;
    void (*on_stats)(void *opaque, const char *json, size_t len);
    void *stats_opaque;
    volatile sig_atomic_t *stop;
    size_t digest_skip;
    void (*tap)(void *ctx, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                int64_t timestamp_ms);
    void *tap_ctx;
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt[TOPIC_COUNT];
    char topic_name[TOPIC_COUNT][TOPIC_NAME_MAX + 1];
    uint64_t topic_digest[TOPIC_COUNT]; /* digest_topic of each name */
    sink_counters counters;
    stdout_columns columns;
    int binary_keys;
    int connected;         /* the cluster answered: from then on errors are the run's news */
    int debug;             /* -X debug=...: librdkafka's log lines go to stderr as they come */
    pthread_mutex_t log_lock; /* @locks last_log (librdkafka logs from its own threads) */
    char last_log[400];    /* the last warning or error librdkafka logged, for our one line */
};

/* shopstream's producer defaults; config kafka.properties and -X override. */
static const sink_property producer_defaults[] = {
    { "enable.idempotence", "true" },
    { "allow.auto.create.topics", "false" }, /* admin.c creates them as we need them */
    { "acks", "all" },
    { "partitioner", "murmur2_random" },
    { "compression.type", "lz4" },
    { "linger.ms", "5" },
    { "batch.num.messages", "10000" },
    { "queue.buffering.max.messages", "200000" },
    { "queue.buffering.max.kbytes", "65536" },
    { "message.timeout.ms", "60000" },
};

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    sink *s = opaque;
    /* The opaque carries the topic and the timestamp we set: brokers may
     * report LogAppendTime in the delivery report (the mock cluster does). */
    uint64_t packed = (uint64_t)(uintptr_t)m->_private;
    topic_id t = (topic_id)(packed & OPAQUE_TOPIC_MASK);
    int64_t ts = (int64_t)(packed >> OPAQUE_TOPIC_BITS);
    sink_topic_counters *tc = &s->counters.topic[t];
    if (m->err) {
        tc->failed++;
        s->counters.failed++;
        if (!s->counters.first_error[0])
            snprintf(s->counters.first_error, sizeof s->counters.first_error, "%.120s: %.120s",
                     s->topic_name[t], rd_kafka_err2str(m->err));
        return;
    }
    size_t bytes = m->len + m->key_len;
    tc->delivered++;
    tc->bytes += bytes;
    s->counters.delivered++;
    s->counters.bytes += bytes;
    s->counters.digest += digest_message_in(s->topic_digest[t], m->key, m->key_len,
                                            (const char *)m->payload + s->digest_skip, m->len - s->digest_skip, ts);
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
     * rd_kafka_fatal_error() in sink_fatal(). Before the cluster answered,
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

/* librdkafka before 2.6.1 speaks a SCRAM that Kafka 4 refuses as invalid
 * credentials (librdkafka issue 4895): say so when that is what failed. */
static const char *scram_hint(const sink_config *cfg, const char *why) {
    int scram = 0;
    for (size_t i = 0; i < cfg->n_properties; i++)
        if (strncmp(cfg->properties[i].name, "sasl.mechanism", 14) == 0 && strcasestr(cfg->properties[i].value, "SCRAM"))
            scram = 1;
    if (!scram || rd_kafka_version() >= 0x020601ff || !strcasestr(why, "authentication")) return "";
    return "; note: this librdkafka's SASL/SCRAM is refused by Kafka 4 even with the right password, "
           "librdkafka 2.6.1 fixed it (issue 4895)";
}

static void last_log(sink *s, char *buf, size_t cap) {
    pthread_mutex_lock(&s->log_lock);
    snprintf(buf, cap, "%s", s->last_log);
    pthread_mutex_unlock(&s->log_lock);
}

/* A producer configuration: bootstrap servers, our defaults, then the
 * user's properties in order. NULL with errstr set if one is refused. */
static rd_kafka_conf_t *make_conf(const sink_config *cfg, const char *brokers, char *errstr, size_t errlen) {
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (brokers && rd_kafka_conf_set(conf, "bootstrap.servers", brokers, err, sizeof err) != RD_KAFKA_CONF_OK) {
        snprintf(errstr, errlen, "-b %s: %s", brokers, err);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    for (size_t i = 0; i < sizeof producer_defaults / sizeof producer_defaults[0]; i++)
        rd_kafka_conf_set(conf, producer_defaults[i].name, producer_defaults[i].value, err, sizeof err);
    for (size_t i = 0; i < cfg->n_properties; i++) {
        const sink_property *p = &cfg->properties[i];
        if (rd_kafka_conf_set(conf, p->name, p->value, err, sizeof err) != RD_KAFKA_CONF_OK) {
            /* The value only when it cannot be a secret (an unknown name may
             * be a mistyped secret one). */
            int known = !strstr(err, "No such configuration property");
            if (known && !secrets_property_is_secret(p->name)) snprintf(errstr, errlen, "-X %s=%s: %s", p->name, p->value, err);
            else snprintf(errstr, errlen, "-X %s=***: %s", p->name, err);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    }
    return conf;
}

sink_err sink_check_config(const sink_config *cfg, char *errstr, size_t errlen) {
    if (cfg->kind != SINK_KAFKA) return SINK_OK;
    rd_kafka_conf_t *conf = make_conf(cfg, NULL, errstr, errlen);
    if (!conf) return SINK_ERR_CONFIG;
    rd_kafka_conf_destroy(conf);
    return SINK_OK;
}

static sink_err kafka_open(sink *s, const sink_config *cfg, char *errstr, size_t errlen) {
    char err[512];
    rd_kafka_conf_t *conf = make_conf(cfg, cfg->brokers, errstr, errlen);
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
    /* Reach the cluster before anything is produced: nothing half-published.
     * In short tries, so that a refusal that retrying cannot mend (a wrong
     * password, an untrusted certificate) ends the wait at once. */
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
        snprintf(errstr, errlen, "cannot reach Kafka at %s within %d ms: %s%s%s%s%s", cfg->brokers,
                 cfg->connect_timeout_ms, rd_kafka_err2str(merr), why[0] ? " (" : "", why, why[0] ? ")" : "",
                 scram_hint(cfg, why));
        return SINK_ERR_CONNECT;
    }
    rd_kafka_metadata_destroy(md);
    s->connected = 1;
    admin_topic topics[TOPIC_COUNT];
    for (int t = 0; t < TOPIC_COUNT; t++)
        topics[t] = (admin_topic){ s->topic_name[t], t >= TOPIC_FIRST_FACT                         ? ADMIN_BROKER_DEFAULT
                                                     : t == TOPIC_PRODUCTS && cfg->versioned_products ? ADMIN_KEEP_ALL
                                                                                                      : ADMIN_COMPACT };
    if (admin_ensure_topics(s->rk, topics, TOPIC_COUNT, cfg->partitions, cfg->replication_factor,
                            cfg->connect_timeout_ms, errstr, errlen) != 0)
        return SINK_ERR_TOPICS;
    for (int t = 0; t < TOPIC_COUNT; t++) {
        s->rkt[t] = rd_kafka_topic_new(s->rk, s->topic_name[t], NULL);
        if (!s->rkt[t]) {
            snprintf(errstr, errlen, "topic %s: %s", s->topic_name[t], rd_kafka_err2str(rd_kafka_last_error()));
            return SINK_ERR_CONFIG;
        }
    }
    return SINK_OK;
}

sink_err sink_new(const sink_config *cfg, sink **out, char *errstr, size_t errlen) {
    *out = NULL;
    sink *s = calloc(1, sizeof *s);
    if (!s) { snprintf(errstr, errlen, "out of memory"); return SINK_ERR_FATAL; }
    s->kind = cfg->kind;
    if (pthread_mutex_init(&s->log_lock, NULL) != 0) {
        free(s);
        snprintf(errstr, errlen, "cannot initialise the sink's lock");
        return SINK_ERR_FATAL;
    }
    s->columns = cfg->columns;
    s->binary_keys = cfg->binary_keys;
    if (s->kind == SINK_STDOUT) setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    s->digest_skip = cfg->digest_skip;
    s->tap = cfg->tap;
    s->tap_ctx = cfg->tap_ctx;
    s->on_stats = cfg->on_stats;
    s->stats_opaque = cfg->stats_opaque;
    s->stop = cfg->stop;
    for (int t = 0; t < TOPIC_COUNT; t++) {
        snprintf(s->topic_name[t], sizeof s->topic_name[t], "%s", cfg->topics->name[t]);
        s->topic_digest[t] = digest_topic(s->topic_name[t]);
    }
    if (cfg->kind == SINK_KAFKA) {
        sink_err rc = kafka_open(s, cfg, errstr, errlen);
        if (rc != SINK_OK) { sink_free(s); return rc; }
    }
    *out = s;
    return SINK_OK;
}

void sink_free(sink *s) {
    if (!s) return;
    for (int t = TOPIC_COUNT - 1; t >= 0; t--)
        if (s->rkt[t]) rd_kafka_topic_destroy(s->rkt[t]);
    if (s->rk) rd_kafka_destroy(s->rk);
    pthread_mutex_destroy(&s->log_lock);
    free(s);
}

const char *sink_topic_name(const sink *s, topic_id t) { return s->topic_name[t]; }

/* --sink stdout: [topic TAB] [key TAB] value NEWLINE. A reader that went
 * away (jq exited, `| head`) ends the run: SIGPIPE is ignored, so it is
 * EPIPE here. */
static int write_line(sink *s, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                      char *errstr, size_t errlen) {
    if (s->columns == STDOUT_TOPIC_KEY_VALUE) fprintf(stdout, "%s\t", s->topic_name[t]);
    if (s->columns != STDOUT_VALUE) {
        if (s->binary_keys && key_len == 8) {
            const unsigned char *k = key;
            uint64_t id = 0;
            for (int i = 0; i < 8; i++) id = id << 8 | k[i];
            fprintf(stdout, "%lld\t", (long long)id);
        } else {
            fwrite(key, 1, key_len, stdout);
            fputc('\t', stdout);
        }
    }
    fwrite(value, 1, value_len, stdout);
    if (fputc('\n', stdout) == EOF || ferror(stdout)) {
        snprintf(errstr, errlen, "stdout: %s", errno == EPIPE ? "the reader closed it" : strerror(errno));
        return -1;
    }
    return 0;
}

sink_err sink_produce(sink *s, topic_id t, const void *key, size_t key_len,
                      const void *value, size_t value_len, int64_t timestamp_ms,
                      char *errstr, size_t errlen) {
    sink_topic_counters *tc = &s->counters.topic[t];
    if (timestamp_ms < 0 || timestamp_ms >= SINK_TIMESTAMP_LIMIT) {
        snprintf(errstr, errlen, "%s: timestamp %lld is outside [0, 2^59) ms", s->topic_name[t], (long long)timestamp_ms);
        return SINK_ERR_FATAL;
    }
    if (s->kind == SINK_STDOUT && write_line(s, t, key, key_len, value, value_len, errstr, errlen) != 0)
        return SINK_ERR_FATAL;
    if (s->kind == SINK_NULL || s->kind == SINK_STDOUT) {
        tc->produced++; tc->delivered++; tc->bytes += key_len + value_len;
        s->counters.produced++; s->counters.delivered++; s->counters.bytes += key_len + value_len;
        s->counters.digest += digest_message_in(s->topic_digest[t], key, key_len, (const char *)value + s->digest_skip,
                                                value_len - s->digest_skip, timestamp_ms);
        if (s->tap) s->tap(s->tap_ctx, t, key, key_len, value, value_len, timestamp_ms);
        return SINK_OK;
    }
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            s->rk, RD_KAFKA_V_RKT(s->rkt[t]), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY((void *)key, key_len), RD_KAFKA_V_VALUE((void *)value, value_len),
            RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_OPAQUE((void *)(uintptr_t)((uint64_t)timestamp_ms << OPAQUE_TOPIC_BITS | t)), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            /* Backpressure: wait for deliveries; the engine waits on us. A
             * signal must not wait for a stalled broker to free room. */
            if (s->stop && *s->stop) return SINK_ERR_STOPPED;
            rd_kafka_poll(s->rk, 5);
            continue;
        }
        if (err == RD_KAFKA_RESP_ERR__FATAL && sink_fatal(s, errstr, errlen)) return SINK_ERR_FATAL;
        snprintf(errstr, errlen, "producing to %s: %s", s->topic_name[t], rd_kafka_err2str(err));
        return SINK_ERR_FATAL;
    }
    tc->produced++;
    s->counters.produced++;
    return SINK_OK;
}

void sink_poll(sink *s, int timeout_ms) {
    if (s->rk) rd_kafka_poll(s->rk, timeout_ms);
}

uint64_t sink_flush(sink *s, int timeout_ms) {
    if (s->kind == SINK_STDOUT) fflush(stdout);
    if (!s->rk) return 0;
    rd_kafka_flush(s->rk, timeout_ms);
    return (uint64_t)rd_kafka_outq_len(s->rk);
}

int sink_fatal(sink *s, char *errstr, size_t errlen) {
    if (!s->rk) return 0;
    char reason[512];
    rd_kafka_resp_err_t err = rd_kafka_fatal_error(s->rk, reason, sizeof reason);
    if (!err) return 0;
    snprintf(errstr, errlen, "fatal producer error: %s: %s", rd_kafka_err2name(err), reason);
    return 1;
}

const sink_counters *sink_get_counters(const sink *s) { return &s->counters; }

const char *sink_library_version(void) { return rd_kafka_version_str(); }
