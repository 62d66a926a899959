/* SPDX-License-Identifier: Apache-2.0 */
/* test_embedded.c - the main job: a scenario streamed to the embedded broker
 * (librdkafka's mock cluster) delivers everything, and publishes exactly what
 * the null sink encodes (same content_digest), with dimensions first. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "readback.h"
#include "support.h"

static json_t *run_to_stats_as(const char *format, const char *sink, const char *threads, const char *batch,
                               const char *speed) {
    char stats[512];
    support_tmp_path("stats", stats, sizeof stats);
    const char *args[] = { "run",      "--sink",         sink,          "--duration", "6h",
                           "--format", format,           "--intensity", "20",         "--threads",
                           threads,    "--batch-orders", batch,         "--speed",    speed,
                           "-q",       "--stats-json",   stats,         NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "shopstream run --sink %s exited %d: %s", sink, r.exit_code, r.stderr_text);
    json_t *j = support_read_stats(stats);
    cr_assert_not_null(j, "no stats JSON at %s", stats);
    return j;
}

static json_t *run_to_stats(const char *sink, const char *threads, const char *batch, const char *speed) {
    return run_to_stats_as("auto", sink, threads, batch, speed);
}

Test(embedded, a_protobuf_run_publishes_to_the_broker_what_the_null_sink_encodes) {
    json_t *k = run_to_stats_as("protobuf", "kafka", "2", "4096", "max");
    json_t *n = run_to_stats_as("protobuf", "null", "1", "100", "max");
    cr_assert_eq(support_digest(k, "content_digest"), support_digest(n, "content_digest"));
    cr_assert_eq(support_digest(k, "order_digest"), support_digest(n, "order_digest"));
    cr_assert_gt(support_stat(k, "orders"), 1000u);
    cr_assert_eq(support_stat(k, "messages"), support_stat(k, "delivered"));
    cr_assert_eq(support_stat(k, "failed"), 0u);
    json_decref(n);
    json_decref(k);
}

Test(embedded, kafka_and_null_sinks_publish_the_same_content) {
    json_t *k = run_to_stats("kafka", "2", "4096", "max");
    json_t *n = run_to_stats("null", "1", "100", "max");
    const char *dk = json_string_value(json_object_get(k, "content_digest"));
    const char *dn = json_string_value(json_object_get(n, "content_digest"));
    cr_assert(dk && dn && strlen(dk) == 16, "missing content_digest");
    cr_assert_str_eq(dk, dn);
    cr_assert_eq(support_digest(k, "order_digest"), support_digest(n, "order_digest"),
                 "the kafka sink's partitions (from delivery reports) must be the null sink's, in the same order");
    cr_assert_gt(support_stat(k, "orders"), 1000u);
    cr_assert_eq(support_stat(k, "orders"), support_stat(n, "orders"));
    cr_assert_eq(support_stat(k, "messages"), support_stat(k, "delivered"));
    cr_assert_eq(support_stat(k, "failed"), 0u);
    uint64_t lives = support_topic_delivered(k, "shop.payments") + support_topic_delivered(k, "shop.shipments");
    cr_assert_gt(support_topic_delivered(k, "shop.payments"), support_stat(k, "orders") / 2);
    cr_assert_eq(support_stat(k, "messages"), support_stat(k, "orders") + support_stat(k, "order_items") + lives +
                                                  support_topic_delivered(k, "shop.customers") +
                                                  support_topic_delivered(k, "shop.products") + 4);
    cr_assert_gt(support_topic_delivered(k, "shop.products"), 500u, "no product changed in a day");
    cr_assert_gt(support_topic_delivered(k, "shop.customers"), 15000u, "no customer changed in a day");
    json_decref(n);
    json_decref(k);
}

Test(embedded, paced_run_holds_to_the_schedule_and_keeps_the_content) {
    /* 6 simulated hours at 43200x take 0.5 s of wall time. */
    json_t *paced = run_to_stats("null", "1", "512", "43200");
    json_t *fast = run_to_stats("null", "2", "4096", "max");
    cr_assert_str_eq(json_string_value(json_object_get(paced, "content_digest")),
                     json_string_value(json_object_get(fast, "content_digest")));
    /* Never early: pacing holds every message to its time. */
    json_t *early = json_object_get(paced, "early_handoffs");
    cr_assert(json_is_integer(early), "a paced run reports early_handoffs");
    cr_assert_eq(json_integer_value(early), 0, "%lld messages handed over early, up to %.3f ms before their time",
                 (long long)json_integer_value(early), json_real_value(json_object_get(paced, "early_by_max_ms")));
    /* The run takes the schedule's time: no less (the last messages are due
     * at the end of the 6 hours), and no much more (the facts at no less
     * than 75% of the scheduled rate, and startup and drain within 1.5 s:
     * slack for a loaded machine or a sanitizer build). */
    double span_s = json_real_value(json_object_get(paced, "simulated_hours")) * 3600.0 / 43200.0;
    double wall = json_real_value(json_object_get(paced, "wall_s"));
    cr_assert(span_s > 0.49 && span_s < 0.51, "6 simulated hours at 43200x scheduled for %.3f s", span_s);
    cr_assert(wall >= 0.98 * span_s && wall <= span_s + 1.5, "a paced run of %.3f s took %.3f s", span_s, wall);
    double scheduled = json_real_value(json_object_get(paced, "scheduled_fact_messages_per_s")),
           achieved = json_real_value(json_object_get(paced, "achieved_fact_messages_per_s"));
    cr_assert(scheduled > 0 && achieved >= 0.75 * scheduled && achieved <= 1.02 * scheduled,
              "orders and items at %.0f msg/s against a schedule of %.0f", achieved, scheduled);
    /* Lateness: a thread switch or two, not a schedule adrift. */
    json_t *late = json_object_get(paced, "lateness_ms");
    double p50 = json_real_value(json_object_get(late, "p50")), p99 = json_real_value(json_object_get(late, "p99")),
           max = json_real_value(json_object_get(late, "max"));
    cr_assert(p50 <= p99 && p99 <= max && p50 <= 10 && p99 <= 100 && max <= 250, "lateness p50 %g, p99 %g, max %g ms",
              p50, p99, max);
    json_decref(fast);
    json_decref(paced);
}

Test(embedded, sigint_stops_flushes_summarises_and_exits_3) {
    char stats[512], err_path[512];
    support_tmp_path("stats", stats, sizeof stats);
    support_tmp_path("stderr", err_path, sizeof err_path);
    const char *args[] = { "run", "--duration", "24h", "--speed", "3600", "-q", "--stats-json", stats, NULL };
    pid_t pid = readback_spawn(getenv("SHOPSTREAM_BIN"), args, NULL, err_path);
    /* Signal once the run has started publishing (it names its engine just
     * before): start-up time varies on a loaded machine. */
    char text[8192];
    for (int i = 0; i < 200; i++) {
        text[0] = '\0';
        readback_file_tail(err_path, text, sizeof text);
        if (strstr(text, "shopstream: engine ")) break;
        struct timespec tick = { 0, 50000000 };
        nanosleep(&tick, NULL);
    }
    cr_assert(strstr(text, "shopstream: engine ") != NULL, "the run did not start within 10 s: %s", text);
    struct timespec wait = { 0, 500000000 };
    nanosleep(&wait, NULL);
    kill(pid, SIGINT);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3, "expected exit 3 after SIGINT, got status %d", status);
    json_t *j = support_read_stats(stats);
    cr_assert_not_null(j, "no stats JSON after SIGINT");
    cr_assert(json_is_true(json_object_get(j, "interrupted")));
    cr_assert(json_is_false(json_object_get(j, "complete")));
    cr_assert_gt(support_stat(j, "orders"), 0u);
    cr_assert_eq(support_stat(j, "delivered"), support_stat(j, "messages"), "not everything produced was delivered");
    cr_assert_eq(support_stat(j, "failed"), 0u);
    json_decref(j);
    readback_file_tail(err_path, text, sizeof text);
    cr_assert(strstr(text, "shopstream: interrupted") != NULL, "no summary after SIGINT: %s", text);
}

Test(embedded, rate_picks_the_intensity_that_gives_that_many_messages) {
    /* --rate 2000 for 5 simulated (= wall) seconds at realtime: about 10,000
     * orders and items, a Poisson count: within 5 sqrt(10000) = 500. A count,
     * not a timing: the same on a loaded machine. */
    char stats[512];
    support_tmp_path("stats", stats, sizeof stats);
    const char *args[] = { "run", "--sink", "null",         "--rate", "2000", "--duration",
                           "5s",  "-q",     "--stats-json", stats,    NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "--rate 2000 order and order-item msg/s: intensity") != NULL,
              "it did not say which intensity: %s", r.stderr_text);
    json_t *j = support_read_stats(stats);
    cr_assert_not_null(j);
    double facts = (double)(support_stat(j, "orders") + support_stat(j, "order_items"));
    cr_assert(facts > 9500 && facts < 10500, "%.0f orders and items for 2000/s over 5 s", facts);
    json_t *late = json_object_get(j, "lateness_ms");
    cr_assert_not_null(late, "a paced run reports lateness_ms");
    double p50 = json_real_value(json_object_get(late, "p50")), p99 = json_real_value(json_object_get(late, "p99")),
           max = json_real_value(json_object_get(late, "max"));
    cr_assert(0 <= p50 && p50 <= p99 && p99 <= max, "lateness p50 %g, p99 %g, max %g", p50, p99, max);
    cr_assert(json_is_integer(json_object_get(j, "early_handoffs")), "a paced run reports early_handoffs");
    cr_assert_eq(support_stat(j, "early_handoffs"), 0u, "messages handed over before their time");
    cr_assert_gt(json_real_value(json_object_get(j, "scheduled_fact_messages_per_s")), 0);
    json_decref(j);
}

Test(embedded, a_run_that_cannot_keep_up_says_it_is_falling_behind) {
    /* 30 simulated days (about 30 million messages) at 10^9x: the schedule
     * asks for the whole run in 3 ms, which no machine does; more than a
     * second behind, it says so rather than stretching time. */
    const char *args[] = { "run",     "--sink",     "null",        "--duration", "30d",        "--intensity", "60",
                           "--speed", "1000000000", "--customers", "100",        "--products", "10",          NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "falling behind the schedule by") != NULL, "no warning: %s", r.stderr_text);
}
