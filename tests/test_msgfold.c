/* SPDX-License-Identifier: Apache-2.0 */
/* test_msgfold.c - producer/encode/msgbatch.h's msg_batch_fold_due: the
 * later messages due before a frontier end up in the on-time list, at
 * their places in (release_ms, tie) order, each once, and the rest stay
 * later; whatever their times' spread (minutes, or past 2^32 ms) and
 * however many share a time. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encode/msgbatch.h"

static uint64_t next(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static int key_less(const msg_ref *a, const msg_ref *b) {
    return a->release_ms < b->release_ms || (a->release_ms == b->release_ms && a->tie < b->tie);
}

static void add(msg_ref **list, size_t *n, size_t *cap, int64_t release, uint64_t tie) {
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        *list = realloc(*list, *cap * sizeof **list);
        cr_assert_not_null(*list);
    }
    (*list)[(*n)++] =
        (msg_ref){ .release_ms = release, .timestamp_ms = release, .tie = tie, .value_off = (uint32_t)*n };
}

/* A batch of `orders` orders `gap` ms apart, each on time at its own time
 * (three messages), with later messages `delay` ms on (give or take
 * `jitter`), some at exactly the same time as another; folded at the last
 * order's frontier, then checked. */
static void fold_and_check(size_t orders, int64_t gap, int64_t delay, int64_t jitter, uint64_t seed) {
    msg_batch mb = { 0 };
    int64_t t0 = INT64_C(1767225600000);
    size_t n_later = 0;
    for (size_t k = 0; k < orders; k++) {
        int64_t ts = t0 + (int64_t)k * gap;
        for (unsigned step = 0; step < 3; step++) add(&mb.msgs, &mb.n_msgs, &mb.cap_msgs, ts, MSG_TIE(k, step));
        for (unsigned step = 0; step < 3; step++) {
            int64_t at = ts + delay + (jitter ? (int64_t)(next(&seed) % (uint64_t)jitter) : 0);
            if (step == 2) at = ts + delay; /* ties with other orders' steps */
            add(&mb.later, &mb.n_later, &mb.cap_later, at, MSG_TIE(k, 8 + step) | (step == 1 ? MSG_TIE_COPY : 0));
        }
    }
    n_later = mb.n_later;
    size_t n_before = mb.n_msgs;
    int64_t frontier_ms = t0 + (int64_t)(orders - 1) * gap;
    uint64_t frontier_tie = MSG_TIE(orders, 0);
    msg_ref edge = { .release_ms = frontier_ms, .tie = frontier_tie };
    size_t due = 0;
    for (size_t i = 0; i < mb.n_later; i++) due += key_less(&mb.later[i], &edge);

    cr_assert_eq(msg_batch_fold_due(&mb, frontier_ms, frontier_tie), 0);

    cr_assert_eq(mb.n_msgs, n_before + due, "%zu on time and %zu due: %zu in msgs", n_before, due, mb.n_msgs);
    cr_assert_eq(mb.n_later, n_later - due);
    for (size_t i = 1; i < mb.n_msgs; i++)
        cr_assert(key_less(&mb.msgs[i - 1], &mb.msgs[i]), "msgs[%zu] (%lld, %llx) is not before msgs[%zu] (%lld, %llx)",
                  i - 1, (long long)mb.msgs[i - 1].release_ms, (unsigned long long)mb.msgs[i - 1].tie, i,
                  (long long)mb.msgs[i].release_ms, (unsigned long long)mb.msgs[i].tie);
    for (size_t i = 0; i < mb.n_later; i++) cr_assert(!key_less(&mb.later[i], &edge), "later[%zu] is due before", i);
    msg_batch_free(&mb);
}

Test(msgfold, messages_due_within_the_batch_join_the_on_time_list_in_stream_order) {
    fold_and_check(1024, 150, 3000, 2000, 1);
}

Test(msgfold, many_messages_at_one_time_are_ordered_by_tie) {
    fold_and_check(2000, 0, 0, 0, 2); /* every order at one ms: the frontier is that ms */
    fold_and_check(500, 1, 7, 3, 3);
}

Test(msgfold, a_spread_past_two_to_the_32_ms_is_sorted_too) {
    fold_and_check(300, INT64_C(1) << 25, INT64_C(1) << 27, INT64_C(1) << 30, 4);
}

Test(msgfold, nothing_due_before_the_frontier_leaves_both_lists_as_they_were) { fold_and_check(100, 10, 100000, 5, 5); }
