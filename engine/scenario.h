/* SPDX-License-Identifier: Apache-2.0 */
/* scenario.h - a scenario: a timeline of effects on the simulated shop.
 *
 * Each entry of the timeline is active for start_h <= t < end_h (simulated
 * hours from the start of the run) and carries one or more effects. Rate
 * multipliers of overlapping entries multiply, and campaigns add up; any
 * other effect may be set by one entry at a time (two that overlap and set
 * the same effect contradict each other and are refused).
 *
 * The engine reads scenarios as these structs; producer/scenario_file.c
 * parses them from config/scenarios/ files. Values that vary with time are
 * ramps, evaluated once per slice on the host, so the per-record path sees
 * integer thresholds only. */
#ifndef SHOPSTREAM_SCENARIO_H
#define SHOPSTREAM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#define SCENARIO_NAME_MAX 128
#define SCENARIO_EFFECTS_MAX 32
#define SCENARIO_TEXT_MAX 48

typedef enum ramp_kind { RAMP_CONSTANT, RAMP_LINEAR, RAMP_EXPONENTIAL } ramp_kind;

/* A value over an entry's window: constant (from), linear from -> to, or
 * exponential from -> to (from x (to / from)^f, both > 0). */
typedef struct ramp {
    ramp_kind kind;
    double from;
    double to;
} ramp;

enum effect_kind {
    EFFECT_RATE = 1u << 0,            /* orders per hour x rate */
    EFFECT_PAYMENT_FAILURE = 1u << 1, /* a share of payments with these methods fail */
    EFFECT_FOCUS = 1u << 2,           /* a share of order lines goes to one product or category */
    EFFECT_COHORT = 1u << 3,          /* a share of orders comes from one cohort */
    EFFECT_CHANNEL = 1u << 4,         /* a share of orders uses one channel */
    EFFECT_CAMPAIGN = 1u << 5,        /* a campaign runs for the window */
};

typedef struct scenario_campaign {
    char name[SCENARIO_TEXT_MAX];
    int32_t discount_pct;
    int8_t target_category; /* -1: any */
    int8_t target_cohort;   /* -1: any */
    double uptake;          /* share of eligible orders that use it */
} scenario_campaign;

typedef struct scenario_effect {
    double start_h;
    double end_h;
    unsigned kinds;               /* enum effect_kind bits */
    ramp rate;
    double failure_rate;
    uint32_t failure_methods;     /* bit per payment_method; 0 = every method */
    int64_t focus_product;        /* product id, or 0 with focus_category */
    int8_t focus_category;        /* -1 with focus_product */
    ramp focus_share;
    int8_t cohort;
    double cohort_share;
    int8_t channel;
    double channel_share;
    scenario_campaign campaign;
} scenario_effect;

typedef struct scenario {
    char name[SCENARIO_NAME_MAX];
    size_t n_effects;
    scenario_effect effects[SCENARIO_EFFECTS_MAX];
} scenario;

/* The ramp's value at fraction f in [0, 1] of its window. Host only. */
double ramp_at(const ramp *r, double f);

/* The least from and to of an exponential ramp: their ratio then stays
 * within 1e15, where det_log and det_exp are exact enough and finite. */
#define RAMP_EXPONENTIAL_MIN 1e-9

/* Checks every entry and that no two contradict; errors start with
 * "effect N" (1-based) so callers can point at the file line. */
int scenario_validate(const scenario *sc, uint32_t products, char *errstr, size_t errlen);

/* The same checks, naming the effect by index instead of in the text:
 * *effect is the one at fault, *other the one it contradicts (SIZE_MAX if
 * none), so a caller can point at the lines that wrote them. */
int scenario_check(const scenario *sc, uint32_t products, size_t *effect, size_t *other, char *errstr,
                   size_t errlen);

/* Appends the effects of add to into (composing two scenarios). */
int scenario_compose(scenario *into, const scenario *add, char *errstr, size_t errlen);

/* e^x and ln x from +, -, *, / only: the same bits on every IEEE-754
 * machine, unlike libm's (which may differ in the last place). */
double det_exp(double x);
double det_log(double x);

#endif
