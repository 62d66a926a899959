/* SPDX-License-Identifier: Apache-2.0 */
/* raw_producer.c - the baseline shopstream's publishing is measured against.
 *
 * Before the clock starts it builds, in memory, exactly the messages a
 * shopstream run would publish (same topics, keys, Avro values and
 * timestamps: engine + encoder, with the same settings); then, timed, a
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

#include "admin.h"
#include "encoder.h"
#include "engine.h"
#include "topics.h"
#include "units.h"
#include "simtime.h"

typedef struct prebuilt {
    uint8_t topic;
    int64_t key_id, ts;
    size_t off, len;
} prebuilt;

static unsigned long long delivered, failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk; (void)opaque;
    if (m->err) failed++; else delivered++;
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
    char err[512];
    if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "raw_producer: %s=%s: %s\n", name, value, err);
        exit(2);
    }
}

/* Every message of the run, built into one arena. */
static prebuilt *build(const engine_settings *s, const char *schema_dir, char **arena_out, size_t *n_out) {
    char err[1024];
    engine *e;
    encoder *enc;
    if (engine_new(s, &e, err, sizeof err) || encoder_new(schema_dir, "USD", s->scenario.name, FORMAT_AVRO, &enc, err, sizeof err)) {
        fprintf(stderr, "raw_producer: %s\n", err);
        exit(2);
    }
    const catalog *c = engine_get_catalog(e);
    uint64_t orders = engine_get_plan(e)->total_orders;
    size_t cap = c->n_customers + c->n_products + c->n_campaigns + orders * (1 + 5), n = 0, used = 0;
    prebuilt *msgs = malloc(cap * sizeof *msgs);
    char *arena = malloc(cap * 64 + 4096 * 4);
    if (!msgs || !arena) { fprintf(stderr, "raw_producer: out of memory\n"); exit(1); }
#define ADD(t, id, time, encode) do { int len_ = (encode); \
        msgs[n++] = (prebuilt){ (t), (id), (time), used, (size_t)len_ }; used += (size_t)len_; } while (0)
    for (size_t i = 0; i < c->n_customers; i++) ADD(TOPIC_CUSTOMERS, c->customers[i].id, s->start_ms, encoder_customer(enc, &c->customers[i], arena + used, 4096));
    for (size_t i = 0; i < c->n_products; i++) ADD(TOPIC_PRODUCTS, c->products[i].id, s->start_ms, encoder_product(enc, &c->products[i], &c->versions[c->products[i].first_version], arena + used, 4096));
    for (size_t i = 0; i < c->n_campaigns; i++) ADD(TOPIC_CAMPAIGNS, c->campaigns[i].id, s->start_ms, encoder_campaign(enc, &c->campaigns[i], arena + used, 4096));
    order_batch b;
    order_batch_init(&b, 4096);
    for (uint64_t g = 0; g < orders; g += 4096) {
        size_t k_n = orders - g < 4096 ? (size_t)(orders - g) : 4096;
        engine_fill(e, g, 1, k_n, &b);
        for (size_t k = 0; k < k_n; k++) {
            ADD(TOPIC_ORDERS, b.order_id[k], b.event_time_ms[k], encoder_order(enc, &b, k, arena + used, 4096));
            for (size_t line = 0; line < b.item_count[k]; line++)
                ADD(TOPIC_ORDER_ITEMS, b.order_id[k], b.event_time_ms[k], encoder_order_item(enc, &b, k, line, arena + used, 4096));
        }
    }
#undef ADD
    order_batch_free(&b);
    encoder_free(enc);
    engine_free(e);
    *arena_out = arena;
    *n_out = n;
    return msgs;
}

int main(int argc, char **argv) {
    const char *brokers = NULL;
    int mock = 0, partitions = 6;
    engine_settings s;
    engine_settings_default(&s);
    s.start_ms = INT64_C(1767225600000);
    s.intensity = 100;
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
        case 'd': if (units_duration_ms(optarg, &s.duration_ms)) { fprintf(stderr, "raw_producer: -d %s\n", optarg); return 2; } break;
        case 'i': s.intensity = atof(optarg); break;
        case 'p': partitions = atoi(optarg); break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq) { fprintf(stderr, "raw_producer: -X name=value\n"); return 2; }
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
    char schema_dir[4096];
    snprintf(schema_dir, sizeof schema_dir, "%s/schemas", getenv("SHOPSTREAM_DATA_DIR") ? getenv("SHOPSTREAM_DATA_DIR") : SHOPSTREAM_DATA_DIR);
    char *arena;
    size_t n;
    prebuilt *msgs = build(&s, schema_dir, &arena, &n);

    char err[512], topic_names[TOPIC_COUNT][64];
    rd_kafka_t *host = NULL;
    rd_kafka_mock_cluster_t *mc = NULL;
    for (int t = 0; t < TOPIC_COUNT; t++) snprintf(topic_names[t], sizeof topic_names[t], "raw.%d.%s", (int)getpid(), topic_suffixes[t]);
    if (mock) {
        rd_kafka_conf_t *hconf = rd_kafka_conf_new();
        rd_kafka_conf_set(hconf, "log_level", "3", err, sizeof err);
        host = rd_kafka_new(RD_KAFKA_PRODUCER, hconf, err, sizeof err);
        mc = host ? rd_kafka_mock_cluster_new(host, 1) : NULL;
        if (!mc) { fprintf(stderr, "raw_producer: mock cluster: %s\n", err); return 1; }
        brokers = rd_kafka_mock_cluster_bootstraps(mc);
    }
    set(conf, "bootstrap.servers", brokers);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) { fprintf(stderr, "raw_producer: %s\n", err); return 1; }
    admin_topic topics[TOPIC_COUNT];
    for (int t = 0; t < TOPIC_COUNT; t++) {
        topics[t] = (admin_topic){ topic_names[t], t < TOPIC_FIRST_FACT };
        if (mc) rd_kafka_mock_topic_create(mc, topic_names[t], partitions, 1);
    }
    if (admin_ensure_topics(rk, topics, TOPIC_COUNT, partitions, 0, 30000, err, sizeof err)) {
        fprintf(stderr, "raw_producer: %s\n", err);
        return 1;
    }
    rd_kafka_topic_t *rkt[TOPIC_COUNT];
    for (int t = 0; t < TOPIC_COUNT; t++) rkt[t] = rd_kafka_topic_new(rk, topic_names[t], NULL);

    size_t bytes = 0;
    double t0 = wall_now_s();
    for (size_t i = 0; i < n; i++) {
        const prebuilt *m = &msgs[i];
        unsigned char key[8];
        for (int b = 0; b < 8; b++) key[b] = (unsigned char)((uint64_t)m->key_id >> (56 - 8 * b));
        if (i > 0 && m->topic == TOPIC_FIRST_FACT && msgs[i - 1].topic < TOPIC_FIRST_FACT) rd_kafka_flush(rk, 60000);
        for (;;) {
            rd_kafka_resp_err_t e = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt[m->topic]), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                      RD_KAFKA_V_KEY(key, 8), RD_KAFKA_V_VALUE(arena + m->off, m->len),
                                                      RD_KAFKA_V_TIMESTAMP(m->ts), RD_KAFKA_V_END);
            if (!e) break;
            if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) { fprintf(stderr, "raw_producer: %s\n", rd_kafka_err2str(e)); return 1; }
            rd_kafka_poll(rk, 5);
        }
        bytes += m->len + 8;
        if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 120000);
    double secs = wall_now_s() - t0;
    printf("raw_producer: %llu delivered, %llu failed, %.3f s, %.0f msgs/s, %.1f MB/s (the run's %zu messages, prebuilt)\n",
           delivered, failed, secs, (double)delivered / secs, (double)bytes / secs / 1e6, n);
    for (int t = 0; t < TOPIC_COUNT; t++) rd_kafka_topic_destroy(rkt[t]);
    rd_kafka_destroy(rk);
    free(arena);
    free(msgs);
    if (mc) rd_kafka_mock_cluster_destroy(mc);
    if (host) rd_kafka_destroy(host);
    return failed || delivered != n;
}
