/* SPDX-License-Identifier: Apache-2.0 */
/* units.h - parsing the units people type: durations, times, speeds, counts. */
#ifndef SHOPSTREAM_UNITS_H
#define SHOPSTREAM_UNITS_H

#include <stdint.h>

/* "90s", "15m", "6h", "2d", "1500ms", "1.5h". Returns 0 and *ms, or -1. */
int units_duration_ms(const char *text, int64_t *ms);

/* "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.250Z", "2026-01-01" (UTC). */
int units_time_ms(const char *text, int64_t *ms);

/* "max" -> 0, "realtime" -> 1, "N" -> N simulated seconds per wall second. */
int units_speed(const char *text, double *speed);

/* A whole decimal number in [min, max]. */
int units_uint64(const char *text, uint64_t min, uint64_t max, uint64_t *out);

/* A finite decimal number. */
int units_double(const char *text, double *out);

/* Formats ms since the epoch as ISO-8601 UTC into buf (at least 32 bytes). */
void units_format_time(int64_t ms, char *buf, int cap);

#endif
