/* SPDX-License-Identifier: Apache-2.0 */
/* settle.h - the one step between parsing and running.
 *
 * config_settle() first refuses settings that would be silently ignored
 * or overridden (partners.h: for the command in settle_env), then resolves,
 * once and before any command, everything in a
 * run_config that depends on more than the text the user gave: the shard
 * (--shard auto, from the environment), the start time (from the clock),
 * the slice (--from, --to: slice.h), the files' directory and format
 * (--sink files: files.h),
 * the scenario (its files), --rate (the intensity it needs), the format (a
 * registry makes avro-confluent the default), the engine and its thread and
 * ring sizes (the machine, a GPU probe), the schema directory, and that the
 * output paths can be written. It then checks the whole.
 *
 * Invariant: after config_settle() returns 0 nothing writes to the
 * run_config; `run` and `plan` read the same settled values, so both agree
 * (plan --rate shows the intensity run --rate will use). Every error names
 * where the setting came from, and is a usage error (exit 2). */
#ifndef SHOPSTREAM_SETTLE_H
#define SHOPSTREAM_SETTLE_H

#include <stddef.h>
#include <stdint.h>

#include "options/config.h"

typedef struct settle_env {
    const char *data_dir;   /* the shipped config/, schemas/ */
    int64_t now_ms;         /* the wall clock, for --start auto and now */
    size_t cores;           /* for the thread defaults */
    const char *job_index;  /* JOB_COMPLETION_INDEX, or NULL */
    const char *shards_env; /* SHOPSTREAM_SHARDS, or NULL */
    const char *tmp_dir;    /* TMPDIR, or NULL */
    int probe_gpu;          /* 0: never probe (plan needs no engine choice) */
    int command;            /* cli_command: the command the settings are for (partners.h) */
} settle_env;

/* The environment of this process: the clock, the cores, the variables. */
void settle_env_here(settle_env *env, const char *data_dir);

int config_settle(run_config *rc, const settle_env *env, char *errstr, size_t errlen);

#endif
