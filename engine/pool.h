/* SPDX-License-Identifier: Apache-2.0 */
/* pool.h - generator threads filling a bounded ring of batches, in order.
 *
 * Threads take batch numbers from a shared counter and fill them with
 * engine_fill() (or the filler the options name); the consumer takes them back strictly in sequence. Batch s
 * goes to ring slot s % slots and may start only once batch s - slots has
 * been released, so a slow consumer stops the generators: memory is the ring
 * and nothing more (docs/design.md#bounded-memory).
 *
 * Locks: the pool's one mutex (pool.c's `lock`) guards the counters
 * (next_fill, next_take), stop, error, the thread-time sums and each slot's
 * full_seq, turn and busy. A slot's batch is written without it by the one
 * thread that set busy, and read by the consumer once full_seq says it is
 * full; on_filled runs in that thread, on that batch, unlocked. The
 * options, threads and slots array are the creating thread's: set before
 * the threads start, read only after. */
#ifndef SHOPSTREAM_POOL_H
#define SHOPSTREAM_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "engine.h"

/* Called by a generator thread right after it fills a batch, with the
 * thread's number (0 .. threads - 1) and the batch's ring slot: a consumer
 * can do per-batch work (encoding, say) in parallel there, in memory it keeps
 * per slot. The engine does not know what it does. */
typedef void (*gen_pool_filled_fn)(void *ctx, size_t thread, size_t slot, const order_batch *b);

/* Who fills the batches: the CPU engine (engine_fill) unless the options
 * name another, such as the GPU stage. fill runs on generator thread
 * `thread` and returns 0, or -1 with a line in errstr, which stops the pool
 * (gen_pool_error). alloc_block/free_block give the ring's batch memory
 * (pinned memory, for a GPU); NULL: ordinary memory. */
typedef struct gen_pool_filler {
    int (*fill)(void *ctx, size_t thread, uint64_t first, uint64_t stride, size_t count, order_batch *b, char *errstr,
                size_t errlen);
    void *(*alloc_block)(void *ctx, size_t bytes);
    void (*free_block)(void *ctx, void *block);
    void *ctx;
} gen_pool_filler;

typedef struct gen_pool_options {
    size_t threads;      /* generator threads, >= 1 */
    size_t batch_orders; /* orders per batch, >= 1 */
    size_t ring_slots;   /* batches in flight, >= 1 */
    uint64_t first;      /* orders first, first + stride, ... (count of them); */
    uint64_t stride;     /* >= 1. Runs use 1: a shard selects its orders with
                          * select below (shard_owns, by partition), not by
                          * stride; only tests/engine_check's
                          * splits use more. */
    uint64_t count;
    /* Or, when select is set: batch s spans the orders [s * batch_orders,
     * (s + 1) * batch_orders) of [0, count) and holds those select owns
     * (engine_fill_selected, or a filler's whole span then
     * engine_keep_selected; first and stride unused). */
    const engine_selection *select;
    gen_pool_filled_fn on_filled; /* may be NULL */
    void *ctx;
    const gen_pool_filler *filler; /* NULL: the CPU engine */
    /* How far below the creating thread's priority the generator threads
     * run (nice, per thread on Linux; capped at 19; elsewhere ignored), so
     * that a consumer sharing a core with one goes first: 0, the same. */
    int lower_priority;
} gen_pool_options;

typedef struct gen_pool gen_pool;

int gen_pool_new(const engine *e, const gen_pool_options *o, gen_pool **out, char *errstr, size_t errlen);

/* The next batch in sequence, waiting for it; NULL once every batch has been
 * taken, or after gen_pool_stop(). */
const order_batch *gen_pool_next(gen_pool *p);

/* The ring slot a batch from gen_pool_next() sits in (see gen_pool_filled_fn). */
size_t gen_pool_slot(const gen_pool *p, const order_batch *b);

/* Hands a batch from gen_pool_next() back (in any order). */
void gen_pool_release(gen_pool *p, const order_batch *b);

/* Why the pool stopped early: a filler's error; NULL if none failed. Valid
 * once gen_pool_next() has returned NULL. */
const char *gen_pool_error(gen_pool *p);

/* Thread seconds, summed over the threads, spent filling batches and in
 * on_filled (encoding, for a run) so far. */
void gen_pool_times(gen_pool *p, double *fill_s, double *filled_s);

/* Asks the threads to stop after the batch they are filling. */
void gen_pool_stop(gen_pool *p);

/* Stops, joins the threads and frees the ring. */
void gen_pool_free(gen_pool *p);

#endif
