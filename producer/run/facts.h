/* SPDX-License-Identifier: Apache-2.0 */
/* facts.h - the fact stream: the engine, who fills its batches, and the
 * encoders that turn each batch into messages off the publishing thread.
 *
 * facts_init() opens the calendar's spill file in --spill-dir, builds the
 * engine and, when the settled engine is the GPU, opens the GPU stage, so
 * that a directory or a GPU that cannot serve stops the run before anything
 * is published. facts_start() starts the encoders (one per
 * generator thread) and the generator pool, which fills the ring while the
 * dimensions go out. facts_next() then hands over batches in order with
 * their encoded messages, until this shard's orders are done.
 *
 * A sharded run (--shard I/N) generates the orders whose keys fall in the
 * partitions p with p mod N == I, so each partition has one writer and its
 * events stay in event-time order however many shards run. */
#ifndef SHOPSTREAM_FACTS_H
#define SHOPSTREAM_FACTS_H

#include "run_state.h"

int facts_init(run_state *st);
int facts_start(run_state *st);

/* The next batch in order and its messages, or NULL when done (or when the
 * pool failed: facts_stop says so). */
const order_batch *facts_next(run_state *st, msg_batch **messages);
void facts_release(run_state *st, const order_batch *b);

/* Stops the pool; -1 if it failed, with its error in st->errstr when
 * report_error is set (else st->errstr keeps the caller's own). */
int facts_stop(run_state *st, int report_error);

void facts_free(run_state *st);

#endif
