/* SPDX-License-Identifier: Apache-2.0 */
/* test_calendar.c - producer/publish/calendar.h hands messages back in
 * (release_ms, tie) order with their bytes intact, whatever bucket they
 * land in: the current one, a ring bucket, or beyond the ring; pushed in
 * any order, interleaved with pops as the publisher does. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "publish/calendar.h"

static uint64_t next(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void push(calendar *c, int64_t release, uint64_t tie) {
    char value[64];
    size_t len = (size_t)(tie % 40) + 1;
    for (size_t i = 0; i < len; i++) value[i] = (char)(tie + i);
    msg_ref r = { (int64_t)tie, release, release, tie, 0, (uint32_t)len, 0, MSG_ON_TIME };
    cr_assert_eq(calendar_push(c, &r, value), 0);
}

/* Pops everything before (release, tie), checking order and bytes. */
static size_t drain(calendar *c, int64_t release, uint64_t tie, int64_t *last_t, uint64_t *last_tie) {
    size_t n = 0;
    while (calendar_before(c, release, tie) > 0) {
        const pending_msg *m = calendar_peek(c);
        cr_assert_not_null(m);
        cr_assert(m->ref.release_ms > *last_t || (m->ref.release_ms == *last_t && m->ref.tie > *last_tie),
                  "(%" PRId64 ", %" PRIu64 ") after (%" PRId64 ", %" PRIu64 ")", m->ref.release_ms, m->ref.tie, *last_t,
                  *last_tie);
        cr_assert_eq(m->ref.value_len, m->ref.tie % 40 + 1);
        for (size_t i = 0; i < m->ref.value_len; i++) cr_assert_eq(m->value[i], (char)(m->ref.tie + i));
        *last_t = m->ref.release_ms;
        *last_tie = m->ref.tie;
        calendar_pop(c);
        n++;
    }
    return n;
}

Test(calendar, hands_back_every_message_in_key_order_from_the_current_bucket_the_ring_and_beyond) {
    calendar c = { 0 };
    uint64_t seed = 7, tie = 0;
    int64_t t = 1767225600000, last_t = INT64_MIN; /* 2026-01-01 */
    uint64_t last_tie = 0;
    size_t pushed = 0, popped = 0;
    for (int step = 0; step < 20000; step++) {
        t += (int64_t)(next(&seed) % 5000);
        /* What a batch brings: events seconds to weeks ahead, some at this
         * very time, a few beyond the ring's 49.7 days. */
        for (int k = 0; k < 4; k++) {
            uint64_t r = next(&seed);
            int64_t ahead = k == 0 ? 0 : r % 100 == 0 ? (int64_t)(60 + r % 30) * 86400000 : (int64_t)(r % 1209600000);
            push(&c, t + ahead, ++tie);
            pushed++;
        }
        popped += drain(&c, t, tie, &last_t, &last_tie);
        cr_assert_eq(c.n, pushed - popped);
    }
    popped += drain(&c, INT64_MAX, UINT64_MAX, &last_t, &last_tie);
    cr_assert_eq(popped, pushed);
    cr_assert_eq(c.n, 0);
    cr_assert_eq(c.bytes, 0);
    cr_assert_gt(c.peak, 1000);
    calendar_free(&c);
}

Test(calendar, orders_equal_times_by_tie_and_a_bucket_reached_twice) {
    calendar c = { 0 };
    int64_t base = (int64_t)CALENDAR_BUCKET_MS * 1000, last_t = INT64_MIN;
    uint64_t last_tie = 0;
    for (uint64_t tie = 50; tie > 0; tie--) push(&c, base + 5, tie); /* one ms, ties reversed */
    for (uint64_t tie = 100; tie > 50; tie--) push(&c, base + 3 + (int64_t)(tie % 2) * 2, tie);
    cr_assert_eq(drain(&c, base + 5, 20, &last_t, &last_tie), 25 + 19); /* all of base+3, half of base+5 */
    push(&c, base + 5, 1000);                                           /* for the bucket being read: the soon heap */
    push(&c, base + 6, 1);
    cr_assert_eq(drain(&c, INT64_MAX, UINT64_MAX, &last_t, &last_tie), 31 + 25 + 2);
    cr_assert_eq(last_t, base + 6);
    calendar_free(&c);
}

/* The first test's stream, with jumps of days now and then (stretches in
 * which only spilled messages wait); what each drain handed back, counted
 * into popped_at. With s, the calendar spills beyond hold bytes. */
static void stream_through(spill *s, size_t hold, size_t *popped_at, size_t steps) {
    calendar c = { 0 };
    if (s) calendar_spill_to(&c, s, hold);
    uint64_t seed = 11, tie = 0;
    int64_t t = 1767225600000, last_t = INT64_MIN;
    uint64_t last_tie = 0;
    for (size_t step = 0; step < steps; step++) {
        t += (int64_t)(next(&seed) % 5000) + (step % 2000 == 1999 ? 3 * 86400000 : 0);
        for (int k = 0; k < 4; k++) {
            uint64_t r = next(&seed);
            int64_t ahead = k == 0 ? 0 : r % 100 == 0 ? (int64_t)(60 + r % 30) * 86400000 : (int64_t)(r % 1209600000);
            push(&c, t + ahead, ++tie);
        }
        popped_at[step] = drain(&c, t, tie, &last_t, &last_tie);
    }
    popped_at[steps] = drain(&c, INT64_MAX, UINT64_MAX, &last_t, &last_tie);
    cr_assert_eq(c.n, 0);
    cr_assert_eq(c.spilled, 0, "%zu messages left in the spill", c.spilled);
    calendar_free(&c);
}

Test(calendar, spilling_the_far_future_to_disk_hands_back_the_same_messages_at_the_same_steps, .timeout = 60) {
    enum { STEPS = 12000 };
    static size_t kept[STEPS + 1], spilled[STEPS + 1];
    stream_through(NULL, 0, kept, STEPS);
    spill s;
    char why[256];
    cr_assert_eq(spill_open(&s, "/tmp", why, sizeof why), 0, "%s", why);
    stream_through(&s, 0, spilled, STEPS); /* hold 0: everything beyond the horizon goes to disk */
    cr_assert_gt(s.peak_bytes, 100000u, "the stream must have spilled (%zu bytes)", s.peak_bytes);
    cr_assert_eq(s.bytes, 0);
    for (size_t i = 0; i <= STEPS; i++)
        cr_assert_eq(spilled[i], kept[i], "step %zu: %zu messages due, %zu without a spill", i, spilled[i], kept[i]);
    spill_close(&s);
}

Test(calendar, a_spill_directory_that_cannot_hold_a_file_is_refused_with_its_reason) {
    spill s;
    char why[256];
    cr_assert_eq(spill_open(&s, "/nonexistent-dir", why, sizeof why), -1);
    cr_assert_str_eq(why, "/nonexistent-dir (No such file or directory)");
    spill_close(&s);
}
