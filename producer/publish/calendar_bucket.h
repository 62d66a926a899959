/* SPDX-License-Identifier: Apache-2.0 */
/* calendar_bucket.h - the calendar's memory (calendar.h), private to
 * calendar*.c: arrays that double, the buckets' blocks of copies and their
 * free list, and the count of what is allocated (c->alloc, peak_alloc) that
 * every allocation and free here keeps true. Publishing thread only, like
 * the calendar. */
#ifndef SHOPSTREAM_CALENDAR_BUCKET_H
#define SHOPSTREAM_CALENDAR_BUCKET_H

#include "calendar.h"

/* What the calendar keeps allocated, its spill's buffers too. */
size_t calendar_total_alloc(const calendar *c);

/* Counts a change of what the calendar keeps allocated (peak_alloc too). */
void calendar_allocated(calendar *c, size_t before, size_t after);

/* Keeps peak_alloc at the most the calendar and its spill kept allocated. */
void calendar_note_peak(calendar *c);

/* Grows *p to hold need units (first, then doubling), counted. -1: out of
 * memory (*p unchanged). */
int calendar_grow(calendar *c, void **p, size_t *cap, size_t need, size_t unit, size_t first);

/* Appends a node for r and a copy of it (size bytes: its pending_msg, its
 * value at value, rounded up to 8) to b, unordered. -1: out of memory. */
int calendar_bucket_append(calendar *c, calendar_bucket *b, const msg_ref *r, const char *value, size_t size);

/* Appends a node for m, keyed (release_ms, tie), a record that stays where
 * it is (a held block's; not read here), to b, unordered. -1: out of
 * memory. */
int calendar_bucket_add(calendar *c, calendar_bucket *b, int64_t release_ms, uint64_t tie, pending_msg *m);

/* b's messages dropped: its nodes' array and its last (largest) block are
 * kept for what comes next, its earlier blocks given back. */
void calendar_bucket_empty(calendar *c, calendar_bucket *b);

/* Everything b has given back (blocks to the free list while it has room),
 * b zeroed. */
void calendar_bucket_release(calendar *c, calendar_bucket *b);

/* The free list's blocks freed (calendar_free). */
void calendar_blocks_free(calendar *c);

/* Held blocks, adopted and spare, freed (calendar_free). */
void calendar_held_free(calendar *c);

#endif
