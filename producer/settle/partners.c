/* SPDX-License-Identifier: Apache-2.0 */
/* partners.c - what a setting needs beside it, what two settings both set
 * (see partners.h). To add a rule, add a row to needs[] or clashes[]. */
#include "partners.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clip.h"
#include "options/cli.h"
#include "options/options.h"

/* A condition on the settings (and the command) under which a rule holds. */
#define WHEN(name, expr)                                                                                               \
    static int name(const run_config *rc, int command) {                                                               \
        (void)command;                                                                                                 \
        return (expr);                                                                                                 \
    }
WHEN(late_share_on, rc->engine.late_share > 0.0)
WHEN(duplicate_share_on, rc->engine.duplicate_share > 0.0)
WHEN(sink_kafka, rc->sink == SINK_KAFKA)
WHEN(sink_kafka_or_verify, rc->sink == SINK_KAFKA || command == CLI_VERIFY) /* verify refuses others itself */
WHEN(sink_stdout, rc->sink == SINK_STDOUT)
WHEN(sink_registers, rc->sink == SINK_KAFKA || rc->sink == SINK_NULL ||
                         (rc->sink == SINK_STDOUT && value_format_registered((value_format)rc->format)))
WHEN(sink_files, rc->sink == SINK_FILES)
WHEN(metrics_on, rc->metrics_addr[0] != '\0')
WHEN(registry_on, rc->registry_url[0] != '\0')
WHEN(format_registers, rc->format == FORMAT_AUTO || value_format_registered((value_format)rc->format) ||
                           (rc->changelog != CHANGELOG_NONE && rc->changelog_format == CHANGELOG_AVRO))
WHEN(shard_auto, rc->shard_auto)
WHEN(embedded_broker, rc->brokers[0] == '\0')
WHEN(engine_may_use_gpu, rc->engine_kind != ENGINE_CPU)
WHEN(engine_may_use_cpu, rc->engine_kind != ENGINE_GPU || command == CLI_EXPECT) /* expect tallies on the CPU */
WHEN(random_campaigns, rc->engine.campaigns > 0)
WHEN(progress_shown, !rc->quiet)
WHEN(lifecycle_on, rc->engine.lifecycle)
WHEN(speed_max, rc->speed <= 0.0)
WHEN(changelog_on, rc->changelog != CHANGELOG_NONE)
WHEN(sink_carries_changes, rc->sink != SINK_FILES)

#define ON(c) (1u << (c))

/* A setting (its path, or the flag of a flag-only row) acts only when its
 * partner's value meets met(), or, with no partner, under these commands. */
static const struct need {
    const char *setting, *partner;
    int (*met)(const run_config *rc, int command);
    unsigned commands;
    const char *expected;
} needs[] = {
    { "late.max", "late.share", late_share_on, 0,
      "a late share above 0 (--late-share) for it to bound (a scenario's late entries have their own max)" },
    { "duplicates.max", "duplicates.share", duplicate_share_on, 0,
      "a duplicate share above 0 (--duplicate-share) for it to bound" },
    { "output.stdout_columns", "kafka.sink", sink_stdout, 0, "--sink stdout, the sink that prints columns" },
    { "files.out", "kafka.sink", sink_files, 0, "--sink files, the sink that writes there" },
    { "files.format", "kafka.sink", sink_files, 0, "--sink files, the sink that writes files" },
    { "files.codec", "kafka.sink", sink_files, 0, "--sink files, the sink that compresses files" },
    { "files.roll_mb", "kafka.sink", sink_files, 0, "--sink files, the sink that rolls files" },
    { "files.row_group_mb", "kafka.sink", sink_files, 0, "--sink files, the sink that writes row groups" },
    { "files.add", "kafka.sink", sink_files, 0, "--sink files, the sink that writes files" },
    { "output.metrics_linger_s", "output.metrics", metrics_on, 0, "--metrics, the serving it prolongs" },
    { "schema_registry.url", "format", format_registers, 0,
      "--format avro-confluent, protobuf-confluent, json-schema-confluent or auto, or --changelog-format avro, the "
      "formats that register schemas" },
    { "schema_registry.url", "kafka.sink", sink_registers, 0,
      "--sink kafka or null, or --sink stdout with a format that registers (protobuf-confluent, "
      "json-schema-confluent)" },
    { "schema_registry.basic_auth_user_info", "schema_registry.url", registry_on, 0,
      "a schema registry (--schema-registry) to log in to" },
    { "schema_registry.ssl_ca_location", "schema_registry.url", registry_on, 0,
      "a schema registry (--schema-registry) to trust" },
    { "schema_registry.ssl_certificate_location", "schema_registry.url", registry_on, 0,
      "a schema registry (--schema-registry) to present it to" },
    { "schema_registry.ssl_key_location", "schema_registry.url", registry_on, 0,
      "a schema registry (--schema-registry) to present it to" },
    { "schema_registry.timeout_ms", "schema_registry.url", registry_on, 0,
      "a schema registry (--schema-registry) to wait for" },
    { "shards", "shard", shard_auto, 0, "--shard auto, which takes its count from it" },
    { "keep-broker", "kafka.brokers", embedded_broker, 0, "the embedded broker (no --brokers), the one it keeps up" },
    { "keep-broker", "kafka.sink", sink_kafka, 0, "--sink kafka, the sink that starts the embedded broker" },
    { "kafka.brokers", "kafka.sink", sink_kafka_or_verify, 0, "--sink kafka, the sink that publishes to them" },
    { "kafka.properties", "kafka.sink", sink_kafka_or_verify, 0, "--sink kafka, the sink that uses librdkafka" },
    { "kafka.connect_timeout_ms", "kafka.sink", sink_kafka_or_verify, 0, "--sink kafka, the sink that connects" },
    { "kafka.replication_factor", "kafka.sink", sink_kafka, 0, "--sink kafka, the sink that creates topics" },
    { "kafka.allow_data_loss", "kafka.sink", sink_kafka, 0, "--sink kafka, the sink that checks topics" },
    { "engine.gpu_batch_orders", "engine.kind", engine_may_use_gpu, 0,
      "--engine auto or gpu, the engines that may use the GPU" },
    { "engine.batch_orders", "engine.kind", engine_may_use_cpu, 0,
      "--engine auto or cpu, the engines that may fill batches on the CPU" },
    { "catalog.campaign_uptake", "catalog.campaigns", random_campaigns, 0,
      "catalog.campaigns above 0, the campaigns it applies to (a scenario's have their own)" },
    { "output.progress_interval_s", "output.quiet", progress_shown, 0, "no --quiet, the progress lines it spaces" },
    { "lifecycle.payment_retry_share", "lifecycle.enabled", lifecycle_on, 0,
      "--lifecycle on, the lives that hold payments" },
    { "lifecycle.return_share", "lifecycle.enabled", lifecycle_on, 0, "--lifecycle on, the lives that hold returns" },
    { "changelog.format", "changelog.kind", changelog_on, 0, "--changelog debezium, the change events it formats" },
    { "changelog.prefix", "changelog.kind", changelog_on, 0, "--changelog debezium, the change topics it names" },
    { "changelog.schema", "changelog.kind", changelog_on, 0, "--changelog debezium, the change topics it names" },
    { "changelog.kind", "kafka.sink", sink_carries_changes, 0,
      "--sink kafka, null or stdout, the sinks that carry change events (files hold the event tables)" },
    { "csv", NULL, NULL, ON(CLI_PLAN) | ON(CLI_EXPECT), "plan or expect, the commands that print CSV" },
    { "window", NULL, NULL, ON(CLI_EXPECT), "expect, the command that reads it" },
    { "top", NULL, NULL, ON(CLI_EXPECT), "expect, the command that reads it" },
    { "watermarks", NULL, NULL, ON(CLI_EXPECT), "expect, the command that reads it" },
    { "until", NULL, NULL, ON(CLI_VERIFY), "verify, the command that reads it" },
    { "cuts", NULL, NULL, ON(CLI_VERIFY), "verify, the command that reads it" },
};

/* Two settings that decide the same thing: a set to other than its default
 * (--rate 0 is off), b written at all (--speed max, --intensity 1); clash
 * NULL: whenever both are. why follows "<a's origin>: " and names b by %s. */
static const struct clash {
    const char *a, *b;
    int (*clash)(const run_config *rc, int command);
    const char *why;
} clashes[] = {
    { "rate.messages_per_s", "intensity", NULL,
      "chooses the intensity, which %s sets too: expected one of them, "
      "got both" },
    { "rate.messages_per_s", "speed", speed_max,
      "paces the run at that average, which %s max does not: expected a "
      "paced speed (realtime or N) with it, or none, got max" },
};

/* -X properties that shopstream sets itself, from a setting or for verify. */
static const struct reserved {
    const char *name, *expected;
} reserved[] = {
    { "bootstrap.servers", "the brokers in --brokers (kafka.brokers), which set this property" },
    { "isolation.level", "none: verify reads read_committed and sets it over any property" },
    { "enable.partition.eof", "none: verify sets it on to find each partition's end" },
};

static const char *const command_names[] = { "run", "plan", "expect", "verify" };

static const option_spec *row(const char *name) {
    const option_spec *o = options_by_path(name);
    if (!o) o = options_by_flag(name);
    if (!o) abort(); /* a rule names no row: every settle walks every rule, so every test aborts */
    return o;
}

static const run_config *defaults(void) {
    static run_config d;
    static int made;
    if (!made) config_defaults(&d), made = 1;
    return &d;
}

static int from_cli(const run_config *rc, const option_spec *o) { return rc->origins[options_index(o)].from_cli; }

/* Whether the user set o to something other than its default (a flag or
 * a file's line); with written, a flag counts at any value. */
static int set_by_user(const run_config *rc, const option_spec *o, int written) {
    const config_origin *g = &rc->origins[options_index(o)];
    if (o->type == OPT_PROPERTY) return rc->n_properties > 0;
    if (written && g->from_cli) return 1;
    if (!g->from_cli && g->line <= 0) return 0;
    static char value[CONFIG_PATH_MAX + 64], def[CONFIG_PATH_MAX + 64];
    options_format_value(rc, o, value, sizeof value);
    options_format_value(defaults(), o, def, sizeof def);
    return strcmp(value, def) != 0;
}

static int given(const run_config *rc, const option_spec *o) { return set_by_user(rc, o, 0); }
static int written(const run_config *rc, const option_spec *o) { return set_by_user(rc, o, 1); }

/* Where o was set, as errors name it ("-X" for the first property). */
static void where(const run_config *rc, const option_spec *o, char *buf, size_t cap) {
    if (o->type == OPT_PROPERTY && rc->n_properties && !rc->properties[0].file) {
        snprintf(buf, cap, "-X %s", CLIP(rc->properties[0].name));
        return;
    }
    if (o->type == OPT_PROPERTY && rc->n_properties) {
        snprintf(buf, cap, "%s:%d: %s", CLIP(rc->properties[0].file), rc->properties[0].line, o->path);
        return;
    }
    options_origin_text(rc, o, buf, cap);
}

/* A partner's value and where it came from: "--sink null",
 * "f.cfg:3: kafka.sink null", "--late-share 0 (the default)", "no --metrics". */
static void state(const run_config *rc, const option_spec *o, char *buf, size_t cap) {
    static char value[CONFIG_PATH_MAX + 64];
    char at[3200];
    options_format_value(rc, o, value, sizeof value);
    if (written(rc, o)) {
        where(rc, o, at, sizeof at);
        snprintf(buf, cap, "%s %s", at, CLIP(value));
    } else {
        const char *dashes = o->flag ? "--" : "", *name = o->flag ? o->flag : o->path;
        if (!value[0])
            snprintf(buf, cap, "no %s%s", dashes, name);
        else
            snprintf(buf, cap, "%s%s %s (the default)", dashes, name, CLIP(value));
    }
}

static int check_need(const run_config *rc, const struct need *n, int command, char *errstr, size_t errlen) {
    const option_spec *o = row(n->setting), *p = n->partner ? row(n->partner) : NULL;
    if (!given(rc, o)) return 0;
    char at[3200], got[3400];
    if (!n->partner) {
        if (n->commands & ON(command)) return 0;
        snprintf(got, sizeof got, "%s", command_names[command]);
    } else {
        if (n->met(rc, command)) return 0;
        /* A flag may switch off what the config file set up. */
        if (!from_cli(rc, o) && from_cli(rc, p)) return 0;
        state(rc, p, got, sizeof got);
    }
    where(rc, o, at, sizeof at);
    snprintf(errstr, errlen, "%s: expected %s, got %s", at, n->expected, got);
    return -1;
}

static int check_clash(run_config *rc, const struct clash *c, int command, char *errstr, size_t errlen) {
    const option_spec *a = row(c->a), *b = row(c->b);
    if (!given(rc, a) || !written(rc, b) || (c->clash && !c->clash(rc, command))) return 0;
    if (from_cli(rc, a) != from_cli(rc, b)) {
        /* The flag wins over the file, as over its own setting there. */
        const option_spec *loser = from_cli(rc, a) ? b : a;
        memcpy((char *)rc + loser->offset, (const char *)defaults() + loser->offset, loser->size);
        return 0;
    }
    char at[3200], other[3200], why[3600];
    where(rc, a, at, sizeof at);
    where(rc, b, other, sizeof other);
    snprintf(why, sizeof why, c->why, other);
    snprintf(errstr, errlen, "%s: %s", at, why);
    return -1;
}

static int check_properties(const run_config *rc, char *errstr, size_t errlen) {
    for (size_t i = 0; i < rc->n_properties; i++)
        for (size_t r = 0; r < sizeof reserved / sizeof reserved[0]; r++) {
            const sink_property *p = &rc->properties[i];
            if (strcmp(p->name, reserved[r].name) != 0) continue;
            if (p->file)
                snprintf(errstr, errlen, "%s:%d: kafka.properties: %s: expected %s, got %s", CLIP(p->file), p->line,
                         p->name, reserved[r].expected, CLIP(p->value));
            else
                snprintf(errstr, errlen, "-X %s: expected %s, got %s", p->name, reserved[r].expected, CLIP(p->value));
            return -1;
        }
    return 0;
}

int settle_partners(run_config *rc, int command, char *errstr, size_t errlen) {
    for (size_t i = 0; i < sizeof clashes / sizeof clashes[0]; i++)
        if (check_clash(rc, &clashes[i], command, errstr, errlen) != 0) return -1;
    if (check_properties(rc, errstr, errlen) != 0) return -1;
    for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
        if (check_need(rc, &needs[i], command, errstr, errlen) != 0) return -1;
    return 0;
}
