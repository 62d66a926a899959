/* SPDX-License-Identifier: Apache-2.0 */
/* calendar_order.h - the two orderings the calendar (calendar.h) keeps by
 * stream key (release_ms, then tie): a binary min-heap of nodes, for what
 * arrives for the current bucket and what lies beyond the ring, and the
 * radix sort that puts a ring bucket in order when it becomes current.
 * Pure functions of the nodes given; no allocation. */
#ifndef SHOPSTREAM_CALENDAR_ORDER_H
#define SHOPSTREAM_CALENDAR_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

/* Whether a's key comes before b's. */
static inline int calendar_less(const calendar_node *a, const calendar_node *b) {
    return a->release_ms < b->release_ms || (a->release_ms == b->release_ms && a->tie < b->tie);
}

/* Heap h: node i moved up to its place (after an append at i). */
void calendar_sift_up(calendar_node *h, size_t i);

/* Heap h of n nodes: node i moved down to its place (after the root was replaced). */
void calendar_sift_down(calendar_node *h, size_t n, size_t i);

/* Sorts the n nodes of one bucket, whose times lie in [base, base +
 * CALENDAR_BUCKET_MS), by key: two stable counting passes on the 16 bits of
 * time within the bucket, through scratch (n nodes), then each run of
 * equal times by tie. */
void calendar_sort_nodes(calendar_node *nodes, size_t n, calendar_node *scratch, int64_t base);

#endif
