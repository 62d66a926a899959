/* SPDX-License-Identifier: Apache-2.0 */
/* test_real_broker.c - shopstream against a real Apache Kafka broker.
 *
 * What this file proves, by reading back what a run published, with tools
 * that share no code with the producer:
 *   - every topic holds exactly the messages the run reports as delivered;
 *   - every value is one whole Avro record of its schemas/ .avsc file;
 *   - every key is the record's id as 8 big-endian bytes, and every message
 *     sits in the partition Java's murmur2 partitioner would pick for it;
 *   - facts carry their event_time as a CreateTime Kafka timestamp, never
 *     decreasing within a partition; order ids are 1..N;
 *   - the invariants of docs/design.md#the-wire-contract hold: items match their order's counts,
 *     sums and event_time, and every id referenced exists in its dimension;
 *   - the Kafka sink and the null sink produce the same content digest;
 *   - an unreachable broker is a usage error (exit 2) within the connect timeout;
 *   - kcat, an independent consumer, sees the same counts and time order.
 *
 * How it gets its broker: the ctest fixture kafka_broker_start runs
 * scripts/kafka-broker.sh (Kafka 4.1.1, KRaft, on 127.0.0.1, topics
 * auto-created with 3 partitions), and $SHOPSTREAM_KAFKA_STATE/bootstrap holds
 * its address. A test that cannot read that address fails; none skips. Each
 * test publishes under its own topic prefix, so tests never see each other's
 * data, even on a broker reused between runs. Runs start at a recent UTC
 * midnight, not the default --start, so that the broker's time retention
 * keeps what they publish (see recent_midnight_start_ms). */
#include <avro.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "readback.h"
#include "support.h"

/* ---- the topics and the run every test makes ----------------------------- */

/* The topics, their schemas and key fields: readback.h. */

#define RUN_CUSTOMERS "2000"
#define RUN_PRODUCTS "200"
#define RUN_DURATION_MS INT64_C(10800000) /* --duration 3h */
#define DAY_MS INT64_C(86400000)
#define BROKER_TIMEOUT_MS 10000 /* metadata and watermark queries */
#define READ_DEADLINE_S 120     /* reading one topic to its end */

/* The fixture's broker: "host:port" from $SHOPSTREAM_KAFKA_STATE/bootstrap. */
static void fixture_broker_address(char *addr, size_t cap) {
    const char *state = getenv("SHOPSTREAM_KAFKA_STATE");
    if (!state || !*state)
        cr_assert_fail("SHOPSTREAM_KAFKA_STATE is not set: run this through ctest (-L integration), whose "
                       "kafka fixture starts the broker, or point it at a kafka-broker.sh state dir");
    char path[1024];
    snprintf(path, sizeof path, "%s/bootstrap", state);
    FILE *f = fopen(path, "r");
    if (!f)
        cr_assert_fail("cannot read the broker address from %s: %s (did the kafka_broker_start fixture run "
                       "and succeed?)",
                       path, strerror(errno));
    char line[256] = "";
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ')) line[--n] = '\0';
    if (!got || n == 0 || !strchr(line, ':'))
        cr_assert_fail("%s does not hold a host:port broker address (it holds '%s')", path, line);
    snprintf(addr, cap, "%s", line);
}

/* "it.TAG.PID.SECONDS.": unique per test process, and per run on a reused broker. */
static void unique_topic_prefix(const char *tag, char *buf, size_t cap) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(buf, cap, "it.%s.%d.%lld.", tag, (int)getpid(), (long long)ts.tv_sec);
}

static void topic_name(const char *prefix, int t, char *buf, size_t cap) {
    snprintf(buf, cap, "%s%s", prefix, readback_topic_suffix[t]);
}

/* A simulated start whose timestamps a stock broker keeps. Facts carry
 * their event time as the Kafka timestamp, so a start far behind the wall
 * clock (the default 2026-01-01) makes the broker's time retention (7 days)
 * delete the data at its next check, 30 s after start-up and every 5 min,
 * possibly between publishing and reading back; and Kafka 4 rejects
 * timestamps more than an hour ahead. So: the latest UTC midnight whose three
 * simulated hours ended at least 10 minutes ago (the same hours of day, so
 * the same volume, as the default start). */
static int64_t recent_midnight_start_ms(void) {
    int64_t latest = (int64_t)time(NULL) * 1000 - RUN_DURATION_MS - 600000;
    return latest - latest % DAY_MS;
}

static void iso8601_utc(int64_t ms, char *buf, size_t cap) {
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* shopstream run with the arguments every content test uses. */
static void run_three_busy_hours(const char *addr, const char *prefix, const char *start, const char *sink,
                                 const char *stats_path, run_result *r) {
    /* The null sink takes no brokers (refused beside it): -q twice instead. */
    int kafka = strcmp(sink, "null") != 0;
    const char *args[] = {
        "run",
        kafka ? "-b" : "-q",
        kafka ? addr : "-q",
        "--topic-prefix",
        prefix,
        "--start",
        start,
        "--duration",
        "3h",
        "--intensity",
        "20",
        "--customers",
        RUN_CUSTOMERS,
        "--products",
        RUN_PRODUCTS,
        "--speed",
        "max",
        "-q",
        "--stats-json",
        stats_path,
        "--sink",
        sink,
        /* one record per product and customer, as the dimension checks here
         * expect; readback_lifecycle.py reads product versions back,
         * readback_changelog.py customer versions */
        "--product-changes",
        "off",
        "--customer-changes",
        "off",
        NULL,
    };
    support_run(args, r);
    cr_assert_eq(r->exit_code, 0,
                 "shopstream run -b %s --topic-prefix %s --start %s --sink %s ... exited %d, expected 0\nstderr:\n%s",
                 addr, prefix, start, sink, r->exit_code, r->stderr_text);
}

/* ---- Kafka's default partitioner, written from the Java client ------------ */

/* org.apache.kafka.common.utils.Utils.murmur2, on unsigned 32-bit words. */
static uint32_t java_murmur2(const unsigned char *data, size_t len) {
    const uint32_t m = 0x5bd1e995u;
    const int r = 24;
    uint32_t h = 0x9747b28cu ^ (uint32_t)len;
    size_t len4 = len / 4;
    for (size_t i = 0; i < len4; i++) {
        const unsigned char *b = data + 4 * i;
        uint32_t k = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    const unsigned char *tail = data + (len & ~(size_t)3);
    switch (len % 4) {
    case 3: h ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: h ^= (uint32_t)tail[1] << 8;  /* fall through */
    case 1: h ^= (uint32_t)tail[0]; h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return h;
}

/* BuiltInPartitioner.partitionForKey: toPositive(murmur2(key)) % partitions. */
static int32_t java_partition_for_key(const void *key, size_t len, int32_t partitions) {
    return (int32_t)((java_murmur2(key, len) & 0x7fffffffu) % (uint32_t)partitions);
}

static void key_as_text(const rd_kafka_message_t *m, char *buf, size_t cap) {
    const unsigned char *k = m->key;
    size_t n = 0;
    buf[0] = '\0';
    if (!k) {
        snprintf(buf, cap, "(null)");
        return;
    }
    for (size_t i = 0; i < m->key_len && n + 3 < cap; i++) n += (size_t)snprintf(buf + n, cap - n, "%02x", k[i]);
}

/* ---- avro-c decoding from the .avsc files -------------------------------- */

/* Decodes bytes as exactly one record: 0, or -1 with the reason when they
 * do not parse or when bytes are left over after the record. */
static int decode_whole_value(readback_decoder *d, const void *bytes, size_t len, char *why, size_t cap) {
    switch (readback_decode(d, bytes, len)) {
    case READBACK_DECODED: return 0;
    case READBACK_NO_READER: snprintf(why, cap, "avro_reader_memory failed"); return -1;
    case READBACK_NOT_A_RECORD: snprintf(why, cap, "not a record of its schema: %s", avro_strerror()); return -1;
    default: snprintf(why, cap, "bytes left over after the record (%zu-byte value)", len); return -1;
    }
}

static int64_t long_field(avro_value_t *rec, const char *name) {
    int64_t v = 0;
    if (readback_get_long(rec, name, &v) != 0)
        cr_assert_fail("decoded record has no long field '%s': %s", name, avro_strerror());
    return v;
}

static int32_t int_field(avro_value_t *rec, const char *name) {
    int32_t v = 0;
    if (readback_get_int(rec, name, &v) != 0)
        cr_assert_fail("decoded record has no int field '%s': %s", name, avro_strerror());
    return v;
}

/* ["null", "long"]: 1 and *out when it holds a long, 0 when null. */
static int optional_long_field(avro_value_t *rec, const char *name, int64_t *out) {
    avro_value_t f, branch;
    int disc = -1;
    if (avro_value_get_by_name(rec, name, &f, NULL) != 0 || avro_value_get_discriminant(&f, &disc) != 0 ||
        avro_value_get_current_branch(&f, &branch) != 0)
        cr_assert_fail("decoded record has no union field '%s': %s", name, avro_strerror());
    if (avro_value_get_type(&branch) == AVRO_NULL) return 0;
    if (avro_value_get_long(&branch, out) != 0)
        cr_assert_fail("field '%s' branch %d is neither null nor long", name, disc);
    return 1;
}

/* ---- reading a topic back with an independent consumer ------------------- */

/* The topic's partition count, from broker metadata. */
static int32_t topic_partition_count(rd_kafka_t *rk, const char *topic) {
    rd_kafka_resp_err_t err;
    int32_t n = readback_partition_count(rk, topic, BROKER_TIMEOUT_MS, &err);
    if (n < 0) cr_assert_fail("metadata for %s: %s", topic, rd_kafka_err2str(err));
    if (err || n <= 0)
        cr_assert_fail("topic %s is not on the broker: %s (%d partitions)", topic, rd_kafka_err2str(err), (int)n);
    return n;
}

/* Reads every partition of topic from its beginning up to the high watermark
 * found before reading, handing each message to visit in offset order within
 * its partition. Returns how many messages it read. */
static uint64_t read_whole_topic(rd_kafka_t *rk, const char *topic, readback_visitor visit, void *ctx) {
    char problem[512];
    uint64_t n = readback_read_topic(rk, topic, topic_partition_count(rk, topic), BROKER_TIMEOUT_MS, READ_DEADLINE_S,
                                     NULL, visit, ctx, problem, sizeof problem);
    if (problem[0]) cr_assert_fail("reading %s back: %s", topic, problem);
    return n;
}

/* ---- what the read-back holds and checks ---------------------------------- */

typedef struct order_rec {
    int64_t order_id, customer_id, event_time, subtotal, discount, total, campaign_id;
    int32_t item_count;
    int has_campaign;
} order_rec;

typedef struct item_rec {
    int64_t order_id, product_id, unit_price, discount, line_total, event_time;
    int32_t line_number, quantity;
} item_rec;

typedef struct id_list {
    int64_t *ids;
    size_t n, cap;
} id_list;

typedef struct readback {
    int current; /* the topic being read */
    readback_decoder decoder[TOPICS];
    int64_t *last_ts[TOPICS]; /* per partition, facts only */
    int32_t partitions[TOPICS];
    id_list dimension[3]; /* customers, products, campaigns ids */
    order_rec *orders;
    size_t n_orders, cap_orders;
    item_rec *items;
    size_t n_items, cap_items;
    readback_finding value_is_one_record, key_is_big_endian_id, partition_is_java_murmur2, timestamp_is_event_time,
        timestamps_never_decrease, dimension_ids_unique, references_exist, order_ids_dense, item_belongs_to_an_order,
        item_count_matches, line_numbers_run_1_to_n, line_total_is_qty_price_less_discount, subtotal_is_sum_of_lines,
        discount_is_sum_of_lines, total_is_subtotal_less_discount, item_time_is_order_time;
} readback;

static void readback_init(readback *rb) {
    memset(rb, 0, sizeof *rb);
    for (int t = 0; t < TOPICS; t++) readback_decoder_open(&rb->decoder[t], readback_schema_file[t]);
    rb->value_is_one_record.claim = "every value is exactly one Avro record of its topic's .avsc";
    rb->key_is_big_endian_id.claim = "every key is the record's id as 8 big-endian bytes";
    rb->partition_is_java_murmur2.claim = "every message is in partition (murmur2(key) & 0x7fffffff) % partitions";
    rb->timestamp_is_event_time.claim = "every fact's Kafka timestamp is a CreateTime equal to its event_time";
    rb->timestamps_never_decrease.claim = "fact timestamps never decrease within a partition, in offset order";
    rb->dimension_ids_unique.claim = "each dimension id is published once";
    rb->references_exist.claim =
        "every customer_id, product_id and campaign_id referenced exists in its dimension topic";
    rb->order_ids_dense.claim = "order_ids are 1..N, each once";
    rb->item_belongs_to_an_order.claim = "every order_item belongs to a published order";
    rb->item_count_matches.claim = "each order has item_count order_items";
    rb->line_numbers_run_1_to_n.claim = "an order's line_numbers are 1..item_count";
    rb->line_total_is_qty_price_less_discount.claim = "line_total_cents = quantity x unit_price_cents - discount_cents";
    rb->subtotal_is_sum_of_lines.claim = "subtotal_cents = sum of quantity x unit_price_cents over the order's items";
    rb->discount_is_sum_of_lines.claim = "an order's discount_cents = sum of its items' discount_cents";
    rb->total_is_subtotal_less_discount.claim = "total_cents = subtotal_cents - discount_cents";
    rb->item_time_is_order_time.claim = "each item's event_time equals its order's event_time";
}

static void readback_free(readback *rb) {
    for (int t = 0; t < TOPICS; t++) {
        readback_decoder_close(&rb->decoder[t]);
        free(rb->last_ts[t]);
    }
    for (int d = 0; d < 3; d++) free(rb->dimension[d].ids);
    free(rb->orders);
    free(rb->items);
}

/* Checks what a single message must satisfy and keeps what the cross-topic
 * checks need. */
static void absorb_message(void *ctx, const rd_kafka_message_t *m, int32_t partitions) {
    readback *rb = ctx;
    int t = rb->current;
    const char *topic = rd_kafka_topic_name(m->rkt);
    int32_t p = m->partition;
    long long off = (long long)m->offset;

    char why[256];
    if (decode_whole_value(&rb->decoder[t], m->payload, m->len, why, sizeof why) != 0) {
        readback_note(&rb->value_is_one_record, "%s [%d] @%lld: %s", topic, (int)p, off, why);
        return;
    }
    avro_value_t *rec = &rb->decoder[t].value;
    int64_t id = long_field(rec, readback_key_field[t]);

    int64_t key;
    if (readback_key_id(m, &key) != 0 || key != id) {
        char got[64];
        key_as_text(m, got, sizeof got);
        readback_note(&rb->key_is_big_endian_id, "%s [%d] @%lld: %s %" PRId64 " has key %s (%zu bytes)", topic, (int)p,
                      off, readback_key_field[t], id, got, m->key_len);
    }
    if (m->key) {
        int32_t expect = java_partition_for_key(m->key, m->key_len, partitions);
        if (expect != p)
            readback_note(&rb->partition_is_java_murmur2,
                          "%s @%lld: %s %" PRId64 " is in partition %d of %d, Java's "
                          "partitioner picks %d",
                          topic, off, readback_key_field[t], id, (int)p, (int)partitions, (int)expect);
    }

    if (t < T_ORDERS) {
        id_list *l = &rb->dimension[t];
        l->ids = readback_grow(l->ids, &l->cap, l->n + 1, sizeof *l->ids);
        l->ids[l->n++] = id;
        return;
    }

    int64_t event_time = long_field(rec, "event_time");
    rd_kafka_timestamp_type_t tstype;
    int64_t ts = rd_kafka_message_timestamp(m, &tstype);
    if (tstype != RD_KAFKA_TIMESTAMP_CREATE_TIME || ts != event_time)
        readback_note(&rb->timestamp_is_event_time, "%s [%d] @%lld: timestamp %" PRId64 " (%s), event_time %" PRId64,
                      topic, (int)p, off, ts,
                      tstype == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? "CreateTime"
                      : tstype == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "LogAppendTime"
                                                                     : "no type",
                      event_time);
    if (!rb->last_ts[t]) {
        rb->partitions[t] = partitions;
        rb->last_ts[t] = malloc((size_t)partitions * sizeof *rb->last_ts[t]);
        cr_assert_not_null(rb->last_ts[t], "out of memory");
        for (int32_t i = 0; i < partitions; i++) rb->last_ts[t][i] = INT64_MIN;
    }
    if (p < rb->partitions[t]) {
        if (ts < rb->last_ts[t][p])
            readback_note(&rb->timestamps_never_decrease, "%s [%d] @%lld: timestamp %" PRId64 " after %" PRId64, topic,
                          (int)p, off, ts, rb->last_ts[t][p]);
        rb->last_ts[t][p] = ts;
    }

    if (t == T_ORDERS) {
        rb->orders = readback_grow(rb->orders, &rb->cap_orders, rb->n_orders + 1, sizeof *rb->orders);
        order_rec *o = &rb->orders[rb->n_orders++];
        memset(o, 0, sizeof *o);
        o->order_id = id;
        o->customer_id = long_field(rec, "customer_id");
        o->event_time = event_time;
        o->item_count = int_field(rec, "item_count");
        o->subtotal = long_field(rec, "subtotal_cents");
        o->discount = long_field(rec, "discount_cents");
        o->total = long_field(rec, "total_cents");
        o->has_campaign = optional_long_field(rec, "campaign_id", &o->campaign_id);
    } else if (t == T_ORDER_ITEMS) { /* payments and shipments: key, partition, timestamps, order above */
        rb->items = readback_grow(rb->items, &rb->cap_items, rb->n_items + 1, sizeof *rb->items);
        item_rec *it = &rb->items[rb->n_items++];
        memset(it, 0, sizeof *it);
        it->order_id = id;
        it->line_number = int_field(rec, "line_number");
        it->product_id = long_field(rec, "product_id");
        it->quantity = int_field(rec, "quantity");
        it->unit_price = long_field(rec, "unit_price_cents");
        it->discount = long_field(rec, "discount_cents");
        it->line_total = long_field(rec, "line_total_cents");
        it->event_time = event_time;
    }
}

static int compare_orders_by_id(const void *a, const void *b) {
    return readback_compare_int64(&((const order_rec *)a)->order_id, &((const order_rec *)b)->order_id);
}

static int compare_items_by_order_and_line(const void *a, const void *b) {
    const item_rec *x = a, *y = b;
    if (x->order_id != y->order_id) return x->order_id < y->order_id ? -1 : 1;
    return (x->line_number > y->line_number) - (x->line_number < y->line_number);
}

static int id_exists(const id_list *l, int64_t id) {
    return bsearch(&id, l->ids, l->n, sizeof *l->ids, readback_compare_int64) != NULL;
}

/* The checks across messages and topics, once everything is read. */
static void check_across_topics(readback *rb) {
    static const char *const dim_name[3] = { "customer_id", "product_id", "campaign_id" };
    for (int d = 0; d < 3; d++) {
        id_list *l = &rb->dimension[d];
        qsort(l->ids, l->n, sizeof *l->ids, readback_compare_int64);
        for (size_t i = 1; i < l->n; i++)
            if (l->ids[i] == l->ids[i - 1])
                readback_note(&rb->dimension_ids_unique, "%s %" PRId64 " twice", dim_name[d], l->ids[i]);
    }

    qsort(rb->orders, rb->n_orders, sizeof *rb->orders, compare_orders_by_id);
    qsort(rb->items, rb->n_items, sizeof *rb->items, compare_items_by_order_and_line);
    for (size_t i = 0; i < rb->n_orders; i++)
        if (rb->orders[i].order_id != (int64_t)i + 1)
            readback_note(&rb->order_ids_dense, "the %zu-th smallest order_id is %" PRId64, i + 1,
                          rb->orders[i].order_id);

    size_t j = 0;
    for (size_t i = 0; i < rb->n_orders; i++) {
        const order_rec *o = &rb->orders[i];
        if (!id_exists(&rb->dimension[0], o->customer_id))
            readback_note(&rb->references_exist, "order %" PRId64 ": customer_id %" PRId64 " is not in customers",
                          o->order_id, o->customer_id);
        if (o->has_campaign && !id_exists(&rb->dimension[2], o->campaign_id))
            readback_note(&rb->references_exist, "order %" PRId64 ": campaign_id %" PRId64 " is not in campaigns",
                          o->order_id, o->campaign_id);
        for (; j < rb->n_items && rb->items[j].order_id < o->order_id; j++)
            readback_note(&rb->item_belongs_to_an_order, "order_item of order %" PRId64 " line %d: no such order",
                          rb->items[j].order_id, (int)rb->items[j].line_number);
        int64_t gross = 0, discount = 0;
        int32_t lines = 0;
        for (; j < rb->n_items && rb->items[j].order_id == o->order_id; j++) {
            const item_rec *it = &rb->items[j];
            lines++;
            if (it->line_number != lines)
                readback_note(&rb->line_numbers_run_1_to_n, "order %" PRId64 ": its line %d is numbered %d",
                              o->order_id, (int)lines, (int)it->line_number);
            if (it->line_total != (int64_t)it->quantity * it->unit_price - it->discount)
                readback_note(&rb->line_total_is_qty_price_less_discount,
                              "order %" PRId64 " line %d: %d x %" PRId64 " - %" PRId64 " != %" PRId64, o->order_id,
                              (int)it->line_number, (int)it->quantity, it->unit_price, it->discount, it->line_total);
            if (it->event_time != o->event_time)
                readback_note(&rb->item_time_is_order_time,
                              "order %" PRId64 " line %d: event_time %" PRId64 ", its order's %" PRId64, o->order_id,
                              (int)it->line_number, it->event_time, o->event_time);
            if (!id_exists(&rb->dimension[1], it->product_id))
                readback_note(&rb->references_exist,
                              "order %" PRId64 " line %d: product_id %" PRId64 " is not in products", o->order_id,
                              (int)it->line_number, it->product_id);
            gross += (int64_t)it->quantity * it->unit_price;
            discount += it->discount;
        }
        if (lines != o->item_count)
            readback_note(&rb->item_count_matches, "order %" PRId64 ": item_count %d, %d order_items", o->order_id,
                          (int)o->item_count, (int)lines);
        if (o->subtotal != gross)
            readback_note(&rb->subtotal_is_sum_of_lines,
                          "order %" PRId64 ": subtotal_cents %" PRId64 ", lines sum to %" PRId64, o->order_id,
                          o->subtotal, gross);
        if (o->discount != discount)
            readback_note(&rb->discount_is_sum_of_lines,
                          "order %" PRId64 ": discount_cents %" PRId64 ", lines sum to %" PRId64, o->order_id,
                          o->discount, discount);
        if (o->total != o->subtotal - o->discount)
            readback_note(&rb->total_is_subtotal_less_discount,
                          "order %" PRId64 ": %" PRId64 " - %" PRId64 " != %" PRId64, o->order_id, o->subtotal,
                          o->discount, o->total);
    }
    for (; j < rb->n_items; j++)
        readback_note(&rb->item_belongs_to_an_order, "order_item of order %" PRId64 " line %d: no such order",
                      rb->items[j].order_id, (int)rb->items[j].line_number);

    const readback_finding *all[] = {
        &rb->value_is_one_record,      &rb->key_is_big_endian_id,      &rb->partition_is_java_murmur2,
        &rb->timestamp_is_event_time,  &rb->timestamps_never_decrease, &rb->dimension_ids_unique,
        &rb->references_exist,         &rb->order_ids_dense,           &rb->item_belongs_to_an_order,
        &rb->item_count_matches,       &rb->line_numbers_run_1_to_n,   &rb->line_total_is_qty_price_less_discount,
        &rb->subtotal_is_sum_of_lines, &rb->discount_is_sum_of_lines,  &rb->total_is_subtotal_less_discount,
        &rb->item_time_is_order_time,
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) readback_expect_no_violation(all[i]);
}

/* ---- the tests ------------------------------------------------------------ */

Test(real_broker, published_counts_content_and_order_hold_when_read_back) {
    char addr[256], prefix[128], stats_path[512];
    fixture_broker_address(addr, sizeof addr);
    unique_topic_prefix("content", prefix, sizeof prefix);
    support_tmp_path("content.stats.json", stats_path, sizeof stats_path);
    char start[32];
    iso8601_utc(recent_midnight_start_ms(), start, sizeof start);

    run_result run;
    run_three_busy_hours(addr, prefix, start, "kafka", stats_path, &run);
    json_t *stats = readback_read_stats(stats_path);
    cr_expect(json_is_true(json_object_get(stats, "complete")), "the run's stats say it is not complete");
    cr_expect_eq(support_stat(stats, "failed"), 0, "the run's stats report failed deliveries");

    readback *rb = malloc(sizeof *rb);
    cr_assert_not_null(rb, "out of memory");
    readback_init(rb);
    rd_kafka_t *rk = readback_new_reader(addr, "shopstream-it-reader", NULL);
    uint64_t read[TOPICS];
    for (int t = 0; t < TOPICS; t++) {
        char topic[256];
        topic_name(prefix, t, topic, sizeof topic);
        rb->current = t;
        read[t] = read_whole_topic(rk, topic, absorb_message, rb);
        uint64_t delivered = support_topic_delivered(stats, topic);
        cr_expect_gt(read[t], 0, "%s: nothing to read back", topic);
        cr_expect_eq(read[t], delivered, "%s: %" PRIu64 " messages read back, the run reports %" PRIu64 " delivered",
                     topic, read[t], delivered);
    }
    readback_close_reader(rk);

    cr_expect_eq(read[T_CUSTOMERS], strtoull(RUN_CUSTOMERS, NULL, 10), "customers: not the --customers asked for");
    cr_expect_eq(read[T_PRODUCTS], strtoull(RUN_PRODUCTS, NULL, 10), "products: not the --products asked for");
    cr_expect_eq((uint64_t)rb->n_orders, support_stat(stats, "orders"),
                 "%zu orders read back, the run reports %" PRIu64, rb->n_orders, support_stat(stats, "orders"));
    cr_expect_eq((uint64_t)rb->n_items, support_stat(stats, "order_items"),
                 "%zu order_items read back, the run reports %" PRIu64, rb->n_items,
                 support_stat(stats, "order_items"));
    check_across_topics(rb);

    readback_free(rb);
    free(rb);
    json_decref(stats);
    unlink(stats_path);
}

Test(real_broker, kafka_and_null_sink_publish_the_same_content_digest) {
    char addr[256], prefix[128], kafka_stats[512], null_stats[512];
    fixture_broker_address(addr, sizeof addr);
    /* The digest covers topic names, so both runs use the same prefix; the
     * null sink publishes nothing under it. */
    unique_topic_prefix("digest", prefix, sizeof prefix);
    support_tmp_path("digest.kafka.json", kafka_stats, sizeof kafka_stats);
    support_tmp_path("digest.null.json", null_stats, sizeof null_stats);
    char start[32];
    iso8601_utc(recent_midnight_start_ms(), start, sizeof start);

    run_result run;
    run_three_busy_hours(addr, prefix, start, "kafka", kafka_stats, &run);
    run_three_busy_hours(addr, prefix, start, "null", null_stats, &run);
    json_t *k = readback_read_stats(kafka_stats);
    json_t *n = readback_read_stats(null_stats);
    const char *kd = json_string_value(json_object_get(k, "content_digest"));
    const char *nd = json_string_value(json_object_get(n, "content_digest"));
    cr_expect(kd && *kd, "the kafka run's stats have no content_digest");
    cr_expect(nd && *nd, "the null run's stats have no content_digest");
    if (kd && nd) cr_expect_str_eq(kd, nd, "content_digest differs: kafka sink %s, null sink %s", kd, nd);
    const char *ko = json_string_value(json_object_get(k, "order_digest"));
    const char *no = json_string_value(json_object_get(n, "order_digest"));
    cr_expect(ko && no && strcmp(ko, no) == 0,
              "order_digest differs: kafka sink %s (partitions from delivery reports), null sink %s", ko ? ko : "none",
              no ? no : "none");
    cr_expect_eq(support_stat(k, "delivered"), support_stat(n, "delivered"),
                 "delivered differs: kafka sink %" PRIu64 ", null sink %" PRIu64, support_stat(k, "delivered"),
                 support_stat(n, "delivered"));
    json_decref(k);
    json_decref(n);
    unlink(kafka_stats);
    unlink(null_stats);
}

/* Names of every topic on the broker that start with prefix: how many. */
static int topics_with_prefix(const char *addr, const char *prefix) {
    rd_kafka_t *rk = readback_new_reader(addr, "shopstream-it-reader", NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, NULL, &md, BROKER_TIMEOUT_MS);
    int n = 0;
    if (!err) {
        for (int i = 0; i < md->topic_cnt; i++)
            if (strncmp(md->topics[i].topic, prefix, strlen(prefix)) == 0) n++;
        rd_kafka_metadata_destroy(md);
    }
    readback_close_reader(rk);
    if (err) cr_assert_fail("listing the topics of %s: %s", addr, rd_kafka_err2str(err));
    return n;
}

Test(real_broker, unreachable_broker_is_a_usage_error_and_publishes_nothing) {
    char addr[256], prefix[128], cfg[512], stats_path[512];
    fixture_broker_address(addr, sizeof addr);
    unique_topic_prefix("unreachable", prefix, sizeof prefix);
    support_tmp_path("unreachable.cfg", cfg, sizeof cfg);
    support_tmp_path("unreachable.stats.json", stats_path, sizeof stats_path);
    support_write_file(cfg, "kafka = { connect_timeout_ms = 2000; };\n");

    /* Port 1 on loopback: nothing listens, every connect is refused. */
    const char *args[] = {
        "run", "-c",      cfg,   "-b", "127.0.0.1:1",  "--topic-prefix", prefix, "--duration",
        "1h",  "--speed", "max", "-q", "--stats-json", stats_path,       NULL,
    };
    run_result r;
    double t0 = readback_now_s();
    support_run(args, &r);
    double took = readback_now_s() - t0;

    cr_expect_eq(r.exit_code, 2, "exit %d against an unreachable broker, expected 2 (usage)\nstderr:\n%s", r.exit_code,
                 r.stderr_text);
    cr_expect_not_null(strstr(r.stderr_text, "cannot reach Kafka"), "stderr does not say 'cannot reach Kafka':\n%s",
                       r.stderr_text);
    cr_expect_not_null(strstr(r.stderr_text, "127.0.0.1:1"), "stderr does not name the brokers:\n%s", r.stderr_text);
    cr_expect_lt(took, 15.0, "giving up took %.1f s with connect_timeout_ms = 2000", took);
    json_t *stats = support_read_stats(stats_path);
    if (stats) {
        cr_expect_eq(support_stat(stats, "delivered"), 0, "the failed run reports messages delivered");
        json_decref(stats);
    }
    /* And nothing under its prefix reached the real broker either. */
    cr_expect_eq(topics_with_prefix(addr, prefix), 0, "topics named %s* exist on %s", prefix, addr);
    unlink(cfg);
    unlink(stats_path);
}

/* kcat's view of a topic: lines, and whether its timestamps ever go back
 * within a partition or leave [lo, hi). */
typedef struct kcat_view {
    uint64_t lines;
    int exit_status;
    readback_finding in_order, in_window, parsable;
} kcat_view;

static void kcat_read_topic(const char *addr, const char *topic, int64_t lo, int64_t hi, kcat_view *v) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "kcat -C -b '%s' -t '%s' -o beginning -e -q -f '%%p %%o %%T\\n'", addr, topic);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run %s: %s", cmd, strerror(errno));
    int64_t *last_ts = NULL, *last_off = NULL;
    size_t cap_ts = 0, cap_off = 0, seen = 0;
    char line[256];
    while (fgets(line, sizeof line, p)) {
        int part;
        long long off, ts;
        if (sscanf(line, "%d %lld %lld", &part, &off, &ts) != 3 || part < 0 || part > 100000) {
            readback_note(&v->parsable, "%s: kcat printed '%s'", topic, line);
            continue;
        }
        v->lines++;
        if ((size_t)part >= seen) {
            last_ts = readback_grow(last_ts, &cap_ts, (size_t)part + 1, sizeof *last_ts);
            last_off = readback_grow(last_off, &cap_off, (size_t)part + 1, sizeof *last_off);
            for (size_t i = seen; i <= (size_t)part; i++) {
                last_ts[i] = INT64_MIN;
                last_off[i] = -1;
            }
            seen = (size_t)part + 1;
        }
        if (ts < last_ts[part] || off <= last_off[part])
            readback_note(&v->in_order, "%s [%d] @%lld: timestamp %lld after %" PRId64 " at @%" PRId64, topic, part,
                          off, ts, last_ts[part], last_off[part]);
        if (ts < lo || ts >= hi)
            readback_note(&v->in_window, "%s [%d] @%lld: timestamp %lld outside [%" PRId64 ", %" PRId64 ")", topic,
                          part, off, ts, lo, hi);
        last_ts[part] = ts;
        last_off[part] = off;
    }
    v->exit_status = pclose(p);
    free(last_ts);
    free(last_off);
}

Test(real_broker, kcat_counts_and_timestamps_match_the_summary) {
    char addr[256], prefix[128], stats_path[512];
    fixture_broker_address(addr, sizeof addr);
    unique_topic_prefix("kcat", prefix, sizeof prefix);
    support_tmp_path("kcat.stats.json", stats_path, sizeof stats_path);
    int64_t start_ms = recent_midnight_start_ms();
    char start[32];
    iso8601_utc(start_ms, start, sizeof start);

    run_result run;
    run_three_busy_hours(addr, prefix, start, "kafka", stats_path, &run);
    json_t *stats = readback_read_stats(stats_path);
    const int facts[] = { T_ORDERS, T_ORDER_ITEMS };
    for (size_t i = 0; i < 2; i++) {
        char topic[256];
        topic_name(prefix, facts[i], topic, sizeof topic);
        kcat_view v;
        memset(&v, 0, sizeof v);
        v.in_order.claim = "kcat: timestamps never decrease and offsets rise within a partition";
        v.in_window.claim = "kcat: every timestamp is inside the simulated 3 hours";
        v.parsable.claim = "kcat: every line is 'partition offset timestamp'";
        kcat_read_topic(addr, topic, start_ms, start_ms + RUN_DURATION_MS, &v);
        cr_expect(WIFEXITED(v.exit_status) && WEXITSTATUS(v.exit_status) == 0, "kcat on %s: exit status %d", topic,
                  v.exit_status);
        uint64_t delivered = support_topic_delivered(stats, topic);
        cr_expect_gt(v.lines, 0, "kcat read nothing from %s", topic);
        cr_expect_eq(v.lines, delivered, "%s: kcat read %" PRIu64 " messages, the run reports %" PRIu64 " delivered",
                     topic, v.lines, delivered);
        readback_expect_no_violation(&v.parsable);
        readback_expect_no_violation(&v.in_order);
        readback_expect_no_violation(&v.in_window);
    }
    json_decref(stats);
    unlink(stats_path);
}

/* ---- the read-back's own tools, checked without a broker ------------------- */

Test(readback_tools, java_murmur2_matches_kafka_reference_vectors) {
    /* librdkafka src/rdmurmur2.c, java_murmur2_results: what the Java client computes. */
    static const struct {
        const char *key;
        uint32_t hash;
    } vectors[] = {
        { "kafka", 0xd067cf64u },
        { "giberish123456789", 0x8f552b0cu },
        { "1234", 0x9fc97b14u },
        { "234", 0xe7c009cau },
        { "34", 0x873930dau },
        { "4", 0x5a4b5ca1u },
        { "PreAmbleWillBeRemoved,ThePrePartThatIs", 0x78424f1cu },
        { "reAmbleWillBeRemoved,ThePrePartThatIs", 0x4a62b377u },
        { "eAmbleWillBeRemoved,ThePrePartThatIs", 0xe0e4e09eu },
        { "AmbleWillBeRemoved,ThePrePartThatIs", 0x62b8b43fu },
        { "", 0x106e08d9u },
    };
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        uint32_t h = java_murmur2((const unsigned char *)vectors[i].key, strlen(vectors[i].key));
        cr_expect_eq(h, vectors[i].hash, "murmur2(\"%s\") = 0x%08x, Java says 0x%08x", vectors[i].key, h,
                     vectors[i].hash);
    }
}

Test(readback_tools, decoder_rejects_trailing_and_truncated_values) {
    /* An OrderItem by hand: order 1, line 1, product 1, quantity 1, price 100,
     * discount 0, total 100, event_time 0 (zigzag varints). */
    static const unsigned char item[] = { 0x02, 0x02, 0x02, 0x02, 0xc8, 0x01, 0x00, 0xc8, 0x01, 0x00, 0xff };
    readback_decoder d;
    memset(&d, 0, sizeof d);
    readback_decoder_open(&d, "schemas/order_items.avsc");
    char why[256];
    cr_expect_eq(decode_whole_value(&d, item, sizeof item - 1, why, sizeof why), 0, "a whole record: %s", why);
    cr_expect_eq(long_field(&d.value, "line_total_cents"), 100);
    cr_expect_neq(decode_whole_value(&d, item, sizeof item, why, sizeof why), 0, "one byte too many passed");
    cr_expect_neq(decode_whole_value(&d, item, sizeof item - 2, why, sizeof why), 0, "one byte short passed");
    readback_decoder_close(&d);
}
