/* SPDX-License-Identifier: Apache-2.0 */
/* optvalue.c - values of the option table's types: parsing, range checks,
 * words for errors, and formatting (see options.h).
 *
 * The command line and config files reach a field through the same
 * functions here, so both accept exactly the same values; a number, a
 * duration, a time, a speed, a name or a shard without the blanks around
 * it (units.h), text as written. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cfgread.h"
#include "options.h"
#include "base/units.h"

static void *field_of(run_config *rc, const option_spec *o) { return (char *)rc + o->offset; }
static const void *cfield_of(const run_config *rc, const option_spec *o) { return (const char *)rc + o->offset; }

static int is_integer_type(option_type t) {
    return t == OPT_INT || t == OPT_UINT32 || t == OPT_UINT64 || t == OPT_INT64 || t == OPT_SIZE;
}

static void join_names(const option_spec *o, char *buf, size_t cap) {
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < o->n_names && off < cap; i++) {
        const char *sep = i == 0 ? "" : i == o->n_names - 1 ? " or " : ", ";
        off += (size_t)snprintf(buf + off, cap - off, "%s%s", sep, o->names[i]);
    }
}

void options_expectation(const option_spec *o, char *buf, size_t cap) {
    char names[256];
    switch (o->type) {
    case OPT_BOOL: snprintf(buf, cap, "true or false"); return;
    case OPT_INT:
    case OPT_UINT32:
    case OPT_INT64:
    case OPT_SIZE: snprintf(buf, cap, "an integer in [%.0f, %.0f]", o->min, o->max); return;
    case OPT_UINT64:
        if (o->max > o->min)
            snprintf(buf, cap, "an integer in [%.0f, %.0f]", o->min, o->max);
        else
            snprintf(buf, cap, "an integer in [0, 18446744073709551615]");
        return;
    case OPT_DOUBLE: snprintf(buf, cap, "a number in [%g, %g]", o->min, o->max); return;
    case OPT_STRING:
    case OPT_PATH: snprintf(buf, cap, "UTF-8 text of at most %zu bytes", o->size - 1); return;
    case OPT_DURATION: snprintf(buf, cap, "a duration such as 90m, 6h or 2d"); return;
    case OPT_START: snprintf(buf, cap, "auto, now, or an ISO-8601 UTC time such as 2026-01-01T00:00:00Z"); return;
    case OPT_SPEED: snprintf(buf, cap, "max, realtime or a number of simulated seconds per second"); return;
    case OPT_ENUM:
        join_names(o, names, sizeof names);
        snprintf(buf, cap, "%s", names);
        return;
    case OPT_ARRAY: snprintf(buf, cap, "an array of %d numbers in [%g, %g]", o->n_names, o->min, o->max); return;
    case OPT_MIX:
        join_names(o, names, sizeof names);
        snprintf(buf, cap, "a group { name = share; ... } of %s", names);
        return;
    case OPT_PROPERTY: snprintf(buf, cap, "a librdkafka property as name=value"); return;
    case OPT_SHARD: snprintf(buf, cap, "I/N with 0 <= I < N <= 1000000 (e.g. 0/4), or auto"); return;
    }
    snprintf(buf, cap, "?");
}

static int expected(const option_spec *o, const char *got, char *errstr, size_t errlen) {
    char what[320];
    options_expectation(o, what, sizeof what);
    snprintf(errstr, errlen, "expected %s, got %s", what, got);
    return -1;
}

/* Stores an integer already range-checked for the field's type. */
static void store_integer(run_config *rc, const option_spec *o, long long v, unsigned long long u) {
    void *f = field_of(rc, o);
    switch (o->type) {
    case OPT_INT: *(int *)f = (int)v; break;
    case OPT_UINT32: *(uint32_t *)f = (uint32_t)v; break;
    case OPT_INT64: *(int64_t *)f = (int64_t)v; break;
    case OPT_SIZE: *(size_t *)f = (size_t)v; break;
    case OPT_UINT64: *(uint64_t *)f = (uint64_t)u; break;
    default: break;
    }
}

static int set_integer_text(run_config *rc, const option_spec *o, const char *text, char *errstr, size_t errlen) {
    char *end;
    char got[96];
    snprintf(got, sizeof got, "%.80s", text);
    errno = 0;
    if (o->type == OPT_UINT64) {
        if (*text == '-' || *text == '\0') return expected(o, got, errstr, errlen);
        unsigned long long u = strtoull(text, &end, 10);
        if (*end || errno) return expected(o, got, errstr, errlen);
        if (o->max > o->min && ((double)u < o->min || (double)u > o->max)) return expected(o, got, errstr, errlen);
        store_integer(rc, o, 0, u);
        return 0;
    }
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno || (double)v < o->min || (double)v > o->max)
        return expected(o, got, errstr, errlen);
    store_integer(rc, o, v, 0);
    return 0;
}

static int set_double(run_config *rc, const option_spec *o, double d, const char *got, char *errstr, size_t errlen) {
    if (!(d >= o->min && d <= o->max)) return expected(o, got, errstr, errlen);
    *(double *)field_of(rc, o) = d;
    return 0;
}

static int set_shard(run_config *rc, const char *text) {
    char extra;
    unsigned long long i, n;
    if (strcmp(text, "auto") == 0) {
        rc->shard_auto = 1;
        return 0;
    }
    if (sscanf(text, "%llu/%llu%c", &i, &n, &extra) != 2 || strchr(text, '-') || n < 1 || i >= n || n > 1000000)
        return -1;
    rc->shard_auto = 0;
    rc->shard_index = i;
    rc->shard_count = n;
    return 0;
}

/* Types whose values are words or numbers, read without the blanks around
 * them (units.h); text, paths and properties are taken as written. */
static int is_typed(option_type t) {
    return t != OPT_STRING && t != OPT_PATH && t != OPT_PROPERTY && t != OPT_ARRAY && t != OPT_MIX;
}

int options_set_text(run_config *rc, const option_spec *o, const char *text, char *errstr, size_t errlen) {
    char got[128], value[UNITS_TEXT_MAX];
    snprintf(got, sizeof got, "%.100s", text ? text : "");
    if (text && is_typed(o->type) && !(text = units_trim(text, value, sizeof value)))
        return expected(o, got, errstr, errlen);
    snprintf(got, sizeof got, "%.100s", text ? text : "");
    void *f = field_of(rc, o);
    double d;
    switch (o->type) {
    case OPT_BOOL:
        if (!text || strcmp(text, "true") == 0)
            *(int *)f = 1;
        else if (strcmp(text, "false") == 0)
            *(int *)f = 0;
        else
            return expected(o, got, errstr, errlen);
        return 0;
    case OPT_INT:
    case OPT_UINT32:
    case OPT_UINT64:
    case OPT_INT64:
    case OPT_SIZE: return set_integer_text(rc, o, text, errstr, errlen);
    case OPT_DOUBLE:
        if (units_double(text, &d) != 0) return expected(o, got, errstr, errlen);
        return set_double(rc, o, d, got, errstr, errlen);
    case OPT_STRING:
    case OPT_PATH:
        if (strlen(text) >= o->size) {
            snprintf(got, sizeof got, "%zu bytes", strlen(text));
            return expected(o, got, errstr, errlen);
        }
        if (!cfgread_utf8(text)) return expected(o, "bytes that are not UTF-8", errstr, errlen);
        memcpy(f, text, strlen(text) + 1);
        return 0;
    case OPT_DURATION: return units_duration_ms(text, (int64_t *)f) == 0 ? 0 : expected(o, got, errstr, errlen);
    case OPT_START:
        if (strcmp(text, "auto") == 0)
            rc->start_mode = START_AUTO;
        else if (strcmp(text, "now") == 0)
            rc->start_mode = START_NOW;
        else if (units_time_ms(text, (int64_t *)f) == 0)
            rc->start_mode = START_FIXED;
        else
            return expected(o, got, errstr, errlen);
        return 0;
    case OPT_SPEED: return units_speed(text, (double *)f) == 0 ? 0 : expected(o, got, errstr, errlen);
    case OPT_ENUM:
        for (int i = 0; i < o->n_names; i++)
            if (strcmp(o->names[i], text) == 0) {
                *(int *)f = i;
                return 0;
            }
        return expected(o, got, errstr, errlen);
    case OPT_PROPERTY: {
        char err[300];
        if (config_add_property(rc, text, err, sizeof err) == 0) return 0;
        snprintf(errstr, errlen, "%s", err);
        return -1;
    }
    case OPT_SHARD: return set_shard(rc, text) == 0 ? 0 : expected(o, got, errstr, errlen);
    case OPT_ARRAY:
    case OPT_MIX: return expected(o, got, errstr, errlen);
    }
    return -1;
}

int options_set_number(run_config *rc, const option_spec *o, double real, long long integer, int is_integer,
                       char *errstr, size_t errlen) {
    char got[64];
    if (is_integer)
        snprintf(got, sizeof got, "%lld", integer);
    else
        snprintf(got, sizeof got, "%.17g", real);
    if (o->type == OPT_DOUBLE) return set_double(rc, o, is_integer ? (double)integer : real, got, errstr, errlen);
    if (!is_integer_type(o->type) || !is_integer) return expected(o, got, errstr, errlen);
    if (o->type == OPT_UINT64) {
        if (integer < 0 || (o->max > o->min && ((double)integer < o->min || (double)integer > o->max)))
            return expected(o, got, errstr, errlen);
        store_integer(rc, o, 0, (unsigned long long)integer);
        return 0;
    }
    if ((double)integer < o->min || (double)integer > o->max) return expected(o, got, errstr, errlen);
    store_integer(rc, o, integer, 0);
    return 0;
}

static void format_doubles(const double *v, int n, const option_spec *o, char *buf, size_t cap) {
    size_t off = (size_t)snprintf(buf, cap, o->type == OPT_MIX ? "{" : "[");
    for (int i = 0; i < n && off < cap; i++) {
        if (o->type == OPT_MIX)
            off += (size_t)snprintf(buf + off, cap - off, " %s = %g;", o->names[i], v[i]);
        else
            off += (size_t)snprintf(buf + off, cap - off, "%s %g", i ? "," : "", v[i]);
    }
    if (off < cap) snprintf(buf + off, cap - off, o->type == OPT_MIX ? " }" : " ]");
}

void options_format_value(const run_config *rc, const option_spec *o, char *buf, size_t cap) {
    const void *f = cfield_of(rc, o);
    switch (o->type) {
    case OPT_BOOL: snprintf(buf, cap, "%s", *(const int *)f ? "true" : "false"); return;
    case OPT_INT: snprintf(buf, cap, "%d", *(const int *)f); return;
    case OPT_UINT32: snprintf(buf, cap, "%u", *(const uint32_t *)f); return;
    case OPT_UINT64: snprintf(buf, cap, "%llu", (unsigned long long)*(const uint64_t *)f); return;
    case OPT_INT64: snprintf(buf, cap, "%lld", (long long)*(const int64_t *)f); return;
    case OPT_SIZE: snprintf(buf, cap, "%zu", *(const size_t *)f); return;
    case OPT_DOUBLE: snprintf(buf, cap, "%g", *(const double *)f); return;
    case OPT_STRING:
    case OPT_PATH: snprintf(buf, cap, "%s", (const char *)f); return;
    case OPT_DURATION: {
        int64_t ms = *(const int64_t *)f;
        if (ms % 3600000 == 0)
            snprintf(buf, cap, "%lldh", (long long)(ms / 3600000));
        else if (ms % 60000 == 0)
            snprintf(buf, cap, "%lldm", (long long)(ms / 60000));
        else if (ms % 1000 == 0)
            snprintf(buf, cap, "%llds", (long long)(ms / 1000));
        else
            snprintf(buf, cap, "%lldms", (long long)ms);
        return;
    }
    case OPT_START:
        if (rc->start_mode == START_AUTO)
            snprintf(buf, cap, "auto");
        else if (rc->start_mode == START_NOW)
            snprintf(buf, cap, "now");
        else
            units_format_time(*(const int64_t *)f, buf, (int)cap);
        return;
    case OPT_SPEED: {
        double s = *(const double *)f;
        if (s == 0.0)
            snprintf(buf, cap, "max");
        else if (s == 1.0)
            snprintf(buf, cap, "realtime");
        else
            snprintf(buf, cap, "%g", s);
        return;
    }
    case OPT_ENUM: {
        int v = *(const int *)f;
        snprintf(buf, cap, "%s", v >= 0 && v < o->n_names ? o->names[v] : "?");
        return;
    }
    case OPT_ARRAY:
    case OPT_MIX: format_doubles(f, o->n_names, o, buf, cap); return;
    case OPT_PROPERTY: {
        size_t off = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < rc->n_properties && off < cap; i++)
            off += (size_t)snprintf(buf + off, cap - off, "%s%s=%s", i ? " " : "", rc->properties[i].name,
                                    rc->properties[i].value);
        return;
    }
    case OPT_SHARD:
        if (rc->shard_auto)
            snprintf(buf, cap, "auto");
        else
            snprintf(buf, cap, "%llu/%llu", (unsigned long long)rc->shard_index, (unsigned long long)rc->shard_count);
        return;
    }
    snprintf(buf, cap, "?");
}
