/* SPDX-License-Identifier: Apache-2.0 */
/* config.h - a run's settings: the config file, then the command line, then
 * the settle step.
 *
 * run_config holds the engine's settings and the producer's. Its fields are
 * filled in three steps, each in one place:
 *   1. config_defaults(): the built-in defaults (options.c's table and
 *      engine_settings_default());
 *   2. config_load() and cli_parse(): the config file, then the flags over
 *      it; each value's origin is kept for error messages;
 *   3. config_settle() (settle.h): what depends on the clock, the
 *      environment, the scenario files, other settings or the machine.
 * After settling, nothing writes to a run_config: run and plan only read it. */
#ifndef SHOPSTREAM_CONFIG_H
#define SHOPSTREAM_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "base/kinds.h"
#include "base/topics.h"
#include "settings.h"

#define CONFIG_PATH_MAX 4096
#define CONFIG_PROPERTIES_MAX 128
#define CONFIG_OPTIONS_MAX 96 /* rows in options.c's table */
#define RING_SLOTS_MAX 1024   /* engine.ring_slots */
/* engine.batch_orders 0: the event topics' batches, or (~4 KB an order
 * with change streams) smaller ones, so the ring's arenas stay small */
#define BATCH_ORDERS_EVENTS 4096
#define BATCH_ORDERS_CHANGES 1024

extern const char *const key_format_names[KEY_FORMAT_COUNT];

/* Who fills the batches: the GPU when one is usable, else the CPU; or
 * either, by name. Settled to CPU or GPU. */
typedef enum engine_kind { ENGINE_AUTO, ENGINE_CPU, ENGINE_GPU, ENGINE_KIND_COUNT } engine_kind;
extern const char *const engine_kind_names[ENGINE_KIND_COUNT];

/* Where simulated time starts. auto: the latest UTC midnight from which the
 * whole duration lies in the past (recent enough for a broker's retention,
 * never in its future; the same all day); now: the wall clock, for live
 * traffic; fixed: a given time, the same on every replay. */
typedef enum start_mode { START_AUTO, START_NOW, START_FIXED } start_mode;

extern const char *const value_format_names[FORMAT_COUNT];
/* --format: a value_format, or auto (avro; avro-confluent when a schema
 * registry is given), which config_settle() resolves. */
#define FORMAT_AUTO FORMAT_COUNT
extern const char *const format_option_names[FORMAT_COUNT + 1];
extern const char *const sink_kind_names[SINK_KIND_COUNT];
extern const char *const file_format_names[FILE_FORMAT_COUNT];
extern const char *const file_codec_names[FILE_CODEC_COUNT];
extern const char *const switch_names[2]; /* "off", "on" */
extern const char *const stdout_columns_names[STDOUT_COLUMNS_COUNT];
extern const char *const changelog_kind_names[CHANGELOG_KIND_COUNT];
extern const char *const changelog_format_names[CHANGELOG_FORMAT_COUNT];

/* Where a value came from: a line of the config file, or its flag. */
typedef struct config_origin {
    int line;
    int from_cli;
} config_origin;

typedef struct run_config {
    engine_settings engine;
    start_mode start_mode;    /* how engine.start_ms is chosen */
    char scenario_spec[1024]; /* --scenario: names or paths, comma-separated */
    double speed;             /* 0: max; else simulated seconds per wall second */
    char slice_from[64];      /* --from: ISO-8601 UTC or a duration after start; empty: the start */
    char slice_to[64];        /* --to: the same; empty: the end (and after) */
    double rate_msgs_per_s;   /* > 0: choose the intensity for this average rate */
    size_t threads;           /* 0: one per core (settled: the count) */
    size_t batch_orders;
    size_t ring_slots;
    size_t hold_mb;                  /* the calendar spills beyond this many MB allocated */
    char spill_dir[CONFIG_PATH_MAX]; /* where (settled: $TMPDIR or /tmp when empty) */
    int spill_dir_default;           /* settled: spill_dir is $TMPDIR or /tmp, nobody chose it */
    int engine_kind;                 /* engine_kind; settled: ENGINE_CPU or ENGINE_GPU */
    size_t gpu_batch_orders;         /* orders per batch when the GPU fills them */
    uint64_t shard_index;            /* this process is shard shard_index of shard_count */
    uint64_t shard_count;            /* 1: not sharded */
    int shard_auto;                  /* --shard auto: from JOB_COMPLETION_INDEX */
    uint64_t shards_given;           /* --shards N */
    char metrics_addr[128];          /* --metrics [ADDR:]PORT; empty: off */
    double metrics_linger_s;         /* keep serving the final metrics this long */

    int sink;                      /* sink_kind */
    int stdout_columns;            /* stdout_columns: what --sink stdout prints */
    char out_dir[CONFIG_PATH_MAX]; /* --sink files: the directory of tables */
    int file_format;               /* file_format */
    int file_codec;                /* file_codec; settled: never CODEC_AUTO */
    size_t file_roll_mb;           /* a file is closed and the next begun past this size */
    size_t file_row_group_mb;      /* parquet: a row group is written past this many MB of values */
    int file_add;                  /* --file-add: beside an earlier run's files, numbered after them */
    char brokers[1024];            /* empty: the embedded broker */
    char topic_prefix[200];
    int changelog;              /* changelog_kind */
    int changelog_format;       /* changelog_format */
    char changelog_prefix[200]; /* Debezium's topic.prefix */
    char changelog_schema[64];  /* the PostgreSQL schema in the change topics' names */
    int partitions;             /* of every topic (created so, or checked) */
    int replication_factor;     /* of topics shopstream creates; 0: the broker's default */
    int key_format;             /* key_format */
    int connect_timeout_ms;
    int allow_data_loss;                        /* topics that would delete records of the run: warn, not refuse */
    char *property_text[CONFIG_PROPERTIES_MAX]; /* owned "name=value" strings */
    char properties_file[CONFIG_PATH_MAX];      /* the config file kafka.properties came from */
    sink_property properties[CONFIG_PROPERTIES_MAX];
    size_t n_properties;

    int format;              /* value_format, or FORMAT_AUTO before settling */
    char registry_url[1024]; /* Confluent-compatible Schema Registry */
    char registry_user_info[512];
    char registry_ca[CONFIG_PATH_MAX], registry_cert[CONFIG_PATH_MAX], registry_key[CONFIG_PATH_MAX];
    int registry_timeout_ms;
    char currency[16];
    char schema_dir[CONFIG_PATH_MAX]; /* empty: the shipped schemas (settled) */
    char stats_json[CONFIG_PATH_MAX];
    double progress_interval_s;
    int keep_broker; /* keep the embedded broker up after the run */
    int quiet;
    int csv;                           /* plan, expect: CSV instead of the table or JSON */
    int64_t window_ms;                 /* expect: tumbling window size */
    size_t top;                        /* expect: how many top products */
    char watermarks[128];              /* expect: watermark delays, "0s,1m,5m" */
    char verify_until[64];             /* verify: a run in progress, up to this simulated time; empty: all of it */
    char verify_cuts[512];             /* verify: the run published as slices cut at these times; empty: whole */
    char config_path[CONFIG_PATH_MAX]; /* -c */
    int want_help, want_help_markdown, want_version;

    /* Set by config_settle(). */
    topic_names topics;      /* topic_prefix + each topic's suffix */
    int engine_asked;        /* engine_kind as given, before settling */
    char engine_reason[512]; /* why this engine: "--engine cpu", "--engine auto: ..." */
    char rate_note[640];     /* what --rate chose, empty without --rate */
    char scenario_note[640]; /* scenario entries that cannot take effect in this run, or empty */
    int64_t from_ms;         /* the slice: facts released in [from_ms, to_ms) (settle_slice.c); */
    int64_t to_ms;           /* INT64_MIN and INT64_MAX when not sliced */

    /* Where each setting came from (options_table order), for errors. */
    char source_file[CONFIG_PATH_MAX];
    config_origin origins[CONFIG_OPTIONS_MAX];
} run_config;

/* The built-in defaults: engine_settings_default() and the table's. */
void config_defaults(run_config *rc);

/* Reads a libconfig file over rc (config_file.c). Returns 0, or -1 with
 * "file:line: setting: expected ..., got ..." in errstr. */
int config_load(run_config *rc, const char *path, char *errstr, size_t errlen);

/* Adds a librdkafka property "name=value" (later ones win). */
int config_add_property(run_config *rc, const char *name_value, char *errstr, size_t errlen);

/* Prefixes message (which names no setting) with where the setting whose
 * run_config field is at offset came from: "file:line: path: message" or
 * "--flag: message"; the path alone if it was defaulted. */
void config_blame(const run_config *rc, size_t offset, const char *message, char *errstr, size_t errlen);

/* In a check with rc, errstr and errlen in scope that returns int: blames
 * the printf-style message on run_config field `field` and returns -1. */
#define CONFIG_REFUSE(field, ...)                                                                                      \
    do {                                                                                                               \
        char msg_[1200];                                                                                               \
        snprintf(msg_, sizeof msg_, __VA_ARGS__);                                                                      \
        config_blame(rc, offsetof(run_config, field), msg_, errstr, errlen);                                           \
        return -1;                                                                                                     \
    } while (0)

/* Frees what config_add_property allocated. */
void config_free(run_config *rc);

#endif
