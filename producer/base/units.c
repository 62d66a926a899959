/* SPDX-License-Identifier: Apache-2.0 */
/* units.c - durations, times, speeds and numbers from text (see units.h). */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *units_trim(const char *text, char *buf, size_t cap) {
    while (isspace((unsigned char)*text)) text++;
    size_t n = strlen(text);
    while (n > 0 && isspace((unsigned char)text[n - 1])) n--;
    if (n >= cap) return NULL;
    memcpy(buf, text, n);
    buf[n] = '\0';
    return buf;
}

int units_double(const char *text, double *out) {
    char buf[UNITS_TEXT_MAX];
    if (!(text = units_trim(text, buf, sizeof buf))) return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int units_uint64(const char *text, uint64_t min, uint64_t max, uint64_t *out) {
    char buf[UNITS_TEXT_MAX];
    if (!(text = units_trim(text, buf, sizeof buf))) return -1;
    char *end;
    if (*text == '-' || *text == '\0') return -1;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno || v < min || v > max) return -1;
    *out = v;
    return 0;
}

/* A duration; zero_ok: 0 in any unit too. */
static int duration_ms(const char *text, int zero_ok, int64_t *ms) {
    char buf[UNITS_TEXT_MAX];
    if (!(text = units_trim(text, buf, sizeof buf))) return -1;
    if (zero_ok && strcmp(text, "0") == 0) {
        *ms = 0;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    int zero = zero_ok && v == 0.0 && *text != '-';
    if (end == text || errno || !(v > 0.0 || zero)) return -1;
    double unit;
    if (strcmp(end, "ms") == 0)
        unit = 1.0;
    else if (strcmp(end, "s") == 0)
        unit = 1e3;
    else if (strcmp(end, "m") == 0)
        unit = 60e3;
    else if (strcmp(end, "h") == 0)
        unit = 3600e3;
    else if (strcmp(end, "d") == 0)
        unit = 86400e3;
    else
        return -1;
    double total = v * unit;
    if ((total < 1.0 && !zero) || total > 9.2e15) return -1;
    *ms = (int64_t)llround(total);
    return 0;
}

int units_duration_ms(const char *text, int64_t *ms) { return duration_ms(text, 0, ms); }

int units_delay_ms(const char *text, int64_t *ms) { return duration_ms(text, 1, ms); }

/* n digits at text, as a number; -1 if any is not a digit. */
static int digits_at(const char *text, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9') return -1;
        v = v * 10 + (text[i] - '0');
    }
    return v;
}

static int days_in_month(int year, int month) {
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* YYYY-MM-DD, then optionally T (or one space) HH:MM:SS[.fraction] and Z:
 * every field its exact digits, a day the month has, a time that exists,
 * and a time of day in UTC only (Z), not a local time without an offset. */
int units_time_ms(const char *text, int64_t *ms) {
    char buf[UNITS_TEXT_MAX];
    if (!(text = units_trim(text, buf, sizeof buf))) return -1;
    size_t len = strlen(text);
    if (len < 10 || text[4] != '-' || text[7] != '-') return -1;
    int year = digits_at(text, 4), month = digits_at(text + 5, 2), day = digits_at(text + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return -1;
    int hour = 0, minute = 0, second = 0, millis = 0;
    const char *rest = text + 10;
    if (*rest == 'T' || *rest == ' ') {
        rest++;
        if (strlen(rest) < 9 || rest[2] != ':' || rest[5] != ':') return -1;
        hour = digits_at(rest, 2), minute = digits_at(rest + 3, 2), second = digits_at(rest + 6, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
        rest += 8;
        if (*rest == '.') {
            int n = 0;
            for (rest++; *rest >= '0' && *rest <= '9'; rest++, n++)
                if (n < 3) millis = millis * 10 + (*rest - '0');
            if (n == 0) return -1;
            for (; n < 3; n++) millis *= 10;
        }
        if (*rest++ != 'Z') return -1;
    }
    if (*rest != '\0') return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = year - 1900, tm.tm_mon = month - 1, tm.tm_mday = day;
    tm.tm_hour = hour, tm.tm_min = minute, tm.tm_sec = second;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 && !(year == 1969 && month == 12 && day == 31)) return -1;
    *ms = (int64_t)t * 1000 + millis;
    return 0;
}

int units_speed(const char *text, double *speed) {
    char buf[UNITS_TEXT_MAX];
    if (!(text = units_trim(text, buf, sizeof buf))) return -1;
    if (strcmp(text, "max") == 0) {
        *speed = 0.0;
        return 0;
    }
    if (strcmp(text, "realtime") == 0) {
        *speed = 1.0;
        return 0;
    }
    double v;
    if (units_double(text, &v) != 0 || !(v > 0.0) || v > 1e12) return -1;
    *speed = v;
    return 0;
}

void units_format_time(int64_t ms, char *buf, int cap) {
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(buf, (size_t)cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, (size_t)cap - n, ".%03dZ", (int)(((ms % 1000) + 1000) % 1000));
}
