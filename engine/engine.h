/* SPDX-License-Identifier: Apache-2.0 */
/* engine.h - the shop simulation: settings in, columnar batches of orders out.
 *
 * An engine is built once from engine_settings (catalog, slice plan, integer
 * thresholds) and is immutable after that, so any number of threads may call
 * engine_fill() at once. Order g (0-based global index) has order_id g + 1
 * and is a pure function of (settings, g): batches may be filled in any
 * order, by any thread, in any size, and hold the same orders.
 *
 * This library needs libc, libm (planning) and pthreads (pool.h) only; it
 * knows nothing of Kafka or Avro. */
#ifndef SHOPSTREAM_ENGINE_H
#define SHOPSTREAM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "catalog.h"
#include "delivery.h"
#include "lifecycle.h"
#include "order_gen.h"
#include "plan.h"
#include "settings.h"

typedef struct engine engine;

int engine_new(const engine_settings *s, engine **out, char *errstr, size_t errlen);
void engine_free(engine *e);

const engine_settings *engine_get_settings(const engine *e);
const catalog *engine_get_catalog(const engine *e);
const plan *engine_get_plan(const engine *e);
/* What the order generator reads (the GPU stage uploads it). */
const order_model *engine_get_model(const engine *e);
/* What lifecycle_of reads; NULL when lifecycles are off. */
const life_model *engine_get_life_model(const engine *e);
/* Which fact messages are late or doubled (delivery.h). */
const delivery_model *engine_get_delivery(const engine *e);

/* Fills b with orders first, first + stride, ... (count of them) and their
 * items; count must not exceed b->capacity, and the last index must be below
 * the plan's total. (A stride above 1 takes every N-th order: engine_check
 * compares the GPU stage on such splits; a run's shards use a selection.) */
void engine_fill(const engine *e, uint64_t first, uint64_t stride, size_t count, order_batch *b);

/* Which orders a shard generates when it is not every N-th: those g for
 * which owns(ctx, g) is non-zero (the producer's test: does order g's key
 * fall in one of this shard's partitions). owns must be a pure function of
 * g, callable from any thread at once. */
typedef struct engine_selection {
    int (*owns)(void *ctx, uint64_t g);
    void *ctx;
} engine_selection;

/* Fills b with the orders g in [first, first + span) that sel owns, in
 * order; span must not exceed b->capacity nor run past the plan's total. */
void engine_fill_selected(const engine *e, uint64_t first, size_t span, const engine_selection *sel, order_batch *b);

/* Keeps, in place and in order, the orders of b that sel owns, with their
 * items; b was filled with stride 1 from b->first_index (by a filler that
 * cannot select, such as the GPU stage). The bytes kept are those
 * engine_fill_selected would have written. */
void engine_keep_selected(const engine_selection *sel, order_batch *b);

/* How many of the orders [0, total) sel owns. */
uint64_t engine_count_selected(const engine *e, const engine_selection *sel);

#endif
