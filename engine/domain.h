/* SPDX-License-Identifier: Apache-2.0 */
/* domain.h - the closed sets of the shop's domain and their wire names.
 *
 * The engine works with small integer codes; the names below are the Avro
 * enum symbols of the schemas/ files. The producer maps codes to schema symbols
 * by name at start-up, so the schema's symbol order is free to differ. */
#ifndef SHOPSTREAM_DOMAIN_H
#define SHOPSTREAM_DOMAIN_H

enum cohort { COHORT_GEN_Z, COHORT_MILLENNIAL, COHORT_GEN_X, COHORT_BOOMER, COHORT_COUNT };
enum channel { CHANNEL_WEB, CHANNEL_MOBILE_WEB, CHANNEL_MOBILE_APP, CHANNEL_COUNT };
enum region {
    REGION_US_EAST,
    REGION_US_WEST,
    REGION_EU_WEST,
    REGION_EU_CENTRAL,
    REGION_APAC,
    REGION_LATAM,
    REGION_COUNT
};
enum loyalty_tier { TIER_BRONZE, TIER_SILVER, TIER_GOLD, TIER_PLATINUM, TIER_COUNT };
enum category {
    CATEGORY_ELECTRONICS,
    CATEGORY_FASHION,
    CATEGORY_HOME,
    CATEGORY_BEAUTY,
    CATEGORY_SPORTS,
    CATEGORY_BOOKS,
    CATEGORY_TOYS,
    CATEGORY_GROCERY,
    CATEGORY_COUNT
};
enum payment_method {
    PAYMENT_CARD,
    PAYMENT_PAYPAL,
    PAYMENT_APPLE_PAY,
    PAYMENT_GOOGLE_PAY,
    PAYMENT_BANK_TRANSFER,
    PAYMENT_COUNT
};
enum order_status { STATUS_PLACED, STATUS_PAID, STATUS_PAYMENT_FAILED, STATUS_CANCELLED, STATUS_COUNT };

/* Items per order run from 1 to ITEMS_MAX; quantity per line from 1 to QUANTITY_MAX. */
#define ITEMS_MAX 5
#define QUANTITY_MAX 4

extern const char *const cohort_names[COHORT_COUNT];
extern const char *const channel_names[CHANNEL_COUNT];
extern const char *const region_names[REGION_COUNT];
extern const char *const loyalty_tier_names[TIER_COUNT];
extern const char *const category_names[CATEGORY_COUNT];
extern const char *const payment_method_names[PAYMENT_COUNT];
extern const char *const order_status_names[STATUS_COUNT];

/* The index of name in names[0..n), or -1. */
int domain_lookup(const char *const *names, int n, const char *name);

#endif
