/* SPDX-License-Identifier: Apache-2.0 */
/* expect_out.c - `shopstream expect`'s JSON and CSV, from one table of
 * columns (see expect_out.h). */
#include "expect_out.h"

#include <stdint.h>

#include "base/units.h"

/* The counters of a field of expect_window. */
#define COUNTERS(field) (sizeof((const expect_window *)0)->field / sizeof(int64_t))
#define FIGURE(name, field, place)                                                                                     \
    { .key = name, .kind = EXPECT_FIGURE, .offset = offsetof(expect_window, field), .count = 1, .csv_place = place }
#define BREAKDOWN(name, prefix, field, name_list)                                                                      \
    {                                                                                                                  \
        .key = name, .csv_prefix = prefix, .kind = EXPECT_BREAKDOWN, .offset = offsetof(expect_window, field),         \
        .count = COUNTERS(field), .names = name_list, .csv_place = CSV_IN_TABLE_ORDER                                  \
    }

const expect_column expect_columns[] = {
    FIGURE("orders", orders, CSV_IN_TABLE_ORDER),
    FIGURE("revenue_cents", revenue_cents, CSV_IN_TABLE_ORDER),
    FIGURE("discount_cents", discount_cents, CSV_IN_TABLE_ORDER),
    FIGURE("items", items, CSV_IN_TABLE_ORDER),
    FIGURE("units", units, CSV_IN_TABLE_ORDER),
    BREAKDOWN("orders_by_status", "orders", by_status, order_status_names),
    BREAKDOWN("orders_by_channel", "orders", by_channel, channel_names),
    BREAKDOWN("orders_by_payment_method", "orders", by_method, payment_method_names),
    BREAKDOWN("payment_failed_by_method", "payment_failed", failed_by_method, payment_method_names),
    BREAKDOWN("orders_by_region", "orders", by_region, region_names),
    BREAKDOWN("items_by_channel", "items", items_by_channel, channel_names),
    BREAKDOWN("units_by_channel", "units", units_by_channel, channel_names),
    BREAKDOWN("items_by_category", "items", items_by_category, category_names),
    BREAKDOWN("units_by_category", "units", units_by_category, category_names),
    BREAKDOWN("revenue_cents_by_category", "revenue_cents", revenue_by_category, category_names),
    BREAKDOWN("payments", "payments", payments, payment_status_names),
    FIGURE("retries", retries, CSV_AT_THE_END),
    FIGURE("refunded_cents", refunded_cents, CSV_AT_THE_END),
    BREAKDOWN("shipments", "shipments", shipments, shipment_status_names),
    BREAKDOWN("time_to_ship", "time_to_ship", time_to_ship, expect_ship_bucket_names),
    FIGURE("late", late, CSV_AT_THE_END),
    FIGURE("duplicates", duplicates, CSV_AT_THE_END),
    { .key = "dropped_by_watermark",
      .csv_prefix = "dropped_watermark",
      .kind = EXPECT_BY_WATERMARK,
      .offset = offsetof(expect_window, dropped),
      .count = COUNTERS(dropped),
      .csv_place = CSV_AT_THE_END },
};
const size_t expect_column_count = sizeof expect_columns / sizeof expect_columns[0];

static const int64_t *counters(const expect_window *w, const expect_column *c) {
    return (const int64_t *)(const void *)((const char *)w + c->offset);
}

/* How many of c's counters are written: the tally's watermarks, or all. */
static size_t written(const expect_column *c, const expect_tally *t) {
    return c->kind == EXPECT_BY_WATERMARK ? t->n_watermarks : c->count;
}

/* The i-th name in c (not a figure): a breakdown's names[i], or the
 * watermark delay in ms. */
static void name_of(const expect_column *c, const expect_tally *t, size_t i, char *buf, size_t cap) {
    if (c->kind == EXPECT_BY_WATERMARK)
        snprintf(buf, cap, "%lld", (long long)t->watermarks_ms[i]);
    else
        snprintf(buf, cap, "%s", c->names[i]);
}

/* Every column of w, "key": n or "key": {"name": n, ...}, comma-separated. */
static void json_window(FILE *out, const expect_tally *t, const expect_window *w) {
    for (size_t k = 0; k < expect_column_count; k++) {
        const expect_column *c = &expect_columns[k];
        const int64_t *v = counters(w, c);
        fprintf(out, "%s\"%s\": ", k ? ", " : "", c->key);
        if (c->kind == EXPECT_FIGURE) {
            fprintf(out, "%lld", (long long)v[0]);
            continue;
        }
        fputc('{', out);
        for (size_t i = 0; i < written(c, t); i++) {
            char name[32];
            name_of(c, t, i, name, sizeof name);
            fprintf(out, "%s\"%s\": %lld", i ? ", " : "", name, (long long)v[i]);
        }
        fputc('}', out);
    }
}

/* The top n products by units sold (ties: the lower id first): each pick
 * the best after the one before in that order, so nothing is allocated
 * (no list can be cut short by a lack of memory). */
static void json_top(FILE *out, const expect_tally *t, size_t n) {
    fputs(", \"top_products\": [", out);
    size_t prev = SIZE_MAX;
    for (size_t k = 0; k < n && k < t->n_products; k++) {
        size_t best = SIZE_MAX;
        for (size_t p = 0; p < t->n_products; p++) {
            int64_t u = t->product_units[p];
            if (prev != SIZE_MAX && (u > t->product_units[prev] || (u == t->product_units[prev] && p <= prev)))
                continue; /* at or before the previous pick */
            if (best == SIZE_MAX || u > t->product_units[best]) best = p;
        }
        fprintf(out, "%s{\"product_id\": %zu, \"units\": %lld}", k ? ", " : "", best + 1,
                (long long)t->product_units[best]);
        prev = best;
    }
    fputc(']', out);
}

/* s as a JSON string (quotes, backslashes and control bytes escaped). */
static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void expect_out_json(FILE *out, const run_config *rc, const expect_tally *t, const expect_tables *tables,
                     size_t first) {
    const engine_settings *s = &rc->engine;
    char start[40], end[40];
    units_format_time(s->start_ms, start, sizeof start);
    units_format_time(s->start_ms + s->duration_ms, end, sizeof end);
    fputs("{\"run\": {\"scenario\": ", out);
    json_string(out, s->scenario.name);
    fprintf(out,
            ", \"seed\": %llu, \"start\": \"%s\", \"end\": \"%s\", "
            "\"shard\": \"%llu/%llu\", \"window_ms\": %lld, \"lifecycle\": %s, \"life_events\": %lld}",
            (unsigned long long)s->seed, start, end, (unsigned long long)rc->shard_index,
            (unsigned long long)rc->shard_count, (long long)t->window_ms, s->lifecycle ? "true" : "false",
            (long long)t->life_events);
    expect_window total;
    expect_total(t, &total);
    fputs(", \"total\": {", out);
    json_window(out, t, &total);
    fputc('}', out);
    json_top(out, t, rc->top);
    fputs(", \"tables\": ", out);
    expect_tables_json(out, &tables->final);
    fputs(", \"windows\": [", out);
    for (size_t i = 0; i < t->n_windows; i++) {
        char when[40];
        int64_t ws = t->origin_ms + (int64_t)i * t->window_ms;
        units_format_time(ws, when, sizeof when);
        fprintf(out, "%s\n  {\"window_start\": \"%s\", \"window_start_ms\": %lld, ", i ? "," : "", when, (long long)ws);
        json_window(out, t, &t->windows[i]);
        fputs(", \"tables_at_end\": ", out);
        expect_tables_json(out, &tables->at_end[first + i]);
        fputc('}', out);
    }
    fputs("\n]}\n", out);
}

/* c's columns: their names (w NULL) or w's counters, each after a comma. */
static void csv_cells(FILE *out, const expect_column *c, const expect_tally *t, const expect_window *w) {
    const int64_t *v = w ? counters(w, c) : NULL;
    for (size_t i = 0; i < written(c, t); i++) {
        if (v) {
            fprintf(out, ",%lld", (long long)v[i]);
        } else if (c->kind == EXPECT_FIGURE) {
            fprintf(out, ",%s", c->key);
        } else {
            char name[32];
            name_of(c, t, i, name, sizeof name);
            if (c->kind == EXPECT_BREAKDOWN)
                fprintf(out, ",%s_%s", c->csv_prefix, name);
            else
                fprintf(out, ",%s_%sms", c->csv_prefix, name);
        }
    }
}

/* The header (w NULL) or the row of the window starting at ws. */
static void csv_line(FILE *out, const expect_tally *t, const expect_window *w, int64_t ws) {
    static const enum expect_csv_place places[] = { CSV_IN_TABLE_ORDER, CSV_AT_THE_END };
    if (w) {
        char when[40];
        units_format_time(ws, when, sizeof when);
        fprintf(out, "%s,%lld", when, (long long)ws);
    } else {
        fputs("window_start,window_start_ms", out);
    }
    for (size_t p = 0; p < sizeof places / sizeof places[0]; p++)
        for (size_t k = 0; k < expect_column_count; k++)
            if (expect_columns[k].csv_place == places[p]) csv_cells(out, &expect_columns[k], t, w);
    fputc('\n', out);
}

void expect_out_csv(FILE *out, const expect_tally *t) {
    csv_line(out, t, NULL, 0);
    for (size_t i = 0; i < t->n_windows; i++)
        csv_line(out, t, &t->windows[i], t->origin_ms + (int64_t)i * t->window_ms);
}
