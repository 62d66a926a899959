/* SPDX-License-Identifier: Apache-2.0 */
/* settings.h - everything the engine needs to know, as plain C structs.
 *
 * The engine never reads files: producer/options/ (config_file.c, cli.c,
 * through the option table) parses the config files and the command line
 * into an engine_settings. engine_settings_default() holds the
 * same values as config/shopstream.cfg, so a run without a config file and a
 * run with the shipped one are the same run.
 *
 * Mixes are probabilities; the engine turns them into 32-bit integer
 * thresholds once, so no per-record draw touches floating point. */
#ifndef SHOPSTREAM_SETTINGS_H
#define SHOPSTREAM_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "domain.h"
#include "scenario.h"

/* The most slices a run may span: the plan holds every slice (88 bytes each,
 * so at most 352 MB); with one-minute slices that is 7.6 years. */
#define ENGINE_MAX_SLICES INT64_C(4000000)

typedef struct engine_settings {
    uint64_t seed;
    int64_t start_ms;    /* simulated start, Unix epoch milliseconds */
    int64_t duration_ms; /* simulated span of the run */
    int64_t slice_ms;    /* generation unit; divides an hour */

    double base_orders_per_hour; /* at intensity 1 and daily curve 1 */
    double intensity;
    double daily_curve[24]; /* multiplier by hour of day (UTC of the simulated clock) */

    uint32_t customers;
    uint32_t products;
    uint32_t campaigns;
    double campaign_uptake; /* share of orders in a matching campaign's window that use it */
    double in_stock_share;

    double cohort_mix[COHORT_COUNT];
    double channel_mix[COHORT_COUNT][CHANNEL_COUNT];
    double region_mix[REGION_COUNT];
    double loyalty_mix[TIER_COUNT];
    double payment_mix[PAYMENT_COUNT];
    double status_mix[STATUS_COUNT];
    double items_mix[ITEMS_MAX];       /* P(item_count = i + 1) */
    double quantity_mix[QUANTITY_MAX]; /* P(quantity = i + 1) */

    scenario scenario;

    int product_changes;  /* products reprice and go out of stock over the run (versions.c) */
    int customer_changes; /* customers change tier and region, and close accounts (customer_versions.c) */

    /* After checkout (lifecycle.h): payments, shipments, returns. */
    int lifecycle;              /* 0: orders end at checkout, as before */
    double payment_retry_share; /* paid orders whose first attempt is declined */
    double return_share;        /* delivered orders that are returned */

    /* Delivery of fact messages (delivery.h): late and duplicate shares. */
    double late_share;
    int64_t late_max_ms;
    double duplicate_share;
    int64_t duplicate_max_ms;
} engine_settings;

void engine_settings_default(engine_settings *s);

/* Checks ranges and sums. On error: -1, the offset within engine_settings
 * (offsetof) of the field at fault in *field, and one line in errstr that
 * says what is wrong without naming the field: the caller names the setting
 * as its user wrote it (the producer's option table maps offsets to config
 * paths and flags), so no caller parses the text. */
int engine_settings_check(const engine_settings *s, size_t *field, char *errstr, size_t errlen);

/* The same, the message led by the engine's own name of the field
 * ("intensity: must be in [0, 1e9], got -1"), for callers without names of
 * their own (engine_new, the engine-only tools). */
int engine_settings_validate(const engine_settings *s, char *errstr, size_t errlen);

#endif
