/* SPDX-License-Identifier: Apache-2.0 */
/* catalog.c - customers, products and campaigns from the seed (see catalog.h).
 *
 * Every entity is drawn from Philox at (entity index, its stream), so the
 * catalog is a pure function of the settings. Runs on the host only; the GPU
 * stage uploads the finished tables. */
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mix.h"
#include "philox.h"
#include "streams.h"
#include "simtime.h"

#define ZIPF_TOP_WEIGHT 1000000u

static const int64_t price_range_cents[CATEGORY_COUNT][2] = {
    { 1999, 149999 }, /* electronics */
    { 999, 19999 },   /* fashion */
    { 799, 49999 },   /* home */
    { 499, 9999 },    /* beauty */
    { 999, 29999 },   /* sports */
    { 499, 4999 },    /* books */
    { 599, 9999 },    /* toys */
    { 199, 2999 },    /* grocery */
};

static const char *const adjectives[] = {
    "Aurora", "Nimbus", "Atlas",  "Cedar",  "Coral",  "Ember",  "Harbor", "Juniper", "Lumen",  "Maple",
    "Nova",   "Orbit",  "Pebble", "Quartz", "Rustic", "Sierra", "Tidal",  "Velvet",  "Willow", "Zenith",
};

static const char *const nouns[CATEGORY_COUNT][6] = {
    { "Headphones", "Smartwatch", "Speaker", "Tablet", "Charger", "Camera" },
    { "Jacket", "Sneakers", "Scarf", "Backpack", "Sunglasses", "Hoodie" },
    { "Lamp", "Blender", "Throw Blanket", "Cookware Set", "Vase", "Desk Organizer" },
    { "Serum", "Lip Balm", "Face Mask", "Moisturizer", "Perfume", "Hair Oil" },
    { "Yoga Mat", "Water Bottle", "Running Belt", "Dumbbells", "Bike Light", "Tent" },
    { "Cookbook", "Novel", "Atlas", "Journal", "Field Guide", "Poetry Collection" },
    { "Puzzle", "Building Set", "Plush Bear", "Kite", "Board Game", "Train Set" },
    { "Coffee Beans", "Olive Oil", "Granola", "Green Tea", "Dark Chocolate", "Honey" },
};

static const char *const campaign_themes[] = {
    "Spring", "Summer", "Autumn", "Winter", "Weekend", "Midnight", "Flash", "Mega", "Members", "Holiday",
};
static const char *const campaign_kinds[] = { "Sale", "Deals", "Savings", "Event", "Markdown" };

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static void build_customers(catalog *c, const engine_settings *s, philox_key key) {
    mix cohort, region, tier, channel[COHORT_COUNT];
    mix_init(&cohort, s->cohort_mix, COHORT_COUNT);
    mix_init(&region, s->region_mix, REGION_COUNT);
    mix_init(&tier, s->loyalty_mix, TIER_COUNT);
    for (int k = 0; k < COHORT_COUNT; k++) mix_init(&channel[k], s->channel_mix[k], CHANNEL_COUNT);

    const uint32_t three_years_s = 3u * 365u * 24u * 3600u;
    for (size_t i = 0; i < c->n_customers; i++) {
        philox_ctr r = philox_draw(key, i, STREAM_CUSTOMER, 0);
        customer *cu = &c->customers[i];
        cu->id = (int64_t)i + 1;
        cu->cohort = (uint8_t)mix_draw(&cohort, r.v[0]);
        cu->preferred_channel = (uint8_t)mix_draw(&channel[cu->cohort], r.v[1]);
        cu->region = (uint8_t)mix_draw(&region, r.v[2]);
        cu->loyalty_tier = (uint8_t)mix_draw(&tier, (r.v[3] << 16) | (r.v[3] >> 16));
        cu->signup_ms = s->start_ms - 1000 * (1 + (int64_t)philox_below(r.v[3], three_years_s));
    }
}

/* Vose's alias method in integers: p_j = w_j * n against the total T.
 * weights[j] is the weight of position j; item (may be NULL) maps positions
 * to product indices and is owned by the table afterwards. */
static int alias_build(alias_table *t, const uint32_t *weights, size_t n, uint32_t *item) {
    memset(t, 0, sizeof *t);
    t->item = item;
    t->n = n;
    if (n == 0) return 0;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) total += weights[i];
    t->threshold = malloc(n * sizeof *t->threshold);
    t->alias = malloc(n * sizeof *t->alias);
    uint64_t *scaled = malloc(n * sizeof *scaled);
    uint32_t *small = malloc(n * sizeof *small), *large = malloc(n * sizeof *large);
    int rc = -1;
    if (!t->threshold || !t->alias || !scaled || !small || !large) goto out;
    size_t ns = 0, nl = 0;
    for (size_t i = 0; i < n; i++) {
        scaled[i] = (uint64_t)weights[i] * n;
        if (scaled[i] < total)
            small[ns++] = (uint32_t)i;
        else
            large[nl++] = (uint32_t)i;
    }
    while (ns > 0 && nl > 0) {
        uint32_t sm = small[--ns], l = large[--nl];
        t->threshold[sm] = (uint64_t)(((unsigned __int128)scaled[sm] << 32) / total);
        t->alias[sm] = l;
        scaled[l] = scaled[l] + scaled[sm] - total;
        if (scaled[l] < total)
            small[ns++] = l;
        else
            large[nl++] = l;
    }
    while (nl > 0) {
        uint32_t l = large[--nl];
        t->threshold[l] = UINT64_C(1) << 32;
        t->alias[l] = l;
    }
    while (ns > 0) {
        uint32_t sm = small[--ns];
        t->threshold[sm] = UINT64_C(1) << 32;
        t->alias[sm] = sm;
    }
    rc = 0;
out:
    free(large);
    free(small);
    free(scaled);
    return rc;
}

static void alias_free(alias_table *t) {
    free(t->item);
    free(t->alias);
    free(t->threshold);
    memset(t, 0, sizeof *t);
}

/* Overall and per-category popularity tables. */
static int build_popularity(catalog *c) {
    size_t n = c->n_products;
    uint32_t *w = malloc(n * sizeof *w);
    if (!w) return -1;
    for (size_t i = 0; i < n; i++) w[i] = c->products[i].weight;
    int rc = alias_build(&c->popularity, w, n, NULL);
    for (int k = 0; k < CATEGORY_COUNT && rc == 0; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (c->products[i].category == k) m++;
        uint32_t *item = malloc((m ? m : 1) * sizeof *item);
        if (!item) {
            rc = -1;
            break;
        }
        m = 0;
        for (size_t i = 0; i < n; i++)
            if (c->products[i].category == k) {
                item[m] = (uint32_t)i;
                w[m] = c->products[i].weight;
                m++;
            }
        rc = alias_build(&c->category_popularity[k], w, m, item);
    }
    free(w);
    return rc;
}

static int build_cohort_lists(catalog *c) {
    for (size_t i = 0; i < c->n_customers; i++) c->n_by_cohort[c->customers[i].cohort]++;
    for (int k = 0; k < COHORT_COUNT; k++) {
        c->by_cohort[k] = malloc((c->n_by_cohort[k] ? c->n_by_cohort[k] : 1) * sizeof *c->by_cohort[k]);
        if (!c->by_cohort[k]) return -1;
        c->n_by_cohort[k] = 0;
    }
    for (size_t i = 0; i < c->n_customers; i++) {
        int k = c->customers[i].cohort;
        c->by_cohort[k][c->n_by_cohort[k]++] = (uint32_t)i;
    }
    return 0;
}

static int build_products(catalog *c, const engine_settings *s, philox_key key) {
    size_t n = c->n_products;
    /* A random popularity rank per product: Fisher-Yates over 0..n-1. */
    uint32_t *rank = malloc(n * sizeof *rank);
    if (!rank) return -1;
    for (size_t i = 0; i < n; i++) rank[i] = (uint32_t)i;
    for (size_t i = n - 1; i > 0; i--) {
        philox_ctr r = philox_draw(key, i, STREAM_PRODUCT_RANK, 0);
        uint32_t j = philox_below(r.v[0], (uint32_t)(i + 1));
        uint32_t t = rank[i];
        rank[i] = rank[j];
        rank[j] = t;
    }
    uint32_t in_stock = (uint32_t)(s->in_stock_share * 4294967295.0);
    for (size_t i = 0; i < n; i++) {
        philox_ctr r = philox_draw(key, i, STREAM_PRODUCT, 0);
        product *p = &c->products[i];
        p->id = (int64_t)i + 1;
        p->category = (uint8_t)philox_below(r.v[0], CATEGORY_COUNT);
        int64_t lo = price_range_cents[p->category][0], hi = price_range_cents[p->category][1];
        uint64_t u2 = ((uint64_t)r.v[1] * r.v[1]) >> 32; /* squared: cheap items are commoner */
        int64_t price = lo + (int64_t)(((uint64_t)(hi - lo) * u2) >> 32);
        price = price / 100 * 100 + 99;
        p->price_cents = price > hi ? hi : price;
        p->weight = ZIPF_TOP_WEIGHT / (rank[i] + 1);
        if (p->weight == 0) p->weight = 1;
        p->popularity = (double)p->weight / (double)ZIPF_TOP_WEIGHT;
        p->in_stock = r.v[3] <= in_stock;
        snprintf(p->name, sizeof p->name, "%s %s", adjectives[philox_below(r.v[2], COUNT_OF(adjectives))],
                 nouns[p->category][philox_below(r.v[2] << 8 | r.v[2] >> 24, 6)]);
    }
    free(rank);
    return build_popularity(c);
}

static void build_campaigns(catalog *c, const engine_settings *s, philox_key key) {
    size_t n_random = c->n_campaigns - c->n_scenario_campaigns;
    for (size_t i = 0; i < n_random; i++) {
        philox_ctr r = philox_draw(key, i, STREAM_CAMPAIGN, 0);
        campaign *k = &c->campaigns[i];
        k->id = (int64_t)i + 1;
        k->uptake = mix_share_threshold(s->campaign_uptake);
        k->discount_pct = 5 * (1 + (int32_t)philox_below(r.v[0], 8));
        k->target_category = -1;
        k->target_cohort = -1;
        switch (philox_below(r.v[1], 3)) {
        case 1: k->target_category = (int8_t)philox_below(r.v[1] << 4 | r.v[1] >> 28, CATEGORY_COUNT); break;
        case 2: k->target_cohort = (int8_t)philox_below(r.v[1] << 4 | r.v[1] >> 28, COHORT_COUNT); break;
        default: break;
        }
        k->start_ms = s->start_ms + HOUR_MS * philox_below(r.v[2], 48);
        k->end_ms = k->start_ms + HOUR_MS * (2 + philox_below(r.v[3], 23));
        const char *target = k->target_category >= 0 ? category_names[k->target_category]
                             : k->target_cohort >= 0 ? cohort_names[k->target_cohort]
                                                     : "storewide";
        snprintf(k->name, sizeof k->name, "%s %s (%s)",
                 campaign_themes[philox_below(r.v[2] << 16 | r.v[2] >> 16, COUNT_OF(campaign_themes))],
                 campaign_kinds[philox_below(r.v[3] << 16 | r.v[3] >> 16, COUNT_OF(campaign_kinds))], target);
    }
    /* The scenario's campaigns, with its windows, after the random ones. */
    size_t next = n_random;
    for (size_t i = 0; i < s->scenario.n_effects; i++) {
        const scenario_effect *e = &s->scenario.effects[i];
        if (!(e->kinds & EFFECT_CAMPAIGN)) continue;
        campaign *k = &c->campaigns[next];
        k->id = (int64_t)next + 1;
        next++;
        k->uptake = mix_share_threshold(e->campaign.uptake);
        k->discount_pct = e->campaign.discount_pct;
        k->target_category = e->campaign.target_category;
        k->target_cohort = e->campaign.target_cohort;
        k->start_ms = s->start_ms + (int64_t)(e->start_h * (double)HOUR_MS);
        k->end_ms = s->start_ms + (int64_t)(e->end_h * (double)HOUR_MS);
        snprintf(k->name, sizeof k->name, "%s", e->campaign.name);
    }
}

int catalog_new(catalog *c, const engine_settings *s, char *errstr, size_t errlen) {
    memset(c, 0, sizeof *c);
    c->n_customers = s->customers;
    c->n_products = s->products;
    for (size_t i = 0; i < s->scenario.n_effects; i++)
        if (s->scenario.effects[i].kinds & EFFECT_CAMPAIGN) c->n_scenario_campaigns++;
    c->n_campaigns = s->campaigns + c->n_scenario_campaigns;
    c->customers = calloc(c->n_customers, sizeof *c->customers);
    c->products = calloc(c->n_products, sizeof *c->products);
    c->campaigns = calloc(c->n_campaigns ? c->n_campaigns : 1, sizeof *c->campaigns);
    if (!c->customers || !c->products || !c->campaigns) {
        snprintf(errstr, errlen, "out of memory building the catalog (%u customers, %u products)", s->customers,
                 s->products);
        catalog_free(c);
        return -1;
    }
    philox_key key = philox_key_from_seed(s->seed);
    build_customers(c, s, key);
    if (build_cohort_lists(c) != 0 || build_products(c, s, key) != 0) {
        snprintf(errstr, errlen, "out of memory indexing %u customers and %u products", s->customers, s->products);
        catalog_free(c);
        return -1;
    }
    build_campaigns(c, s, key);
    if (catalog_build_versions(c, s) != 0 || catalog_build_customer_versions(c, s) != 0) {
        snprintf(errstr, errlen, "out of memory for the versions of %u products and %u customers", s->products,
                 s->customers);
        catalog_free(c);
        return -1;
    }
    return 0;
}

void catalog_free(catalog *c) {
    free(c->campaigns);
    free(c->versions);
    free(c->customer_versions);
    for (int k = CATEGORY_COUNT - 1; k >= 0; k--) alias_free(&c->category_popularity[k]);
    alias_free(&c->popularity);
    free(c->products);
    for (int k = COHORT_COUNT - 1; k >= 0; k--) free(c->by_cohort[k]);
    free(c->customers);
    memset(c, 0, sizeof *c);
}
