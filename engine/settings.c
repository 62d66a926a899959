/* settings.c - the engine's defaults and their checks (see settings.h).
 *
 * Keep these values and config/shopstream.cfg in step: tests compare them. */
#include "settings.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define HOUR_MS INT64_C(3600000)

/* Orders by hour of day, mean 1.0: a night trough, a lunch bump, an evening peak. */
static const double default_curve[24] = {
    0.35, 0.22, 0.15, 0.12, 0.14, 0.25, 0.45, 0.70, 0.95, 1.10, 1.20, 1.30,
    1.50, 1.45, 1.25, 1.20, 1.25, 1.35, 1.65, 1.85, 1.95, 1.70, 1.20, 0.72,
};

void engine_settings_default(engine_settings *s) {
    memset(s, 0, sizeof *s);
    s->seed = 42;
    s->start_ms = INT64_C(1767225600000); /* 2026-01-01T00:00:00Z */
    s->duration_ms = 24 * HOUR_MS;
    s->slice_ms = 60000;
    s->base_orders_per_hour = 240.0;
    s->intensity = 1.0;
    memcpy(s->daily_curve, default_curve, sizeof default_curve);
    s->customers = 15000;
    s->products = 500;
    s->campaigns = 4;
    s->campaign_uptake = 0.30;
    s->in_stock_share = 0.95;

    const double cohort[COHORT_COUNT] = { 0.25, 0.35, 0.25, 0.15 };
    memcpy(s->cohort_mix, cohort, sizeof cohort);
    /* From the seed: gen_z 0.2/0.4/0.4, boomer 0.7/0.3/0, others 0.4/0.35/0.25
     * (web, mobile_web, mobile_app). */
    const double ch[COHORT_COUNT][CHANNEL_COUNT] = {
        { 0.20, 0.40, 0.40 }, { 0.40, 0.35, 0.25 }, { 0.40, 0.35, 0.25 }, { 0.70, 0.30, 0.00 },
    };
    memcpy(s->channel_mix, ch, sizeof ch);
    const double region[REGION_COUNT] = { 0.24, 0.18, 0.20, 0.14, 0.16, 0.08 };
    memcpy(s->region_mix, region, sizeof region);
    const double tier[TIER_COUNT] = { 0.55, 0.28, 0.13, 0.04 };
    memcpy(s->loyalty_mix, tier, sizeof tier);
    const double pay[PAYMENT_COUNT] = { 0.55, 0.20, 0.12, 0.08, 0.05 };
    memcpy(s->payment_mix, pay, sizeof pay);
    const double status[STATUS_COUNT] = { 0.04, 0.90, 0.04, 0.02 };
    memcpy(s->status_mix, status, sizeof status);
    const double items[ITEMS_MAX] = { 0.40, 0.28, 0.17, 0.10, 0.05 };
    memcpy(s->items_mix, items, sizeof items);
    const double qty[QUANTITY_MAX] = { 0.70, 0.20, 0.07, 0.03 };
    memcpy(s->quantity_mix, qty, sizeof qty);

    snprintf(s->scenario.name, sizeof s->scenario.name, "baseline");
}

#define FAIL(...) do { snprintf(errstr, errlen, __VA_ARGS__); return -1; } while (0)

static int check_mix(const double *p, int n, const char *name, char *errstr, size_t errlen) {
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        if (!(p[i] >= 0.0 && p[i] <= 1.0)) FAIL("%s: each share must be in [0, 1], got %g", name, p[i]);
        sum += p[i];
    }
    if (fabs(sum - 1.0) > 1e-6) FAIL("%s: shares must add up to 1, they add up to %g", name, sum);
    return 0;
}

int engine_settings_validate(const engine_settings *s, char *errstr, size_t errlen) {
    if (s->duration_ms <= 0) FAIL("duration: must be positive");
    if (s->slice_ms <= 0 || HOUR_MS % s->slice_ms != 0)
        FAIL("engine.slice_ms: must divide an hour (3600000 ms), got %lld", (long long)s->slice_ms);
    if (s->duration_ms / s->slice_ms > INT64_C(100000000))
        FAIL("duration: %lld ms is more than 10^8 slices of %lld ms", (long long)s->duration_ms,
             (long long)s->slice_ms);
    if (!(s->base_orders_per_hour >= 0.0 && s->base_orders_per_hour <= 1e12))
        FAIL("rate.base_orders_per_hour: must be in [0, 1e12], got %g", s->base_orders_per_hour);
    if (!(s->intensity >= 0.0 && s->intensity <= 1e9))
        FAIL("intensity: must be in [0, 1e9], got %g", s->intensity);
    for (int h = 0; h < 24; h++)
        if (!(s->daily_curve[h] >= 0.0 && s->daily_curve[h] <= 1000.0))
            FAIL("rate.daily_curve: hour %d must be in [0, 1000], got %g", h, s->daily_curve[h]);
    if (s->customers < 1 || s->customers > 100000000u)
        FAIL("catalog.customers: must be in [1, 100000000], got %u", s->customers);
    if (s->products < 1 || s->products > 1000000u)
        FAIL("catalog.products: must be in [1, 1000000], got %u", s->products);
    if (s->campaigns > 64) FAIL("catalog.campaigns: must be in [0, 64], got %u", s->campaigns);
    if (!(s->campaign_uptake >= 0.0 && s->campaign_uptake <= 1.0))
        FAIL("catalog.campaign_uptake: must be in [0, 1], got %g", s->campaign_uptake);
    if (!(s->in_stock_share >= 0.0 && s->in_stock_share <= 1.0))
        FAIL("catalog.in_stock_share: must be in [0, 1], got %g", s->in_stock_share);
    if (check_mix(s->cohort_mix, COHORT_COUNT, "mix.cohort", errstr, errlen)) return -1;
    for (int k = 0; k < COHORT_COUNT; k++) {
        char name[64];
        snprintf(name, sizeof name, "mix.channel.%s", cohort_names[k]);
        if (check_mix(s->channel_mix[k], CHANNEL_COUNT, name, errstr, errlen)) return -1;
    }
    if (check_mix(s->region_mix, REGION_COUNT, "mix.region", errstr, errlen)) return -1;
    if (check_mix(s->loyalty_mix, TIER_COUNT, "mix.loyalty_tier", errstr, errlen)) return -1;
    if (check_mix(s->payment_mix, PAYMENT_COUNT, "mix.payment_method", errstr, errlen)) return -1;
    if (check_mix(s->status_mix, STATUS_COUNT, "mix.status", errstr, errlen)) return -1;
    if (check_mix(s->items_mix, ITEMS_MAX, "mix.item_count", errstr, errlen)) return -1;
    if (check_mix(s->quantity_mix, QUANTITY_MAX, "mix.quantity", errstr, errlen)) return -1;
    if (s->start_ms < 0 || s->start_ms > INT64_C(4102444800000))
        FAIL("start: must be between 1970 and 2100");
    char err[400];
    if (scenario_validate(&s->scenario, s->products, err, sizeof err) != 0)
        FAIL("scenario %s: %s", s->scenario.name, err);
    return 0;
}
