/* SPDX-License-Identifier: Apache-2.0 */
/* test_broker_kill.c - shopstream survives a real Kafka broker's crash.
 *
 * What this file proves (docs/design.md#nothing-lost, nothing lost, and the
 * idempotent producer's promise that broker retries never duplicate): a paced
 * shopstream run whose Apache Kafka broker is killed with SIGKILL mid-stream,
 * and started again on the same ports and data a few seconds later,
 *   - exits 0 with every message it produced delivered and none failed;
 *   - left on the restarted broker exactly what it reports, each message
 *     once: orders holds exactly stats.orders messages whose order_ids
 *     (8-byte big-endian keys, equal to the Avro value's order_id) are
 *     1..N each once; order_items holds exactly stats.order_items messages,
 *     no (order_id, line_number) twice, every one of an order 1..N;
 *     customers holds exactly --customers distinct ids; and every topic
 *     holds as many messages as the run reports delivered to it.
 * The crash really falls mid-run: some orders are on the broker before the
 * kill and the run publishes more after it.
 *
 * How it gets its broker: not from the shared ctest `kafka` fixture, since
 * it kills its broker. It starts a private one with scripts/kafka-broker.sh
 * start in a fresh state dir under $SHOPSTREAM_TEST_TMP, kills the JVM whose
 * pid is in STATE_DIR/pid, brings it back with kafka-broker.sh restart (the
 * same server.properties, ports and data), and always stops it at the end,
 * also when a check fails (the test's .fini) or when the test process dies
 * (a guardian process that stops the broker when its pipe to the test closes
 * unannounced). The shopstream child is killed when the test fails or dies
 * (PR_SET_PDEATHSIG). On success the state dir is removed; on failure it is
 * kept, with broker.log and console.log, and the messages name it. */
#include <avro.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "readback.h"
#include "support.h"

/* ---- the run and the crash's timeline ------------------------------------- */

/* 45 simulated minutes at 90x: about 30 s of paced wall time, so the run is
 * still producing when the restarted broker answers again (a KRaft broker
 * restarted after SIGKILL waits out its old registration, about 12 s). */
#define RUN_DURATION "45m"
#define RUN_CUSTOMERS 1000
#define RUN_PRODUCTS 100
#define MESSAGE_TIMEOUT "message.timeout.ms=120000" /* longer than the outage */
#define KILL_AFTER_S 5.0                            /* after the child starts, once orders are on the broker */
#define ORDERS_SEEN_DEADLINE_S 60.0
#define RESTART_AFTER_S 8.0     /* after the kill */
#define CHILD_DEADLINE_S 300.0  /* after the child starts: run + outage + message.timeout.ms */
#define BROKER_TIMEOUT_MS 10000 /* metadata and watermark queries */
#define READ_DEADLINE_S 120.0   /* reading one topic to its end */

/* The topics, their schemas and key fields: readback.h. */

/* ---- what teardown must undo ----------------------------------------------- */

static struct {
    char state[512];  /* the private broker's state dir; "" before it exists */
    char script[512]; /* scripts/kafka-broker.sh */
    pid_t child;      /* shopstream, 0 when not running */
    pid_t guardian;   /* 0 when none */
    int guardian_fd;  /* write end of the guardian's pipe, -1 when none */
    int reached_end;  /* the test body ran to its end */
    int failed;       /* a CHECK failed */
    json_t *stats;    /* the run's --stats-json */
    rd_kafka_t *reader;
} g = { .guardian_fd = -1 };

static void free_reads(void);

/* cr_expect that also remembers the failure (to keep the state dir). */
#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        int ok_ = !!(cond);                                                                                            \
        if (!ok_) g.failed = 1;                                                                                        \
        cr_expect(ok_, __VA_ARGS__);                                                                                   \
    } while (0)

/* Runs argv[0] with stdout and stderr into log (or /dev/null); its exit
 * status, or -1. It is killed if the calling process dies first. */
static int run_command(char *const argv[], const char *log) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        int n = open("/dev/null", O_RDONLY);
        int o = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (n < 0 || o < 0) _exit(127);
        dup2(n, 0);
        dup2(o, 1);
        dup2(o, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void read_text(const char *path, char *buf, size_t cap) {
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* The last cap-1 bytes of a file, for failure messages. */
static void read_tail(const char *path, char *buf, size_t cap) {
    if (readback_file_tail(path, buf, cap) != 0) snprintf(buf, cap, "(cannot read %s: %s)", path, strerror(errno));
}

/* kafka-broker.sh COMMAND STATE_DIR; asserts exit 0, quoting its output. */
static void broker_script(const char *command) {
    char log[600];
    snprintf(log, sizeof log, "%s.%s.log", g.state, command);
    char *argv[] = { g.script, (char *)command, g.state, NULL };
    int rc = run_command(argv, log);
    if (rc != 0) {
        char out[4096];
        read_tail(log, out, sizeof out);
        g.failed = 1;
        cr_assert_fail("%s %s %s exited %d:\n%s", g.script, command, g.state, rc, out);
    }
}

/* The guardian: a process that waits on a pipe from the test. If the pipe
 * closes without the test saying "done" first (the test process crashed or
 * was killed), it stops the private broker. Everything the test exec()s gets
 * the pipe close-on-exec, so only the test holds its write end. */
static void start_guardian(void) {
    int fds[2];
    cr_assert_eq(pipe2(fds, O_CLOEXEC), 0, "pipe2: %s", strerror(errno));
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(fds[1]);
        char c = 0;
        ssize_t r;
        while ((r = read(fds[0], &c, 1)) < 0 && errno == EINTR) {}
        if (r == 1 && c == 'd') _exit(0);
        /* A kafka-broker.sh start or restart killed with the test may have
         * launched the JVM a moment before its pid file is written. */
        readback_sleep_s(1.0);
        char *argv[] = { g.script, "stop", g.state, NULL };
        _exit(run_command(argv, NULL) == 0 ? 0 : 1);
    }
    close(fds[0]);
    g.guardian = pid;
    g.guardian_fd = fds[1];
}

static void release_guardian(void) {
    if (g.guardian_fd >= 0) {
        ssize_t w = write(g.guardian_fd, "d", 1);
        (void)w;
        close(g.guardian_fd);
        g.guardian_fd = -1;
    }
    if (g.guardian > 0) {
        waitpid(g.guardian, NULL, 0);
        g.guardian = 0;
    }
}

static void teardown(void) {
    if (g.reader) {
        readback_close_reader(g.reader);
        g.reader = NULL;
    }
    free_reads();
    if (g.stats) {
        json_decref(g.stats);
        g.stats = NULL;
    }
    if (g.child > 0) {
        readback_kill(g.child);
        g.child = 0;
    }
    if (g.state[0]) {
        char *stop[] = { g.script, "stop", g.state, NULL };
        int rc = run_command(stop, NULL);
        if (rc != 0) fprintf(stderr, "test_broker_kill: %s stop %s exited %d\n", g.script, g.state, rc);
        if (g.reached_end && !g.failed && rc == 0) {
            char *rm[] = { "/bin/rm", "-rf", g.state, NULL };
            run_command(rm, NULL);
            char log[600];
            snprintf(log, sizeof log, "%s.start.log", g.state);
            unlink(log);
            snprintf(log, sizeof log, "%s.restart.log", g.state);
            unlink(log);
        } else {
            fprintf(stderr, "test_broker_kill: kept the broker's state dir %s (broker.log, console.log)\n", g.state);
        }
    }
    release_guardian();
}

/* ---- the broker and the child --------------------------------------------- */

static void broker_address(char *addr, size_t cap) {
    char path[600];
    snprintf(path, sizeof path, "%s/bootstrap", g.state);
    read_text(path, addr, cap);
    size_t n = strlen(addr);
    while (n > 0 && (addr[n - 1] == '\n' || addr[n - 1] == ' ')) addr[--n] = '\0';
    if (n == 0 || !strchr(addr, ':')) cr_assert_fail("%s does not hold a host:port address ('%s')", path, addr);
}

/* A process that exists and is not a zombie. */
static int process_alive(pid_t pid) {
    if (kill(pid, 0) != 0) return 0;
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    read_text(path, stat, sizeof stat);
    const char *close_paren = strrchr(stat, ')');
    return !(close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z');
}

/* kill -9 the broker whose pid is in STATE_DIR/pid; returns once it is gone. */
static pid_t kill_broker(void) {
    char path[600], text[64], cmdline[4096];
    snprintf(path, sizeof path, "%s/pid", g.state);
    read_text(path, text, sizeof text);
    pid_t pid = (pid_t)strtol(text, NULL, 10);
    cr_assert_gt(pid, 1, "%s does not hold a pid ('%s')", path, text);
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(cmdline, 1, sizeof cmdline - 1, f) : 0;
    if (f) fclose(f);
    for (size_t i = 0; i < n; i++)
        if (cmdline[i] == '\0') cmdline[i] = ' ';
    cmdline[n] = '\0';
    cr_assert_not_null(strstr(cmdline, "kafka.Kafka"), "pid %d is not the broker (cmdline '%s')", (int)pid, cmdline);
    cr_assert_eq(kill(pid, SIGKILL), 0, "kill -9 %d: %s", (int)pid, strerror(errno));
    double deadline = readback_now_s() + 10;
    while (process_alive(pid) && readback_now_s() < deadline) readback_sleep_s(0.05);
    cr_assert(!process_alive(pid), "the broker (pid %d) still runs 10 s after SIGKILL", (int)pid);
    return pid;
}

static void start_child(const char *const *args, const char *out_path, const char *err_path) {
    const char *bin = getenv("SHOPSTREAM_BIN");
    cr_assert(bin && *bin, "SHOPSTREAM_BIN is not set: run this through ctest");
    g.child = readback_spawn(bin, args, out_path, err_path);
}

/* 1 and *status once the child has exited (it is then reaped), else 0. */
static int child_exited(int *status) {
    if (g.child <= 0) return 1;
    pid_t r = waitpid(g.child, status, WNOHANG);
    if (r == g.child) {
        g.child = 0;
        return 1;
    }
    return 0;
}

/* ---- reading topics ------------------------------------------------------- */

static rd_kafka_t *new_reader(const char *addr, int with_group) {
    /* log_level 2: the probe meets a broker about to die */
    return readback_new_reader(addr, with_group ? "shopstream-kill-reader" : NULL, "2");
}

/* How many messages the topic holds now (sum of high watermarks), -1 if
 * the broker does not have it yet or does not answer. */
static int64_t messages_on_broker(const char *addr, const char *topic) {
    rd_kafka_t *rk = new_reader(addr, 0);
    rd_kafka_resp_err_t err;
    int32_t parts = readback_partition_count(rk, topic, 2000, &err);
    int64_t total = parts > 0 ? 0 : -1;
    for (int32_t p = 0; p < parts && total >= 0; p++) {
        int64_t low = 0, high = 0;
        if (rd_kafka_query_watermark_offsets(rk, topic, p, &low, &high, 2000))
            total = -1;
        else
            total += high;
    }
    rd_kafka_destroy(rk);
    return total;
}

/* What the read-back keeps of a message. */
typedef struct rec {
    int64_t id;          /* the value's key field */
    int32_t line_number; /* order_items only */
} rec;

typedef struct topic_read {
    rec *recs;
    size_t n, cap;
    uint64_t bad_value, key_not_id;
    char first_bad[512];
} topic_read;

static readback_decoder decoders[TOPICS];
static topic_read reads[TOPICS];

static void free_reads(void) {
    for (int t = 0; t < TOPICS; t++) {
        readback_decoder_close(&decoders[t]);
        free(reads[t].recs);
        memset(&reads[t], 0, sizeof reads[t]);
    }
}

/* Decodes the value as exactly one record of its topic's schema and keeps
 * its id (and line_number); counts what does not hold. */
static void absorb(void *ctx, const rd_kafka_message_t *m, int32_t partitions) {
    (void)partitions;
    int t = *(const int *)ctx;
    topic_read *tr = &reads[t];
    readback_decoder *d = &decoders[t];
    const char *topic = rd_kafka_topic_name(m->rkt);
    int got = readback_decode(d, m->payload, m->len);
    cr_assert_neq(got, READBACK_NO_READER, "avro_reader_memory failed");
    int rc = got == READBACK_NOT_A_RECORD, leftover = got == READBACK_LEFTOVER;
    int64_t id = 0, key;
    int32_t line = 0;
    if (got == READBACK_DECODED && readback_get_long(&d->value, readback_key_field[t], &id) == 0 &&
        (t != T_ORDER_ITEMS || readback_get_int(&d->value, "line_number", &line) == 0)) {
        if (readback_key_id(m, &key) != 0 || key != id) {
            if (tr->key_not_id++ == 0 && tr->bad_value == 0)
                snprintf(tr->first_bad, sizeof tr->first_bad,
                         "%s [%d] @%lld: %s %" PRId64 " has a %zu-byte key that "
                         "is not its 8-byte big-endian id",
                         topic, (int)m->partition, (long long)m->offset, readback_key_field[t], id, m->key_len);
        }
    } else {
        if (tr->bad_value++ == 0 && tr->key_not_id == 0)
            snprintf(tr->first_bad, sizeof tr->first_bad,
                     "%s [%d] @%lld: a %zu-byte value that is not one %s record"
                     " with %s: %s",
                     topic, (int)m->partition, (long long)m->offset, m->len, readback_schema_file[t],
                     readback_key_field[t],
                     rc         ? avro_strerror()
                     : leftover ? "bytes left over"
                                : "field missing");
        return;
    }
    if (tr->n == tr->cap) {
        size_t cap = tr->cap ? tr->cap * 2 : 4096;
        rec *p = realloc(tr->recs, cap * sizeof *p);
        cr_assert_not_null(p, "out of memory");
        tr->recs = p;
        tr->cap = cap;
    }
    tr->recs[tr->n++] = (rec){ id, line };
}

/* Reads every partition of the topic from its beginning to the high
 * watermark found before reading; returns how many messages it read. */
static uint64_t read_topic(rd_kafka_t *rk, int t, const char *topic) {
    rd_kafka_resp_err_t err;
    int32_t parts = readback_partition_count(rk, topic, BROKER_TIMEOUT_MS, &err);
    if (parts < 0) cr_assert_fail("metadata for %s: %s", topic, rd_kafka_err2str(err));
    if (parts == 0) cr_assert_fail("topic %s is not on the restarted broker", topic);
    char problem[512];
    uint64_t n = readback_read_topic(rk, topic, parts, BROKER_TIMEOUT_MS, READ_DEADLINE_S, "", absorb, &t, problem,
                                     sizeof problem);
    if (problem[0]) cr_assert_fail("reading %s back from the restarted broker: %s", topic, problem);
    return n;
}

static int compare_recs(const void *a, const void *b) {
    const rec *x = a, *y = b;
    if (x->id != y->id) return (x->id > y->id) - (x->id < y->id);
    return (x->line_number > y->line_number) - (x->line_number < y->line_number);
}

/* Sorted ids of a topic: how many distinct, and the first repeated. */
static size_t distinct_ids(topic_read *tr, uint64_t *repeats, int64_t *first_repeat) {
    qsort(tr->recs, tr->n, sizeof *tr->recs, compare_recs);
    size_t distinct = 0;
    *repeats = 0;
    *first_repeat = 0;
    for (size_t i = 0; i < tr->n; i++) {
        if (i > 0 && tr->recs[i].id == tr->recs[i - 1].id) {
            if ((*repeats)++ == 0) *first_repeat = tr->recs[i].id;
        } else {
            distinct++;
        }
    }
    return distinct;
}

/* ---- the test ------------------------------------------------------------- */

Test(broker_kill, killed_broker_restarts_and_every_message_is_delivered_exactly_once, .fini = teardown,
     .timeout = 540) {
    support_source_path("scripts/kafka-broker.sh", g.script, sizeof g.script);
    char state[512], stats_path[512], out_path[512], err_path[512], prefix[64];
    support_tmp_path("kill-broker", state, sizeof state);
    support_tmp_path("kill.stats.json", stats_path, sizeof stats_path);
    support_tmp_path("kill.stdout", out_path, sizeof out_path);
    support_tmp_path("kill.stderr", err_path, sizeof err_path);
    snprintf(prefix, sizeof prefix, "k.%d.", (int)getpid());

    /* 1. A private broker, guarded against this process dying. */
    snprintf(g.state, sizeof g.state, "%s", state);
    start_guardian();
    double t_broker = readback_now_s();
    broker_script("start");
    double broker_start_s = readback_now_s() - t_broker;
    char addr[256];
    broker_address(addr, sizeof addr);

    /* 2. The run, paced, spanning the crash. */
    char customers[16], products[16];
    snprintf(customers, sizeof customers, "%d", RUN_CUSTOMERS);
    snprintf(products, sizeof products, "%d", RUN_PRODUCTS);
    const char *args[] = {
        "run",         "-b", addr,           "--topic-prefix", prefix,       "--duration",    RUN_DURATION,
        "--intensity", "60", "--customers",  customers,        "--products", products,        "--speed",
        "90",          "-q", "--stats-json", stats_path,       "-X",         MESSAGE_TIMEOUT, NULL,
    };
    char cmdline[1024];
    snprintf(cmdline, sizeof cmdline,
             "shopstream run -b %s --topic-prefix %s --duration %s --intensity 60 "
             "--customers %s --products %s --speed 90 -q --stats-json %s -X %s",
             addr, prefix, RUN_DURATION, customers, products, stats_path, MESSAGE_TIMEOUT);
    char orders_topic[128];
    snprintf(orders_topic, sizeof orders_topic, "%sorders", prefix);
    double t0 = readback_now_s();
    start_child(args, out_path, err_path);

    /* 3. kill -9 the broker mid-stream: after KILL_AFTER_S, and once orders
     * are on it; then restart it RESTART_AFTER_S later. */
    int status = 0;
    char err_tail[6000];
    int64_t orders_before_kill = -1;
    for (;;) {
        if (child_exited(&status)) {
            read_tail(err_path, err_tail, sizeof err_tail);
            cr_assert_fail("%s\nexited (status 0x%x) after %.1f s, before the broker was killed\nstderr:\n%s", cmdline,
                           status, readback_now_s() - t0, err_tail);
        }
        if (readback_now_s() - t0 >= KILL_AFTER_S && (orders_before_kill = messages_on_broker(addr, orders_topic)) > 0)
            break;
        if (readback_now_s() - t0 > ORDERS_SEEN_DEADLINE_S)
            cr_assert_fail("no message on %s after %.0f s of %s", orders_topic, ORDERS_SEEN_DEADLINE_S, cmdline);
        readback_sleep_s(0.25);
    }
    double t_kill = readback_now_s();
    pid_t killed = kill_broker();
    readback_sleep_s(RESTART_AFTER_S - (readback_now_s() - t_kill));
    double t_restart = readback_now_s();
    broker_script("restart");
    double restart_s = readback_now_s() - t_restart;

    /* 4. The run ends by itself, all delivered. */
    while (!child_exited(&status)) {
        if (readback_now_s() - t0 > CHILD_DEADLINE_S) {
            readback_kill(g.child);
            g.child = 0;
            read_tail(err_path, err_tail, sizeof err_tail);
            cr_assert_fail("%s\nstill running %.0f s after it started (the broker was killed at %.1f s and answered "
                           "again at %.1f s); killed it\nstderr:\n%s",
                           cmdline, CHILD_DEADLINE_S, t_kill - t0, t_restart + restart_s - t0, err_tail);
        }
        readback_sleep_s(0.1);
    }
    double run_s = readback_now_s() - t0;
    read_tail(err_path, err_tail, sizeof err_tail);
    const char *known_bug = strstr(err_tail, "desynchroniz") || strstr(err_tail, "Inconsistent state")
                                ? "\n(this is librdkafka's idempotent-producer sequence bug after a possibly-persisted "
                                  "error, fixed in librdkafka 2.3.0)"
                                : "";
    int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (exit_code != 0) g.failed = 1;
    cr_assert_eq(exit_code, 0,
                 "%s\nexited %d (status 0x%x) after %.1f s; the broker was killed at %.1f s and "
                 "answered again at %.1f s%s\nstderr:\n%s",
                 cmdline, exit_code, status, run_s, t_kill - t0, t_restart + restart_s - t0, known_bug, err_tail);
    json_t *stats = g.stats = support_read_stats(stats_path);
    if (!stats) g.failed = 1;
    cr_assert_not_null(stats, "the run's --stats-json file %s is missing or not JSON", stats_path);
    uint64_t s_messages = support_stat(stats, "messages"), s_delivered = support_stat(stats, "delivered"),
             s_failed = support_stat(stats, "failed"), s_orders = support_stat(stats, "orders"),
             s_items = support_stat(stats, "order_items");
    CHECK(json_is_true(json_object_get(stats, "complete")), "the run's stats say it is not complete");
    CHECK(s_delivered == s_messages, "stats: delivered %" PRIu64 " != messages %" PRIu64, s_delivered, s_messages);
    CHECK(s_failed == 0, "stats: failed %" PRIu64 "\nstderr:\n%s", s_failed, err_tail);
    CHECK(s_orders > 0 && s_items > 0, "stats: %" PRIu64 " orders, %" PRIu64 " order_items", s_orders, s_items);
    CHECK((uint64_t)orders_before_kill < s_orders,
          "the crash was not mid-run: %" PRId64 " orders were on the broker "
          "before the kill, the run published %" PRIu64,
          orders_before_kill, s_orders);

    /* 5. Read everything back from the restarted broker. */
    for (int t = 0; t < TOPICS; t++) readback_decoder_open(&decoders[t], readback_schema_file[t]);
    rd_kafka_t *rk = g.reader = new_reader(addr, 1);
    uint64_t read[TOPICS];
    for (int t = 0; t < TOPICS; t++) {
        char topic[128];
        snprintf(topic, sizeof topic, "%s%s", prefix, readback_topic_suffix[t]);
        read[t] = read_topic(rk, t, topic);
        uint64_t delivered = support_topic_delivered(stats, topic);
        CHECK(read[t] == delivered, "%s: %" PRIu64 " messages on the broker, the run reports %" PRIu64 " delivered",
              topic, read[t], delivered);
        CHECK(reads[t].bad_value == 0 && reads[t].key_not_id == 0,
              "%s: %" PRIu64 " undecodable value(s), %" PRIu64 " key(s) not the id; the first: %s", topic,
              reads[t].bad_value, reads[t].key_not_id, reads[t].first_bad);
    }
    readback_close_reader(rk);
    g.reader = NULL;

    /* orders: exactly stats.orders messages, order_ids 1..N each once. */
    topic_read *o = &reads[T_ORDERS];
    uint64_t repeats;
    int64_t first_repeat;
    size_t distinct = distinct_ids(o, &repeats, &first_repeat);
    uint64_t outside = 0, missing = 0;
    int64_t first_outside = 0, first_missing = 0, expect = 1;
    for (size_t i = 0; i < o->n; i++) {
        int64_t id = o->recs[i].id;
        if (id < 1 || (uint64_t)id > s_orders) {
            if (outside++ == 0) first_outside = id;
            continue;
        }
        for (; expect < id; expect++)
            if (missing++ == 0) first_missing = expect;
        if (expect == id) expect++;
    }
    for (; expect >= 1 && (uint64_t)expect <= s_orders; expect++)
        if (missing++ == 0) first_missing = expect;
    CHECK(read[T_ORDERS] == s_orders, "orders: %" PRIu64 " messages read back, the run reports %" PRIu64 " orders",
          read[T_ORDERS], s_orders);
    CHECK(repeats == 0, "orders: %" PRIu64 " duplicate(s), the first order_id %" PRId64, repeats, first_repeat);
    CHECK(missing == 0, "orders: %" PRIu64 " order_id(s) of 1..%" PRIu64 " missing, the first %" PRId64, missing,
          s_orders, first_missing);
    CHECK(outside == 0, "orders: %" PRIu64 " order_id(s) outside 1..%" PRIu64 ", the first %" PRId64, outside, s_orders,
          first_outside);

    /* order_items: exactly stats.order_items, no (order_id, line_number) twice. */
    topic_read *it = &reads[T_ORDER_ITEMS];
    qsort(it->recs, it->n, sizeof *it->recs, compare_recs);
    uint64_t item_repeats = 0, orphans = 0;
    rec first_item_repeat = { 0, 0 };
    int64_t first_orphan = 0;
    for (size_t i = 0; i < it->n; i++) {
        if (i > 0 && compare_recs(&it->recs[i], &it->recs[i - 1]) == 0 && item_repeats++ == 0)
            first_item_repeat = it->recs[i];
        if ((it->recs[i].id < 1 || (uint64_t)it->recs[i].id > s_orders) && orphans++ == 0)
            first_orphan = it->recs[i].id;
    }
    CHECK(read[T_ORDER_ITEMS] == s_items, "order_items: %" PRIu64 " messages read back, the run reports %" PRIu64,
          read[T_ORDER_ITEMS], s_items);
    CHECK(item_repeats == 0, "order_items: %" PRIu64 " duplicate (order_id, line_number), the first (%" PRId64 ", %d)",
          item_repeats, first_item_repeat.id, (int)first_item_repeat.line_number);
    CHECK(orphans == 0, "order_items: %" PRIu64 " of an order_id outside 1..%" PRIu64 ", the first %" PRId64, orphans,
          s_orders, first_orphan);

    /* customers (and products): exactly as many distinct ids as asked for. */
    const struct {
        int t;
        uint64_t want;
    } dims[] = { { T_CUSTOMERS, RUN_CUSTOMERS }, { T_PRODUCTS, RUN_PRODUCTS } };
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        topic_read *d = &reads[dims[i].t];
        size_t n = distinct_ids(d, &repeats, &first_repeat);
        CHECK(read[dims[i].t] == dims[i].want && n == dims[i].want && repeats == 0,
              "%s%s: %" PRIu64 " messages, %zu "
              "distinct ids, %" PRIu64 " repeated (the first %" PRId64 "); expected exactly %" PRIu64 " distinct",
              prefix, readback_topic_suffix[dims[i].t], read[dims[i].t], n, repeats, first_repeat, dims[i].want);
    }

    fprintf(stderr,
            "test_broker_kill: broker started in %.1f s; run of %.1f s: broker pid %d killed at %.1f s "
            "with %" PRId64 " of %" PRIu64 " orders on it, restarted at %.1f s, answering after %.1f s; read back "
            "%" PRIu64 " orders (%zu distinct), %" PRIu64 " order_items, %" PRIu64 " customers\n",
            broker_start_s, run_s, (int)killed, t_kill - t0, orders_before_kill, s_orders, t_restart - t0, restart_s,
            read[T_ORDERS], distinct, read[T_ORDER_ITEMS], read[T_CUSTOMERS]);

    if (!g.failed) {
        unlink(stats_path);
        unlink(out_path);
        unlink(err_path);
    }
    g.reached_end = 1;
}
