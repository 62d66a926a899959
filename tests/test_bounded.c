/* SPDX-License-Identifier: Apache-2.0 */
/* test_bounded.c - what the publisher holds follows the rate and the
 * windows it must wait over (late-max, duplicate-max), not the length of
 * the run: a run twice as long with every order late holds as much. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A shop whose lives and late copies wait for days, with --hold-mb mb and
 * the spill in dir: its stats. */
static json_t *held_run(const char *mb, const char *dir, run_result *r) {
    char stats[512];
    support_tmp_path("hold", stats, sizeof stats);
    const char *args[] = { "run",
                           "--sink",
                           "null",
                           "--duration",
                           "2d",
                           "--intensity",
                           "20",
                           "--late-share",
                           "0.2",
                           "--late-max",
                           "1h",
                           "--start",
                           "2026-01-01T00:00:00Z",
                           "--hold-mb",
                           mb,
                           "--spill-dir",
                           dir,
                           "-q",
                           "--stats-json",
                           stats,
                           NULL };
    support_run(args, r);
    cr_assert_eq(r->exit_code, 0, "%s", r->stderr_text);
    json_t *j = support_read_stats(stats);
    cr_assert_not_null(j);
    return j;
}

Test(bounded, a_far_future_beyond_hold_mb_spills_to_disk_and_the_run_publishes_the_same_bytes_in_the_same_order) {
    const char *dir = getenv("SHOPSTREAM_TEST_TMP") ? getenv("SHOPSTREAM_TEST_TMP") : "/tmp";
    run_result kept, spilled;
    json_t *k = held_run("1048576", dir, &kept), *s = held_run("0", dir, &spilled);
    cr_assert_eq(support_stat(k, "pending_peak_spilled_bytes"), 0u, "nothing spills under 1 TB");
    cr_assert_gt(support_stat(s, "pending_peak_spilled_bytes"), 2000000u, "the days ahead go to disk at --hold-mb 0");
    cr_assert_eq(support_digest(s, "content_digest"), support_digest(k, "content_digest"));
    cr_assert_eq(support_digest(s, "order_digest"), support_digest(k, "order_digest"), "the stream's order changed");
    cr_assert_lt(support_stat(s, "pending_peak_allocated_bytes"), support_stat(k, "pending_peak_allocated_bytes") / 2,
                 "what the calendar keeps in memory must shrink when it spills");
    json_decref(k);
    json_decref(s);
}

Test(bounded, a_spill_directory_that_cannot_hold_a_file_is_refused_before_anything_is_published) {
    const char *args[] = { "run", "--sink", "null", "--duration", "1h", "--spill-dir", "/nonexistent-spill", NULL };
    support_refused_with(args, "--spill-dir: expected a directory a temporary file can be made in, got "
                               "/nonexistent-spill (No such file or directory)");
}

Test(bounded, a_spill_file_that_cannot_grow_ends_the_run_with_exit_1_naming_the_directory_and_why) {
    const char *dir = getenv("SHOPSTREAM_TEST_TMP") ? getenv("SHOPSTREAM_TEST_TMP") : "/tmp";
    const char *args[] = { "run",        "--sink",  "null",
                           "--duration", "2d",      "--intensity",
                           "20",         "--start", "2026-01-01T00:00:00Z",
                           "--hold-mb",  "0",       "--spill-dir",
                           dir,          "-q",      NULL };
    run_result r;
    support_run_out(args, -1, 1 << 20, &r); /* files of 1 MB at most: the spill's writes fail with EFBIG */
    cr_assert_eq(r.exit_code, 1, "exit %d: %s", r.exit_code, r.stderr_text);
    char want[1200];
    snprintf(want, sizeof want, "\nshopstream: --spill-dir: %s: ", dir); /* after the engine line */
    const char *line = strstr(r.stderr_text, want);
    cr_assert_not_null(line, "%s", r.stderr_text);
    line += strlen(want);
    line += strspn(line, "0123456789");
    const char *why = " messages spilled for later, and the file failed: File too large\n";
    cr_assert(strncmp(line, why, strlen(why)) == 0, "%s", r.stderr_text);
}

Test(bounded, a_default_spill_directory_that_cannot_hold_a_file_leaves_the_calendar_in_memory_and_says_so) {
    /* A read-only container's /tmp: nobody chose it, so the run goes on, uncapped. */
    setenv("TMPDIR", "/nonexistent-tmp", 1);
    const char *args[] = { "run", "--sink", "null", "--duration", "1h", "-q", NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "shopstream: note: no spill file can be made in /nonexistent-tmp (No such file or "
                                    "directory): what waits for its time stays in memory, past --hold-mb (give "
                                    "--spill-dir a writable directory to cap it)\n"),
              "%s", r.stderr_text);
}
