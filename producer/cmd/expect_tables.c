/* SPDX-License-Identifier: Apache-2.0 */
/* expect_tables.c - the tables' state at each window's end (see
 * expect_tables.h). */
#include "expect_tables.h"

#include <stdlib.h>
#include <string.h>

/* Floor division for times before 1970 too. */
static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* Every customer as version 0 has it. */
static void customers_at_start(const catalog *c, table_state *s) {
    for (size_t i = 0; i < c->n_customers; i++) {
        s->customers++;
        s->by_tier[c->customers[i].loyalty_tier]++;
        s->by_region[c->customers[i].region]++;
    }
}

/* Each later customer version's change, in its window of out->at_end. */
static void customer_changes(const expect_tally *t, const catalog *c, expect_tables *out) {
    for (size_t i = 0; i < c->n_customers; i++) {
        const customer *cu = &c->customers[i];
        for (uint32_t k = cu->first_version + 1; k < cu->first_version + cu->n_versions; k++) {
            const customer_version *was = &c->customer_versions[k - 1], *v = &c->customer_versions[k];
            int64_t w = floor_div(v->valid_from_ms - t->origin_ms, t->window_ms);
            if (w < 0) w = 0;
            if ((size_t)w >= out->n) continue;
            table_state *d = &out->at_end[w];
            d->by_tier[was->loyalty_tier]--;
            d->by_region[was->region]--;
            if (v->closed) {
                d->customers--;
                d->closed++;
                continue;
            }
            d->by_tier[v->loyalty_tier]++;
            d->by_region[v->region]++;
        }
    }
}

int expect_tables_make(const expect_tally *t, const catalog *c, expect_tables *out) {
    memset(out, 0, sizeof *out);
    out->n = t->n_windows;
    out->at_end = calloc(t->n_windows ? t->n_windows : 1, sizeof *out->at_end);
    if (!out->at_end) return -1;
    /* products: each version's change of in_stock, in its window */
    for (size_t i = 0; i < c->n_products; i++) {
        const product *p = &c->products[i];
        out->final.products++;
        out->final.products_in_stock += c->versions[p->first_version].in_stock;
        for (uint32_t k = p->first_version + 1; k < p->first_version + p->n_versions; k++) {
            int delta = (int)c->versions[k].in_stock - (int)c->versions[k - 1].in_stock;
            int64_t w = floor_div(c->versions[k].valid_from_ms - t->origin_ms, t->window_ms);
            if (w < 0) w = 0;
            if ((size_t)w < out->n) out->at_end[w].products_in_stock += delta;
        }
    }
    customers_at_start(c, &out->final);
    customer_changes(t, c, out);
    table_state run = out->final;
    for (size_t w = 0; w < out->n; w++) {
        const expect_window *x = &t->windows[w];
        table_state *d = &out->at_end[w];
        run.products_in_stock += d->products_in_stock;
        run.customers += d->customers;
        run.closed += d->closed;
        for (int k = 0; k < TIER_COUNT; k++) run.by_tier[k] += d->by_tier[k];
        for (int k = 0; k < REGION_COUNT; k++) run.by_region[k] += d->by_region[k];
        run.orders += x->row_orders;
        run.items += x->row_items;
        for (int s = 0; s < ROW_STATUS_COUNT; s++) {
            run.status[s] += x->row_status[s];
            run.status_cents[s] += x->row_status_cents[s];
        }
        out->at_end[w] = run;
    }
    out->final = run;
    return 0;
}

static void counts(FILE *out, const char *key, const int64_t *v, const char *const *names, size_t n) {
    fprintf(out, ", \"%s\": {", key);
    for (size_t i = 0; i < n; i++) fprintf(out, "%s\"%s\": %lld", i ? ", " : "", names[i], (long long)v[i]);
    fputc('}', out);
}

void expect_tables_json(FILE *out, const table_state *s) {
    fprintf(out, "{\"orders\": %lld, \"order_items\": %lld, \"orders_by_status\": {", (long long)s->orders,
            (long long)s->items);
    for (int i = 0; i < ROW_STATUS_COUNT; i++)
        fprintf(out, "%s\"%s\": {\"count\": %lld, \"total_cents\": %lld}", i ? ", " : "", order_row_status_names[i],
                (long long)s->status[i], (long long)s->status_cents[i]);
    fprintf(out, "}, \"customers\": %lld, \"customers_closed\": %lld", (long long)s->customers, (long long)s->closed);
    counts(out, "customers_by_tier", s->by_tier, loyalty_tier_names, TIER_COUNT);
    counts(out, "customers_by_region", s->by_region, region_names, REGION_COUNT);
    fprintf(out, ", \"products\": %lld, \"products_in_stock\": %lld, \"products_out_of_stock\": %lld}",
            (long long)s->products, (long long)s->products_in_stock, (long long)(s->products - s->products_in_stock));
}

void expect_tables_free(expect_tables *x) {
    if (!x) return;
    free(x->at_end);
    x->at_end = NULL;
}
