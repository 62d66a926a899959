/* SPDX-License-Identifier: Apache-2.0 */
/* settle.c - from parsed settings to the settings of a run (see settle.h). */
#include "settle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "gpu_stage.h"
#include "options/options.h"
#include "options/scenario_file.h"
#include "files.h"
#include "partners.h"
#include "slice.h"
#include "simtime.h"
#include "base/clip.h"
#include "base/units.h"

void settle_env_here(settle_env *env, const char *data_dir) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *env = (settle_env){
        .data_dir = data_dir,
        .now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000,
        .cores = cores > 0 ? (size_t)cores : 1,
        .job_index = getenv("JOB_COMPLETION_INDEX"),
        .shards_env = getenv("SHOPSTREAM_SHARDS"),
        .tmp_dir = getenv("TMPDIR"),
        .probe_gpu = 1,
    };
}

/* --shard auto: the index from JOB_COMPLETION_INDEX (a Kubernetes Indexed
 * Job sets it), the count from --shards or SHOPSTREAM_SHARDS. */
static int settle_shard(run_config *rc, const settle_env *env, char *errstr, size_t errlen) {
    if (!rc->shard_auto) return 0;
    const char *index = env->job_index, *count = env->shards_env;
    uint64_t i, n = rc->shards_given;
    if (!index || !*index)
        CONFIG_REFUSE(shard_index, "auto: JOB_COMPLETION_INDEX is not set (a Kubernetes Indexed Job sets it)");
    if (units_uint64(index, 0, 999999, &i) != 0)
        CONFIG_REFUSE(shard_index, "auto: JOB_COMPLETION_INDEX=%.40s is not a whole number", index);
    if (!n) {
        if (!count || !*count)
            CONFIG_REFUSE(shard_index, "auto: give the shard count with --shards N or SHOPSTREAM_SHARDS");
        if (units_uint64(count, 1, 1000000, &n) != 0)
            CONFIG_REFUSE(shard_index, "auto: SHOPSTREAM_SHARDS=%.40s is not a whole number in [1, 1000000]", count);
    }
    if (i >= n)
        CONFIG_REFUSE(shard_index, "auto: JOB_COMPLETION_INDEX=%llu is not below the shard count %llu",
                      (unsigned long long)i, (unsigned long long)n);
    rc->shard_index = i;
    rc->shard_count = n;
    return 0;
}

/* Shards split the partitions: more shards than partitions leaves some
 * with nothing to write. */
static int check_shards(run_config *rc, char *errstr, size_t errlen) {
    if (rc->shard_count > (uint64_t)rc->partitions)
        CONFIG_REFUSE(shard_index,
                      "%llu shards for %d partitions: each shard writes the partitions p with p mod %llu == "
                      "its index, so at most one shard per partition (raise --partitions or run fewer shards)",
                      (unsigned long long)rc->shard_count, rc->partitions, (unsigned long long)rc->shard_count);
    return 0;
}

/* auto: the latest UTC midnight from which the whole run lies in the past. */
static void settle_start(run_config *rc, const settle_env *env) {
    if (rc->start_mode == START_NOW) rc->engine.start_ms = env->now_ms;
    if (rc->start_mode == START_AUTO) {
        int64_t t = env->now_ms - rc->engine.duration_ms;
        rc->engine.start_ms = (t >= 0 ? t / DAY_MS : 0) * DAY_MS;
    }
}

static int settle_scenario(run_config *rc, const settle_env *env, char *errstr, size_t errlen) {
    char err[1024];
    int r = scenario_file_resolve(rc->scenario_spec, env->data_dir, rc->engine.products, &rc->engine.scenario, err,
                                  sizeof err);
    if (r == SCENARIO_FILE_BAD_SPEC) CONFIG_REFUSE(scenario_spec, "%.850s", err);
    if (r != 0) {
        snprintf(errstr, errlen, "%s", err);
        return -1;
    }
    return 0;
}

/* --rate: the intensity at which the scenario's orders and items average
 * rate_msgs_per_s over the run at its speed (realtime if none was paced). */
static int settle_rate(run_config *rc, char *errstr, size_t errlen) {
    if (rc->rate_msgs_per_s <= 0.0) return 0;
    int paced_by_rate = rc->speed <= 0.0;
    if (paced_by_rate) rc->speed = 1.0;
    engine_settings one = rc->engine;
    one.intensity = 1.0;
    plan p;
    char err[512];
    if (plan_new(&p, &one, err, sizeof err) != 0) CONFIG_REFUSE(rate_msgs_per_s, "%s", err);
    double orders = 0.0;
    for (size_t i = 0; i < p.n_slices; i++) orders += p.slices[i].expected;
    plan_free(&p);
    double items = 0.0, weight = 0.0;
    for (int i = 0; i < ITEMS_MAX; i++) {
        items += (i + 1) * one.items_mix[i];
        weight += one.items_mix[i];
    }
    double per_order = 1.0 + items / weight;
    double wall_s = (double)one.duration_ms / 1000.0 / rc->speed;
    if (orders <= 0.0) CONFIG_REFUSE(rate_msgs_per_s, "scenario %s expects no orders at all", one.scenario.name);
    rc->engine.intensity = rc->rate_msgs_per_s * wall_s / (orders * per_order);
    snprintf(rc->rate_note, sizeof rc->rate_note,
             "--rate %g order and order-item msg/s: intensity %g at speed %g%s (scenario %s: %.2f orders over %.0f s "
             "at intensity 1, %.3f messages per order); the rate follows the daily curve and the scenario around "
             "that average; payments, shipments, product versions and late or duplicate copies come on top (the "
             "summary counts every message)",
             rc->rate_msgs_per_s, rc->engine.intensity, rc->speed,
             paced_by_rate ? " (--rate paces: realtime, not max)" : "", one.scenario.name, orders, wall_s, per_order);
    return 0;
}

/* Who fills the batches, with how many threads and ring slots. With the
 * GPU a thread spends part of each batch waiting (blocked, not spinning)
 * for its lane, so by default there are two threads per core, and at least
 * two ring slots per thread so that none waits for a slot. On the CPU one
 * per core, but one core is left to the publisher when orders have lives:
 * its merge of their events then keeps a core busy (perf/lifecycle.sh: on
 * 2 cores, 1 generator thread beat 2 for the living shop, 2 beat 1 for the
 * static one). Only an
 * explicit --engine gpu may be emulated (tests): the stage decides that
 * when it opens. */
static void settle_engine(run_config *rc, const settle_env *env) {
    char why[300] = "";
    int asked = rc->engine_asked = rc->engine_kind;
    int gpu = asked == ENGINE_GPU;
    if (asked == ENGINE_AUTO && env->probe_gpu) {
        char info[256];
        gpu = gpu_stage_probe(info, sizeof info) == 0;
        snprintf(why, sizeof why, "--engine auto: %s%s", gpu ? "a GPU is usable: " : "GPU: ", info);
    } else if (asked == ENGINE_AUTO) {
        snprintf(why, sizeof why, "--engine auto");
    } else {
        snprintf(why, sizeof why, "--engine %s", engine_kind_names[asked]);
    }
    snprintf(rc->engine_reason, sizeof rc->engine_reason, "%s", why);
    rc->engine_kind = gpu ? ENGINE_GPU : ENGINE_CPU;
    if (!rc->threads)
        rc->threads = gpu                                                        ? 2 * env->cores
                      : rc->engine.lifecycle && !rc->changelog && env->cores > 1 ? env->cores - 1
                                                                                 : env->cores;
    if (!rc->batch_orders) rc->batch_orders = rc->changelog ? BATCH_ORDERS_CHANGES : BATCH_ORDERS_EVENTS;
    if (gpu && rc->ring_slots < 2 * rc->threads)
        rc->ring_slots = 2 * rc->threads < RING_SLOTS_MAX ? 2 * rc->threads : RING_SLOTS_MAX;
}

/* A file the run writes at its end must be writable now: nothing is
 * published by a run that could not report it. */
static int writable_file(const char *path, char *why, size_t cap) {
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(why, cap, "Is a directory");
            return 0;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(why, cap, "not a regular file");
            return 0;
        }
        if (access(path, W_OK) != 0) {
            snprintf(why, cap, "%s", strerror(errno));
            return 0;
        }
        return 1;
    }
    if (errno != ENOENT) {
        snprintf(why, cap, "%s", strerror(errno));
        return 0;
    }
    char dir[CONFIG_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, cap, "no directory %s", CLIP(dir));
        return 0;
    }
    if (access(dir, W_OK) != 0) {
        snprintf(why, cap, "cannot write in %s: %s", CLIP(dir), strerror(errno));
        return 0;
    }
    return 1;
}

/* lsn holds the milliseconds since the start in 35 bits (encode/changes.h). */
#define CHANGELOG_DURATION_MAX_MS ((INT64_C(1) << 35) - 2)

static int settle_outputs(run_config *rc, const settle_env *env, char *errstr, size_t errlen) {
    if (!rc->schema_dir[0]) snprintf(rc->schema_dir, sizeof rc->schema_dir, "%.4000s/schemas", env->data_dir);
    char why[600];
    if (topic_names_make(rc->topic_prefix, &rc->topics, why, sizeof why) != 0) CONFIG_REFUSE(topic_prefix, "%s", why);
    int which = 0;
    if (rc->changelog != CHANGELOG_NONE &&
        topic_names_add_changes(&rc->topics, rc->changelog_prefix, rc->changelog_schema, &which, why, sizeof why) !=
            0) {
        if (which == 2) CONFIG_REFUSE(topic_prefix, "%s", why);
        if (which == 1) CONFIG_REFUSE(changelog_schema, "%s", why);
        CONFIG_REFUSE(changelog_prefix, "%s", why);
    }
    if (rc->changelog != CHANGELOG_NONE && rc->shard_count > 1)
        CONFIG_REFUSE(shard_index, "expected one shard with --changelog (a database has one change stream), got %llu",
                      (unsigned long long)rc->shard_count);
    if (rc->changelog != CHANGELOG_NONE && rc->engine.duration_ms > CHANGELOG_DURATION_MAX_MS)
        CONFIG_REFUSE(engine.duration_ms,
                      "expected at most 397d with --changelog (lsn counts milliseconds in 35 bits), got %.0fd",
                      (double)rc->engine.duration_ms / 86400000.0);
    if (rc->stats_json[0] && !writable_file(rc->stats_json, why, sizeof why))
        CONFIG_REFUSE(stats_json, "cannot write %s: %s", CLIP(rc->stats_json), why);
    rc->spill_dir_default = !rc->spill_dir[0];
    if (rc->spill_dir_default)
        snprintf(rc->spill_dir, sizeof rc->spill_dir, "%.4000s", env->tmp_dir && *env->tmp_dir ? env->tmp_dir : "/tmp");
    /* run opens its spill file there before publishing (run/facts.c): that is the check */
    return 0;
}

/* A registry makes avro-confluent the default; the registered formats
 * (avro-confluent, protobuf-confluent, json-schema-confluent, and
 * --changelog-format avro) need one. */
static int settle_format(run_config *rc, char *errstr, size_t errlen) {
    if (rc->format == FORMAT_AUTO && rc->sink == SINK_STDOUT) rc->format = FORMAT_JSON;
    if (rc->format == FORMAT_AUTO) rc->format = rc->registry_url[0] ? FORMAT_AVRO_CONFLUENT : FORMAT_AVRO;
    if (rc->sink == SINK_STDOUT && (rc->format == FORMAT_AVRO || rc->format == FORMAT_AVRO_CONFLUENT))
        CONFIG_REFUSE(format,
                      "--sink stdout writes one value a line: expected json, json-schema-confluent, protobuf or "
                      "protobuf-confluent (in base64), or auto, got %s",
                      value_format_names[rc->format]);
    if (value_format_registered((value_format)rc->format) && !rc->registry_url[0])
        CONFIG_REFUSE(format, "%s needs a schema registry (--schema-registry URL)", value_format_names[rc->format]);
    char ns[sizeof rc->changelog_prefix];
    if (rc->changelog == CHANGELOG_NONE || rc->changelog_format != CHANGELOG_AVRO) return 0;
    if (rc->sink == SINK_STDOUT)
        CONFIG_REFUSE(changelog_format,
                      "--sink stdout writes one value a line: expected json or json-schema, got avro");
    if (!rc->registry_url[0])
        CONFIG_REFUSE(changelog_format,
                      "expected a schema registry (--schema-registry) for avro, whose keys and values name their "
                      "registered schemas, got no --schema-registry");
    if (topic_avro_namespace(rc->changelog_prefix, ns, sizeof ns) != 0)
        CONFIG_REFUSE(changelog_prefix,
                      "expected no empty part between dots with --changelog-format avro (Avro namespaces are "
                      "prefix.schema.table), got '%s'",
                      rc->changelog_prefix);
    return 0;
}

/* The engine's checks, blamed on the setting at fault as its user wrote it. */
/* Settings that contradict the scenario are refused, blamed on the setting:
 * a price_war with product changes off (no price would be cut while plan
 * says it is), effects after checkout (carrier_delay, return_wave) with the
 * lifecycle off. Entries whose window lies wholly past the run are noted,
 * not refused (a scenario file serves runs of any length). */
static int check_scenario_fits(run_config *rc, char *errstr, size_t errlen) {
    const scenario *sc = &rc->engine.scenario;
    unsigned kinds = 0;
    for (size_t i = 0; i < sc->n_effects; i++) kinds |= sc->effects[i].kinds;
    if ((kinds & EFFECT_PRICE_WAR) && !rc->engine.product_changes)
        CONFIG_REFUSE(engine.product_changes,
                      "expected on for scenario %s, whose price_war cuts prices as product versions, got off",
                      sc->name);
    unsigned after = kinds & (EFFECT_CARRIER_DELAY | EFFECT_RETURN_WAVE);
    if (after && !rc->engine.lifecycle)
        CONFIG_REFUSE(engine.lifecycle, "expected on for scenario %s, whose %s acts after checkout, got off", sc->name,
                      after & EFFECT_CARRIER_DELAY ? "carrier_delay" : "return_wave");
    double run_h = (double)rc->engine.duration_ms / 3600000.0;
    size_t past = 0, first = 0;
    for (size_t i = 0; i < sc->n_effects; i++)
        if (sc->effects[i].start_h >= run_h && past++ == 0) first = i;
    rc->scenario_note[0] = '\0';
    if (past)
        snprintf(rc->scenario_note, sizeof rc->scenario_note,
                 "warning: scenario %s: %zu of its %zu timeline entries start after the run's %g hours (the first, "
                 "entry %zu, at hour %g) and cannot take effect",
                 sc->name, past, sc->n_effects, run_h, first, sc->effects[first].start_h);
    return 0;
}

/* The engine's own check, its complaint blamed on the setting the user
 * wrote: the scenario's on --scenario, and an intensity that --rate chose
 * on --rate, not on the intensity line it overrode. */
static int check_engine(run_config *rc, int intensity_from_rate, char *errstr, size_t errlen) {
    size_t field;
    char msg[600];
    if (engine_settings_check(&rc->engine, &field, msg, sizeof msg) == 0) return 0;
    size_t at = field == offsetof(engine_settings, scenario) ? offsetof(run_config, scenario_spec)
                                                             : offsetof(run_config, engine) + field;
    if (intensity_from_rate && field == offsetof(engine_settings, intensity)) {
        char why[700];
        snprintf(why, sizeof why,
                 "expected a rate the scenario reaches at an intensity in [0, 1e9], got %g (intensity %g)",
                 rc->rate_msgs_per_s, rc->engine.intensity);
        config_blame(rc, offsetof(run_config, rate_msgs_per_s), why, errstr, errlen);
        return -1;
    }
    config_blame(rc, at, msg, errstr, errlen);
    return -1;
}

int config_settle(run_config *rc, const settle_env *env, char *errstr, size_t errlen) {
    if (settle_partners(rc, env->command, errstr, errlen) != 0) return -1;
    if (settle_shard(rc, env, errstr, errlen) != 0 || check_shards(rc, errstr, errlen) != 0) return -1;
    settle_start(rc, env);
    if (settle_scenario(rc, env, errstr, errlen) != 0) return -1;
    if (settle_files(rc, errstr, errlen) != 0 || settle_format(rc, errstr, errlen) != 0) return -1;
    if (check_engine(rc, 0, errstr, errlen) != 0 || check_scenario_fits(rc, errstr, errlen) != 0) return -1;
    if (settle_slice(rc, errstr, errlen) != 0) return -1; /* after the engine's check of the duration */
    if (settle_rate(rc, errstr, errlen) != 0 || check_engine(rc, rc->rate_msgs_per_s > 0.0, errstr, errlen) != 0)
        return -1;
    if (settle_outputs(rc, env, errstr, errlen) != 0) return -1;
    settle_engine(rc, env);
    return 0;
}
