/* SPDX-License-Identifier: Apache-2.0 */
/* test_option_ranges.c - the command line and a config file take the same
 * values: for every row that has both a flag and a path, its default and the
 * ends of its range are taken by both and land as the same value, and values
 * just past the ends are refused by both, each with its exact error. (Only
 * agreeing would let a parser that refuses everything pass.) */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "options/cli.h"
#include "options/config.h"
#include "options/options.h"
#include "support.h"

#define TEXT_MAX (CONFIG_PATH_MAX + 1)

/* What a row takes and refuses, as a user types it. got: the value as the
 * error quotes it ("" for the value itself). */
typedef struct row_values {
    int n_ok, n_bad;
    char ok[6][TEXT_MAX], bad[4][TEXT_MAX], got[4][64];
} row_values;

#define OK(...) snprintf(v->ok[v->n_ok++], TEXT_MAX, __VA_ARGS__)
#define BAD(...) (v->got[v->n_bad][0] = '\0', snprintf(v->bad[v->n_bad++], TEXT_MAX, __VA_ARGS__))

static void text_of(char *buf, size_t n) {
    memset(buf, 'x', n);
    buf[n] = '\0';
}

/* The row's values; 0 for a row whose value the two cannot both be given. */
static int values_of(const option_spec *o, const run_config *defaults, row_values *v) {
    v->n_ok = v->n_bad = 0;
    switch (o->type) {
    case OPT_BOOL:
    case OPT_PROPERTY:
    case OPT_ARRAY:
    case OPT_MIX:
    case OPT_SHARD:
    case OPT_PATH: return 0;
    default: break;
    }
    if (o->def)
        OK("%s", o->def);
    else
        options_format_value(defaults, o, v->ok[v->n_ok++], TEXT_MAX);
    switch (o->type) {
    case OPT_INT:
    case OPT_UINT32:
    case OPT_INT64:
    case OPT_SIZE:
        OK("%.0f", o->min);
        OK("%.0f", o->max);
        BAD("%.0f", o->min - 1);
        BAD("%.0f", o->max + 1);
        break;
    case OPT_UINT64: /* the whole range; a file holds 64-bit signed integers (see below) */
        OK("0");
        OK("9223372036854775807");
        BAD("-1");
        break;
    case OPT_DOUBLE:
        OK("%.17g", o->min);
        OK("%.17g", o->max);
        BAD("%.17g", o->min - 1);
        BAD("%.17g", o->max * 2 + 1);
        break;
    case OPT_ENUM:
        OK("%s", o->names[0]);
        OK("%s", o->names[o->n_names - 1]);
        BAD("no-such-%s", o->names[0]);
        break;
    case OPT_DURATION:
        OK("1ms");
        OK("9.2e15ms");
        BAD("0ms");
        BAD("9.3e15ms");
        BAD("5x");
        break;
    case OPT_SPEED:
        OK("max");
        OK("realtime");
        OK("1e-9");
        OK("1e12");
        BAD("0");
        BAD("2e12");
        BAD("fast");
        break;
    case OPT_START:
        OK("auto");
        OK("now");
        OK("2026-01-01T00:00:00Z");
        BAD("yesterday");
        break;
    case OPT_STRING:
        OK("%s", "");
        text_of(v->ok[v->n_ok++], o->size - 1);
        text_of(v->bad[v->n_bad], o->size);
        snprintf(v->got[v->n_bad++], 64, "%zu bytes", o->size);
        break;
    default: break;
    }
    return 1;
}

/* The value as a config file writes it: strings quoted, numbers bare. */
static void file_text(const option_spec *o, const char *value, char *buf, size_t cap) {
    const char *dot = strrchr(o->path, '.');
    int quoted = !(o->type == OPT_INT || o->type == OPT_UINT32 || o->type == OPT_UINT64 || o->type == OPT_INT64 ||
                   o->type == OPT_SIZE || o->type == OPT_DOUBLE);
    const char *q = quoted ? "\"" : "";
    if (dot)
        snprintf(buf, cap, "%.*s = { %s = %s%s%s; };\n", (int)(dot - o->path), o->path, dot + 1, q, value, q);
    else
        snprintf(buf, cap, "%s = %s%s%s;\n", o->path, q, value, q);
}

/* `plan --flag value`: 0, the value as set in set; or -1, the error in err. */
static int by_cli(const option_spec *o, const char *value, char *err, char *set) {
    static run_config rc;
    char flag[128];
    snprintf(flag, sizeof flag, "--%s", o->flag);
    char *argv[] = { "shopstream", "plan", flag, (char *)value, NULL };
    cli_command cmd;
    int r = cli_parse(4, argv, "/nonexistent", &cmd, &rc, err, 1024);
    if (r == 0) options_format_value(&rc, o, set, TEXT_MAX);
    config_free(&rc);
    return r;
}

/* The value in a config file at path, alone on line 1: as by_cli. */
static int by_file(const option_spec *o, const char *value, const char *path, char *err, char *set) {
    static run_config rc;
    static char text[TEXT_MAX + 256];
    file_text(o, value, text, sizeof text);
    support_write_file(path, text);
    config_defaults(&rc);
    int r = config_load(&rc, path, err, 1024);
    if (r == 0) options_format_value(&rc, o, set, TEXT_MAX);
    config_free(&rc);
    return r;
}

Test(option_ranges, the_command_line_and_the_file_take_each_rows_default_and_range_ends_and_refuse_past_them) {
    static run_config defaults;
    static row_values v;
    static char set_cli[TEXT_MAX], set_file[TEXT_MAX], want_default[TEXT_MAX];
    char path[512], err_cli[1024], err_file[1024], what[320], want[1400];
    support_tmp_path("range.cfg", path, sizeof path);
    config_defaults(&defaults);
    size_t rows = 0, taken = 0, refused = 0;
    for (size_t i = 0; i < options_count; i++) {
        const option_spec *o = &options_table[i];
        if (!o->path || !o->flag || !values_of(o, &defaults, &v)) continue;
        rows++;
        options_format_value(&defaults, o, want_default, sizeof want_default);
        for (int k = 0; k < v.n_ok; k++, taken++) {
            const char *x = v.ok[k];
            cr_assert_eq(by_cli(o, x, err_cli, set_cli), 0, "--%s refuses %.80s: %s", o->flag, x, err_cli);
            cr_assert_eq(by_file(o, x, path, err_file, set_file), 0, "%s refuses %.80s: %s", o->path, x, err_file);
            cr_assert_str_eq(set_cli, set_file, "%s = %.80s: the command line set %.80s, the file %.80s", o->path, x,
                             set_cli, set_file);
            if (k == 0)
                cr_assert_str_eq(set_cli, want_default, "%s: its default %.80s set %.80s, not %.80s", o->path, x,
                                 set_cli, want_default);
        }
        options_expectation(o, what, sizeof what);
        for (int k = 0; k < v.n_bad; k++, refused++) {
            const char *x = v.bad[k], *got = v.got[k][0] ? v.got[k] : x;
            cr_assert_neq(by_cli(o, x, err_cli, set_cli), 0, "--%s takes %.80s", o->flag, x);
            snprintf(want, sizeof want, "--%s: expected %s, got %.100s", o->flag, what, got);
            cr_assert_str_eq(err_cli, want);
            cr_assert_neq(by_file(o, x, path, err_file, set_file), 0, "%s takes %.80s", o->path, x);
            snprintf(want, sizeof want, "%s:1: %s: expected %s, got %.100s", path, o->path, what, got);
            cr_assert_str_eq(err_file, want);
        }
    }
    cr_assert_gt(rows, 30u, "only %zu rows have both a flag and a path", rows);
    cr_assert_gt(taken, 100u, "only %zu values taken", taken);
    cr_assert_gt(refused, 50u, "only %zu values refused", refused);
    remove(path);
}

/* The seed's range is every 64-bit unsigned integer. A config file's
 * integers are signed 64-bit, so there a seed from 2^63 up is written in
 * quotes (config/shopstream.cfg says so); both take the same range. */
Test(option_ranges, seeds_from_2_to_the_63_are_taken_on_the_command_line_and_quoted_in_a_file) {
    const option_spec *o = options_by_path("seed");
    static char set[TEXT_MAX];
    char path[512], err[1024], want[1200];
    support_tmp_path("seed.cfg", path, sizeof path);
    cr_assert_eq(o->type, OPT_UINT64);
    cr_assert_eq(by_cli(o, "18446744073709551615", err, set), 0, "%s", err);
    cr_assert_str_eq(set, "18446744073709551615");
    cr_assert_neq(by_file(o, "9223372036854775808", path, err, set), 0);
    snprintf(want, sizeof want, "%s:1: seed: expected an integer that fits 64 bits, got 9223372036854775808", path);
    cr_assert_str_eq(err, want);
    cr_assert_eq(by_file(o, "\"18446744073709551615\"", path, err, set), 0, "%s", err);
    cr_assert_str_eq(set, "18446744073709551615");
    cr_assert_neq(by_file(o, "\"18446744073709551616\"", path, err, set), 0);
    snprintf(want, sizeof want,
             "%s:1: seed: expected an integer in [0, 18446744073709551615], got 18446744073709551616", path);
    cr_assert_str_eq(err, want);
    cr_assert_neq(by_cli(o, "18446744073709551616", err, set), 0);
    cr_assert_str_eq(err, "--seed: expected an integer in [0, 18446744073709551615], got 18446744073709551616");
    remove(path);
}

/* Blanks: a typed value (a number, a duration, a time, a speed, a name, a
 * shard) is read without the blanks around it, on the command line and in a
 * file alike; blanks inside are never skipped; text is taken as written. */
static int is_text(option_type t) {
    return t == OPT_STRING || t == OPT_PATH || t == OPT_PROPERTY || t == OPT_ARRAY || t == OPT_MIX;
}

Test(option_ranges, typed_values_are_read_without_the_blanks_around_them_by_both_and_text_as_written) {
    static run_config defaults;
    static row_values v;
    static char set[TEXT_MAX], set_padded[TEXT_MAX], padded[TEXT_MAX + 8];
    char path[512], err[1024], what[320], want[1400];
    support_tmp_path("blanks.cfg", path, sizeof path);
    config_defaults(&defaults);
    size_t checked = 0;
    for (size_t i = 0; i < options_count; i++) {
        const option_spec *o = &options_table[i];
        if (!o->flag || o->type == OPT_BOOL || is_text(o->type) || (o->flags & OPTF_CLI_ONLY_ACTION)) continue;
        if (o->type == OPT_SHARD) {
            v.n_ok = 1;
            snprintf(v.ok[0], TEXT_MAX, "1/4");
        } else if (!values_of(o, &defaults, &v)) {
            continue;
        }
        for (int k = 0; k < v.n_ok; k++) {
            snprintf(padded, sizeof padded, " \t%s \n", v.ok[k]);
            if (by_cli(o, v.ok[k], err, set) != 0) continue; /* (the seed's range, not --shards') */
            checked++;
            cr_assert_eq(by_cli(o, padded, err, set_padded), 0, "--%s refuses '%s': %s", o->flag, padded, err);
            cr_assert_str_eq(set_padded, set, "--%s '%s' set %s, not %s", o->flag, padded, set_padded, set);
            int quoted = o->path && !(o->type == OPT_INT || o->type == OPT_UINT32 || o->type == OPT_UINT64 ||
                                      o->type == OPT_INT64 || o->type == OPT_SIZE || o->type == OPT_DOUBLE);
            if (!quoted) continue;
            cr_assert_eq(by_file(o, padded, path, err, set_padded), 0, "%s refuses '%s': %s", o->path, padded, err);
            cr_assert_str_eq(set_padded, set, "%s = '%s' set %s, not %s", o->path, padded, set_padded, set);
        }
    }
    cr_assert_gt(checked, 60u, "only %zu values checked", checked);
    /* A refusal quotes the value without them; blanks inside are refused. */
    static const struct {
        const char *flag, *value, *got;
    } bad[] = {
        { "duration", " 5x ", "5x" },
        { "duration", "6 h", "6 h" },
        { "seed", " -1", "-1" }, /* (strtoull once read it as 2^64 - 1) */
        { "partitions", "1 0", "1 0" },
        { "start", "2026-01-01T00: 00:00Z", "2026-01-01T00: 00:00Z" },
        { "start", "2026-01-01  00:00:00", "2026-01-01  00:00:00" },
        { "sink", " no such ", "no such" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const option_spec *o = options_by_flag(bad[i].flag);
        cr_assert_neq(by_cli(o, bad[i].value, err, set), 0, "--%s takes '%s'", bad[i].flag, bad[i].value);
        options_expectation(o, what, sizeof what);
        snprintf(want, sizeof want, "--%s: expected %s, got %s", bad[i].flag, what, bad[i].got);
        cr_assert_str_eq(err, want);
    }
    /* Text is as written (a topic prefix, a path, a password may hold them). */
    cr_assert_eq(by_cli(options_by_flag("topic-prefix"), " shop. ", err, set), 0, "%s", err);
    cr_assert_str_eq(set, " shop. ");
    remove(path);
}
