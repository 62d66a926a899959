/* config.h - a run's settings: the config file, then the command line.
 *
 * run_config holds the engine's settings and the producer's. config_load()
 * reads a libconfig file over the defaults, rejecting unknown settings and
 * wrong types with "file:line: setting: what was expected".
 * config_validate() checks the result, naming the setting and where it came
 * from (the file and line, or the command-line option). */
#ifndef SHOPSTREAM_CONFIG_H
#define SHOPSTREAM_CONFIG_H

#include <stddef.h>

#include "encoder.h"
#include "settings.h"
#include "sink.h"

#define CONFIG_PATH_MAX 4096
#define CONFIG_PROPERTIES_MAX 128

typedef enum key_format { KEY_BINARY, KEY_STRING } key_format;

/* Where simulated time starts. auto: the latest UTC midnight from which the
 * whole duration lies in the past (recent enough for a broker's retention,
 * never in its future; the same all day); now: the wall clock, for live
 * traffic; fixed: a given time, the same on every replay. */
#define RING_SLOTS_MAX 1024 /* engine.ring_slots */

/* Who fills the batches: the GPU when one is usable, else the CPU; or
 * either, by name. */
typedef enum engine_kind { ENGINE_AUTO, ENGINE_CPU, ENGINE_GPU } engine_kind;

typedef enum start_mode { START_AUTO, START_NOW, START_FIXED } start_mode;

typedef struct run_config {
    engine_settings engine;
    start_mode start_mode;     /* how engine.start_ms is chosen */
    char scenario_spec[1024];  /* --scenario: names or paths, comma-separated */
    double speed;              /* 0: max; else simulated seconds per wall second */
    double rate_msgs_per_s;    /* > 0: choose the intensity for this average rate */
    size_t threads;            /* 0: one per core */
    size_t batch_orders;
    size_t ring_slots;
    engine_kind engine_kind;   /* --engine */
    size_t gpu_batch_orders;   /* orders per batch when the GPU fills them */
    uint64_t shard_index;      /* this process is shard shard_index of shard_count */
    uint64_t shard_count;      /* 1: not sharded */
    int shard_auto;            /* --shard auto: from JOB_COMPLETION_INDEX */
    uint64_t shards_given;     /* --shards N */
    char metrics_addr[128];    /* --metrics [ADDR:]PORT; empty: off */
    double metrics_linger_s;   /* keep serving the final metrics this long */

    sink_kind sink;
    char brokers[1024];        /* empty: the embedded broker */
    char topic_prefix[200];
    int partitions;            /* of every topic (created so, or checked) */
    int replication_factor;    /* of topics shopstream creates; 0: the broker's default */
    key_format key_format;
    int connect_timeout_ms;
    char *property_text[CONFIG_PROPERTIES_MAX]; /* owned "name=value" strings */
    sink_property properties[CONFIG_PROPERTIES_MAX];
    size_t n_properties;

    value_format format;
    int format_set;            /* given, not defaulted from the registry */
    char registry_url[1024];   /* Confluent-compatible Schema Registry */
    char registry_user_info[512];
    int registry_timeout_ms;
    char currency[16];
    char schema_dir[CONFIG_PATH_MAX];
    char stats_json[CONFIG_PATH_MAX];
    double progress_interval_s;
    int keep_broker;           /* keep the embedded broker up after the run */
    int quiet;
    int csv;                   /* plan: CSV instead of the table */

    /* Where each validated setting came from, for error messages. */
    char source_file[CONFIG_PATH_MAX];
    struct config_origin { char path[64]; int line; const char *option; } origins[64];
    size_t n_origins;
} run_config;

/* Defaults: engine_settings_default() and the producer's own. */
void config_defaults(run_config *rc, const char *data_dir);

/* Reads path over rc. Returns 0, or -1 with one line in errstr. */
int config_load(run_config *rc, const char *path, char *errstr, size_t errlen);

/* "auto", "now" or an ISO-8601 time; -1 if it is none of them. */
int config_set_start(run_config *rc, const char *text);

/* Sets engine.start_ms for auto and now, from the wall clock now_ms. */
void config_resolve_start(run_config *rc, int64_t now_ms);

/* Adds a librdkafka property "name=value" (later ones win). */
int config_add_property(run_config *rc, const char *name_value, char *errstr, size_t errlen);

/* Records that a setting was given on the command line as option. */
void config_set_origin_option(run_config *rc, const char *setting, const char *option);

/* Reads the scenario files scenario_spec names into engine.scenario. */
int config_resolve_scenario(run_config *rc, const char *data_dir, char *errstr, size_t errlen);

/* "avro", "avro-confluent" or "json"; -1 if none of them. */
int config_set_format(run_config *rc, const char *text);
/* "auto", "cpu" or "gpu"; -1 if none of them. */
int config_set_engine_kind(run_config *rc, const char *text);

/* An error that starts "setting.path: ..." rewritten to start where that
 * setting came from: "file:line: setting.path: ..." or "--option: ...". */
void config_locate_error(const run_config *rc, char *errstr, size_t errlen);

/* Checks the whole, and settles defaults that depend on others (the format
 * from the registry). */
int config_validate(run_config *rc, char *errstr, size_t errlen);

void config_free(run_config *rc);

#endif
