/* SPDX-License-Identifier: Apache-2.0 */
/* test_scenario_lives.c - the scenario effects that act after an order is
 * placed, measured on the engine's own output against the files in
 * config/scenarios/: carrier_delay moves deliveries by exactly its hours,
 * black_friday's return wave multiplies returns, price_war cuts one
 * category's prices for its window and nothing else, mobile_offline makes
 * app orders late and nothing else; plus their parse errors and how `plan`
 * describes them.
 *
 * Tolerances as in test_scenarios.c: a share of n Bernoulli draws with
 * probability p is held to p +- 5 sqrt(p(1-p)/n). */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "delivery.h"
#include "domain.h"
#include "engine.h"
#include "lifecycle.h"
#include "options/scenario_file.h"
#include "simtime.h"
#include "support.h"

static engine *scenario_engine(const char *name, int64_t hours) {
    engine_settings s;
    engine_settings_default(&s);
    s.duration_ms = hours * HOUR_MS;
    char dir[512], err[1024];
    support_source_path("", dir, sizeof dir);
    if (name) cr_assert_eq(scenario_file_resolve(name, dir, s.products, &s.scenario, err, sizeof err), 0, "%s", err);
    engine *e = NULL;
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    return e;
}

static void assert_share(double got, double p, double n, const char *what) {
    double tol = 5 * sqrt(p * (1 - p) / n);
    cr_assert(fabs(got - p) <= tol, "%s: %.4f, expected %.4f +- %.4f (n = %.0f)", what, got, p, tol, n);
}

/* The life of row k, without the run's end (so no life is cut short). */
static size_t life_of(const engine *e, const order_batch *b, size_t k, life_event ev[LIFE_EVENTS_MAX]) {
    life_model m = *engine_get_life_model(e);
    m.end_ms = INT64_MAX;
    life_order o = life_order_at(b, k, engine_get_catalog(e)->customers);
    return lifecycle_of(&m, &o, ev);
}

static const life_event *find(const life_event *ev, size_t n, int topic, int status) {
    for (size_t i = 0; i < n; i++)
        if (ev[i].topic == topic && ev[i].status == status) return &ev[i];
    return NULL;
}

Test(scenario_lives, carrier_delay_moves_ups_deliveries_to_us_east_by_36_hours_and_the_rest_there_by_6) {
    engine *base = scenario_engine(NULL, 5 * 24), *storm = scenario_engine("carrier_delay", 5 * 24);
    const catalog *c = engine_get_catalog(base);
    int64_t t0 = engine_get_settings(base)->start_ms;
    uint64_t total = engine_get_plan(base)->total_orders, moved[3] = { 0 }, kept = 0;
    cr_assert_eq(total, engine_get_plan(storm)->total_orders, "carrier_delay changed the orders");
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 4096), 0);
    for (uint64_t first = 0; first < total; first += 4096) {
        size_t n = total - first < 4096 ? (size_t)(total - first) : 4096;
        engine_fill(base, first, 1, n, &b);
        for (size_t k = 0; k < n; k++) {
            life_event was[LIFE_EVENTS_MAX], now[LIFE_EVENTS_MAX];
            size_t n_was = life_of(base, &b, k, was), n_now = life_of(storm, &b, k, now);
            cr_assert_eq(n_was, n_now);
            const life_event *d0 = find(was, n_was, LIFE_SHIPMENT, SHIP_DELIVERED);
            if (!d0) continue;
            const life_event *d1 = find(now, n_now, LIFE_SHIPMENT, SHIP_DELIVERED);
            int us_east = c->customers[b.customer_id[k] - 1].region == REGION_US_EAST;
            int due = d0->time_ms >= t0 + 24 * HOUR_MS && d0->time_ms < t0 + 96 * HOUR_MS;
            int64_t want = !(us_east && due) ? 0 : d0->carrier == CARRIER_UPS ? 42 * HOUR_MS : 6 * HOUR_MS;
            cr_assert_eq(d1->time_ms - d0->time_ms, want, "order %" PRIu64 ": delivered %+" PRId64 " ms", first + k + 1,
                         d1->time_ms - d0->time_ms);
            cr_assert_eq(d1->carrier, d0->carrier);
            for (size_t i = 0; i < (size_t)(d0 - was); i++) cr_assert_eq(now[i].time_ms, was[i].time_ms);
            if (want == 0)
                kept++;
            else
                moved[d0->carrier == CARRIER_UPS ? 0 : 1]++;
        }
    }
    cr_assert_gt(moved[0], 100, "%" PRIu64 " UPS deliveries moved", moved[0]);
    cr_assert_gt(moved[1], 100, "%" PRIu64 " other deliveries moved", moved[1]);
    cr_assert_gt(kept, moved[0] + moved[1]);
    order_batch_free(&b);
    engine_free(base);
    engine_free(storm);
}

Test(scenario_lives, black_friday_deliveries_of_the_two_weeks_after_are_returned_two_and_a_half_times_as_often) {
    engine *e = scenario_engine("black_friday", 20 * 24);
    int64_t t0 = engine_get_settings(e)->start_ms;
    uint64_t total = engine_get_plan(e)->total_orders;
    double delivered[2] = { 0 }, returned[2] = { 0 }; /* [0] in the wave, [1] after it */
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 4096), 0);
    for (uint64_t first = 0; first < total; first += 4096) {
        size_t n = total - first < 4096 ? (size_t)(total - first) : 4096;
        engine_fill(e, first, 1, n, &b);
        for (size_t k = 0; k < n; k++) {
            life_event ev[LIFE_EVENTS_MAX];
            size_t len = life_of(e, &b, k, ev);
            const life_event *d = find(ev, len, LIFE_SHIPMENT, SHIP_DELIVERED);
            if (!d || d->time_ms < t0 + 24 * HOUR_MS) continue;
            int after = d->time_ms >= t0 + 360 * HOUR_MS;
            delivered[after]++;
            returned[after] += find(ev, len, LIFE_SHIPMENT, SHIP_RETURNED) != NULL;
        }
    }
    assert_share(returned[0] / delivered[0], 0.08 * 2.5, delivered[0], "returns of deliveries in days 1-15");
    assert_share(returned[1] / delivered[1], 0.08, delivered[1], "returns of deliveries after day 15");
    order_batch_free(&b);
    engine_free(e);
}

Test(scenario_lives, price_war_cuts_every_electronics_price_by_20_percent_for_its_window_and_nothing_else) {
    engine *e = scenario_engine("price_war", 3 * 24);
    const catalog *c = engine_get_catalog(e);
    int64_t begins = engine_get_settings(e)->start_ms + 6 * HOUR_MS, ends = begins + 48 * HOUR_MS;
    size_t cut = 0, restored = 0, electronics = 0;
    for (size_t i = 0; i < c->n_products; i++) {
        const product *p = &c->products[i];
        const product_version *v = &c->versions[p->first_version];
        electronics += p->category == CATEGORY_ELECTRONICS;
        for (uint32_t k = 1; k < p->n_versions; k++) {
            const product_version *prev = &v[k - 1], *now = &v[k];
            if (now->valid_from_ms != begins && now->valid_from_ms != ends) continue;
            cr_assert_eq(p->category, CATEGORY_ELECTRONICS, "product %" PRId64 " changed with the war", p->id);
            cr_assert_eq(now->in_stock, prev->in_stock);
            if (now->valid_from_ms == begins) {
                cr_assert_eq(now->price_cents, prev->price_cents * 80 / 100 / 100 * 100 + 99, "product %" PRId64,
                             p->id);
                cut++;
            } else {
                cr_assert_gt(now->price_cents, prev->price_cents, "product %" PRId64 ": not restored", p->id);
                restored++;
            }
        }
    }
    cr_assert_gt(electronics, 0);
    cr_assert_eq(cut, electronics, "%zu of %zu electronics cut", cut, electronics);
    cr_assert_eq(restored, electronics, "%zu of %zu electronics restored", restored, electronics);
    engine_free(e);
}

Test(scenario_lives, mobile_offline_makes_four_in_ten_app_orders_late_by_at_most_15_minutes_with_their_lines) {
    engine *e = scenario_engine("mobile_offline", 12);
    const delivery_model *d = engine_get_delivery(e);
    int64_t t0 = engine_get_settings(e)->start_ms;
    uint64_t total = engine_get_plan(e)->total_orders;
    double app = 0, late = 0;
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 4096), 0);
    for (uint64_t first = 0; first < total; first += 4096) {
        size_t n = total - first < 4096 ? (size_t)(total - first) : 4096;
        engine_fill(e, first, 1, n, &b);
        for (size_t k = 0; k < n; k++) {
            uint64_t g = first + k;
            int64_t t = b.event_time_ms[k], late_ms, dup_ms, line_ms, life_ms;
            delivery_of(d, g, DELIVERY_STEP_ORDER, t, b.channel[k], &late_ms, &dup_ms);
            cr_assert_eq(dup_ms, 0);
            int in = t >= t0 + 2 * HOUR_MS && t < t0 + 8 * HOUR_MS && b.channel[k] == CHANNEL_MOBILE_APP;
            if (!in) cr_assert_eq(late_ms, 0, "order %" PRIu64 " late outside the window", g + 1);
            cr_assert_leq(late_ms, 15 * MINUTE_MS);
            for (unsigned line = 0; line < b.item_count[k]; line++) {
                delivery_of(d, g, DELIVERY_STEP_LINE + line, t, b.channel[k], &line_ms, &dup_ms);
                cr_assert_eq(line_ms, late_ms, "order %" PRIu64 ": a line apart from its order", g + 1);
            }
            delivery_of(d, g, DELIVERY_STEP_LIFE, t, b.channel[k], &life_ms, &dup_ms);
            cr_assert_eq(life_ms, 0, "order %" PRIu64 ": its payment late", g + 1);
            app += in;
            late += in && late_ms > 0;
        }
    }
    assert_share(late / app, 0.4, app, "app orders late in hours 2-8");
    order_batch_free(&b);
    engine_free(e);
}

static void expect_refused(const char *text, const char *line_and_reason) {
    char path[512], err[1024], want[1024];
    support_tmp_path("scenario", path, sizeof path);
    strcat(path, ".cfg");
    support_write_file(path, text);
    scenario sc;
    cr_assert_neq(scenario_file_resolve(path, ".", 500, &sc, err, sizeof err), 0, "accepted: %s", text);
    snprintf(want, sizeof want, "%s:%s", path, line_and_reason);
    cr_assert_str_eq(err, want);
}

Test(scenario_lives, bad_lifecycle_effects_are_refused_with_file_line_and_reason) {
    expect_refused("timeline = (\n  { start = 0; end = 4; carrier_delay = { carrier = \"pony\"; hours = 3; }; }\n);\n",
                   "2: timeline[0].carrier_delay.carrier: expected one of ups fedex usps dhl dpd");
    expect_refused("timeline = (\n  { start = 0; end = 4; carrier_delay = { hours = 0; }; }\n);\n",
                   "2: timeline[0]: carrier_delay.hours must be in (0, 720], got 0");
    expect_refused("timeline = (\n  { start = 0; end = 4; return_wave = { factor = 20; }; }\n);\n",
                   "2: timeline[0]: return_wave.factor must be in [0, 12], got 20");
    expect_refused("timeline = (\n  { start = 0; end = 4; price_war = { category = \"toys\"; cut_pct = 95; }; }\n);\n",
                   "2: timeline[0].price_war.cut_pct: expected an integer in [1, 90], got 95");
    expect_refused("timeline = (\n  { start = 0; end = 4; late = { share = 0.5; max = \"soon\"; }; }\n);\n",
                   "2: timeline[0].late.max: expected a duration such as \"10m\", got \"soon\"");
    expect_refused("timeline = (\n  { start = 0; end = 4; late = { share = 0.5; max = \"1m\"; }; },\n"
                   "  { start = 3; end = 5; late = { share = 0.1; max = \"2m\"; }; }\n);\n",
                   "3: timeline[1]: late contradicts effect 1, which sets it for overlapping hours 0-4");
}

Test(scenario_lives, plan_describes_each_lifecycle_effect) {
    static const struct {
        const char *name;
        const char *text;
    } want[] = {
        { "carrier_delay", "ups deliveries to us_east +36h" },
        { "price_war", "rate x1.20, electronics 40.0% of lines, electronics prices -20%" },
        { "mobile_offline", "40% of mobile_app orders late by up to 15m" },
    };
    char dir[512], err[1024], text[512];
    support_source_path("", dir, sizeof dir);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        scenario sc;
        cr_assert_eq(scenario_file_resolve(want[i].name, dir, 500, &sc, err, sizeof err), 0, "%s", err);
        scenario_file_describe(&sc.effects[0], 0.5, text, sizeof text);
        cr_assert_str_eq(text, want[i].text);
    }
    scenario sc;
    cr_assert_eq(scenario_file_resolve("black_friday", dir, 500, &sc, err, sizeof err), 0, "%s", err);
    scenario_file_describe(&sc.effects[sc.n_effects - 1], 0.5, text, sizeof text);
    cr_assert_str_eq(text, "returns x2.50");
}

/* ---- every entry acts: 32 of them, composed from two files --------------- */

/* Entry i of the 32 is active for hours [48 + 4i, 52 + 4i): payment outage,
 * carrier delay of 1 + i % 5 hours, no returns, half the orders late. */
#define EVERY_FIRST_H 48
#define EVERY_WIDTH_H 4
#define EVERY_ENTRIES SCENARIO_EFFECTS_MAX

static void write_entries(const char *path, int from, int to) {
    char text[16384];
    size_t off = (size_t)snprintf(text, sizeof text, "timeline = (\n");
    for (int i = from; i < to; i++)
        off += (size_t)snprintf(text + off, sizeof text - off,
                                "  { start = %d.0; end = %d.0; payment_failure = { rate = 0.3; };\n"
                                "    carrier_delay = { hours = %d.0; }; return_wave = { factor = 0.0; };\n"
                                "    late = { share = 0.5; max = \"1m\"; }; }%s\n",
                                EVERY_FIRST_H + EVERY_WIDTH_H * i, EVERY_FIRST_H + EVERY_WIDTH_H * (i + 1), 1 + i % 5,
                                i + 1 < to ? "," : "");
    snprintf(text + off, sizeof text - off, ");\n");
    support_write_file(path, text);
}

/* The entry whose window holds t, or -1. */
static int entry_at(int64_t t0, int64_t t) {
    int64_t h = t - t0 - EVERY_FIRST_H * HOUR_MS;
    return h >= 0 && h < EVERY_ENTRIES * EVERY_WIDTH_H * HOUR_MS ? (int)(h / (EVERY_WIDTH_H * HOUR_MS)) : -1;
}

static engine *entries_engine(const scenario *sc, int with_delays) {
    engine_settings s;
    engine_settings_default(&s);
    s.duration_ms = (EVERY_FIRST_H + EVERY_WIDTH_H * EVERY_ENTRIES + 16) * HOUR_MS;
    s.scenario = *sc;
    for (size_t i = 0; !with_delays && i < s.scenario.n_effects; i++)
        s.scenario.effects[i].kinds &= ~(unsigned)EFFECT_CARRIER_DELAY;
    char err[1024];
    engine *e = NULL;
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    return e;
}

Test(scenario_lives, every_one_of_32_composed_entries_acts_outages_delays_return_waves_and_late_windows) {
    char a[512], b[512], spec[1100], err[1024];
    support_tmp_path("first16", a, sizeof a);
    support_tmp_path("last16", b, sizeof b);
    strcat(a, ".cfg");
    strcat(b, ".cfg");
    write_entries(a, 0, EVERY_ENTRIES / 2);
    write_entries(b, EVERY_ENTRIES / 2, EVERY_ENTRIES);
    snprintf(spec, sizeof spec, "%s,%s", a, b);
    scenario sc;
    cr_assert_eq(scenario_file_resolve(spec, ".", 500, &sc, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sc.n_effects, (size_t)EVERY_ENTRIES);
    engine *e = entries_engine(&sc, 1), *calm = entries_engine(&sc, 0);
    const delivery_model *d = engine_get_delivery(e);
    int64_t t0 = engine_get_settings(e)->start_ms;
    uint64_t total = engine_get_plan(e)->total_orders;
    cr_assert_eq(total, engine_get_plan(calm)->total_orders, "carrier delays changed the orders");
    uint64_t delayed[EVERY_ENTRIES] = { 0 }, retried[EVERY_ENTRIES] = { 0 }, late[EVERY_ENTRIES] = { 0 };
    uint64_t returned_outside = 0;
    order_batch batch;
    cr_assert_eq(order_batch_init(&batch, 4096), 0);
    for (uint64_t first = 0; first < total; first += 4096) {
        size_t n = total - first < 4096 ? (size_t)(total - first) : 4096;
        engine_fill(e, first, 1, n, &batch);
        for (size_t k = 0; k < n; k++) {
            uint64_t g = first + k;
            int64_t t = batch.event_time_ms[k], late_ms, dup_ms;
            int placed = entry_at(t0, t);
            /* late: only orders placed in a window, by at most its 1m */
            delivery_of(d, g, DELIVERY_STEP_ORDER, t, batch.channel[k], &late_ms, &dup_ms);
            cr_assert(placed >= 0 || late_ms == 0, "order %" PRIu64 ": late outside every window", g + 1);
            cr_assert_leq(late_ms, MINUTE_MS);
            if (placed >= 0 && late_ms > 0) late[placed]++;
            life_event was[LIFE_EVENTS_MAX], now[LIFE_EVENTS_MAX];
            size_t n_was = life_of(calm, &batch, k, was), n_now = life_of(e, &batch, k, now);
            /* outages: a payment failed in one is retried once it is over */
            if (placed >= 0 && batch.status[k] == STATUS_PAYMENT_FAILED) {
                cr_assert_geq(n_now, 2, "order %" PRIu64 ": failed in outage %d, never retried", g + 1, placed + 1);
                int64_t over = t0 + (EVERY_FIRST_H + EVERY_WIDTH_H * (placed + 1)) * HOUR_MS;
                cr_assert_geq(now[1].time_ms, over, "order %" PRIu64 ": retried inside outage %d", g + 1, placed + 1);
                retried[placed]++;
            }
            /* delays: by the hours of the window the delivery fell due in */
            const life_event *d0 = find(was, n_was, LIFE_SHIPMENT, SHIP_DELIVERED);
            const life_event *d1 = find(now, n_now, LIFE_SHIPMENT, SHIP_DELIVERED);
            if (!d0) continue;
            int due = entry_at(t0, d0->time_ms);
            int64_t want = due < 0 ? 0 : (1 + due % 5) * HOUR_MS;
            cr_assert_eq(d1->time_ms - d0->time_ms, want,
                         "order %" PRIu64 ": due in entry %d, delivered %+" PRId64 " ms", g + 1, due + 1,
                         d1->time_ms - d0->time_ms);
            if (due >= 0) delayed[due]++;
            /* return waves of factor 0: nothing delivered in a window comes back */
            int back = find(now, n_now, LIFE_SHIPMENT, SHIP_RETURNED) != NULL;
            cr_assert(!(back && entry_at(t0, d1->time_ms) >= 0), "order %" PRIu64 ": returned from a wave of 0", g + 1);
            returned_outside += back;
        }
    }
    for (int i = 0; i < EVERY_ENTRIES; i++) {
        cr_assert_gt(late[i], 0, "entry %d: no order late", i + 1);
        cr_assert_gt(retried[i], 0, "entry %d: no payment retried after its outage", i + 1);
        cr_assert_gt(delayed[i], 0, "entry %d: no delivery delayed", i + 1);
    }
    cr_assert_gt(returned_outside, 0);
    order_batch_free(&batch);
    engine_free(e);
    engine_free(calm);
}

Test(scenario_lives, more_than_32_entries_in_all_composed_are_refused_naming_the_file_that_overflows) {
    char a[512], b[512], spec[1100], err[1024], want[1200];
    support_tmp_path("first20", a, sizeof a);
    support_tmp_path("next13", b, sizeof b);
    strcat(a, ".cfg");
    strcat(b, ".cfg");
    write_entries(a, 0, 20);
    write_entries(b, 20, 33);
    snprintf(spec, sizeof spec, "%s,%s", a, b);
    scenario sc;
    cr_assert_eq(scenario_file_resolve(spec, ".", 500, &sc, err, sizeof err), SCENARIO_FILE_BAD_SPEC);
    snprintf(want, sizeof want, "expected at most 32 timeline entries in all, got 33 (%s adds 13 to 20)", b);
    cr_assert_str_eq(err, want);
    write_entries(a, 0, 33);
    cr_assert_eq(scenario_file_resolve(a, ".", 500, &sc, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:1: timeline: expected at most 32 entries, got 33", a);
    cr_assert_str_eq(err, want);
}

Test(scenario_lives, thirty_two_price_wars_on_one_category_each_cut_and_restore_every_price_of_it) {
    char path[512], text[8192], err[1024];
    support_tmp_path("wars", path, sizeof path);
    strcat(path, ".cfg");
    size_t off = (size_t)snprintf(text, sizeof text, "timeline = (\n");
    for (int i = 0; i < SCENARIO_EFFECTS_MAX; i++) /* hours [2 + 2i, 3 + 2i) */
        off +=
            (size_t)snprintf(text + off, sizeof text - off,
                             "  { start = %d.0; end = %d.0; price_war = { category = \"toys\"; cut_pct = 10; }; }%s\n",
                             2 + 2 * i, 3 + 2 * i, i + 1 < SCENARIO_EFFECTS_MAX ? "," : "");
    snprintf(text + off, sizeof text - off, ");\n");
    support_write_file(path, text);
    engine_settings s;
    engine_settings_default(&s);
    s.duration_ms = 72 * HOUR_MS;
    cr_assert_eq(scenario_file_resolve(path, ".", s.products, &s.scenario, err, sizeof err), 0, "%s", err);
    engine *e = NULL;
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    const catalog *c = engine_get_catalog(e);
    size_t toys = 0;
    for (size_t i = 0; i < c->n_products; i++) {
        const product *p = &c->products[i];
        if (p->category != CATEGORY_TOYS) continue;
        toys++;
        for (int w = 0; w < SCENARIO_EFFECTS_MAX; w++) {
            int64_t begins = s.start_ms + (2 + 2 * w) * HOUR_MS, ends = begins + HOUR_MS;
            const product_version *in = product_version_at(c->versions, p, begins);
            const product_version *before = product_version_at(c->versions, p, begins - 1);
            const product_version *after = product_version_at(c->versions, p, ends);
            cr_assert_eq(in->valid_from_ms, begins, "product %" PRId64 ": war %d never began", p->id, w + 1);
            cr_assert_leq(in->price_cents, before->price_cents, "product %" PRId64 ": war %d raised a price", p->id,
                          w + 1);
            cr_assert_eq(after->valid_from_ms, ends, "product %" PRId64 ": war %d never ended", p->id, w + 1);
        }
    }
    cr_assert_gt(toys, 0);
    engine_free(e);
}
