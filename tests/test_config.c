/* test_config.c - the shipped config file is the built-in defaults, and a bad
 * file is refused with its file, line and setting. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "support.h"

/* Loads text as a config file; returns load (or validate) status, err filled. */
static int load_text(const char *text, run_config *rc, char *path, char *err, size_t errlen) {
    support_tmp_path("cfg", path, 512);
    support_write_file(path, text);
    config_defaults(rc, "/nonexistent");
    int rc_load = config_load(rc, path, err, errlen);
    if (rc_load == 0) rc_load = config_validate(rc, err, errlen);
    return rc_load;
}

Test(config, shipped_file_holds_exactly_the_builtin_defaults) {
    static run_config defaults, loaded;
    char path[512], err[1024];
    config_defaults(&defaults, "/data");
    config_defaults(&loaded, "/data");
    support_source_path("config/shopstream.cfg", path, sizeof path);
    cr_assert_eq(config_load(&loaded, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(config_validate(&loaded, err, sizeof err), 0, "%s", err);
    cr_assert_eq(memcmp(&defaults.engine, &loaded.engine, sizeof defaults.engine), 0,
                 "config/shopstream.cfg and engine_settings_default() disagree");
    cr_assert_gt(loaded.n_origins, 30u, "the shipped file should set every tunable");
    cr_assert_eq(defaults.start_mode, loaded.start_mode);
    cr_assert_eq(defaults.speed, loaded.speed);
    cr_assert_eq(defaults.batch_orders, loaded.batch_orders);
    cr_assert_eq(defaults.ring_slots, loaded.ring_slots);
    cr_assert_eq(defaults.engine_kind, loaded.engine_kind);
    cr_assert_eq(defaults.gpu_batch_orders, loaded.gpu_batch_orders);
    cr_assert_eq(defaults.partitions, loaded.partitions);
    cr_assert_eq(defaults.key_format, loaded.key_format);
    cr_assert_str_eq(defaults.topic_prefix, loaded.topic_prefix);
    cr_assert_str_eq(defaults.schema_dir, loaded.schema_dir);
    cr_assert_str_eq(defaults.currency, loaded.currency);
    config_free(&loaded);
}

Test(config, values_in_the_file_reach_the_settings) {
    static run_config rc;
    char path[512], err[1024];
    int r = load_text("seed = 7;\nduration = \"90m\";\ncatalog = { customers = 123; };\n"
                      "mix = { channel = { boomer = { web = 0.5; mobile_web = 0.25; mobile_app = 0.25; }; }; };\n"
                      "kafka = { properties = [ \"linger.ms=20\" ]; key_format = \"string\"; };\n",
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

Test(config, wrong_type_is_named_with_file_line_and_expectation) {
    static run_config rc;
    char path[512], err[1024], want[600];
    cr_assert_neq(load_text("seed = 1;\nintensity = \"high\";\n", &rc, path, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s:2: intensity: expected a number", path);
    cr_assert_str_eq(err, want);
    cr_assert_neq(load_text("duration = \"forever\";\n", &rc, path, err, sizeof err), 0);
    cr_assert(strstr(err, ":1: duration: expected a duration") != NULL, "%s", err);
    cr_assert_neq(load_text("catalog = { customers = 0; };\n", &rc, path, err, sizeof err), 0);
    cr_assert(strstr(err, ":1: catalog.customers: expected an integer in [1, 100000000], got 0") != NULL, "%s", err);
}

Test(config, mix_that_does_not_add_up_is_named_with_its_line) {
    static run_config rc;
    char path[512], err[1024];
    cr_assert_neq(load_text("\n\nmix = {\n  cohort = { gen_z = 0.9; };\n};\n", &rc, path, err, sizeof err), 0);
    cr_assert(strstr(err, ":4: mix.cohort: shares must add up to 1") != NULL, "%s", err);
}

Test(config, syntax_error_names_file_and_line) {
    static run_config rc;
    char path[512], err[1024];
    cr_assert_neq(load_text("seed = 1;\nduration = \"1h\";\nintensity = = 2.0;\n", &rc, path, err, sizeof err), 0);
    cr_assert(strncmp(err, path, strlen(path)) == 0 && strstr(err, ":3: ") != NULL, "%s", err);
}

Test(config, bad_property_is_refused) {
    static run_config rc;
    char err[256];
    config_defaults(&rc, ".");
    cr_assert_neq(config_add_property(&rc, "novalue", err, sizeof err), 0);
    cr_assert(strstr(err, "name=value") != NULL, "%s", err);
}

Test(config, auto_start_is_the_latest_midnight_with_the_run_in_the_past) {
    static run_config rc;
    config_defaults(&rc, ".");
    int64_t day = INT64_C(86400000), now = INT64_C(1795700000000); /* 2026-11-26T09:33:20Z */
    rc.engine.duration_ms = day;
    config_resolve_start(&rc, now);
    cr_assert_eq(rc.engine.start_ms % day, 0);
    cr_assert_leq(rc.engine.start_ms + rc.engine.duration_ms, now);
    cr_assert_gt(rc.engine.start_ms + rc.engine.duration_ms + day, now);
    cr_assert_eq(config_set_start(&rc, "now"), 0);
    config_resolve_start(&rc, now);
    cr_assert_eq(rc.engine.start_ms, now);
    cr_assert_eq(config_set_start(&rc, "2026-03-01T12:00:00Z"), 0);
    config_resolve_start(&rc, now);
    cr_assert_eq(rc.engine.start_ms, INT64_C(1772366400000));
    cr_assert_neq(config_set_start(&rc, "yesterday"), 0);
}
