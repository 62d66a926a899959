/* SPDX-License-Identifier: Apache-2.0 */
/* raw_producer.c - the baseline shopstream's publishing is measured against.
 *
 * Before the clock starts it builds, in memory, exactly the messages a
 * shopstream run would publish (same topics, keys, Avro values, timestamps
 * and order, lives, product versions and all: the run itself, into the null
 * sink, with a tap that keeps each message); then, timed, a
 * plain librdkafka producer with shopstream's producer settings (idempotent,
 * acks=all, murmur2_random, lz4, linger.ms=5, batch.num.messages=10000)
 * publishes them, dimensions first, and waits for the last delivery report.
 * No generation or encoding in the timed part: what the client and the
 * broker alone do with the same bytes.
 *
 *   raw_producer (-b BROKERS | -m) [-d DURATION] [-i INTENSITY] [-p PARTITIONS] [-X name=value ...]
 *
 * -m starts librdkafka's mock cluster in process, as shopstream's embedded
 * broker does. Prints one line: messages, seconds, messages/s, MB/s. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "publish/admin.h"
#include "options/cli.h"
#include "run/run.h"
#include "settle/settle.h"
#include "base/topics.h"
#include "base/units.h"
#include "simtime.h"

typedef struct prebuilt {
    uint8_t topic;
    int64_t key_id, ts;
    size_t off, len;
} prebuilt;

static unsigned long long delivered, failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    if (m->err)
        failed++;
    else
        delivered++;
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
    char err[512];
    if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "raw_producer: %s=%s: %s\n", name, value, err);
        exit(2);
    }
}

/* The messages, growing. */
typedef struct capture {
    prebuilt *msgs;
    size_t n, cap;
    char *arena;
    size_t used, arena_cap;
} capture;

/* The null sink's tap: each message shopstream would publish, in order. */
static void keep(void *ctx, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                 int64_t ts, int64_t release_ms) {
    (void)release_ms;
    capture *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1 << 20;
        if (!(c->msgs = realloc(c->msgs, c->cap * sizeof *c->msgs))) {
            fprintf(stderr, "raw_producer: out of memory\n");
            exit(1);
        }
    }
    while (c->used + value_len > c->arena_cap) {
        c->arena_cap = c->arena_cap ? 2 * c->arena_cap : 1 << 26;
        if (!(c->arena = realloc(c->arena, c->arena_cap))) {
            fprintf(stderr, "raw_producer: out of memory\n");
            exit(1);
        }
    }
    int64_t id = 0;
    for (size_t i = 0; i < key_len && i < 8; i++) id = (int64_t)((uint64_t)id << 8 | ((const unsigned char *)key)[i]);
    memcpy(c->arena + c->used, value, value_len);
    c->msgs[c->n++] = (prebuilt){ (uint8_t)t, id, ts, c->used, value_len };
    c->used += value_len;
}

/* Every message of the run, in the order shopstream publishes them: the run
 * itself (shopstream's own options, into the null sink) with a tap. */
static prebuilt *build(const char *data_dir, const char *duration, const char *intensity, const char *partitions,
                       char **arena_out, size_t *n_out) {
    char *argv[] = { "shopstream",
                     "run",
                     "--sink",
                     "null",
                     "-q",
                     "--speed",
                     "max",
                     "--start",
                     "2026-01-01T00:00:00Z",
                     "--duration",
                     (char *)duration,
                     "--intensity",
                     (char *)intensity,
                     "--partitions",
                     (char *)partitions,
                     NULL };
    static run_config rc;
    cli_command cmd;
    settle_env env;
    char err[1024];
    settle_env_here(&env, data_dir);
    if (cli_parse((int)(sizeof argv / sizeof argv[0]) - 1, argv, data_dir, &cmd, &rc, err, sizeof err) != 0 ||
        config_settle(&rc, &env, err, sizeof err) != 0) {
        fprintf(stderr, "raw_producer: %s\n", err);
        exit(2);
    }
    capture c = { 0 };
    if (run_tapped(&rc, keep, &c) != 0) {
        fprintf(stderr, "raw_producer: the run failed\n");
        exit(1);
    }
    config_free(&rc);
    *arena_out = c.arena;
    *n_out = c.n;
    return c.msgs;
}

int main(int argc, char **argv) {
    const char *brokers = NULL;
    int mock = 0, partitions = 6;
    const char *duration = "24h", *intensity = "100", *partitions_text = "6";
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "enable.idempotence", "true");
    set(conf, "acks", "all");
    set(conf, "partitioner", "murmur2_random");
    set(conf, "compression.type", "lz4");
    set(conf, "linger.ms", "5");
    set(conf, "batch.num.messages", "10000");
    set(conf, "queue.buffering.max.messages", "200000");
    set(conf, "queue.buffering.max.kbytes", "65536");
    int opt;
    while ((opt = getopt(argc, argv, "b:md:i:p:X:")) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 'm': mock = 1; break;
        case 'd': duration = optarg; break;
        case 'i': intensity = optarg; break;
        case 'p':
            partitions = atoi(optarg);
            partitions_text = optarg;
            break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq) {
                fprintf(stderr, "raw_producer: -X name=value\n");
                return 2;
            }
            *eq = '\0';
            set(conf, optarg, eq + 1);
            break;
        }
        default:
            fprintf(stderr, "usage: raw_producer (-b BROKERS | -m) [-d DURATION] [-i INTENSITY] [-p N] [-X k=v]\n");
            return 2;
        }
    }
    if (!brokers && !mock) {
        fprintf(stderr, "usage: raw_producer (-b BROKERS | -m) [-d DURATION] [-i INTENSITY] [-p N] [-X k=v]\n");
        return 2;
    }
    const char *data_dir = getenv("SHOPSTREAM_DATA_DIR") ? getenv("SHOPSTREAM_DATA_DIR") : SHOPSTREAM_DATA_DIR;
    char *arena;
    size_t n;
    prebuilt *msgs = build(data_dir, duration, intensity, partitions_text, &arena, &n);

    char err[512], topic_names[TOPIC_COUNT][64];
    rd_kafka_t *host = NULL;
    rd_kafka_mock_cluster_t *mc = NULL;
    for (int t = 0; t < TOPIC_COUNT; t++)
        snprintf(topic_names[t], sizeof topic_names[t], "raw.%d.%s", (int)getpid(), topic_suffixes[t]);
    if (mock) {
        rd_kafka_conf_t *hconf = rd_kafka_conf_new();
        rd_kafka_conf_set(hconf, "log_level", "3", err, sizeof err);
        host = rd_kafka_new(RD_KAFKA_PRODUCER, hconf, err, sizeof err);
        mc = host ? rd_kafka_mock_cluster_new(host, 1) : NULL;
        if (!mc) {
            fprintf(stderr, "raw_producer: mock cluster: %s\n", err);
            return 1;
        }
        brokers = rd_kafka_mock_cluster_bootstraps(mc);
    }
    set(conf, "bootstrap.servers", brokers);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        fprintf(stderr, "raw_producer: %s\n", err);
        return 1;
    }
    admin_topic topics[TOPIC_COUNT];
    for (int t = 0; t < TOPIC_COUNT; t++) {
        topics[t] =
            (admin_topic){ topic_names[t], t < TOPIC_FIRST_FACT ? ADMIN_COMPACT : ADMIN_RETAIN_RUN, { NULL, 0 } };
        if (mc) rd_kafka_mock_topic_create(mc, topic_names[t], partitions, 1);
    }
    if (admin_ensure_topics(rk, topics, TOPIC_COUNT, partitions, 0, NULL, 30000, err, sizeof err)) {
        fprintf(stderr, "raw_producer: %s\n", err);
        return 1;
    }
    rd_kafka_topic_t *rkt[TOPIC_COUNT];
    for (int t = 0; t < TOPIC_COUNT; t++) rkt[t] = rd_kafka_topic_new(rk, topic_names[t], NULL);

    size_t bytes = 0;
    int facts = 0;
    double t0 = wall_now_s();
    for (size_t i = 0; i < n; i++) {
        const prebuilt *m = &msgs[i];
        unsigned char key[8];
        for (int b = 0; b < 8; b++) key[b] = (unsigned char)((uint64_t)m->key_id >> (56 - 8 * b));
        if (!facts &&
            m->topic >= TOPIC_FIRST_FACT) { /* dimensions acknowledged before the first fact, as shopstream does */
            rd_kafka_flush(rk, 60000);
            facts = 1;
        }
        for (;;) {
            rd_kafka_resp_err_t e = rd_kafka_producev(
                rk, RD_KAFKA_V_RKT(rkt[m->topic]), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, 8),
                RD_KAFKA_V_VALUE(arena + m->off, m->len), RD_KAFKA_V_TIMESTAMP(m->ts), RD_KAFKA_V_END);
            if (!e) break;
            if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "raw_producer: %s\n", rd_kafka_err2str(e));
                return 1;
            }
            rd_kafka_poll(rk, 5);
        }
        bytes += m->len + 8;
        if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 120000);
    double secs = wall_now_s() - t0;
    printf("raw_producer: %llu delivered, %llu failed, %.3f s, %.0f msgs/s, %.1f MB/s (the run's %zu messages, "
           "prebuilt)\n",
           delivered, failed, secs, (double)delivered / secs, (double)bytes / secs / 1e6, n);
    for (int t = 0; t < TOPIC_COUNT; t++) rd_kafka_topic_destroy(rkt[t]);
    rd_kafka_destroy(rk);
    free(arena);
    free(msgs);
    if (mc) rd_kafka_mock_cluster_destroy(mc);
    if (host) rd_kafka_destroy(host);
    return failed || delivered != n;
}
