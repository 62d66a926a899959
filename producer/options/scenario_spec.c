/* SPDX-License-Identifier: Apache-2.0 */
/* scenario_spec.c - `--scenario a,b`: finding each scenario's file,
 * composing them, and describing an effect for `plan` (see scenario_file.h).
 * Each name or path of the list is read without the blanks around it, as
 * every typed value is (units.h). */
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "base/clip.h"
#include "base/units.h"
#include "lifecycle.h"
#include "scenario_file.h"

/* Lists config/scenarios/ for an error message. */
static void available(const char *dir, char *buf, size_t cap) {
    DIR *d = opendir(dir);
    size_t off = 0;
    buf[0] = '\0';
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n > 4 && strcmp(de->d_name + n - 4, ".cfg") == 0 && off + n < cap)
            off += (size_t)snprintf(buf + off, cap - off, "%s%.*s", off ? ", " : "", (int)(n - 4), de->d_name);
    }
    closedir(d);
}

int scenario_file_resolve(const char *spec, const char *data_dir, uint32_t products, scenario *sc, char *errstr,
                          size_t errlen) {
    memset(sc, 0, sizeof *sc);
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", spec);
    char *save = NULL;
    int parts = 0;
    /* Where each composed effect came from, for errors. */
    static char files[SCENARIO_EFFECTS_MAX][4096];
    int lines[SCENARIO_EFFECTS_MAX] = { 0 };
    size_t entry[SCENARIO_EFFECTS_MAX] = { 0 };
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char path[4096], dir[4096], name[sizeof copy];
        const char *part = units_trim(item, name, sizeof name); /* (fits: a part of copy) */
        if (!*part) continue;
        snprintf(dir, sizeof dir, "%.3900s/config/scenarios", data_dir);
        size_t n = strlen(part);
        if (strchr(part, '/') || (n > 4 && strcmp(part + n - 4, ".cfg") == 0))
            snprintf(path, sizeof path, "%s", part);
        else
            snprintf(path, sizeof path, "%.3900s/%.150s.cfg", dir, part);
        struct stat st;
        if (stat(path, &st) != 0) { /* (not opened here: a FIFO would block) */
            char list[1024];
            available(dir, list, sizeof list);
            snprintf(errstr, errlen, "unknown scenario '%s': no file %s (available: %s)", CLIP(part), CLIP(path),
                     list[0] ? list : "none");
            return SCENARIO_FILE_BAD_SPEC;
        }
        static scenario one;
        int one_lines[SCENARIO_EFFECTS_MAX];
        size_t before = sc->n_effects;
        if (scenario_file_load(path, products, &one, one_lines, errstr, errlen) != 0) return -1;
        if (before + one.n_effects > SCENARIO_EFFECTS_MAX) { /* each entry acts: none may be left out */
            snprintf(errstr, errlen, "expected at most %d timeline entries in all, got %zu (%s adds %zu to %zu)",
                     SCENARIO_EFFECTS_MAX, before + one.n_effects, CLIP(path), one.n_effects, before);
            return SCENARIO_FILE_BAD_SPEC;
        }
        if (scenario_compose(sc, &one, errstr, errlen) != 0) return -1;
        for (size_t i = 0; i < one.n_effects; i++) {
            snprintf(files[before + i], sizeof files[0], "%s", path);
            lines[before + i] = one_lines[i];
            entry[before + i] = i;
        }
        parts++;
    }
    if (parts == 0) {
        snprintf(errstr, errlen, "expected a scenario name, got none");
        return SCENARIO_FILE_BAD_SPEC;
    }
    char err[512];
    size_t at, other;
    if (parts > 1 && scenario_check(sc, products, &at, &other, err, sizeof err) != 0) {
        if (other == SIZE_MAX)
            snprintf(errstr, errlen, "%s:%d: timeline[%zu]: in %s: %s", CLIP(files[at]), lines[at], entry[at], sc->name,
                     err);
        else
            snprintf(errstr, errlen,
                     "%s:%d: timeline[%zu]: composed into %s, it contradicts %s:%d: "
                     "timeline[%zu] (%s)",
                     CLIP(files[at]), lines[at], entry[at], sc->name, CLIP(files[other]), lines[other], entry[other],
                     err);
        return -1;
    }
    return 0;
}

void scenario_file_describe(const scenario_effect *e, double f, char *buf, size_t cap) {
    size_t off = 0;
    buf[0] = '\0';
#define ADD(...)                                                                                                       \
    do {                                                                                                               \
        if (off < cap) off += (size_t)snprintf(buf + off, cap - off, __VA_ARGS__);                                     \
    } while (0)
    if (e->kinds & EFFECT_RATE) ADD("%srate x%.2f", off ? ", " : "", ramp_at(&e->rate, f));
    if (e->kinds & EFFECT_PAYMENT_FAILURE) ADD("%s%.0f%% payments fail", off ? ", " : "", e->failure_rate * 100);
    if (e->kinds & EFFECT_FOCUS) {
        if (e->focus_product)
            ADD("%sproduct %lld %.1f%% of lines", off ? ", " : "", (long long)e->focus_product,
                ramp_at(&e->focus_share, f) * 100);
        else
            ADD("%s%s %.1f%% of lines", off ? ", " : "", category_names[e->focus_category],
                ramp_at(&e->focus_share, f) * 100);
    }
    if (e->kinds & EFFECT_COHORT) ADD("%s%s %.0f%%", off ? ", " : "", cohort_names[e->cohort], e->cohort_share * 100);
    if (e->kinds & EFFECT_CHANNEL)
        ADD("%s%s %.0f%%", off ? ", " : "", channel_names[e->channel], e->channel_share * 100);
    if (e->kinds & EFFECT_CAMPAIGN)
        ADD("%scampaign '%s' -%d%%", off ? ", " : "", e->campaign.name, e->campaign.discount_pct);
    if (e->kinds & EFFECT_CARRIER_DELAY)
        ADD("%s%s deliveries%s%s +%gh", off ? ", " : "", e->delay_carrier < 0 ? "all" : carrier_names[e->delay_carrier],
            e->delay_region < 0 ? "" : " to ", e->delay_region < 0 ? "" : region_names[e->delay_region], e->delay_h);
    if (e->kinds & EFFECT_RETURN_WAVE) ADD("%sreturns x%.2f", off ? ", " : "", e->return_factor);
    if (e->kinds & EFFECT_PRICE_WAR)
        ADD("%s%s prices -%d%%", off ? ", " : "", category_names[e->war_category], e->war_cut_pct);
    if (e->kinds & EFFECT_LATE)
        ADD("%s%.0f%% of %s orders late by up to %lld%s", off ? ", " : "", e->late_share * 100,
            e->late_channel < 0 ? "all" : channel_names[e->late_channel],
            (long long)(e->late_max_ms % 60000 ? e->late_max_ms / 1000 : e->late_max_ms / 60000),
            e->late_max_ms % 60000 ? "s" : "m");
#undef ADD
}
