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
 * no allocation once the bucket has grown); when the calendar reaches a
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
 * Its size is what bounded memory costs here: the events of every order
 * whose life is still going on, plus the late and duplicate copies not yet
 * due; peak and peak_bytes report the most it held, peak_alloc the most it
 * kept allocated for it (what is resident). */
#ifndef SHOPSTREAM_CALENDAR_H
#define SHOPSTREAM_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "encode/msgbatch.h"

#define CALENDAR_BUCKET_MS 65536 /* about a minute */
#define CALENDAR_BUCKETS 65536   /* x CALENDAR_BUCKET_MS: 49.7 days ahead */
#define CALENDAR_SPARES 4        /* spent buckets' buffers kept for reuse */
#define CALENDAR_FIRST_NODES 2   /* a bucket's first nodes, doubled as it fills */
#define CALENDAR_FIRST_BYTES 128 /* and its first bytes */

typedef struct pending_msg {
    msg_ref ref; /* value_off unused: the value follows */
    char value[];
} pending_msg;

/* A message's key and where its copy is: an offset into its bucket's bytes,
 * or (in the far heap) its own allocation. */
typedef struct calendar_node {
    int64_t release_ms;
    uint64_t tie;
    union {
        size_t off;
        pending_msg *msg;
    } at;
} calendar_node;

/* Messages and their bytes, appended. */
typedef struct calendar_bucket {
    calendar_node *nodes;
    size_t n, cap;
    char *bytes;
    size_t used, bytes_cap;
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
    size_t n;                 /* messages held, everywhere */
    size_t peak;              /* the most messages it held at once */
    size_t bytes, peak_bytes; /* the messages' bytes */
    size_t alloc, peak_alloc; /* what the calendar keeps allocated: buckets, the ring, the far heap */
} calendar;

/* A copy of r (its value at arena + r->value_off) into c; -1 when out of memory. */
int calendar_push(calendar *c, const msg_ref *r, const char *arena);

/* Whether the earliest message comes before (release_ms, tie): 1 or 0;
 * moves to the next bucket when the current one is spent and it may hold
 * one (-1: out of memory sorting it). */
int calendar_before(calendar *c, int64_t release_ms, uint64_t tie);

/* The earliest message, after calendar_before said there is one before
 * some key; valid until the next push or pop. */
const pending_msg *calendar_peek(const calendar *c);

/* Drops the earliest message (the one calendar_peek returned). */
void calendar_pop(calendar *c);

void calendar_free(calendar *c);

#endif
