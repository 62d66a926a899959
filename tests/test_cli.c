/* test_cli.c - the program as a user meets it: --help answers, and bad
 * options, config and schemas get one clear line and exit code 2 before
 * anything is published. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static void expect_usage_error(const char *const *args, const char *message) {
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2, "%s: exit %d, stderr: %s", args[0], r.exit_code, r.stderr_text);
    cr_assert(strstr(r.stderr_text, message) != NULL, "expected '%s' in: %s", message, r.stderr_text);
    cr_assert(strchr(r.stderr_text, '\n') == r.stderr_text + strlen(r.stderr_text) - 1,
              "expected one line, got: %s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "produced") == NULL, "something was published: %s", r.stderr_text);
}

Test(cli, help_lists_commands_and_options) {
    run_result r;
    const char *args[] = { "--help", NULL };
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0);
    const char *must[] = { "Usage: shopstream", "run", "plan", "--brokers", "-X name=value", "--speed",
                           "--stats-json", "--keep-broker", "Exit codes" };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        cr_assert(strstr(r.stdout_text, must[i]) != NULL, "--help lacks '%s'", must[i]);
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

Test(cli, bad_option_values_are_usage_errors) {
    const char *speed[] = { "run", "--speed", "fast", NULL };
    expect_usage_error(speed, "--speed fast: expected max, realtime or a number");
    const char *duration[] = { "run", "--duration", "5x", NULL };
    expect_usage_error(duration, "--duration 5x: expected a duration");
    const char *unknown[] = { "run", "--frobnicate", NULL };
    expect_usage_error(unknown, "--frobnicate: unknown option");
    const char *sink[] = { "run", "--sink", "file", NULL };
    expect_usage_error(sink, "--sink file: expected kafka or null");
    const char *scenario[] = { "run", "-s", "nope", NULL };
    expect_usage_error(scenario, "--scenario: unknown scenario 'nope'");
    const char *intensity[] = { "run", "--intensity", "-3", NULL };
    expect_usage_error(intensity, "--intensity -3: expected a number >= 0");
}

Test(cli, unknown_librdkafka_property_is_a_usage_error) {
    const char *args[] = { "run", "-q", "-X", "no.such.property=1", NULL };
    expect_usage_error(args, "-X no.such.property=1: No such configuration property");
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
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s'/*.avsc '%s'/ && sed -i 's/\"total_cents\"/\"grand_total\"/' '%s/orders.avsc'",
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
