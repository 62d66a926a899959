/* SPDX-License-Identifier: Apache-2.0 */
/* files.h - settling --sink files: the directory, the format, the codec.
 *
 * Invariants after settle_files() returns 0 for --sink files: out_dir is an
 * existing directory this process may write in, holding no file of this
 * shard (part-<shard>-* or its temporary name) under any table, so the run
 * can neither overwrite nor mix with an earlier run's; the value format is
 * the one the file format holds (json for jsonl, avro for avro); the codec
 * is one the format takes, never auto. Nothing is written while checking.
 * Each refusal is one line naming the setting: exit 2. */
#ifndef SHOPSTREAM_SETTLE_FILES_H
#define SHOPSTREAM_SETTLE_FILES_H

#include <stddef.h>

#include "options/config.h"

int settle_files(run_config *rc, char *errstr, size_t errlen);

#endif
