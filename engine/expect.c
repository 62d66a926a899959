/* SPDX-License-Identifier: Apache-2.0 */
/* expect.c - per-window figures of a run, from its batches (see expect.h). */
#include "expect.h"

#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "delivery.h"
#include "simtime.h"

const char *const expect_ship_bucket_names[SHIP_BUCKET_COUNT] = { "under_12h", "12h_to_24h", "24h_to_48h",
                                                                  "48h_or_more" };

/* Floor division for times before 1970 too. */
static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

int expect_tally_init(expect_tally *t, const engine *e, int64_t window_ms, const int64_t *watermarks_ms,
                      size_t n_watermarks) {
    const engine_settings *s = engine_get_settings(e);
    memset(t, 0, sizeof *t);
    t->window_ms = window_ms;
    t->origin_ms = floor_div(s->start_ms, window_ms) * window_ms;
    int64_t end = s->start_ms + s->duration_ms;
    t->n_windows = end > t->origin_ms ? (size_t)floor_div(end - 1 - t->origin_ms, window_ms) + 1 : 0;
    t->n_watermarks = n_watermarks < EXPECT_WATERMARKS_MAX ? n_watermarks : EXPECT_WATERMARKS_MAX;
    memcpy(t->watermarks_ms, watermarks_ms, t->n_watermarks * sizeof *watermarks_ms);
    t->n_products = engine_get_catalog(e)->n_products;
    t->windows = calloc(t->n_windows ? t->n_windows : 1, sizeof *t->windows);
    t->product_units = calloc(t->n_products ? t->n_products : 1, sizeof *t->product_units);
    if (!t->windows || !t->product_units) {
        expect_tally_free(t);
        return -1;
    }
    return 0;
}

/* The window holding time ts, or NULL outside the run. */
static expect_window *window_at(const expect_tally *t, int64_t ts) {
    int64_t k = floor_div(ts - t->origin_ms, t->window_ms);
    return k >= 0 && (size_t)k < t->n_windows ? &t->windows[k] : NULL;
}

/* Message (g, step) of an order placed at order_ms, with event time ts:
 * late, doubled, dropped behind a watermark. */
static void add_delivery(expect_tally *t, const delivery_model *d, uint64_t g, unsigned step, int64_t order_ms,
                         int channel, int64_t ts, expect_window *w) {
    int64_t late, dup;
    delivery_of(d, g, step, order_ms, channel, &late, &dup);
    w->duplicates += dup > 0;
    if (!late) return;
    w->late++;
    int64_t window_end = t->origin_ms + (floor_div(ts - t->origin_ms, t->window_ms) + 1) * t->window_ms;
    for (size_t i = 0; i < t->n_watermarks; i++) w->dropped[i] += ts + late >= window_end + t->watermarks_ms[i];
}

static void add_life(expect_tally *t, const engine *e, const order_batch *b, size_t k) {
    const life_model *m = engine_get_life_model(e);
    const delivery_model *d = engine_get_delivery(e);
    life_order o = life_order_at(b, k, engine_get_catalog(e)->customers);
    life_event ev[LIFE_EVENTS_MAX];
    size_t n = lifecycle_of(m, &o, ev);
    t->life_events += (int64_t)n;
    order_row row = order_row_inserted(o.time_ms);
    for (size_t i = 0; i < n; i++) {
        expect_window *w = window_at(t, ev[i].time_ms);
        if (!w) continue;
        unsigned was = row.status;
        w->row_status[was]--;
        w->row_status_cents[was] -= o.total_cents;
        if (order_row_apply(&row, &ev[i])) {
            w->row_orders--;
            w->row_items -= b->item_count[k];
        } else {
            w->row_status[row.status]++;
            w->row_status_cents[row.status] += o.total_cents;
        }
        if (ev[i].topic == LIFE_PAYMENT) {
            w->payments[ev[i].status]++;
            w->retries += ev[i].attempt == 2 && (ev[i].status == PAY_AUTHORIZED || ev[i].status == PAY_DECLINED);
            if (ev[i].status == PAY_REFUNDED) w->refunded_cents += ev[i].amount_cents;
        } else {
            w->shipments[ev[i].status]++;
            if (ev[i].status == SHIP_SHIPPED) {
                int64_t took = ev[i].time_ms - o.time_ms;
                w->time_to_ship[took < 12 * HOUR_MS ? SHIP_UNDER_12H
                                : took < DAY_MS     ? SHIP_12_24H
                                : took < 2 * DAY_MS ? SHIP_24_48H
                                                    : SHIP_48H_PLUS]++;
            }
        }
        add_delivery(t, d, o.g, DELIVERY_STEP_LIFE + ev[i].step - 1u, o.time_ms, b->channel[k], ev[i].time_ms, w);
    }
}

void expect_add_batch(expect_tally *t, const engine *e, const order_batch *b) {
    const catalog *c = engine_get_catalog(e);
    const delivery_model *d = engine_get_delivery(e);
    for (size_t k = 0; k < b->n_orders; k++) {
        int64_t ts = b->event_time_ms[k];
        expect_window *w = window_at(t, ts);
        if (!w) continue;
        uint64_t g = (uint64_t)b->order_id[k] - 1;
        int paid = b->status[k] == STATUS_PAID;
        w->orders++;
        w->revenue_cents += paid ? b->total_cents[k] : 0;
        w->discount_cents += b->discount_cents[k];
        w->by_status[b->status[k]]++;
        w->by_channel[b->channel[k]]++;
        w->by_region[c->customers[b->customer_id[k] - 1].region]++;
        w->by_method[b->payment_method[k]]++;
        w->failed_by_method[b->payment_method[k]] += b->status[k] == STATUS_PAYMENT_FAILED;
        add_delivery(t, d, g, DELIVERY_STEP_ORDER, ts, b->channel[k], ts, w);
        w->row_orders++;
        w->row_items += b->item_count[k];
        w->row_status[ROW_PLACED]++;
        w->row_status_cents[ROW_PLACED] += b->total_cents[k];
        for (unsigned line = 0; line < b->item_count[k]; line++) {
            size_t i = b->first_item[k] + line;
            int64_t p = b->item_product_id[i] - 1;
            int cat = c->products[p].category;
            w->items++;
            w->units += b->item_quantity[i];
            w->items_by_channel[b->channel[k]]++;
            w->units_by_channel[b->channel[k]] += b->item_quantity[i];
            w->items_by_category[cat]++;
            w->units_by_category[cat] += b->item_quantity[i];
            w->revenue_by_category[cat] += paid ? b->item_line_total_cents[i] : 0;
            t->product_units[p] += b->item_quantity[i];
            add_delivery(t, d, g, DELIVERY_STEP_LINE + line, ts, b->channel[k], ts, w);
        }
        if (engine_get_life_model(e)) add_life(t, e, b, k);
    }
}

/* Adds n int64 counters from `from` to `into`: an expect_window is nothing
 * but int64 counters, so windows add field by field. */
static void add_counters(int64_t *into, const int64_t *from, size_t n) {
    for (size_t i = 0; i < n; i++) into[i] += from[i];
}

_Static_assert(sizeof(expect_window) % sizeof(int64_t) == 0, "an expect_window is int64 counters only");
#define WINDOW_COUNTERS (sizeof(expect_window) / sizeof(int64_t))

void expect_merge(expect_tally *into, const expect_tally *from) {
    for (size_t i = 0; i < into->n_windows && i < from->n_windows; i++)
        add_counters((int64_t *)(void *)&into->windows[i], (const int64_t *)(const void *)&from->windows[i],
                     WINDOW_COUNTERS);
    add_counters(into->product_units, from->product_units, into->n_products);
    into->life_events += from->life_events;
}

void expect_total(const expect_tally *t, expect_window *total) {
    memset(total, 0, sizeof *total);
    for (size_t i = 0; i < t->n_windows; i++)
        add_counters((int64_t *)(void *)total, (const int64_t *)(const void *)&t->windows[i], WINDOW_COUNTERS);
}

void expect_tally_free(expect_tally *t) {
    if (!t) return;
    free(t->windows);
    free(t->product_units);
    t->windows = NULL;
    t->product_units = NULL;
}
