/* SPDX-License-Identifier: Apache-2.0 */
/* test_slices.c - --from and --to through the program: a slice publishes
 * the facts of the run released in [from, to), byte for byte those of the
 * whole run, so adjacent slices add up as shards do (each fact topic's
 * message count and content digest); each slice begins with the
 * dimensions, the customers' the same bytes as the whole run's; a paced
 * slice starts at once, not after the simulated time before it; a slice
 * outside the run or backwards is refused with one line, exit 2. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static const char *const fact_topics[] = { "shop.orders", "shop.order_items", "shop.payments", "shop.shipments" };
#define N_FACTS (sizeof fact_topics / sizeof fact_topics[0])

typedef struct slice_run {
    uint64_t delivered[N_FACTS], digest[N_FACTS], orders, customers_digest;
    double wall_s;
} slice_run;

static uint64_t topic_digest(const json_t *stats, const char *topic) {
    json_t *d = json_object_get(json_object_get(json_object_get(stats, "topics"), topic), "content_digest");
    unsigned long long v;
    cr_assert(json_is_string(d) && sscanf(json_string_value(d), "%16llx", &v) == 1, "%s: no content_digest", topic);
    return (uint64_t)v;
}

/* flash_sale over 6 h at intensity, with lives, late and duplicate copies,
 * in threads and small batches, from and to each NULL or a time. */
static slice_run run_slice(const char *from, const char *to, const char *speed, const char *intensity) {
    char stats[512];
    support_tmp_path("stats", stats, sizeof stats);
    /* customers as at the start in every slice: a slice's customer versions
     * are those released in it, like the products' */
    const char *args[32] = { "run",
                             "-s",
                             "flash_sale",
                             "--customer-changes",
                             "off",
                             "--sink",
                             "null",
                             "--start",
                             "2026-03-02T00:00:00Z",
                             "--duration",
                             "6h",
                             "--intensity",
                             intensity,
                             "--late-share",
                             "0.05",
                             "--duplicate-share",
                             "0.02",
                             "--threads",
                             "2",
                             "--batch-orders",
                             "512",
                             "--speed",
                             speed,
                             "-q",
                             "--stats-json",
                             stats };
    size_t n = 0;
    while (args[n]) n++;
    if (from) args[n++] = "--from", args[n++] = from;
    if (to) args[n++] = "--to", args[n++] = to;
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "--from %s --to %s: exit %d: %s", from ? from : "-", to ? to : "-", r.exit_code,
                 r.stderr_text);
    json_t *j = support_read_stats(stats);
    cr_assert_not_null(j);
    cr_assert(json_is_true(json_object_get(j, "complete")), "--from %s --to %s: not complete", from ? from : "-",
              to ? to : "-");
    slice_run s = { .orders = support_stat(j, "orders"), .customers_digest = topic_digest(j, "shop.customers") };
    s.wall_s = json_real_value(json_object_get(j, "wall_s"));
    for (size_t t = 0; t < N_FACTS; t++) {
        s.delivered[t] = support_topic_delivered(j, fact_topics[t]);
        s.digest[t] = topic_digest(j, fact_topics[t]);
    }
    json_decref(j);
    return s;
}

/* a + b == whole, topic by topic; each part holds some of it. */
static void check_adds_up(const slice_run *a, const slice_run *b, const slice_run *whole, const char *what) {
    for (size_t t = 0; t < N_FACTS; t++) {
        cr_assert_eq(a->delivered[t] + b->delivered[t], whole->delivered[t], "%s: %s: %llu + %llu messages, not %llu",
                     what, fact_topics[t], (unsigned long long)a->delivered[t], (unsigned long long)b->delivered[t],
                     (unsigned long long)whole->delivered[t]);
        cr_assert_eq(a->digest[t] + b->digest[t], whole->digest[t], "%s: %s: the digests do not add up", what,
                     fact_topics[t]);
    }
    cr_assert_eq(a->orders + b->orders, whole->orders, "%s: orders", what);
    cr_assert(a->orders > 0 && b->orders > 0, "%s: a slice without orders proves little", what);
    cr_assert_eq(a->customers_digest, whole->customers_digest, "%s: the customers differ from the run's", what);
    cr_assert_eq(b->customers_digest, whole->customers_digest, "%s: the customers differ from the run's", what);
}

Test(slices, the_facts_of_two_adjacent_slices_are_those_of_the_slice_they_make_message_for_message) {
    slice_run whole = run_slice(NULL, NULL, "max", "20");
    slice_run head = run_slice(NULL, "2h", "max", "20");
    slice_run tail = run_slice("2h", NULL, "max", "20");
    check_adds_up(&head, &tail, &whole, "[start, 2h) + [2h, end)");
    slice_run mid = run_slice("2h", "2026-03-02T03:30:00Z", "max", "20");
    slice_run rest = run_slice("210m", "6h", "max", "20"); /* --to at the end takes the run's tail */
    check_adds_up(&mid, &rest, &tail, "[2h, 3h30m) + [210m, end)");
    cr_assert(mid.delivered[3] > 0 || rest.delivered[3] > 0, "no shipments: lives untested");
}

Test(slices, a_paced_slice_starts_at_once_not_after_the_simulated_time_before_it, .timeout = 60) {
    /* hour 5 of 6 at realtime: 2 simulated seconds take about 2 wall seconds */
    slice_run s = run_slice("5h", "18002s", "realtime", "500");
    cr_assert_gt(s.orders, 0, "no order in the slice");
    cr_assert_lt(s.wall_s, 4.0, "a 2 s slice at realtime took %.1f s", s.wall_s);
}

Test(slices, a_slice_outside_the_run_or_backwards_is_refused_with_one_line) {
    const char *run = "(the run: [2026-03-02T00:00:00.000Z, 2026-03-02T06:00:00.000Z); a time is ISO-8601 UTC or a "
                      "duration after --start such as 5h)";
    struct {
        const char *from, *to, *want;
    } cases[] = {
        { "6h", NULL, "--from: expected a time in [start, end) of the run, got '6h'" },
        { "2026-03-01T23:59:59Z", NULL,
          "--from: expected a time in [start, end) of the run, got '2026-03-01T23:59:59Z'" },
        { "soon", NULL, "--from: expected a time in [start, end) of the run, got 'soon'" },
        { "3h", "2h", "--to: expected a time in (--from, end] of the run, got '2h'" },
        { "3h", "3h", "--to: expected a time in (--from, end] of the run, got '3h'" },
        { NULL, "6h1s", "--to: expected a time in (start, end] of the run, got '6h1s'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[16] = { "run", "--sink", "null", "--start", "2026-03-02T00:00:00Z", "--duration", "6h" };
        size_t n = 7;
        if (cases[i].from) args[n++] = "--from", args[n++] = cases[i].from;
        if (cases[i].to) args[n++] = "--to", args[n++] = cases[i].to;
        char want[600];
        snprintf(want, sizeof want, "%s %s", cases[i].want, run);
        support_refused_with(args, want);
    }
}

/* expect --csv's window rows (its header left out) for the slice. */
static void expect_rows(const char *from, const char *to, char *buf, size_t cap) {
    const char *args[24] = { "expect",   "-s",         "flash_sale", "--start",     "2026-03-02T00:00:00Z",
                             "--csv",    "--duration", "6h",         "--intensity", "20",
                             "--window", "30m" };
    size_t n = 12;
    if (from) args[n++] = "--from", args[n++] = from;
    if (to) args[n++] = "--to", args[n++] = to;
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "exit %d: %s", r.exit_code, r.stderr_text);
    const char *rows = strchr(r.stdout_text, '\n');
    cr_assert(rows && rows[1], "expect printed no window: %s", r.stdout_text);
    snprintf(buf, cap, "%s", rows + 1);
}

Test(slices, expect_gives_a_slice_the_windows_that_start_in_it_so_adjacent_slices_make_the_whole) {
    static char whole[16384], head[16384], tail[16384], both[32768];
    expect_rows(NULL, NULL, whole, sizeof whole);
    expect_rows(NULL, "150m", head, sizeof head);
    expect_rows("150m", NULL, tail, sizeof tail);
    cr_assert(head[0] && tail[0], "an empty slice proves little");
    snprintf(both, sizeof both, "%s%s", head, tail);
    cr_assert_str_eq(both, whole);
}
