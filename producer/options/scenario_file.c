/* SPDX-License-Identifier: Apache-2.0 */
/* scenario_file.c - libconfig scenario files to scenario structs (see scenario_file.h).
 *
 *   name = "payment_outage";
 *   description = "...";
 *   timeline = (
 *     { start = 1.0; end = 3.0; rate = 0.2;
 *       payment_failure = { rate = 0.85; methods = [ "card", "paypal" ]; }; },
 *     { start = 3.0; end = 5.0; rate = { from = 1.8; to = 1.0; ramp = "linear"; }; }
 *   );
 *
 * Effects of an entry: rate, payment_failure { rate, methods }, focus
 * { product | category, share }, cohort { name, share }, channel { name,
 * share }, campaign { name, discount_pct, category, cohort, uptake },
 * carrier_delay { carrier, region, hours }, return_wave { factor },
 * price_war { category, cut_pct }, late { share, max, channel }. A rate or
 * a focus share is a number or a ramp { from, to, ramp = "linear" |
 * "exponential" }. */
#include "scenario_file.h"

#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "base/clip.h"
#include "base/cfgread.h"
#include "scenario_read.h"

static int ramp_value(scenario_reader *rd, const config_setting_t *s, const char *path, ramp *out) {
    if (!config_setting_is_group(s)) {
        out->kind = RAMP_CONSTANT;
        if (scenario_read_number(rd, s, path, &out->from) != 0)
            return scenario_read_fail(rd, s, path, "expected a number or { from; to; ramp; }");
        out->to = out->from;
        return 0;
    }
    static const char *const members[] = { "from", "to", "ramp", NULL };
    if (scenario_read_only_members(rd, s, path, members) != 0) return -1;
    const config_setting_t *from = config_setting_get_member(s, "from"), *to = config_setting_get_member(s, "to");
    const char *kind = NULL;
    if (!from || !to) return scenario_read_fail(rd, s, path, "a ramp needs from and to");
    if (scenario_read_number(rd, from, path, &out->from) != 0 || scenario_read_number(rd, to, path, &out->to) != 0)
        return -1;
    out->kind = RAMP_LINEAR;
    const config_setting_t *k = config_setting_get_member(s, "ramp");
    if (k) {
        kind = config_setting_type(k) == CONFIG_TYPE_STRING ? config_setting_get_string(k) : "";
        if (strcmp(kind, "linear") == 0)
            out->kind = RAMP_LINEAR;
        else if (strcmp(kind, "exponential") == 0)
            out->kind = RAMP_EXPONENTIAL;
        else
            return scenario_read_fail(rd, k, path, "ramp must be \"linear\" or \"exponential\"");
    }
    return 0;
}

static int read_payment_failure(scenario_reader *rd, const config_setting_t *g, const char *path, scenario_effect *e) {
    static const char *const members[] = { "rate", "methods", NULL };
    if (!config_setting_is_group(g)) return scenario_read_fail(rd, g, path, "expected { rate; methods; }");
    if (scenario_read_only_members(rd, g, path, members) != 0) return -1;
    const config_setting_t *rate = config_setting_get_member(g, "rate");
    char sub[160];
    snprintf(sub, sizeof sub, "%.100s.rate", path);
    if (!rate) return scenario_read_fail(rd, g, sub, "missing");
    if (scenario_read_number(rd, rate, sub, &e->failure_rate) != 0) return -1;
    const config_setting_t *methods = config_setting_get_member(g, "methods");
    e->failure_methods = 0;
    if (methods) {
        snprintf(sub, sizeof sub, "%.100s.methods", path);
        if (!config_setting_is_array(methods) && !config_setting_is_list(methods))
            return scenario_read_fail(rd, methods, sub, "expected an array of payment methods");
        if (config_setting_length(methods) == 0) /* not "all": leaving methods out says that */
            return scenario_read_fail(rd, methods, sub,
                                      "expected at least one payment method (leave methods out for all of them), "
                                      "got an empty array");
        for (int i = 0; i < config_setting_length(methods); i++) {
            const char *m = config_setting_get_string_elem(methods, (unsigned)i);
            int k = m ? domain_lookup(payment_method_names, PAYMENT_COUNT, m) : -1;
            if (k < 0)
                return scenario_read_fail(rd, methods, sub,
                                          "expected card, paypal, apple_pay, google_pay or bank_transfer");
            e->failure_methods |= 1u << k;
        }
    }
    e->kinds |= EFFECT_PAYMENT_FAILURE;
    return 0;
}

static int read_focus(scenario_reader *rd, const config_setting_t *g, const char *path, scenario_effect *e) {
    static const char *const members[] = { "product", "category", "share", NULL };
    if (!config_setting_is_group(g)) return scenario_read_fail(rd, g, path, "expected { product or category; share; }");
    if (scenario_read_only_members(rd, g, path, members) != 0) return -1;
    e->focus_category = -1;
    e->focus_product = 0;
    const config_setting_t *p = config_setting_get_member(g, "product");
    if (p) {
        int t = config_setting_type(p);
        if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
            return scenario_read_fail(rd, p, path, "focus.product: expected a product id");
        e->focus_product = config_setting_get_int64(p);
    }
    if (scenario_read_name(rd, g, "category", path, category_names, CATEGORY_COUNT, &e->focus_category, 0) != 0)
        return -1;
    const config_setting_t *share = config_setting_get_member(g, "share");
    char sub[160];
    snprintf(sub, sizeof sub, "%.100s.share", path);
    if (!share) return scenario_read_fail(rd, g, sub, "missing");
    if (ramp_value(rd, share, sub, &e->focus_share) != 0) return -1;
    e->kinds |= EFFECT_FOCUS;
    return 0;
}

static int read_shift(scenario_reader *rd, const config_setting_t *g, const char *path, const char *const *names, int n,
                      int8_t *which, double *share) {
    static const char *const members[] = { "name", "share", NULL };
    if (!config_setting_is_group(g)) return scenario_read_fail(rd, g, path, "expected { name; share; }");
    if (scenario_read_only_members(rd, g, path, members) != 0) return -1;
    if (scenario_read_name(rd, g, "name", path, names, n, which, 1) != 0) return -1;
    return scenario_read_share(rd, g, path, share);
}

static int read_campaign(scenario_reader *rd, const config_setting_t *g, const char *path, const char *scenario_name,
                         scenario_effect *e) {
    static const char *const members[] = { "name", "discount_pct", "category", "cohort", "uptake", NULL };
    if (!config_setting_is_group(g)) return scenario_read_fail(rd, g, path, "expected { name; discount_pct; ... }");
    if (scenario_read_only_members(rd, g, path, members) != 0) return -1;
    scenario_campaign *c = &e->campaign;
    const config_setting_t *name = config_setting_get_member(g, "name");
    char sub[160];
    if (name) {
        snprintf(sub, sizeof sub, "%.100s.name", path);
        const char *text = scenario_read_string(rd, name, sub);
        if (!text) return -1;
        if (strlen(text) >= sizeof c->name) return scenario_read_fail(rd, name, sub, "longer than 47 bytes");
        snprintf(c->name, sizeof c->name, "%s", text);
    } else {
        snprintf(c->name, sizeof c->name, "%.30s campaign", scenario_name);
    }
    long long v;
    if (scenario_read_percent(rd, g, "discount_pct", path, 0, 100, &v) != 0) return -1;
    c->discount_pct = (int)v;
    c->target_category = c->target_cohort = -1;
    if (scenario_read_name(rd, g, "category", path, category_names, CATEGORY_COUNT, &c->target_category, 0) != 0)
        return -1;
    if (scenario_read_name(rd, g, "cohort", path, cohort_names, COHORT_COUNT, &c->target_cohort, 0) != 0) return -1;
    c->uptake = 0.5;
    const config_setting_t *u = config_setting_get_member(g, "uptake");
    snprintf(sub, sizeof sub, "%.100s.uptake", path);
    if (u && scenario_read_number(rd, u, sub, &c->uptake) != 0) return -1;
    e->kinds |= EFFECT_CAMPAIGN;
    return 0;
}

static int read_entry(scenario_reader *rd, const config_setting_t *g, int index, const char *scenario_name,
                      scenario_effect *e) {
    static const char *const members[] = { "start",     "end",     "rate",     "payment_failure", "focus",
                                           "cohort",    "channel", "campaign", "carrier_delay",   "return_wave",
                                           "price_war", "late",    NULL };
    char path[64], sub[160];
    snprintf(path, sizeof path, "timeline[%d]", index);
    if (!config_setting_is_group(g)) return scenario_read_fail(rd, g, path, "expected { start; end; effects... }");
    if (scenario_read_only_members(rd, g, path, members) != 0) return -1;
    memset(e, 0, sizeof *e);
    const config_setting_t *start = config_setting_get_member(g, "start"), *end = config_setting_get_member(g, "end");
    snprintf(sub, sizeof sub, "%.100s.start", path);
    if (!start) return scenario_read_fail(rd, g, sub, "missing (simulated hours from the start of the run)");
    if (scenario_read_number(rd, start, sub, &e->start_h) != 0) return -1;
    snprintf(sub, sizeof sub, "%.100s.end", path);
    if (!end) return scenario_read_fail(rd, g, sub, "missing (simulated hours from the start of the run)");
    if (scenario_read_number(rd, end, sub, &e->end_h) != 0) return -1;
    const config_setting_t *s;
    if ((s = config_setting_get_member(g, "rate"))) {
        snprintf(sub, sizeof sub, "%.100s.rate", path);
        if (ramp_value(rd, s, sub, &e->rate) != 0) return -1;
        e->kinds |= EFFECT_RATE;
    }
    snprintf(sub, sizeof sub, "%.100s.payment_failure", path);
    if ((s = config_setting_get_member(g, "payment_failure")) && read_payment_failure(rd, s, sub, e) != 0) return -1;
    snprintf(sub, sizeof sub, "%.100s.focus", path);
    if ((s = config_setting_get_member(g, "focus")) && read_focus(rd, s, sub, e) != 0) return -1;
    snprintf(sub, sizeof sub, "%.100s.cohort", path);
    if ((s = config_setting_get_member(g, "cohort"))) {
        if (read_shift(rd, s, sub, cohort_names, COHORT_COUNT, &e->cohort, &e->cohort_share) != 0) return -1;
        e->kinds |= EFFECT_COHORT;
    }
    snprintf(sub, sizeof sub, "%.100s.channel", path);
    if ((s = config_setting_get_member(g, "channel"))) {
        if (read_shift(rd, s, sub, channel_names, CHANNEL_COUNT, &e->channel, &e->channel_share) != 0) return -1;
        e->kinds |= EFFECT_CHANNEL;
    }
    snprintf(sub, sizeof sub, "%.100s.campaign", path);
    if ((s = config_setting_get_member(g, "campaign")) && read_campaign(rd, s, sub, scenario_name, e) != 0) return -1;
    static const struct {
        const char *name;
        int (*read)(scenario_reader *, const config_setting_t *, const char *, scenario_effect *);
    } lives[] = { { "carrier_delay", scenario_read_carrier_delay },
                  { "return_wave", scenario_read_return_wave },
                  { "price_war", scenario_read_price_war },
                  { "late", scenario_read_late } };
    for (size_t k = 0; k < sizeof lives / sizeof lives[0]; k++) {
        snprintf(sub, sizeof sub, "%.100s.%s", path, lives[k].name);
        if ((s = config_setting_get_member(g, lives[k].name)) && lives[k].read(rd, s, sub, e) != 0) return -1;
    }
    if (!e->kinds)
        return scenario_read_fail(rd, g, path,
                                  "no effect: give rate, payment_failure, focus, cohort, channel, campaign, "
                                  "carrier_delay, return_wave, price_war or late");
    return 0;
}

static void base_name(const char *path, char *out, size_t cap) {
    const char *slash = strrchr(path, '/');
    snprintf(out, cap, "%s", slash ? slash + 1 : path);
    char *dot = strrchr(out, '.');
    if (dot && strcmp(dot, ".cfg") == 0) *dot = '\0';
}

int scenario_file_load(const char *path, uint32_t products, scenario *sc, int lines[SCENARIO_EFFECTS_MAX], char *errstr,
                       size_t errlen) {
    memset(sc, 0, sizeof *sc);
    config_t cfg;
    config_init(&cfg);
    if (cfgread_load(&cfg, path, "scenario", errstr, errlen) != 0) {
        config_destroy(&cfg);
        return -1;
    }
    scenario_reader rd = { path, errstr, errlen };
    int rc = -1;
    const config_setting_t *root = config_root_setting(&cfg);
    static const char *const members[] = { "name", "description", "timeline", NULL };
    if (scenario_read_only_members(&rd, root, "scenario", members) != 0) goto out;
    const config_setting_t *name = config_setting_get_member(root, "name");
    const char *text;
    if (name) {
        if (!(text = scenario_read_string(&rd, name, "name"))) goto out;
        if (strlen(text) >= sizeof sc->name) {
            scenario_read_fail(&rd, name, "name", "longer than 63 bytes");
            goto out;
        }
        snprintf(sc->name, sizeof sc->name, "%s", text);
    } else {
        base_name(path, sc->name, sizeof sc->name);
    }
    const config_setting_t *description = config_setting_get_member(root, "description");
    if (description && !scenario_read_string(&rd, description, "description")) goto out;
    const config_setting_t *tl = config_lookup(&cfg, "timeline");
    if (tl) {
        if (!config_setting_is_list(tl)) {
            scenario_read_fail(&rd, tl, "timeline", "expected a list ( { ... }, { ... } )");
            goto out;
        }
        if (config_setting_length(tl) > SCENARIO_EFFECTS_MAX) {
            char msg[80];
            snprintf(msg, sizeof msg, "expected at most %d entries, got %d", SCENARIO_EFFECTS_MAX,
                     config_setting_length(tl));
            scenario_read_fail(&rd, tl, "timeline", msg);
            goto out;
        }
        for (int i = 0; i < config_setting_length(tl); i++) {
            const config_setting_t *g = config_setting_get_elem(tl, (unsigned)i);
            if (read_entry(&rd, g, i, sc->name, &sc->effects[i]) != 0) goto out;
            lines[i] = config_setting_source_line(g);
            sc->n_effects++;
        }
    }
    char err[512];
    size_t at, other;
    if (scenario_check(sc, products, &at, &other, err, sizeof err) != 0) {
        snprintf(errstr, errlen, "%s:%d: timeline[%zu]: %s", CLIP(path), lines[at], at, err);
        goto out;
    }
    rc = 0;
out:
    config_destroy(&cfg);
    return rc;
}
