/* SPDX-License-Identifier: Apache-2.0 */
/* expect_tables.h - what a materialized view of the shop's tables holds at
 * each window's end and at the run's end (`shopstream expect`'s "tables"
 * and "tables_at_end"; docs/guide/changelog.md#what-a-materialized-view-must-hold).
 *
 * The orders and order_items tables are the tally's per-window changes
 * (expect.h) summed from the run's first window; products in and out of
 * stock follow the catalog's versions (a version counts from the window of
 * its valid_from), and so do customers (a version's tier and region, or
 * its account closed).
 * Made once from a finished tally; read only after. */
#ifndef SHOPSTREAM_EXPECT_TABLES_H
#define SHOPSTREAM_EXPECT_TABLES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalog.h"
#include "domain.h"
#include "expect.h"

typedef struct table_state {
    int64_t orders, items;
    int64_t status[ROW_STATUS_COUNT], status_cents[ROW_STATUS_COUNT];
    int64_t products, products_in_stock;
    int64_t customers, closed, by_tier[TIER_COUNT], by_region[REGION_COUNT]; /* customers: open accounts */
} table_state;

typedef struct expect_tables {
    table_state *at_end; /* per window of the tally, from its first */
    size_t n;
    table_state final; /* after the run's last change */
} expect_tables;

/* -1 when out of memory. */
int expect_tables_make(const expect_tally *t, const catalog *c, expect_tables *out);

/* {"orders": ..., ...}: state s. */
void expect_tables_json(FILE *out, const table_state *s);

void expect_tables_free(expect_tables *x);

#endif
