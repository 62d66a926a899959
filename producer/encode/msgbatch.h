/* SPDX-License-Identifier: Apache-2.0 */
/* msgbatch.h - the messages of one order batch, encoded off the main thread.
 *
 * The generator pool calls back into the producer right after it fills a
 * batch (gen_pool_filled_fn); the producer encodes the batch there, in
 * parallel, into the msg_batch kept for that ring slot: each order, its
 * items, and (lifecycles on) every event of its life, which it computes
 * from the batch's columns (lifecycle.h). The publishing thread then only
 * hands finished values to the sink.
 *
 * Messages fall in two lists. `msgs` are due at their event time now, in
 * stream order: each order followed by its items. `later` are due at their
 * `release_ms`: the life's events (at their own event times, hours or days
 * on), and whatever delivery.h makes late or sends twice. The publisher
 * keeps `later` in its calendar (calendar.h) until they are due. Both carry
 * the same total order key, (release_ms, tie), so the merged stream does not
 * depend on how orders were cut into batches.
 *
 * A later message due before the batch's frontier (msg_batch_frontier) is
 * handed out before the batch is released whichever list holds it, so with
 * fold_due (msg_context) the encoder moves it into `msgs`, at its place
 * (msg_batch_fold_due): the
 * publisher then hands it out from the arena, with no copy into the
 * calendar. A life's first event (a payment authorized seconds after
 * checkout) mostly is.
 *
 * With hold_ms (msg_context), a later message due at or after the frontier
 * but before frontier_ms + hold_ms is written as a pending_msg record (its
 * msg_ref, then its value) into `held` instead: the publisher's calendar
 * takes the records in place (calendar_push_held) and keeps the block until
 * they are out, so the copy into the calendar is made here, on a generator
 * thread, with the value still in cache (change streams: the order updates
 * of the next half hour).
 * Invariant: `msgs` is in stream order; with fold_due every `later`
 * message is due at or after the frontier, and at or after frontier_ms +
 * hold_ms when held is on; every `held` record between the two. */
#ifndef SHOPSTREAM_MSGBATCH_H
#define SHOPSTREAM_MSGBATCH_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "catalog.h"
#include "delivery.h"
#include "changes.h"
#include "encoder.h"
#include "lifecycle.h"
#include "base/topics.h"

/* Why a message is where it is in the stream. */
enum msg_kind { MSG_ON_TIME, MSG_LATE, MSG_DUPLICATE };

typedef struct msg_ref {
    int64_t key_id; /* the order id; a change event's: its row's id (a tombstone: value_len 0) */
    int64_t timestamp_ms;
    int64_t release_ms; /* its place in the stream: timestamp_ms unless late */
    uint64_t tie;       /* MSG_TIE(g, delivery step) (| 0x80 for a copy): orders equal releases */
    uint32_t value_off; /* into the arena */
    uint32_t value_len;
    uint8_t topic;
    uint8_t kind;      /* enum msg_kind */
    uint16_t key_len;  /* hashed ahead (sink_hash_ahead): its key's length (never 0); 0: the sink hashes it */
    int32_t partition; /* when hashed ahead: the partitioner's pick, or -1 for the sink to pick at hand-off */
    uint64_t hash;     /* when hashed ahead: the message's content hash (digest.h) */
} msg_ref;

/* A message waiting with its value: how the calendar (calendar.h) and
 * `held` keep one, each 8-aligned, taking msg_held_size(value_len) bytes. */
typedef struct pending_msg {
    msg_ref ref; /* value_off unused: the value follows */
    char value[];
} pending_msg;

static inline size_t msg_held_size(size_t value_len) { return (sizeof(pending_msg) + value_len + 7) & ~(size_t)7; }

/* A held record's key and place, listed apart so that the publisher takes
 * the records without reading them (they are in another core's cache). */
typedef struct held_entry {
    int64_t release_ms;
    uint64_t tie;
    uint32_t off; /* into `held` */
    uint32_t value_len;
} held_entry;

#define MSG_TIE(g, step) ((((uint64_t)(g) + (UINT64_C(1) << 24)) << 8) | (uint64_t)(step))
/* A change event (changes.h) ties after its order's event messages of the
 * same time: step | MSG_TIE_CHANGE, step its place among the order's change
 * events (CHANGE_TIE_*). */
#define MSG_TIE_CHANGE 0x40u
#define CHANGE_TIE_ORDER 0u
#define CHANGE_TIE_LINE(line) (1u + (unsigned)(line))
#define CHANGE_TIE_LIFE(step) (5u + (unsigned)(step))              /* step 1-10: 6-15 */
#define CHANGE_TIE_DELETE_LINE(line) (16u + 2u * (unsigned)(line)) /* its tombstone: + 1 */
#define CHANGE_TIE_DELETE_ORDER 26u                                /* its tombstone: 27 */
/* Product versions (run/stream.c) tie by their index in catalog.versions, below
 * every fact's tie: a version valid from t comes before the facts at t. */
#define MSG_TIE_COPY 0x80u
/* Dimension versions tie by kind, then index, below every fact's tie
 * (MSG_TIE's least is 2^32): a product's (index k), a customer's, a
 * product's change event, a customer's change event (2k, its tombstone
 * 2k + 1). */
#define MSG_TIE_CUSTOMER_VERSION (UINT64_C(1) << 30)
#define MSG_TIE_CHANGE_VERSION (UINT64_C(2) << 30)
#define MSG_TIE_CHANGE_CUSTOMER (UINT64_C(3) << 30)

/* What encoding a batch needs beyond the batch: NULL life for no lifecycles. */
typedef struct msg_context {
    const life_model *life;
    const delivery_model *delivery;
    const customer *customers;    /* customer id - 1 -> its record (the region) */
    const change_writer *changes; /* --changelog: the tables' change events too; NULL: none */
    /* Called on each message as it is appended, its value still in cache
     * (the null sink's hash worked out ahead, run/facts.c); NULL: none.
     * It may set the ref's key_len, partition and hash, nothing else. */
    void (*on_message)(void *ctx, msg_ref *r, const char *value);
    void *on_message_ctx;
    int fold_due;    /* later messages due before the frontier go into `msgs` (above); 0: they wait in the calendar */
    int64_t hold_ms; /* later messages due within this of the frontier go to `held` (above); 0: none */
} msg_context;

typedef struct msg_batch {
    msg_ref *msgs;
    size_t n_msgs, cap_msgs;
    msg_ref *later;
    size_t n_later, cap_later;
    msg_ref *due; /* msg_batch_fold_due's: the later messages it moves */
    size_t cap_due;
    char *held; /* pending_msg records back to back (see above); the publisher may swap the block */
    size_t held_used, held_cap, n_held;
    held_entry *held_index; /* n_held of them, in the order written */
    size_t cap_held_index;
    int64_t frontier_ms; /* msg_batch_frontier's, set as encoding starts */
    uint64_t frontier_tie;
    char *arena;
    size_t used, cap_arena;
    uint64_t life_events; /* events of the batch's orders' lives (before the run's end) */
    char error[256];      /* set when a batch could not be encoded */
} msg_batch;

/* Encodes every order, item and life event of b; on failure sets mb->error. */
void msg_batch_encode(msg_batch *mb, encoder *enc, const msg_context *cx, const order_batch *b);

/* The key below which the publisher hands out every message of the calendar
 * once b's messages are out (b not empty): nothing a later batch makes comes
 * earlier (its orders come no earlier than b's last, and all an order makes
 * no earlier than it), so whatever is due before it is out before b is
 * released. */
static inline void msg_batch_frontier(const order_batch *b, int64_t *release_ms, uint64_t *tie) {
    size_t last = b->n_orders - 1;
    *release_ms = b->event_time_ms[last];
    *tie = MSG_TIE((uint64_t)b->order_id[last], 0); /* the next order's least (g = order_id - 1) */
}

/* Moves every `later` message due before (release_ms, tie) into `msgs`, at
 * its place in stream order (see above); 0, or -1 out of memory. */
int msg_batch_fold_due(msg_batch *mb, int64_t release_ms, uint64_t tie);

/* Grows *p (of *cap units of unit bytes) to hold need units: first, then
 * doubling. -1: out of memory (*p unchanged). The batch's lists, arena and
 * held block all grow so. */
int msg_grow(void **p, size_t *cap, size_t need, size_t unit, size_t first);

void msg_batch_free(msg_batch *mb);

#endif
