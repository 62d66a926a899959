/* SPDX-License-Identifier: Apache-2.0 */
/* scenario_file.h - scenarios from libconfig files under config/scenarios/.
 *
 * `--scenario NAME` reads config/scenarios/NAME.cfg, `--scenario path.cfg`
 * that file, and `--scenario a,b` composes several (their rate multipliers
 * multiply; other effects that overlap in time must not contradict). At
 * most SCENARIO_EFFECTS_MAX (32) timeline entries, in one file or all the
 * composed ones. Every error names the file, line and setting, before
 * anything is published. */
#ifndef SHOPSTREAM_SCENARIO_FILE_H
#define SHOPSTREAM_SCENARIO_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* Fills sc from spec; products bounds focus.product ids. Returns 0; -1
 * with an error that names a scenario file and its line; or
 * SCENARIO_FILE_BAD_SPEC with one about the spec itself (an unknown name,
 * more than SCENARIO_EFFECTS_MAX entries in all) that the caller blames on
 * where the spec came from. Every entry of every file acts in the run (the
 * engine keeps them all): a composition that would not fit is refused. */
#define SCENARIO_FILE_BAD_SPEC (-2)
int scenario_file_resolve(const char *spec, const char *data_dir, uint32_t products, scenario *sc, char *errstr,
                          size_t errlen);

/* Reads one file into sc (name from the file's `name`, else its base name);
 * lines[i] is the line of timeline entry i. */
int scenario_file_load(const char *path, uint32_t products, scenario *sc, int lines[SCENARIO_EFFECTS_MAX], char *errstr,
                       size_t errlen);

/* A short human description of effect e, for `shopstream plan`. */
void scenario_file_describe(const scenario_effect *e, double fraction, char *buf, size_t cap);

#endif
