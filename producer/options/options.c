/* SPDX-License-Identifier: Apache-2.0 */
/* options.c - the option table (see options.h): every setting, once.
 *
 * The rows are in --help's order (and docs/options.md's, within each config
 * group). A row with a path is read from config files (and must appear in
 * config/shopstream.cfg with its default: tests check); a row with a flag is
 * a command-line option. Below the table: finding a row, and where a
 * row's value came from (for errors). */
#include "options.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "base/clip.h"

#define AT(field) offsetof(run_config, field), sizeof(((run_config *)0)->field)
#define NAMES(table, n) (table), (n)
#define NO_NAMES NULL, 0
#define NO_RANGE 0, 0

/* Help texts long enough to wrap continue after a '\n'. */
const option_spec options_table[] = {
    /* path, flag, short, type, field, names, min, max, default, metavar, help, flags */
    { NULL, "config", 'c', OPT_PATH, AT(config_path), NO_NAMES, NO_RANGE, NULL, "FILE",
      "libconfig file (default: config/shopstream.cfg)", OPTF_CLI_ONLY_ACTION },
    { "scenario", "scenario", 's', OPT_STRING, AT(scenario_spec), NO_NAMES, NO_RANGE, "baseline", "NAME",
      "baseline, payment_outage, viral_moment, flash_sale, black_friday,\n"
      "carrier_delay, price_war, mobile_offline, a file under config/scenarios/,\n"
      "a .cfg path, or several joined with commas",
      0 },
    { "duration", "duration", 0, OPT_DURATION, AT(engine.duration_ms), NO_NAMES, NO_RANGE, NULL, "D",
      "simulated time to cover: 90m, 6h, 2d", 0 },
    { "intensity", "intensity", 0, OPT_DOUBLE, AT(engine.intensity), NO_NAMES, 0, 1e9, NULL, "X",
      "multiplies the base order rate", 0 },
    { "seed", "seed", 0, OPT_UINT64, AT(engine.seed), NO_NAMES, NO_RANGE, NULL, "N",
      "every byte published is a function of the seed", 0 },
    { "start", "start", 0, OPT_START, AT(engine.start_ms), NO_NAMES, NO_RANGE, "auto", "TIME",
      "simulated start: auto (the latest UTC midnight with the whole run in\n"
      "the past), now (live), or ISO-8601 UTC such as 2026-01-01T00:00:00Z",
      0 },
    { "from", "from", 0, OPT_STRING, AT(slice_from), NO_NAMES, NO_RANGE, "", "T",
      "publish only the slice of the run from T (ISO-8601 UTC, or a duration\n"
      "after --start): its facts released at or after T, the dimensions as they\n"
      "stand at T first; the run itself (orders, bytes) unchanged; empty: the start",
      0 },
    { "to", "to", 0, OPT_STRING, AT(slice_to), NO_NAMES, NO_RANGE, "", "T",
      "... and released before T; empty (or the run's end): to the end, with\n"
      "what the run releases after its last order (lives, late copies)",
      0 },
    { "speed", "speed", 0, OPT_SPEED, AT(speed), NO_NAMES, NO_RANGE, "max", "S",
      "max, realtime, or N simulated seconds per wall second", 0 },
    { "rate.messages_per_s", "rate", 0, OPT_DOUBLE, AT(rate_msgs_per_s), NO_NAMES, 0, 1e12, "0", "R",
      "pick the intensity that averages R order and order-item messages/s at\n"
      "the speed (realtime unless paced otherwise); payments, shipments, product\n"
      "versions and late or duplicate copies come on top; 0: off",
      0 },
    { "kafka.brokers", "brokers", 'b', OPT_STRING, AT(brokers), NO_NAMES, NO_RANGE, "", "LIST",
      "Kafka bootstrap servers; empty: an embedded broker", 0 },
    { "kafka.properties", NULL, 'X', OPT_PROPERTY, 0, 0, NO_NAMES, NO_RANGE, NULL, "name=value",
      "any librdkafka property, as in kcat (repeatable)", 0 },
    { "kafka.sink", "sink", 0, OPT_ENUM, AT(sink), NAMES(sink_kind_names, SINK_KIND_COUNT), NO_RANGE, "kafka", "K",
      "kafka; null: generate and encode, publish nothing; stdout: one JSON\n"
      "message a line, as kcat prints them (for jq; progress stays on stderr;\n"
      "protobuf in base64); files: every topic a table of files under --out",
      0 },
    { "files.out", "out", 0, OPT_STRING, AT(out_dir), NO_NAMES, NO_RANGE, "", "DIR",
      "--sink files: the directory, existing and writable, where each topic\n"
      "is a table: DIR/<table>/date=YYYY-MM-DD/part-<shard>-<n>.<ext>",
      0 },
    { "files.format", "file-format", 0, OPT_ENUM, AT(file_format), NAMES(file_format_names, FILE_FORMAT_COUNT),
      NO_RANGE, "parquet", "F",
      "--sink files: parquet, avro (object container files) or jsonl (a JSON\n"
      "value a line)",
      0 },
    { "files.codec", "file-codec", 0, OPT_ENUM, AT(file_codec), NAMES(file_codec_names, FILE_CODEC_COUNT), NO_RANGE,
      "auto", "C",
      "--sink files: auto (parquet: zstd; avro: deflate; jsonl: none), none,\n"
      "zstd (parquet), deflate (avro), snappy (parquet, avro)",
      0 },
    { "files.roll_mb", "file-roll-mb", 0, OPT_SIZE, AT(file_roll_mb), NO_NAMES, 1, 1048576, "128", "MB",
      "--sink files: a file is closed and the next begun past this size", 0 },
    { "files.row_group_mb", "file-row-group-mb", 0, OPT_SIZE, AT(file_row_group_mb), NO_NAMES, 1, 4096, "8", "MB",
      "--file-format parquet: a row group is written past this many MB of\n"
      "values (a writer holds two per open file: one filling, one written)",
      0 },
    { "files.add", "file-add", 0, OPT_BOOL, AT(file_add), NO_NAMES, NO_RANGE, "false", NULL,
      "--sink files: write beside the files an earlier run (another slice)\n"
      "left in --out, each new file numbered after those of its table and date",
      0 },
    { "output.stdout_columns", "stdout-columns", 0, OPT_ENUM, AT(stdout_columns),
      NAMES(stdout_columns_names, STDOUT_COLUMNS_COUNT), NO_RANGE, "value", "C",
      "--sink stdout: value, key-value or topic-key-value (tab-separated,\n"
      "keys decoded)",
      0 },
    { "format", "format", 0, OPT_ENUM, AT(format), NAMES(format_option_names, FORMAT_COUNT + 1), NO_RANGE, "auto", "F",
      "avro, avro-confluent (Confluent's framing, with a schema registry),\n"
      "json, protobuf (raw, as Flink reads it), protobuf-confluent,\n"
      "json-schema-confluent (registered: schemas/*.proto, *.schema.json),\n"
      "or auto: avro-confluent when a registry is given, else avro",
      0 },
    { "schema_registry.url", "schema-registry", 'r', OPT_STRING, AT(registry_url), NO_NAMES, NO_RANGE, "", "URL",
      "a Confluent-compatible Schema Registry; each topic's schema is\n"
      "registered as <topic>-value before publishing",
      0 },
    { "schema_registry.basic_auth_user_info", NULL, 0, OPT_STRING, AT(registry_user_info), NO_NAMES, NO_RANGE, "", NULL,
      "the registry's user:password, if it asks for one", 0 },
    { "schema_registry.ssl_ca_location", "schema-registry-ca", 0, OPT_STRING, AT(registry_ca), NO_NAMES, NO_RANGE, "",
      "FILE", "https: the PEM file of CAs to trust for the registry; empty: the system's", 0 },
    { "schema_registry.ssl_certificate_location", NULL, 0, OPT_STRING, AT(registry_cert), NO_NAMES, NO_RANGE, "", NULL,
      "https with client certificates: the PEM certificate shopstream presents", 0 },
    { "schema_registry.ssl_key_location", NULL, 0, OPT_STRING, AT(registry_key), NO_NAMES, NO_RANGE, "", NULL,
      "... and its PEM private key", 0 },
    { "schema_registry.timeout_ms", NULL, 0, OPT_INT, AT(registry_timeout_ms), NO_NAMES, 100, 600000, "10000", NULL,
      "how long one registry request may take", 0 },
    { "kafka.topic_prefix", "topic-prefix", 0, OPT_STRING, AT(topic_prefix), NO_NAMES, NO_RANGE, "shop.", "P",
      "topic names are P + orders, order_items, ...", 0 },
    { "changelog.kind", "changelog", 0, OPT_ENUM, AT(changelog), NAMES(changelog_kind_names, CHANGELOG_KIND_COUNT),
      NO_RANGE, "none", "K",
      "none, or debezium: the tables customers, products, orders and\n"
      "order_items as Debezium's PostgreSQL connector publishes their changes,\n"
      "beside the event topics (docs/guide/changelog.md)",
      0 },
    { "changelog.format", "changelog-format", 0, OPT_ENUM, AT(changelog_format),
      NAMES(changelog_format_names, CHANGELOG_FORMAT_COUNT), NO_RANGE, "json", "F",
      "json (Kafka Connect's JsonConverter, schemas.enable=false),\n"
      "json-schema (schemas.enable=true: each key and value with its schema)\n"
      "or avro (Confluent's AvroConverter: keys and values Avro, framed with\n"
      "the ids of <topic>-key and <topic>-value, which --schema-registry\n"
      "registers before the first message)",
      0 },
    { "changelog.prefix", "changelog-prefix", 0, OPT_STRING, AT(changelog_prefix), NO_NAMES, NO_RANGE, "shopdb", "P",
      "the connector's topic.prefix: change topics are P.SCHEMA.<table>", 0 },
    { "changelog.schema", "changelog-schema", 0, OPT_STRING, AT(changelog_schema), NO_NAMES, NO_RANGE, "public", "S",
      "the database schema in the change topics' names and source.schema", 0 },
    { "kafka.partitions", "partitions", 0, OPT_INT, AT(partitions), NO_NAMES, 1, 10000, "6", "N",
      "partitions of every topic: missing topics are created, existing ones\n"
      "must have this many",
      0 },
    { "kafka.replication_factor", "replication-factor", 0, OPT_INT, AT(replication_factor), NO_NAMES, 0, 100, "0", "N",
      "of the topics shopstream creates; 0: the broker's default", 0 },
    { "kafka.key_format", "key-format", 0, OPT_ENUM, AT(key_format), NAMES(key_format_names, KEY_FORMAT_COUNT),
      NO_RANGE, "binary", "F", "binary (8-byte big-endian id) or string (decimal)", 0 },
    { "kafka.connect_timeout_ms", NULL, 0, OPT_INT, AT(connect_timeout_ms), NO_NAMES, 100, 600000, "10000", NULL,
      "how long to try reaching the brokers before giving up", 0 },
    { "kafka.allow_data_loss", "allow-data-loss", 0, OPT_BOOL, AT(allow_data_loss), NO_NAMES, NO_RANGE, "false", NULL,
      "publish even where a topic's retention or compaction would delete\n"
      "records of the run (a warning line instead of exit 2)",
      0 },
    { "engine.threads", "threads", 0, OPT_SIZE, AT(threads), NO_NAMES, 0, 1024, "0", "N",
      "generator threads; 0: one per core, less one for the publisher when\n"
      "orders have lives and there are no change streams (two per core\n"
      "with the GPU)",
      0 },
    { "engine.kind", "engine", 0, OPT_ENUM, AT(engine_kind), NAMES(engine_kind_names, ENGINE_KIND_COUNT), NO_RANGE,
      "auto", "E",
      "who generates: auto (the GPU if one is usable, else the CPU; the run\n"
      "says which and why), cpu, or gpu (an error, exit 2, if none is usable)",
      0 },
    { NULL, "shard", 0, OPT_SHARD, AT(shard_index), NO_NAMES, NO_RANGE, "0/1", "I/N",
      "generate only shard I of N: the orders of the partitions p with\n"
      "p mod N = I (one writer per partition); shard 0 also publishes the\n"
      "dimension topics. auto: I from JOB_COMPLETION_INDEX, N from --shards\n"
      "or SHOPSTREAM_SHARDS",
      0 },
    { NULL, "shards", 0, OPT_UINT64, AT(shards_given), NO_NAMES, 0, 1000000, "0", "N",
      "the shard count for --shard auto", 0 },
    { "output.metrics", "metrics", 0, OPT_STRING, AT(metrics_addr), NO_NAMES, NO_RANGE, "", "[ADDR:]PORT",
      "serve Prometheus metrics at /metrics (ADDR: 127.0.0.1); empty: off", 0 },
    { "output.metrics_linger_s", "metrics-linger", 0, OPT_DOUBLE, AT(metrics_linger_s), NO_NAMES, 0, 86400, "0", "S",
      "keep serving the final metrics S seconds after the run", 0 },
    { NULL, "csv", 0, OPT_BOOL, AT(csv), NO_NAMES, NO_RANGE, "false", NULL,
      "plan, expect: print CSV (expect: one row per window)", 0 },
    { NULL, "window", 0, OPT_DURATION, AT(window_ms), NO_NAMES, NO_RANGE, "1h", "D",
      "expect: the tumbling event-time window, aligned to the epoch", 0 },
    { NULL, "top", 0, OPT_SIZE, AT(top), NO_NAMES, 0, 1000, "10", "N", "expect: the top N products by units sold", 0 },
    { NULL, "watermarks", 0, OPT_STRING, AT(watermarks), NO_NAMES, NO_RANGE, "0s,1m,5m", "D,...",
      "expect: the watermark delays to count late drops for (at most 8)", 0 },
    { NULL, "until", 0, OPT_STRING, AT(verify_until), NO_NAMES, NO_RANGE, "", "TIME",
      "verify: a run still in progress: what it published up to simulated TIME\n"
      "(ISO-8601 UTC, or a duration after --start)",
      0 },
    { NULL, "cuts", 0, OPT_STRING, AT(verify_cuts), NO_NAMES, NO_RANGE, "", "T,...",
      "verify: the run (or its --from/--to slice) was published as slices cut\n"
      "at these times, one after another, each with its dimensions first\n"
      "(ascending; ISO-8601 UTC, or durations after --start; at most 32)",
      0 },
    { "engine.batch_orders", "batch-orders", 0, OPT_SIZE, AT(batch_orders), NO_NAMES, 0, 1048576, "0", "N",
      "orders per generated batch; 0: 4096, or 1024 with change streams\n"
      "(an order's messages are then ~4 KB: the 8 batches in flight stay\n"
      "near 35 MB)",
      0 },
    { "engine.gpu_batch_orders", "gpu-batch-orders", 0, OPT_SIZE, AT(gpu_batch_orders), NO_NAMES, 1, 1048576, "65536",
      "N", "orders per batch when the GPU generates", 0 },
    { "engine.ring_slots", NULL, 0, OPT_SIZE, AT(ring_slots), NO_NAMES, 1, RING_SLOTS_MAX, "8", NULL,
      "batches in flight between the generators and the producer", 0 },
    { "engine.hold_mb", "hold-mb", 0, OPT_SIZE, AT(hold_mb), NO_NAMES, 0, 1048576, "256", "MB",
      "memory for messages made but not yet due (an order's later life, late\n"
      "and duplicate copies); beyond it, what falls due more than ~35 simulated\n"
      "minutes ahead goes to a temporary file in --spill-dir",
      0 },
    { "engine.spill_dir", "spill-dir", 0, OPT_STRING, AT(spill_dir), NO_NAMES, NO_RANGE, "", "DIR",
      "where --hold-mb spills to: an unnamed file, gone when the run ends;\n"
      "empty: $TMPDIR, else /tmp (checked before publishing)",
      0 },
    { "engine.slice_ms", NULL, 0, OPT_INT64, AT(engine.slice_ms), NO_NAMES, 1, 3600000, NULL, NULL,
      "generation unit in simulated ms; must divide an hour", 0 },
    { "catalog.customers", "customers", 0, OPT_UINT32, AT(engine.customers), NO_NAMES, 1, 100000000, NULL, "N",
      "customers in the catalog", 0 },
    { "catalog.products", "products", 0, OPT_UINT32, AT(engine.products), NO_NAMES, 1, 1000000, NULL, "N",
      "products in the catalog; popularity is Zipf over a random rank", 0 },
    { "catalog.campaigns", NULL, 0, OPT_UINT32, AT(engine.campaigns), NO_NAMES, 0, 64, NULL, NULL,
      "each runs 2-24 h, starting within the first 48 h", 0 },
    { "catalog.campaign_uptake", NULL, 0, OPT_DOUBLE, AT(engine.campaign_uptake), NO_NAMES, 0, 1, NULL, NULL,
      "share of eligible orders that use a running campaign", 0 },
    { "catalog.in_stock_share", NULL, 0, OPT_DOUBLE, AT(engine.in_stock_share), NO_NAMES, 0, 1, NULL, NULL,
      "share of products in stock", 0 },
    { "rate.base_orders_per_hour", NULL, 0, OPT_DOUBLE, AT(engine.base_orders_per_hour), NO_NAMES, 0, 1e12, NULL, NULL,
      "orders per simulated hour at intensity 1 and daily curve 1", 0 },
    { "rate.daily_curve", NULL, 0, OPT_ARRAY, AT(engine.daily_curve), NULL, 24, 0, 1000, NULL, NULL,
      "multiplier by hour of day (UTC of the simulated clock)", 0 },
    { "mix.cohort", NULL, 0, OPT_MIX, AT(engine.cohort_mix), NAMES(cohort_names, COHORT_COUNT), 0, 1, NULL, NULL,
      "customers by cohort", 0 },
    { "mix.channel.gen_z", NULL, 0, OPT_MIX, AT(engine.channel_mix[COHORT_GEN_Z]), NAMES(channel_names, CHANNEL_COUNT),
      0, 1, NULL, NULL, "order channel of gen_z customers", 0 },
    { "mix.channel.millennial", NULL, 0, OPT_MIX, AT(engine.channel_mix[COHORT_MILLENNIAL]),
      NAMES(channel_names, CHANNEL_COUNT), 0, 1, NULL, NULL, "order channel of millennials", 0 },
    { "mix.channel.gen_x", NULL, 0, OPT_MIX, AT(engine.channel_mix[COHORT_GEN_X]), NAMES(channel_names, CHANNEL_COUNT),
      0, 1, NULL, NULL, "order channel of gen_x customers", 0 },
    { "mix.channel.boomer", NULL, 0, OPT_MIX, AT(engine.channel_mix[COHORT_BOOMER]),
      NAMES(channel_names, CHANNEL_COUNT), 0, 1, NULL, NULL, "order channel of boomers", 0 },
    { "mix.region", NULL, 0, OPT_MIX, AT(engine.region_mix), NAMES(region_names, REGION_COUNT), 0, 1, NULL, NULL,
      "customers by region", 0 },
    { "mix.loyalty_tier", NULL, 0, OPT_MIX, AT(engine.loyalty_mix), NAMES(loyalty_tier_names, TIER_COUNT), 0, 1, NULL,
      NULL, "customers by loyalty tier", 0 },
    { "mix.payment_method", NULL, 0, OPT_MIX, AT(engine.payment_mix), NAMES(payment_method_names, PAYMENT_COUNT), 0, 1,
      NULL, NULL, "orders by payment method", 0 },
    { "mix.status", NULL, 0, OPT_MIX, AT(engine.status_mix), NAMES(order_status_names, STATUS_COUNT), 0, 1, NULL, NULL,
      "orders by status at checkout", 0 },
    { "mix.item_count", NULL, 0, OPT_ARRAY, AT(engine.items_mix), NULL, ITEMS_MAX, 0, 1, NULL, NULL,
      "P(1 item) .. P(5 items)", 0 },
    { "mix.quantity", NULL, 0, OPT_ARRAY, AT(engine.quantity_mix), NULL, QUANTITY_MAX, 0, 1, NULL, NULL,
      "P(quantity 1) .. P(quantity 4)", 0 },
    { "catalog.product_changes", "product-changes", 0, OPT_ENUM, AT(engine.product_changes), NAMES(switch_names, 2),
      NO_RANGE, "on", "on|off",
      "on: products reprice and go out of stock over the run, each change a\n"
      "new version on shop.products; off: one version each, at the start",
      0 },
    { "catalog.customer_changes", "customer-changes", 0, OPT_ENUM, AT(engine.customer_changes), NAMES(switch_names, 2),
      NO_RANGE, "on", "on|off",
      "on: customers change loyalty tier and region, and a few close their\n"
      "account (no orders after), each change a new version on shop.customers\n"
      "(a closed one a tombstone); off: one version each, at the start",
      0 },
    { "lifecycle.enabled", "lifecycle", 0, OPT_ENUM, AT(engine.lifecycle), NAMES(switch_names, 2), NO_RANGE, "on",
      "on|off",
      "on: each order lives on after checkout, on shop.payments and\n"
      "shop.shipments; off: orders end at checkout (both topics stay empty)",
      0 },
    { "lifecycle.payment_retry_share", NULL, 0, OPT_DOUBLE, AT(engine.payment_retry_share), NO_NAMES, 0, 1, NULL, NULL,
      "paid orders whose first payment attempt is declined and retried", 0 },
    { "lifecycle.return_share", "return-share", 0, OPT_DOUBLE, AT(engine.return_share), NO_NAMES, 0, 1, NULL, "X",
      "delivered orders that are returned and refunded", 0 },
    { "late.share", "late-share", 0, OPT_DOUBLE, AT(engine.late_share), NO_NAMES, 0, 1, NULL, "X",
      "fact messages released late: after events up to --late-max later", 0 },
    { "late.max", "late-max", 0, OPT_DURATION, AT(engine.late_max_ms), NO_NAMES, NO_RANGE, NULL, "D",
      "the most a late message is behind its event time (at most 1d)", 0 },
    { "duplicates.share", "duplicate-share", 0, OPT_DOUBLE, AT(engine.duplicate_share), NO_NAMES, 0, 1, NULL, "X",
      "fact messages sent twice: an exact copy, up to --duplicate-max later", 0 },
    { "duplicates.max", "duplicate-max", 0, OPT_DURATION, AT(engine.duplicate_max_ms), NO_NAMES, NO_RANGE, NULL, "D",
      "the most a copy follows its original (at most 1d)", 0 },
    { "output.currency", NULL, 0, OPT_STRING, AT(currency), NO_NAMES, NO_RANGE, "USD", NULL, "the orders' currency",
      0 },
    { "output.schema_dir", "schema-dir", 0, OPT_STRING, AT(schema_dir), NO_NAMES, NO_RANGE, "", "DIR",
      "where the .avsc files are; empty: the shipped schemas/", 0 },
    { "output.stats_json", "stats-json", 0, OPT_STRING, AT(stats_json), NO_NAMES, NO_RANGE, "", "FILE",
      "write the run's figures as JSON at exit (checked before publishing)", 0 },
    { "output.progress_interval_s", NULL, 0, OPT_DOUBLE, AT(progress_interval_s), NO_NAMES, 0.1, 3600, "1", NULL,
      "seconds between progress lines", 0 },
    { "output.quiet", "quiet", 'q', OPT_BOOL, AT(quiet), NO_NAMES, NO_RANGE, "false", NULL, "no progress line", 0 },
    { NULL, "keep-broker", 'k', OPT_BOOL, AT(keep_broker), NO_NAMES, NO_RANGE, "false", NULL,
      "keep the embedded broker up after the run until Ctrl-C", 0 },
    { NULL, "help", 'h', OPT_BOOL, AT(want_help), NO_NAMES, NO_RANGE, NULL, NULL,
      "the commands, the options and the exit codes", OPTF_CLI_ONLY_ACTION },
    { NULL, "help-markdown", 0, OPT_BOOL, AT(want_help_markdown), NO_NAMES, NO_RANGE, NULL, NULL,
      "the option reference in Markdown (docs/options.md)", OPTF_CLI_ONLY_ACTION },
    { NULL, "version", 'V', OPT_BOOL, AT(want_version), NO_NAMES, NO_RANGE, NULL, NULL,
      "the version and the build's options", OPTF_CLI_ONLY_ACTION },
};
const size_t options_count = sizeof options_table / sizeof options_table[0];

_Static_assert(sizeof options_table / sizeof options_table[0] <= CONFIG_OPTIONS_MAX,
               "run_config.origins holds one origin per row: raise CONFIG_OPTIONS_MAX");

const option_spec *options_by_path(const char *path) {
    for (size_t i = 0; i < options_count; i++)
        if (options_table[i].path && strcmp(options_table[i].path, path) == 0) return &options_table[i];
    return NULL;
}

const option_spec *options_by_flag(const char *flag) {
    for (size_t i = 0; i < options_count; i++)
        if (options_table[i].flag && strcmp(options_table[i].flag, flag) == 0) return &options_table[i];
    return NULL;
}

const option_spec *options_by_short(char c) {
    for (size_t i = 0; i < options_count; i++)
        if (c && options_table[i].short_flag == c) return &options_table[i];
    return NULL;
}

const option_spec *options_by_offset(size_t offset) {
    for (size_t i = 0; i < options_count; i++)
        if (options_table[i].size && options_table[i].offset == offset) return &options_table[i];
    return NULL;
}

size_t options_index(const option_spec *o) { return (size_t)(o - options_table); }

/* ---- where a value came from ------------------------------------------- */

void options_note_origin(run_config *rc, const option_spec *o, const char *file, int line) {
    config_origin *g = &rc->origins[options_index(o)];
    g->from_cli = file == NULL;
    g->line = line;
}

void options_origin_text(const run_config *rc, const option_spec *o, char *buf, size_t cap) {
    const config_origin *g = &rc->origins[options_index(o)];
    if (g->from_cli) {
        if (o->flag)
            snprintf(buf, cap, "--%s", o->flag);
        else
            snprintf(buf, cap, "-%c", o->short_flag);
    } else if (g->line > 0) {
        snprintf(buf, cap, "%s:%d: %s", CLIP(rc->source_file), g->line, o->path);
    } else {
        snprintf(buf, cap, "%s", o->path ? o->path : o->flag);
    }
}
