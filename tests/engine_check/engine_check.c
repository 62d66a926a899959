/* SPDX-License-Identifier: Apache-2.0 */
/* engine_check.c - the CPU engine and the GPU stage, compared byte for byte.
 *
 * A standalone checker that needs engine/ and its GPU stage only (no
 * Criterion, Kafka, Avro or libconfig), so it builds and runs on a bare GPU
 * machine (SHOPSTREAM_ENGINE_ONLY=ON). For every case (scenario, seed,
 * batch size, shard split) it fills each batch with engine_fill() and with
 * the stage under test, and compares the item and order counts and all 17
 * columns, byte for byte; the first difference is printed with its column,
 * row and both values.
 *
 *   engine_check             the emulated stage, and the GPU if one is usable
 *   engine_check --emulate   the stage's steps run on the host (CUDA build, no GPU)
 *   engine_check --gpu       the GPU, through the generator pool with 4 lanes;
 *                            exit 77 (skipped) with the reason if none is usable
 *
 * Exit: 0 identical, 1 a difference or an error, 2 usage, 77 skipped. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "gpu_stage.h"
#include "pool.h"

#define EXIT_SKIP 77

typedef struct check_case {
    const char *scenario;
    uint64_t seed;
    size_t batch;
    uint64_t shard, shards;
    int by_partition; /* the shard takes a selection of orders (as a run's shards do), not every N-th */
} check_case;

/* A stand-in for the producer's test of a shard's orders (there: Kafka's
 * murmur2 of the key, modulo 6 partitions, modulo the shard count): a pure
 * function of the order that takes about a third of them, unevenly. */
typedef struct partition_shard {
    uint64_t shard, shards;
} partition_shard;

static int shard_owns(void *ctx, uint64_t g) {
    const partition_shard *p = ctx;
    uint64_t partition = ((g + 1) * UINT64_C(0x9e3779b97f4a7c15) >> 40) % 6;
    return partition % p->shards == p->shard;
}

/* ---- scenarios, built in C: this program reads no config files ---- */

static scenario_effect *add_effect(scenario *sc, double start_h, double end_h) {
    scenario_effect *e = &sc->effects[sc->n_effects++];
    memset(e, 0, sizeof *e);
    e->start_h = start_h;
    e->end_h = end_h;
    e->focus_category = -1;
    e->campaign.target_category = e->campaign.target_cohort = -1;
    return e;
}

static void set_rate(scenario_effect *e, ramp_kind kind, double from, double to) {
    e->kinds |= EFFECT_RATE;
    e->rate = (ramp){ kind, from, to };
}

/* Like config/scenarios/<name>.cfg, and "mixed": every effect at once. */
static int scenario_named(const char *name, scenario *sc) {
    memset(sc, 0, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "%s", name);
    scenario_effect *e;
    if (strcmp(name, "baseline") == 0) return 0;
    if (strcmp(name, "payment_outage") == 0) {
        e = add_effect(sc, 1, 3);
        set_rate(e, RAMP_CONSTANT, 0.2, 0.2);
        e->kinds |= EFFECT_PAYMENT_FAILURE;
        e->failure_rate = 0.85;
        e->failure_methods = 1u << PAYMENT_CARD | 1u << PAYMENT_PAYPAL | 1u << PAYMENT_APPLE_PAY;
        set_rate(add_effect(sc, 3, 5), RAMP_LINEAR, 1.8, 1.0);
        return 0;
    }
    if (strcmp(name, "viral_moment") == 0) {
        e = add_effect(sc, 0, 6);
        set_rate(e, RAMP_EXPONENTIAL, 1.0, 3.0);
        e->kinds |= EFFECT_FOCUS | EFFECT_COHORT | EFFECT_CHANNEL;
        e->focus_product = 42;
        e->focus_share = (ramp){ RAMP_EXPONENTIAL, 0.0014872513, 0.6 };
        e->cohort = COHORT_GEN_Z;
        e->cohort_share = 0.7;
        e->channel = CHANNEL_MOBILE_APP;
        e->channel_share = 0.6;
        e = add_effect(sc, 6, 9);
        set_rate(e, RAMP_LINEAR, 3.0, 1.0);
        e->kinds |= EFFECT_FOCUS;
        e->focus_product = 42;
        e->focus_share = (ramp){ RAMP_LINEAR, 0.6, 0.05 };
        return 0;
    }
    if (strcmp(name, "flash_sale") == 0 || strcmp(name, "mixed") == 0) {
        e = add_effect(sc, 2, 4);
        set_rate(e, RAMP_CONSTANT, 4.0, 4.0);
        e->kinds |= EFFECT_CAMPAIGN | EFFECT_FOCUS;
        snprintf(e->campaign.name, sizeof e->campaign.name, "Flash Sale: Electronics");
        e->campaign.discount_pct = 30;
        e->campaign.target_category = CATEGORY_ELECTRONICS;
        e->campaign.uptake = 0.5;
        e->focus_category = CATEGORY_ELECTRONICS;
        e->focus_share = (ramp){ RAMP_CONSTANT, 0.5, 0.5 };
        set_rate(add_effect(sc, 4, 6), RAMP_CONSTANT, 0.6, 0.6);
        if (strcmp(name, "flash_sale") == 0) return 0;
        /* mixed: a cohort campaign, shifts and failures on top. */
        e = add_effect(sc, 0, 9);
        e->kinds |= EFFECT_CAMPAIGN | EFFECT_COHORT | EFFECT_CHANNEL | EFFECT_PAYMENT_FAILURE;
        snprintf(e->campaign.name, sizeof e->campaign.name, "Boomers: 15%% off");
        e->campaign.discount_pct = 15;
        e->campaign.target_cohort = COHORT_BOOMER;
        e->campaign.uptake = 0.8;
        e->cohort = COHORT_BOOMER;
        e->cohort_share = 0.3;
        e->channel = CHANNEL_WEB;
        e->channel_share = 0.25;
        e->failure_rate = 0.1;
        e->failure_methods = 0; /* 0: every payment method */
        return 0;
    }
    return -1;
}

static const char *const scenario_names[] = { "baseline", "payment_outage", "viral_moment", "flash_sale", "mixed" };
#define N_SCENARIOS (sizeof scenario_names / sizeof *scenario_names)

/* ---- comparison ---- */

static const char *const column_names[BATCH_COLUMNS] = {
    "order_id",
    "customer_id",
    "event_time_ms",
    "subtotal_cents",
    "discount_cents",
    "total_cents",
    "campaign_id",
    "first_item",
    "channel",
    "payment_method",
    "status",
    "item_count",
    "item_product_id",
    "item_unit_price_cents",
    "item_discount_cents",
    "item_line_total_cents",
    "item_quantity",
};
static const size_t column_width[BATCH_COLUMNS] = BATCH_COLUMN_WIDTHS;

static const void *column(const order_batch *b, int c) {
    const void *cols[BATCH_COLUMNS] = {
        b->order_id,
        b->customer_id,
        b->event_time_ms,
        b->subtotal_cents,
        b->discount_cents,
        b->total_cents,
        b->campaign_id,
        b->first_item,
        b->channel,
        b->payment_method,
        b->status,
        b->item_count,
        b->item_product_id,
        b->item_unit_price_cents,
        b->item_discount_cents,
        b->item_line_total_cents,
        b->item_quantity,
    };
    return cols[c];
}

static int64_t value_at(const void *col, size_t width, size_t row) {
    const unsigned char *p = (const unsigned char *)col + row * width;
    if (width == 8) {
        int64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    if (width == 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    return *p;
}

/* 0 if b equals the CPU's a in counts and every byte of every column. */
static int compare(const order_batch *a, const order_batch *b, const char *what, const char *label) {
    if (a->n_orders != b->n_orders || a->n_items != b->n_items) {
        printf("FAIL %s: %s batch at order %" PRIu64 ": cpu %zu orders %zu items, %s %zu orders %zu items\n", label,
               what, a->first_index, a->n_orders, a->n_items, what, b->n_orders, b->n_items);
        return -1;
    }
    for (int c = 0; c < BATCH_COLUMNS; c++) {
        size_t rows = c < BATCH_ORDER_COLUMNS ? a->n_orders : a->n_items, w = column_width[c];
        const void *ca = column(a, c), *cb = column(b, c);
        if (memcmp(ca, cb, rows * w) == 0) continue;
        size_t r = 0;
        while (memcmp((const char *)ca + r * w, (const char *)cb + r * w, w) == 0) r++;
        printf("FAIL %s: %s differs in %s, row %zu of the batch at order %" PRIu64 ": cpu %" PRId64 ", %s %" PRId64
               "\n",
               label, what, column_names[c], r, a->first_index, value_at(ca, w, r), what, value_at(cb, w, r));
        return -1;
    }
    return 0;
}

/* ---- one case ---- */

typedef struct totals {
    uint64_t orders, items;
} totals;

static void settings_for(const check_case *k, engine_settings *s) {
    engine_settings_default(s);
    s->seed = k->seed;
    s->start_ms = INT64_C(1764547200000); /* 2025-12-01T00:00:00Z */
    s->duration_ms = INT64_C(9) * 3600 * 1000;
    s->intensity = 25;
    scenario_named(k->scenario, &s->scenario);
}

static uint64_t shard_count(const engine *e, const check_case *k) {
    uint64_t total = engine_get_plan(e)->total_orders;
    return total > k->shard ? (total - k->shard + k->shards - 1) / k->shards : 0;
}

/* CPU against the emulated stage, batch by batch. */
static int check_emulated(const engine *e, const check_case *k, const char *label, totals *t) {
    order_batch a, b;
    char err[512];
    int rc = -1;
    if (order_batch_init(&a, k->batch) != 0) return -1;
    if (order_batch_init(&b, k->batch) != 0) {
        order_batch_free(&a);
        return -1;
    }
    partition_shard ps = { k->shard, k->shards };
    engine_selection sel = { shard_owns, &ps };
    uint64_t count = k->by_partition ? engine_get_plan(e)->total_orders : shard_count(e, k);
    for (uint64_t done = 0; done < count; done += k->batch) {
        size_t n = (size_t)(count - done < k->batch ? count - done : k->batch);
        uint64_t first = k->by_partition ? done : k->shard + done * k->shards;
        uint64_t stride = k->by_partition ? 1 : k->shards;
        if (k->by_partition)
            engine_fill_selected(e, first, n, &sel, &a);
        else
            engine_fill(e, first, stride, n, &a);
        if (gpu_stage_emulate_fill(e, first, stride, n, &b, err, sizeof err) != 0) {
            printf("FAIL %s: %s\n", label, err);
            goto out;
        }
        if (k->by_partition) engine_keep_selected(&sel, &b);
        if (compare(&a, &b, "emulated", label) != 0) goto out;
        t->orders += a.n_orders;
        t->items += a.n_items;
    }
    rc = 0;
out:
    order_batch_free(&b);
    order_batch_free(&a);
    return rc;
}

/* CPU against the GPU, the way a run drives it: the generator pool with
 * one lane per thread, batches in pinned memory, taken in sequence. */
static int check_gpu(const engine *e, const check_case *k, const char *label, totals *t) {
    enum { LANES = 4 };
    char err[512];
    gpu_stage *g = NULL;
    gen_pool *pool = NULL;
    order_batch a;
    int rc = -1;
    if (order_batch_init(&a, k->batch) != 0) return -1;
    if (gpu_stage_new(e, LANES, k->batch, 0, &g, err, sizeof err) != 0) {
        printf("FAIL %s: %s\n", label, err);
        goto out;
    }
    partition_shard ps = { k->shard, k->shards };
    engine_selection sel = { shard_owns, &ps };
    gen_pool_options o = {
        .threads = LANES,
        .batch_orders = k->batch,
        .ring_slots = 2 * LANES,
        .first = k->by_partition ? 0 : k->shard,
        .stride = k->by_partition ? 1 : k->shards,
        .count = k->by_partition ? engine_get_plan(e)->total_orders : shard_count(e, k),
        .filler = gpu_stage_filler(g),
        .select = k->by_partition ? &sel : NULL,
    };
    uint64_t want = k->by_partition ? engine_count_selected(e, &sel) : o.count;
    if (gen_pool_new(e, &o, &pool, err, sizeof err) != 0) {
        printf("FAIL %s: %s\n", label, err);
        goto out;
    }
    const order_batch *b;
    uint64_t seen = 0;
    while ((b = gen_pool_next(pool)) != NULL) {
        if (k->by_partition) {
            uint64_t span = o.count - b->first_index < k->batch ? o.count - b->first_index : k->batch;
            engine_fill_selected(e, b->first_index, (size_t)span, &sel, &a);
        } else {
            engine_fill(e, b->first_index, k->shards, b->n_orders, &a);
        }
        int same = compare(&a, b, "gpu", label);
        seen += b->n_orders;
        t->items += b->n_items;
        gen_pool_release(pool, b);
        if (same != 0) goto out;
    }
    if (gen_pool_error(pool)) {
        printf("FAIL %s: %s\n", label, gen_pool_error(pool));
        goto out;
    }
    if (seen != want) {
        printf("FAIL %s: the GPU gave %" PRIu64 " orders of %" PRIu64 "\n", label, seen, want);
        goto out;
    }
    t->orders += seen;
    rc = 0;
out:
    gen_pool_free(pool);
    gpu_stage_free(g);
    order_batch_free(&a);
    return rc;
}

static void usage(FILE *f) {
    fprintf(f,
            "usage: engine_check [--emulate | --gpu]\n"
            "  Compares the CPU engine's batches with the GPU stage's, byte for byte, over\n"
            "  %zu scenarios, 2 seeds, batch sizes 1, 777, 4096 and 65536 and shard splits 1/1, 2/3\n"
            "  (every third order) and 1/3 by partition (a selection, as a run's shards take;\n"
            "  one-order batches for the first scenario only).\n"
            "  --emulate  only the stage's steps run on the host (needs a CUDA build, no GPU)\n"
            "  --gpu      only the GPU (exit 77, skipped, where none is usable)\n"
            "  exit 0 identical, 1 a difference or an error, 2 usage, 77 skipped\n",
            N_SCENARIOS);
}

int main(int argc, char **argv) {
    int want_emulate = 1, want_gpu = 1, need_gpu = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--emulate") == 0)
            want_gpu = 0;
        else if (strcmp(argv[i], "--gpu") == 0) {
            want_emulate = 0;
            need_gpu = 1;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "engine_check: unknown argument %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    printf("engine_check: GPU stage: %s\n", gpu_stage_build_info());
    if (!gpu_stage_built()) {
        printf("SKIP: %s\n", "this build has no GPU stage to compare (configure with SHOPSTREAM_CUDA=ON)");
        return EXIT_SKIP;
    }
    char info[256];
    if (want_gpu && gpu_stage_probe(info, sizeof info) != 0) {
        printf("%s: no usable GPU: %s\n", need_gpu ? "SKIP" : "note", info);
        if (need_gpu) return EXIT_SKIP;
        want_gpu = 0;
    } else if (want_gpu) {
        printf("engine_check: GPU: %s\n", info);
    }

    static const uint64_t seeds[] = { 42, UINT64_C(0x9e3779b97f4a7c15) };
    static const size_t batches[] = { 1, 777, 4096, 65536 };
    static const uint64_t splits[][3] = { { 0, 1, 0 }, { 2, 3, 0 }, { 1, 3, 1 } }; /* shard, shards, by partition */
    int failed = 0, cases = 0;
    for (size_t si = 0; si < N_SCENARIOS; si++)
        for (size_t ei = 0; ei < 2; ei++)
            for (size_t bi = 0; bi < 4; bi++)
                for (size_t hi = 0; hi < 3; hi++) {
                    check_case k = { scenario_names[si], seeds[ei],     batches[bi],
                                     splits[hi][0],      splits[hi][1], (int)splits[hi][2] };
                    /* One-order batches are slow to emulate and prove little
                     * more past the first scenario. */
                    if (k.batch == 1 && si > 0) continue;
                    char label[160], err[512];
                    snprintf(label, sizeof label, "%s seed %#" PRIx64 " batch %zu shard %" PRIu64 "/%" PRIu64 "%s",
                             k.scenario, k.seed, k.batch, k.shard, k.shards, k.by_partition ? " by partition" : "");
                    engine_settings s;
                    settings_for(&k, &s);
                    engine *e;
                    if (engine_new(&s, &e, err, sizeof err) != 0) {
                        printf("FAIL %s: %s\n", label, err);
                        failed++;
                        continue;
                    }
                    totals te = { 0, 0 }, tg = { 0, 0 };
                    int bad = 0;
                    if (want_emulate) bad |= check_emulated(e, &k, label, &te) != 0;
                    if (want_gpu && !bad) bad |= check_gpu(e, &k, label, &tg) != 0;
                    if (!bad && (want_emulate ? te.orders : tg.orders) == 0) {
                        printf("FAIL %s: no orders compared\n", label);
                        bad = 1;
                    }
                    if (!bad)
                        printf("ok   %-56s %8" PRIu64 " orders %8" PRIu64 " items: cpu = %s\n", label,
                               want_emulate ? te.orders : tg.orders, want_emulate ? te.items : tg.items,
                               want_emulate && want_gpu ? "emulated = gpu"
                               : want_emulate           ? "emulated"
                                                        : "gpu");
                    failed += bad;
                    cases++;
                    engine_free(e);
                }
    printf("engine_check: %d of %d cases byte-identical in all %d columns (%s)\n", cases - failed, cases, BATCH_COLUMNS,
           want_emulate && want_gpu ? "emulated and gpu"
           : want_emulate           ? "emulated"
                                    : "gpu");
    return failed ? 1 : 0;
}
