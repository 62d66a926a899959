/* config.c - libconfig file and defaults into a run_config (see config.h).
 *
 * One table names every setting the file may hold, its type and where it
 * lands in run_config; the loader walks the file against it, so an unknown
 * or mistyped setting is an error with its line, never silently ignored. */
#include "config.h"

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_file.h"
#include "units.h"

typedef enum setting_kind {
    K_UINT64, K_INT64, K_UINT32, K_SIZE, K_INT, K_DOUBLE, K_STRING, K_BOOL,
    K_DURATION, K_TIME, K_SPEED, K_SINK, K_KEY_FORMAT, K_FORMAT, K_ENGINE,
    K_CURVE, K_MIX_GROUP, K_MIX_ARRAY, K_PROPERTIES,
} setting_kind;

typedef struct setting_spec {
    const char *path;
    setting_kind kind;
    size_t offset;             /* into run_config */
    size_t n;                  /* string capacity, or mix length */
    const char *const *names;  /* K_MIX_GROUP: member names */
    double min, max;           /* numbers */
} setting_spec;

#define AT(field) offsetof(run_config, field)
#define NUM(path, kind, field, lo, hi) { path, kind, AT(field), 0, NULL, lo, hi }
#define STR(path, kind, field) { path, kind, AT(field), sizeof(((run_config *)0)->field), NULL, 0, 0 }
#define MIXG(path, field, names, n) { path, K_MIX_GROUP, AT(field), n, names, 0, 1 }

static const setting_spec specs[] = {
    NUM("seed", K_UINT64, engine.seed, 0, 0),
    STR("start", K_TIME, engine.start_ms),
    STR("duration", K_DURATION, engine.duration_ms),
    NUM("intensity", K_DOUBLE, engine.intensity, 0, 1e9),
    STR("scenario", K_STRING, scenario_spec),
    STR("speed", K_SPEED, speed),
    NUM("engine.slice_ms", K_INT64, engine.slice_ms, 1, 3600000),
    NUM("engine.threads", K_SIZE, threads, 0, 1024),
    NUM("engine.batch_orders", K_SIZE, batch_orders, 1, 1048576),
    NUM("engine.ring_slots", K_SIZE, ring_slots, 1, RING_SLOTS_MAX),
    STR("engine.kind", K_ENGINE, engine_kind),
    NUM("engine.gpu_batch_orders", K_SIZE, gpu_batch_orders, 1, 1048576),
    NUM("rate.base_orders_per_hour", K_DOUBLE, engine.base_orders_per_hour, 0, 1e12),
    { "rate.daily_curve", K_CURVE, AT(engine.daily_curve), 24, NULL, 0, 1000 },
    NUM("catalog.customers", K_UINT32, engine.customers, 1, 100000000),
    NUM("catalog.products", K_UINT32, engine.products, 1, 1000000),
    NUM("catalog.campaigns", K_UINT32, engine.campaigns, 0, 64),
    NUM("catalog.campaign_uptake", K_DOUBLE, engine.campaign_uptake, 0, 1),
    NUM("catalog.in_stock_share", K_DOUBLE, engine.in_stock_share, 0, 1),
    MIXG("mix.cohort", engine.cohort_mix, cohort_names, COHORT_COUNT),
    MIXG("mix.channel.gen_z", engine.channel_mix[COHORT_GEN_Z], channel_names, CHANNEL_COUNT),
    MIXG("mix.channel.millennial", engine.channel_mix[COHORT_MILLENNIAL], channel_names, CHANNEL_COUNT),
    MIXG("mix.channel.gen_x", engine.channel_mix[COHORT_GEN_X], channel_names, CHANNEL_COUNT),
    MIXG("mix.channel.boomer", engine.channel_mix[COHORT_BOOMER], channel_names, CHANNEL_COUNT),
    MIXG("mix.region", engine.region_mix, region_names, REGION_COUNT),
    MIXG("mix.loyalty_tier", engine.loyalty_mix, loyalty_tier_names, TIER_COUNT),
    MIXG("mix.payment_method", engine.payment_mix, payment_method_names, PAYMENT_COUNT),
    MIXG("mix.status", engine.status_mix, order_status_names, STATUS_COUNT),
    { "mix.item_count", K_MIX_ARRAY, AT(engine.items_mix), ITEMS_MAX, NULL, 0, 1 },
    { "mix.quantity", K_MIX_ARRAY, AT(engine.quantity_mix), QUANTITY_MAX, NULL, 0, 1 },
    STR("kafka.sink", K_SINK, sink),
    STR("kafka.brokers", K_STRING, brokers),
    STR("kafka.topic_prefix", K_STRING, topic_prefix),
    NUM("kafka.partitions", K_INT, partitions, 1, 10000),
    NUM("kafka.replication_factor", K_INT, replication_factor, 0, 100),
    STR("kafka.key_format", K_KEY_FORMAT, key_format),
    NUM("kafka.connect_timeout_ms", K_INT, connect_timeout_ms, 100, 600000),
    { "kafka.properties", K_PROPERTIES, 0, 0, NULL, 0, 0 },
    STR("format", K_FORMAT, format),
    STR("schema_registry.url", K_STRING, registry_url),
    STR("schema_registry.basic.auth.user.info", K_STRING, registry_user_info),
    NUM("schema_registry.timeout_ms", K_INT, registry_timeout_ms, 100, 600000),
    STR("output.currency", K_STRING, currency),
    STR("output.schema_dir", K_STRING, schema_dir),
    STR("output.stats_json", K_STRING, stats_json),
    NUM("output.progress_interval_s", K_DOUBLE, progress_interval_s, 0.1, 3600),
    NUM("output.quiet", K_BOOL, quiet, 0, 1),
    STR("output.metrics", K_STRING, metrics_addr),
    NUM("output.metrics_linger_s", K_DOUBLE, metrics_linger_s, 0, 86400),
};
#define N_SPECS (sizeof specs / sizeof specs[0])

void config_defaults(run_config *rc, const char *data_dir) {
    memset(rc, 0, sizeof *rc);
    engine_settings_default(&rc->engine);
    rc->start_mode = START_AUTO;
    snprintf(rc->scenario_spec, sizeof rc->scenario_spec, "baseline");
    rc->speed = 0.0;
    rc->threads = 0;
    rc->batch_orders = 4096;
    rc->ring_slots = 8;
    rc->engine_kind = ENGINE_AUTO;
    rc->gpu_batch_orders = 65536;
    rc->shard_index = 0;
    rc->shard_count = 1;
    rc->sink = SINK_KAFKA;
    snprintf(rc->topic_prefix, sizeof rc->topic_prefix, "shop.");
    rc->partitions = 6;
    rc->key_format = KEY_BINARY;
    rc->connect_timeout_ms = 10000;
    snprintf(rc->currency, sizeof rc->currency, "USD");
    snprintf(rc->schema_dir, sizeof rc->schema_dir, "%s/schemas", data_dir);
    rc->progress_interval_s = 1.0;
    rc->format = FORMAT_AVRO;
    rc->registry_timeout_ms = 10000;
}

static void note_origin(run_config *rc, const char *path, int line, const char *option) {
    struct config_origin *o = NULL;
    for (size_t i = 0; i < rc->n_origins; i++)
        if (strcmp(rc->origins[i].path, path) == 0) o = &rc->origins[i];
    if (!o) {
        if (rc->n_origins == sizeof rc->origins / sizeof rc->origins[0]) return;
        o = &rc->origins[rc->n_origins++];
        snprintf(o->path, sizeof o->path, "%s", path);
    }
    o->line = line;
    o->option = option;
}

void config_set_origin_option(run_config *rc, const char *setting, const char *option) {
    note_origin(rc, setting, 0, option);
}

int config_add_property(run_config *rc, const char *name_value, char *errstr, size_t errlen) {
    const char *eq = strchr(name_value, '=');
    if (!eq || eq == name_value) {
        snprintf(errstr, errlen, "'%s': expected a librdkafka property as name=value", name_value);
        return -1;
    }
    if (rc->n_properties == CONFIG_PROPERTIES_MAX) {
        snprintf(errstr, errlen, "more than %d librdkafka properties", CONFIG_PROPERTIES_MAX);
        return -1;
    }
    char *copy = strdup(name_value);
    if (!copy) { snprintf(errstr, errlen, "out of memory"); return -1; }
    copy[eq - name_value] = '\0';
    rc->property_text[rc->n_properties] = copy;
    rc->properties[rc->n_properties].name = copy;
    rc->properties[rc->n_properties].value = copy + (eq - name_value) + 1;
    rc->n_properties++;
    return 0;
}

int config_set_format(run_config *rc, const char *text) {
    if (strcmp(text, "avro") == 0) rc->format = FORMAT_AVRO;
    else if (strcmp(text, "avro-confluent") == 0) rc->format = FORMAT_AVRO_CONFLUENT;
    else if (strcmp(text, "json") == 0) rc->format = FORMAT_JSON;
    else return -1;
    rc->format_set = 1;
    return 0;
}

int config_set_engine_kind(run_config *rc, const char *text) {
    if (strcmp(text, "auto") == 0) rc->engine_kind = ENGINE_AUTO;
    else if (strcmp(text, "cpu") == 0) rc->engine_kind = ENGINE_CPU;
    else if (strcmp(text, "gpu") == 0) rc->engine_kind = ENGINE_GPU;
    else return -1;
    return 0;
}

int config_set_start(run_config *rc, const char *text) {
    if (strcmp(text, "auto") == 0) { rc->start_mode = START_AUTO; return 0; }
    if (strcmp(text, "now") == 0) { rc->start_mode = START_NOW; return 0; }
    if (units_time_ms(text, &rc->engine.start_ms) != 0) return -1;
    rc->start_mode = START_FIXED;
    return 0;
}

void config_resolve_start(run_config *rc, int64_t now_ms) {
    const int64_t day = INT64_C(86400000);
    if (rc->start_mode == START_NOW) rc->engine.start_ms = now_ms;
    if (rc->start_mode == START_AUTO) {
        int64_t t = now_ms - rc->engine.duration_ms;
        rc->engine.start_ms = (t >= 0 ? t / day : 0) * day;
    }
}

void config_free(run_config *rc) {
    for (size_t i = rc->n_properties; i > 0; i--) free(rc->property_text[i - 1]);
    rc->n_properties = 0;
}

/* ---- reading one setting ---------------------------------------------- */

typedef struct loader {
    run_config *rc;
    const char *file;
    char *errstr;
    size_t errlen;
} loader;

static int fail_at(loader *ld, const config_setting_t *s, const char *path, const char *fmt, const char *what) {
    char msg[512];
    snprintf(msg, sizeof msg, fmt, what);
    snprintf(ld->errstr, ld->errlen, "%s:%d: %s: %s", ld->file, config_setting_source_line(s), path, msg);
    return -1;
}

static int get_number(loader *ld, const config_setting_t *s, const char *path, double *out) {
    int t = config_setting_type(s);
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) { *out = (double)config_setting_get_int64(s); return 0; }
    if (t == CONFIG_TYPE_FLOAT) { *out = config_setting_get_float(s); return 0; }
    return fail_at(ld, s, path, "expected a number%s", "");
}

static int get_integer(loader *ld, const config_setting_t *s, const char *path, double lo, double hi,
                       long long *out) {
    int t = config_setting_type(s);
    if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) return fail_at(ld, s, path, "expected an integer%s", "");
    long long v = config_setting_get_int64(s);
    if (hi > lo && (v < (long long)lo || (double)v > hi)) {
        char range[96];
        snprintf(range, sizeof range, " in [%.0f, %.0f], got %lld", lo, hi, v);
        return fail_at(ld, s, path, "expected an integer%s", range);
    }
    *out = v;
    return 0;
}

static const char *get_string(loader *ld, const config_setting_t *s, const char *path) {
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        fail_at(ld, s, path, "expected a string%s", "");
        return NULL;
    }
    return config_setting_get_string(s);
}

static int read_mix_group(loader *ld, const setting_spec *sp, const config_setting_t *s, double *dest) {
    if (!config_setting_is_group(s)) return fail_at(ld, s, sp->path, "expected a group { name = share; ... }%s", "");
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
        char path[128];
        snprintf(path, sizeof path, "%s.%s", sp->path, config_setting_name(m));
        int k = domain_lookup(sp->names, (int)sp->n, config_setting_name(m));
        if (k < 0) return fail_at(ld, m, path, "unknown name%s", "");
        if (get_number(ld, m, path, &dest[k]) != 0) return -1;
    }
    return 0;
}

static int read_array(loader *ld, const setting_spec *sp, const config_setting_t *s, double *dest) {
    if (!config_setting_is_array(s) && !config_setting_is_list(s))
        return fail_at(ld, s, sp->path, "expected an array [ ... ]%s", "");
    if ((size_t)config_setting_length(s) != sp->n) {
        char what[64];
        snprintf(what, sizeof what, "%zu numbers, got %d", sp->n, config_setting_length(s));
        return fail_at(ld, s, sp->path, "expected an array of %s", what);
    }
    for (size_t i = 0; i < sp->n; i++)
        if (get_number(ld, config_setting_get_elem(s, (unsigned)i), sp->path, &dest[i]) != 0) return -1;
    return 0;
}

static int read_properties(loader *ld, const setting_spec *sp, const config_setting_t *s) {
    if (!config_setting_is_array(s) && !config_setting_is_list(s))
        return fail_at(ld, s, sp->path, "expected an array of \"name=value\" strings%s", "");
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *text = get_string(ld, e, sp->path);
        char err[256];
        if (!text) return -1;
        if (config_add_property(ld->rc, text, err, sizeof err) != 0) return fail_at(ld, e, sp->path, "%s", err);
    }
    return 0;
}

static int read_setting(loader *ld, const setting_spec *sp, const config_setting_t *s) {
    char *field = (char *)ld->rc + sp->offset;
    const char *text;
    double d;
    long long v;
    switch (sp->kind) {
    case K_UINT64:
        if (get_integer(ld, s, sp->path, sp->min, sp->max, &v) != 0) return -1;
        if (v < 0) return fail_at(ld, s, sp->path, "expected a non-negative integer%s", "");
        *(uint64_t *)(void *)field = (uint64_t)v;
        return 0;
    case K_INT64:
        if (get_integer(ld, s, sp->path, sp->min, sp->max, &v) != 0) return -1;
        *(int64_t *)(void *)field = v;
        return 0;
    case K_UINT32:
        if (get_integer(ld, s, sp->path, sp->min, sp->max, &v) != 0) return -1;
        *(uint32_t *)(void *)field = (uint32_t)v;
        return 0;
    case K_SIZE:
        if (get_integer(ld, s, sp->path, sp->min, sp->max, &v) != 0) return -1;
        *(size_t *)(void *)field = (size_t)v;
        return 0;
    case K_INT:
        if (get_integer(ld, s, sp->path, sp->min, sp->max, &v) != 0) return -1;
        *(int *)(void *)field = (int)v;
        return 0;
    case K_BOOL:
        if (config_setting_type(s) != CONFIG_TYPE_BOOL) return fail_at(ld, s, sp->path, "expected true or false%s", "");
        *(int *)(void *)field = config_setting_get_bool(s);
        return 0;
    case K_DOUBLE:
        if (get_number(ld, s, sp->path, &d) != 0) return -1;
        if (!(d >= sp->min && d <= sp->max)) {
            char range[96];
            snprintf(range, sizeof range, " in [%g, %g], got %g", sp->min, sp->max, d);
            return fail_at(ld, s, sp->path, "expected a number%s", range);
        }
        *(double *)(void *)field = d;
        return 0;
    case K_STRING:
        if (!(text = get_string(ld, s, sp->path))) return -1;
        if (sp->offset == AT(schema_dir) && !*text) return 0; /* empty: the shipped schemas */
        if (strlen(text) >= sp->n) return fail_at(ld, s, sp->path, "longer than %s characters", "the limit");
        memcpy(field, text, strlen(text) + 1);
        return 0;
    case K_DURATION:
        if (!(text = get_string(ld, s, sp->path))) return -1;
        if (units_duration_ms(text, (int64_t *)(void *)field) != 0)
            return fail_at(ld, s, sp->path, "expected a duration such as \"90m\", \"6h\" or \"2d\", got \"%s\"", text);
        return 0;
    case K_TIME:
        if (!(text = get_string(ld, s, sp->path))) return -1;
        if (config_set_start(ld->rc, text) != 0)
            return fail_at(ld, s, sp->path, "expected \"auto\", \"now\" or an ISO-8601 UTC time such as \"2026-01-01T00:00:00Z\", got \"%s\"", text);
        return 0;
    case K_SPEED:
        if (!(text = get_string(ld, s, sp->path))) return -1;
        if (units_speed(text, (double *)(void *)field) != 0)
            return fail_at(ld, s, sp->path, "expected \"max\", \"realtime\" or a number of simulated seconds per second, got \"%s\"", text);
        return 0;
    case K_SINK:
        if (!(text = get_string(ld, s, sp->path))) return -1;
        if (strcmp(text, "kafka") == 0) ld->rc->sink = SINK_KAFKA;
        else if (strcmp(text, "null") == 0) ld->rc->sink = SINK_NULL;
        else return fail_at(ld, s, sp->path, "expected \"kafka\" or \"null\", got \"%s\"", text);
        return 0;
    case K_FORMAT:
        if (!(text = get_string(ld, s, sp->path))) return -1;
        if (config_set_format(ld->rc, text) != 0)
            return fail_at(ld, s, sp->path, "expected \"avro\", \"avro-confluent\" or \"json\", got \"%s\"", text);
        return 0;
    case K_ENGINE:
        if (!(text = get_string(ld, s, sp->path))) return -1;
        if (config_set_engine_kind(ld->rc, text) != 0)
            return fail_at(ld, s, sp->path, "expected \"auto\", \"cpu\" or \"gpu\", got \"%s\"", text);
        return 0;
    case K_KEY_FORMAT:
        if (!(text = get_string(ld, s, sp->path))) return -1;
        if (strcmp(text, "binary") == 0) ld->rc->key_format = KEY_BINARY;
        else if (strcmp(text, "string") == 0) ld->rc->key_format = KEY_STRING;
        else return fail_at(ld, s, sp->path, "expected \"binary\" or \"string\", got \"%s\"", text);
        return 0;
    case K_CURVE:
    case K_MIX_ARRAY:
        return read_array(ld, sp, s, (double *)(void *)field);
    case K_MIX_GROUP:
        return read_mix_group(ld, sp, s, (double *)(void *)field);
    case K_PROPERTIES:
        return read_properties(ld, sp, s);
    }
    return -1;
}

/* ---- walking the file against the table ------------------------------- */

static const setting_spec *find_spec(const char *path) {
    for (size_t i = 0; i < N_SPECS; i++)
        if (strcmp(specs[i].path, path) == 0) return &specs[i];
    return NULL;
}

static int is_group_prefix(const char *path) {
    size_t n = strlen(path);
    for (size_t i = 0; i < N_SPECS; i++)
        if (strncmp(specs[i].path, path, n) == 0 && specs[i].path[n] == '.') return 1;
    return 0;
}

static int walk(loader *ld, const config_setting_t *group, const char *prefix) {
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        char path[128];
        if (*prefix) snprintf(path, sizeof path, "%s.%s", prefix, config_setting_name(s));
        else snprintf(path, sizeof path, "%s", config_setting_name(s));
        const setting_spec *sp = find_spec(path);
        if (sp) {
            if (read_setting(ld, sp, s) != 0) return -1;
            note_origin(ld->rc, path, config_setting_source_line(s), NULL);
        } else if (config_setting_is_group(s) && is_group_prefix(path)) {
            if (walk(ld, s, path) != 0) return -1;
        } else {
            return fail_at(ld, s, path, "unknown setting%s", "");
        }
    }
    return 0;
}

int config_load(run_config *rc, const char *path, char *errstr, size_t errlen) {
    config_t cfg;
    config_init(&cfg);
    if (config_read_file(&cfg, path) != CONFIG_TRUE) {
        if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
            snprintf(errstr, errlen, "%s: cannot read the config file", path);
        else
            snprintf(errstr, errlen, "%s:%d: %s", config_error_file(&cfg) ? config_error_file(&cfg) : path,
                     config_error_line(&cfg), config_error_text(&cfg));
        config_destroy(&cfg);
        return -1;
    }
    snprintf(rc->source_file, sizeof rc->source_file, "%s", path);
    loader ld = { rc, path, errstr, errlen };
    int rcode = walk(&ld, config_root_setting(&cfg), "");
    config_destroy(&cfg);
    return rcode;
}

/* ---- checks on the whole ---------------------------------------------- */

/* Prefixes an error that starts with "setting: " by where the setting came from. */
static void locate(const run_config *rc, char *errstr, size_t errlen) {
    const char *colon = strchr(errstr, ':');
    if (!colon) return;
    char path[64];
    size_t n = (size_t)(colon - errstr) < sizeof path - 1 ? (size_t)(colon - errstr) : sizeof path - 1;
    memcpy(path, errstr, n);
    path[n] = '\0';
    for (size_t i = 0; i < rc->n_origins; i++) {
        const struct config_origin *o = &rc->origins[i];
        if (strcmp(o->path, path) != 0) continue;
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", errstr);
        if (o->option) snprintf(errstr, errlen, "%s%s", o->option, msg + (colon - errstr));
        else snprintf(errstr, errlen, "%.3000s:%d: %s", rc->source_file, o->line, msg);
        return;
    }
}

void config_locate_error(const run_config *rc, char *errstr, size_t errlen) {
    locate(rc, errstr, errlen);
}

int config_resolve_scenario(run_config *rc, const char *data_dir, char *errstr, size_t errlen) {
    if (scenario_file_resolve(rc->scenario_spec, data_dir, rc->engine.products, &rc->engine.scenario, errstr,
                              errlen) == 0)
        return 0;
    if (strncmp(errstr, "scenario:", 9) == 0) locate(rc, errstr, errlen);
    return -1;
}

int config_validate(run_config *rc, char *errstr, size_t errlen) {
    /* A registry makes avro-confluent the default; avro-confluent needs one. */
    if (!rc->format_set && rc->registry_url[0]) rc->format = FORMAT_AVRO_CONFLUENT;
    if (rc->format == FORMAT_AVRO_CONFLUENT && !rc->registry_url[0]) {
        snprintf(errstr, errlen, "format: avro-confluent needs a schema registry (--schema-registry URL)");
        locate(rc, errstr, errlen);
        return -1;
    }
    if (engine_settings_validate(&rc->engine, errstr, errlen) != 0) {
        locate(rc, errstr, errlen);
        return -1;
    }
    return 0;
}
