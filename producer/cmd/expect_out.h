/* SPDX-License-Identifier: Apache-2.0 */
/* expect_out.h - how `shopstream expect` prints a tally (engine/expect.h):
 * one JSON document, or with --csv a header and one row per window. Both
 * are written from one table, expect_columns: a row per figure or
 * breakdown of an expect_window, so a figure added to the table is in the
 * JSON's windows and total and in the CSV alike.
 *
 * Naming (the README documents it): a figure is JSON key and CSV column
 * alike; a breakdown is a JSON object under its key, {name: n, ...}, and
 * in the CSV one column per name, csv_prefix_name (orders_by_status.paid
 * is orders_paid); dropped_by_watermark.W is dropped_watermark_Wms. A
 * window's start leads both: window_start and window_start_ms.
 *
 * Invariants: the table covers every counter of an expect_window exactly
 * once (tests/test_cli.c checks); the JSON writes the table in its order,
 * the CSV its CSV_IN_TABLE_ORDER rows first, then its CSV_AT_THE_END ones
 * (the columns' places before the table, kept for readers of the CSV).
 * Writers only read the tally. */
#ifndef SHOPSTREAM_EXPECT_OUT_H
#define SHOPSTREAM_EXPECT_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "expect.h"
#include "expect_tables.h"
#include "options/config.h"

enum expect_column_kind {
    EXPECT_FIGURE,       /* one counter */
    EXPECT_BREAKDOWN,    /* count counters, the i-th named names[i] */
    EXPECT_BY_WATERMARK, /* a counter per --watermarks delay, named by it in ms */
};

/* Where the CSV writes a row's columns. */
enum expect_csv_place { CSV_IN_TABLE_ORDER, CSV_AT_THE_END };

typedef struct expect_column {
    const char *key;        /* JSON key; a figure's CSV column */
    const char *csv_prefix; /* a breakdown's CSV columns: csv_prefix_name */
    enum expect_column_kind kind;
    size_t offset;            /* of its counters in an expect_window */
    size_t count;             /* counters (by watermark: the most; the tally's are written) */
    const char *const *names; /* a breakdown's, count of them */
    enum expect_csv_place csv_place;
} expect_column;

extern const expect_column expect_columns[];
extern const size_t expect_column_count;

/* The run (rc's settings), the total, the top rc->top products and every
 * window, as one JSON document. */
/* tables: the tables' states, at_end[first + i] at t's window i (t a
 * slice's view of the whole's tally). */
void expect_out_json(FILE *out, const run_config *rc, const expect_tally *t, const expect_tables *tables, size_t first);

/* A header and one row per window. */
void expect_out_csv(FILE *out, const expect_tally *t);

#endif
