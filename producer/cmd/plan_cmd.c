/* SPDX-License-Identifier: Apache-2.0 */
/* plan_cmd.c - `shopstream plan`: the scenario at a glance, hour by hour.
 *
 * For each simulated hour: the expected orders (rate x curve x scenario),
 * the orders the run will actually generate (the Poisson draws), a bar of
 * the drawn count, and what the scenario does in that hour. Nothing is
 * published; --csv gives the same rows for a spreadsheet. */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "report/report.h"
#include "commands.h"
#include "options/scenario_file.h"
#include "base/output.h"
#include "base/units.h"
#include "settle/slice.h"
#include "simtime.h"

#define BAR_WIDTH 40

typedef struct hour_row {
    int64_t start_ms;
    double expected;
    uint64_t drawn;
} hour_row;

/* What the scenario does at the middle of hour h, as text. */
static void describe_hour(const scenario *sc, double mid_h, char *buf, size_t cap) {
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sc->n_effects && off < cap; i++) {
        const scenario_effect *e = &sc->effects[i];
        if (mid_h < e->start_h || mid_h >= e->end_h) continue;
        char one[256];
        scenario_file_describe(e, (mid_h - e->start_h) / (e->end_h - e->start_h), one, sizeof one);
        off += (size_t)snprintf(buf + off, cap - off, "%s%s", off ? "; " : "", one);
    }
}

/* A CSV field (RFC 4180): quoted, its quotes doubled. */
static void csv_field(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

int plan_command(const run_config *rc) {
    int csv = rc->csv;
    engine *e;
    char errstr[1024];
    if (rc->rate_note[0]) report_line(stderr, rc->rate_note);
    if (rc->scenario_note[0]) report_line(stderr, rc->scenario_note);
    if (engine_new(&rc->engine, &e, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        return EXIT_USAGE;
    }
    const plan *p = engine_get_plan(e);
    const engine_settings *s = engine_get_settings(e);
    size_t n_hours = (size_t)((s->duration_ms + HOUR_MS - 1) / HOUR_MS);
    hour_row rows[24 * 366];
    if (n_hours > sizeof rows / sizeof rows[0]) n_hours = sizeof rows / sizeof rows[0];
    memset(rows, 0, n_hours * sizeof rows[0]);
    for (size_t i = 0; i < p->n_slices; i++) {
        size_t h = (size_t)((p->slices[i].start_ms - s->start_ms) / HOUR_MS);
        if (h >= n_hours) break;
        rows[h].expected += p->slices[i].expected;
        rows[h].drawn += p->slices[i].count;
    }
    uint64_t top = 1;
    for (size_t h = 0; h < n_hours; h++)
        if (rows[h].drawn > top) top = rows[h].drawn;

    if (csv)
        printf("hour,start,expected_orders,drawn_orders,effects\n");
    else
        printf("# scenario %s, seed %llu, intensity %g, base %g orders/hour; bar: drawn orders (max %llu)\n",
               s->scenario.name, (unsigned long long)s->seed, s->intensity, s->base_orders_per_hour,
               (unsigned long long)top);
    if (!csv)
        printf("%-5s %-17s %12s %10s  %-*s  %s\n", "hour", "start (UTC)", "expected", "drawn", BAR_WIDTH, "",
               "scenario");
    double total_expected = 0.0;
    for (size_t h = 0; h < n_hours; h++) {
        if (!slice_holds(rc, s->start_ms + (int64_t)h * HOUR_MS)) continue; /* --from, --to: the slice's hours */
        char when[40], what[1024], bar[BAR_WIDTH + 1];
        units_format_time(s->start_ms + (int64_t)h * HOUR_MS, when, sizeof when);
        when[16] = '\0';
        describe_hour(&s->scenario, (double)h + 0.5, what, sizeof what);
        total_expected += rows[h].expected;
        if (csv) {
            printf("%zu,%s,%.3f,%llu,", h, when, rows[h].expected, (unsigned long long)rows[h].drawn);
            csv_field(stdout, what);
            putchar('\n');
            continue;
        }
        size_t len = (size_t)(rows[h].drawn * BAR_WIDTH / top);
        memset(bar, '#', len);
        bar[len] = '\0';
        printf("%-5zu %-17s %12.1f %10llu  %-*s  %s\n", h, when, rows[h].expected, (unsigned long long)rows[h].drawn,
               BAR_WIDTH, bar, what);
    }
    uint64_t total_drawn = 0;
    for (size_t h = 0; h < n_hours; h++)
        if (slice_holds(rc, s->start_ms + (int64_t)h * HOUR_MS)) total_drawn += rows[h].drawn;
    if (!csv) printf("# total: expected %.1f orders, drawn %llu\n", total_expected, (unsigned long long)total_drawn);
    int code = EXIT_DONE;
    if (output_check(stdout, "stdout", errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        code = EXIT_FAILED;
    }
    engine_free(e);
    return code;
}
