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

int units_time_ms(const char *text, int64_t *ms) {
    char buf[UNITS_TEXT_MAX];
    if (!(text = units_trim(text, buf, sizeof buf))) return -1;
    /* Digits where sscanf would also take blanks or a sign: none but the
     * one space that may part the date from the time. */
    for (const char *c = text; *c; c++)
        if (*c == '+' || (isspace((unsigned char)*c) && !(*c == ' ' && c - text == 10))) return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int millis = 0, n = 0;
    if (sscanf(text, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3) return -1;
    const char *rest = text + n;
    if (*rest == 'T' || *rest == ' ') {
        int m = 0;
        if (sscanf(rest + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &m) != 3) return -1;
        rest += 1 + m;
        if (*rest == '.') {
            int digits = 0;
            for (rest++; *rest >= '0' && *rest <= '9'; rest++, digits++)
                if (digits < 3) millis = millis * 10 + (*rest - '0');
            for (; digits < 3; digits++) millis *= 10;
        }
        if (*rest == 'Z') rest++;
    }
    if (*rest != '\0') return -1;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 60)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1) return -1;
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
