/* SPDX-License-Identifier: Apache-2.0 */
/* scenario.c - ramps, checks and composition of scenarios (see scenario.h). */
#include "scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "errors.h"
#include "lifecycle.h"
#include "simtime.h"

double det_exp(double x) {
    /* x / 2^12, a Taylor series, then twelve squarings. */
    double y = x / 4096.0, term = 1.0, sum = 1.0;
    for (int k = 1; k < 12; k++) {
        term *= y / k;
        sum += term;
    }
    for (int k = 0; k < 12; k++) sum *= sum;
    return sum;
}

double det_log(double x) {
    if (!(x > 0.0)) return -1e308;
    if (!(x <= 1e300)) return 690.7755278982137; /* ln 1e300: infinity must not loop below */
    /* x = m 2^e with m in [1, 2): halving and doubling are exact. */
    int e = 0;
    while (x >= 2.0) {
        x /= 2.0;
        e++;
    }
    while (x < 1.0) {
        x *= 2.0;
        e--;
    }
    /* ln m = 2 atanh((m - 1) / (m + 1)), |z| <= 1/3. */
    double z = (x - 1.0) / (x + 1.0), z2 = z * z, term = z, sum = 0.0;
    for (int k = 1; k < 60; k += 2) {
        sum += term / k;
        term *= z2;
    }
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

void scenario_window_ms(const scenario_effect *e, int64_t start_ms, int64_t *from_ms, int64_t *to_ms) {
    *from_ms = start_ms + (int64_t)(e->start_h * HOUR_MS);
    *to_ms = start_ms + (int64_t)(e->end_h * HOUR_MS);
}

static int check_ramp(const ramp *r, double lo, double hi, const char *what, char *errstr, size_t errlen) {
    if (!(r->from >= lo && r->from <= hi) || (r->kind != RAMP_CONSTANT && !(r->to >= lo && r->to <= hi)))
        FAIL("%s must be in [%g, %g]", what, lo, hi);
    if (r->kind == RAMP_EXPONENTIAL && !(r->from >= RAMP_EXPONENTIAL_MIN && r->to >= RAMP_EXPONENTIAL_MIN))
        FAIL("%s: an exponential ramp needs from and to of at least %g, got %g and %g", what, RAMP_EXPONENTIAL_MIN,
             r->from, r->to);
    return 0;
}

static const char *kind_name(unsigned bit) {
    switch (bit) {
    case EFFECT_PAYMENT_FAILURE: return "payment_failure";
    case EFFECT_FOCUS: return "focus";
    case EFFECT_COHORT: return "cohort";
    case EFFECT_CHANNEL: return "channel";
    case EFFECT_CARRIER_DELAY: return "carrier_delay";
    case EFFECT_RETURN_WAVE: return "return_wave";
    case EFFECT_PRICE_WAR: return "price_war";
    case EFFECT_LATE: return "late";
    default: return "?";
    }
}

/* An error about effect i (and, for a contradiction, effect j). */
#define FAIL_AT(...)                                                                                                   \
    do {                                                                                                               \
        *effect = i;                                                                                                   \
        snprintf(errstr, errlen, __VA_ARGS__);                                                                         \
        return -1;                                                                                                     \
    } while (0)

int scenario_check(const scenario *sc, uint32_t products, size_t *effect, size_t *other, char *errstr, size_t errlen) {
    *other = SIZE_MAX;
    if (sc->n_effects > SCENARIO_EFFECTS_MAX) { /* (files and compositions never get here: they count first) */
        size_t i = SCENARIO_EFFECTS_MAX - 1;
        FAIL_AT("expected at most %d entries, got %zu", SCENARIO_EFFECTS_MAX, sc->n_effects);
    }
    for (size_t i = 0; i < sc->n_effects; i++) {
        const scenario_effect *e = &sc->effects[i];
        if (!(e->start_h >= 0.0 && e->start_h < 87600.0))
            FAIL_AT("start must be in [0, 87600) hours, got %g", e->start_h);
        if (!(e->end_h > e->start_h && e->end_h <= 87600.0))
            FAIL_AT("end must be after start and at most 87600 hours, got %g", e->end_h);
        if (!e->kinds) FAIL_AT("no effect given");
        if ((e->kinds & EFFECT_RATE) && check_ramp(&e->rate, 0.0, 1e6, "rate", errstr, errlen)) {
            *effect = i;
            return -1;
        }
        if ((e->kinds & EFFECT_PAYMENT_FAILURE) && !(e->failure_rate >= 0.0 && e->failure_rate <= 1.0))
            FAIL_AT("payment_failure.rate must be in [0, 1], got %g", e->failure_rate);
        if (e->kinds & EFFECT_FOCUS) {
            if (check_ramp(&e->focus_share, 0.0, 1.0, "focus.share", errstr, errlen)) {
                *effect = i;
                return -1;
            }
            if (e->focus_product != 0 && (e->focus_product < 1 || e->focus_product > (int64_t)products))
                FAIL_AT("focus.product %lld is not a product id (1..%u)", (long long)e->focus_product, products);
            if ((e->focus_product == 0) == (e->focus_category < 0))
                FAIL_AT("focus needs exactly one of product or category");
        }
        if ((e->kinds & EFFECT_COHORT) &&
            !(e->cohort >= 0 && e->cohort < COHORT_COUNT && e->cohort_share >= 0.0 && e->cohort_share <= 1.0))
            FAIL_AT("cohort needs a cohort and a share in [0, 1]");
        if ((e->kinds & EFFECT_CHANNEL) &&
            !(e->channel >= 0 && e->channel < CHANNEL_COUNT && e->channel_share >= 0.0 && e->channel_share <= 1.0))
            FAIL_AT("channel needs a channel and a share in [0, 1]");
        if (e->kinds & EFFECT_CAMPAIGN) {
            const scenario_campaign *c = &e->campaign;
            if (!(c->discount_pct >= 0 && c->discount_pct <= 100))
                FAIL_AT("campaign.discount_pct must be in [0, 100], got %d", c->discount_pct);
            if (!(c->uptake >= 0.0 && c->uptake <= 1.0))
                FAIL_AT("campaign.uptake must be in [0, 1], got %g", c->uptake);
        }
        if ((e->kinds & EFFECT_CARRIER_DELAY) &&
            !(e->delay_carrier >= -1 && e->delay_carrier < CARRIER_COUNT && e->delay_region >= -1 &&
              e->delay_region < REGION_COUNT && e->delay_h > 0.0 && e->delay_h <= 720.0))
            FAIL_AT("carrier_delay.hours must be in (0, 720], got %g", e->delay_h);
        if ((e->kinds & EFFECT_RETURN_WAVE) && !(e->return_factor >= 0.0 && e->return_factor <= 12.0))
            FAIL_AT("return_wave.factor must be in [0, 12], got %g", e->return_factor);
        if ((e->kinds & EFFECT_PRICE_WAR) &&
            !(e->war_category >= 0 && e->war_category < CATEGORY_COUNT && e->war_cut_pct >= 1 && e->war_cut_pct <= 90))
            FAIL_AT("price_war.cut_pct must be in [1, 90], got %d", e->war_cut_pct);
        if (e->kinds & EFFECT_LATE) {
            if (!(e->late_share >= 0.0 && e->late_share <= 1.0))
                FAIL_AT("late.share must be in [0, 1], got %g", e->late_share);
            if (!(e->late_max_ms >= 1 && e->late_max_ms <= 7 * 24 * 3600 * 1000LL))
                FAIL_AT("late.max must be in [1ms, 7d], got %lld ms", (long long)e->late_max_ms);
            if (!(e->late_channel >= -1 && e->late_channel < CHANNEL_COUNT)) FAIL_AT("late.channel: no such channel");
        }
        for (size_t j = 0; j < i; j++) {
            const scenario_effect *o = &sc->effects[j];
            unsigned clash = e->kinds & o->kinds & ~(unsigned)SCENARIO_STACKING;
            if (!clash || e->start_h >= o->end_h || o->start_h >= e->end_h) continue;
            unsigned bit = clash & -clash;
            *other = j;
            FAIL_AT("%s contradicts effect %zu, which sets it for overlapping hours %g-%g", kind_name(bit), j + 1,
                    o->start_h, o->end_h);
        }
    }
    return 0;
}

int scenario_validate(const scenario *sc, uint32_t products, char *errstr, size_t errlen) {
    size_t effect, other;
    char msg[400];
    if (scenario_check(sc, products, &effect, &other, msg, sizeof msg) == 0) return 0;
    snprintf(errstr, errlen, "effect %zu: %s", effect + 1, msg);
    return -1;
}

int scenario_compose(scenario *into, const scenario *add, char *errstr, size_t errlen) {
    if (into->n_effects + add->n_effects > SCENARIO_EFFECTS_MAX)
        FAIL("scenario %s+%s: more than %d effects", into->name, add->name, SCENARIO_EFFECTS_MAX);
    memcpy(&into->effects[into->n_effects], add->effects, add->n_effects * sizeof add->effects[0]);
    into->n_effects += add->n_effects;
    size_t n = strlen(into->name);
    if (n == 0)
        snprintf(into->name, sizeof into->name, "%s", add->name);
    else
        snprintf(into->name + n, sizeof into->name - n, "+%s", add->name);
    return 0;
}
