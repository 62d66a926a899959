/* SPDX-License-Identifier: Apache-2.0 */
/* calendar.h - encoded messages waiting for their place in the stream.
 *
 * The publishing thread's own (not locked). A message's place is its
 * (release_ms, tie) key (msgbatch.h); the calendar hands them back in that
 * order, each a copy of the bytes, so the ring slot it came from can be
 * reused at once. A binary min-heap of keys pointing at the copies.
 *
 * Its size is what bounded memory costs here: the events of every order
 * whose life is still going on, plus the late and duplicate copies not yet
 * due; calendar_peak reports the most it held. */
#ifndef SHOPSTREAM_CALENDAR_H
#define SHOPSTREAM_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "msgbatch.h"

typedef struct pending_msg {
    msg_ref ref;   /* value_off unused: the value follows */
    char value[];
} pending_msg;

typedef struct calendar_node {
    int64_t release_ms;
    uint64_t tie;
    pending_msg *msg;
} calendar_node;

typedef struct calendar {
    calendar_node *heap;
    size_t n, cap;
    size_t peak;          /* the most messages it held at once */
    size_t bytes, peak_bytes;
} calendar;

/* A copy of r (its value at arena + r->value_off) into c; -1 when out of memory. */
int calendar_push(calendar *c, const msg_ref *r, const char *arena);

/* Whether the earliest message comes before (release_ms, tie). */
static inline int calendar_before(const calendar *c, int64_t release_ms, uint64_t tie) {
    if (c->n == 0) return 0;
    const calendar_node *h = &c->heap[0];
    return h->release_ms < release_ms || (h->release_ms == release_ms && h->tie < tie);
}

/* The earliest message, or NULL; valid until the next push or pop. */
static inline const pending_msg *calendar_peek(const calendar *c) { return c->n ? c->heap[0].msg : NULL; }

/* Drops the earliest message. */
void calendar_pop(calendar *c);

void calendar_free(calendar *c);

#endif
