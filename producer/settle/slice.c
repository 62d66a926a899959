/* SPDX-License-Identifier: Apache-2.0 */
/* slice.c - --from and --to (see slice.h). */
#include "slice.h"

#include <stdio.h>
#include <string.h>

#include "base/units.h"

/* A time, ISO-8601 UTC or a duration after the start; -1 if neither. */
static int slice_time(const run_config *rc, const char *text, int64_t *ms) {
    int64_t d;
    if (units_time_ms(text, ms) == 0) return 0;
    if (units_delay_ms(text, &d) != 0) return -1;
    *ms = rc->engine.start_ms + d;
    return 0;
}

static int refuse(const run_config *rc, size_t field, const char *bounds, const char *got, int64_t lo, int64_t hi,
                  char *errstr, size_t errlen) {
    char a[40], b[40], msg[400];
    units_format_time(lo, a, sizeof a);
    units_format_time(hi, b, sizeof b);
    snprintf(msg, sizeof msg,
             "expected a time in %s of the run, got '%.64s' (the run: [%s, %s); a time is ISO-8601 UTC "
             "or a duration after --start such as 5h)",
             bounds, got, a, b);
    config_blame(rc, field, msg, errstr, errlen);
    return -1;
}

int slice_cuts(const run_config *rc, int64_t cuts[SLICE_CUTS_MAX], size_t *n, char *errstr, size_t errlen) {
    int64_t start = rc->engine.start_ms, end = start + rc->engine.duration_ms;
    int64_t lo = rc->from_ms != INT64_MIN ? rc->from_ms : start, hi = rc->to_ms != INT64_MAX ? rc->to_ms : end;
    char text[sizeof rc->verify_cuts], *save = NULL, msg[400];
    snprintf(text, sizeof text, "%s", rc->verify_cuts);
    *n = 0;
    size_t len = strlen(text);
    if (len && (text[0] == ',' || text[len - 1] == ',' || strstr(text, ",,"))) {
        snprintf(msg, sizeof msg, "expected times separated by single commas, got '%.64s'", text);
        config_blame(rc, offsetof(run_config, verify_cuts), msg, errstr, errlen);
        return -1;
    }
    char most[40];
    snprintf(most, sizeof most, "at most %d times", SLICE_CUTS_MAX);
    for (char *t = strtok_r(text, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int64_t at;
        const char *why = NULL;
        if (slice_time(rc, t, &at) != 0)
            why = "a time (ISO-8601 UTC, or a duration after --start such as 5h)";
        else if (at <= lo || at >= hi)
            why = "a time inside the slice verified (after its start, before its end)";
        else if (*n > 0 && at <= cuts[*n - 1])
            why = "times in ascending order";
        else if (*n == SLICE_CUTS_MAX)
            why = most;
        if (why) {
            snprintf(msg, sizeof msg, "expected %s, got '%.64s'", why, t);
            config_blame(rc, offsetof(run_config, verify_cuts), msg, errstr, errlen);
            return -1;
        }
        cuts[(*n)++] = at;
    }
    return 0;
}

int settle_slice(run_config *rc, char *errstr, size_t errlen) {
    int64_t start = rc->engine.start_ms, end = start + rc->engine.duration_ms;
    rc->from_ms = INT64_MIN;
    rc->to_ms = INT64_MAX;
    int64_t from = start, to = end;
    if (rc->slice_from[0] && (slice_time(rc, rc->slice_from, &from) != 0 || from < start || from >= end))
        return refuse(rc, offsetof(run_config, slice_from), "[start, end)", rc->slice_from, start, end, errstr, errlen);
    if (rc->slice_to[0] && (slice_time(rc, rc->slice_to, &to) != 0 || to <= from || to > end)) {
        const char *bounds = rc->slice_from[0] ? "(--from, end]" : "(start, end]";
        return refuse(rc, offsetof(run_config, slice_to), bounds, rc->slice_to, start, end, errstr, errlen);
    }
    if (from > start) rc->from_ms = from;
    if (to < end) rc->to_ms = to;
    return 0;
}
