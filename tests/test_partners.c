/* SPDX-License-Identifier: Apache-2.0 */
/* test_partners.c - settings that would be silently ignored or overridden
 * (issue 25): one that acts only beside another's value or under one
 * command, given without it; two that set the same thing, both given; a
 * -X property that replaces what a setting or verify sets. Each is refused
 * before anything runs: one line naming both, exit 2, nothing published
 * (the run's --stats-json is never written). A flag over the config file's
 * setting wins, and a file line at its default value is no choice: those
 * run. One test per kind, every rule of partners.c's tables in it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define MAX_ARGS 16

/* args refused with exactly want; a run is given --stats-json, which must
 * not appear (nothing was published, nothing reported). */
static void refused(const char *const *args, const char *want) {
    const char *argv[MAX_ARGS + 3];
    char stats[512];
    size_t n = 0;
    for (; args[n]; n++) argv[n] = args[n];
    support_tmp_path("partners-stats.json", stats, sizeof stats);
    unlink(stats);
    if (strcmp(args[0], "run") == 0) argv[n++] = "--stats-json", argv[n++] = stats;
    argv[n] = NULL;
    support_refused_with(argv, want);
    cr_assert_neq(access(stats, F_OK), 0, "%s ...: refused, yet it wrote %s", args[0], stats);
}

static void taken(const char *const *args) {
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "%s %s ...: exit %d: %s", args[0], args[1], r.exit_code, r.stderr_text);
}

static void config_with(const char *tag, const char *text, char *path, size_t cap) {
    support_tmp_path(tag, path, cap);
    support_write_file(path, text);
}

typedef struct refusal {
    const char *args[MAX_ARGS];
    const char *want;
} refusal;

Test(partners, a_setting_given_without_the_partner_it_needs_is_refused_naming_both) {
    static const refusal cases[] = {
        { { "run", "--late-max", "5m", NULL },
          "--late-max: expected a late share above 0 (--late-share) for it to bound (a scenario's late entries have "
          "their own max), got --late-share 0 (the "
          "default)" },
        /* mobile_offline's late entry has its own max: --late-max would not touch it */
        { { "plan", "-s", "mobile_offline", "--late-max", "5m", NULL },
          "--late-max: expected a late share above 0 (--late-share) for it to bound (a scenario's late entries have "
          "their own max), got --late-share 0 (the default)" },
        { { "run", "--duplicate-max", "5m", "--late-share", "0.1", NULL },
          "--duplicate-max: expected a duplicate share above 0 (--duplicate-share) for it to bound, got "
          "--duplicate-share 0 (the default)" },
        { { "run", "--sink", "null", "--stdout-columns", "key-value", NULL },
          "--stdout-columns: expected --sink stdout, the sink that prints columns, got --sink null" },
        { { "run", "--sink", "null", "--out", "/tmp", NULL },
          "--out: expected --sink files, the sink that writes there, got --sink null" },
        { { "run", "--file-format", "avro", NULL },
          "--file-format: expected --sink files, the sink that writes files, got --sink kafka (the default)" },
        { { "run", "--sink", "stdout", "--file-row-group-mb", "2", NULL },
          "--file-row-group-mb: expected --sink files, the sink that writes row groups, got --sink stdout" },
        { { "run", "--sink", "null", "--metrics-linger", "5", NULL },
          "--metrics-linger: expected --metrics, the serving it prolongs, got no --metrics" },
        { { "run", "--sink", "null", "-r", "http://127.0.0.1:1", "--format", "json", NULL },
          "--schema-registry: expected --format avro-confluent, protobuf-confluent, json-schema-confluent or auto, or "
          "--changelog-format avro, the formats that register schemas, got --format json" },
        { { "run", "--sink", "stdout", "-r", "http://127.0.0.1:1", NULL },
          "--schema-registry: expected --sink kafka or null, or --sink stdout with a format that registers "
          "(protobuf-confluent, json-schema-confluent), got --sink stdout" },
        { { "run", "--sink", "null", "--schema-registry-ca", "ca.pem", NULL },
          "--schema-registry-ca: expected a schema registry (--schema-registry) to trust, got no --schema-registry" },
        { { "run", "--sink", "null", "--shards", "3", NULL },
          "--shards: expected --shard auto, which takes its count from it, got --shard 0/1 (the default)" },
        { { "run", "-k", "-b", "127.0.0.1:1", NULL },
          "--keep-broker: expected the embedded broker (no --brokers), the one it keeps up, got --brokers "
          "127.0.0.1:1" },
        { { "run", "-k", "--sink", "null", NULL },
          "--keep-broker: expected --sink kafka, the sink that starts the embedded broker, got --sink null" },
        { { "run", "-b", "127.0.0.1:1", "--sink", "null", NULL },
          "--brokers: expected --sink kafka, the sink that publishes to them, got --sink null" },
        { { "run", "-X", "linger.ms=1", "--sink", "stdout", NULL },
          "-X linger.ms: expected --sink kafka, the sink that uses librdkafka, got --sink stdout" },
        { { "run", "--sink", "null", "--replication-factor", "3", NULL },
          "--replication-factor: expected --sink kafka, the sink that creates topics, got --sink null" },
        { { "run", "--sink", "stdout", "--allow-data-loss", NULL },
          "--allow-data-loss: expected --sink kafka, the sink that checks topics, got --sink stdout" },
        { { "run", "--sink", "null", "--engine", "cpu", "--gpu-batch-orders", "5", NULL },
          "--gpu-batch-orders: expected --engine auto or gpu, the engines that may use the GPU, got --engine cpu" },
        { { "run", "--sink", "null", "--engine", "gpu", "--batch-orders", "512", NULL },
          "--batch-orders: expected --engine auto or cpu, the engines that may fill batches on the CPU, got --engine "
          "gpu" },
        { { "run", "--sink", "null", "--lifecycle", "off", "--return-share", "0.1", NULL },
          "--return-share: expected --lifecycle on, the lives that hold returns, got --lifecycle off" },
        { { "run", "--sink", "null", "--csv", NULL },
          "--csv: expected plan or expect, the commands that print CSV, "
          "got run" },
        { { "verify", "-b", "127.0.0.1:1", "--csv", NULL },
          "--csv: expected plan or expect, the commands that print CSV, got verify" },
        { { "plan", "--window", "2h", NULL }, "--window: expected expect, the command that reads it, got plan" },
        { { "plan", "--top", "3", NULL }, "--top: expected expect, the command that reads it, got plan" },
        { { "run", "--sink", "null", "--watermarks", "1m", NULL },
          "--watermarks: expected expect, the command that reads it, got run" },
        { { "expect", "--until", "2h", NULL }, "--until: expected verify, the command that reads it, got expect" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) refused(cases[i].args, cases[i].want);

    /* From a config file: its line, and the partner as it stands. */
    char path[512], want[1600];
    config_with("late.cfg", "seed = 7;\nlate = { max = \"5m\"; };\n", path, sizeof path);
    const char *late[] = { "run", "-c", path, "--sink", "null", NULL };
    snprintf(want, sizeof want,
             "%s:2: late.max: expected a late share above 0 (--late-share) for it to bound (a scenario's late entries "
             "have their own max), got --late-share 0 (the "
             "default)",
             path);
    refused(late, want);
    config_with("ca.cfg", "schema_registry = {\n  ssl_ca_location = \"ca.pem\";\n};\n", path, sizeof path);
    const char *ca[] = { "plan", "-c", path, NULL };
    snprintf(want, sizeof want,
             "%s:2: schema_registry.ssl_ca_location: expected a schema registry (--schema-registry) to trust, got no "
             "--schema-registry",
             path);
    refused(ca, want);
    config_with("uptake.cfg", "catalog = {\n  campaigns = 0;\n  campaign_uptake = 0.5;\n};\n", path, sizeof path);
    const char *uptake[] = { "plan", "-c", path, NULL };
    snprintf(want, sizeof want,
             "%s:3: catalog.campaign_uptake: expected catalog.campaigns above 0, the campaigns it applies to (a "
             "scenario's have their own), got %s:2: catalog.campaigns 0",
             path, path);
    refused(uptake, want);
    config_with("quiet.cfg", "output = {\n  quiet = true;\n  progress_interval_s = 5.0;\n};\n", path, sizeof path);
    const char *quiet[] = { "run", "-c", path, "--sink", "null", NULL };
    snprintf(want, sizeof want,
             "%s:3: output.progress_interval_s: expected no --quiet, the progress lines it spaces, got %s:2: "
             "output.quiet true",
             path, path);
    refused(quiet, want);
    config_with("sink.cfg", "kafka = {\n  sink = \"null\";\n};\n", path, sizeof path);
    const char *brokers[] = { "run", "-c", path, "-b", "127.0.0.1:1", NULL };
    snprintf(want, sizeof want,
             "--brokers: expected --sink kafka, the sink that publishes to them, got %s:2: "
             "kafka.sink null",
             path);
    refused(brokers, want);

    /* Taken: the shipped config's defaults (every run reads them); a flag
     * that switches off what the file set up; the partner given. */
    config_with("cluster.cfg", "kafka = {\n  brokers = \"127.0.0.1:1\";\n  replication_factor = 3;\n};\n", path,
                sizeof path);
    const char *dry[] = { "run", "-c", path, "--sink", "null", "--duration", "1h", "-q", NULL };
    taken(dry);
    const char *paired[] = { "expect",     "--late-share", "0.1",      "--late-max", "5m",
                             "--duration", "1h",           "--window", "30m",        NULL };
    taken(paired);
    const char *defaults[] = { "plan", "--late-max", "10m", "--metrics-linger", "0", "--duration", "1h", NULL };
    taken(defaults);
}

Test(partners, two_settings_that_set_the_same_thing_are_refused_naming_both_origins) {
    static const refusal cases[] = {
        { { "plan", "--rate", "100", "--intensity", "2", NULL },
          "--rate: chooses the intensity, which --intensity sets too: expected one of them, got both" },
        { { "run", "--sink", "null", "--rate", "100", "--speed", "max", NULL },
          "--rate: paces the run at that average, which --speed max does not: expected a paced speed (realtime or "
          "N) with it, or none, got max" },
        { { "run", "-X", "bootstrap.servers=127.0.0.1:1", NULL },
          "-X bootstrap.servers: expected the brokers in --brokers (kafka.brokers), which set this property, got "
          "127.0.0.1:1" },
        { { "verify", "-b", "127.0.0.1:1", "-X", "isolation.level=read_uncommitted", NULL },
          "-X isolation.level: expected none: verify reads read_committed and sets it over any property, got "
          "read_uncommitted" },
        { { "verify", "-b", "127.0.0.1:1", "-X", "enable.partition.eof=false", NULL },
          "-X enable.partition.eof: expected none: verify sets it on to find each partition's end, got false" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) refused(cases[i].args, cases[i].want);

    char path[512], want[1600];
    config_with("both.cfg", "intensity = 2.0;\nrate = { messages_per_s = 100.0; };\n", path, sizeof path);
    const char *both[] = { "plan", "-c", path, NULL };
    snprintf(want, sizeof want,
             "%s:2: rate.messages_per_s: chooses the intensity, which %s:1: intensity sets too: expected one of them, "
             "got both",
             path, path);
    refused(both, want);
    config_with("servers.cfg", "kafka = {\n  properties = [ \"linger.ms=5\",\n    \"bootstrap.servers=h:1\" ];\n};\n",
                path, sizeof path);
    const char *servers[] = { "run", "-c", path, NULL };
    snprintf(want, sizeof want,
             "%s:3: kafka.properties: bootstrap.servers: expected the brokers in --brokers (kafka.brokers), which set "
             "this property, got h:1",
             path);
    refused(servers, want);

    /* A flag over the file's other setting wins, as over its own. */
    run_result r;
    config_with("rate.cfg", "rate = { messages_per_s = 100.0; };\n", path, sizeof path);
    const char *intensity[] = { "plan", "-c", path, "--intensity", "3", "--duration", "1h", NULL };
    support_run(intensity, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    cr_assert(strstr(r.stdout_text, "# scenario baseline, seed 42, intensity 3, "), "%s", r.stdout_text);
    /* --rate 0 is off: no clash with the intensity. */
    const char *off[] = { "plan", "--rate", "0", "--intensity", "2", "--duration", "1h", NULL };
    support_run(off, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    cr_assert(strstr(r.stdout_text, "# scenario baseline, seed 42, intensity 2, "), "%s", r.stdout_text);
    /* The same flag twice: the last one wins, as in any command line. */
    const char *twice[] = { "plan", "--intensity", "2", "--intensity", "3", "--duration", "1h", NULL };
    support_run(twice, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    cr_assert(strstr(r.stdout_text, "# scenario baseline, seed 42, intensity 3, "), "%s", r.stdout_text);
}
