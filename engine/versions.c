/* SPDX-License-Identifier: Apache-2.0 */
/* versions.c - how each product changes over the run (see catalog.h).
 *
 * Product i's k-th change is drawn from (i, STREAM_PRODUCT_VERSION, k):
 * the gap since the last one, whether it is a stock-out (a quarter of
 * them, while in stock) or a repricing, and by how much or how long.
 * A scenario's price_war cuts the prices of one category for its window.
 * Versions at or after the run's end are not made. At most
 * PRODUCT_VERSIONS_MAX changes of a product's own, then one version more
 * at each edge of a war: every war acts, however many changes came first. */
#include <stdlib.h>

#include "catalog.h"
#include "philox.h"
#include "simtime.h"
#include "streams.h"

/* A new price pct percent up or down, ending in 99 cents like the others. */
static int64_t repriced(int64_t price, int64_t pct, int up) {
    int64_t p = up ? price * (100 + pct) / 100 : price * (100 - pct) / 100;
    p = p / 100 * 100 + 99;
    return p < 99 ? 99 : p;
}

/* Product p's own changes, version 0 first, into out (n at most
 * PRODUCT_VERSIONS_MAX); returns how many. */
static uint32_t own_versions(const product *p, const engine_settings *s, philox_key key, product_version *out) {
    int64_t t = s->start_ms, end = s->start_ms + s->duration_ms, price = p->price_cents;
    int in_stock = p->in_stock;
    uint32_t n = 0;
    out[n++] = (product_version){ t, price, (uint8_t)in_stock };
    for (uint32_t k = 0; s->product_changes && n < PRODUCT_VERSIONS_MAX; k++) {
        philox_ctr r = philox_draw(key, (uint64_t)(p->id - 1), STREAM_PRODUCT_VERSION, k);
        if (!in_stock) { /* restocked */
            t += philox_between(r.v[0], 2 * HOUR_MS, 48 * HOUR_MS);
            if (t >= end) break;
            in_stock = 1;
        } else {
            t += philox_between(r.v[0], 6 * HOUR_MS, 6 * DAY_MS);
            if (t >= end) break;
            if (r.v[1] < UINT32_MAX / 4)
                in_stock = 0;
            else
                price = repriced(price, 3 + (int64_t)philox_below(r.v[2], 13), r.v[3] & 1u);
        }
        out[n++] = (product_version){ t, price, (uint8_t)in_stock };
    }
    return n;
}

/* The price at t after the price wars on p's category active at t. */
static int64_t war_price(const product *p, const engine_settings *s, int64_t t, int64_t price) {
    int64_t cut = price;
    for (size_t i = 0; i < s->scenario.n_effects; i++) {
        const scenario_effect *fx = &s->scenario.effects[i];
        if (!(fx->kinds & EFFECT_PRICE_WAR) || fx->war_category != p->category) continue;
        int64_t from, to;
        scenario_window_ms(fx, s->start_ms, &from, &to);
        if (t >= from && t < to) cut = repriced(cut, fx->war_cut_pct, 0);
    }
    return cut;
}

/* The next time after t at which a price war on p's category begins or
 * ends, before end (end if none). */
static int64_t next_war_edge(const product *p, const engine_settings *s, int64_t t, int64_t end) {
    int64_t next = end;
    for (size_t i = 0; i < s->scenario.n_effects; i++) {
        const scenario_effect *fx = &s->scenario.effects[i];
        if (!(fx->kinds & EFFECT_PRICE_WAR) || fx->war_category != p->category) continue;
        int64_t edges[2];
        scenario_window_ms(fx, s->start_ms, &edges[0], &edges[1]);
        for (int k = 0; k < 2; k++)
            if (edges[k] > t && edges[k] < next) next = edges[k];
    }
    return next;
}

/* Writes product p's versions into out (NULL: only counts them): its own
 * changes, and the price wars on its category laid over them (a version
 * where one begins or ends; the cut applies to whatever price the product
 * has then). */
static uint32_t product_versions(const product *p, const engine_settings *s, philox_key key, product_version *out) {
    product_version own[PRODUCT_VERSIONS_MAX];
    uint32_t n_own = own_versions(p, s, key, own), n = 0, i = 0;
    int64_t end = s->start_ms + s->duration_ms, t = s->start_ms;
    while (n < PRODUCT_VERSIONS_WITH_WARS_MAX && t < end) {
        while (i + 1 < n_own && own[i + 1].valid_from_ms <= t) i++;
        if (out)
            out[n] =
                (product_version){ t, s->product_changes ? war_price(p, s, t, own[i].price_cents) : own[i].price_cents,
                                   own[i].in_stock };
        n++;
        int64_t next = i + 1 < n_own ? own[i + 1].valid_from_ms : end;
        if (s->product_changes) {
            int64_t edge = next_war_edge(p, s, t, end);
            if (edge < next) next = edge;
        }
        t = next;
    }
    return n;
}

int catalog_build_versions(catalog *c, const engine_settings *s) {
    philox_key key = philox_key_from_seed(s->seed);
    size_t total = 0;
    for (size_t i = 0; i < c->n_products; i++) total += product_versions(&c->products[i], s, key, NULL);
    c->versions = malloc(total * sizeof *c->versions);
    if (!c->versions) return -1;
    size_t at = 0;
    for (size_t i = 0; i < c->n_products; i++) {
        product *p = &c->products[i];
        p->first_version = (uint32_t)at;
        p->n_versions = product_versions(p, s, key, c->versions + at);
        at += p->n_versions;
    }
    c->n_versions = total;
    return 0;
}
