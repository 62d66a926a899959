/* SPDX-License-Identifier: Apache-2.0 */
/* readback.c - reading back what a run published (see readback.h). */
#include "readback.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

const char *const readback_topic_suffix[TOPICS] = { "customers",   "products", "campaigns", "orders",
                                                    "order_items", "payments", "shipments" };
const char *const readback_schema_file[TOPICS] = {
    "schemas/customers.avsc",   "schemas/products.avsc", "schemas/campaigns.avsc", "schemas/orders.avsc",
    "schemas/order_items.avsc", "schemas/payments.avsc", "schemas/shipments.avsc",
};
const char *const readback_key_field[TOPICS] = { "customer_id", "product_id", "campaign_id", "order_id",
                                                 "order_id",    "order_id",   "order_id" };

/* ---- time ------------------------------------------------------------------ */

double readback_now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void readback_sleep_s(double s) {
    if (s <= 0) return;
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* ---- findings -------------------------------------------------------------- */

void readback_note(readback_finding *f, const char *fmt, ...) {
    if (f->count++ > 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->first, sizeof f->first, fmt, ap);
    va_end(ap);
}

void readback_expect_no_violation(const readback_finding *f) {
    cr_expect_eq(f->count, 0, "%s: %" PRIu64 " violation(s); the first: %s", f->claim, f->count, f->first);
}

int readback_compare_int64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void *readback_grow(void *p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return p;
    size_t n = *cap ? *cap * 2 : 1024;
    while (n < need) n *= 2;
    void *q = realloc(p, n * elem);
    cr_assert_not_null(q, "out of memory growing an array to %zu elements", n);
    *cap = n;
    return q;
}

/* ---- the consumer ---------------------------------------------------------- */

rd_kafka_t *readback_new_reader(const char *addr, const char *group, const char *log_level) {
    char err[512], group_id[128];
    if (group) snprintf(group_id, sizeof group_id, "%s-%d", group, (int)getpid());
    const char *props[][2] = {
        { "bootstrap.servers", addr },
        { "enable.auto.commit", "false" },
        { "enable.auto.offset.store", "false" },
        { "enable.partition.eof", "true" },
        { "allow.auto.create.topics", "false" }, /* a missing topic is an error, not a new topic */
        { "check.crcs", "true" },
        { "group.id", group ? group_id : NULL }, /* needed by assign(); nothing is committed */
        { "log_level", log_level },
    };
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
        if (props[i][1] && rd_kafka_conf_set(conf, props[i][0], props[i][1], err, sizeof err) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            cr_assert_fail("reader config %s=%s: %s", props[i][0], props[i][1], err);
        }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        cr_assert_fail("cannot create the reader: %s", err);
    }
    return rk;
}

void readback_close_reader(rd_kafka_t *rk) {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

int32_t readback_partition_count(rd_kafka_t *rk, const char *topic, int timeout_ms, rd_kafka_resp_err_t *err) {
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    if (!rkt) {
        *err = rd_kafka_last_error();
        return -1;
    }
    const struct rd_kafka_metadata *md = NULL;
    *err = rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms);
    rd_kafka_topic_destroy(rkt);
    if (*err) return -1;
    *err = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
    int32_t n = md->topic_cnt == 1 && !*err ? md->topics[0].partition_cnt : 0;
    rd_kafka_metadata_destroy(md);
    return n;
}

uint64_t readback_read_topic(rd_kafka_t *rk, const char *topic, int32_t partitions, int timeout_ms, double deadline_s,
                             const char *low_not_0, readback_visitor visit, void *ctx, char *problem, size_t cap) {
    int64_t *high = calloc((size_t)partitions, sizeof *high);
    int *done = calloc((size_t)partitions, sizeof *done);
    if (!high || !done) {
        free(high);
        free(done);
    }
    cr_assert(high && done, "out of memory");
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(partitions);
    problem[0] = '\0';
    int pending = 0;
    for (int32_t p = 0; p < partitions && !problem[0]; p++) {
        int64_t low = 0;
        rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk, topic, p, &low, &high[p], timeout_ms);
        if (err)
            snprintf(problem, cap, "watermarks of partition %d: %s", (int)p, rd_kafka_err2str(err));
        else if (low_not_0 && low != 0)
            snprintf(problem, cap, "partition %d starts at offset %" PRId64 ", not 0%s", (int)p, low, low_not_0);
        done[p] = high[p] <= low;
        pending += !done[p];
        rd_kafka_topic_partition_list_add(parts, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_resp_err_t aerr = problem[0] ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_assign(rk, parts);
    if (aerr) snprintf(problem, cap, "assign: %s", rd_kafka_err2str(aerr));
    uint64_t n = 0;
    double deadline = readback_now_s() + deadline_s;
    while (pending > 0 && !problem[0]) {
        if (readback_now_s() > deadline) {
            snprintf(problem, cap, "%d partition(s) not read to their end within %.0f s (%" PRIu64 " messages read)",
                     pending, deadline_s, n);
            break;
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 500);
        if (!m) continue;
        int32_t p = m->partition;
        int ours = m->rkt && strcmp(rd_kafka_topic_name(m->rkt), topic) == 0 && p >= 0 && p < partitions;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (ours && !done[p]) {
                done[p] = 1;
                pending--;
            }
        } else if (m->err) {
            snprintf(problem, cap, "partition %d: %s", (int)p, rd_kafka_message_errstr(m));
        } else if (ours && !done[p] && m->offset < high[p]) {
            visit(ctx, m, partitions);
            n++;
            if (m->offset + 1 >= high[p]) {
                done[p] = 1;
                pending--;
            }
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_assign(rk, NULL);
    rd_kafka_topic_partition_list_destroy(parts);
    free(high);
    free(done);
    return n;
}

int readback_key_id(const rd_kafka_message_t *m, int64_t *id) {
    if (!m->key || m->key_len != 8) return -1;
    const unsigned char *k = m->key;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | k[i];
    *id = (int64_t)v;
    return 0;
}

/* ---- avro-c ---------------------------------------------------------------- */

void readback_decoder_open(readback_decoder *d, const char *relative_avsc) {
    memset(d, 0, sizeof *d);
    char path[1024];
    support_source_path(relative_avsc, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f) cr_assert_fail("schema %s: %s", path, strerror(errno));
    char *json = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        json = readback_grow(json, &cap, len + 4096, 1);
        size_t got = fread(json + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    fclose(f);
    int rc = avro_schema_from_json_length(json, len, &d->schema);
    free(json);
    if (rc != 0) cr_assert_fail("schema %s does not parse: %s", path, avro_strerror());
    d->iface = avro_generic_class_from_schema(d->schema);
    if (!d->iface) {
        readback_decoder_close(d);
        cr_assert_fail("schema %s: no generic class: %s", path, avro_strerror());
    }
    if (avro_generic_value_new(d->iface, &d->value) != 0) {
        readback_decoder_close(d);
        cr_assert_fail("schema %s: no generic value: %s", path, avro_strerror());
    }
    d->open = 1;
}

void readback_decoder_close(readback_decoder *d) {
    if (d->open) avro_value_decref(&d->value);
    if (d->iface) avro_value_iface_decref(d->iface);
    if (d->schema) avro_schema_decref(d->schema);
    memset(d, 0, sizeof *d);
}

int readback_decode(readback_decoder *d, const void *bytes, size_t len) {
    avro_reader_t r = avro_reader_memory(bytes, (int64_t)len);
    if (!r) return READBACK_NO_READER;
    avro_value_reset(&d->value);
    int rc = avro_value_read(r, &d->value);
    char extra;
    int leftover = rc == 0 && avro_read(r, &extra, 1) == 0;
    avro_reader_free(r);
    return rc != 0 ? READBACK_NOT_A_RECORD : leftover ? READBACK_LEFTOVER : READBACK_DECODED;
}

int readback_get_long(avro_value_t *rec, const char *name, int64_t *out) {
    avro_value_t f;
    return avro_value_get_by_name(rec, name, &f, NULL) == 0 && avro_value_get_long(&f, out) == 0 ? 0 : -1;
}

int readback_get_int(avro_value_t *rec, const char *name, int32_t *out) {
    avro_value_t f;
    return avro_value_get_by_name(rec, name, &f, NULL) == 0 && avro_value_get_int(&f, out) == 0 ? 0 : -1;
}

/* ---- stats and the child --------------------------------------------------- */

json_t *readback_read_stats(const char *path) {
    json_t *stats = support_read_stats(path);
    cr_assert_not_null(stats, "the run's --stats-json file %s is missing or not JSON", path);
    return stats;
}

pid_t readback_spawn(const char *bin, const char *const *args, const char *out_path, const char *err_path) {
    pid_t parent = getpid();
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        /* Dies with the test process, whatever kills it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        int n = open("/dev/null", O_RDWR);
        int o = out_path ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : n;
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (n < 0 || o < 0 || e < 0) _exit(127);
        dup2(n, 0);
        dup2(o, 1);
        dup2(e, 2);
        size_t argc = 0;
        while (args[argc]) argc++;
        char **argv = calloc(argc + 2, sizeof *argv);
        if (!argv) _exit(127);
        argv[0] = (char *)bin;
        for (size_t i = 0; i < argc; i++) argv[i + 1] = (char *)args[i];
        execv(bin, argv);
        _exit(127);
    }
    return pid;
}

void readback_kill(pid_t pid) {
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
}

int readback_file_tail(const char *path, char *buf, size_t cap) {
    buf[0] = '\0';
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end > (off_t)cap - 1 ? end - (off_t)cap + 1 : 0;
    ssize_t n = pread(fd, buf, cap - 1, from);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return 0;
}
