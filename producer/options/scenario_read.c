/* SPDX-License-Identifier: Apache-2.0 */
/* scenario_read.c - the generic readers of a scenario file's settings
 * (see scenario_read.h): numbers, strings, names, percentages, shares, and
 * groups with only known members. Each names the setting as the file wrote
 * it, with its line. */
#include "scenario_read.h"

#include <libconfig.h>
#include <stdio.h>
#include <string.h>

#include "base/cfgread.h"
#include "domain.h"

int scenario_read_fail(scenario_reader *rd, const config_setting_t *s, const char *path, const char *msg) {
    return cfgread_fail(rd->errstr, rd->errlen, rd->file, s, path, msg);
}

int scenario_read_number(scenario_reader *rd, const config_setting_t *s, const char *path, double *out) {
    int t = config_setting_type(s);
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
        *out = (double)config_setting_get_int64(s);
    else if (t == CONFIG_TYPE_FLOAT)
        *out = config_setting_get_float(s);
    else
        return scenario_read_fail(rd, s, path, "expected a number");
    return 0;
}

const char *scenario_read_string(scenario_reader *rd, const config_setting_t *s, const char *path) {
    const char *text = config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;
    if (!text) {
        scenario_read_fail(rd, s, path, "expected a string");
        return NULL;
    }
    if (!cfgread_utf8(text)) {
        scenario_read_fail(rd, s, path, "expected UTF-8 text, got bytes that are not");
        return NULL;
    }
    return text;
}

int scenario_read_only_members(scenario_reader *rd, const config_setting_t *g, const char *path,
                               const char *const *allowed) {
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        int ok = 0;
        for (const char *const *a = allowed; *a; a++) ok |= strcmp(*a, config_setting_name(m)) == 0;
        if (!ok) {
            char sub[160];
            snprintf(sub, sizeof sub, "%.100s.%s", path, config_setting_name(m));
            return scenario_read_fail(rd, m, sub, "unknown setting");
        }
    }
    return 0;
}

int scenario_read_number_member(scenario_reader *rd, const config_setting_t *g, const char *member, const char *path,
                                double *out, int required) {
    const config_setting_t *s = config_setting_get_member(g, member);
    char sub[160];
    snprintf(sub, sizeof sub, "%.100s.%s", path, member);
    if (!s) return required ? scenario_read_fail(rd, g, sub, "missing") : 0;
    return scenario_read_number(rd, s, sub, out);
}

int scenario_read_name(scenario_reader *rd, const config_setting_t *g, const char *member, const char *path,
                       const char *const *names, int n, int8_t *out, int required) {
    const config_setting_t *s = config_setting_get_member(g, member);
    char sub[160];
    snprintf(sub, sizeof sub, "%.100s.%s", path, member);
    if (!s) {
        if (required) return scenario_read_fail(rd, g, sub, "missing");
        return 0;
    }
    const char *text = config_setting_get_string(s);
    int k = text ? domain_lookup(names, n, text) : -1;
    if (k < 0) {
        char msg[512];
        int off = snprintf(msg, sizeof msg, "expected one of");
        for (int i = 0; i < n && off < (int)sizeof msg; i++)
            off += snprintf(msg + off, sizeof msg - (size_t)off, " %s", names[i]);
        return scenario_read_fail(rd, s, sub, msg);
    }
    *out = (int8_t)k;
    return 0;
}

int scenario_read_percent(scenario_reader *rd, const config_setting_t *g, const char *member, const char *path,
                          long long lo, long long hi, long long *out) {
    const config_setting_t *pct = config_setting_get_member(g, member);
    char sub[160], msg[160];
    snprintf(sub, sizeof sub, "%.100s.%s", path, member);
    if (!pct) {
        snprintf(msg, sizeof msg, "missing (an integer percentage in [%lld, %lld])", lo, hi);
        return scenario_read_fail(rd, g, sub, msg);
    }
    int t = config_setting_type(pct), integer = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
    long long v = integer ? config_setting_get_int64(pct) : 0;
    if (!integer || v < lo || v > hi) {
        if (integer)
            snprintf(msg, sizeof msg, "expected an integer in [%lld, %lld], got %lld", lo, hi, v);
        else
            snprintf(msg, sizeof msg, "expected an integer in [%lld, %lld]", lo, hi);
        return scenario_read_fail(rd, pct, sub, msg);
    }
    *out = v;
    return 0;
}

int scenario_read_share(scenario_reader *rd, const config_setting_t *g, const char *path, double *out) {
    const config_setting_t *s = config_setting_get_member(g, "share");
    char sub[160];
    snprintf(sub, sizeof sub, "%.100s.share", path);
    if (!s) return scenario_read_fail(rd, g, sub, "missing");
    return scenario_read_number(rd, s, sub, out);
}
