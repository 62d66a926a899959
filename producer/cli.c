/* cli.c - options to run_config (see cli.h).
 *
 * Two passes over argv: the first finds the command and -c, so the config
 * file is read first; the second applies every other option over it, so the
 * command line always wins. Flags shared with kcat (-b, -X) mean the same. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "units.h"

enum long_only {
    OPT_DURATION = 256, OPT_INTENSITY, OPT_SEED, OPT_START, OPT_SPEED, OPT_SINK, OPT_STATS_JSON,
    OPT_TOPIC_PREFIX, OPT_PARTITIONS, OPT_KEY_FORMAT, OPT_THREADS, OPT_BATCH_ORDERS, OPT_CUSTOMERS,
    OPT_PRODUCTS, OPT_SCHEMA_DIR, OPT_CSV, OPT_SHARD, OPT_SHARDS, OPT_RATE, OPT_FORMAT, OPT_METRICS, OPT_METRICS_LINGER, OPT_ENGINE, OPT_GPU_BATCH_ORDERS,
};

static const char short_opts[] = "+c:s:b:X:r:kqhV";
static const struct option long_opts[] = {
    { "config", required_argument, NULL, 'c' },
    { "scenario", required_argument, NULL, 's' },
    { "duration", required_argument, NULL, OPT_DURATION },
    { "intensity", required_argument, NULL, OPT_INTENSITY },
    { "seed", required_argument, NULL, OPT_SEED },
    { "start", required_argument, NULL, OPT_START },
    { "speed", required_argument, NULL, OPT_SPEED },
    { "brokers", required_argument, NULL, 'b' },
    { "sink", required_argument, NULL, OPT_SINK },
    { "stats-json", required_argument, NULL, OPT_STATS_JSON },
    { "topic-prefix", required_argument, NULL, OPT_TOPIC_PREFIX },
    { "partitions", required_argument, NULL, OPT_PARTITIONS },
    { "key-format", required_argument, NULL, OPT_KEY_FORMAT },
    { "threads", required_argument, NULL, OPT_THREADS },
    { "batch-orders", required_argument, NULL, OPT_BATCH_ORDERS },
    { "customers", required_argument, NULL, OPT_CUSTOMERS },
    { "products", required_argument, NULL, OPT_PRODUCTS },
    { "schema-dir", required_argument, NULL, OPT_SCHEMA_DIR },
    { "csv", no_argument, NULL, OPT_CSV },
    { "rate", required_argument, NULL, OPT_RATE },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "engine", required_argument, NULL, OPT_ENGINE },
    { "gpu-batch-orders", required_argument, NULL, OPT_GPU_BATCH_ORDERS },
    { "schema-registry", required_argument, NULL, 'r' },
    { "shard", required_argument, NULL, OPT_SHARD },
    { "shards", required_argument, NULL, OPT_SHARDS },
    { "metrics", required_argument, NULL, OPT_METRICS },
    { "metrics-linger", required_argument, NULL, OPT_METRICS_LINGER },
    { "keep-broker", no_argument, NULL, 'k' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

void cli_usage(FILE *out) {
    fputs(
        "Usage: shopstream COMMAND [options]\n"
        "\n"
        "Streams a simulated e-commerce shop into Apache Kafka as Avro: customers,\n"
        "products and campaigns first, then orders and order items in event-time order.\n"
        "\n"
        "Commands:\n"
        "  run                    generate and publish a scenario (the main job)\n"
        "  plan                   print the expected and drawn orders per simulated hour\n"
        "\n"
        "Options:\n"
        "  -c, --config FILE      libconfig file (default: config/shopstream.cfg)\n"
        "  -s, --scenario NAME    scenario: baseline, payment_outage, viral_moment, flash_sale,\n"
        "                         black_friday, a file under config/scenarios/, a path to a\n"
        "                         .cfg file, or several joined with commas\n"
        "      --duration D       simulated time to cover: 90m, 6h, 2d (default 24h)\n"
        "      --intensity X      multiplies the base order rate (default 1.0)\n"
        "      --seed N           every byte published is a function of the seed\n"
        "      --start TIME       simulated start: auto (default: the latest UTC midnight with\n"
        "                         the whole run in the past), now (live), or ISO-8601 UTC\n"
        "      --speed S          max, realtime, or N simulated seconds per wall second\n"
        "      --rate R           pick the intensity that averages R messages/s (orders and\n"
        "                         items) at the speed (realtime unless paced otherwise)\n"
        "  -b, --brokers LIST     Kafka bootstrap servers; without it, an embedded broker\n"
        "  -X name=value          any librdkafka property, as in kcat (repeatable)\n"
        "      --sink kafka|null  null: generate and encode, publish nothing\n"
        "      --format F         avro (default), avro-confluent (Confluent's framing with a\n"
        "                         schema registry; the default when one is given) or json\n"
        "  -r, --schema-registry URL  a Confluent-compatible Schema Registry; each topic's\n"
        "                         schema is registered as <topic>-value before publishing\n"
        "      --topic-prefix P   topic names are P + orders, order_items, ... (shop.)\n"
        "      --partitions N     partitions of every topic (6): missing topics are created,\n"
        "                         existing ones must have this many\n"
        "      --key-format F     binary (8-byte big-endian id, default) or string\n"
        "      --threads N        generator threads (default: one per core)\n"
        "      --engine E         who generates: auto (default: the GPU if one is usable,\n"
        "                         else the CPU; the run says which and why), cpu, or gpu\n"
        "                         (an error, exit 2, if no GPU is usable)\n"
        "      --shard I/N        generate only shard I of N (orders I, I+N, ...); shard 0\n"
        "                         also publishes the dimension topics. --shard auto: I from\n"
        "                         JOB_COMPLETION_INDEX, N from --shards N or SHOPSTREAM_SHARDS\n"
        "      --metrics [ADDR:]PORT  serve Prometheus metrics at /metrics (ADDR: 127.0.0.1)\n"
        "      --metrics-linger S keep serving the final metrics S seconds after the run\n"
        "      --csv              plan: print CSV\n"
        "      --batch-orders N   orders per generated batch (4096)\n"
        "      --gpu-batch-orders N  ... when the GPU generates (65536)\n"
        "      --customers N      customers in the catalog (15000)\n"
        "      --products N       products in the catalog (500)\n"
        "      --schema-dir DIR   where the .avsc files are (default: schemas/)\n"
        "      --stats-json FILE  write the run's figures as JSON at exit\n"
        "  -k, --keep-broker      keep the embedded broker up after the run until Ctrl-C\n"
        "  -q, --quiet            no progress line\n"
        "  -h, --help             this text\n"
        "  -V, --version          the version\n"
        "\n"
        "Exit codes: 0 done and all delivered; 1 a message failed or was not delivered;\n"
        "2 bad options, config, schema or unreachable brokers (nothing published);\n"
        "3 interrupted by a signal, everything produced was delivered.\n"
        "\n"
        "Example: shopstream run --duration 6h --speed 3600   (6 simulated hours in 6 s)\n",
        out);
}

#define USAGE(...) do { snprintf(errstr, errlen, __VA_ARGS__); return -1; } while (0)

static int apply_option(int opt, const char *arg, run_config *rc, char *errstr, size_t errlen) {
    uint64_t u;
    double d;
    switch (opt) {
    case 'c': return 0; /* read in the first pass */
    case 's':
        if (strlen(arg) >= sizeof rc->scenario_spec) USAGE("--scenario: name too long");
        snprintf(rc->scenario_spec, sizeof rc->scenario_spec, "%s", arg);
        config_set_origin_option(rc, "scenario", "--scenario");
        return 0;
    case OPT_DURATION:
        if (units_duration_ms(arg, &rc->engine.duration_ms) != 0)
            USAGE("--duration %s: expected a duration such as 90m, 6h or 2d", arg);
        config_set_origin_option(rc, "duration", "--duration");
        return 0;
    case OPT_INTENSITY:
        if (units_double(arg, &d) != 0 || d < 0.0) USAGE("--intensity %s: expected a number >= 0", arg);
        rc->engine.intensity = d;
        config_set_origin_option(rc, "intensity", "--intensity");
        return 0;
    case OPT_SEED:
        if (units_uint64(arg, 0, UINT64_MAX, &u) != 0) USAGE("--seed %s: expected a whole number >= 0", arg);
        rc->engine.seed = u;
        return 0;
    case OPT_START:
        if (config_set_start(rc, arg) != 0)
            USAGE("--start %s: expected auto, now, or an ISO-8601 UTC time such as 2026-01-01T00:00:00Z", arg);
        return 0;
    case OPT_SPEED:
        if (units_speed(arg, &rc->speed) != 0)
            USAGE("--speed %s: expected max, realtime or a number of simulated seconds per second", arg);
        return 0;
    case 'b':
        if (strlen(arg) >= sizeof rc->brokers || !*arg) USAGE("-b: expected host:port[,host:port...]");
        snprintf(rc->brokers, sizeof rc->brokers, "%s", arg);
        return 0;
    case 'X':
        if (config_add_property(rc, arg, errstr, errlen) != 0) {
            char msg[512];
            snprintf(msg, sizeof msg, "-X %s", errstr);
            snprintf(errstr, errlen, "%s", msg);
            return -1;
        }
        return 0;
    case OPT_SINK:
        if (strcmp(arg, "kafka") == 0) rc->sink = SINK_KAFKA;
        else if (strcmp(arg, "null") == 0) rc->sink = SINK_NULL;
        else USAGE("--sink %s: expected kafka or null", arg);
        return 0;
    case OPT_STATS_JSON:
        snprintf(rc->stats_json, sizeof rc->stats_json, "%s", arg);
        return 0;
    case OPT_TOPIC_PREFIX:
        if (strlen(arg) >= sizeof rc->topic_prefix) USAGE("--topic-prefix: too long");
        snprintf(rc->topic_prefix, sizeof rc->topic_prefix, "%s", arg);
        return 0;
    case OPT_PARTITIONS:
        if (units_uint64(arg, 1, 10000, &u) != 0) USAGE("--partitions %s: expected a whole number in [1, 10000]", arg);
        rc->partitions = (int)u;
        return 0;
    case OPT_KEY_FORMAT:
        if (strcmp(arg, "binary") == 0) rc->key_format = KEY_BINARY;
        else if (strcmp(arg, "string") == 0) rc->key_format = KEY_STRING;
        else USAGE("--key-format %s: expected binary or string", arg);
        return 0;
    case OPT_THREADS:
        if (units_uint64(arg, 1, 1024, &u) != 0) USAGE("--threads %s: expected a whole number in [1, 1024]", arg);
        rc->threads = (size_t)u;
        return 0;
    case OPT_BATCH_ORDERS:
        if (units_uint64(arg, 1, 1048576, &u) != 0) USAGE("--batch-orders %s: expected a whole number in [1, 1048576]", arg);
        rc->batch_orders = (size_t)u;
        return 0;
    case OPT_CUSTOMERS:
        if (units_uint64(arg, 1, 100000000, &u) != 0) USAGE("--customers %s: expected a whole number in [1, 100000000]", arg);
        rc->engine.customers = (uint32_t)u;
        return 0;
    case OPT_PRODUCTS:
        if (units_uint64(arg, 1, 1000000, &u) != 0) USAGE("--products %s: expected a whole number in [1, 1000000]", arg);
        rc->engine.products = (uint32_t)u;
        return 0;
    case OPT_SCHEMA_DIR:
        snprintf(rc->schema_dir, sizeof rc->schema_dir, "%s", arg);
        return 0;
    case OPT_CSV: rc->csv = 1; return 0;
    case OPT_FORMAT:
        if (config_set_format(rc, arg) != 0) USAGE("--format %s: expected avro, avro-confluent or json", arg);
        config_set_origin_option(rc, "format", "--format");
        return 0;
    case 'r':
        if (strlen(arg) >= sizeof rc->registry_url || !*arg) USAGE("--schema-registry: expected a URL");
        snprintf(rc->registry_url, sizeof rc->registry_url, "%s", arg);
        return 0;
    case OPT_RATE:
        if (units_double(arg, &d) != 0 || !(d > 0.0)) USAGE("--rate %s: expected messages per second > 0", arg);
        rc->rate_msgs_per_s = d;
        return 0;
    case OPT_SHARD: {
        char extra;
        unsigned long long i, n;
        if (strcmp(arg, "auto") == 0) { rc->shard_auto = 1; return 0; }
        if (sscanf(arg, "%llu/%llu%c", &i, &n, &extra) != 2 || n < 1 || i >= n || n > 1000000)
            USAGE("--shard %s: expected I/N with 0 <= I < N (e.g. 0/4), or auto", arg);
        rc->shard_auto = 0;
        rc->shard_index = i;
        rc->shard_count = n;
        return 0;
    }
    case OPT_SHARDS:
        if (units_uint64(arg, 1, 1000000, &u) != 0) USAGE("--shards %s: expected a whole number in [1, 1000000]", arg);
        rc->shards_given = u;
        return 0;
    case OPT_METRICS_LINGER:
        if (units_double(arg, &d) != 0 || d < 0 || d > 86400) USAGE("--metrics-linger %s: expected seconds in [0, 86400]", arg);
        rc->metrics_linger_s = d;
        return 0;
    case OPT_METRICS:
        if (strlen(arg) >= sizeof rc->metrics_addr || !*arg) USAGE("--metrics: expected [ADDR:]PORT");
        snprintf(rc->metrics_addr, sizeof rc->metrics_addr, "%s", arg);
        return 0;
    case OPT_ENGINE:
        if (config_set_engine_kind(rc, arg) != 0) USAGE("--engine %s: expected auto, cpu or gpu", arg);
        config_set_origin_option(rc, "engine.kind", "--engine");
        return 0;
    case OPT_GPU_BATCH_ORDERS:
        if (units_uint64(arg, 1, 1048576, &u) != 0) USAGE("--gpu-batch-orders %s: expected a whole number in [1, 1048576]", arg);
        rc->gpu_batch_orders = (size_t)u;
        return 0;
    case 'k': rc->keep_broker = 1; return 0;
    case 'q': rc->quiet = 1; return 0;
    }
    USAGE("unexpected option");
}

/* --shard auto: the index from JOB_COMPLETION_INDEX (a Kubernetes Indexed
 * Job sets it), the count from --shards or SHOPSTREAM_SHARDS. */
static int resolve_shard_auto(run_config *rc, char *errstr, size_t errlen) {
    const char *index = getenv("JOB_COMPLETION_INDEX"), *count = getenv("SHOPSTREAM_SHARDS");
    uint64_t i, n = rc->shards_given;
    if (!index || !*index) USAGE("--shard auto: JOB_COMPLETION_INDEX is not set (a Kubernetes Indexed Job sets it)");
    if (units_uint64(index, 0, 999999, &i) != 0) USAGE("--shard auto: JOB_COMPLETION_INDEX=%s is not a whole number", index);
    if (!n) {
        if (!count || !*count) USAGE("--shard auto: give the shard count with --shards N or SHOPSTREAM_SHARDS");
        if (units_uint64(count, 1, 1000000, &n) != 0) USAGE("--shard auto: SHOPSTREAM_SHARDS=%s is not a whole number >= 1", count);
    }
    if (i >= n) USAGE("--shard auto: JOB_COMPLETION_INDEX=%llu is not below the shard count %llu", (unsigned long long)i, (unsigned long long)n);
    rc->shard_index = i;
    rc->shard_count = n;
    return 0;
}

int cli_parse(int argc, char **argv, const char *data_dir, cli_command *cmd, run_config *rc,
              char *errstr, size_t errlen) {
    config_defaults(rc, data_dir);
    if (argc < 2) USAGE("missing command: run or plan (shopstream --help tells more)");
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) { *cmd = CLI_HELP; return 0; }
    if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0) { *cmd = CLI_VERSION; return 0; }
    if (strcmp(name, "run") == 0) *cmd = CLI_RUN;
    else if (strcmp(name, "plan") == 0) *cmd = CLI_PLAN;
    else USAGE("unknown command '%s': expected run or plan", name);

    /* Pass 1: -c, help and version, and every option's syntax. */
    const char *config_path = NULL;
    int opt;
    opterr = 0;
    optind = 2;
    while ((opt = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
        if (opt == '?') {
            if (optopt > 0 && optopt < 256)
                USAGE("option -%c: %s", optopt, strchr("csbXr", optopt) ? "needs a value" : "unknown option");
            USAGE("%s: unknown option or missing value (shopstream --help lists them)", argv[optind - 1]);
        }
        if (opt == 'c') config_path = optarg;
        if (opt == 'h') { *cmd = CLI_HELP; return 0; }
        if (opt == 'V') { *cmd = CLI_VERSION; return 0; }
    }
    if (optind < argc) USAGE("unexpected argument '%s'", argv[optind]);

    char default_path[CONFIG_PATH_MAX];
    if (!config_path) {
        snprintf(default_path, sizeof default_path, "%s/config/shopstream.cfg", data_dir);
        if (access(default_path, R_OK) == 0) config_path = default_path;
    }
    if (config_path && config_load(rc, config_path, errstr, errlen) != 0) return -1;

    /* Pass 2: everything else, over the file. */
    optind = 2;
    while ((opt = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1)
        if (apply_option(opt, optarg, rc, errstr, errlen) != 0) return -1;
    if (rc->shard_auto && resolve_shard_auto(rc, errstr, errlen) != 0) return -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    config_resolve_start(rc, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
    if (config_resolve_scenario(rc, data_dir, errstr, errlen) != 0) return -1;
    return config_validate(rc, errstr, errlen);
}
