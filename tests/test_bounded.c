/* SPDX-License-Identifier: Apache-2.0 */
/* test_bounded.c - what the publisher holds follows the rate and the
 * windows it must wait over (late-max, duplicate-max), not the length of
 * the run: a run twice as long with every order late holds as much. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "support.h"

/* The calendar's peak for an all-late, all-duplicated run of duration. */
static uint64_t pending_peak(const char *duration, uint64_t *messages) {
    char stats[512];
    support_tmp_path("bounded", stats, sizeof stats);
    const char *args[] = { "run",
                           "--sink",
                           "null",
                           "--duration",
                           duration,
                           "--intensity",
                           "5",
                           "--lifecycle",
                           "off",
                           "--product-changes",
                           "off",
                           "--late-share",
                           "1",
                           "--late-max",
                           "1h",
                           "--duplicate-share",
                           "1",
                           "--duplicate-max",
                           "1h",
                           "--start",
                           "2026-01-01T00:00:00Z",
                           "-q",
                           "--stats-json",
                           stats,
                           NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    json_t *j = support_read_stats(stats);
    cr_assert_not_null(j);
    uint64_t peak = support_stat(j, "pending_peak");
    *messages = support_stat(j, "messages");
    json_decref(j);
    return peak;
}

Test(bounded, every_order_late_holds_what_the_late_window_needs_however_long_the_run) {
    uint64_t short_msgs, long_msgs;
    uint64_t short_peak = pending_peak("2d", &short_msgs), long_peak = pending_peak("4d", &long_msgs);
    cr_assert_gt(long_msgs, 2 * short_msgs - short_msgs / 10, "the long run should publish about twice as much");
    cr_assert_gt(short_peak, 0u, "late and duplicate copies wait in the calendar");
    cr_assert_lt(long_peak, short_peak + short_peak / 4,
                 "held %llu messages at most over 4 days, %llu over 2: the calendar grows with the run",
                 (unsigned long long)long_peak, (unsigned long long)short_peak);
    cr_assert_lt(short_peak, short_msgs / 5, "held %llu of %llu messages: not drained by time",
                 (unsigned long long)short_peak, (unsigned long long)short_msgs);
}
