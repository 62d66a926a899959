/* SPDX-License-Identifier: Apache-2.0 */
/* test_config.c - the option table, the shipped config file and the settle
 * step: the shipped file is the built-in defaults row by row, and a bad
 * value is refused with its file, line and setting. (That the file and the
 * command line take the same values: test_option_ranges.c.) */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "options/config.h"
#include "options/options.h"
#include "settle/settle.h"
#include "support.h"

static settle_env test_env(int64_t now_ms) {
    return (settle_env){ .data_dir = getenv("SHOPSTREAM_SOURCE_DIR"), .now_ms = now_ms, .cores = 2, .probe_gpu = 0 };
}

/* Loads text as a config file and settles it; returns the status, err filled. */
static int load_text(const char *text, run_config *rc, char *path, char *err, size_t errlen) {
    support_tmp_path("cfg", path, 512);
    support_write_file(path, text);
    config_defaults(rc);
    int r = config_load(rc, path, err, errlen);
    settle_env env = test_env(INT64_C(1795700000000));
    if (r == 0) r = config_settle(rc, &env, err, errlen);
    return r;
}

Test(config, every_table_default_is_a_valid_value_of_its_row) {
    static run_config rc;
    char err[512];
    for (size_t i = 0; i < options_count; i++) {
        const option_spec *o = &options_table[i];
        config_defaults(&rc);
        if (o->def) cr_assert_eq(options_set_text(&rc, o, o->def, err, sizeof err), 0, "%s: %s", o->def, err);
        cr_assert(o->path || o->flag || o->short_flag, "row %zu has neither a path nor a flag", i);
        cr_assert(o->help && *o->help, "row %zu has no help", i);
    }
}

Test(config, shipped_file_holds_every_setting_with_exactly_its_builtin_default) {
    static run_config defaults, loaded;
    char path[512], err[1024];
    config_defaults(&defaults);
    config_defaults(&loaded);
    support_source_path("config/shopstream.cfg", path, sizeof path);
    cr_assert_eq(config_load(&loaded, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(memcmp(&defaults.engine, &loaded.engine, sizeof defaults.engine), 0,
                 "config/shopstream.cfg and engine_settings_default() disagree");
    for (size_t i = 0; i < options_count; i++) {
        const option_spec *o = &options_table[i];
        if (!o->path) continue;
        cr_assert_gt(loaded.origins[i].line, 0, "config/shopstream.cfg lacks %s", o->path);
        char want[1024], got[1024];
        options_format_value(&defaults, o, want, sizeof want);
        options_format_value(&loaded, o, got, sizeof got);
        cr_assert_str_eq(got, want, "config/shopstream.cfg sets %s to %s, its default is %s", o->path, got, want);
    }
    config_free(&loaded);
}

Test(config, values_in_the_file_reach_the_settings) {
    static run_config rc;
    char path[512], err[1024];
    int r = load_text("seed = 7;\nduration = \"90m\";\ncatalog = { customers = 123; };\n"
                      "mix = { channel = { boomer = { web = 0.5; mobile_web = 0.5; }; }; };\n"
                      "kafka = { key_format = \"string\"; properties = [ \"linger.ms=20\" ]; };\n",
                      &rc, path, err, sizeof err);
    cr_assert_eq(r, 0, "%s", err);
    cr_assert_eq(rc.engine.seed, 7u);
    cr_assert_eq(rc.engine.duration_ms, 90 * 60000);
    cr_assert_eq(rc.engine.customers, 123u);
    cr_assert_eq(rc.engine.channel_mix[3][0], 0.5);
    cr_assert_eq(rc.key_format, KEY_STRING);
    cr_assert_eq(rc.n_properties, 1u);
    cr_assert_str_eq(rc.properties[0].name, "linger.ms");
    cr_assert_str_eq(rc.properties[0].value, "20");
    config_free(&rc);
}

Test(config, unknown_setting_is_named_with_file_and_line) {
    static run_config rc;
    char path[512], err[1024], want[600];
    cr_assert_neq(load_text("seed = 1;\n\ncatalog = {\n  customer = 5;\n};\n", &rc, path, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s:4: catalog.customer: unknown setting", path);
    cr_assert_str_eq(err, want);
}

Test(config, a_setting_name_with_a_dash_and_digits_stays_a_name) {
    static run_config rc;
    char path[512], err[1024], want[600];
    /* libconfig names may hold '-': the 64-bit widening must not turn x-2 into x-2L */
    cr_assert_neq(load_text("seed = 1;\ncatalog = { mix-2 = 5; };\n", &rc, path, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s:2: catalog.mix-2: unknown setting", path);
    cr_assert_str_eq(err, want);
}

Test(config, wrong_type_is_named_with_file_line_and_expectation) {
    static run_config rc;
    char path[512], err[1024], want[600];
    cr_assert_neq(load_text("seed = 1;\nintensity = \"high\";\n", &rc, path, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s:2: intensity: expected a number in [0, 1e+09], got \"high\"", path);
    cr_assert_str_eq(err, want);
    cr_assert_neq(load_text("duration = \"forever\";\n", &rc, path, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s:1: duration: expected a duration such as 90m, 6h or 2d, got forever", path);
    cr_assert_str_eq(err, want);
    cr_assert_neq(load_text("catalog = { customers = 0; };\n", &rc, path, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s:1: catalog.customers: expected an integer in [1, 100000000], got 0", path);
    cr_assert_str_eq(err, want);
}

Test(config, engine_errors_are_blamed_on_the_line_that_set_the_value) {
    static run_config rc;
    char path[512], err[1024], want[600];
    cr_assert_neq(load_text("\n\nmix = {\n  cohort = { gen_z = 0.9; };\n};\n", &rc, path, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s:4: mix.cohort: shares must add up to 1, they add up to 1.65", path);
    cr_assert_str_eq(err, want);
    cr_assert_neq(load_text("engine = {\n  slice_ms = 7;\n};\n", &rc, path, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s:2: engine.slice_ms: must divide an hour (3600000 ms), got 7", path);
    cr_assert_str_eq(err, want);
}

Test(config, syntax_error_names_file_and_line) {
    static run_config rc;
    char path[512], err[1024];
    cr_assert_neq(load_text("seed = 1;\nduration = \"1h\";\nintensity = = 2.0;\n", &rc, path, err, sizeof err), 0);
    cr_assert(strncmp(err, path, strlen(path)) == 0 && strstr(err, ":3: ") != NULL, "%s", err);
}

Test(config, a_directory_or_a_fifo_as_config_file_is_refused_at_once) {
    static run_config rc;
    char err[1024], want[1200], fifo[512];
    const char *dir = getenv("SHOPSTREAM_TEST_TMP");
    config_defaults(&rc);
    cr_assert_neq(config_load(&rc, dir, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s: cannot read the config file: Is a directory", dir);
    cr_assert_str_eq(err, want);
    support_tmp_path("fifo.cfg", fifo, sizeof fifo);
    remove(fifo);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_neq(config_load(&rc, fifo, err, sizeof err), 0); /* returns: does not wait for a writer */
    snprintf(want, sizeof want, "%s: cannot read the config file: not a regular file", fifo);
    cr_assert_str_eq(err, want);
    remove(fifo);
}

Test(config, bad_property_is_refused) {
    static run_config rc;
    char err[256];
    config_defaults(&rc);
    cr_assert_neq(config_add_property(&rc, "novalue", err, sizeof err), 0);
    cr_assert_str_eq(err, "expected a librdkafka property as name=value, got text without '='");
    cr_assert_neq(config_add_property(&rc, "=SECRET", err, sizeof err), 0);
    cr_assert_str_eq(err, "expected a librdkafka property as name=value, got no name before '='");
}

Test(config, auto_start_is_the_latest_midnight_with_the_run_in_the_past) {
    static run_config rc;
    char err[512];
    const option_spec *start = options_by_path("start");
    int64_t day = INT64_C(86400000), now = INT64_C(1795700000000); /* 2026-11-26T09:33:20Z */
    settle_env env = test_env(now);
    config_defaults(&rc);
    rc.engine.duration_ms = day;
    cr_assert_eq(config_settle(&rc, &env, err, sizeof err), 0, "%s", err);
    cr_assert_eq(rc.engine.start_ms % day, 0);
    cr_assert_leq(rc.engine.start_ms + rc.engine.duration_ms, now);
    cr_assert_gt(rc.engine.start_ms + rc.engine.duration_ms + day, now);

    config_defaults(&rc);
    cr_assert_eq(options_set_text(&rc, start, "now", err, sizeof err), 0);
    cr_assert_eq(config_settle(&rc, &env, err, sizeof err), 0, "%s", err);
    cr_assert_eq(rc.engine.start_ms, now);

    config_defaults(&rc);
    cr_assert_eq(options_set_text(&rc, start, "2026-03-01T12:00:00Z", err, sizeof err), 0);
    cr_assert_eq(config_settle(&rc, &env, err, sizeof err), 0, "%s", err);
    cr_assert_eq(rc.engine.start_ms, INT64_C(1772366400000));
    cr_assert_neq(options_set_text(&rc, start, "yesterday", err, sizeof err), 0);
}

Test(config, settle_resolves_shard_auto_from_the_environment) {
    static run_config rc;
    char err[512];
    settle_env env = test_env(INT64_C(1795700000000));
    env.job_index = "2";
    env.shards_env = "3";
    config_defaults(&rc);
    cr_assert_eq(options_set_text(&rc, options_by_flag("shard"), "auto", err, sizeof err), 0);
    cr_assert_eq(config_settle(&rc, &env, err, sizeof err), 0, "%s", err);
    cr_assert_eq(rc.shard_index, 2u);
    cr_assert_eq(rc.shard_count, 3u);
    env.job_index = "3";
    config_defaults(&rc);
    cr_assert_eq(options_set_text(&rc, options_by_flag("shard"), "auto", err, sizeof err), 0);
    cr_assert_neq(config_settle(&rc, &env, err, sizeof err), 0);
    cr_assert_str_eq(err, "shard: auto: JOB_COMPLETION_INDEX=3 is not below the shard count 3");
}
