/* SPDX-License-Identifier: Apache-2.0 */
/* order_gen.h - one order and its items from the order's global index.
 *
 * The heart of the engine, written once for both engines: engine.c compiles
 * it for the CPU, engine/gpu/gpu_stage.cu for the GPU (see portable.h).
 * Everything it reads is in an order_model: plain values and pointers to
 * the catalog's tables, host pointers for the CPU and device pointers for
 * the GPU, with the same layout and the same values.
 *
 * Per order g: draw (g, STREAM_ORDER_A) picks customer (its heir, when
 * its account is closed by the order's time: catalog.h), channel, payment
 * method and status; (g, STREAM_ORDER_B) the arrival within its slice, the
 * item count and campaign uptake; (g, STREAM_ORDER_C), drawn only in slices
 * where a scenario shifts something, the cohort and channel shifts and
 * payment failures; (g, STREAM_ITEM + line) each line's product, quantity
 * and focus, with sub 1, 2, ... re-picking the product while the one drawn
 * is out of stock at the order's time (after ORDER_GEN_STOCK_TRIES, the
 * next product in id order that is in stock). The unit price is the
 * product version's at the order's time. Integer arithmetic only.
 *
 * ORDER_GEN_DRAW is the Philox draw: philox_draw (philox.h) unless the
 * includer names another with the same counter and key layout, as the GPU
 * stage does with cuRAND's curand_Philox4x32_10. */
#ifndef SHOPSTREAM_ORDER_GEN_H
#define SHOPSTREAM_ORDER_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "catalog.h"
#include "domain.h"
#include "mix.h"
#include "philox.h"
#include "plan.h"
#include "portable.h"
#include "streams.h"

#ifndef ORDER_GEN_DRAW
#define ORDER_GEN_DRAW philox_draw
#endif

/* What the generator reads, and nothing else. */
typedef struct order_model {
    philox_key key;
    const customer *customers;
    uint32_t n_customers;
    const uint32_t *by_cohort[COHORT_COUNT];
    uint32_t n_by_cohort[COHORT_COUNT];
    const product *products;
    uint32_t n_products;
    const product_version *versions; /* catalog.versions: price and stock over time */
    alias_table popularity;
    alias_table category_popularity[CATEGORY_COUNT];
    const campaign *campaigns;
    uint32_t n_campaigns;
    const plan_slice *slices;
    uint32_t n_slices;
    mix channel[COHORT_COUNT];
    mix payment;
    mix status;
    mix items;
    mix quantity;
} order_model;

/* The slice holding order g: the last whose first <= g. */
ENGINE_HD static inline uint32_t order_gen_slice(const order_model *m, uint64_t g) {
    uint32_t lo = 0, hi = m->n_slices;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->slices[mid].first <= g)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The campaign an order at t by this cohort may use: the scenario's first
 * (they come last in the table), then the random ones; NULL if none runs. */
ENGINE_HD static inline const campaign *order_gen_campaign_at(const order_model *m, int64_t t, uint8_t cohort) {
    for (uint32_t i = m->n_campaigns; i-- > 0;) {
        const campaign *k = &m->campaigns[i];
        if (t >= k->start_ms && t < k->end_ms && (k->target_cohort < 0 || k->target_cohort == cohort)) return k;
    }
    return NULL;
}

ENGINE_HD static inline const customer *order_gen_customer(const order_model *m, const slice_effects *fx, philox_ctr a,
                                                           philox_ctr x) {
    if (fx->cohort && x.v[0] < fx->cohort && m->n_by_cohort[fx->cohort_id] > 0) {
        const uint32_t *ids = m->by_cohort[fx->cohort_id];
        return &m->customers[ids[philox_below(x.v[1], m->n_by_cohort[fx->cohort_id])]];
    }
    return &m->customers[philox_below(a.v[0], m->n_customers)];
}

ENGINE_HD static inline const product *order_gen_product(const order_model *m, const slice_effects *fx, philox_ctr q) {
    if (fx->focus && q.v[3] < fx->focus) {
        if (fx->focus_product >= 0) return &m->products[fx->focus_product];
        int64_t j = alias_pick(&m->category_popularity[fx->focus_category], q.v[0], q.v[1]);
        if (j >= 0) return &m->products[j];
    }
    return &m->products[alias_pick(&m->popularity, q.v[0], q.v[1])];
}

#define ORDER_GEN_STOCK_TRIES 8

/* A product in stock at t for line `line` of order g (see above); the one
 * drawn first if none is in stock at all. */
ENGINE_HD static inline const product *order_gen_in_stock(const order_model *m, const slice_effects *fx, uint64_t g,
                                                          unsigned line, philox_ctr q, int64_t t,
                                                          const product_version **version) {
    const product *p = order_gen_product(m, fx, q);
    const product_version *v = product_version_at(m->versions, p, t);
    for (uint32_t a = 1; !v->in_stock && a < ORDER_GEN_STOCK_TRIES; a++) {
        p = order_gen_product(m, fx, ORDER_GEN_DRAW(m->key, g, STREAM_ITEM + line, a));
        v = product_version_at(m->versions, p, t);
    }
    for (uint32_t j = 1; !v->in_stock && j < m->n_products; j++) {
        p = &m->products[((uint32_t)(p->id - 1) + 1u) % m->n_products];
        v = product_version_at(m->versions, p, t);
    }
    *version = v;
    return p;
}

/* How many items order g has (what order_gen_fill will write), alone: the
 * GPU counts first, to know where each order's items go. */
ENGINE_HD static inline unsigned order_gen_item_count(const order_model *m, uint64_t g) {
    philox_ctr r = ORDER_GEN_DRAW(m->key, g, STREAM_ORDER_B, 0);
    return 1u + (unsigned)mix_draw(&m->items, r.v[1]);
}

/* Order g of slice sl into row k of b, its items from row item0; returns
 * the item count. */
ENGINE_HD static inline unsigned order_gen_fill(const order_model *m, uint64_t g, const plan_slice *sl, order_batch *b,
                                                size_t k, size_t item0) {
    const slice_effects *fx = &sl->fx;
    philox_ctr a = ORDER_GEN_DRAW(m->key, g, STREAM_ORDER_A, 0);
    philox_ctr r = ORDER_GEN_DRAW(m->key, g, STREAM_ORDER_B, 0);
    philox_ctr x = { { 0, 0, 0, 0 } };
    if (sl->any_fx) x = ORDER_GEN_DRAW(m->key, g, STREAM_ORDER_C, 0);

    const customer *cu = order_gen_customer(m, fx, a, x);
    /* Stratified arrival: order i of n lands in [i, i + 1) * len / n, so
     * event times never decrease with the order id. */
    uint64_t i = g - sl->first, n = sl->count, len = (uint64_t)sl->len_ms;
    int64_t t = sl->start_ms + (int64_t)((i * len + (((uint64_t)r.v[0] * len) >> 32)) / n);
    if (t >= cu->closed_ms) cu = &m->customers[cu->heir]; /* a closed account orders no more */

    const campaign *camp = order_gen_campaign_at(m, t, cu->cohort);
    if (camp && r.v[2] >= camp->uptake) camp = NULL;

    unsigned items = 1u + (unsigned)mix_draw(&m->items, r.v[1]);
    int64_t subtotal = 0, discount = 0;
    for (unsigned line = 0; line < items; line++) {
        philox_ctr q = ORDER_GEN_DRAW(m->key, g, STREAM_ITEM + line, 0);
        const product_version *v;
        const product *p = order_gen_in_stock(m, fx, g, line, q, t, &v);
        int64_t qty = 1 + mix_draw(&m->quantity, q.v[2]);
        int64_t gross = qty * v->price_cents, off = 0;
        if (camp && (camp->target_category < 0 || camp->target_category == p->category))
            off = gross * camp->discount_pct / 100;
        size_t j = item0 + line;
        b->item_product_id[j] = p->id;
        b->item_unit_price_cents[j] = v->price_cents;
        b->item_quantity[j] = (uint8_t)qty;
        b->item_discount_cents[j] = off;
        b->item_line_total_cents[j] = gross - off;
        subtotal += gross;
        discount += off;
    }

    int pay = mix_draw(&m->payment, a.v[2]);
    int status = mix_draw(&m->status, a.v[3]);
    if (fx->fail && (fx->fail_methods >> pay & 1u) && x.v[3] < fx->fail) status = STATUS_PAYMENT_FAILED;
    int channel = fx->channel && x.v[2] < fx->channel ? fx->channel_id : mix_draw(&m->channel[cu->cohort], a.v[1]);

    b->order_id[k] = (int64_t)g + 1;
    b->customer_id[k] = cu->id;
    b->event_time_ms[k] = t;
    b->channel[k] = (uint8_t)channel;
    b->payment_method[k] = (uint8_t)pay;
    b->status[k] = (uint8_t)status;
    b->item_count[k] = (uint8_t)items;
    b->subtotal_cents[k] = subtotal;
    b->discount_cents[k] = discount;
    b->total_cents[k] = subtotal - discount;
    b->campaign_id[k] = camp ? camp->id : 0;
    b->first_item[k] = (uint32_t)item0;
    return items;
}

#endif
