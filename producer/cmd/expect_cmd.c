/* SPDX-License-Identifier: Apache-2.0 */
/* expect_cmd.c - `shopstream expect`: the answers a correct consumer of a run
 * computes, from the engine alone (engine/expect.h), on the generator pool's
 * threads: each keeps a tally of the batches it filled, and the tallies are
 * summed at the end. Printed as one JSON document (field names documented
 * in the README) or, with --csv, one row per window. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "pool.h"
#include "report/report.h"
#include "commands.h"
#include "base/partition.h"
#include "base/units.h"

#define WINDOWS_MAX 1000000

typedef struct expect_job {
    const engine *engine;
    expect_tally *tallies; /* one per generator thread */
} expect_job;

static void tally_filled(void *ctx, size_t thread, size_t slot, const order_batch *b) {
    (void)slot;
    expect_job *job = ctx;
    expect_add_batch(&job->tallies[thread], job->engine, b);
}

/* "0s,1m,5m" into ms; -1 with an error naming --watermarks. */
static int parse_watermarks(const run_config *rc, int64_t *out, size_t *n, char *errstr, size_t errlen) {
    char copy[sizeof rc->watermarks], *save = NULL;
    snprintf(copy, sizeof copy, "%s", rc->watermarks);
    *n = 0;
    for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        int64_t ms = 0;
        int zero = strcmp(part, "0") == 0 || strcmp(part, "0s") == 0 || strcmp(part, "0ms") == 0;
        if (*n == EXPECT_WATERMARKS_MAX || (!zero && units_duration_ms(part, &ms) != 0)) {
            char msg[300];
            snprintf(msg, sizeof msg, "expected up to %d durations such as 0s,1m,5m, got '%.200s'",
                     EXPECT_WATERMARKS_MAX, rc->watermarks);
            config_blame(rc, offsetof(run_config, watermarks), msg, errstr, errlen);
            return -1;
        }
        out[(*n)++] = ms;
    }
    return 0;
}

/* Fills tallies[0] with the whole run (or shard), using rc->threads threads. */
static int tally_run(const run_config *rc, engine *e, expect_tally *tallies, size_t threads, char *errstr,
                     size_t errlen) {
    shard_owner owner = { rc->key_format == KEY_STRING, rc->partitions, rc->shard_index, rc->shard_count };
    engine_selection sel = { shard_owns, &owner };
    expect_job job = { e, tallies };
    uint64_t total = engine_get_plan(e)->total_orders;
    gen_pool_options o = { .threads = threads, .batch_orders = rc->batch_orders, .ring_slots = 2 * threads,
                           .first = 0, .stride = 1, .count = total,
                           .select = rc->shard_count > 1 ? &sel : NULL, .on_filled = tally_filled, .ctx = &job };
    gen_pool *pool;
    if (gen_pool_start(e, &o, &pool, errstr, errlen) != 0) return -1;
    const order_batch *b;
    while ((b = gen_pool_next(pool)) != NULL) gen_pool_release(pool, b);
    const char *why = gen_pool_error(pool);
    if (why) snprintf(errstr, errlen, "%s", why);
    gen_pool_free(pool);
    if (why) return -1;
    for (size_t i = 1; i < threads; i++) expect_merge(&tallies[0], &tallies[i]);
    return 0;
}

/* Prints names[i]: v[i] as a JSON object. */
static void json_by(FILE *out, const char *key, const char *const *names, const int64_t *v, int n) {
    fprintf(out, ", \"%s\": {", key);
    for (int i = 0; i < n; i++) fprintf(out, "%s\"%s\": %lld", i ? ", " : "", names[i], (long long)v[i]);
    fputc('}', out);
}

static void json_window(FILE *out, const expect_tally *t, const expect_window *w) {
    fprintf(out, "\"orders\": %lld, \"revenue_cents\": %lld, \"discount_cents\": %lld, \"items\": %lld, "
                 "\"units\": %lld", (long long)w->orders, (long long)w->revenue_cents, (long long)w->discount_cents,
            (long long)w->items, (long long)w->units);
    json_by(out, "orders_by_status", order_status_names, w->by_status, STATUS_COUNT);
    json_by(out, "orders_by_channel", channel_names, w->by_channel, CHANNEL_COUNT);
    json_by(out, "orders_by_payment_method", payment_method_names, w->by_method, PAYMENT_COUNT);
    json_by(out, "payment_failed_by_method", payment_method_names, w->failed_by_method, PAYMENT_COUNT);
    json_by(out, "orders_by_region", region_names, w->by_region, REGION_COUNT);
    json_by(out, "items_by_channel", channel_names, w->items_by_channel, CHANNEL_COUNT);
    json_by(out, "units_by_channel", channel_names, w->units_by_channel, CHANNEL_COUNT);
    json_by(out, "items_by_category", category_names, w->items_by_category, CATEGORY_COUNT);
    json_by(out, "units_by_category", category_names, w->units_by_category, CATEGORY_COUNT);
    json_by(out, "revenue_cents_by_category", category_names, w->revenue_by_category, CATEGORY_COUNT);
    json_by(out, "payments", payment_status_names, w->payments, PAY_STATUS_COUNT);
    fprintf(out, ", \"retries\": %lld, \"refunded_cents\": %lld", (long long)w->retries, (long long)w->refunded_cents);
    json_by(out, "shipments", shipment_status_names, w->shipments, SHIP_STATUS_COUNT);
    json_by(out, "time_to_ship", expect_ship_bucket_names, w->time_to_ship, SHIP_BUCKET_COUNT);
    fprintf(out, ", \"late\": %lld, \"duplicates\": %lld, \"dropped_by_watermark\": {", (long long)w->late,
            (long long)w->duplicates);
    for (size_t i = 0; i < t->n_watermarks; i++)
        fprintf(out, "%s\"%lld\": %lld", i ? ", " : "", (long long)t->watermarks_ms[i], (long long)w->dropped[i]);
    fputc('}', out);
}

/* The top n products by units sold (ties: the lower id first). */
static void json_top(FILE *out, const expect_tally *t, size_t n) {
    fputs(", \"top_products\": [", out);
    char *taken = calloc(t->n_products ? t->n_products : 1, 1);
    for (size_t k = 0; k < n && k < t->n_products && taken; k++) {
        size_t best = SIZE_MAX;
        for (size_t p = 0; p < t->n_products; p++)
            if (!taken[p] && (best == SIZE_MAX || t->product_units[p] > t->product_units[best])) best = p;
        taken[best] = 1;
        fprintf(out, "%s{\"product_id\": %zu, \"units\": %lld}", k ? ", " : "", best + 1,
                (long long)t->product_units[best]);
    }
    free(taken);
    fputc(']', out);
}

/* s as a JSON string (quotes, backslashes and control bytes escaped). */
static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static void print_json(FILE *out, const run_config *rc, const expect_tally *t) {
    const engine_settings *s = &rc->engine;
    char start[40], end[40];
    units_format_time(s->start_ms, start, sizeof start);
    units_format_time(s->start_ms + s->duration_ms, end, sizeof end);
    fputs("{\"run\": {\"scenario\": ", out);
    json_string(out, s->scenario.name);
    fprintf(out, ", \"seed\": %llu, \"start\": \"%s\", \"end\": \"%s\", "
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
    fputs(", \"windows\": [", out);
    for (size_t i = 0; i < t->n_windows; i++) {
        char when[40];
        int64_t ws = t->origin_ms + (int64_t)i * t->window_ms;
        units_format_time(ws, when, sizeof when);
        fprintf(out, "%s\n  {\"window_start\": \"%s\", \"window_start_ms\": %lld, ", i ? "," : "", when, (long long)ws);
        json_window(out, t, &t->windows[i]);
        fputc('}', out);
    }
    fputs("\n]}\n", out);
}

static void csv_by(FILE *out, const char *prefix, const char *const *names, int n, const int64_t *v) {
    for (int i = 0; i < n; i++) {
        if (v) fprintf(out, ",%lld", (long long)v[i]);
        else fprintf(out, ",%s_%s", prefix, names[i]);
    }
}

/* A header (w NULL) or one window's row. */
static void csv_row(FILE *out, const expect_tally *t, const expect_window *w, int64_t ws) {
    char when[40];
    if (w) {
        units_format_time(ws, when, sizeof when);
        fprintf(out, "%s,%lld,%lld,%lld,%lld,%lld", when, (long long)w->orders, (long long)w->revenue_cents,
                (long long)w->discount_cents, (long long)w->items, (long long)w->units);
    } else {
        fputs("window_start,orders,revenue_cents,discount_cents,items,units", out);
    }
    csv_by(out, "orders", order_status_names, STATUS_COUNT, w ? w->by_status : NULL);
    csv_by(out, "orders", channel_names, CHANNEL_COUNT, w ? w->by_channel : NULL);
    csv_by(out, "orders", payment_method_names, PAYMENT_COUNT, w ? w->by_method : NULL);
    csv_by(out, "payment_failed", payment_method_names, PAYMENT_COUNT, w ? w->failed_by_method : NULL);
    csv_by(out, "orders", region_names, REGION_COUNT, w ? w->by_region : NULL);
    csv_by(out, "items", channel_names, CHANNEL_COUNT, w ? w->items_by_channel : NULL);
    csv_by(out, "units", channel_names, CHANNEL_COUNT, w ? w->units_by_channel : NULL);
    csv_by(out, "items", category_names, CATEGORY_COUNT, w ? w->items_by_category : NULL);
    csv_by(out, "revenue_cents", category_names, CATEGORY_COUNT, w ? w->revenue_by_category : NULL);
    csv_by(out, "payments", payment_status_names, PAY_STATUS_COUNT, w ? w->payments : NULL);
    csv_by(out, "shipments", shipment_status_names, SHIP_STATUS_COUNT, w ? w->shipments : NULL);
    csv_by(out, "time_to_ship", expect_ship_bucket_names, SHIP_BUCKET_COUNT, w ? w->time_to_ship : NULL);
    if (w) fprintf(out, ",%lld,%lld,%lld,%lld", (long long)w->retries, (long long)w->refunded_cents,
                   (long long)w->late, (long long)w->duplicates);
    else fputs(",retries,refunded_cents,late,duplicates", out);
    for (size_t i = 0; i < t->n_watermarks; i++) {
        if (w) fprintf(out, ",%lld", (long long)w->dropped[i]);
        else fprintf(out, ",dropped_watermark_%lldms", (long long)t->watermarks_ms[i]);
    }
    fputc('\n', out);
}

int expect_command(const run_config *rc) {
    char errstr[1024];
    int64_t watermarks[EXPECT_WATERMARKS_MAX];
    size_t n_watermarks;
    if (parse_watermarks(rc, watermarks, &n_watermarks, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        return EXIT_USAGE;
    }
    if (rc->window_ms < 1 || rc->engine.duration_ms / rc->window_ms >= WINDOWS_MAX) {
        char msg[200];
        snprintf(msg, sizeof msg, "expected a window of at least 1ms and under %d windows in the run, got %lld ms",
                 WINDOWS_MAX, (long long)rc->window_ms);
        config_blame(rc, offsetof(run_config, window_ms), msg, errstr, sizeof errstr);
        report_line(stderr, errstr);
        return EXIT_USAGE;
    }
    engine *e;
    if (engine_new(&rc->engine, &e, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        return EXIT_USAGE;
    }
    size_t threads = rc->threads ? rc->threads : 1;
    expect_tally *tallies = calloc(threads, sizeof *tallies);
    int code = EXIT_FAILED;
    size_t ready = 0;
    if (!tallies) goto out;
    for (; ready < threads; ready++)
        if (expect_tally_init(&tallies[ready], e, rc->window_ms, watermarks, n_watermarks) != 0) goto out;
    if (tally_run(rc, e, tallies, threads, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        goto out;
    }
    if (rc->csv) {
        csv_row(stdout, &tallies[0], NULL, 0);
        for (size_t i = 0; i < tallies[0].n_windows; i++)
            csv_row(stdout, &tallies[0], &tallies[0].windows[i],
                    tallies[0].origin_ms + (int64_t)i * tallies[0].window_ms);
    } else {
        print_json(stdout, rc, &tallies[0]);
    }
    code = fflush(stdout) == 0 ? EXIT_DONE : EXIT_FAILED;
out:
    if (code == EXIT_FAILED && !tallies) report_line(stderr, "out of memory");
    for (size_t i = 0; i < ready; i++) expect_tally_free(&tallies[i]);
    free(tallies);
    engine_free(e);
    return code;
}
