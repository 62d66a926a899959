/* SPDX-License-Identifier: Apache-2.0 */
/* msgfold.c - a batch's later messages due before its frontier, moved into
 * its on-time list at their places (see msgbatch.h). */
#include <stdlib.h>
#include <string.h>

#include "msgbatch.h"

static int key_before(const msg_ref *a, int64_t release_ms, uint64_t tie) {
    return a->release_ms < release_ms || (a->release_ms == release_ms && a->tie < tie);
}

static int compare_keys(const void *x, const void *y) {
    const msg_ref *a = x, *b = y;
    return key_before(a, b->release_ms, b->tie) ? -1 : key_before(b, a->release_ms, a->tie) ? 1 : 0;
}

/* Sorts r[0..n) by key through scratch (n refs): stable counting passes of
 * 8 bits on the time since base (the least), as many as the span needs,
 * then each run of equal times by tie (a few messages at most). The span
 * of one batch's due messages is its orders' (minutes); past 2^32 ms,
 * qsort. */
static void sort_by_key(msg_ref *r, size_t n, msg_ref *scratch) {
    int64_t base = r[0].release_ms, top = r[0].release_ms;
    for (size_t i = 1; i < n; i++) {
        if (r[i].release_ms < base) base = r[i].release_ms;
        if (r[i].release_ms > top) top = r[i].release_ms;
    }
    uint64_t span = (uint64_t)(top - base);
    if (span >> 32) {
        qsort(r, n, sizeof *r, compare_keys);
        return;
    }
    msg_ref *from = r, *to = scratch;
    for (int shift = 0; shift < 32 && span >> shift; shift += 8) {
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++) count[((uint64_t)(from[i].release_ms - base) >> shift & 0xff) + 1]++;
        for (int k = 0; k < 256; k++) count[k + 1] += count[k];
        for (size_t i = 0; i < n; i++) to[count[(uint64_t)(from[i].release_ms - base) >> shift & 0xff]++] = from[i];
        msg_ref *t = from;
        from = to;
        to = t;
    }
    if (from != r) memcpy(r, from, n * sizeof *r);
    for (size_t i = 1; i < n; i++) {
        msg_ref x = r[i];
        size_t j = i;
        while (j > 0 && r[j - 1].release_ms == x.release_ms && r[j - 1].tie > x.tie) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = x;
    }
}

int msg_batch_fold_due(msg_batch *mb, int64_t release_ms, uint64_t tie) {
    size_t m = 0;
    for (size_t i = 0; i < mb->n_later; i++) m += key_before(&mb->later[i], release_ms, tie);
    if (m == 0) return 0;
    if (msg_grow((void **)&mb->due, &mb->cap_due, 2 * m, sizeof *mb->due, 1024) != 0 ||
        msg_grow((void **)&mb->msgs, &mb->cap_msgs, mb->n_msgs + m, sizeof *mb->msgs, 1024) != 0)
        return -1;
    size_t kept = 0, moved = 0;
    for (size_t i = 0; i < mb->n_later; i++) {
        if (key_before(&mb->later[i], release_ms, tie))
            mb->due[moved++] = mb->later[i];
        else
            mb->later[kept++] = mb->later[i];
    }
    mb->n_later = kept;
    sort_by_key(mb->due, m, mb->due + m);
    /* Merged from the back, into the room after msgs. */
    size_t a = mb->n_msgs, b = m, out = mb->n_msgs + m;
    while (b > 0) {
        if (a > 0 && key_before(&mb->due[b - 1], mb->msgs[a - 1].release_ms, mb->msgs[a - 1].tie))
            mb->msgs[--out] = mb->msgs[--a];
        else
            mb->msgs[--out] = mb->due[--b];
    }
    mb->n_msgs += m;
    return 0;
}
