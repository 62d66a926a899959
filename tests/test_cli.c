/* SPDX-License-Identifier: Apache-2.0 */
/* test_cli.c - the program as a user meets it: --help and the option
 * reference (docs/options.md) answer, bad options, config and schemas get
 * one clear line and exit code 2 before anything is published, and
 * `expect` prints the same figures as JSON and as CSV. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cmd/expect_out.h"
#include "options/optdoc.h"
#include "options/options.h"
#include "support.h"

static void expect_usage_error(const char *const *args, const char *message) {
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2, "%s: exit %d, stderr: %s", args[0], r.exit_code, r.stderr_text);
    cr_assert(strstr(r.stderr_text, message) != NULL, "expected '%s' in: %s", message, r.stderr_text);
    cr_assert(strchr(r.stderr_text, '\n') == r.stderr_text + strlen(r.stderr_text) - 1, "expected one line, got: %s",
              r.stderr_text);
    cr_assert(strstr(r.stderr_text, "produced") == NULL, "something was published: %s", r.stderr_text);
}

Test(cli, help_lists_commands_and_options) {
    run_result r;
    const char *args[] = { "--help", NULL };
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0);
    const char *must[] = { "Usage: shopstream", "run",           "plan",      "  expect ",    "  verify ",
                           "--brokers",         "-X name=value", "--speed",   "--stats-json", "--keep-broker",
                           "--window",          "--watermarks",  "Exit codes" };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        cr_assert(strstr(r.stdout_text, must[i]) != NULL, "--help lacks '%s'", must[i]);
}

Test(cli, help_shows_every_flag_of_the_option_table_with_its_default) {
    run_result r;
    const char *args[] = { "--help", NULL };
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0);
    size_t flags = 0;
    for (size_t i = 0; i < options_count; i++) {
        const option_spec *o = &options_table[i];
        char want[128];
        if (o->flag)
            snprintf(want, sizeof want, "--%s", o->flag);
        else if (o->short_flag)
            snprintf(want, sizeof want, "-%c", o->short_flag);
        else
            continue;
        flags++;
        cr_assert(strstr(r.stdout_text, want) != NULL, "--help lacks %s", want);
    }
    cr_assert_gt(flags, 25u);
    cr_assert(strstr(r.stdout_text,
                     "      --batch-orders N     orders per generated batch; 0: 4096, or 1024 with change "
                     "streams\n                           (an order's") != NULL,
              "%s", r.stdout_text);
    cr_assert(strstr(r.stdout_text, "(default: 6)") != NULL, "--partitions' default: %s", r.stdout_text);
}

/* The option reference (docs/options.md) as shopstream --help-markdown
 * prints it; the caller frees it. */
static char *option_reference(void) {
    char *md = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&md, &len);
    cr_assert_not_null(out);
    cr_assert_eq(options_markdown(out), 0);
    cr_assert_eq(fclose(out), 0);
    return md;
}

/* How many lines of md start with prefix followed by one of ends; the last
 * such line in *line (NUL-terminated copy, cap bytes). */
static int lines_starting(const char *md, const char *prefix, const char *ends, char *line, size_t cap) {
    int n = 0;
    size_t plen = strlen(prefix);
    for (const char *p = md; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, prefix, plen) != 0 || !p[plen] || !strchr(ends, p[plen])) continue;
        const char *nl = strchr(p, '\n');
        snprintf(line, cap, "%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
        n++;
    }
    return n;
}

Test(cli, the_option_reference_has_one_line_for_every_row_of_the_option_table) {
    char *md = option_reference();
    size_t rows = 0;
    for (const char *p = md; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, "| ", 2) == 0 && strncmp(p, "| flag |", 8) != 0) rows++;
    cr_assert_eq(rows, options_count, "docs/options.md has %zu table lines, the option table %zu rows", rows,
                 options_count);
    for (size_t i = 0; i < options_count; i++) {
        const option_spec *o = &options_table[i];
        char prefix[160], line[4096], setting[160];
        /* The flag cell opens the line ("| `-c, --config" then " FILE`" or
         * "`"): --shard is not --shards, --help not --help-markdown. */
        if (o->flag && o->short_flag)
            snprintf(prefix, sizeof prefix, "| `-%c, --%s", o->short_flag, o->flag);
        else if (o->flag)
            snprintf(prefix, sizeof prefix, "| `--%s", o->flag);
        else if (o->short_flag)
            snprintf(prefix, sizeof prefix, "| `-%c", o->short_flag);
        else
            snprintf(prefix, sizeof prefix, "|  | `%s` |", o->path);
        int n = lines_starting(md, prefix, o->flag || o->short_flag ? " `" : " ", line, sizeof line);
        cr_assert_eq(n, 1, "docs/options.md has %d lines for row %zu (%s), expected one starting '%s'", n, i,
                     o->flag ? o->flag : o->path, prefix);
        if (o->path) {
            snprintf(setting, sizeof setting, "` | `%s` | ", o->path);
            if (!o->flag && !o->short_flag) snprintf(setting, sizeof setting, "|  | `%s` | ", o->path);
            cr_assert(strstr(line, setting) != NULL, "the line of %s lacks its setting %s: %s",
                      o->flag ? o->flag : o->path, o->path, line);
        }
    }
    free(md);
}

Test(cli, the_option_reference_help_and_errors_state_a_setting_alike) {
    char *md = option_reference();
    char line[4096];
    cr_assert_eq(lines_starting(md, "| `--partitions N` | `kafka.partitions` |", " ", line, sizeof line), 1, "%s", md);
    cr_assert(strstr(line, " | `6` | an integer in [1, 10000] | partitions of every topic: ") != NULL, "%s", line);
    cr_assert_eq(lines_starting(md, "| `--product-changes on\\|off` |", " ", line, sizeof line), 1, "%s", md);
    cr_assert(strstr(line, " | `on` | off or on | ") != NULL, "%s", line);
    free(md);

    run_result r;
    const char *help[] = { "--help", NULL };
    support_run(help, &r);
    cr_assert(strstr(r.stdout_text, "must have this many (default: 6)\n") != NULL, "%s", r.stdout_text);
    const char *bad[] = { "plan", "--partitions", "0", NULL };
    expect_usage_error(bad, "shopstream: --partitions: expected an integer in [1, 10000], got 0\n");
}

Test(cli, plan_and_run_with_rate_use_the_same_intensity_and_say_so) {
    run_result plan, run;
    const char *p[] = { "plan", "--rate", "500", "--duration", "2h", "--speed", "3600", NULL };
    const char *r[] = { "run", "--rate", "500", "--duration", "2h", "--speed", "3600", "--sink", "null", "-q", NULL };
    support_run(p, &plan);
    support_run(r, &run);
    cr_assert_eq(plan.exit_code, 0, "%s", plan.stderr_text);
    cr_assert_eq(run.exit_code, 0, "%s", run.stderr_text);
    const char *pi = strstr(plan.stderr_text, "intensity "), *ri = strstr(run.stderr_text, "intensity ");
    cr_assert(pi && ri, "plan: %s\nrun: %s", plan.stderr_text, run.stderr_text);
    double pv = atof(pi + 10), rv = atof(ri + 10);
    cr_assert_gt(pv, 1.0, "--rate 500 at 3600x over 2 h should need more than intensity 1: %s", plan.stderr_text);
    cr_assert_eq(pv, rv, "plan chose intensity %g, run %g", pv, rv);
    /* and plan's table is at that intensity: its header says so */
    char header[64];
    snprintf(header, sizeof header, "intensity %g,", pv);
    cr_assert(strstr(plan.stdout_text, header) != NULL, "expected '%s' in: %s", header, plan.stdout_text);
}

Test(cli, stats_json_that_cannot_be_written_is_refused_before_publishing) {
    char dir[512], missing[600];
    support_tmp_path("no-such-dir", dir, sizeof dir);
    snprintf(missing, sizeof missing, "%s/stats.json", dir);
    const char *a[] = { "run", "--duration", "1h", "--stats-json", missing, NULL };
    char want[1400];
    snprintf(want, sizeof want, "shopstream: --stats-json: cannot write %s: no directory %s\n", missing, dir);
    expect_usage_error(a, want);
    const char *tmp = getenv("SHOPSTREAM_TEST_TMP");
    const char *b[] = { "run", "--duration", "1h", "--stats-json", tmp, NULL };
    snprintf(want, sizeof want, "shopstream: --stats-json: cannot write %s: Is a directory\n", tmp);
    expect_usage_error(b, want);
    const char *c[] = { "run", "--duration", "1h", "--stats-json", "/dev/full", NULL };
    expect_usage_error(c, "shopstream: --stats-json: cannot write /dev/full: not a regular file\n");
}

Test(cli, version_prints_the_version) {
    run_result r;
    const char *args[] = { "--version", NULL };
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0);
    cr_assert(strncmp(r.stdout_text, "shopstream 0.", 13) == 0, "%s", r.stdout_text);
}

Test(cli, missing_or_unknown_command_is_a_usage_error) {
    const char *none[] = { NULL };
    expect_usage_error(none, "missing command");
    const char *bad[] = { "launch", NULL };
    expect_usage_error(bad, "unknown command 'launch'");
}

Test(cli, expect_refuses_bad_windows_and_watermarks_in_one_line) {
    const char *marks[] = { "expect", "--watermarks", "soon", NULL };
    expect_usage_error(marks, "shopstream: --watermarks: expected up to 8 durations such as 0s,1m,5m, got 'soon'\n");
    const char *window[] = { "expect", "--window", "1ms", "--duration", "30d", NULL };
    expect_usage_error(window, "shopstream: --window: expected a window of at least 1ms and under 1000000 windows "
                               "in the run, got 1 ms\n");
    const char *top[] = { "expect", "--top", "5000", NULL };
    expect_usage_error(top, "shopstream: --top: expected an integer in [0, 1000], got 5000\n");
    const char *same[] = { "expect", "--watermarks", "0s,1m,60s", NULL };
    expect_usage_error(same, "shopstream: --watermarks: expected distinct delays, got 1m and 60s, both 60000 ms\n");
    const char *zeros[] = { "expect", "--watermarks", "0s,0d", NULL };
    expect_usage_error(zeros, "shopstream: --watermarks: expected distinct delays, got 0s and 0d, both 0 ms\n");
    const char *empty[] = { "expect", "--watermarks", "0s,,1m", NULL };
    expect_usage_error(empty, "shopstream: --watermarks: expected up to 8 durations such as 0s,1m,5m, got '0s,,1m'\n");
    const char *negative[] = { "expect", "--watermarks", "-0s", NULL };
    expect_usage_error(negative, "shopstream: --watermarks: expected up to 8 durations such as 0s,1m,5m, got '-0s'\n");
}

Test(cli, expect_takes_zero_watermarks_in_any_unit_and_blanks_around_each) {
    static const struct {
        const char *marks, *keys;
    } cases[] = {
        { "0m", "{\"0\": " },
        { "0h,1d", "{\"0\": 0, \"86400000\": " },
        { " 0d , 90s\t", "{\"0\": 0, \"90000\": " },
        { "0", "{\"0\": " },
        { "", "{}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_result r;
        const char *args[] = { "expect",       "--start", "2026-11-01T00:00:00Z", "--duration", "1h",
                               "--customers",  "50",      "--products",           "20",         "--watermarks",
                               cases[i].marks, NULL };
        support_run(args, &r);
        cr_assert_eq(r.exit_code, 0, "--watermarks '%s': exit %d: %s", cases[i].marks, r.exit_code, r.stderr_text);
        char want[200];
        snprintf(want, sizeof want, "\"dropped_by_watermark\": %s", cases[i].keys);
        cr_assert(strstr(r.stdout_text, want) != NULL, "--watermarks '%s': no %s in %.300s", cases[i].marks, want,
                  r.stdout_text);
    }
}

Test(cli, expect_out_of_memory_or_unable_to_write_is_one_line_and_exit_1) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    cr_skip_test("a sanitizer reserves more address space than the limit leaves");
#endif
    /* 8 tallies of 900002 one-millisecond windows, over 600 MiB each, in 1 GiB */
    run_result r;
    const char *args[] = { "expect", "--duration",  "15m", "--window",   "1ms", "--threads",
                           "8",      "--customers", "10",  "--products", "5",   NULL };
    support_run_in_memory(args, (size_t)1 << 30, &r);
    cr_assert_eq(r.exit_code, 1, "exit %d: %s", r.exit_code, r.stderr_text);
    cr_assert_str_eq(r.stderr_text, "shopstream: expect: out of memory for 8 tallies (one per thread) of up to 900002 "
                                    "windows and 5 products, 5823 MiB\n");
    cr_assert_str_eq(r.stdout_text, "");
    char err[512], cmd[1200];
    support_tmp_path("full.err", err, sizeof err);
    snprintf(cmd, sizeof cmd, "'%s' expect --duration 1h --customers 10 --products 5 >/dev/full 2>'%s'",
             getenv("SHOPSTREAM_BIN"), err);
    int status = system(cmd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "expect into /dev/full: status %d", status);
    FILE *f = fopen(err, "r");
    char line[300] = "";
    cr_assert_not_null(f);
    size_t n = fread(line, 1, sizeof line - 1, f);
    line[n] = '\0';
    fclose(f);
    remove(err);
    cr_assert_str_eq(line, "shopstream: stdout: No space left on device\n");
}

Test(cli, expect_prints_one_json_document_with_a_window_per_hour) {
    run_result r;
    const char *args[] = { "expect", "--start", "2026-11-01T00:00:00Z", "--duration", "3h", "--top", "2", NULL };
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    cr_assert(strncmp(r.stdout_text, "{\"run\": {\"scenario\": \"baseline\", \"seed\": 42, ", 40) == 0, "%s",
              r.stdout_text);
    size_t windows = 0;
    for (const char *p = r.stdout_text; (p = strstr(p, "\"window_start\": ")) != NULL; p++) windows++;
    cr_assert_eq(windows, 3);
    cr_assert_not_null(strstr(r.stdout_text, "\"window_start\": \"2026-11-01T02:00:00.000Z\""));
    cr_assert_not_null(strstr(r.stdout_text, "\"top_products\": [{\"product_id\": "));
}

/* The CSV column of a window's JSON value key, or key.name in a breakdown,
 * as the README names them: a figure's key; a breakdown's key less its
 * _by_ part, then _name; dropped_by_watermark.W is dropped_watermark_Wms. */
static void csv_column_of(const char *key, const char *name, char *buf, size_t cap) {
    const char *by = strstr(key, "_by_");
    if (!name)
        snprintf(buf, cap, "%s", key);
    else if (strcmp(key, "dropped_by_watermark") == 0)
        snprintf(buf, cap, "dropped_watermark_%sms", name);
    else
        snprintf(buf, cap, "%.*s_%s", by ? (int)(by - key) : (int)strlen(key), key, name);
}

#define CELLS_MAX 256
typedef struct flat_value {
    char column[96], value[64], json[96];
} flat_value;

/* x, the JSON value key (or key.name in a breakdown), into f. */
static void flat_add(flat_value *f, const char *key, const char *name, const json_t *x) {
    snprintf(f->json, sizeof f->json, "%s%s%s", key, name ? "." : "", name ? name : "");
    cr_assert(json_is_integer(x) || json_is_string(x), "JSON %s: not a number or a string", f->json);
    csv_column_of(key, name, f->column, sizeof f->column);
    if (json_is_string(x))
        snprintf(f->value, sizeof f->value, "%s", json_string_value(x));
    else
        snprintf(f->value, sizeof f->value, "%" JSON_INTEGER_FORMAT, json_integer_value(x));
}

/* A JSON window's values, flattened, each under its CSV column; how many.
 * tables_at_end is the tables' state after the window, not a figure of it:
 * JSON only (docs/guide/changelog.md). */
static size_t flatten_window(json_t *win, flat_value *out) {
    size_t n = 0;
    const char *key, *name;
    json_t *v, *x;
    json_object_foreach(win, key, v) {
        if (strcmp(key, "tables_at_end") == 0) continue;
        cr_assert_lt(n, CELLS_MAX, "more than %d values in a window", CELLS_MAX);
        if (!json_is_object(v))
            flat_add(&out[n++], key, NULL, v);
        else
            json_object_foreach(v, name, x) {
                cr_assert_lt(n, CELLS_MAX, "more than %d values in a window", CELLS_MAX);
                flat_add(&out[n++], key, name, x);
            }
    }
    return n;
}

/* Splits text at sep in place, into at most CELLS_MAX parts; how many. */
static size_t split(char *text, const char *sep, char **parts) {
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(text, sep, &save); p; p = strtok_r(NULL, sep, &save)) {
        cr_assert_lt(n, CELLS_MAX, "more than %d parts", CELLS_MAX);
        parts[n++] = p;
    }
    return n;
}

Test(cli, expect_csv_has_every_json_window_value_in_a_column_of_its_own_and_no_other_column) {
    const char *json_args[] = {
        "expect",       "--start", "2026-11-01T00:00:00Z", "--duration", "2h",         "--top", "1",
        "--watermarks", "0s,1m",   "--late-share",         "0.05",       "--late-max", "10m",   "--duplicate-share",
        "0.05",         NULL
    };
    const char *csv_args[] = { "expect",
                               "--start",
                               "2026-11-01T00:00:00Z",
                               "--duration",
                               "2h",
                               "--top",
                               "1",
                               "--watermarks",
                               "0s,1m",
                               "--late-share",
                               "0.05",
                               "--late-max",
                               "10m",
                               "--duplicate-share",
                               "0.05",
                               "--csv",
                               NULL };
    run_result js, cs;
    support_run(json_args, &js);
    support_run(csv_args, &cs);
    cr_assert(js.exit_code == 0 && cs.exit_code == 0, "exit %d, %d: %s%s", js.exit_code, cs.exit_code, js.stderr_text,
              cs.stderr_text);
    json_error_t err;
    json_t *doc = json_loads(js.stdout_text, 0, &err), *windows = json_object_get(doc, "windows");
    cr_assert(json_is_array(windows), "not JSON with windows (%s): %.200s", err.text, js.stdout_text);
    size_t len = strlen(cs.stdout_text);
    cr_assert(len + 1 < sizeof cs.stdout_text && len && cs.stdout_text[len - 1] == '\n', "CSV cut short");
    char *lines[CELLS_MAX], *head[CELLS_MAX], *row[CELLS_MAX];
    size_t n_lines = split(cs.stdout_text, "\n", lines), n_head = split(lines[0], ",", head);
    cr_assert_eq(n_lines, 1 + json_array_size(windows), "%zu CSV lines for %zu windows", n_lines,
                 json_array_size(windows));
    for (size_t j = 0; j < n_head; j++)
        for (size_t k = 0; k < j; k++) cr_assert_str_neq(head[j], head[k], "CSV column %s twice", head[j]);
    for (size_t i = 0; i + 1 < n_lines; i++) {
        flat_value flat[CELLS_MAX];
        size_t n_flat = flatten_window(json_array_get(windows, i), flat);
        cr_assert_eq(split(lines[i + 1], ",", row), n_head, "CSV row %zu: not %zu cells", i + 1, n_head);
        for (size_t f = 0; f < n_flat; f++) {
            size_t j = 0;
            while (j < n_head && strcmp(head[j], flat[f].column) != 0) j++;
            cr_assert_lt(j, n_head, "window %zu: JSON %s has no CSV column %s", i, flat[f].json, flat[f].column);
            cr_assert_str_eq(row[j], flat[f].value, "window %zu: CSV %s is %s, JSON %s is %s", i, head[j], row[j],
                             flat[f].json, flat[f].value);
        }
        for (size_t j = 0; j < n_head; j++) {
            size_t f = 0;
            while (f < n_flat && strcmp(head[j], flat[f].column) != 0) f++;
            cr_assert_lt(f, n_flat, "window %zu: CSV column %s is no JSON value", i, head[j]);
        }
        cr_assert_eq(n_flat, n_head, "window %zu: %zu JSON values in %zu CSV columns", i, n_flat, n_head);
    }
    json_decref(doc);
}

Test(cli, expect_column_table_covers_every_counter_of_a_window_once_under_distinct_keys) {
    enum { COUNTERS = sizeof(expect_window) / sizeof(int64_t) };
    unsigned covered[COUNTERS] = { 0 };
    for (size_t k = 0; k < expect_column_count; k++) {
        const expect_column *c = &expect_columns[k];
        for (size_t j = 0; j < k; j++) cr_assert_str_neq(c->key, expect_columns[j].key, "key %s twice", c->key);
        cr_assert_eq(c->offset % sizeof(int64_t), 0, "%s: not at a counter", c->key);
        for (size_t i = 0; i < c->count; i++) {
            size_t at = c->offset / sizeof(int64_t) + i;
            cr_assert(at < COUNTERS && covered[at]++ == 0, "%s: counter %zu is past the window or taken", c->key, at);
        }
    }
    for (size_t at = 0; at < COUNTERS; at++)
        cr_assert_eq(covered[at], 1, "counter %zu of a window is in no column", at);
}

Test(cli, bad_option_values_are_usage_errors) {
    const char *speed[] = { "run", "--speed", "fast", NULL };
    expect_usage_error(
        speed, "shopstream: --speed: expected max, realtime or a number of simulated seconds per second, got fast\n");
    const char *duration[] = { "run", "--duration", "5x", NULL };
    expect_usage_error(duration, "shopstream: --duration: expected a duration such as 90m, 6h or 2d, got 5x\n");
    const char *unknown[] = { "run", "--frobnicate", NULL };
    expect_usage_error(unknown, "--frobnicate: unknown option");
    const char *sink[] = { "run", "--sink", "file", NULL };
    expect_usage_error(sink, "shopstream: --sink: expected kafka, null, stdout or files, got file\n");
    const char *scenario[] = { "run", "-s", "nope", NULL };
    expect_usage_error(scenario, "--scenario: unknown scenario 'nope'");
    const char *intensity[] = { "run", "--intensity", "-3", NULL };
    expect_usage_error(intensity, "shopstream: --intensity: expected a number in [0, 1e+09], got -3\n");
    const char *threads[] = { "run", "--threads", "2000", NULL };
    expect_usage_error(threads, "shopstream: --threads: expected an integer in [0, 1024], got 2000\n");
    const char *customers[] = { "run", "--customers", "12abc", NULL };
    expect_usage_error(customers, "shopstream: --customers: expected an integer in [1, 100000000], got 12abc\n");
}

Test(cli, unknown_librdkafka_property_is_a_usage_error) {
    const char *args[] = { "run", "-q", "-X", "no.such.property=1", NULL };
    expect_usage_error(args,
                       "shopstream: -X no.such.property=***: No such configuration property: \"no.such.property\"\n");
}

/* verify: options that cannot describe a run it can rebuild and check,
 * refused in one line before anything is rebuilt or read (no broker at
 * 127.0.0.1:1 is ever asked). */
Test(cli, verify_refuses_options_that_cannot_describe_a_checkable_run) {
#define VERIFY(...)                                                                                                    \
    { "verify", "-b", "127.0.0.1:1", "--duration", "1h", __VA_ARGS__, NULL }
    const char *now[] = VERIFY("--start", "now");
    expect_usage_error(
        now,
        "shopstream: --start: expected a fixed time or auto for verify (a run at now cannot be rebuilt), got now\n");
    const char *null_sink[] = VERIFY("--sink", "null");
    expect_usage_error(null_sink,
                       "shopstream: --sink: expected kafka for verify (it reads the run back from Kafka), got null\n");
    const char *shard[] = VERIFY("--shard", "1/3");
    expect_usage_error(
        shard,
        "shopstream: --shard: expected no shard for verify (the shards of a run are verified together), got 1/3\n");
    const char *bogus[] = VERIFY("-X", "security.protocol=bogus");
    expect_usage_error(bogus, "shopstream: -X security.protocol=bogus: Invalid value \"bogus\" for configuration "
                              "property \"security.protocol\"\n");
    const char *unknown[] = VERIFY("-X", "linger.ms=5", "-X", "sasl.pasword=SECRET");
    expect_usage_error(unknown, "shopstream: -X sasl.pasword=***: No such configuration property: \"sasl.pasword\"\n");
    const char *random[] = VERIFY("-X", "partitioner=random");
    expect_usage_error(random, "shopstream: -X partitioner=random: expected murmur2_random or murmur2 for verify (it "
                               "puts each key where Kafka's default partitioner does), got random\n");
    char path[512], want[700];
    support_tmp_path("verify.cfg", path, sizeof path);
    support_write_file(path, "seed = 7;\nkafka = { sink = \"stdout\"; };\n");
    const char *from_file[] = VERIFY("-c", path);
    snprintf(want, sizeof want,
             "shopstream: %s:2: kafka.sink: expected kafka for verify (it reads the run back from Kafka), got stdout\n",
             path);
    expect_usage_error(from_file, want);
    remove(path);
#undef VERIFY
}

/* ... and takes --until 0s (nothing due yet): past the option checks, to
 * the broker, which is not there (a 100 ms connect timeout). */
Test(cli, verify_takes_until_zero_in_any_unit) {
    char path[512];
    support_tmp_path("until.cfg", path, sizeof path);
    support_write_file(path, "kafka = { connect_timeout_ms = 100; };\n");
    const char *units[] = { "0s", "0m", " 0h " };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        run_result r;
        const char *args[] = { "verify", "-c", path,         "-b", "127.0.0.1:1", "--duration", "1h", "--customers",
                               "10",     "-q", "--products", "5",  "--until",     units[i],     NULL };
        support_run(args, &r);
        cr_assert_eq(r.exit_code, 2, "--until '%s': exit %d: %s", units[i], r.exit_code, r.stderr_text);
        cr_assert(strstr(r.stderr_text, "--until") == NULL, "--until '%s' refused: %s", units[i], r.stderr_text);
        cr_assert(strstr(r.stderr_text, "shopstream: topic shop.customers: ") != NULL, "%s", r.stderr_text);
    }
    remove(path);
}

Test(cli, bad_config_file_is_named_with_its_line) {
    char path[512];
    support_tmp_path("badcfg", path, sizeof path);
    support_write_file(path, "seed = 1;\nrate = { base_orders_per_hour = \"lots\"; };\n");
    const char *args[] = { "run", "-c", path, NULL };
    char want[600];
    snprintf(want, sizeof want, "%s:2: rate.base_orders_per_hour: expected a number", path);
    expect_usage_error(args, want);
}

Test(cli, schema_missing_a_contract_field_is_refused) {
    char dir[512], src[512], dst[600], cmd[4096];
    support_tmp_path("schemas", dir, sizeof dir);
    support_source_path("schemas", src, sizeof src);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s' && cp '%s'/*.avsc '%s'/ && sed -i 's/\"total_cents\"/\"grand_total\"/' '%s/orders.avsc'",
             dir, src, dir, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(dst, sizeof dst, "%s/orders.avsc: field 'total_cents' is missing", dir);
    const char *args[] = { "run", "--sink", "null", "--schema-dir", dir, NULL };
    expect_usage_error(args, dst);
}

Test(cli, plan_prints_expected_and_drawn_orders_per_hour) {
    run_result r;
    const char *args[] = { "plan", "--duration", "3h", "--intensity", "10", NULL };
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    cr_assert(strstr(r.stdout_text, "expected") && strstr(r.stdout_text, "drawn"), "%s", r.stdout_text);
    /* hour 0 expects 240 x 10 x 0.35 = 840 orders */
    cr_assert(strstr(r.stdout_text, "840.0") != NULL, "%s", r.stdout_text);
    cr_assert(strstr(r.stdout_text, "# total") != NULL);
}

/* A schema directory whose orders.avsc has n extra optional fields. */
static void schemas_with_extra_fields(const char *tag, int n, char *dir, size_t cap) {
    char src[512], cmd[4096];
    support_tmp_path(tag, dir, cap);
    support_source_path("schemas", src, sizeof src);
    snprintf(
        cmd, sizeof cmd,
        "rm -rf '%s' && mkdir -p '%s' && cp '%s'/*.avsc '%s'/ && python3 -c \""
        "import json; p='%s/orders.avsc'; s=json.load(open(p)); "
        "s['fields'] += [{'name': 'extra_%%d' %% i, 'type': ['null', 'long'], 'default': None} for i in range(%d)]; "
        "json.dump(s, open(p, 'w'))\"",
        dir, dir, src, dir, dir, n);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

Test(cli, a_schema_with_thousands_of_extra_fields_runs_to_the_end_or_is_refused_at_start) {
    char dir[512], stats[512];
    schemas_with_extra_fields("extra4100", 4100, dir, sizeof dir);
    support_tmp_path("extra.json", stats, sizeof stats);
    const char *ok[] = { "run", "--sink", "null",         "--duration", "1h", "--schema-dir",
                         dir,   "-q",     "--stats-json", stats,        NULL };
    run_result r;
    support_run(ok, &r);
    cr_assert_eq(r.exit_code, 0, "4100 extra optional fields (values over 4 KiB): %s", r.stderr_text);
    json_t *s = support_read_stats(stats);
    cr_assert(s && support_stat(s, "orders") > 10 && support_stat(s, "bytes") > support_stat(s, "orders") * 4100,
              "the orders should carry their 4100 nulls");
    json_decref(s);

    schemas_with_extra_fields("extra200k", 200000, dir, sizeof dir);
    const char *big[] = { "run", "--duration", "1h", "--schema-dir", dir, NULL };
    char want[1200];
    snprintf(want, sizeof want, "shopstream: %s/orders.avsc: cannot read the schema file: ", dir);
    expect_usage_error(big, want);
}
