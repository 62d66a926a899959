/* SPDX-License-Identifier: Apache-2.0 */
/* domain.c - wire names of the domain's closed sets (see domain.h). */
#include "domain.h"

#include <string.h>

const char *const cohort_names[COHORT_COUNT] = { "gen_z", "millennial", "gen_x", "boomer" };
const char *const channel_names[CHANNEL_COUNT] = { "web", "mobile_web", "mobile_app" };
const char *const region_names[REGION_COUNT] = { "us_east", "us_west", "eu_west", "eu_central", "apac", "latam" };
const char *const loyalty_tier_names[TIER_COUNT] = { "bronze", "silver", "gold", "platinum" };
const char *const category_names[CATEGORY_COUNT] = { "electronics", "fashion", "home", "beauty",
                                                     "sports",      "books",   "toys", "grocery" };
const char *const payment_method_names[PAYMENT_COUNT] = { "card", "paypal", "apple_pay", "google_pay",
                                                          "bank_transfer" };
const char *const order_status_names[STATUS_COUNT] = { "placed", "paid", "payment_failed", "cancelled" };

int domain_lookup(const char *const *names, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}
