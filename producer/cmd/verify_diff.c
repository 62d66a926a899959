/* SPDX-License-Identifier: Apache-2.0 */
/* verify_diff.c - comparing what a run publishes with what its topics hold
 * (see verify_diff.h). */
#include "verify_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct noted {
    uint64_t hash;
    int64_t id;
} noted;
/* A partition's messages in order; release: when each is released (the
 * expected side only, for a run in progress). */
typedef struct sequence {
    noted *v;
    int64_t *release;
    size_t n, cap;
} sequence;

struct verify_diff {
    int32_t partitions;
    int64_t until_ms;
    sequence *expected, *found; /* [topic * partitions + p] */
    int64_t *log_start;         /* the same index: each partition's first offset */
    verify_topic_report report[TOPIC_COUNT];
    int oom;
};

int verify_diff_new(int32_t partitions, int64_t until_ms, verify_diff **out, char *errstr, size_t errlen) {
    *out = NULL;
    verify_diff *d = calloc(1, sizeof *d);
    size_t cells = (size_t)TOPIC_COUNT * (size_t)(partitions > 0 ? partitions : 1);
    if (d) {
        d->partitions = partitions > 0 ? partitions : 1;
        d->until_ms = until_ms;
        d->expected = calloc(cells, sizeof *d->expected);
        d->found = calloc(cells, sizeof *d->found);
        d->log_start = calloc(cells, sizeof *d->log_start);
    }
    if (!d || !d->expected || !d->found || !d->log_start) {
        verify_diff_free(d);
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    *out = d;
    return 0;
}

void verify_diff_free(verify_diff *d) {
    if (!d) return;
    size_t cells = (size_t)TOPIC_COUNT * (size_t)d->partitions;
    for (size_t i = 0; d->expected && d->found && i < cells; i++) {
        free(d->expected[i].v);
        free(d->expected[i].release);
        free(d->found[i].v);
    }
    free(d->expected);
    free(d->found);
    free(d->log_start);
    free(d);
}

static void note(verify_diff *d, sequence *s, uint64_t hash, int64_t id, const int64_t *release) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        noted *grown = realloc(s->v, cap * sizeof *grown);
        if (grown) s->v = grown;
        int64_t *times = release ? realloc(s->release, cap * sizeof *times) : NULL;
        if (times) s->release = times;
        if (!grown || (release && !times)) {
            d->oom = 1;
            return;
        }
        s->cap = cap;
    }
    if (release) s->release[s->n] = *release;
    s->v[s->n++] = (noted){ hash, id };
}

void verify_diff_expect(verify_diff *d, topic_id t, int32_t p, uint64_t hash, int64_t id, int64_t release_ms) {
    if (p < 0 || p >= d->partitions) return; /* the run's partitioner gives p < partitions */
    note(d, &d->expected[(size_t)t * (size_t)d->partitions + (size_t)p], hash, id, &release_ms);
}

void verify_diff_log_start(verify_diff *d, topic_id t, int32_t p, int64_t log_start) {
    if (p >= 0 && p < d->partitions) d->log_start[(size_t)t * (size_t)d->partitions + (size_t)p] = log_start;
}

void verify_diff_found(verify_diff *d, topic_id t, int32_t p, int32_t key_p, uint64_t hash, int64_t id) {
    if (p < 0 || p >= d->partitions || key_p != p) d->report[t].misplaced++;
    if (p < 0 || p >= d->partitions) return;
    note(d, &d->found[(size_t)t * (size_t)d->partitions + (size_t)p], hash, id, NULL);
}

int verify_diff_oom(const verify_diff *d) { return d->oom; }

static int by_hash(const void *a, const void *b) {
    const noted *x = a, *y = b;
    return x->hash < y->hash ? -1 : x->hash > y->hash ? 1 : x->id < y->id ? -1 : x->id > y->id;
}

static void sample(int64_t *ids, size_t *n, int64_t id) {
    if (*n < VERIFY_SAMPLE_IDS) ids[(*n)++] = id;
}

static int by_id(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* How many ids are in both sorted arrays. */
static uint64_t common_ids(const int64_t *a, size_t na, const int64_t *b, size_t nb) {
    uint64_t n = 0;
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (a[i] == b[j]) {
            n++;
            i++;
            j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
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
static void compare(sequence *want, sequence *got, verify_topic_report *r) {
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
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            if (gone) gone[missing] = want->v[i].id;
            missing++;
            sample(r->missing_ids, &r->n_missing_ids, want->v[i++].id);
        } else if (j > 0 && got->v[j - 1].hash == got->v[j].hash) {
            r->extra_copies++; /* a copy of a record that is there: beyond what the run sent */
            j++;
        } else {
            if (extra) extra[unexpected] = got->v[j].id;
            unexpected++;
            sample(r->unexpected_ids, &r->n_unexpected_ids, got->v[j++].id);
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

int verify_diff_compare(verify_diff *d, const int32_t topic_partitions[TOPIC_COUNT]) {
    int all = 1;
    for (int t = 0; t < TOPIC_COUNT; t++) {
        for (int32_t p = 0; p < d->partitions; p++) {
            size_t cell = (size_t)t * (size_t)d->partitions + (size_t)p;
            sequence want = d->expected[cell];
            /* The broker deleted the partition's first records: the run's first ones. */
            size_t gone = d->log_start[cell] > 0 ? (size_t)d->log_start[cell] : 0;
            want.n = in_progress_prefix(&want, d->found[cell].n + gone, d->until_ms);
            if (gone > want.n) gone = want.n;
            d->report[t].deleted_by_broker += gone;
            d->report[t].expected += gone;
            want.v += gone;
            want.n -= gone;
            compare(&want, &d->found[cell], &d->report[t]);
        }
        if (topic_partitions[t] != d->partitions) d->report[t].misplaced++;
        all &= verify_topic_exact(&d->report[t]);
    }
    return all;
}

const verify_topic_report *verify_diff_report(const verify_diff *d, topic_id t) { return &d->report[t]; }

int verify_topic_exact(const verify_topic_report *r) {
    return r->missing == 0 && r->deleted_by_broker == 0 && r->unexpected == 0 && r->extra_copies == 0 &&
           r->out_of_order == 0 && r->misplaced == 0 && r->expected == r->found;
}
