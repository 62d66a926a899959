/* SPDX-License-Identifier: Apache-2.0 */
/* config_file.c - a libconfig file over a run_config, walked against the
 * option table (see config.h, options.h).
 *
 * Every setting in the file must be a row of the table with a value of its
 * type: an unknown or mistyped setting is an error with its line, never
 * silently ignored. Values go through options_set_text/number, the same
 * code the command line uses. */
#include <stdio.h>
#include <string.h>

#include "base/cfgread.h"
#include "config.h"
#include "options.h"
#include "base/secrets.h"

typedef struct loader {
    run_config *rc;
    const char *file;
    char *errstr;
    size_t errlen;
} loader;

static int fail_at(loader *ld, const config_setting_t *s, const char *path, const char *msg) {
    return cfgread_fail(ld->errstr, ld->errlen, ld->file, s, path, msg);
}

/* What libconfig holds, in words, for "expected ..., got ...". */
static void describe(const config_setting_t *s, char *buf, size_t cap) {
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: snprintf(buf, cap, "%lld", config_setting_get_int64(s)); return;
    case CONFIG_TYPE_FLOAT: snprintf(buf, cap, "%.17g", config_setting_get_float(s)); return;
    case CONFIG_TYPE_STRING: snprintf(buf, cap, "\"%.100s\"", config_setting_get_string(s)); return;
    case CONFIG_TYPE_BOOL: snprintf(buf, cap, "%s", config_setting_get_bool(s) ? "true" : "false"); return;
    case CONFIG_TYPE_GROUP: snprintf(buf, cap, "a group"); return;
    case CONFIG_TYPE_ARRAY:
    case CONFIG_TYPE_LIST: snprintf(buf, cap, "a list"); return;
    }
    snprintf(buf, cap, "nothing");
}

static int mistyped(loader *ld, const option_spec *o, const config_setting_t *s, const char *path) {
    char what[320], got[160], msg[512];
    options_expectation(o, what, sizeof what);
    describe(s, got, sizeof got);
    /* A string where properties or credentials go may be a secret: its type only. */
    if (config_setting_type(s) == CONFIG_TYPE_STRING &&
        (o->type == OPT_PROPERTY || secrets_property_is_secret(o->path)))
        snprintf(got, sizeof got, "a string");
    snprintf(msg, sizeof msg, "expected %s, got %s", what, got);
    return fail_at(ld, s, path, msg);
}

static int is_number(const config_setting_t *s) {
    int t = config_setting_type(s);
    return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
}

static double number_of(const config_setting_t *s) {
    return config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
                                                       : (double)config_setting_get_int64(s);
}

static int read_doubles(loader *ld, const option_spec *o, const config_setting_t *s, const char *path) {
    double *dest = (double *)(void *)((char *)ld->rc + o->offset);
    char msg[600];
    if (o->type == OPT_ARRAY) {
        if (!config_setting_is_array(s) && !config_setting_is_list(s)) return mistyped(ld, o, s, path);
        if (config_setting_length(s) != o->n_names) {
            char what[320];
            options_expectation(o, what, sizeof what);
            snprintf(msg, sizeof msg, "expected %s, got %d of them", what, config_setting_length(s));
            return fail_at(ld, s, path, msg);
        }
        for (int i = 0; i < o->n_names; i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            if (!is_number(e)) return mistyped(ld, o, e, path);
            dest[i] = number_of(e);
        }
        return 0;
    }
    if (!config_setting_is_group(s)) return mistyped(ld, o, s, path);
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
        char sub[160];
        snprintf(sub, sizeof sub, "%s.%s", path, config_setting_name(m));
        int k = -1;
        for (int n = 0; n < o->n_names; n++)
            if (strcmp(o->names[n], config_setting_name(m)) == 0) k = n;
        if (k < 0) return fail_at(ld, m, sub, "unknown setting");
        if (!is_number(m)) {
            char got[160];
            describe(m, got, sizeof got);
            snprintf(msg, sizeof msg, "expected a share in [0, 1], got %s", got);
            return fail_at(ld, m, sub, msg);
        }
        dest[k] = number_of(m);
    }
    return 0;
}

static int read_properties(loader *ld, const option_spec *o, const config_setting_t *s, const char *path) {
    if (!config_setting_is_array(s) && !config_setting_is_list(s)) return mistyped(ld, o, s, path);
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        char err[512];
        if (config_setting_type(e) != CONFIG_TYPE_STRING) return mistyped(ld, o, e, path);
        if (options_set_text(ld->rc, o, config_setting_get_string(e), err, sizeof err) != 0)
            return fail_at(ld, e, path, err);
        /* librdkafka checks it later: its error names this line, not -X. */
        sink_property *p = &ld->rc->properties[ld->rc->n_properties - 1];
        snprintf(ld->rc->properties_file, sizeof ld->rc->properties_file, "%s", ld->file);
        p->file = ld->rc->properties_file;
        p->line = config_setting_source_line(e);
    }
    return 0;
}

static int read_setting(loader *ld, const option_spec *o, const config_setting_t *s, const char *path) {
    char err[600];
    int t = config_setting_type(s);
    switch (o->type) {
    case OPT_ARRAY:
    case OPT_MIX: return read_doubles(ld, o, s, path);
    case OPT_PROPERTY: return read_properties(ld, o, s, path);
    case OPT_BOOL:
        if (t != CONFIG_TYPE_BOOL) return mistyped(ld, o, s, path);
        *(int *)(void *)((char *)ld->rc + o->offset) = config_setting_get_bool(s);
        return 0;
    case OPT_UINT64:
        /* a file's integers are signed 64-bit: from 2^63 up (a seed), in quotes */
        if (t == CONFIG_TYPE_STRING) {
            if (options_set_text(ld->rc, o, config_setting_get_string(s), err, sizeof err) != 0)
                return fail_at(ld, s, path, err);
            return 0;
        }
        /* fall through */
    case OPT_INT:
    case OPT_UINT32:
    case OPT_INT64:
    case OPT_SIZE:
    case OPT_DOUBLE:
        if (!is_number(s)) return mistyped(ld, o, s, path);
        if (options_set_number(ld->rc, o, number_of(s), config_setting_get_int64(s), t != CONFIG_TYPE_FLOAT, err,
                               sizeof err) != 0)
            return fail_at(ld, s, path, err);
        return 0;
    default:
        if (t != CONFIG_TYPE_STRING) return mistyped(ld, o, s, path);
        if (options_set_text(ld->rc, o, config_setting_get_string(s), err, sizeof err) != 0)
            return fail_at(ld, s, path, err);
        return 0;
    }
}

/* A group that holds rows ("engine", "mix.channel"), not a row itself. */
static int is_group_prefix(const char *path) {
    size_t n = strlen(path);
    for (size_t i = 0; i < options_count; i++) {
        const char *p = options_table[i].path;
        if (p && strncmp(p, path, n) == 0 && p[n] == '.') return 1;
    }
    return 0;
}

static int walk(loader *ld, const config_setting_t *group, const char *prefix) {
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        char path[128];
        if (*prefix)
            snprintf(path, sizeof path, "%.60s.%.60s", prefix, config_setting_name(s));
        else
            snprintf(path, sizeof path, "%.100s", config_setting_name(s));
        const option_spec *o = options_by_path(path);
        if (o) {
            if (read_setting(ld, o, s, path) != 0) return -1;
            options_note_origin(ld->rc, o, ld->file, config_setting_source_line(s));
        } else if (config_setting_is_group(s) && is_group_prefix(path)) {
            if (walk(ld, s, path) != 0) return -1;
        } else {
            return fail_at(ld, s, path, "unknown setting");
        }
    }
    return 0;
}

int config_load(run_config *rc, const char *path, char *errstr, size_t errlen) {
    config_t cfg;
    config_init(&cfg);
    int code = -1;
    if (cfgread_load(&cfg, path, "config", errstr, errlen) == 0) {
        snprintf(rc->source_file, sizeof rc->source_file, "%s", path);
        loader ld = { rc, path, errstr, errlen };
        code = walk(&ld, config_root_setting(&cfg), "");
    }
    config_destroy(&cfg);
    return code;
}
