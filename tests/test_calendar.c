/* SPDX-License-Identifier: Apache-2.0 */
/* test_calendar.c - producer/publish/calendar.h hands messages back in
 * (release_ms, tie) order with their bytes intact, whatever bucket they
 * land in: the current one, a ring bucket, beyond the ring, or the spill
 * (whose compact records must give back every field, however extreme);
 * pushed in any order, interleaved with pops as the publisher does; a
 * spent bucket's blocks reused by the next that grows, a copy larger than
 * a block in one of its own. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/topics.h"
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
    msg_ref r = { .key_id = (int64_t)tie,
                  .release_ms = release,
                  .timestamp_ms = release,
                  .tie = tie,
                  .value_len = (uint32_t)len,
                  .kind = MSG_ON_TIME };
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

/* A message of len bytes, each a function of its tie and place. */
static void push_sized(calendar *c, int64_t release, uint64_t tie, char *value, size_t len) {
    for (size_t i = 0; i < len; i++) value[i] = (char)(tie * 31 + i);
    msg_ref r = {
        .key_id = (int64_t)tie, .release_ms = release, .timestamp_ms = release, .tie = tie, .value_len = (uint32_t)len
    };
    cr_assert_eq(calendar_push(c, &r, value), 0);
}

/* Pops everything, checking each value of len(tie) bytes; how many. */
static size_t drain_sized(calendar *c, size_t (*len)(uint64_t)) {
    size_t n = 0;
    while (calendar_before(c, INT64_MAX, UINT64_MAX) > 0) {
        const pending_msg *m = calendar_peek(c);
        cr_assert_eq(m->ref.value_len, len(m->ref.tie), "tie %" PRIu64, m->ref.tie);
        for (size_t i = 0; i < m->ref.value_len; i++)
            if (m->value[i] != (char)(m->ref.tie * 31 + i)) cr_assert_fail("tie %" PRIu64 ": byte %zu", m->ref.tie, i);
        calendar_pop(c);
        n++;
    }
    return n;
}

static size_t change_event_len(uint64_t tie) { return 600 + tie % 300; }
static size_t huge_or_small_len(uint64_t tie) { return tie % 3 ? 40 : 3 * CALENDAR_BLOCK_MAX + tie % 7; }

Test(calendar, a_spent_buckets_full_blocks_wait_for_the_next_bucket_that_grows_and_bytes_never_move) {
    calendar c = { 0 };
    static char value[1000];
    int64_t t0 = 1767225600000;
    uint64_t tie = 0;
    /* ~1.5 MB in each of three buckets: dozens of full-sized blocks each */
    for (int b = 1; b <= 3; b++)
        for (int k = 0; k < 2000; k++, tie++)
            push_sized(&c, t0 + (int64_t)b * CALENDAR_BUCKET_MS + k, tie, value, change_event_len(tie));
    cr_assert_eq(c.n_free_blocks, 0);
    cr_assert_eq(drain_sized(&c, change_event_len), 6000u);
    size_t spent = c.n_free_blocks;
    cr_assert_gt(spent, 20u, "the spent buckets' full-sized blocks wait for reuse, got %zu", spent);
    cr_assert_leq(spent, (size_t)CALENDAR_FREE_BLOCKS);
    /* the same load later: its buckets grow into the waiting blocks */
    for (int b = 10; b <= 12; b++)
        for (int k = 0; k < 2000; k++, tie++)
            push_sized(&c, t0 + (int64_t)b * CALENDAR_BUCKET_MS + k, tie, value, change_event_len(tie));
    cr_assert_lt(c.n_free_blocks, spent / 2, "the growing buckets took %zu of %zu waiting blocks",
                 spent - c.n_free_blocks, spent);
    cr_assert_eq(drain_sized(&c, change_event_len), 6000u);
    cr_assert_eq(c.bytes, 0);
    calendar_free(&c);
}

Test(calendar, a_copy_larger_than_a_block_gets_a_block_of_its_own_between_small_ones) {
    calendar c = { 0 };
    static char value[3 * CALENDAR_BLOCK_MAX + 8];
    int64_t t0 = 1767225600000;
    for (uint64_t tie = 0; tie < 30; tie++)
        push_sized(&c, t0 + 5 * CALENDAR_BUCKET_MS + (int64_t)tie, tie, value, huge_or_small_len(tie));
    cr_assert_eq(drain_sized(&c, huge_or_small_len), 30u);
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

/* A message of the extreme stream: number n, due at release. Ties are
 * unique by n and lie in disjoint ranges by form (n % 5): an order's tie
 * (MSG_TIE of key_id - 1, every step byte, copies too), the same for keys
 * near INT64_MAX, a product version's small tie, ties near UINT64_MAX with
 * keys near INT64_MIN, and n << 40 for keys 0 and -1. Timestamps are the
 * release, before it, after it, or INT64_MIN, INT64_MAX and 0; values are
 * empty, a byte, longer than a spill chunk (SPILL_CHUNK), or up to 200. */
static msg_ref extreme_ref(uint64_t n, int64_t release, char *value) {
    int form = (int)(n % 5);
    int64_t key = form == 0   ? (int64_t)n + 1
                  : form == 1 ? INT64_MAX - (int64_t)n
                  : form == 2 ? (int64_t)(n % 700) + 1
                  : form == 3 ? INT64_MIN + (int64_t)n
                              : -(int64_t)(n % 2);
    uint64_t tie = form == 0   ? MSG_TIE(n, n & 0xff)
                   : form == 1 ? MSG_TIE((uint64_t)key - 1, MSG_TIE_COPY | (n & 0x7f))
                   : form == 2 ? n
                   : form == 3 ? UINT64_MAX - n
                               : n << 40;
    static const int64_t fixed[3] = { INT64_MIN, INT64_MAX, 0 };
    int64_t ts = n % 7 < 3 ? release - (int64_t)(n % 7) * 3600000 : n % 7 == 3 ? release + 1 : fixed[n % 7 - 4];
    uint32_t len = n % 11 == 0     ? 0
                   : n % 11 == 1   ? 1
                   : n % 2999 == 2 ? 100000
                   : n % 1009 == 3 ? SPILL_CHUNK + 1
                                   : n % 200;
    for (uint32_t i = 0; i < len; i++) value[i] = (char)(n * 31 + i);
    return (msg_ref){ .key_id = key,
                      .timestamp_ms = ts,
                      .release_ms = release,
                      .tie = tie,
                      .value_len = len,
                      .topic = (uint8_t)(n % TOPIC_COUNT),
                      .kind = (uint8_t)(n % 3) };
}

/* A message as it came out: at which step, every field, its value's hash. */
typedef struct popped_msg {
    size_t step;
    msg_ref ref;
    uint64_t value_hash;
} popped_msg;

/* Pops everything before (release, 0) into out[*n...], in strictly
 * increasing key order. */
static void drain_into(calendar *c, int64_t release, size_t step, popped_msg *out, size_t *n, size_t cap) {
    int before;
    while ((before = calendar_before(c, release, 0)) > 0) {
        const pending_msg *m = calendar_peek(c);
        cr_assert_not_null(m);
        cr_assert_lt(*n, cap);
        if (*n > 0) {
            const msg_ref *p = &out[*n - 1].ref;
            cr_assert(m->ref.release_ms > p->release_ms || (m->ref.release_ms == p->release_ms && m->ref.tie > p->tie));
        }
        uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a */
        for (uint32_t i = 0; i < m->ref.value_len; i++) h = (h ^ (unsigned char)m->value[i]) * UINT64_C(0x100000001b3);
        out[(*n)++] = (popped_msg){ step, m->ref, h };
        calendar_pop(c);
    }
    cr_assert_eq(before, 0, "step %zu: the calendar failed (%s)", step, strerror(c->spill_errno));
}

/* The extreme stream from t0: each step a message now, one up to 40 days
 * ahead (one in a hundred beyond the ring) and three 40 to 100 minutes
 * ahead (enough for a segment to be written out in chunks, and their
 * slots written again), now and then a jump of days; with s, everything
 * beyond the horizon spills (hold 0). */
static size_t extreme_stream(spill *s, int64_t t0, popped_msg *out, size_t cap) {
    enum { STEPS = 3000 };
    static char value[100000];
    calendar c = { 0 };
    if (s) calendar_spill_to(&c, s, 0);
    uint64_t seed = 5, n = 0;
    size_t got = 0;
    int64_t t = t0;
    for (size_t step = 0; step < STEPS; step++) {
        t += (int64_t)(next(&seed) % 5000) + (step % 1000 == 999 ? 2 * 86400000 : 0);
        for (int k = 0; k < 5; k++) {
            uint64_t r = next(&seed);
            int64_t ahead = k == 0   ? 0
                            : k == 1 ? (r % 100 == 0 ? 55 * (int64_t)86400000 : (int64_t)(r % 3456000000u))
                                     : 40 * 60000 + (int64_t)(r % 3600000); /* 40 to 100 min: segments of chunks */
            msg_ref m = extreme_ref(n++, t + ahead, value);
            cr_assert_eq(calendar_push(&c, &m, value), 0);
        }
        drain_into(&c, t, step, out, &got, cap);
    }
    drain_into(&c, INT64_MAX, STEPS, out, &got, cap);
    cr_assert_eq(c.n, 0);
    cr_assert_eq(c.spilled, 0, "%zu messages left in the spill", c.spilled);
    calendar_free(&c);
    return got;
}

Test(calendar, spilled_records_of_extreme_keys_times_ties_and_values_come_back_as_an_uncapped_calendar_hands_them_out,
     .timeout = 60) {
    enum { CAP = 3000 * 5 };
    static popped_msg kept[CAP], spilled[CAP];
    /* far before 1970, across 1970 (negative segments), now, far ahead */
    static const int64_t starts[] = { -(INT64_C(1) << 62), -3 * (int64_t)86400000, 1767225600000, INT64_C(1) << 62 };
    for (size_t e = 0; e < sizeof starts / sizeof *starts; e++) {
        size_t n = extreme_stream(NULL, starts[e], kept, CAP);
        cr_assert_eq(n, (size_t)CAP);
        spill s;
        char why[256];
        cr_assert_eq(spill_open(&s, "/tmp", why, sizeof why), 0, "%s", why);
        cr_assert_eq(extreme_stream(&s, starts[e], spilled, CAP), n);
        cr_assert_gt(s.peak_bytes, 100000u, "the stream must have spilled (%zu bytes)", s.peak_bytes);
        cr_assert_gt(s.written, s.end,
                     "slots read back must be written again: %" PRIu64 " bytes written, the file %" PRIu64, s.written,
                     s.end);
        spill_close(&s);
        for (size_t i = 0; i < n; i++) {
            const popped_msg *a = &kept[i], *b = &spilled[i];
            cr_assert(a->step == b->step && a->ref.key_id == b->ref.key_id &&
                          a->ref.timestamp_ms == b->ref.timestamp_ms && a->ref.release_ms == b->ref.release_ms &&
                          a->ref.tie == b->ref.tie && a->ref.value_len == b->ref.value_len &&
                          a->ref.topic == b->ref.topic && a->ref.kind == b->ref.kind && a->value_hash == b->value_hash,
                      "start %" PRId64 ", message %zu: key %" PRId64 " ts %" PRId64 " release %" PRId64 " tie %" PRIx64
                      " len %u topic %u kind %u at step %zu, without a spill key %" PRId64 " ts %" PRId64
                      " release %" PRId64 " tie %" PRIx64 " len %u topic %u kind %u at step %zu",
                      starts[e], i, b->ref.key_id, b->ref.timestamp_ms, b->ref.release_ms, b->ref.tie, b->ref.value_len,
                      b->ref.topic, b->ref.kind, b->step, a->ref.key_id, a->ref.timestamp_ms, a->ref.release_ms,
                      a->ref.tie, a->ref.value_len, a->ref.topic, a->ref.kind, a->step);
        }
    }
}

Test(calendar, a_spill_directory_that_cannot_hold_a_file_is_refused_with_its_reason) {
    spill s;
    char why[256];
    cr_assert_eq(spill_open(&s, "/nonexistent-dir", why, sizeof why), -1);
    cr_assert_str_eq(why, "/nonexistent-dir (No such file or directory)");
    spill_close(&s);
}

/* A held block (msgbatch.h): n records of tie-derived bytes, due within
 * `within` ms of t (one beyond the ring, when far), back to back. */
static char *held_block(size_t n, int64_t t, int64_t within, uint64_t *tie, uint64_t *seed, int far, size_t *cap,
                        held_entry *index) {
    *cap = n * msg_held_size(40);
    char *block = malloc(*cap), *at = block;
    cr_assert_not_null(block);
    for (size_t i = 0; i < n; i++) {
        pending_msg *m = (pending_msg *)(void *)at;
        uint64_t k = ++*tie;
        int64_t release = far && i == n / 2 ? t + INT64_C(60) * 86400000 : t + (int64_t)(next(seed) % (uint64_t)within);
        m->ref = (msg_ref){ .key_id = (int64_t)k,
                            .release_ms = release,
                            .timestamp_ms = release,
                            .tie = k,
                            .value_len = (uint32_t)(k % 40 + 1) };
        for (size_t j = 0; j < m->ref.value_len; j++) m->value[j] = (char)(k + j);
        index[i] = (held_entry){ release, k, (uint32_t)(at - block), m->ref.value_len };
        at += msg_held_size(m->ref.value_len);
    }
    return block;
}

/* Pops everything before (release, 0) as drain does, counting the messages
 * handed back from within blocks[first .. last] (not copied). */
static size_t drain_held(calendar *c, int64_t release, int64_t *last_t, uint64_t *last_tie, char **blocks,
                         const size_t *caps, int first, int last, size_t *in_place) {
    size_t n = 0;
    while (calendar_before(c, release, 0) > 0) {
        const pending_msg *m = calendar_peek(c);
        for (int b = first; b <= last; b++)
            *in_place += (const char *)m >= blocks[b] && (const char *)m < blocks[b] + caps[b];
        cr_assert(m->ref.release_ms > *last_t || (m->ref.release_ms == *last_t && m->ref.tie > *last_tie));
        for (size_t j = 0; j < m->ref.value_len; j++) cr_assert_eq(m->value[j], (char)(m->ref.tie + j));
        *last_t = m->ref.release_ms;
        *last_tie = m->ref.tie;
        calendar_pop(c);
        n++;
    }
    return n;
}

Test(calendar,
     held_records_come_back_in_key_order_from_where_they_were_written_and_their_block_waits_until_they_are_out) {
    calendar c = { 0 };
    uint64_t seed = 11, tie = 0, last_tie = 0;
    int64_t t = 1767225600000, last_t = INT64_MIN, within = 1800000;
    size_t pushed = 0, popped = 0, in_place = 0;
    char *blocks[40];
    size_t caps[40];
    int first_live = 0; /* blocks before it were let go (FIFO) */
    for (int batch = 0; batch < 40; batch++) {
        size_t n = 200;
        held_entry index[200];
        blocks[batch] = held_block(n, t, within, &tie, &seed, batch == 7, &caps[batch], index);
        push(&c, t + (int64_t)(next(&seed) % 3000000), ++tie); /* a copy among them */
        pushed++;
        size_t before = c.alloc;
        for (size_t i = 0; i < n; i++) cr_assert_eq(calendar_push_held(&c, blocks[batch], &index[i]), 0);
        pushed += n;
        cr_assert_eq(calendar_adopt(&c, blocks[batch], caps[batch], t + within), 0);
        cr_assert_geq(c.alloc, before + caps[batch], "an adopted block counts as allocated");
        t += 150000; /* the next batch's frontier, two and a half minutes on */
        popped += drain_held(&c, t, &last_t, &last_tie, blocks, caps, first_live, batch, &in_place);
        size_t adopted = c.n_held;
        calendar_release_before(&c, t);
        size_t let_go = batch >= 11 ? 1 : 0; /* a block's half hour is out 12 batches on */
        cr_assert_eq(c.n_held, adopted - let_go, "batch %d: a block is let go once its half hour is out, not before",
                     batch);
        first_live += (int)let_go;
    }
    popped += drain_held(&c, INT64_MAX, &last_t, &last_tie, blocks, caps, first_live, 39, &in_place);
    cr_assert_eq(popped, pushed);
    cr_assert_eq(in_place, 40 * 200 - 1, "%zu of %d held records handed back in place: all but the one beyond the ring",
                 in_place, 40 * 200);
    calendar_release_before(&c, INT64_MAX);
    cr_assert_eq(c.n_held, 0);
    cr_assert_eq(c.n_held_spares, CALENDAR_HELD_SPARES);
    size_t cap;
    char *spare = calendar_take_held_spare(&c, &cap);
    cr_assert_not_null(spare);
    cr_assert_gt(cap, 0u);
    free(spare); /* taken: the caller's now */
    calendar_free(&c);
}
