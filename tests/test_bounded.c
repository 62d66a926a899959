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

Test(bounded, a_slow_shop_keeps_allocated_about_what_it_holds_and_says_so) {
    /* 60 days at 0.05: ~12 orders an hour, each life's events spread over
     * ~33,000 minute buckets. Before, each bucket took 22 KB whatever it
     * held (280 MB resident for 2.3 MB held), and the summary said 2.3 MB. */
    char stats[512];
    support_tmp_path("slow", stats, sizeof stats);
    const char *args[] = { "run",          "--sink", "null",    "--duration",           "60d",
                           "--intensity",  "0.05",   "--start", "2026-01-01T00:00:00Z", "-q",
                           "--stats-json", stats,    NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    json_t *j = support_read_stats(stats);
    cr_assert_not_null(j);
    uint64_t held = support_stat(j, "pending_peak_bytes"), allocated = support_stat(j, "pending_peak_allocated_bytes");
    json_decref(j);
    cr_assert_gt(held, 1000000u, "an order's life waits in the calendar");
    cr_assert_geq(allocated, held, "the calendar must say what it keeps allocated (%llu) for %llu bytes held",
                  (unsigned long long)allocated, (unsigned long long)held);
    /* the ring's 3 MB of bucket heads, and buckets at most a few times what they hold */
    cr_assert_lt(allocated, 4 * held + 4000000, "%llu bytes allocated for %llu held", (unsigned long long)allocated,
                 (unsigned long long)held);
    /* and what is resident follows: the figure is not the only thing that shrank (280 MB before) */
    fprintf(stderr, "slow shop: %ld KB resident at most\n", r.max_rss_kb);
    cr_assert_lt(r.max_rss_kb, 150000, "%ld KB resident for %llu bytes held", r.max_rss_kb, (unsigned long long)held);
}
