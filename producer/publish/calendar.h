/* SPDX-License-Identifier: Apache-2.0 */
/* calendar.h - encoded messages waiting for their place in the stream.
 *
 * The publishing thread's own (not locked). A message's place is its
 * (release_ms, tie) key (msgbatch.h); the calendar hands them back in that
 * order, each a copy of the bytes, so the ring slot it came from can be
 * reused at once.
 *
 * A bucket queue: simulated time is cut into buckets of CALENDAR_BUCKET_MS,
 * and a ring of CALENDAR_BUCKETS of them covers the next ~50 simulated days.
 * A message due in a later bucket is appended to it (its node and its bytes,
 * no allocation once the bucket has grown). A bucket's bytes are a chain of
 * blocks, each twice the last (a power of two, from huge-page regions:
 * block_pool.h) up to CALENDAR_BLOCK_MAX, never moved once written (a
 * node points at its copy), and full-sized blocks of spent
 * buckets wait on a free list (up to CALENDAR_FREE_BLOCKS) for the next
 * bucket that grows: no copy to grow, and no fresh pages while what the
 * calendar holds stays level. When the calendar reaches a
 * bucket it sorts it (a radix sort on the time within the bucket, then the
 * tie) and hands its messages out in turn. A message pushed for the current
 * bucket or an earlier one goes to a small heap, `soon`, and one beyond the
 * ring's reach to the far heap (a copy of its own); the earliest of the
 * three heads is next. A
 * spent bucket's buffers go to the next bucket that starts filling (up to
 * CALENDAR_SPARES of them wait), so memory follows what is held, not what
 * passed through.
 * Invariant: every node of ring bucket b has release_ms / CALENDAR_BUCKET_MS
 * == b, and cur < b < cur + CALENDAR_BUCKETS; `now` is bucket cur, sorted,
 * from now_head on; `soon` holds what was pushed for buckets up to cur.
 *
 * Held blocks (below) keep what falls due in the next half hour where a
 * generator thread wrote it: the ring's nodes point into them.
 *
 * Its size is what bounded memory costs here: the events of every order
 * whose life is still going on, plus the late and duplicate copies not yet
 * due; peak and peak_bytes report the most it held, peak_alloc the most it
 * kept allocated for it (what is resident).
 *
 * That grows with rate x an order's life (25 days), so with a spill
 * (calendar_spill_to) the far future goes to disk: while what the calendar
 * keeps allocated exceeds `hold`, a message due beyond the hot horizon
 * (CALENDAR_HOT_BUCKETS after cur) is appended to its spill segment
 * (CALENDAR_SEGMENT_BUCKETS buckets) instead of its ring bucket, as a
 * compact record (spill_record.h: its times against the segment's start,
 * no msg_ref, no padding), and each
 * segment comes back into the ring, whole, when its first bucket enters the
 * horizon; the order messages are handed back in is the same.
 * Invariant: every spilled message's segment is after `loaded`, and
 * (loaded + 1) * CALENDAR_SEGMENT_BUCKETS > cur + CALENDAR_HOT_BUCKETS. */
#ifndef SHOPSTREAM_CALENDAR_H
#define SHOPSTREAM_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "encode/msgbatch.h"
#include "block_pool.h"
#include "spill.h"

#define CALENDAR_BUCKET_MS 65536    /* about a minute */
#define CALENDAR_BUCKETS 65536      /* x CALENDAR_BUCKET_MS: 49.7 days ahead */
#define CALENDAR_SPARES 4           /* spent buckets' buffers kept for reuse */
#define CALENDAR_FIRST_NODES 2      /* a bucket's first nodes, doubled as it fills */
#define CALENDAR_FIRST_BYTES 128    /* and its first block's bytes, doubled block by block (powers of 2) */
#define CALENDAR_BLOCK_MAX 65536    /* up to this (a larger copy gets a block of its own size) */
#define CALENDAR_FREE_BLOCKS 256    /* spent full-sized blocks kept for reuse: 16 MiB */
#define CALENDAR_SEGMENT_BUCKETS 16 /* a spill segment: ~17.5 simulated minutes */
#define CALENDAR_HOT_BUCKETS 32     /* never spilled: what falls due within ~35 minutes */
#define CALENDAR_HELD_SPARES 16     /* spent held blocks kept for the batches to come */

_Static_assert(CALENDAR_BUCKETS / CALENDAR_SEGMENT_BUCKETS == SPILL_SEGMENTS, "a spill slot per ring segment");
_Static_assert(CALENDAR_HOT_BUCKETS >= CALENDAR_SEGMENT_BUCKETS, "a segment comes back before its first bucket");

/* A message's key and its copy: in a block of its bucket, or (in the far
 * heap) its own allocation. */
typedef struct calendar_node {
    int64_t release_ms;
    uint64_t tie;
    pending_msg *msg;
} calendar_node;

/* A block of records (msgbatch.h's `held`) taken in place, kept until
 * everything due before until_ms is out. */
typedef struct calendar_held {
    char *block;
    size_t cap;
    int64_t until_ms;
} calendar_held;

/* Copies, appended; a block never moves. */
typedef struct calendar_block {
    struct calendar_block *next; /* the bucket's earlier block, or the next free one */
    size_t cap;                  /* bytes in data */
    _Alignas(8) char data[];
} calendar_block;

/* Messages (nodes) and their copies (blocks), appended. */
typedef struct calendar_bucket {
    calendar_node *nodes;
    size_t n, cap;
    calendar_block *block; /* the one appended to, the bucket's earlier ones behind it; NULL: none yet */
    size_t used;           /* bytes used in block */
} calendar_bucket;

typedef struct calendar {
    calendar_bucket *ring; /* CALENDAR_BUCKETS, allocated on the first push */
    calendar_bucket now;   /* the current bucket, sorted; its next message at now_head */
    size_t now_head;
    calendar_bucket soon;   /* pushed for the current bucket or before: a heap */
    calendar_node *scratch; /* the radix sort's second array */
    size_t scratch_cap;
    int64_t cur;        /* the current bucket's number (release_ms / CALENDAR_BUCKET_MS) */
    size_t in_ring;     /* messages in ring buckets */
    calendar_node *far; /* beyond the ring: a heap of their own copies */
    size_t n_far, far_cap;
    calendar_bucket spares[CALENDAR_SPARES]; /* empty, with their capacity */
    size_t n_spares;
    calendar_block *free_blocks; /* spent blocks of CALENDAR_BLOCK_MAX bytes */
    size_t n_free_blocks;
    block_pool pool;          /* where blocks of CALENDAR_FIRST_BYTES to CALENDAR_BLOCK_MAX come from (block_pool.h) */
    size_t n;                 /* messages held, everywhere */
    size_t peak;              /* the most messages it held at once */
    size_t bytes, peak_bytes; /* the messages' bytes */
    size_t alloc, peak_alloc; /* what the calendar keeps allocated: buckets, the ring, the far heap
                                 (peak_alloc: and the spill's buffers) */
    spill *spill;             /* where the far future may go; NULL: nowhere */
    size_t hold;              /* spill while what is allocated exceeds it */
    int64_t loaded;           /* spill segments up to this one are back in the ring */
    size_t spilled;           /* messages in the spill */
    int spill_errno;          /* why the spill failed, when it did (0: it did not) */
    calendar_held *held;      /* adopted blocks, a FIFO by until_ms: [held_head, held_head + n_held) mod held_cap */
    size_t held_head, n_held, held_cap;
    calendar_held held_spares[CALENDAR_HELD_SPARES]; /* spent, for calendar_take_held_spare */
    size_t n_held_spares;
} calendar;

/* From now on, c may keep what falls due beyond its horizon in s (opened,
 * owned by the caller, outliving c's use) while it keeps more than hold
 * bytes allocated. Before the first push. */
void calendar_spill_to(calendar *c, spill *s, size_t hold);

/* A copy of r (its value at arena + r->value_off) into c; -1 when out of
 * memory or the spill failed (spill_errno says why). */
int calendar_push(calendar *c, const msg_ref *r, const char *arena);

/* Held blocks (msgbatch.h): a generator thread wrote the messages due in
 * the next half hour as pending_msg records into a block; the calendar's
 * nodes point at them where they are, no copy (a record that goes to the
 * spill or beyond the ring is copied as calendar_push copies).
 * calendar_push_held takes one record, by its entry in the batch's index
 * (-1 as calendar_push);
 * calendar_adopt then takes its block (cap bytes, malloc'd), whose records
 * are all due before until_ms, until calendar_release_before says
 * everything before until_ms is out (the spent block waits among the
 * spares, or is freed); calendar_take_held_spare hands a spare back for a
 * batch to fill (NULL, *cap 0: none). Adopted blocks and spares count in
 * what the calendar keeps allocated. */
int calendar_push_held(calendar *c, char *block, const held_entry *e);
int calendar_adopt(calendar *c, char *block, size_t cap, int64_t until_ms);
void calendar_release_before(calendar *c, int64_t release_ms);
char *calendar_take_held_spare(calendar *c, size_t *cap);

/* Whether the earliest message comes before (release_ms, tie): 1 or 0;
 * moves to the next bucket when the current one is spent and it may hold
 * one (-1: out of memory sorting it, or a spill segment not read back). */
int calendar_before(calendar *c, int64_t release_ms, uint64_t tie);

/* The earliest message, after calendar_before said there is one before
 * some key; valid until the next push or pop. */
const pending_msg *calendar_peek(const calendar *c);

/* Drops the earliest message (the one calendar_peek returned). */
void calendar_pop(calendar *c);

void calendar_free(calendar *c);

#endif
