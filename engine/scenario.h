/* SPDX-License-Identifier: Apache-2.0 */
/* scenario.h - a scenario: a timeline of effects on the simulated shop.
 *
 * Each entry of the timeline is active for start_h <= t < end_h (simulated
 * hours from the start of the run) and carries one or more effects. Effects
 * that stack (SCENARIO_STACKING) may overlap: rate multipliers, return
 * waves and price cuts multiply, campaigns add up, carrier delays add. Any
 * other effect may be set by one entry at a time (two that overlap and set
 * the same effect contradict each other and are refused).
 *
 * Rate, focus, cohort, channel and campaign shape the orders as they are
 * placed; payment_failure, carrier_delay and return_wave shape their lives
 * (lifecycle.h); price_war the product versions (catalog.h); late their
 * delivery (delivery.h).
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
    EFFECT_CARRIER_DELAY = 1u << 6,   /* deliveries due in the window slip by hours */
    EFFECT_RETURN_WAVE = 1u << 7,     /* orders delivered in the window are returned more often */
    EFFECT_PRICE_WAR = 1u << 8,       /* a category's prices are cut for the window */
    EFFECT_LATE = 1u << 9,            /* a share of one channel's orders arrives late */
};

#define SCENARIO_STACKING (EFFECT_RATE | EFFECT_CAMPAIGN | EFFECT_CARRIER_DELAY | EFFECT_RETURN_WAVE | EFFECT_PRICE_WAR)

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
    unsigned kinds; /* enum effect_kind bits */
    ramp rate;
    double failure_rate;
    uint32_t failure_methods; /* bit per payment_method; 0 = every method */
    int64_t focus_product;    /* product id, or 0 with focus_category */
    int8_t focus_category;    /* -1 with focus_product */
    ramp focus_share;
    int8_t cohort;
    double cohort_share;
    int8_t channel;
    double channel_share;
    scenario_campaign campaign;
    int8_t delay_carrier; /* enum carrier, or -1: every carrier */
    int8_t delay_region;  /* enum region, or -1: every region */
    double delay_h;       /* hours a delivery slips */
    double return_factor; /* x the return share */
    int8_t war_category;  /* enum category */
    int32_t war_cut_pct;  /* prices down by this percentage */
    int8_t late_channel;  /* enum channel, or -1: every channel */
    double late_share;    /* of the orders placed in the window */
    int64_t late_max_ms;  /* released up to this long after placement */
} scenario_effect;

typedef struct scenario {
    char name[SCENARIO_NAME_MAX];
    size_t n_effects;
    scenario_effect effects[SCENARIO_EFFECTS_MAX];
} scenario;

/* Effect e's window [*from_ms, *to_ms) in simulated time, for a run that
 * starts at start_ms. */
void scenario_window_ms(const scenario_effect *e, int64_t start_ms, int64_t *from_ms, int64_t *to_ms);

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
int scenario_check(const scenario *sc, uint32_t products, size_t *effect, size_t *other, char *errstr, size_t errlen);

/* Appends the effects of add to into (composing two scenarios). */
int scenario_compose(scenario *into, const scenario *add, char *errstr, size_t errlen);

/* e^x and ln x from +, -, *, / only: the same bits on every IEEE-754
 * machine, unlike libm's (which may differ in the last place). */
double det_exp(double x);
double det_log(double x);

#endif
