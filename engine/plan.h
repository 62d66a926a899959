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

#include "mix.h"
#include "settings.h"

typedef struct plan_slice {
    int64_t start_ms;
    int64_t len_ms;
    double expected;     /* expected orders */
    uint64_t count;      /* drawn orders */
    uint64_t first;      /* global index of its first order */
    mix status;          /* status mix in force (scenario failure rate applied) */
} plan_slice;

typedef struct plan {
    plan_slice *slices;
    size_t n_slices;
    uint64_t total_orders;
} plan;

int plan_build(plan *p, const engine_settings *s, char *errstr, size_t errlen);
void plan_free(plan *p);

/* Expected orders per hour at simulated time t (ms), the daily curve and the
 * scenario applied. */
double plan_rate_at(const engine_settings *s, int64_t t_ms);

/* The slice holding global order index g (g < total_orders). */
size_t plan_find_slice(const plan *p, uint64_t g);

#endif
