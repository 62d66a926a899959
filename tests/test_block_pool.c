/* SPDX-License-Identifier: Apache-2.0 */
/* test_block_pool.c - producer/publish/block_pool.h: blocks of each size
 * are distinct, 16-aligned and whole within 2 MiB-aligned regions; a block
 * given back is the next one taken of its size and of no other; sizes past
 * the pool's count, or not multiples of 16, are refused; the calendar's
 * blocks come from its pool. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "publish/block_pool.h"
#include "publish/calendar.h"

Test(block_pool, blocks_of_every_size_are_distinct_aligned_and_whole_within_their_regions) {
    block_pool p = { 0 };
    enum { N = 300 };
    static char *got[N];
    static size_t size[N];
    for (size_t i = 0; i < N; i++) {
        size[i] = (size_t)16 << (i % 13); /* 16 B to 64 KiB */
        got[i] = block_pool_take(&p, size[i]);
        cr_assert_not_null(got[i]);
        cr_assert_eq((uintptr_t)got[i] % 16, 0u);
        memset(got[i], (int)i, size[i]); /* all of it writable */
        uintptr_t region = (uintptr_t)got[i] & ~(uintptr_t)(BLOCK_POOL_REGION - 1);
        cr_assert_leq((uintptr_t)got[i] + size[i], region + BLOCK_POOL_REGION, "block %zu crosses its region", i);
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < size[i]; j++)
            if (got[i][j] != (char)i) cr_assert_fail("block %zu, byte %zu: another block overlaps it", i, j);
    cr_assert_gt(p.n_regions, 1u);
    block_pool_free(&p);
    cr_assert_eq(p.n_regions, 0u);
}

Test(block_pool, a_block_given_back_is_the_next_taken_of_its_size_and_of_no_other) {
    block_pool p = { 0 };
    void *a = block_pool_take(&p, 128), *b = block_pool_take(&p, 256);
    block_pool_give(&p, a, 128);
    block_pool_give(&p, b, 256);
    void *c = block_pool_take(&p, 256);
    cr_assert_eq(c, b, "the 256-byte block given back is taken again");
    void *d = block_pool_take(&p, 512);
    cr_assert_neq(d, a, "a 128-byte block is no 512-byte block");
    cr_assert_eq(block_pool_take(&p, 128), a);
    block_pool_free(&p);
}

Test(block_pool, sizes_past_its_count_or_not_multiples_of_16_are_refused) {
    block_pool p = { 0 };
    for (size_t i = 0; i < BLOCK_POOL_SIZES; i++) cr_assert_not_null(block_pool_take(&p, 16 * (i + 1)));
    cr_assert_null(block_pool_take(&p, 16 * (BLOCK_POOL_SIZES + 1)), "one size too many");
    cr_assert_not_null(block_pool_take(&p, 16), "a size it has");
    cr_assert_null(block_pool_take(&p, 24));
    cr_assert_null(block_pool_take(&p, BLOCK_POOL_REGION + 16));
    block_pool_free(&p);
}

Test(block_pool, the_calendars_blocks_come_from_its_pool) {
    calendar c = { 0 };
    static char value[900];
    for (uint64_t tie = 0; tie < 3000; tie++) {
        msg_ref r = { .release_ms = 1767225600000 + (int64_t)(tie % 7) * CALENDAR_BUCKET_MS + 70000,
                      .timestamp_ms = 0,
                      .tie = tie,
                      .value_len = (uint32_t)(100 + tie % 800) };
        cr_assert_eq(calendar_push(&c, &r, value), 0);
    }
    cr_assert_gt(c.pool.n_regions, 0u, "the buckets' blocks are the pool's");
    calendar_free(&c);
}
