/* SPDX-License-Identifier: Apache-2.0 */
/* settings.c - the engine's defaults and their checks (see settings.h).
 *
 * Keep these values and config/shopstream.cfg in step: tests compare them. */
#include "settings.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "simtime.h"

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
        { 0.20, 0.40, 0.40 },
        { 0.40, 0.35, 0.25 },
        { 0.40, 0.35, 0.25 },
        { 0.70, 0.30, 0.00 },
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
    s->product_changes = 1;
    s->customer_changes = 1;
    s->lifecycle = 1;
    s->payment_retry_share = 0.03;
    s->return_share = 0.08;
    s->late_max_ms = 10 * 60000;
    s->duplicate_max_ms = 60000;
}

/* An error about field f of engine_settings: its offset and the message. */
#define FAIL_AT(f, ...)                                                                                                \
    do {                                                                                                               \
        *field = offsetof(engine_settings, f);                                                                         \
        snprintf(errstr, errlen, __VA_ARGS__);                                                                         \
        return -1;                                                                                                     \
    } while (0)

static int check_mix(const double *p, int n, char *errstr, size_t errlen) {
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        if (!(p[i] >= 0.0 && p[i] <= 1.0)) {
            snprintf(errstr, errlen, "each share must be in [0, 1], got %g", p[i]);
            return -1;
        }
        sum += p[i];
    }
    if (fabs(sum - 1.0) > 1e-6) {
        snprintf(errstr, errlen, "shares must add up to 1, they add up to %g", sum);
        return -1;
    }
    return 0;
}

#define CHECK_MIX(f, n)                                                                                                \
    do {                                                                                                               \
        if (check_mix(s->f, n, errstr, errlen)) {                                                                      \
            *field = offsetof(engine_settings, f);                                                                     \
            return -1;                                                                                                 \
        }                                                                                                              \
    } while (0)

int engine_settings_check(const engine_settings *s, size_t *field, char *errstr, size_t errlen) {
    if (s->duration_ms <= 0) FAIL_AT(duration_ms, "must be positive");
    if (s->slice_ms <= 0 || HOUR_MS % s->slice_ms != 0)
        FAIL_AT(slice_ms, "must divide an hour (3600000 ms), got %lld", (long long)s->slice_ms);
    if ((s->duration_ms - 1) / s->slice_ms + 1 > ENGINE_MAX_SLICES) /* the plan's count: a partial slice is one */
        FAIL_AT(duration_ms, "%lld ms is more than %lld slices of %lld ms (the plan keeps every slice)",
                (long long)s->duration_ms, (long long)ENGINE_MAX_SLICES, (long long)s->slice_ms);
    if (!(s->base_orders_per_hour >= 0.0 && s->base_orders_per_hour <= 1e12))
        FAIL_AT(base_orders_per_hour, "must be in [0, 1e12], got %g", s->base_orders_per_hour);
    if (!(s->intensity >= 0.0 && s->intensity <= 1e9)) FAIL_AT(intensity, "must be in [0, 1e9], got %g", s->intensity);
    for (int h = 0; h < 24; h++)
        if (!(s->daily_curve[h] >= 0.0 && s->daily_curve[h] <= 1000.0))
            FAIL_AT(daily_curve, "hour %d must be in [0, 1000], got %g", h, s->daily_curve[h]);
    if (s->customers < 1 || s->customers > 100000000u)
        FAIL_AT(customers, "must be in [1, 100000000], got %u", s->customers);
    if (s->products < 1 || s->products > 1000000u) FAIL_AT(products, "must be in [1, 1000000], got %u", s->products);
    if (s->campaigns > 64) FAIL_AT(campaigns, "must be in [0, 64], got %u", s->campaigns);
    if (!(s->campaign_uptake >= 0.0 && s->campaign_uptake <= 1.0))
        FAIL_AT(campaign_uptake, "must be in [0, 1], got %g", s->campaign_uptake);
    if (!(s->in_stock_share >= 0.0 && s->in_stock_share <= 1.0))
        FAIL_AT(in_stock_share, "must be in [0, 1], got %g", s->in_stock_share);
    CHECK_MIX(cohort_mix, COHORT_COUNT);
    for (int k = 0; k < COHORT_COUNT; k++)
        if (check_mix(s->channel_mix[k], CHANNEL_COUNT, errstr, errlen)) {
            *field = offsetof(engine_settings, channel_mix) + (size_t)k * sizeof s->channel_mix[0];
            return -1;
        }
    CHECK_MIX(region_mix, REGION_COUNT);
    CHECK_MIX(loyalty_mix, TIER_COUNT);
    CHECK_MIX(payment_mix, PAYMENT_COUNT);
    CHECK_MIX(status_mix, STATUS_COUNT);
    CHECK_MIX(items_mix, ITEMS_MAX);
    CHECK_MIX(quantity_mix, QUANTITY_MAX);
    if (s->start_ms < 0 || s->start_ms > INT64_C(4102444800000)) FAIL_AT(start_ms, "must be between 1970 and 2100");
    if (!(s->payment_retry_share >= 0.0 && s->payment_retry_share <= 1.0))
        FAIL_AT(payment_retry_share, "must be in [0, 1], got %g", s->payment_retry_share);
    if (!(s->return_share >= 0.0 && s->return_share <= 1.0))
        FAIL_AT(return_share, "must be in [0, 1], got %g", s->return_share);
    if (!(s->late_share >= 0.0 && s->late_share <= 1.0))
        FAIL_AT(late_share, "must be in [0, 1], got %g", s->late_share);
    if (s->late_max_ms < 1 || s->late_max_ms > DAY_MS)
        FAIL_AT(late_max_ms, "must be in [1 ms, 1 day], got %lld ms", (long long)s->late_max_ms);
    if (!(s->duplicate_share >= 0.0 && s->duplicate_share <= 1.0))
        FAIL_AT(duplicate_share, "must be in [0, 1], got %g", s->duplicate_share);
    if (s->duplicate_max_ms < 1 || s->duplicate_max_ms > DAY_MS)
        FAIL_AT(duplicate_max_ms, "must be in [1 ms, 1 day], got %lld ms", (long long)s->duplicate_max_ms);
    char err[400];
    if (scenario_validate(&s->scenario, s->products, err, sizeof err) != 0)
        FAIL_AT(scenario, "%s: %s", s->scenario.name, err);
    return 0;
}

/* The engine's own names of its fields, for engine_settings_validate. */
static const struct {
    size_t offset;
    const char *name;
} field_names[] = {
#define NAME(f)                                                                                                        \
    { offsetof(engine_settings, f), #f }
    NAME(seed),
    NAME(start_ms),
    NAME(duration_ms),
    NAME(slice_ms),
    NAME(base_orders_per_hour),
    NAME(intensity),
    NAME(daily_curve),
    NAME(customers),
    NAME(products),
    NAME(campaigns),
    NAME(campaign_uptake),
    NAME(in_stock_share),
    NAME(cohort_mix),
    NAME(channel_mix),
    NAME(region_mix),
    NAME(loyalty_mix),
    NAME(payment_mix),
    NAME(status_mix),
    NAME(items_mix),
    NAME(quantity_mix),
    NAME(scenario),
    NAME(product_changes),
    NAME(customer_changes),
    NAME(lifecycle),
    NAME(payment_retry_share),
    NAME(return_share),
    NAME(late_share),
    NAME(late_max_ms),
    NAME(duplicate_share),
    NAME(duplicate_max_ms),
#undef NAME
};

int engine_settings_validate(const engine_settings *s, char *errstr, size_t errlen) {
    size_t field = 0;
    char msg[512];
    if (engine_settings_check(s, &field, msg, sizeof msg) == 0) return 0;
    const char *name = "?";
    for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
        if (field_names[i].offset <= field) name = field_names[i].name; /* the field holding it */
    snprintf(errstr, errlen, "%s: %s", name, msg);
    return -1;
}
