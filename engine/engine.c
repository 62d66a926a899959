/* SPDX-License-Identifier: Apache-2.0 */
/* engine.c - the CPU engine: catalog, plan and order model built once, then
 * batches filled by order_gen.h (see engine.h), the code the GPU stage runs
 * too. */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>

#include "order_gen.h"
#include "simtime.h"

struct engine {
    engine_settings settings;
    catalog catalog;
    plan plan;
    order_model model; /* points into catalog and plan */
    life_model life;
    delivery_model delivery;
};

/* The lifecycle's model: the shares, and the scenario's payment outages,
 * carrier delays and return waves, every one of them (a scenario has at
 * most LIFE_WINDOWS_MAX entries, so the lists cannot overflow). */
_Static_assert(LIFE_WINDOWS_MAX >= SCENARIO_EFFECTS_MAX, "a life window per scenario entry");
_Static_assert(DELIVERY_WINDOWS_MAX >= SCENARIO_EFFECTS_MAX, "a late window per scenario entry");
static void life_build(life_model *m, const engine_settings *s) {
    life_model_init(m, s->seed, s->start_ms + s->duration_ms);
    m->retry_share = mix_share_threshold(s->payment_retry_share);
    m->return_share = mix_share_threshold(s->return_share);
    for (size_t i = 0; i < s->scenario.n_effects; i++) {
        const scenario_effect *fx = &s->scenario.effects[i];
        life_window w = { 0 };
        scenario_window_ms(fx, s->start_ms, &w.start_ms, &w.end_ms);
        if (fx->kinds & EFFECT_PAYMENT_FAILURE) {
            w.methods = fx->failure_methods;
            m->outages[m->n_outages++] = w;
        }
        if (fx->kinds & EFFECT_CARRIER_DELAY) {
            w.carrier = fx->delay_carrier;
            w.region = fx->delay_region;
            w.extra_ms = (int64_t)(fx->delay_h * HOUR_MS);
            m->delays[m->n_delays++] = w;
        }
        if (fx->kinds & EFFECT_RETURN_WAVE) {
            w.factor = fx->return_factor;
            m->waves[m->n_waves++] = w;
        }
    }
}

/* Late and duplicate delivery: the settings, and every late window of the scenario. */
static void delivery_build(delivery_model *d, const engine_settings *s) {
    *d = (delivery_model){ .key = philox_key_from_seed(s->seed) };
    d->late_share = mix_share_threshold(s->late_share);
    d->late_max_ms = s->late_max_ms;
    d->duplicate_share = mix_share_threshold(s->duplicate_share);
    d->duplicate_max_ms = s->duplicate_max_ms;
    for (size_t i = 0; i < s->scenario.n_effects; i++) {
        const scenario_effect *fx = &s->scenario.effects[i];
        if (!(fx->kinds & EFFECT_LATE)) continue;
        delivery_window *w = &d->windows[d->n_windows++];
        *w = (delivery_window){ .channel = fx->late_channel,
                                .share = mix_share_threshold(fx->late_share),
                                .max_ms = fx->late_max_ms };
        scenario_window_ms(fx, s->start_ms, &w->start_ms, &w->end_ms);
    }
}

static void model_build(order_model *m, const engine_settings *s, const catalog *c, const plan *p) {
    m->key = philox_key_from_seed(s->seed);
    m->customers = c->customers;
    m->n_customers = (uint32_t)c->n_customers;
    for (int k = 0; k < COHORT_COUNT; k++) {
        m->by_cohort[k] = c->by_cohort[k];
        m->n_by_cohort[k] = (uint32_t)c->n_by_cohort[k];
    }
    m->products = c->products;
    m->n_products = (uint32_t)c->n_products;
    m->versions = c->versions;
    m->popularity = c->popularity;
    for (int k = 0; k < CATEGORY_COUNT; k++) m->category_popularity[k] = c->category_popularity[k];
    m->campaigns = c->campaigns;
    m->n_campaigns = (uint32_t)c->n_campaigns;
    m->slices = p->slices;
    m->n_slices = (uint32_t)p->n_slices;
    for (int k = 0; k < COHORT_COUNT; k++) mix_init(&m->channel[k], s->channel_mix[k], CHANNEL_COUNT);
    mix_init(&m->payment, s->payment_mix, PAYMENT_COUNT);
    mix_init(&m->status, s->status_mix, STATUS_COUNT);
    mix_init(&m->items, s->items_mix, ITEMS_MAX);
    mix_init(&m->quantity, s->quantity_mix, QUANTITY_MAX);
}

int engine_new(const engine_settings *s, engine **out, char *errstr, size_t errlen) {
    *out = NULL;
    if (engine_settings_validate(s, errstr, errlen) != 0) return -1;
    engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    e->settings = *s;
    if (catalog_new(&e->catalog, s, errstr, errlen) != 0) {
        free(e);
        return -1;
    }
    if (plan_new(&e->plan, s, errstr, errlen) != 0) {
        catalog_free(&e->catalog);
        free(e);
        return -1;
    }
    /* The order model counts in 32 bits (so does the GPU). */
    if (e->plan.n_slices > UINT32_MAX || e->catalog.n_customers > UINT32_MAX || e->catalog.n_campaigns > UINT32_MAX) {
        snprintf(errstr, errlen, "engine: %zu slices, %zu customers, %zu campaigns: at most %u of each",
                 e->plan.n_slices, e->catalog.n_customers, e->catalog.n_campaigns, UINT32_MAX);
        engine_free(e);
        return -1;
    }
    model_build(&e->model, s, &e->catalog, &e->plan);
    life_build(&e->life, s);
    delivery_build(&e->delivery, s);
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
const order_model *engine_get_model(const engine *e) { return &e->model; }
const life_model *engine_get_life_model(const engine *e) { return e->settings.lifecycle ? &e->life : NULL; }
const delivery_model *engine_get_delivery(const engine *e) { return &e->delivery; }

void engine_fill(const engine *e, uint64_t first, uint64_t stride, size_t count, order_batch *b) {
    order_batch_unpack(b); /* a batch the GPU stage packed before */
    b->first_index = first;
    b->n_orders = count;
    b->n_items = 0;
    if (count == 0) return;
    size_t s = plan_find_slice(&e->plan, first);
    for (size_t k = 0; k < count; k++) {
        uint64_t g = first + k * stride;
        while (g >= e->plan.slices[s].first + e->plan.slices[s].count) s++;
        b->n_items += order_gen_fill(&e->model, g, &e->plan.slices[s], b, k, b->n_items);
    }
}

void engine_fill_selected(const engine *e, uint64_t first, size_t span, const engine_selection *sel, order_batch *b) {
    order_batch_unpack(b);
    b->first_index = first;
    b->n_orders = 0;
    b->n_items = 0;
    if (span == 0) return;
    size_t s = plan_find_slice(&e->plan, first);
    for (uint64_t g = first; g < first + span; g++) {
        if (!sel->owns(sel->ctx, g)) continue;
        while (g >= e->plan.slices[s].first + e->plan.slices[s].count) s++;
        b->n_items += order_gen_fill(&e->model, g, &e->plan.slices[s], b, b->n_orders, b->n_items);
        b->n_orders++;
    }
}

void engine_keep_selected(const engine_selection *sel, order_batch *b) {
    size_t kept = 0, items = 0;
    for (size_t k = 0; k < b->n_orders; k++) {
        if (!sel->owns(sel->ctx, b->first_index + k)) continue;
        size_t from = b->first_item[k], n = b->item_count[k];
        b->order_id[kept] = b->order_id[k];
        b->customer_id[kept] = b->customer_id[k];
        b->event_time_ms[kept] = b->event_time_ms[k];
        b->subtotal_cents[kept] = b->subtotal_cents[k];
        b->discount_cents[kept] = b->discount_cents[k];
        b->total_cents[kept] = b->total_cents[k];
        b->campaign_id[kept] = b->campaign_id[k];
        b->channel[kept] = b->channel[k];
        b->payment_method[kept] = b->payment_method[k];
        b->status[kept] = b->status[k];
        b->item_count[kept] = b->item_count[k];
        b->first_item[kept] = (uint32_t)items;
        for (size_t j = 0; j < n; j++, items++) {
            b->item_product_id[items] = b->item_product_id[from + j];
            b->item_unit_price_cents[items] = b->item_unit_price_cents[from + j];
            b->item_discount_cents[items] = b->item_discount_cents[from + j];
            b->item_line_total_cents[items] = b->item_line_total_cents[from + j];
            b->item_quantity[items] = b->item_quantity[from + j];
        }
        kept++;
    }
    b->n_orders = kept;
    b->n_items = items;
}

uint64_t engine_count_selected(const engine *e, const engine_selection *sel) {
    uint64_t n = 0;
    for (uint64_t g = 0; g < e->plan.total_orders; g++) n += sel->owns(sel->ctx, g) != 0;
    return n;
}
