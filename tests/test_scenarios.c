/* SPDX-License-Identifier: Apache-2.0 */
/* test_scenarios.c - scenarios are data a consumer can see: each shipped
 * scenario's effect is measured on generated orders against what its file
 * says, bad scenario files are refused with file, line and reason, and runs
 * agree with `plan` hour by hour.
 *
 * Tolerances: counts are Poisson, so a count with mean m is held to
 * m +- 5 sqrt(m) (a false failure about once in 3.5 million); shares of n
 * Bernoulli draws with probability p to p +- 5 sqrt(p(1-p)/n). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "engine.h"
#include "options/scenario_file.h"
#include "support.h"
#include "simtime.h"

static engine *scenario_engine(const char *name, double intensity, int64_t hours) {
    engine_settings s;
    engine_settings_default(&s);
    s.intensity = intensity;
    s.duration_ms = hours * HOUR_MS;
    /* Every product in stock all along: the shares below are the scenario's
     * alone (an out-of-stock pick is drawn again, which moves them). */
    s.in_stock_share = 1.0;
    s.product_changes = 0;
    char dir[512], err[1024];
    support_source_path("", dir, sizeof dir);
    cr_assert_eq(scenario_file_resolve(name, dir, s.products, &s.scenario, err, sizeof err), 0, "%s", err);
    engine *e = NULL;
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    return e;
}

/* Visits every order of [from_h, to_h) with fn(batch, k, ctx). */
typedef void (*order_fn)(const engine *e, const order_batch *b, size_t k, void *ctx);
static void each_order(const engine *e, double from_h, double to_h, order_fn fn, void *ctx) {
    const plan *p = engine_get_plan(e);
    int64_t t0 = engine_get_settings(e)->start_ms;
    uint64_t first = 0, end = 0;
    for (size_t i = 0; i < p->n_slices; i++) {
        double h = (double)(p->slices[i].start_ms - t0) / HOUR_MS;
        if (h < from_h) first = p->slices[i].first + p->slices[i].count;
        if (h < to_h) end = p->slices[i].first + p->slices[i].count;
    }
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 4096), 0);
    for (uint64_t g = first; g < end; g += 4096) {
        size_t n = end - g < 4096 ? (size_t)(end - g) : 4096;
        engine_fill(e, g, 1, n, &b);
        for (size_t k = 0; k < n; k++) fn(e, &b, k, ctx);
    }
    order_batch_free(&b);
}

static double expected_between(const engine *e, double from_h, double to_h) {
    const plan *p = engine_get_plan(e);
    int64_t t0 = engine_get_settings(e)->start_ms;
    double sum = 0;
    for (size_t i = 0; i < p->n_slices; i++) {
        double h = (double)(p->slices[i].start_ms - t0) / HOUR_MS;
        if (h >= from_h && h < to_h) sum += p->slices[i].expected;
    }
    return sum;
}

static void assert_share(double got, double p, double n, const char *what) {
    double tol = 5 * sqrt(p * (1 - p) / n);
    cr_assert(fabs(got - p) <= tol, "%s: %.4f, expected %.4f +- %.4f (n = %.0f)", what, got, p, tol, n);
}

typedef struct outage_counts {
    double orders, hit, failed, failed_unhit, unhit;
} outage_counts;

static void count_outage(const engine *e, const order_batch *b, size_t k, void *ctx) {
    (void)e;
    outage_counts *c = ctx;
    int hit = b->payment_method[k] != PAYMENT_BANK_TRANSFER;
    c->orders++;
    if (hit) {
        c->hit++;
        c->failed += b->status[k] == STATUS_PAYMENT_FAILED;
    } else {
        c->unhit++;
        c->failed_unhit += b->status[k] == STATUS_PAYMENT_FAILED;
    }
}

Test(scenarios, payment_outage_drops_orders_and_fails_most_payments_in_hours_1_to_3) {
    engine *e = scenario_engine("payment_outage", 50, 8);
    const engine_settings *s = engine_get_settings(e);
    outage_counts in = { 0 }, before = { 0 };
    each_order(e, 1, 3, count_outage, &in);
    each_order(e, 0, 1, count_outage, &before);
    /* The file: 0.2x orders; 85% of non-bank-transfer payments fail, on top
     * of the usual payment_failed share for the rest. */
    double base = 240.0 * 50 * (s->daily_curve[1] + s->daily_curve[2]);
    cr_assert(fabs(in.orders - 0.2 * base) <= 5 * sqrt(0.2 * base), "outage orders %.0f, expected %.0f", in.orders,
              0.2 * base);
    double p_fail = 0.85 + 0.15 * s->status_mix[STATUS_PAYMENT_FAILED];
    assert_share(in.failed / in.hit, p_fail, in.hit, "failure share of card and wallet payments");
    assert_share(in.failed_unhit / in.unhit, s->status_mix[STATUS_PAYMENT_FAILED], in.unhit, "bank transfers");
    assert_share(before.failed / before.hit, s->status_mix[STATUS_PAYMENT_FAILED], before.hit, "before the outage");
    /* Recovery: hour 3 runs at about 1.6x its curve. */
    double surge = expected_between(e, 3, 4);
    cr_assert(surge > 1.55 * 240 * 50 * s->daily_curve[3] && surge < 1.65 * 240 * 50 * s->daily_curve[3]);
    engine_free(e);
}

typedef struct viral_counts {
    double lines, viral, orders, gen_z, app;
} viral_counts;

static void count_viral(const engine *e, const order_batch *b, size_t k, void *ctx) {
    viral_counts *c = ctx;
    const catalog *cat = engine_get_catalog(e);
    c->orders++;
    c->gen_z += cat->customers[b->customer_id[k] - 1].cohort == COHORT_GEN_Z;
    c->app += b->channel[k] == CHANNEL_MOBILE_APP;
    for (size_t j = b->first_item[k]; j < b->first_item[k] + b->item_count[k]; j++) {
        c->lines++;
        c->viral += b->item_product_id[j] == 42;
    }
}

Test(scenarios, viral_moment_product_share_grows_as_exp_hour_over_six_hours) {
    engine *e = scenario_engine("viral_moment", 100, 6);
    const engine_settings *s = engine_get_settings(e);
    const catalog *cat = engine_get_catalog(e);
    double base_share = (double)cat->products[41].weight;
    double total_w = 0;
    for (size_t i = 0; i < cat->n_products; i++) total_w += cat->products[i].weight;
    base_share /= total_w;
    for (int h = 0; h < 6; h++) {
        viral_counts c = { 0 };
        each_order(e, h, h + 1, count_viral, &c);
        /* Focus share at each slice's middle is 0.6 exp(t - 6); averaged
         * over the hour that is 0.6 (e - 1) exp(h - 6); the other lines
         * still pick product 42 by its popularity. */
        double focus = 0.6 * (exp(1.0) - 1.0) * exp(h - 6.0);
        double p = focus + (1 - focus) * base_share;
        assert_share(c.viral / c.lines, p, c.lines, "viral product's share of lines");
        double gz = 0.7 + 0.3 * s->cohort_mix[COHORT_GEN_Z];
        assert_share(c.gen_z / c.orders, gz, c.orders, "gen_z share of orders");
        cr_assert_gt(c.app / c.orders, 0.6, "mobile_app share %.3f", c.app / c.orders);
    }
    engine_free(e);
}

typedef struct sale_counts {
    double orders, with_sale, discounted_lines, electronics_lines, lines;
} sale_counts;

static void count_sale(const engine *e, const order_batch *b, size_t k, void *ctx) {
    sale_counts *c = ctx;
    const catalog *cat = engine_get_catalog(e);
    const campaign *sale = &cat->campaigns[cat->n_campaigns - 1];
    c->orders++;
    c->with_sale += b->campaign_id[k] == sale->id;
    for (size_t j = b->first_item[k]; j < b->first_item[k] + b->item_count[k]; j++) {
        int elec = cat->products[b->item_product_id[j] - 1].category == CATEGORY_ELECTRONICS;
        c->lines++;
        c->electronics_lines += elec;
        if (b->campaign_id[k] == sale->id) {
            cr_assert_eq(b->item_discount_cents[j],
                         elec ? b->item_quantity[j] * b->item_unit_price_cents[j] * 30 / 100 : 0);
            c->discounted_lines += b->item_discount_cents[j] > 0;
        }
    }
}

Test(scenarios, flash_sale_campaign_discounts_half_the_orders_and_spikes_then_dips) {
    engine *e = scenario_engine("flash_sale", 50, 8);
    const engine_settings *s = engine_get_settings(e);
    const catalog *cat = engine_get_catalog(e);
    const campaign *sale = &cat->campaigns[cat->n_campaigns - 1];
    cr_assert_str_eq(sale->name, "Flash Sale: Electronics");
    cr_assert_eq(sale->discount_pct, 30);
    cr_assert_eq(sale->start_ms, s->start_ms + 2 * HOUR_MS);
    sale_counts in = { 0 };
    each_order(e, 2, 4, count_sale, &in);
    assert_share(in.with_sale / in.orders, 0.5, in.orders, "orders using the flash sale");
    cr_assert_gt(in.discounted_lines, 0);
    /* Half the lines are the focus; the rest pick electronics by its share of popularity. */
    double elec_w = 0, all_w = 0;
    for (size_t i = 0; i < cat->n_products; i++) {
        all_w += cat->products[i].weight;
        if (cat->products[i].category == CATEGORY_ELECTRONICS) elec_w += cat->products[i].weight;
    }
    assert_share(in.electronics_lines / in.lines, 0.5 + 0.5 * elec_w / all_w, in.lines, "electronics share of lines");
    double spike = expected_between(e, 2, 4), dip = expected_between(e, 4, 6);
    cr_assert(fabs(spike - 4 * 240 * 50 * (s->daily_curve[2] + s->daily_curve[3])) < 1);
    cr_assert(fabs(dip - 0.6 * 240 * 50 * (s->daily_curve[4] + s->daily_curve[5])) < 1);
    sale_counts after = { 0 };
    each_order(e, 6, 8, count_sale, &after);
    cr_assert_eq(after.with_sale, 0, "the sale ran past its window");
    engine_free(e);
}

Test(scenarios, black_friday_runs_three_campaigns_at_high_intensity) {
    engine *e = scenario_engine("black_friday", 5, 24);
    const catalog *cat = engine_get_catalog(e);
    cr_assert_eq(cat->n_scenario_campaigns, 3u);
    double day = expected_between(e, 2, 24), normal = 0;
    const engine_settings *s = engine_get_settings(e);
    for (int h = 2; h < 24; h++) normal += 240.0 * 5 * s->daily_curve[h];
    cr_assert(fabs(day / normal - 3.0) < 1e-9, "black friday runs at %.3fx", day / normal);
    engine_free(e);
}

/* ---- bad files ---------------------------------------------------------- */

static void expect_refused(const char *text, const char *line_and_reason) {
    char path[512], err[1024], want[1024];
    support_tmp_path("scenario", path, sizeof path);
    strcat(path, ".cfg");
    support_write_file(path, text);
    scenario sc;
    cr_assert_neq(scenario_file_resolve(path, ".", 500, &sc, err, sizeof err), 0, "accepted: %s", text);
    snprintf(want, sizeof want, "%s:%s", path, line_and_reason);
    cr_assert(strncmp(err, want, strlen(want)) == 0, "got: %s\nwant: %s", err, want);
}

Test(scenarios, bad_files_are_refused_with_file_line_and_reason) {
    expect_refused("timeline = (\n  { start = 1; end = 2; teleport = 3; }\n);\n",
                   "2: timeline[0].teleport: unknown setting");
    expect_refused("timeline = (\n  { start = 1; end = 2; rate = 1.5; },\n  { start = -1; end = 2; rate = 2; }\n);\n",
                   "3: timeline[1]: start must be in [0, 87600) hours, got -1");
    expect_refused("timeline = (\n  { start = 3; end = 2; rate = 1.5; }\n);\n",
                   "2: timeline[0]: end must be after start");
    expect_refused("timeline = (\n  { start = 0; end = 2; rate = -0.5; }\n);\n",
                   "2: timeline[0]: rate must be in [0, 1e+06]");
    expect_refused("timeline = (\n  { start = 0; end = 4; payment_failure = { rate = 0.5; }; },\n"
                   "  { start = 3; end = 5; payment_failure = { rate = 0.9; }; }\n);\n",
                   "3: timeline[1]: payment_failure contradicts effect 1");
    expect_refused("timeline = (\n  { start = 0; end = 4; payment_failure = { rate = 0.5; methods = [ ]; }; }\n);\n",
                   "2: timeline[0].payment_failure.methods: expected at least one payment method (leave methods out "
                   "for all of them), got an empty array");
    expect_refused("timeline = (\n  { start = 0; end = 4; focus = { product = 9999; share = 0.5; }; }\n);\n",
                   "2: timeline[0]: focus.product 9999 is not a product id");
    expect_refused("timeline = (\n  { start = 0; end = 4; cohort = { name = \"gen_q\"; share = 0.5; }; }\n);\n",
                   "2: timeline[0].cohort.name: expected one of gen_z millennial gen_x boomer");
    expect_refused(
        "timeline = (\n  { start = 0; end = 4; rate = { from = 0; to = 2; ramp = \"exponential\"; }; }\n);\n",
        "2: timeline[0]: rate: an exponential ramp needs from and to of at least 1e-09, got 0 and 2");
}

Test(scenarios, missing_scenario_names_the_file_and_lists_the_shipped_ones) {
    char dir[512], err[1024];
    support_source_path("", dir, sizeof dir);
    scenario sc;
    cr_assert_neq(scenario_file_resolve("no_such_day", dir, 500, &sc, err, sizeof err), 0);
    cr_assert(strstr(err, "unknown scenario 'no_such_day'") && strstr(err, "no_such_day.cfg") &&
                  strstr(err, "payment_outage"),
              "%s", err);
}

Test(scenarios, composed_scenarios_multiply_rates_and_refuse_contradictions) {
    char dir[512], err[1024];
    support_source_path("", dir, sizeof dir);
    scenario sc;
    cr_assert_eq(scenario_file_resolve("payment_outage,flash_sale", dir, 500, &sc, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(sc.name, "payment_outage+flash_sale");
    cr_assert_eq(sc.n_effects, 4u);
    cr_assert_eq(scenario_file_resolve(" payment_outage ,\tflash_sale ", dir, 500, &sc, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(sc.name, "payment_outage+flash_sale");
    cr_assert_neq(scenario_file_resolve("payment_outage,payment_outage", dir, 500, &sc, err, sizeof err), 0);
    cr_assert(strstr(err, "contradict") != NULL, "%s", err);
}

/* ---- runs agree with plan ----------------------------------------------- */

Test(scenarios, run_generates_per_hour_what_plan_drew_within_poisson_of_expected) {
    char stats[512];
    support_tmp_path("stats", stats, sizeof stats);
    const char *args[] = { "run", "-s", "payment_outage", "--sink", "null", "--duration", "8h", "--intensity",
                           "20",  "-q", "--stats-json",   stats,    NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    json_t *j = support_read_stats(stats);
    cr_assert_not_null(j);
    json_t *hours = json_object_get(j, "orders_per_hour");
    cr_assert_eq(json_array_size(hours), 8u);
    engine *e = scenario_engine("payment_outage", 20, 8);
    const plan *p = engine_get_plan(e);
    for (size_t h = 0; h < 8; h++) {
        double expected = expected_between(e, (double)h, (double)h + 1);
        uint64_t drawn = 0;
        for (size_t i = h * 60; i < (h + 1) * 60; i++) drawn += p->slices[i].count;
        uint64_t got = (uint64_t)json_integer_value(json_array_get(hours, h));
        cr_assert_eq(got, drawn, "hour %zu: run made %llu orders, plan drew %llu", h, (unsigned long long)got,
                     (unsigned long long)drawn);
        cr_assert(fabs((double)got - expected) <= 5 * sqrt(expected) + 1, "hour %zu: %llu orders, expected %.1f", h,
                  (unsigned long long)got, expected);
    }
    engine_free(e);
    json_decref(j);
}
