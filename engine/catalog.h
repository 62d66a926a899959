/* SPDX-License-Identifier: Apache-2.0 */
/* catalog.h - the shop's dimension data: customers, products, campaigns.
 *
 * Built once per run from the seed, before any order. Ids are dense from 1.
 * Products carry alias tables over their popularity weights (a few sell
 * most), overall and per category, so the generator picks a product with two
 * integer compares. The scenario's campaigns follow the random ones. */
#ifndef SHOPSTREAM_CATALOG_H
#define SHOPSTREAM_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "portable.h"
#include "settings.h"

#define CATALOG_NAME_MAX 48

/* A customer as of the run's start; its changes over the run are its
 * versions (customer_versions.c). An account closed at closed_ms places no
 * order from then on: the generator gives such an order to its heir, a
 * customer of the same cohort whose account stays open (order_gen.h). */
typedef struct customer {
    int64_t id;
    int64_t signup_ms;
    int64_t closed_ms;                  /* INT64_MAX: open through the run */
    uint32_t first_version, n_versions; /* into catalog.customer_versions */
    uint32_t heir;                      /* index of who takes its orders after closed_ms */
    uint8_t cohort;
    uint8_t preferred_channel;
    uint8_t region; /* at the run's start: what an order's life and expect's by_region read */
    uint8_t loyalty_tier;
} customer;

/* A customer from valid_from_ms on: its tier and region, or closed (a
 * delete: no version follows). Version 0 is the customer at the start. */
typedef struct customer_version {
    int64_t valid_from_ms;
    uint8_t loyalty_tier, region, closed;
} customer_version;

/* At most this many versions per customer and run. */
#define CUSTOMER_VERSIONS_MAX 32

/* What a product is from valid_from_ms on, until its next version: its
 * price and whether it can be sold. */
typedef struct product_version {
    int64_t valid_from_ms;
    int64_t price_cents;
    uint8_t in_stock;
} product_version;

/* At most this many changes of its own per product and run (versions.c);
 * a scenario's price wars add a version where each begins and ends, so
 * with them up to PRODUCT_VERSIONS_WITH_WARS_MAX: every war acts. */
#define PRODUCT_VERSIONS_MAX 64
#define PRODUCT_VERSIONS_WITH_WARS_MAX (PRODUCT_VERSIONS_MAX + 2 * SCENARIO_EFFECTS_MAX)

typedef struct product {
    int64_t id;
    int64_t price_cents;                /* at the run's start (version 0) */
    uint32_t first_version, n_versions; /* into catalog.versions */
    uint32_t weight;                    /* integer popularity weight; Zipf over a random rank */
    double popularity;                  /* weight / heaviest weight, in (0, 1] */
    uint8_t category;
    bool in_stock;
    char name[CATALOG_NAME_MAX];
} product;

typedef struct campaign {
    int64_t id;
    uint32_t uptake; /* threshold on a 32-bit uniform */
    int32_t discount_pct;
    int8_t target_category; /* -1: any */
    int8_t target_cohort;   /* -1: any */
    int64_t start_ms;
    int64_t end_ms; /* exclusive */
    char name[CATALOG_NAME_MAX];
} campaign;

/* Vose's alias table over n weighted items: item j is kept when a 32-bit
 * uniform is below threshold[j] (<= 2^32), else alias[j] is taken. */
typedef struct alias_table {
    size_t n;
    uint64_t *threshold;
    uint32_t *alias;
    uint32_t *item; /* position -> product index; NULL: the identity */
} alias_table;

typedef struct catalog {
    customer *customers;
    size_t n_customers;
    uint32_t *by_cohort[COHORT_COUNT]; /* customer indices of each cohort */
    size_t n_by_cohort[COHORT_COUNT];
    product *products;
    size_t n_products;
    alias_table popularity; /* every product */
    alias_table category_popularity[CATEGORY_COUNT];
    product_version *versions; /* every product's, in product order, by time */
    size_t n_versions;
    customer_version *customer_versions; /* every customer's, in customer order, by time */
    size_t n_customer_versions;
    campaign *campaigns; /* the random ones, then the scenario's */
    size_t n_campaigns;
    size_t n_scenario_campaigns;
} catalog;

int catalog_new(catalog *c, const engine_settings *s, char *errstr, size_t errlen);

/* versions.c: each product's versions over the run: version 0 at the start
 * (its catalog price and stock), then, when s->product_changes is on,
 * repricings every 6 h to 6 d (3-15% up or down), stock-outs of 2-48 h, and
 * restocking of products that start out of stock, and the scenario's price
 * wars on the product's category. -1 when out of memory. */
int catalog_build_versions(catalog *c, const engine_settings *s);

/* customer_versions.c: each customer's versions over the run: version 0
 * at the start, then, when s->customer_changes is on, a change every 1 h to
 * 90 d: a loyalty tier up or down one (three in four), a move to another
 * region, or (one in ten) the account closed, its last. Customer 1 never
 * closes; every closed customer's heir is the next customer of its cohort
 * (in id order, around) that stays open, else customer 1. -1 when out of
 * memory. */
int catalog_build_customer_versions(catalog *c, const engine_settings *s);

/* The version of customer cu valid at t. */
static inline const customer_version *customer_version_at(const catalog *c, const customer *cu, int64_t t) {
    const customer_version *v = &c->customer_versions[cu->first_version];
    for (uint32_t i = 1; i < cu->n_versions && c->customer_versions[cu->first_version + i].valid_from_ms <= t; i++)
        v = &c->customer_versions[cu->first_version + i];
    return v;
}

/* The version of p valid at t (version 0 before its first change). */
ENGINE_HD static inline const product_version *product_version_at(const product_version *versions, const product *p,
                                                                  int64_t t) {
    const product_version *v = &versions[p->first_version];
    for (uint32_t i = 1; i < p->n_versions && versions[p->first_version + i].valid_from_ms <= t; i++)
        v = &versions[p->first_version + i];
    return v;
}
void catalog_free(catalog *c);

/* A product index (0-based) from two uniform words; a (category) table of
 * no products gives -1. */
ENGINE_HD static inline int64_t alias_pick(const alias_table *t, uint32_t u_col, uint32_t u_keep) {
    if (t->n == 0) return -1;
    uint32_t j = (uint32_t)(((uint64_t)u_col * t->n) >> 32);
    uint32_t k = (uint64_t)u_keep < t->threshold[j] ? j : t->alias[j];
    return t->item ? t->item[k] : k;
}

#endif
