/* SPDX-License-Identifier: Apache-2.0 */
/* customer_versions.c - how each customer changes over the run (see
 * catalog.h).
 *
 * Customer i's k-th change is drawn from (i, STREAM_CUSTOMER_VERSION, k):
 * the gap since the last one (1 h to 90 d), and what changes: the loyalty
 * tier one step up or down, the region, or the account closed. A function
 * of (settings, seed, start) alone, so every thread, shard and command
 * sees the same customers. Versions at or after the run's end are not
 * made. */
#include <stdlib.h>

#include "catalog.h"
#include "philox.h"
#include "simtime.h"
#include "streams.h"

/* Customer cu's versions, version 0 first, into out (NULL: only counts). */
static uint32_t own_versions(const customer *cu, const engine_settings *s, philox_key key, customer_version *out) {
    int64_t t = s->start_ms, end = s->start_ms + s->duration_ms;
    customer_version v = { t, cu->loyalty_tier, cu->region, 0 };
    uint32_t n = 0;
    if (out) out[n] = v;
    n++;
    for (uint32_t k = 0; s->customer_changes && n < CUSTOMER_VERSIONS_MAX && !v.closed; k++) {
        philox_ctr r = philox_draw(key, (uint64_t)(cu->id - 1), STREAM_CUSTOMER_VERSION, k);
        t += philox_between(r.v[0], HOUR_MS, 90 * DAY_MS);
        if (t >= end) break;
        v.valid_from_ms = t;
        uint32_t what = philox_below(r.v[1], 20);
        if (what < 2 && cu->id != 1) { /* one in ten: closed; customer 1 stays, every heir's last resort */
            v.closed = 1;
        } else if (what < 17) { /* three in four: the tier, one step */
            int up = v.loyalty_tier == 0 || (v.loyalty_tier < TIER_COUNT - 1 && philox_below(r.v[2], 5) < 3);
            v.loyalty_tier = (uint8_t)(up ? v.loyalty_tier + 1 : v.loyalty_tier - 1);
        } else { /* a move */
            v.region = (uint8_t)((v.region + 1 + philox_below(r.v[2], REGION_COUNT - 1)) % REGION_COUNT);
        }
        if (out) out[n] = v;
        n++;
    }
    return n;
}

/* Each closed customer's heir: the next customer of its cohort after it
 * (around) whose account stays open, else customer 1 (index 0). One pass
 * backwards, twice around each cohort's list. */
static void name_heirs(catalog *c) {
    for (int k = 0; k < COHORT_COUNT; k++) {
        const uint32_t *ids = c->by_cohort[k];
        size_t n = c->n_by_cohort[k];
        uint32_t next = 0; /* the open one after position p, so far */
        for (size_t q = 2 * n; q-- > 0;) {
            customer *cu = &c->customers[ids[q % n]];
            if (q < n && cu->closed_ms != INT64_MAX) cu->heir = next;
            if (cu->closed_ms == INT64_MAX) next = ids[q % n];
        }
    }
}

int catalog_build_customer_versions(catalog *c, const engine_settings *s) {
    philox_key key = philox_key_from_seed(s->seed);
    size_t total = 0;
    for (size_t i = 0; i < c->n_customers; i++) total += own_versions(&c->customers[i], s, key, NULL);
    c->customer_versions = malloc(total * sizeof *c->customer_versions);
    if (!c->customer_versions) return -1;
    size_t at = 0;
    for (size_t i = 0; i < c->n_customers; i++) {
        customer *cu = &c->customers[i];
        cu->first_version = (uint32_t)at;
        cu->n_versions = own_versions(cu, s, key, c->customer_versions + at);
        at += cu->n_versions;
        const customer_version *last = &c->customer_versions[at - 1];
        cu->closed_ms = last->closed ? last->valid_from_ms : INT64_MAX;
    }
    c->n_customer_versions = at;
    for (size_t i = 0; i < c->n_customers; i++) c->customers[i].heir = (uint32_t)i;
    name_heirs(c);
    return 0;
}
