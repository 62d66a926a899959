/* plan.c - slice counts and prefix sums (see plan.h). */
#include "plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "philox.h"
#include "streams.h"

#define HOUR_MS INT64_C(3600000)
#define DAY_MS (24 * HOUR_MS)

/* e^x from +, *, / only: x / 2^12, a Taylor series, then twelve squarings.
 * Relative error ~1e-13 over the range planning needs; bit-identical on any
 * IEEE-754 machine (with contraction off, which CMake sets). */
static double det_exp(double x) {
    double y = x / 4096.0, term = 1.0, sum = 1.0;
    for (int k = 1; k < 12; k++) { term *= y / k; sum += term; }
    for (int k = 0; k < 12; k++) sum *= sum;
    return sum;
}

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
        while (u >= f && k < 1000) { k++; p *= lambda / (double)k; f += p; }
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

double plan_rate_at(const engine_settings *s, int64_t t_ms) {
    int64_t of_day = ((t_ms % DAY_MS) + DAY_MS) % DAY_MS;
    double rate = s->base_orders_per_hour * s->intensity * s->daily_curve[of_day / HOUR_MS];
    double hours = (double)(t_ms - s->start_ms) / (double)HOUR_MS;
    for (size_t i = 0; i < s->scenario.n_effects; i++) {
        const scenario_effect *e = &s->scenario.effects[i];
        if (hours >= e->start_h && hours < e->end_h) rate *= e->rate_multiplier;
    }
    return rate;
}

/* The status mix at time t: the configured one, or with the scenario's
 * payment failure rate taking that share and the rest scaled to fit. */
static void status_mix_at(const engine_settings *s, int64_t t_ms, mix *m) {
    double p[STATUS_COUNT];
    memcpy(p, s->status_mix, sizeof p);
    double hours = (double)(t_ms - s->start_ms) / (double)HOUR_MS;
    for (size_t i = 0; i < s->scenario.n_effects; i++) {
        const scenario_effect *e = &s->scenario.effects[i];
        if (e->payment_failure_rate < 0.0 || hours < e->start_h || hours >= e->end_h) continue;
        double rest = 0.0;
        for (int k = 0; k < STATUS_COUNT; k++) if (k != STATUS_PAYMENT_FAILED) rest += p[k];
        for (int k = 0; k < STATUS_COUNT; k++)
            if (k != STATUS_PAYMENT_FAILED) p[k] = rest > 0.0 ? p[k] / rest * (1.0 - e->payment_failure_rate) : 0.0;
        p[STATUS_PAYMENT_FAILED] = e->payment_failure_rate;
    }
    mix_init(m, p, STATUS_COUNT);
}

int plan_build(plan *p, const engine_settings *s, char *errstr, size_t errlen) {
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
        sl->expected = plan_rate_at(s, mid) * (double)sl->len_ms / (double)HOUR_MS;
        sl->count = poisson_draw(key, i, sl->expected);
        sl->first = first;
        status_mix_at(s, mid, &sl->status);
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
        if (p->slices[mid].first <= g) lo = mid; else hi = mid;
    }
    return lo;
}
