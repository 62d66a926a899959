/* catalog.h - the shop's dimension data: customers, products, campaigns.
 *
 * Built once per run from the seed, before any order. Ids are dense from 1.
 * Products carry an alias table over their popularity weights (a few sell
 * most), so the generator picks a product with two integer compares. */
#ifndef SHOPSTREAM_CATALOG_H
#define SHOPSTREAM_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "settings.h"

#define CATALOG_NAME_MAX 48

typedef struct customer {
    int64_t id;
    int64_t signup_ms;
    uint8_t cohort;
    uint8_t preferred_channel;
    uint8_t region;
    uint8_t loyalty_tier;
} customer;

typedef struct product {
    int64_t id;
    int64_t price_cents;
    uint32_t weight;     /* integer popularity weight; Zipf over a random rank */
    double popularity;   /* weight / heaviest weight, in (0, 1] */
    uint8_t category;
    bool in_stock;
    char name[CATALOG_NAME_MAX];
} product;

typedef struct campaign {
    int64_t id;
    int32_t discount_pct;
    int8_t target_category; /* -1: any */
    int8_t target_cohort;   /* -1: any */
    int64_t start_ms;
    int64_t end_ms;         /* exclusive */
    char name[CATALOG_NAME_MAX];
} campaign;

typedef struct catalog {
    customer *customers;
    size_t n_customers;
    product *products;
    size_t n_products;
    uint64_t *alias_threshold; /* per product: keep it when u32 < threshold (<= 2^32) */
    uint32_t *alias_index;     /* else take this one */
    campaign *campaigns;
    size_t n_campaigns;
} catalog;

int catalog_build(catalog *c, const engine_settings *s, char *errstr, size_t errlen);
void catalog_free(catalog *c);

/* Product index (0-based) for two uniform words. */
static inline uint32_t catalog_pick_product(const catalog *c, uint32_t u_col, uint32_t u_keep) {
    uint32_t j = (uint32_t)(((uint64_t)u_col * c->n_products) >> 32);
    return (uint64_t)u_keep < c->alias_threshold[j] ? j : c->alias_index[j];
}

#endif
