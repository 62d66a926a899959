/* SPDX-License-Identifier: Apache-2.0 */
/* plan.h - how many orders each slice of simulated time holds.
 *
 * Simulated time is cut into slices (engine.slice_ms, one minute by default).
 * A slice's expected count is base rate x intensity x daily curve(hour) x the
 * active scenario effects; its actual count is a Poisson draw from its own
 * Philox counter; prefix sums give every order a dense global index, so any
 * range of orders can be generated without the ones before it.
 *
 * Planning runs once on the host. It uses doubles but no libm transcendental
 * (a series exp and IEEE sqrt only), so two machines plan the same counts. */
#ifndef SHOPSTREAM_PLAN_H
#define SHOPSTREAM_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "settings.h"

/* The scenario's effects in force in a slice, as integer thresholds on
 * 32-bit uniforms (0: the effect is off). */
typedef struct slice_effects {
    uint32_t fail;          /* payment fails: status payment_failed */
    uint32_t fail_methods;  /* ... for these payment methods (bit per method) */
    uint32_t focus;         /* an order line goes to the focus */
    int32_t focus_product;  /* product index, or -1 */
    int32_t focus_category; /* category, or -1 */
    uint32_t cohort;        /* the customer comes from cohort_id */
    int32_t cohort_id;
    uint32_t channel; /* the order uses channel_id */
    int32_t channel_id;
} slice_effects;

typedef struct plan_slice {
    int64_t start_ms;
    int64_t len_ms;
    double expected;        /* expected orders */
    double rate_multiplier; /* the scenario's, at the slice's middle */
    uint64_t count;         /* drawn orders */
    uint64_t first;         /* global index of its first order */
    slice_effects fx;
    int any_fx; /* some effect other than rate is on */
} plan_slice;

typedef struct plan {
    plan_slice *slices;
    size_t n_slices;
    uint64_t total_orders;
} plan;

int plan_new(plan *p, const engine_settings *s, char *errstr, size_t errlen);
void plan_free(plan *p);

/* Expected orders per hour at simulated time t (ms), the daily curve and the
 * scenario applied. */
double plan_rate_at(const engine_settings *s, int64_t t_ms);

/* The slice holding global order index g (g < total_orders). */
size_t plan_find_slice(const plan *p, uint64_t g);

#endif
