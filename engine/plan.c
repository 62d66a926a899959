/* SPDX-License-Identifier: Apache-2.0 */
/* plan.c - slice counts and prefix sums (see plan.h). */
#include "plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mix.h"
#include "philox.h"
#include "streams.h"
#include "simtime.h"

/* Bounds that keep counts, prefix sums and arrival arithmetic in 64 bits. */
#define PLAN_SLICE_MAX_ORDERS 1e12
#define PLAN_TOTAL_MAX_ORDERS 4e18

/* A double in [0, 1) from two 32-bit words: 53 bits. */
static double unit_double(uint32_t a, uint32_t b) {
    return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) / 9007199254740992.0;
}

/* Poisson(lambda) for slice s: inversion below 30, else a normal
 * approximation whose deviate is the Irwin-Hall sum of twelve uniforms. */
static uint64_t poisson_draw(philox_key key, uint64_t s, double lambda) {
    if (lambda <= 0.0) return 0;
    philox_ctr r = philox_draw(key, s, STREAM_SLICE_COUNT, 0);
    if (lambda < 30.0) {
        double u = unit_double(r.v[0], r.v[1]);
        double p = det_exp(-lambda), f = p;
        uint64_t k = 0;
        while (u >= f && k < 1000) {
            k++;
            p *= lambda / (double)k;
            f += p;
        }
        return k;
    }
    double z = -6.0;
    for (uint32_t j = 0; j < 3; j++) {
        philox_ctr q = philox_draw(key, s, STREAM_SLICE_COUNT, 1 + j);
        for (int w = 0; w < 4; w++) z += (double)q.v[w] / 4294967296.0;
    }
    double k = floor(lambda + sqrt(lambda) * z + 0.5);
    return k < 0.0 ? 0 : (uint64_t)k;
}

/* Where t_ms falls in effect e's window: -1 outside, else the fraction. */
static double window_fraction(const engine_settings *s, const scenario_effect *e, int64_t t_ms) {
    double hours = (double)(t_ms - s->start_ms) / (double)HOUR_MS;
    if (hours < e->start_h || hours >= e->end_h) return -1.0;
    return (hours - e->start_h) / (e->end_h - e->start_h);
}

static double scenario_rate_at(const engine_settings *s, int64_t t_ms) {
    double m = 1.0;
    for (size_t i = 0; i < s->scenario.n_effects; i++) {
        const scenario_effect *e = &s->scenario.effects[i];
        double f = window_fraction(s, e, t_ms);
        if (f >= 0.0 && (e->kinds & EFFECT_RATE)) m *= ramp_at(&e->rate, f);
    }
    return m;
}

double plan_rate_at(const engine_settings *s, int64_t t_ms) {
    int64_t of_day = ((t_ms % DAY_MS) + DAY_MS) % DAY_MS;
    return s->base_orders_per_hour * s->intensity * s->daily_curve[of_day / HOUR_MS] * scenario_rate_at(s, t_ms);
}

/* The effects in force at t (validation guarantees one entry per kind). */
static int effects_at(const engine_settings *s, int64_t t_ms, slice_effects *fx) {
    memset(fx, 0, sizeof *fx);
    fx->focus_product = fx->focus_category = fx->cohort_id = fx->channel_id = -1;
    int any = 0;
    for (size_t i = 0; i < s->scenario.n_effects; i++) {
        const scenario_effect *e = &s->scenario.effects[i];
        double f = window_fraction(s, e, t_ms);
        if (f < 0.0) continue;
        if (e->kinds & EFFECT_PAYMENT_FAILURE) {
            fx->fail = mix_share_threshold(e->failure_rate);
            fx->fail_methods = e->failure_methods ? e->failure_methods : (1u << PAYMENT_COUNT) - 1;
            any = 1;
        }
        if (e->kinds & EFFECT_FOCUS) {
            fx->focus = mix_share_threshold(ramp_at(&e->focus_share, f));
            fx->focus_product = e->focus_product > 0 ? (int32_t)(e->focus_product - 1) : -1;
            fx->focus_category = e->focus_category;
            any = 1;
        }
        if (e->kinds & EFFECT_COHORT) {
            fx->cohort = mix_share_threshold(e->cohort_share);
            fx->cohort_id = e->cohort;
            any = 1;
        }
        if (e->kinds & EFFECT_CHANNEL) {
            fx->channel = mix_share_threshold(e->channel_share);
            fx->channel_id = e->channel;
            any = 1;
        }
    }
    return any;
}

int plan_new(plan *p, const engine_settings *s, char *errstr, size_t errlen) {
    memset(p, 0, sizeof *p);
    p->n_slices = (size_t)((s->duration_ms + s->slice_ms - 1) / s->slice_ms);
    p->slices = calloc(p->n_slices ? p->n_slices : 1, sizeof *p->slices);
    if (!p->slices) {
        snprintf(errstr, errlen, "out of memory planning %zu slices", p->n_slices);
        return -1;
    }
    philox_key key = philox_key_from_seed(s->seed);
    int64_t end_ms = s->start_ms + s->duration_ms;
    uint64_t first = 0;
    for (size_t i = 0; i < p->n_slices; i++) {
        plan_slice *sl = &p->slices[i];
        sl->start_ms = s->start_ms + (int64_t)i * s->slice_ms;
        sl->len_ms = end_ms - sl->start_ms < s->slice_ms ? end_ms - sl->start_ms : s->slice_ms;
        int64_t mid = sl->start_ms + sl->len_ms / 2;
        sl->rate_multiplier = scenario_rate_at(s, mid);
        sl->expected = plan_rate_at(s, mid) * (double)sl->len_ms / (double)HOUR_MS;
        if (!(sl->expected <= PLAN_SLICE_MAX_ORDERS) || (double)first + sl->expected > PLAN_TOTAL_MAX_ORDERS) {
            snprintf(errstr, errlen,
                     "rate: the settings ask for %.3g orders in slice %zu (%.3g in all so far); "
                     "shopstream generates at most %.0e a slice and %.0e a run: lower the base rate, intensity "
                     "or scenario multipliers",
                     sl->expected, i, (double)first + sl->expected, PLAN_SLICE_MAX_ORDERS, PLAN_TOTAL_MAX_ORDERS);
            plan_free(p);
            return -1;
        }
        sl->count = poisson_draw(key, i, sl->expected);
        sl->first = first;
        sl->any_fx = effects_at(s, mid, &sl->fx);
        first += sl->count;
    }
    p->total_orders = first;
    return 0;
}

void plan_free(plan *p) {
    free(p->slices);
    memset(p, 0, sizeof *p);
}

size_t plan_find_slice(const plan *p, uint64_t g) {
    size_t lo = 0, hi = p->n_slices; /* the last slice whose first <= g holds g */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->slices[mid].first <= g)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

_Static_assert(sizeof(plan_slice) <= 88, "settings.h's ENGINE_MAX_SLICES bounds the plan at 88 bytes a slice");
