/* SPDX-License-Identifier: Apache-2.0 */
/* expect_cmd.c - `shopstream expect`: the answers a correct consumer of a run
 * computes, from the engine alone (engine/expect.h), on the generator pool's
 * threads: each keeps a tally of the batches it filled, and the tallies are
 * summed at the end. Printed as one JSON document (field names documented
 * in the README) or, with --csv, one row per window (expect_out.h). */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "pool.h"
#include "report/report.h"
#include "commands.h"
#include "expect_out.h"
#include "base/output.h"
#include "base/partition.h"
#include "base/units.h"
#include "settle/slice.h"

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

static int watermarks_fail(const run_config *rc, const char *msg, char *errstr, size_t errlen) {
    config_blame(rc, offsetof(run_config, watermarks), msg, errstr, errlen);
    return -1;
}

/* "0s,1m,5m" into ms: each a delay (0 in any unit, blanks around it left
 * out), at most EXPECT_WATERMARKS_MAX, no two the same (1m and 60s would
 * be one key twice in the JSON); -1 with an error naming --watermarks. */
static int parse_watermarks(const run_config *rc, int64_t *out, size_t *n, char *errstr, size_t errlen) {
    char copy[sizeof rc->watermarks], msg[400];
    const char *items[sizeof rc->watermarks];
    size_t count = 0;
    snprintf(copy, sizeof copy, "%s", rc->watermarks);
    *n = 0;
    const char *c = copy;
    while (isspace((unsigned char)*c)) c++;
    if (!*c) return 0; /* "": no watermark */
    for (char *part = copy, *comma;; part = comma + 1) {
        comma = strchr(part, ',');
        if (comma) *comma = '\0';
        items[count++] = part;
        if (!comma) break;
    }
    for (size_t i = 0; i < count; i++) {
        int64_t ms;
        if (count > EXPECT_WATERMARKS_MAX || units_delay_ms(items[i], &ms) != 0) {
            snprintf(msg, sizeof msg, "expected up to %d durations such as 0s,1m,5m, got '%.200s'",
                     EXPECT_WATERMARKS_MAX, rc->watermarks);
            return watermarks_fail(rc, msg, errstr, errlen);
        }
        for (size_t j = 0; j < i; j++)
            if (out[j] == ms) {
                char a[UNITS_TEXT_MAX], b[UNITS_TEXT_MAX];
                snprintf(msg, sizeof msg, "expected distinct delays, got %.60s and %.60s, both %lld ms",
                         units_trim(items[j], a, sizeof a), units_trim(items[i], b, sizeof b), (long long)ms);
                return watermarks_fail(rc, msg, errstr, errlen);
            }
        out[(*n)++] = ms;
    }
    return 0;
}

/* "expect: out of memory ...": what the tallies of the run would take. */
static void out_of_memory(const run_config *rc, const engine *e, size_t threads, char *errstr, size_t errlen) {
    int64_t windows = rc->engine.duration_ms / rc->window_ms + 2; /* at most, with the edges */
    size_t products = engine_get_catalog(e)->n_products;
    double mib = (double)threads * ((double)windows * sizeof(expect_window) + (double)products * sizeof(int64_t)) /
                 (1024.0 * 1024.0);
    snprintf(errstr, errlen,
             "expect: out of memory for %zu tallies (one per thread) of up to %lld windows and %zu products, "
             "%.0f MiB",
             threads, (long long)windows, products, mib);
}

/* Fills tallies[0] with the whole run (or shard), using rc->threads threads. */
static int tally_run(const run_config *rc, engine *e, expect_tally *tallies, size_t threads, char *errstr,
                     size_t errlen) {
    shard_owner owner = { rc->key_format == KEY_STRING, rc->partitions, rc->shard_index, rc->shard_count };
    engine_selection sel = { shard_owns, &owner };
    expect_job job = { e, tallies };
    uint64_t total = engine_get_plan(e)->total_orders;
    gen_pool_options o = { .threads = threads,
                           .batch_orders = rc->batch_orders,
                           .ring_slots = 2 * threads,
                           .first = 0,
                           .stride = 1,
                           .count = total,
                           .select = rc->shard_count > 1 ? &sel : NULL,
                           .on_filled = tally_filled,
                           .ctx = &job };
    gen_pool *pool;
    if (gen_pool_new(e, &o, &pool, errstr, errlen) != 0) return -1;
    const order_batch *b;
    while ((b = gen_pool_next(pool)) != NULL) gen_pool_release(pool, b);
    const char *why = gen_pool_error(pool);
    if (why) snprintf(errstr, errlen, "%s", why);
    gen_pool_free(pool);
    if (why) return -1;
    for (size_t i = 1; i < threads; i++) expect_merge(&tallies[0], &tallies[i]);
    return 0;
}

/* --from, --to: the windows that start in the slice, so that adjacent
 * slices' windows are the whole's (the top products stay the run's). */
static void slice_windows(const run_config *rc, expect_tally *view) {
    size_t lo = 0, hi = view->n_windows;
    while (lo < hi && !slice_holds(rc, view->origin_ms + (int64_t)lo * view->window_ms)) lo++;
    while (hi > lo && !slice_holds(rc, view->origin_ms + (int64_t)(hi - 1) * view->window_ms)) hi--;
    view->windows += lo;
    view->n_windows = hi - lo;
    view->origin_ms += (int64_t)lo * view->window_ms;
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
    /* A tally per thread; out of memory (or an output that cannot be
     * written) is a failure, exit 1 with one line, like verify's. */
    size_t threads = rc->threads ? rc->threads : 1;
    expect_tally *tallies = calloc(threads, sizeof *tallies);
    int code = EXIT_FAILED;
    size_t ready = 0;
    expect_tables tables = { 0 };
    while (tallies && ready < threads &&
           expect_tally_init(&tallies[ready], e, rc->window_ms, watermarks, n_watermarks) == 0)
        ready++;
    if (ready < threads) {
        out_of_memory(rc, e, threads, errstr, sizeof errstr);
        report_line(stderr, errstr);
        goto out;
    }
    if (tally_run(rc, e, tallies, threads, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        goto out;
    }
    expect_tally view = tallies[0];
    slice_windows(rc, &view);
    if (expect_tables_make(&tallies[0], engine_get_catalog(e), &tables) != 0) {
        out_of_memory(rc, e, threads, errstr, sizeof errstr);
        report_line(stderr, errstr);
        goto out;
    }
    if (rc->csv)
        expect_out_csv(stdout, &view);
    else
        expect_out_json(stdout, rc, &view, &tables, (size_t)(view.windows - tallies[0].windows));
    code = EXIT_DONE;
    if (output_check(stdout, "stdout", errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        code = EXIT_FAILED;
    }
out:
    expect_tables_free(&tables);
    for (size_t i = 0; i < ready; i++) expect_tally_free(&tallies[i]);
    free(tallies);
    engine_free(e);
    return code;
}
