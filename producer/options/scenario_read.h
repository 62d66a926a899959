/* SPDX-License-Identifier: Apache-2.0 */
/* scenario_read.h - reading a scenario file's settings, shared by
 * scenario_file.c (the timeline, and the effects on orders as placed) and
 * scenario_lives.c (the effects after checkout); the generic readers are
 * scenario_read.c's. Internal to options/.
 *
 * Every reader returns 0, or -1 with "file:line: path: message" in the
 * reader's errstr, naming the setting as the file wrote it. */
#ifndef SHOPSTREAM_SCENARIO_READ_H
#define SHOPSTREAM_SCENARIO_READ_H

#include <libconfig.h>
#include <stddef.h>

#include "scenario.h"

typedef struct scenario_reader {
    const char *file;
    char *errstr;
    size_t errlen;
} scenario_reader;

int scenario_read_fail(scenario_reader *rd, const config_setting_t *s, const char *path, const char *msg);
/* A string of valid UTF-8 (Avro strings are UTF-8), or NULL having failed. */
const char *scenario_read_string(scenario_reader *rd, const config_setting_t *s, const char *path);
/* An integer or a float. */
int scenario_read_number(scenario_reader *rd, const config_setting_t *s, const char *path, double *out);
/* A number member of g, required or left as it is when absent. */
int scenario_read_number_member(scenario_reader *rd, const config_setting_t *g, const char *member, const char *path,
                                double *out, int required);
/* Refuses a member of g not in allowed (NULL-terminated). */
int scenario_read_only_members(scenario_reader *rd, const config_setting_t *g, const char *path,
                               const char *const *allowed);
/* Member `member` of g, one of names[0..n), into *out (left as it is when
 * absent and not required). */
int scenario_read_name(scenario_reader *rd, const config_setting_t *g, const char *member, const char *path,
                       const char *const *names, int n, int8_t *out, int required);
/* The required member `member` of g, an integer percentage in [lo, hi]. */
int scenario_read_percent(scenario_reader *rd, const config_setting_t *g, const char *member, const char *path,
                          long long lo, long long hi, long long *out);
/* The required member share of g. */
int scenario_read_share(scenario_reader *rd, const config_setting_t *g, const char *path, double *out);

/* scenario_lives.c: each sets its effect's fields and kind bit in e. */
int scenario_read_carrier_delay(scenario_reader *rd, const config_setting_t *g, const char *path, scenario_effect *e);
int scenario_read_return_wave(scenario_reader *rd, const config_setting_t *g, const char *path, scenario_effect *e);
int scenario_read_price_war(scenario_reader *rd, const config_setting_t *g, const char *path, scenario_effect *e);
int scenario_read_late(scenario_reader *rd, const config_setting_t *g, const char *path, scenario_effect *e);

#endif
