/* SPDX-License-Identifier: Apache-2.0 */
/* versions.c - how each product changes over the run (see catalog.h).
 *
 * Product i's k-th change is drawn from (i, STREAM_PRODUCT_VERSION, k):
 * the gap since the last one, whether it is a stock-out (a quarter of
 * them, while in stock) or a repricing, and by how much or how long.
 * Versions at or after the run's end are not made. */
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

/* Writes product p's versions into out (NULL: only counts them). */
static uint32_t product_versions(const product *p, const engine_settings *s, philox_key key,
                                 product_version *out) {
    int64_t t = s->start_ms, end = s->start_ms + s->duration_ms, price = p->price_cents;
    int in_stock = p->in_stock;
    uint32_t n = 0;
#define PUT(when) do { if (out) out[n] = (product_version){ (when), price, (uint8_t)in_stock }; n++; } while (0)
    PUT(t);
    for (uint32_t k = 0; s->product_changes && n < PRODUCT_VERSIONS_MAX; k++) {
        philox_ctr r = philox_draw(key, (uint64_t)(p->id - 1), STREAM_PRODUCT_VERSION, k);
        if (!in_stock) { /* restocked */
            t += philox_between(r.v[0], 2 * HOUR_MS, 48 * HOUR_MS);
            if (t >= end) break;
            in_stock = 1;
        } else {
            t += philox_between(r.v[0], 6 * HOUR_MS, 6 * DAY_MS);
            if (t >= end) break;
            if (r.v[1] < UINT32_MAX / 4) in_stock = 0;
            else price = repriced(price, 3 + (int64_t)philox_below(r.v[2], 13), r.v[3] & 1u);
        }
        PUT(t);
    }
#undef PUT
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
