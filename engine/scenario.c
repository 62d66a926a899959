/* SPDX-License-Identifier: Apache-2.0 */
/* scenario.c - ramps, checks and composition of scenarios (see scenario.h). */
#include "scenario.h"

#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "errors.h"

double det_exp(double x) {
    /* x / 2^12, a Taylor series, then twelve squarings. */
    double y = x / 4096.0, term = 1.0, sum = 1.0;
    for (int k = 1; k < 12; k++) { term *= y / k; sum += term; }
    for (int k = 0; k < 12; k++) sum *= sum;
    return sum;
}

double det_log(double x) {
    if (!(x > 0.0)) return -1e308;
    /* x = m 2^e with m in [1, 2): halving and doubling are exact. */
    int e = 0;
    while (x >= 2.0) { x /= 2.0; e++; }
    while (x < 1.0) { x *= 2.0; e--; }
    /* ln m = 2 atanh((m - 1) / (m + 1)), |z| <= 1/3. */
    double z = (x - 1.0) / (x + 1.0), z2 = z * z, term = z, sum = 0.0;
    for (int k = 1; k < 60; k += 2) { sum += term / k; term *= z2; }
    return 2.0 * sum + e * 0.69314718055994530942;
}

double ramp_at(const ramp *r, double f) {
    if (f < 0.0) f = 0.0;
    if (f > 1.0) f = 1.0;
    switch (r->kind) {
    case RAMP_CONSTANT: return r->from;
    case RAMP_LINEAR: return r->from + (r->to - r->from) * f;
    case RAMP_EXPONENTIAL: return r->from * det_exp(f * det_log(r->to / r->from));
    }
    return r->from;
}


static int check_ramp(const ramp *r, double lo, double hi, const char *what, size_t i, char *errstr,
                      size_t errlen) {
    if (!(r->from >= lo && r->from <= hi) || (r->kind != RAMP_CONSTANT && !(r->to >= lo && r->to <= hi)))
        FAIL("effect %zu: %s must be in [%g, %g]", i + 1, what, lo, hi);
    if (r->kind == RAMP_EXPONENTIAL && !(r->from > 0.0 && r->to > 0.0))
        FAIL("effect %zu: %s: an exponential ramp needs from and to above 0", i + 1, what);
    return 0;
}

static const char *kind_name(unsigned bit) {
    switch (bit) {
    case EFFECT_PAYMENT_FAILURE: return "payment_failure";
    case EFFECT_FOCUS: return "focus";
    case EFFECT_COHORT: return "cohort";
    case EFFECT_CHANNEL: return "channel";
    default: return "?";
    }
}

int scenario_validate(const scenario *sc, uint32_t products, char *errstr, size_t errlen) {
    for (size_t i = 0; i < sc->n_effects; i++) {
        const scenario_effect *e = &sc->effects[i];
        if (!(e->start_h >= 0.0 && e->start_h < 87600.0))
            FAIL("effect %zu: start must be in [0, 87600) hours, got %g", i + 1, e->start_h);
        if (!(e->end_h > e->start_h && e->end_h <= 87600.0))
            FAIL("effect %zu: end must be after start and at most 87600 hours, got %g", i + 1, e->end_h);
        if (!e->kinds) FAIL("effect %zu: no effect given", i + 1);
        if ((e->kinds & EFFECT_RATE) && check_ramp(&e->rate, 0.0, 1e6, "rate", i, errstr, errlen)) return -1;
        if ((e->kinds & EFFECT_PAYMENT_FAILURE) && !(e->failure_rate >= 0.0 && e->failure_rate <= 1.0))
            FAIL("effect %zu: payment_failure.rate must be in [0, 1], got %g", i + 1, e->failure_rate);
        if (e->kinds & EFFECT_FOCUS) {
            if (check_ramp(&e->focus_share, 0.0, 1.0, "focus.share", i, errstr, errlen)) return -1;
            if (e->focus_product != 0 && (e->focus_product < 1 || e->focus_product > (int64_t)products))
                FAIL("effect %zu: focus.product %lld is not a product id (1..%u)", i + 1,
                     (long long)e->focus_product, products);
            if ((e->focus_product == 0) == (e->focus_category < 0))
                FAIL("effect %zu: focus needs exactly one of product or category", i + 1);
        }
        if ((e->kinds & EFFECT_COHORT) && !(e->cohort >= 0 && e->cohort < COHORT_COUNT && e->cohort_share >= 0.0 && e->cohort_share <= 1.0))
            FAIL("effect %zu: cohort needs a cohort and a share in [0, 1]", i + 1);
        if ((e->kinds & EFFECT_CHANNEL) && !(e->channel >= 0 && e->channel < CHANNEL_COUNT && e->channel_share >= 0.0 && e->channel_share <= 1.0))
            FAIL("effect %zu: channel needs a channel and a share in [0, 1]", i + 1);
        if (e->kinds & EFFECT_CAMPAIGN) {
            const scenario_campaign *c = &e->campaign;
            if (!(c->discount_pct >= 0 && c->discount_pct <= 100))
                FAIL("effect %zu: campaign.discount_pct must be in [0, 100], got %d", i + 1, c->discount_pct);
            if (!(c->uptake >= 0.0 && c->uptake <= 1.0))
                FAIL("effect %zu: campaign.uptake must be in [0, 1], got %g", i + 1, c->uptake);
        }
        for (size_t j = 0; j < i; j++) {
            const scenario_effect *o = &sc->effects[j];
            unsigned clash = e->kinds & o->kinds & ~(unsigned)(EFFECT_RATE | EFFECT_CAMPAIGN);
            if (!clash || e->start_h >= o->end_h || o->start_h >= e->end_h) continue;
            unsigned bit = clash & -clash;
            FAIL("effect %zu: %s contradicts effect %zu, which sets it for overlapping hours %g-%g", i + 1,
                 kind_name(bit), j + 1, o->start_h, o->end_h);
        }
    }
    return 0;
}

int scenario_compose(scenario *into, const scenario *add, char *errstr, size_t errlen) {
    if (into->n_effects + add->n_effects > SCENARIO_EFFECTS_MAX)
        FAIL("scenario %s+%s: more than %d effects", into->name, add->name, SCENARIO_EFFECTS_MAX);
    memcpy(&into->effects[into->n_effects], add->effects, add->n_effects * sizeof add->effects[0]);
    into->n_effects += add->n_effects;
    size_t n = strlen(into->name);
    if (n == 0) snprintf(into->name, sizeof into->name, "%s", add->name);
    else snprintf(into->name + n, sizeof into->name - n, "+%s", add->name);
    return 0;
}
