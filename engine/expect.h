/* SPDX-License-Identifier: Apache-2.0 */
/* expect.h - what a correct consumer of a run computes, tallied from the
 * engine without encoding or Kafka (`shopstream expect`).
 *
 * A tally holds, per tumbling event-time window (aligned to the epoch, as
 * Flink and Kafka Streams align them: window k is [k*size, (k+1)*size)),
 * the figures of every order placed in it, of every life event (payment,
 * shipment) that happens in it before the run's end, and of the late and
 * duplicate deliveries of its messages; for the whole run, the units sold
 * per product. Each batch adds to one tally, so threads keep a tally each
 * and merge them at the end: sums, so the result does not depend on how
 * the orders were cut or shared out.
 *
 * Invariants: every order of the batches added is counted in exactly one
 * window (its event time's), every life event too (the event's time); a
 * message delivered late counts as dropped for watermark delay W when it is
 * released at or after its window's end plus W, that is when a job whose
 * watermark trails the latest event time released by W has closed its
 * window before it arrives (exact for a partition that carries an event
 * in every millisecond; an upper bound otherwise). The orders and
 * order_items tables change by the same events, each in its time's window
 * (docs/guide/changelog.md#what-a-materialized-view-must-hold). */
#ifndef SHOPSTREAM_EXPECT_H
#define SHOPSTREAM_EXPECT_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "domain.h"
#include "engine.h"
#include "lifecycle.h"
#include "tables.h"

#define EXPECT_WATERMARKS_MAX 8

/* Time from an order to its shipped event, counted in the shipped event's
 * window: under 12 h, 12-24 h, 24-48 h, 48 h or more. */
enum expect_ship_bucket { SHIP_UNDER_12H, SHIP_12_24H, SHIP_24_48H, SHIP_48H_PLUS, SHIP_BUCKET_COUNT };
extern const char *const expect_ship_bucket_names[SHIP_BUCKET_COUNT];

typedef struct expect_window {
    int64_t orders, revenue_cents, discount_cents, items, units; /* revenue: total_cents of paid orders */
    int64_t by_status[STATUS_COUNT], by_channel[CHANNEL_COUNT], by_region[REGION_COUNT];
    int64_t by_method[PAYMENT_COUNT], failed_by_method[PAYMENT_COUNT];        /* failed: status payment_failed */
    int64_t items_by_channel[CHANNEL_COUNT], units_by_channel[CHANNEL_COUNT]; /* the order's channel */
    int64_t items_by_category[CATEGORY_COUNT], units_by_category[CATEGORY_COUNT];
    int64_t revenue_by_category[CATEGORY_COUNT];                 /* line totals of paid orders */
    int64_t payments[PAY_STATUS_COUNT], retries, refunded_cents; /* retries: second attempts */
    int64_t shipments[SHIP_STATUS_COUNT], time_to_ship[SHIP_BUCKET_COUNT];
    int64_t late, duplicates;               /* fact messages of the window's event times */
    int64_t dropped[EXPECT_WATERMARKS_MAX]; /* late ones released after window end + W */
    /* The tables (tables.h) changed by the window's changes: rows inserted
     * less rows deleted, and per status the orders that entered it less
     * those that left, with their total_cents. Summed over the windows up
     * to k, the state at window k's end. */
    int64_t row_orders, row_items;
    int64_t row_status[ROW_STATUS_COUNT], row_status_cents[ROW_STATUS_COUNT];
} expect_window;

typedef struct expect_tally {
    int64_t window_ms, origin_ms; /* origin: the first window's start */
    size_t n_windows;
    expect_window *windows;
    int64_t watermarks_ms[EXPECT_WATERMARKS_MAX];
    size_t n_watermarks;
    int64_t *product_units; /* units sold per product (index id - 1) */
    size_t n_products;
    int64_t life_events;
} expect_tally;

/* A tally for e's run in windows of window_ms (>= 1), counting drops for
 * each of the n watermark delays (n <= EXPECT_WATERMARKS_MAX). -1 when out
 * of memory. */
int expect_tally_init(expect_tally *t, const engine *e, int64_t window_ms, const int64_t *watermarks_ms,
                      size_t n_watermarks);

/* Adds batch b's orders, their items, their lives and their delivery. */
void expect_add_batch(expect_tally *t, const engine *e, const order_batch *b);

/* Adds from into into (tallies of the same run and windows). */
void expect_merge(expect_tally *into, const expect_tally *from);

/* The sum of every window, into *total. */
void expect_total(const expect_tally *t, expect_window *total);

void expect_tally_free(expect_tally *t);

#endif
