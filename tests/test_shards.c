/* SPDX-License-Identifier: Apache-2.0 */
/* test_shards.c - a run's shards, as runs select them: shard I of N takes
 * the orders whose key falls in a partition p with p mod N = I (shard_owns,
 * an engine_selection given to the generator pool). N shards' orders are
 * disjoint and cover the run exactly once; each shard's orders are in its
 * partitions only, in order, byte for byte the orders of the unsharded run;
 * and engine_count_selected (a run's planned orders) is what the pool hands
 * over. Both pool paths: the CPU engine's engine_fill_selected, and a filler
 * that cannot select (as the GPU stage) followed by engine_keep_selected. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "base/partition.h"
#include "engine.h"
#include "pool.h"

/* FNV-1a over order k of b: its columns and its items'. */
static uint64_t order_hash(const order_batch *b, size_t k) {
    uint64_t h = 1469598103934665603ull;
#define H(ptr, n)                                                                                                      \
    do {                                                                                                               \
        const unsigned char *q = (const void *)(ptr);                                                                  \
        for (size_t z = 0; z < (n); z++) {                                                                             \
            h ^= q[z];                                                                                                 \
            h *= 1099511628211ull;                                                                                     \
        }                                                                                                              \
    } while (0)
    H(&b->order_id[k], 8);
    H(&b->customer_id[k], 8);
    H(&b->event_time_ms[k], 8);
    H(&b->total_cents[k], 8);
    H(&b->discount_cents[k], 8);
    H(&b->campaign_id[k], 8);
    H(&b->channel[k], 1);
    H(&b->payment_method[k], 1);
    H(&b->status[k], 1);
    H(&b->item_count[k], 1);
    for (size_t j = b->first_item[k]; j < b->first_item[k] + b->item_count[k]; j++) {
        H(&b->item_product_id[j], 8);
        H(&b->item_quantity[j], 1);
        H(&b->item_unit_price_cents[j], 8);
        H(&b->item_line_total_cents[j], 8);
    }
#undef H
    return h;
}

/* Fills like the CPU engine, stride and all, but cannot select: the pool
 * then keeps the selection (engine_keep_selected), as with the GPU stage. */
static int cpu_filler(void *ctx, size_t thread, uint64_t first, uint64_t stride, size_t count, order_batch *b,
                      char *errstr, size_t errlen) {
    (void)thread, (void)errstr, (void)errlen;
    engine_fill(ctx, first, stride, count, b);
    return 0;
}

/* Every order's hash in the unsharded run, by index g. */
static uint64_t *unsharded_hashes(const engine *e) {
    uint64_t total = engine_get_plan(e)->total_orders;
    uint64_t *h = malloc(total * sizeof *h);
    order_batch b;
    cr_assert(h && order_batch_init(&b, 1000) == 0);
    for (uint64_t first = 0; first < total; first += 1000) {
        size_t n = total - first < 1000 ? (size_t)(total - first) : 1000;
        engine_fill(e, first, 1, n, &b);
        for (size_t k = 0; k < n; k++) h[first + k] = order_hash(&b, k);
    }
    order_batch_free(&b);
    return h;
}

/* Runs shards 0 .. n - 1 of partitions (keys as string_keys says) through
 * the pool, as facts_start drives it, checking each order as it comes. */
static void check_shards(const engine *e, const uint64_t *want, int string_keys, int32_t partitions, uint64_t n,
                         size_t batch, int with_filler) {
    uint64_t total = engine_get_plan(e)->total_orders, handed = 0;
    unsigned char *taken = calloc(total, 1);
    cr_assert_not_null(taken);
    gen_pool_filler filler = { cpu_filler, NULL, NULL, (void *)e };
    for (uint64_t shard = 0; shard < n; shard++) {
        shard_owner owner = { string_keys, partitions, shard, n };
        engine_selection sel = { shard_owns, &owner };
        gen_pool_options o = { .threads = 3,
                               .batch_orders = batch,
                               .ring_slots = 4,
                               .first = 0,
                               .stride = 1,
                               .count = total,
                               .select = &sel,
                               .filler = with_filler ? &filler : NULL };
        gen_pool *p;
        char err[256];
        cr_assert_eq(gen_pool_new(e, &o, &p, err, sizeof err), 0, "%s", err);
        const order_batch *b;
        uint64_t got = 0;
        int64_t last = 0;
        while ((b = gen_pool_next(p)) != NULL) {
            for (size_t k = 0; k < b->n_orders; k++) {
                int64_t id = b->order_id[k];
                cr_assert(id > last && id <= (int64_t)total, "shard %llu/%llu: order %lld after %lld",
                          (unsigned long long)shard, (unsigned long long)n, (long long)id, (long long)last);
                last = id;
                char key[KEY_MAX];
                int32_t part = partition_for_key(key, partition_key(string_keys, id, key), partitions);
                cr_assert_eq((uint64_t)part % n, shard, "shard %llu/%llu took order %lld of partition %d",
                             (unsigned long long)shard, (unsigned long long)n, (long long)id, part);
                cr_assert_eq(taken[id - 1], 0, "order %lld taken twice", (long long)id);
                taken[id - 1] = 1;
                cr_assert_eq(order_hash(b, k), want[id - 1], "order %lld differs from the unsharded run's",
                             (long long)id);
            }
            got += b->n_orders;
            gen_pool_release(p, b);
        }
        cr_assert_null(gen_pool_error(p));
        gen_pool_free(p);
        cr_assert_eq(got, engine_count_selected(e, &sel),
                     "shard %llu/%llu: the pool handed over %llu orders, "
                     "engine_count_selected says %llu",
                     (unsigned long long)shard, (unsigned long long)n, (unsigned long long)got,
                     (unsigned long long)engine_count_selected(e, &sel));
        if (n > 1)
            cr_assert(got > 0 && got < total, "shard %llu/%llu took %llu of %llu orders", (unsigned long long)shard,
                      (unsigned long long)n, (unsigned long long)got, (unsigned long long)total);
        handed += got;
    }
    for (uint64_t g = 0; g < total; g++)
        cr_assert(taken[g], "no shard of %llu took order %llu", (unsigned long long)n, (unsigned long long)g + 1);
    cr_assert_eq(handed, total);
    free(taken);
}

static engine *small_run(void) {
    engine_settings s;
    engine_settings_default(&s);
    s.intensity = 5;
    engine *e = NULL;
    char err[512];
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "engine_new: %s", err);
    cr_assert_gt(engine_get_plan(e)->total_orders, 2000u);
    return e;
}

Test(shards, n_shards_take_disjoint_orders_that_cover_the_run_once_each_from_their_own_partitions) {
    engine *e = small_run();
    uint64_t *want = unsharded_hashes(e);
    check_shards(e, want, 0, 6, 1, 4096, 0); /* one shard: the whole run */
    check_shards(e, want, 0, 6, 3, 64, 0);
    check_shards(e, want, 0, 6, 4, 777, 0);  /* 6 partitions over 4 shards: two own two each */
    check_shards(e, want, 1, 12, 5, 100, 0); /* string keys */
    check_shards(e, want, 0, 6, 6, 1, 0);    /* one partition each, one-order spans */
    free(want);
    engine_free(e);
}

Test(shards, a_filler_that_cannot_select_gives_each_shard_the_same_orders) {
    engine *e = small_run();
    uint64_t *want = unsharded_hashes(e);
    check_shards(e, want, 0, 6, 3, 64, 1);
    check_shards(e, want, 1, 12, 5, 4096, 1);
    free(want);
    engine_free(e);
}
