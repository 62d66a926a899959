/* SPDX-License-Identifier: Apache-2.0 */
/* units.h - parsing the units people type: durations, times, speeds, counts.
 *
 * Blanks: a value is read without the blanks around it (spaces, tabs,
 * newlines, as isspace says), whoever typed it and wherever: " 6h " is 6h
 * for every reader here and for every typed option (optvalue.c trims the
 * same way with units_trim), and so is each item of a list such as
 * --watermarks "0s, 1m". Blanks inside a value are never skipped. */
#ifndef SHOPSTREAM_UNITS_H
#define SHOPSTREAM_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* The longest value the readers here take, blanks around it left out. */
#define UNITS_TEXT_MAX 256

/* text without the blanks around it, copied into buf; NULL when that
 * does not fit in cap bytes (no reader takes it then). */
const char *units_trim(const char *text, char *buf, size_t cap);

/* "90s", "15m", "6h", "2d", "1500ms", "1.5h": more than 0. Returns 0 and
 * *ms, or -1. */
int units_duration_ms(const char *text, int64_t *ms);

/* The same, or zero in any unit ("0", "0s", "0m", "0h", "0d"): a delay or
 * an offset, where 0 means none (--watermarks, verify's --until). */
int units_delay_ms(const char *text, int64_t *ms);

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
