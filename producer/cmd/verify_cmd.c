/* SPDX-License-Identifier: Apache-2.0 */
/* verify_cmd.c - `shopstream verify`: do the topics hold exactly the run?
 *
 * What the run publishes is built by running it again into the null sink
 * (same options, at max speed) with a tap that notes each message: its
 * partition by the Java client's partitioner, its id (the key) and a 64-bit
 * hash of (topic, key, value, timestamp), in publish order per partition.
 * The topics are then read back (consume.h) and noted the same way. Per
 * partition the two sequences must be equal; where they are not, sorting
 * both by hash tells which records are missing, unexpected, copies beyond
 * those the run injected, or the same id with other bytes, and whether the
 * rest only moved (order). A record found in a partition its key does not
 * hash to is misplaced. A sharded run is verified as a whole, with no
 * --shard: each partition has one writer, so together the shards publish
 * what one process does. A run still in progress (--until T): each
 * partition must hold a prefix of the run's, at least every message
 * released before simulated time T.
 *
 * Memory: 16 bytes per message of the run, twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/consume.h"
#include "publish/digest.h"
#include "base/partition.h"
#include "report/report.h"
#include "commands.h"
#include "base/units.h"

#define SAMPLE_IDS 8

typedef struct noted { uint64_t hash; int64_t id; } noted;
/* A partition's messages in order; release: when each is released (the
 * expected side only, for --until). */
typedef struct sequence { noted *v; int64_t *release; size_t n, cap; } sequence;

typedef struct topic_report {
    uint64_t expected, found, missing, unexpected, extra_copies, differing, out_of_order, misplaced;
    int64_t missing_ids[SAMPLE_IDS], unexpected_ids[SAMPLE_IDS];
    size_t n_missing_ids, n_unexpected_ids;
} topic_report;

typedef struct verify_state {
    const run_config *rc;
    int64_t until_ms;           /* INT64_MAX: the whole run */
    uint64_t topic_digest[TOPIC_COUNT]; /* digest_topic of each topic's name */
    int32_t partitions;
    sequence *expected, *found; /* [topic * partitions + p] */
    topic_report report[TOPIC_COUNT];
    int oom;
} verify_state;

static int64_t key_id(const verify_state *v, const void *key, size_t len) {
    if (v->rc->key_format == KEY_BINARY && len == 8) {
        const unsigned char *k = key;
        uint64_t id = 0;
        for (int i = 0; i < 8; i++) id = id << 8 | k[i];
        return (int64_t)id;
    }
    char text[32];
    snprintf(text, sizeof text, "%.*s", (int)(len < 31 ? len : 31), (const char *)key);
    return strtoll(text, NULL, 10);
}

static void note(verify_state *v, sequence *s, size_t topic, const void *key, size_t key_len,
                 const void *value, size_t value_len, int64_t ts, const int64_t *release) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        noted *grown = realloc(s->v, cap * sizeof *grown);
        if (grown) s->v = grown;
        int64_t *times = release ? realloc(s->release, cap * sizeof *times) : NULL;
        if (times) s->release = times;
        if (!grown || (release && !times)) { v->oom = 1; return; }
        s->cap = cap;
    }
    if (release) s->release[s->n] = *release;
    s->v[s->n++] = (noted){ digest_message_in(v->topic_digest[topic], key, key_len, value, value_len, ts),
                            key_id(v, key, key_len) };
}

/* run_tapped's tap: what the run publishes, and when. */
static void note_expected(void *ctx, topic_id t, const void *key, size_t key_len, const void *value,
                          size_t value_len, int64_t ts, int64_t release_ms) {
    verify_state *v = ctx;
    int32_t p = partition_for_key(key, key_len, v->partitions);
    note(v, &v->expected[(size_t)t * (size_t)v->partitions + (size_t)p], (size_t)t, key, key_len, value, value_len,
         ts, &release_ms);
}

/* consume.h's callback: what the topics hold. */
static void note_found(void *ctx, size_t t, int32_t p, const void *key, size_t key_len, const void *value,
                       size_t value_len, int64_t ts) {
    verify_state *v = ctx;
    if (p >= v->partitions || partition_for_key(key, key_len, v->partitions) != p) v->report[t].misplaced++;
    if (p >= v->partitions) return;
    note(v, &v->found[t * (size_t)v->partitions + (size_t)p], t, key, key_len, value, value_len, ts, NULL);
}

static int by_hash(const void *a, const void *b) {
    const noted *x = a, *y = b;
    return x->hash < y->hash ? -1 : x->hash > y->hash ? 1 : x->id < y->id ? -1 : x->id > y->id;
}

static void sample(int64_t *ids, size_t *n, int64_t id) {
    if (*n < SAMPLE_IDS) ids[(*n)++] = id;
}

static int by_id(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* How many ids are in both sorted arrays. */
static uint64_t common_ids(const int64_t *a, size_t na, const int64_t *b, size_t nb) {
    uint64_t n = 0;
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (a[i] == b[j]) { n++; i++; j++; }
        else if (a[i] < b[j]) i++;
        else j++;
    }
    return n;
}

/* How much of a partition's expected messages the topics must hold: all of
 * them; or, for a run in progress up to until_ms, at least those released
 * before it and at most all, as many as were found. */
static size_t in_progress_prefix(const sequence *want, size_t found, int64_t until_ms) {
    if (until_ms == INT64_MAX) return want->n;
    size_t required = 0;
    while (required < want->n && want->release[required] < until_ms) required++;
    return found < required ? required : found > want->n ? want->n : found;
}

/* One partition's sequences, compared into r. */
static void compare(sequence *want, sequence *got, topic_report *r) {
    r->expected += want->n;
    r->found += got->n;
    if (want->n == got->n && (want->n == 0 || memcmp(want->v, got->v, want->n * sizeof *want->v) == 0)) return;
    if (want->n) qsort(want->v, want->n, sizeof *want->v, by_hash); /* (an empty side may have no array) */
    if (got->n) qsort(got->v, got->n, sizeof *got->v, by_hash);
    uint64_t missing = 0, unexpected = 0;
    int64_t *gone = malloc((want->n + 1) * sizeof *gone), *extra = malloc((got->n + 1) * sizeof *extra);
    size_t i = 0, j = 0;
    while (i < want->n || j < got->n) {
        int c = i == want->n ? 1 : j == got->n ? -1 : by_hash(&want->v[i], &got->v[j]);
        if (c == 0) { i++; j++; continue; }
        if (c < 0) {
            if (gone) gone[missing] = want->v[i].id;
            missing++;
            sample(r->missing_ids, &r->n_missing_ids, want->v[i++].id);
        } else {
            /* a copy of a record that is there: beyond what the run sent */
            if (j > 0 && got->v[j - 1].hash == got->v[j].hash) {
                r->extra_copies++;
            } else {
                if (extra) extra[unexpected] = got->v[j].id;
                unexpected++;
                sample(r->unexpected_ids, &r->n_unexpected_ids, got->v[j].id);
            }
            j++;
        }
    }
    r->missing += missing;
    r->unexpected += unexpected;
    if (gone && extra) { /* the same id missing and unexpected: its bytes differ */
        qsort(gone, missing, sizeof *gone, by_id);
        qsort(extra, unexpected, sizeof *extra, by_id);
        r->differing += common_ids(gone, missing, extra, unexpected);
    }
    free(gone);
    free(extra);
    if (missing == 0 && unexpected == 0 && want->n == got->n) r->out_of_order++;
}

static int exact(const topic_report *r) {
    return r->missing == 0 && r->unexpected == 0 && r->extra_copies == 0 && r->out_of_order == 0 && r->misplaced == 0 &&
           r->expected == r->found;
}

static void json_ids(FILE *out, const char *key, const int64_t *ids, size_t n) {
    fprintf(out, ", \"%s\": [", key);
    for (size_t i = 0; i < n; i++) fprintf(out, "%s%lld", i ? ", " : "", (long long)ids[i]);
    fputc(']', out);
}

static void print_report(FILE *out, const verify_state *v, int all_exact) {
    fprintf(out, "{\"exact\": %s, \"topics\": {", all_exact ? "true" : "false");
    for (int t = 0; t < TOPIC_COUNT; t++) {
        const topic_report *r = &v->report[t];
        fprintf(out, "%s\n  \"%s\": {\"expected\": %llu, \"found\": %llu, \"missing\": %llu, \"unexpected\": %llu, "
                     "\"extra_copies\": %llu, \"differing\": %llu, \"partitions_out_of_order\": %llu, "
                     "\"misplaced\": %llu", t ? "," : "", v->rc->topics.name[t], (unsigned long long)r->expected,
                (unsigned long long)r->found, (unsigned long long)r->missing, (unsigned long long)r->unexpected,
                (unsigned long long)r->extra_copies, (unsigned long long)r->differing,
                (unsigned long long)r->out_of_order, (unsigned long long)r->misplaced);
        json_ids(out, "missing_ids", r->missing_ids, r->n_missing_ids);
        json_ids(out, "unexpected_ids", r->unexpected_ids, r->n_unexpected_ids);
        fputc('}', out);
    }
    fputs("\n}}\n", out);
}

/* --until: ISO-8601 UTC, or a duration after --start. */
static int parse_until(const run_config *rc, int64_t *until_ms, char *errstr, size_t errlen) {
    int64_t ms;
    if (units_time_ms(rc->verify_until, until_ms) == 0) return 0;
    if (units_duration_ms(rc->verify_until, &ms) == 0) {
        *until_ms = rc->engine.start_ms + ms;
        return 0;
    }
    char msg[200];
    snprintf(msg, sizeof msg, "expected a time such as 2026-11-01T06:00:00Z or a duration after --start such as 6h, "
                              "got '%.100s'", rc->verify_until);
    config_blame(rc, offsetof(run_config, verify_until), msg, errstr, errlen);
    return -1;
}

int verify_command(const run_config *rc) {
    static verify_state v;
    memset(&v, 0, sizeof v);
    v.rc = rc;
    v.partitions = rc->partitions;
    for (int t = 0; t < TOPIC_COUNT; t++) v.topic_digest[t] = digest_topic(rc->topics.name[t]);
    char errstr[1024];
    int code = EXIT_USAGE;
    if (!rc->brokers[0]) {
        config_blame(rc, offsetof(run_config, brokers), "expected the brokers the run published to", errstr,
                     sizeof errstr);
        report_line(stderr, errstr);
        return EXIT_USAGE;
    }
    size_t cells = (size_t)TOPIC_COUNT * (size_t)v.partitions;
    v.expected = calloc(cells, sizeof *v.expected);
    v.found = calloc(cells, sizeof *v.found);
    if (!v.expected || !v.found) { report_line(stderr, "out of memory"); goto out; }
    /* What the run publishes: the run again, into the null sink. */
    v.until_ms = INT64_MAX;
    if (rc->verify_until[0] && parse_until(rc, &v.until_ms, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        goto out;
    }
    static run_config quiet;
    quiet = *rc;
    quiet.sink = SINK_NULL;
    quiet.quiet = 1;
    quiet.speed = 0.0;
    quiet.stats_json[0] = quiet.metrics_addr[0] = '\0';
    quiet.shard_index = 0;
    quiet.shard_count = 1;
    if (run_tapped(&quiet, note_expected, &v) != EXIT_DONE) { code = EXIT_FAILED; goto out; }
    int32_t partitions[TOPIC_COUNT];
    uint64_t total = 0;
    consume_config cc = { rc->brokers, rc->properties, rc->n_properties, rc->topics.list, TOPIC_COUNT,
                          rc->connect_timeout_ms > 0 ? rc->connect_timeout_ms : 10000, !rc->quiet };
    if (consume_all(&cc, note_found, &v, partitions, &total, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        goto out;
    }
    code = EXIT_FAILED;
    if (v.oom) { report_line(stderr, "out of memory noting messages"); goto out; }
    int all = 1;
    uint64_t expected = 0, found = 0;
    for (int t = 0; t < TOPIC_COUNT; t++) {
        for (int32_t p = 0; p < v.partitions; p++) {
            size_t cell = (size_t)t * (size_t)v.partitions + (size_t)p;
            sequence want = v.expected[cell];
            want.n = in_progress_prefix(&want, v.found[cell].n, v.until_ms);
            compare(&want, &v.found[cell], &v.report[t]);
        }
        if (partitions[t] != v.partitions) v.report[t].misplaced++;
        all &= exact(&v.report[t]);
        expected += v.report[t].expected;
        found += v.report[t].found;
    }
    print_report(stdout, &v, all);
    char line[1200];
    if (all) {
        if (v.until_ms == INT64_MAX)
            snprintf(line, sizeof line, "verify: exact: %d topics hold the run's %llu messages, in order, in their "
                     "partitions", TOPIC_COUNT, (unsigned long long)expected);
        else
            snprintf(line, sizeof line, "verify: exact up to --until %s: %d topics hold the first %llu messages of "
                     "the run, in order, in their partitions", rc->verify_until, TOPIC_COUNT,
                     (unsigned long long)expected);
    } else {
        size_t off = (size_t)snprintf(line, sizeof line, "verify: differs: %llu messages expected, %llu found;",
                                      (unsigned long long)expected, (unsigned long long)found);
        for (int t = 0; t < TOPIC_COUNT && off < sizeof line; t++) {
            const topic_report *r = &v.report[t];
            if (exact(r)) continue;
            off += (size_t)snprintf(line + off, sizeof line - off,
                                    " %s: %llu missing, %llu unexpected, %llu extra copies, %llu out of order, "
                                    "%llu misplaced;", rc->topics.name[t], (unsigned long long)r->missing,
                                    (unsigned long long)r->unexpected, (unsigned long long)r->extra_copies,
                                    (unsigned long long)r->out_of_order, (unsigned long long)r->misplaced);
        }
    }
    fprintf(stderr, "shopstream: %s\n", line);
    code = fflush(stdout) == 0 && all ? EXIT_DONE : EXIT_FAILED;
out:
    for (size_t i = 0; v.expected && v.found && i < cells; i++) {
        free(v.expected[i].v);
        free(v.expected[i].release);
        free(v.found[i].v);
    }
    free(v.expected);
    free(v.found);
    return code;
}
