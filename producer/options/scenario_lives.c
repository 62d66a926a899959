/* SPDX-License-Identifier: Apache-2.0 */
/* scenario_lives.c - the scenario effects that act after an order is placed,
 * read from a timeline entry (see scenario_file.h): carrier_delay { carrier,
 * region, hours }, return_wave { factor }, price_war { category, cut_pct },
 * late { share, max, channel }. The engine checks their ranges
 * (scenario_check); here, their types and names. */
#include <libconfig.h>
#include <stdio.h>

#include "domain.h"
#include "lifecycle.h"
#include "scenario_read.h"
#include "base/units.h"

int scenario_read_carrier_delay(scenario_reader *rd, const config_setting_t *g, const char *path, scenario_effect *e) {
    static const char *const members[] = { "carrier", "region", "hours", NULL };
    if (!config_setting_is_group(g)) return scenario_read_fail(rd, g, path, "expected { carrier; region; hours; }");
    if (scenario_read_only_members(rd, g, path, members) != 0) return -1;
    e->delay_carrier = e->delay_region = -1;
    if (scenario_read_name(rd, g, "carrier", path, carrier_names, CARRIER_COUNT, &e->delay_carrier, 0) != 0) return -1;
    if (scenario_read_name(rd, g, "region", path, region_names, REGION_COUNT, &e->delay_region, 0) != 0) return -1;
    if (scenario_read_number_member(rd, g, "hours", path, &e->delay_h, 1) != 0) return -1;
    e->kinds |= EFFECT_CARRIER_DELAY;
    return 0;
}

int scenario_read_return_wave(scenario_reader *rd, const config_setting_t *g, const char *path, scenario_effect *e) {
    static const char *const members[] = { "factor", NULL };
    if (!config_setting_is_group(g)) return scenario_read_fail(rd, g, path, "expected { factor; }");
    if (scenario_read_only_members(rd, g, path, members) != 0) return -1;
    if (scenario_read_number_member(rd, g, "factor", path, &e->return_factor, 1) != 0) return -1;
    e->kinds |= EFFECT_RETURN_WAVE;
    return 0;
}

int scenario_read_price_war(scenario_reader *rd, const config_setting_t *g, const char *path, scenario_effect *e) {
    static const char *const members[] = { "category", "cut_pct", NULL };
    if (!config_setting_is_group(g)) return scenario_read_fail(rd, g, path, "expected { category; cut_pct; }");
    if (scenario_read_only_members(rd, g, path, members) != 0) return -1;
    if (scenario_read_name(rd, g, "category", path, category_names, CATEGORY_COUNT, &e->war_category, 1) != 0)
        return -1;
    long long v;
    if (scenario_read_percent(rd, g, "cut_pct", path, 1, 90, &v) != 0) return -1;
    e->war_cut_pct = (int32_t)v;
    e->kinds |= EFFECT_PRICE_WAR;
    return 0;
}

int scenario_read_late(scenario_reader *rd, const config_setting_t *g, const char *path, scenario_effect *e) {
    static const char *const members[] = { "share", "max", "channel", NULL };
    if (!config_setting_is_group(g)) return scenario_read_fail(rd, g, path, "expected { share; max; channel; }");
    if (scenario_read_only_members(rd, g, path, members) != 0) return -1;
    if (scenario_read_share(rd, g, path, &e->late_share) != 0) return -1;
    const config_setting_t *max = config_setting_get_member(g, "max");
    char sub[160];
    snprintf(sub, sizeof sub, "%.100s.max", path);
    if (!max) return scenario_read_fail(rd, g, sub, "missing (a duration such as \"10m\")");
    const char *text = config_setting_type(max) == CONFIG_TYPE_STRING ? config_setting_get_string(max) : NULL;
    if (!text || units_duration_ms(text, &e->late_max_ms) != 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "expected a duration such as \"10m\"%s%.60s%s", text ? ", got \"" : "",
                 text ? text : "", text ? "\"" : "");
        return scenario_read_fail(rd, max, sub, msg);
    }
    e->late_channel = -1;
    if (scenario_read_name(rd, g, "channel", path, channel_names, CHANNEL_COUNT, &e->late_channel, 0) != 0) return -1;
    e->kinds |= EFFECT_LATE;
    return 0;
}
