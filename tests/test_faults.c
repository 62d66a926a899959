/* SPDX-License-Identifier: Apache-2.0 */
/* test_faults.c - contracts 3 (nothing lost) and 4 (bounded memory) of
 * docs/design.md#the-wire-contract under broker faults.
 *
 * What this file proves. The test process hosts librdkafka's mock cluster
 * (3 brokers; every topic created beforehand with replication 3 and 6
 * partitions, 24 for the memory run; the fact topics' leaders spread over
 * the brokers), runs `shopstream run -b <mock cluster>` as a child process,
 * and injects faults from outside while the child is publishing facts:
 *   a. a leader broker going down for 1 s and up, then all brokers at once;
 *   b. Produce requests answered with NOT_LEADER_FOR_PARTITION,
 *      REQUEST_TIMED_OUT and NOT_ENOUGH_REPLICAS;
 *   c. 300 ms of added round-trip time on every broker for 2 s;
 *   d. every broker down for 6 s while a large run goes as fast as it can:
 *      the child's resident memory, sampled every 100 ms, stays under a
 *      stated bound (the producer queue and the generator ring are bounded,
 *      so a stalled broker stalls the engine), and the run then finishes.
 * After each run, an independent librdkafka consumer in this process reads
 * back every topic from the beginning to its high watermark and shows that
 * nothing was lost and nothing duplicated: the orders topic holds exactly
 * the run's stats.orders orders, whose keys (8-byte big-endian) are the ids
 * 1..N, each once; order_items holds exactly stats.order_items items, and
 * the (order_id, line_number) pairs, decoded with avro-c from
 * schemas/order_items.avsc, are exactly lines 1..item_count of every order
 * (item_count decoded from the order itself, schemas/orders.avsc), each
 * once; the dimension topics hold their delivered counts with no key twice.
 * The child must exit 0 with stats delivered == messages, failed == 0, and
 * per-topic "produced" counts showing it handed each message over once.
 *
 * Two limits of the mock cluster shape the tests, each explained where it
 * applies: it does not check idempotent sequence numbers for
 * non-transactional producers, so (b) runs the child with one request in
 * flight (see one_in_flight), and where a fault drops connections (a, d) a
 * request the mock appended but could not answer is appended again when
 * librdkafka re-sends it; those byte-identical copies, which a real broker
 * discards, are counted and printed rather than failed (see
 * RESENT_COPIES_OF_APPENDED_REQUESTS). Every other second copy fails, and
 * every loss fails.
 *
 * Each fault is injected only once facts are flowing (the orders topic is
 * non-empty, so the dimension topics are fully acknowledged: run.c drains them
 * first), and each test checks that the child was still running and had
 * published only part of its orders when the fault began, so the faults land
 * mid-run and are not vacuous.
 *
 * The child is killed (SIGKILL, by its pid) by the suite's fini on any
 * failure, and also dies with this process (PR_SET_PDEATHSIG). */
#include <avro.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "readback.h"
#include "support.h"

/* This file and shopstream are compiled by the same build, so an
 * AddressSanitizer build of this test means one of the child too; the memory
 * test also looks for libasan in the child's mappings. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* ---- the cluster, the topics, the child ----------------------------------- */

/* The topics: readback.h. */

#define BROKERS 3
#define PARTITIONS_MAX 64
#define REPLICATION 3
#define BROKER_TIMEOUT_MS 10000 /* metadata and watermark queries */
#define READ_DEADLINE_S 240     /* reading one topic to its end */
#define START_DEADLINE_S 60     /* the child's facts start flowing */
#define CHILD_DEADLINE_S 240    /* the child exits after the faults end */

typedef struct fixture {
    rd_kafka_t *host; /* the throwaway handle the mock cluster lives in */
    rd_kafka_mock_cluster_t *mc;
    char bootstraps[512];
    int partitions; /* of every topic, and --partitions */
    char prefix[128];
    char topic[TOPICS][256];
    rd_kafka_t *reader; /* watermarks during the run, read-back after it */
    pid_t child;        /* > 0 while a child may be running */
    char stderr_path[512];
    char stats_path[512];
    json_t *stats;
    /* read-back state, here so that fini frees it on a failed assertion */
    uint8_t *order_seen;     /* [1..N]: times order id seen, saturating */
    int32_t *item_count;     /* [1..N]: item_count of the order's value */
    uint32_t *line_mask;     /* [1..N]: bit l-1 set when line l was seen */
    uint32_t *order_hash;    /* [1..N]: hash of the first copy of the order */
    uint64_t *item_base;     /* [1..N]: index of the order's line 1 in item_hash */
    uint32_t *item_hash;     /* hash of the first copy of each (order, line) */
    int64_t *keys;           /* a dimension topic's keys */
    readback_decoder dec[2]; /* orders, order_items */
} fixture;

static fixture F;

/* The tail of the child's stderr, for failure messages. */
static const char *child_stderr_tail(void) {
    static char buf[4096];
    return readback_file_tail(F.stderr_path, buf, sizeof buf) == 0 ? buf : "(no stderr file)";
}

static void kill_child(void) {
    if (F.child <= 0) return;
    readback_kill(F.child);
    F.child = -1;
}

static void suite_fini(void) {
    kill_child();
    for (int i = 0; i < 2; i++) readback_decoder_close(&F.dec[i]);
    free(F.order_seen);
    free(F.item_count);
    free(F.line_mask);
    free(F.order_hash);
    free(F.item_base);
    free(F.item_hash);
    free(F.keys);
    if (F.stats) json_decref(F.stats);
    if (F.reader) readback_close_reader(F.reader);
    if (F.mc) rd_kafka_mock_cluster_destroy(F.mc);
    if (F.host) rd_kafka_destroy(F.host);
    if (F.stderr_path[0]) unlink(F.stderr_path);
    if (F.stats_path[0]) unlink(F.stats_path);
    memset(&F, 0, sizeof F);
}

static void suite_init(void) {
    memset(&F, 0, sizeof F);
    F.child = -1;
}

TestSuite(faults, .init = suite_init, .fini = suite_fini);

static void set_conf(rd_kafka_conf_t *conf, const char *name, const char *value) {
    char err[512];
    if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        cr_assert_fail("config %s=%s: %s", name, value, err);
    }
}

/* The mock cluster and its five topics "f.TAG.PID.<suffix>", each with
 * `partitions` partitions; the leader of fact partition p is broker p % 3 + 1,
 * so every broker leads a third of the partitions of orders and order_items. */
static void cluster_start(const char *tag, int partitions) {
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set_conf(conf, "log_level", "3");
    F.host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!F.host) {
        rd_kafka_conf_destroy(conf);
        cr_assert_fail("cannot create the mock cluster's host handle: %s", err);
    }
    F.mc = rd_kafka_mock_cluster_new(F.host, BROKERS);
    cr_assert_not_null(F.mc, "rd_kafka_mock_cluster_new(%d brokers) failed", BROKERS);
    snprintf(F.bootstraps, sizeof F.bootstraps, "%s", rd_kafka_mock_cluster_bootstraps(F.mc));
    cr_assert(partitions >= 1 && partitions <= PARTITIONS_MAX, "partitions %d", partitions);
    F.partitions = partitions;
    snprintf(F.prefix, sizeof F.prefix, "f.%s.%d.", tag, (int)getpid());
    for (int t = 0; t < TOPICS; t++) {
        snprintf(F.topic[t], sizeof F.topic[t], "%s%s", F.prefix, readback_topic_suffix[t]);
        rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(F.mc, F.topic[t], partitions, REPLICATION);
        cr_assert_eq(e, RD_KAFKA_RESP_ERR_NO_ERROR, "mock topic %s: %s", F.topic[t], rd_kafka_err2str(e));
        for (int p = 0; p < partitions && t >= T_ORDERS; p++) {
            e = rd_kafka_mock_partition_set_leader(F.mc, F.topic[t], p, p % BROKERS + 1);
            cr_assert_eq(e, RD_KAFKA_RESP_ERR_NO_ERROR, "leader of %s [%d]: %s", F.topic[t], p, rd_kafka_err2str(e));
        }
    }

    /* log_level 2: brokers going down on purpose are not news */
    F.reader = readback_new_reader(F.bootstraps, "shopstream-faults-reader", "2");
}

/* Starts $SHOPSTREAM_BIN run against the mock cluster in the background:
 * the common options, then extra (NULL-terminated). */
static void child_start(const char *const *extra) {
    const char *bin = getenv("SHOPSTREAM_BIN");
    cr_assert_not_null(bin, "SHOPSTREAM_BIN is not set: run this through ctest");
    support_tmp_path("faults-stderr", F.stderr_path, sizeof F.stderr_path);
    support_tmp_path("faults-stats", F.stats_path, sizeof F.stats_path);
    static char partitions[16];
    snprintf(partitions, sizeof partitions, "%d", F.partitions);
    const char *common[] = { "run", "-b", F.bootstraps, "--topic-prefix", F.prefix, "--partitions", partitions,
                             "--customers", "500", "--products", "50", "-q", "--stats-json", F.stats_path,
                             /* one record per product and customer: the dimension checks below read each key once */
                             "--product-changes", "off", "--customer-changes", "off" };
    enum { N_COMMON = sizeof common / sizeof common[0] };
    const char *argv[N_COMMON + 32];
    size_t argc = 0;
    for (size_t i = 0; i < N_COMMON; i++) argv[argc++] = common[i];
    for (size_t i = 0; extra[i] && argc < sizeof argv / sizeof argv[0] - 1; i++) argv[argc++] = extra[i];
    argv[argc] = NULL;
    F.child = readback_spawn(bin, argv, NULL, F.stderr_path);
}

/* 1 while the child runs; 0 once it has exited, with its status in *status. */
static int child_running(int *status) {
    if (F.child <= 0) return 0;
    pid_t r = waitpid(F.child, status, WNOHANG);
    if (r == 0) return 1;
    cr_assert_eq(r, F.child, "waitpid: %s", strerror(errno));
    F.child = -1;
    return 0;
}

static void expect_child_running(const char *when) {
    int status = 0;
    if (!child_running(&status))
        cr_assert_fail("shopstream exited (status 0x%x) %s, before the fault was over: the fault did not land "
                       "mid-run\nstderr:\n%s",
                       status, when, child_stderr_tail());
}

/* Waits for the child to exit; requires exit code 0 and returns the stats. */
static json_t *child_wait_success(void) {
    int status = 0;
    double deadline = readback_now_s() + CHILD_DEADLINE_S;
    while (child_running(&status)) {
        if (readback_now_s() > deadline) {
            kill_child();
            cr_assert_fail("shopstream did not finish within %d s after the fault ended\nstderr:\n%s", CHILD_DEADLINE_S,
                           child_stderr_tail());
        }
        readback_sleep_s(0.05);
    }
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "shopstream run -b %s --topic-prefix %s ... %s %d, expected exit 0\nstderr:\n%s", F.bootstraps, F.prefix,
              WIFEXITED(status) ? "exited" : "was killed by signal",
              WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), child_stderr_tail());
    F.stats = readback_read_stats(F.stats_path);
    return F.stats;
}

/* Messages in a topic: the sum of its partitions' high watermarks. */
static int64_t topic_messages(int t) {
    int64_t sum = 0;
    for (int p = 0; p < F.partitions; p++) {
        int64_t low = 0, high = 0;
        rd_kafka_resp_err_t err =
            rd_kafka_query_watermark_offsets(F.reader, F.topic[t], p, &low, &high, BROKER_TIMEOUT_MS);
        cr_assert_eq(err, RD_KAFKA_RESP_ERR_NO_ERROR, "watermarks of %s [%d]: %s", F.topic[t], p,
                     rd_kafka_err2str(err));
        sum += high;
    }
    return sum;
}

/* Waits until the orders topic holds at least min messages: facts are
 * flowing, so the dimension topics were all acknowledged (run.c drains them
 * before the first fact). Returns the count it saw. */
static int64_t wait_for_orders(int64_t min) {
    double deadline = readback_now_s() + START_DEADLINE_S;
    for (;;) {
        expect_child_running("while this test waited for its orders to flow");
        int64_t n = topic_messages(T_ORDERS);
        if (n >= min) return n;
        cr_assert(readback_now_s() < deadline,
                  "the orders topic held %" PRId64 " messages %d s after the start, "
                  "expected %" PRId64 "\nstderr:\n%s",
                  n, START_DEADLINE_S, min, child_stderr_tail());
        readback_sleep_s(0.01);
    }
}

static void broker_down(int32_t id) {
    rd_kafka_resp_err_t e = rd_kafka_mock_broker_set_down(F.mc, id);
    cr_assert_eq(e, RD_KAFKA_RESP_ERR_NO_ERROR, "set_down(%d): %s", (int)id, rd_kafka_err2str(e));
}

static void broker_up(int32_t id) {
    rd_kafka_resp_err_t e = rd_kafka_mock_broker_set_up(F.mc, id);
    cr_assert_eq(e, RD_KAFKA_RESP_ERR_NO_ERROR, "set_up(%d): %s", (int)id, rd_kafka_err2str(e));
}

/* ---- reading back --------------------------------------------------------- */

/* Reads every partition of topic t from its beginning to the high watermark
 * found before reading, handing each message to visit. Returns the count. */
static uint64_t read_topic(int t, readback_visitor visit, void *ctx) {
    char problem[512];
    uint64_t n = readback_read_topic(F.reader, F.topic[t], F.partitions, BROKER_TIMEOUT_MS, READ_DEADLINE_S,
                                     ": the mock cluster dropped its oldest messages (it keeps 5 MB or 100,000 "
                                     "batches a partition): spread the run over more partitions",
                                     visit, ctx, problem, sizeof problem);
    if (problem[0]) cr_assert_fail("reading %s back: %s", F.topic[t], problem);
    return n;
}

typedef struct dims_ctx {
    size_t n, cap;
    readback_finding bad_key;
} dims_ctx;

static void visit_dimension(void *ctx, const rd_kafka_message_t *m, int32_t partitions) {
    (void)partitions;
    dims_ctx *c = ctx;
    int64_t id;
    if (readback_key_id(m, &id) != 0) {
        readback_note(&c->bad_key, "partition %d offset %" PRId64 ": a %zu-byte key", (int)m->partition, m->offset,
                      m->key_len);
        return;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        int64_t *k = realloc(F.keys, cap * sizeof *k);
        cr_assert_not_null(k, "out of memory");
        F.keys = k;
        c->cap = cap;
    }
    F.keys[c->n++] = id;
}

/* FNV-1a over a message's key, value and timestamp: tells a byte-identical
 * copy from a different message with the same ids. */
static uint32_t message_hash(const rd_kafka_message_t *m) {
    uint32_t h = 2166136261u;
    const unsigned char *k = m->key, *v = m->payload;
    for (size_t i = 0; i < m->key_len; i++) h = (h ^ k[i]) * 16777619u;
    h = (h ^ 0xffu) * 16777619u;
    for (size_t i = 0; i < m->len; i++) h = (h ^ v[i]) * 16777619u;
    int64_t ts = rd_kafka_message_timestamp(m, NULL);
    for (int i = 0; i < 8; i++) h = (h ^ (unsigned char)((uint64_t)ts >> (8 * i))) * 16777619u;
    return h;
}

/* What a run may show besides exactly one copy of everything. */
typedef enum copies {
    EXACTLY_ONCE,
    /* The fault dropped connections: a Produce request the mock had
     * appended may have lost its response, and librdkafka then re-sends it
     * with the same producer id and sequence numbers. A real broker drops
     * that re-send as a duplicate (that is what enable.idempotence is for);
     * the mock cluster of librdkafka (2.0.2, and still in 2.15) checks
     * sequences only for transactional producers, and appends it again
     * (rd_kafka_mock_validate_records returns at once without a
     * TransactionalId). Such a copy is byte-identical to the first and
     * cannot come from shopstream itself, which must have handed every
     * message to librdkafka exactly once (checked from its per-topic
     * "produced" counts). Those copies are counted and printed, not failed;
     * any other second copy fails. */
    RESENT_COPIES_OF_APPENDED_REQUESTS,
} copies;

typedef struct facts_ctx {
    uint64_t n_orders; /* stats.orders: the ids are 1..n_orders */
    copies allowed;
    uint64_t order_resent, item_resent;
    readback_finding order_key, order_value, order_dup, item_key, item_value, item_line, item_dup;
} facts_ctx;

static void visit_order(void *ctx, const rd_kafka_message_t *m, int32_t partitions) {
    (void)partitions;
    facts_ctx *c = ctx;
    int64_t id, value_id;
    int32_t items;
    if (readback_key_id(m, &id) != 0 || id < 1 || (uint64_t)id > c->n_orders) {
        readback_note(&c->order_key, "partition %d offset %" PRId64 ": key is not an order id in 1..%" PRIu64,
                      (int)m->partition, m->offset, c->n_orders);
        return;
    }
    uint32_t h = message_hash(m);
    if (F.order_seen[id] > 0) {
        if (c->allowed == RESENT_COPIES_OF_APPENDED_REQUESTS && h == F.order_hash[id])
            c->order_resent++;
        else
            readback_note(&c->order_dup,
                          "order %" PRId64 " is on the orders topic twice (again at partition %d offset %" PRId64 "%s)",
                          id, (int)m->partition, m->offset, h == F.order_hash[id] ? "" : ", different bytes");
        return;
    }
    F.order_seen[id] = 1;
    F.order_hash[id] = h;
    if (readback_decode(&F.dec[0], m->payload, m->len) != READBACK_DECODED ||
        readback_get_long(&F.dec[0].value, "order_id", &value_id) != 0 ||
        readback_get_int(&F.dec[0].value, "item_count", &items) != 0 || value_id != id || items < 1 || items > 31) {
        readback_note(&c->order_value,
                      "order %" PRId64 " (partition %d offset %" PRId64 "): value does not decode to that "
                      "order with an item_count in 1..31",
                      id, (int)m->partition, m->offset);
        return;
    }
    F.item_count[id] = items;
}

static void visit_item(void *ctx, const rd_kafka_message_t *m, int32_t partitions) {
    (void)partitions;
    facts_ctx *c = ctx;
    int64_t id, value_id;
    int32_t line;
    if (readback_key_id(m, &id) != 0 || id < 1 || (uint64_t)id > c->n_orders) {
        readback_note(&c->item_key, "partition %d offset %" PRId64 ": key is not an order id in 1..%" PRIu64,
                      (int)m->partition, m->offset, c->n_orders);
        return;
    }
    if (readback_decode(&F.dec[1], m->payload, m->len) != READBACK_DECODED ||
        readback_get_long(&F.dec[1].value, "order_id", &value_id) != 0 ||
        readback_get_int(&F.dec[1].value, "line_number", &line) != 0 || value_id != id) {
        readback_note(&c->item_value,
                      "order %" PRId64 " (partition %d offset %" PRId64 "): value does not decode to an "
                      "item of that order",
                      id, (int)m->partition, m->offset);
        return;
    }
    if (line < 1 || line > 31) {
        readback_note(&c->item_line, "order %" PRId64 ": line_number %d", id, (int)line);
        return;
    }
    /* Lines beyond the order's item_count have no hash slot; the check of
     * every order's lines after reading reports them. */
    uint32_t *slot = line <= F.item_count[id] ? &F.item_hash[F.item_base[id] + (uint64_t)(line - 1)] : NULL;
    uint32_t h = message_hash(m);
    uint32_t bit = UINT32_C(1) << (line - 1);
    if (F.line_mask[id] & bit) {
        if (c->allowed == RESENT_COPIES_OF_APPENDED_REQUESTS && slot && h == *slot)
            c->item_resent++;
        else
            readback_note(&c->item_dup,
                          "(order %" PRId64 ", line %d) is on order_items twice (again at partition %d offset %" PRId64
                          "%s)",
                          id, (int)line, (int)m->partition, m->offset, slot && h == *slot ? "" : ", different bytes");
        return;
    }
    F.line_mask[id] |= bit;
    if (slot) *slot = h;
}

/* shopstream handed each message to librdkafka once: its per-topic
 * "produced" counts are the catalog sizes and the run's orders and items. */
static void expect_each_message_produced_once(const json_t *stats) {
    const json_t *topics = json_object_get(stats, "topics");
    uint64_t produced[TOPICS], sum = 0;
    for (int t = 0; t < TOPICS; t++) {
        const json_t *v = json_object_get(json_object_get(topics, F.topic[t]), "produced");
        cr_assert(json_is_integer(v), "stats: no topics.%s.produced", F.topic[t]);
        produced[t] = (uint64_t)json_integer_value(v);
        sum += produced[t];
    }
    cr_expect_eq(produced[T_CUSTOMERS], 500, "stats: %" PRIu64 " customers produced, not 500", produced[T_CUSTOMERS]);
    cr_expect_eq(produced[T_PRODUCTS], 50, "stats: %" PRIu64 " products produced, not 50", produced[T_PRODUCTS]);
    cr_expect_eq(produced[T_ORDERS], support_stat(stats, "orders"),
                 "stats: %" PRIu64 " orders produced for %" PRIu64 " orders made", produced[T_ORDERS],
                 support_stat(stats, "orders"));
    cr_expect_eq(produced[T_ORDER_ITEMS], support_stat(stats, "order_items"),
                 "stats: %" PRIu64 " items produced "
                 "for %" PRIu64 " made",
                 produced[T_ORDER_ITEMS], support_stat(stats, "order_items"));
    cr_expect_eq(sum, support_stat(stats, "messages"), "stats: topics produced %" PRIu64 ", messages %" PRIu64, sum,
                 support_stat(stats, "messages"));
}

/* Counts the messages of a topic read back. */
static void visit_count(void *ctx, const rd_kafka_message_t *m, int32_t partitions) {
    (void)m;
    (void)partitions;
    ++*(uint64_t *)ctx;
}

/* The whole proof of "nothing lost, nothing duplicated" for one run. */
static void expect_everything_exactly_once(const json_t *stats, copies allowed) {
    uint64_t orders = support_stat(stats, "orders"), items = support_stat(stats, "order_items");
    uint64_t messages = support_stat(stats, "messages"), delivered = support_stat(stats, "delivered");
    cr_expect(json_is_true(json_object_get(stats, "complete")), "stats: the run is not complete");
    cr_expect_eq(delivered, messages, "stats: delivered %" PRIu64 " of %" PRIu64 " messages", delivered, messages);
    cr_expect_eq(support_stat(stats, "failed"), 0, "stats: failed %" PRIu64, support_stat(stats, "failed"));
    cr_assert_gt(orders, 0, "stats: no orders");
    expect_each_message_produced_once(stats);

    /* The dimension topics were all acknowledged before any fault began:
     * exactly once, no allowance. */
    uint64_t read_total = 0;
    for (int t = T_CUSTOMERS; t <= T_CAMPAIGNS; t++) {
        dims_ctx c = { .bad_key = { .claim = "every dimension key is an 8-byte id" } };
        uint64_t n = read_topic(t, visit_dimension, &c);
        read_total += n;
        uint64_t want = support_topic_delivered(stats, F.topic[t]);
        cr_expect_eq(n, want, "%s holds %" PRIu64 " messages; the run delivered %" PRIu64, F.topic[t], n, want);
        readback_expect_no_violation(&c.bad_key);
        qsort(F.keys, c.n, sizeof *F.keys, readback_compare_int64);
        for (size_t i = 1; i < c.n; i++)
            cr_expect_neq(F.keys[i], F.keys[i - 1], "%s: key %" PRId64 " twice", F.topic[t], F.keys[i]);
        free(F.keys);
        F.keys = NULL;
    }

    readback_decoder_open(&F.dec[0], "schemas/orders.avsc");
    readback_decoder_open(&F.dec[1], "schemas/order_items.avsc");
    F.order_seen = calloc(orders + 1, sizeof *F.order_seen);
    F.item_count = calloc(orders + 1, sizeof *F.item_count);
    F.line_mask = calloc(orders + 1, sizeof *F.line_mask);
    F.order_hash = calloc(orders + 1, sizeof *F.order_hash);
    F.item_base = calloc(orders + 1, sizeof *F.item_base);
    cr_assert(F.order_seen && F.item_count && F.line_mask && F.order_hash && F.item_base,
              "out of memory for %" PRIu64 " orders", orders);
    facts_ctx c = {
        .n_orders = orders,
        .allowed = allowed,
        .order_key = { .claim = "every orders key is an order id 1..stats.orders, 8 bytes big-endian" },
        .order_value = { .claim = "every orders value is that order with its item_count" },
        .order_dup = { .claim = "no order id twice on the orders topic" },
        .item_key = { .claim = "every order_items key is an order id 1..stats.orders, 8 bytes big-endian" },
        .item_value = { .claim = "every order_items value is an item of the order its key names" },
        .item_line = { .claim = "every line_number is in 1..31" },
        .item_dup = { .claim = "no (order_id, line_number) twice on order_items" },
    };
    uint64_t n_orders = read_topic(T_ORDERS, visit_order, &c);
    /* Where each order's lines go in item_hash: its item_count from the
     * orders topic, in order id order. */
    uint64_t sum_items = 0;
    for (uint64_t id = 1; id <= orders; id++) {
        F.item_base[id] = sum_items;
        if (F.item_count[id] > 0) sum_items += (uint64_t)F.item_count[id];
    }
    F.item_hash = calloc(sum_items + 1, sizeof *F.item_hash);
    cr_assert_not_null(F.item_hash, "out of memory for %" PRIu64 " items", sum_items);
    uint64_t n_items = read_topic(T_ORDER_ITEMS, visit_item, &c);
    read_total += n_orders + n_items;
    /* The lives' topics: every event delivered is there (once, unless the
     * fault allows re-sent copies). */
    for (int t = T_PAYMENTS; t <= T_SHIPMENTS; t++) {
        uint64_t n = 0, want = support_topic_delivered(stats, F.topic[t]);
        read_topic(t, visit_count, &n);
        if (allowed == EXACTLY_ONCE)
            cr_expect_eq(n, want, "%s holds %" PRIu64 " messages; the run delivered %" PRIu64, F.topic[t], n, want);
        else
            cr_expect_geq(n, want, "%s holds %" PRIu64 " messages; the run delivered %" PRIu64, F.topic[t], n, want);
        read_total += want; /* re-sent copies of its own are allowed above, not counted here */
    }
    cr_expect_eq(n_orders - c.order_resent, orders,
                 "%s holds %" PRIu64 " messages (%" PRIu64 " of them re-sent "
                 "copies); the run made %" PRIu64 " orders",
                 F.topic[T_ORDERS], n_orders, c.order_resent, orders);
    cr_expect_eq(n_items - c.item_resent, items,
                 "%s holds %" PRIu64 " messages (%" PRIu64 " of them re-sent "
                 "copies); the run made %" PRIu64 " order items",
                 F.topic[T_ORDER_ITEMS], n_items, c.item_resent, items);
    readback_expect_no_violation(&c.order_key);
    readback_expect_no_violation(&c.order_value);
    readback_expect_no_violation(&c.order_dup);
    readback_expect_no_violation(&c.item_key);
    readback_expect_no_violation(&c.item_value);
    readback_expect_no_violation(&c.item_line);
    readback_expect_no_violation(&c.item_dup);

    readback_finding missing = { .claim = "every order id 1..stats.orders is on the orders topic" };
    readback_finding lines = { .claim = "every order's items are exactly its lines 1..item_count" };
    for (uint64_t id = 1; id <= orders; id++) {
        if (F.order_seen[id] == 0) readback_note(&missing, "order %" PRIu64 " is missing", id);
        int32_t k = F.item_count[id];
        if (k < 1) continue; /* its order is missing or undecodable: already counted */
        uint32_t want = k >= 32 ? UINT32_MAX : (UINT32_C(1) << k) - 1;
        if (F.line_mask[id] != want)
            readback_note(&lines, "order %" PRIu64 " has item_count %d but lines 0x%" PRIx32 " (bit l-1 = line l)", id,
                          (int)k, F.line_mask[id]);
    }
    readback_expect_no_violation(&missing);
    readback_expect_no_violation(&lines);
    cr_expect_eq(sum_items, items, "the orders' item_counts add up to %" PRIu64 ", stats.order_items is %" PRIu64,
                 sum_items, items);
    uint64_t resent = c.order_resent + c.item_resent;
    cr_expect_eq(read_total - resent, delivered,
                 "read back %" PRIu64 " messages in all (%" PRIu64 " re-sent "
                 "copies), the run delivered %" PRIu64,
                 read_total, resent, delivered);
    fprintf(stderr,
            "test_faults: %s: read back %" PRIu64 " orders and %" PRIu64 " items (%" PRIu64 " messages in "
            "all); re-sent copies of requests the mock had appended: %" PRIu64 " orders, %" PRIu64 " items\n",
            F.prefix, n_orders, n_items, read_total, c.order_resent, c.item_resent);
}

/* A paced run: N simulated hours at 3600x take about N s of wall time
 * (about 2,300 orders and 7,500 messages a simulated hour at intensity 50). */
#define PACED_RUN(hours, ...)                                                                                          \
    (const char *[]) { "--duration", hours, "--intensity", "50", "--speed", "3600", __VA_ARGS__ NULL }

/* The fault must land mid-run: the orders published when it began are
 * fewer than half of the run's. */
static void expect_fault_mid_run(int64_t at_fault, const json_t *stats, const char *fault) {
    uint64_t orders = support_stat(stats, "orders");
    cr_assert_lt((uint64_t)at_fault, orders / 2,
                 "%" PRId64 " of %" PRIu64 " orders were already published when %s: "
                 "the fault did not land mid-run",
                 at_fault, orders, fault);
}

/* ---- the tests ------------------------------------------------------------ */

Test(faults, survives_a_broker_going_down_and_up_mid_run, .timeout = 280) {
    cluster_start("down", 6);
    child_start(PACED_RUN("5h", ));
    int64_t at_fault = wait_for_orders(1);

    /* Broker 1 leads partitions 0 and 3 of both fact topics: those stall
     * while the other four keep taking messages. */
    broker_down(1);
    readback_sleep_s(1.0);
    expect_child_running("while broker 1 was down");
    broker_up(1);
    readback_sleep_s(0.5);
    /* Then every leader at once. */
    for (int32_t b = 1; b <= BROKERS; b++) broker_down(b);
    readback_sleep_s(1.0);
    expect_child_running("while all brokers were down");
    for (int32_t b = 1; b <= BROKERS; b++) broker_up(b);

    json_t *stats = child_wait_success();
    expect_fault_mid_run(at_fault, stats, "broker 1 went down");
    expect_everything_exactly_once(stats, RESENT_COPIES_OF_APPENDED_REQUESTS);
}

/* Each broker answers its next Produce requests, whole, with these errors
 * (the mock appends nothing for a request it fails): leadership moved, a
 * replication timeout (possibly persisted, in the client's eyes), too few
 * in-sync replicas; 18 a broker, in two rounds half a second apart.
 *
 * Why the child runs with max.in.flight.requests.per.connection=1: with
 * several Produce requests in flight to a broker, the mock fails the one
 * that takes the injected error and then accepts the next, which carries
 * later sequence numbers of the same partitions. A real broker refuses
 * that one too (OUT_OF_ORDER_SEQUENCE_NUMBER: it checks every idempotent
 * producer's sequences); the mock checks them only for transactional
 * producers. librdkafka, told that the later request was appended, infers
 * that the failed one must have been appended too ("implicitly acked by
 * subsequent batch success", rdkafka_request.c), reports its messages
 * delivered, and they are missing from the mock's log: 2 runs in 3 lost 2 to
 * 8 messages that way, with any one of the three errors alone. With one
 * request in flight there is no later request to be accepted out of
 * order, and the mock behaves as a broker would for these errors. */
static const char *const one_in_flight = "max.in.flight.requests.per.connection=1";

Test(faults, survives_injected_produce_errors, .timeout = 280) {
    cluster_start("errors", 6);
    child_start(PACED_RUN("5h", "-X", one_in_flight, ));
    int64_t at_fault = wait_for_orders(1);

    /* Per-broker stacks (rather than rd_kafka_mock_push_request_errors'
     * cluster-wide one) let the test see every injected error served while
     * the run went on. */
    const int16_t produce = 0; /* ApiKey Produce */
    for (int round = 0; round < 2; round++) {
        for (int32_t b = 1; b <= BROKERS; b++) {
            rd_kafka_resp_err_t e = rd_kafka_mock_broker_push_request_error_rtts(
                F.mc, b, produce, 9, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, 0, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                0, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, 0, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, 0,
                RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, 0, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, 0,
                RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, 0, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, 0,
                RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, 0);
            cr_assert_eq(e, RD_KAFKA_RESP_ERR_NO_ERROR, "pushing errors on broker %d: %s", (int)b, rd_kafka_err2str(e));
        }
        double deadline = readback_now_s() + 30;
        for (;;) {
            size_t left = 0;
            for (int32_t b = 1; b <= BROKERS; b++) {
                size_t cnt = 0;
                rd_kafka_mock_broker_error_stack_cnt(F.mc, b, produce, &cnt);
                left += cnt;
            }
            if (left == 0) break;
            expect_child_running("with injected Produce errors not yet served");
            cr_assert(readback_now_s() < deadline, "%zu injected Produce errors still unserved after 30 s", left);
            readback_sleep_s(0.01);
        }
        readback_sleep_s(0.5);
    }
    expect_child_running("right after the injected errors were served");

    json_t *stats = child_wait_success();
    expect_fault_mid_run(at_fault, stats, "the errors were injected");
    expect_everything_exactly_once(stats, EXACTLY_ONCE);
}

Test(faults, survives_added_round_trip_time, .timeout = 280) {
    cluster_start("rtt", 6);
    child_start(PACED_RUN("5h", ));
    int64_t at_fault = wait_for_orders(1);

    for (int32_t b = 1; b <= BROKERS; b++) {
        rd_kafka_resp_err_t e = rd_kafka_mock_broker_set_rtt(F.mc, b, 300);
        cr_assert_eq(e, RD_KAFKA_RESP_ERR_NO_ERROR, "set_rtt(%d, 300): %s", (int)b, rd_kafka_err2str(e));
    }
    readback_sleep_s(2.0);
    expect_child_running("while every broker added 300 ms of round-trip time");
    for (int32_t b = 1; b <= BROKERS; b++) rd_kafka_mock_broker_set_rtt(F.mc, b, 0);

    json_t *stats = child_wait_success();
    expect_fault_mid_run(at_fault, stats, "the round-trip time went up");
    expect_everything_exactly_once(stats, EXACTLY_ONCE);
}

/* VmRSS of pid in KiB; -1 once it is gone. */
static long vm_rss_kib(pid_t pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
    fclose(f);
    return kib;
}

/* 1 when pid has AddressSanitizer's runtime mapped. */
static int maps_libasan(pid_t pid) {
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) found = strstr(line, "libasan") != NULL;
    fclose(f);
    return found;
}

/* The memory run: 24 simulated hours at intensity 200 as fast as the
 * machine goes, about 1.15 million orders and 3.6 million messages. Over
 * 24 partitions, because the mock cluster keeps at most 5 MB (or 100,000
 * batches) of each partition and drops the oldest beyond that; with 24
 * each partition holds about 1-2 MB. */
#define MEMORY_RUN_PARTITIONS 24

/* The bound on the child's resident memory while no broker answers.
 *
 * What the child may hold then, by design:
 *   - librdkafka's queue: at most queue.buffering.max.messages = 200,000
 *     messages and queue.buffering.max.kbytes = 64 MiB of them (kafka_conf.c).
 *     This run's messages average about 32 bytes (key + Avro value), so the
 *     message cap binds first: 200,000 x (32 bytes + librdkafka's
 *     rd_kafka_msg_t and malloc overhead, about 200 bytes) = about 45 MiB;
 *   - the generator ring: 8 batches of 4,096 orders, with 1 + up to 5
 *     messages each encoded beside them (msgbatch.c): at most about 200,000
 *     messages x (~40 bytes of value + a ~24-byte reference) = about 12 MiB,
 *     plus the batches' columns, a few MiB;
 *   - the program, its libraries, thread stacks, malloc arenas, the
 *     catalog: 25-30 MiB measured as the facts begin.
 * That is about 90 MiB; the bound is 128 MiB, headroom included. Without
 * the bounds, this run's 3.6 million messages queued at ~230 bytes each
 * would take about 800 MiB, and the test requires that at least 3/4 of the
 * orders were still unpublished when the brokers went down; the engine
 * makes over a million messages a second at --speed max, so an unbounded
 * queue would cross the bound within the first second of the 6 s sampled.
 *
 * Under AddressSanitizer every allocation carries redzones and its
 * allocator's size classes (the ~230-byte messages take about half again),
 * shadow memory adds 1/8 of the heap, and freed memory waits in a
 * quarantine of up to 256 MiB (quarantine_size_mb on x86_64) before reuse;
 * so there the bound is 2 x 128 MiB + 256 MiB = 512 MiB, still well under
 * the ~1.5 GiB an unbounded queue would take there. */
#define RSS_BOUND_KIB (128L * 1024)
#define RSS_BOUND_ASAN_KIB (512L * 1024)

Test(faults, memory_stays_bounded_while_the_broker_is_down, .timeout = 290) {
    cluster_start("memory", MEMORY_RUN_PARTITIONS);
    child_start((const char *[]){ "--duration", "24h", "--intensity", "200", "--speed", "max", NULL });
    int64_t at_fault = wait_for_orders(1);
    for (int32_t b = 1; b <= BROKERS; b++) broker_down(b);
    double down_at = readback_now_s();

    const int asan = UNDER_ASAN || maps_libasan(F.child);
    const long bound = asan ? RSS_BOUND_ASAN_KIB : RSS_BOUND_KIB;
    long max_rss = 0, first_rss = -1, last_rss = -1;
    int samples = 0;
    while (readback_now_s() - down_at < 6.0) {
        expect_child_running("while every broker was down");
        long rss = vm_rss_kib(F.child);
        if (rss > max_rss) max_rss = rss;
        if (first_rss < 0) first_rss = rss;
        last_rss = rss;
        samples++;
        if (rss > bound) break; /* the assertion below says so; no need to watch it grow */
        readback_sleep_s(0.1);
    }
    fprintf(stderr,
            "test_faults: memory: %d VmRSS samples over 6 s with every broker down: first %ld KiB, last "
            "%ld KiB, max %ld KiB (%.1f MiB); bound %ld KiB (%ld MiB)%s; %" PRId64 " orders published before the "
            "brokers went down\n",
            samples, first_rss, last_rss, max_rss, max_rss / 1024.0, bound, bound / 1024,
            asan ? ", AddressSanitizer build" : "", at_fault);
    cr_assert_leq(max_rss, bound, "shopstream's VmRSS reached %ld KiB with every broker down; the bound is %ld KiB",
                  max_rss, bound);
    for (int32_t b = 1; b <= BROKERS; b++) broker_up(b);

    json_t *stats = child_wait_success();
    cr_assert_lt((uint64_t)at_fault, support_stat(stats, "orders") / 4,
                 "%" PRId64 " of %" PRIu64 " orders were already published when the brokers went down: too late "
                 "for the memory bound to mean anything",
                 at_fault, support_stat(stats, "orders"));
    expect_everything_exactly_once(stats, RESENT_COPIES_OF_APPENDED_REQUESTS);
}

/* e. Contract 3's signals while the broker is stalled: with every broker
 * down and librdkafka's queue full, the producing thread waits for room; a
 * SIGINT must end that wait (not the 60 s message timeout), and a second one
 * must cut the bounded final flush short. The run then prints its summary and
 * exits 1, since what was produced was not all delivered. */
Test(faults, sigint_is_honoured_while_the_queue_is_full_and_the_broker_down, .timeout = 120) {
    cluster_start("sigint", 6);
    child_start((const char *[]){ "--duration", "24h", "--intensity", "200", "--speed", "max", NULL });
    wait_for_orders(1);
    for (int32_t b = 1; b <= BROKERS; b++) broker_down(b);
    readback_sleep_s(3.0); /* long enough to fill a 200,000-message queue at max speed */
    expect_child_running("while every broker was down");
    double t0 = readback_now_s();
    kill(F.child, SIGINT);
    readback_sleep_s(0.5);
    kill(F.child, SIGINT);
    int status = 0;
    while (child_running(&status) && readback_now_s() - t0 < 20.0) readback_sleep_s(0.05);
    double took = readback_now_s() - t0;
    cr_assert_lt(took, 20.0, "shopstream still ran %.1f s after two SIGINTs with the broker down", took);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1,
              "expected exit 1 (interrupted with messages undelivered), status 0x%x\nstderr:\n%s", status,
              child_stderr_tail());
    cr_assert(strstr(child_stderr_tail(), "shopstream: interrupted") != NULL, "no summary:\n%s", child_stderr_tail());
    for (int32_t b = 1; b <= BROKERS; b++) broker_up(b);
}
