/* engine.c - one order from its global index (see engine.h).
 *
 * Per order: Philox(index, STREAM_ORDER_A) picks customer, channel, payment
 * method and status; Philox(index, STREAM_ORDER_B) the arrival within its
 * slice, the item count and campaign uptake; Philox(index, STREAM_ORDER_C),
 * drawn only in slices where a scenario shifts something, the cohort and
 * channel shifts and payment failures; Philox(index, STREAM_ITEM + line) each
 * line's product, quantity and focus. All integer arithmetic. */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>

#include "mix.h"
#include "philox.h"
#include "streams.h"

struct engine {
    engine_settings settings;
    catalog catalog;
    plan plan;
    philox_key key;
    mix channel[COHORT_COUNT];
    mix payment;
    mix status;
    mix items;
    mix quantity;
};

int engine_new(const engine_settings *s, engine **out, char *errstr, size_t errlen) {
    *out = NULL;
    if (engine_settings_validate(s, errstr, errlen) != 0) return -1;
    engine *e = calloc(1, sizeof *e);
    if (!e) { snprintf(errstr, errlen, "out of memory"); return -1; }
    e->settings = *s;
    e->key = philox_key_from_seed(s->seed);
    if (catalog_build(&e->catalog, s, errstr, errlen) != 0) { free(e); return -1; }
    if (plan_build(&e->plan, s, errstr, errlen) != 0) {
        catalog_free(&e->catalog);
        free(e);
        return -1;
    }
    for (int k = 0; k < COHORT_COUNT; k++) mix_init(&e->channel[k], s->channel_mix[k], CHANNEL_COUNT);
    mix_init(&e->payment, s->payment_mix, PAYMENT_COUNT);
    mix_init(&e->status, s->status_mix, STATUS_COUNT);
    mix_init(&e->items, s->items_mix, ITEMS_MAX);
    mix_init(&e->quantity, s->quantity_mix, QUANTITY_MAX);
    *out = e;
    return 0;
}

void engine_free(engine *e) {
    if (!e) return;
    plan_free(&e->plan);
    catalog_free(&e->catalog);
    free(e);
}

const engine_settings *engine_get_settings(const engine *e) { return &e->settings; }
const catalog *engine_get_catalog(const engine *e) { return &e->catalog; }
const plan *engine_get_plan(const engine *e) { return &e->plan; }

/* The campaign an order at t by this cohort may use: the scenario's first
 * (they come last in the table), then the random ones; NULL if none runs. */
static const campaign *campaign_at(const catalog *c, int64_t t, uint8_t cohort) {
    for (size_t i = c->n_campaigns; i-- > 0;) {
        const campaign *k = &c->campaigns[i];
        if (t >= k->start_ms && t < k->end_ms && (k->target_cohort < 0 || k->target_cohort == cohort))
            return k;
    }
    return NULL;
}

static const customer *pick_customer(const catalog *c, const slice_effects *fx, philox_ctr a, philox_ctr x) {
    if (fx->cohort && x.v[0] < fx->cohort && c->n_by_cohort[fx->cohort_id] > 0) {
        const uint32_t *ids = c->by_cohort[fx->cohort_id];
        return &c->customers[ids[philox_below(x.v[1], (uint32_t)c->n_by_cohort[fx->cohort_id])]];
    }
    return &c->customers[philox_below(a.v[0], (uint32_t)c->n_customers)];
}

static const product *pick_product(const catalog *c, const slice_effects *fx, philox_ctr q) {
    if (fx->focus && q.v[3] < fx->focus) {
        if (fx->focus_product >= 0) return &c->products[fx->focus_product];
        int64_t j = alias_pick(&c->category_popularity[fx->focus_category], q.v[0], q.v[1]);
        if (j >= 0) return &c->products[j];
    }
    return &c->products[alias_pick(&c->popularity, q.v[0], q.v[1])];
}

/* Order g, the i-th of slice sl, into row k of b; its items from row item0. */
static size_t fill_order(const engine *e, uint64_t g, const plan_slice *sl, order_batch *b,
                         size_t k, size_t item0) {
    const catalog *c = &e->catalog;
    const slice_effects *fx = &sl->fx;
    philox_ctr a = philox_draw(e->key, g, STREAM_ORDER_A, 0);
    philox_ctr r = philox_draw(e->key, g, STREAM_ORDER_B, 0);
    philox_ctr x = {{ 0, 0, 0, 0 }};
    if (sl->any_fx) x = philox_draw(e->key, g, STREAM_ORDER_C, 0);

    const customer *cu = pick_customer(c, fx, a, x);
    /* Stratified arrival: order i of n lands in [i, i + 1) * len / n, so
     * event times never decrease with the order id. */
    uint64_t i = g - sl->first, n = sl->count, len = (uint64_t)sl->len_ms;
    int64_t t = sl->start_ms + (int64_t)((i * len + (((uint64_t)r.v[0] * len) >> 32)) / n);

    const campaign *camp = campaign_at(c, t, cu->cohort);
    if (camp && r.v[2] >= camp->uptake) camp = NULL;

    int items = 1 + mix_draw(&e->items, r.v[1]);
    int64_t subtotal = 0, discount = 0;
    for (int line = 0; line < items; line++) {
        philox_ctr q = philox_draw(e->key, g, STREAM_ITEM + (uint32_t)line, 0);
        const product *p = pick_product(c, fx, q);
        int64_t qty = 1 + mix_draw(&e->quantity, q.v[2]);
        int64_t gross = qty * p->price_cents, off = 0;
        if (camp && (camp->target_category < 0 || camp->target_category == p->category))
            off = gross * camp->discount_pct / 100;
        size_t j = item0 + (size_t)line;
        b->item_product_id[j] = p->id;
        b->item_unit_price_cents[j] = p->price_cents;
        b->item_quantity[j] = (uint8_t)qty;
        b->item_discount_cents[j] = off;
        b->item_line_total_cents[j] = gross - off;
        subtotal += gross;
        discount += off;
    }

    int pay = mix_draw(&e->payment, a.v[2]);
    int status = mix_draw(&e->status, a.v[3]);
    if (fx->fail && (fx->fail_methods >> pay & 1u) && x.v[3] < fx->fail) status = STATUS_PAYMENT_FAILED;
    int channel = fx->channel && x.v[2] < fx->channel ? fx->channel_id : mix_draw(&e->channel[cu->cohort], a.v[1]);

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
    return (size_t)items;
}

void engine_fill(const engine *e, uint64_t first, uint64_t stride, size_t count, order_batch *b) {
    b->first_index = first;
    b->n_orders = count;
    b->n_items = 0;
    if (count == 0) return;
    size_t s = plan_find_slice(&e->plan, first);
    for (size_t k = 0; k < count; k++) {
        uint64_t g = first + k * stride;
        while (g >= e->plan.slices[s].first + e->plan.slices[s].count) s++;
        b->n_items += fill_order(e, g, &e->plan.slices[s], b, k, b->n_items);
    }
}
