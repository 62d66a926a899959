/* SPDX-License-Identifier: Apache-2.0 */
/* test_topic_limits.c - a topic's configs against a run's time span
 * (publish/topic_limits.h), without a broker: configs as DescribeConfigs
 * gives them, for topics and for a broker's defaults, and the exact line
 * each refusal and warning prints. The clock is fixed at 2026-12-05. */
#include <criterion/criterion.h>
#include <string.h>

#include "publish/topic_limits.h"

#define NOW INT64_C(1796428800000)   /* 2026-12-05T00:00:00Z */
#define NOV_1 INT64_C(1793491200000) /* 2026-11-01T00:00:00Z, 34 days before NOW */
#define JAN_1 INT64_C(1798761600000) /* 2027-01-01T00:00:00Z */
#define HOUR INT64_C(3600000)
#define DAY (24 * HOUR)

static const topic_use facts = { NULL, 0 };
static const topic_use items = { "an order's items, payments and shipments share its key", 0 };
static const topic_use versioned = { "a product's versions share its key (--product-changes on)", 0 };
static const topic_use customers = { NULL, 1 };

/* A topic as the broker describes it: name=value pairs, NULL-terminated. */
static topic_config described(const char *const *pairs) {
    topic_config c;
    topic_config_init(&c);
    for (size_t i = 0; pairs[i]; i += 2) topic_config_set(&c, pairs[i], pairs[i + 1]);
    c.known = 1;
    return c;
}

static topic_window window(int64_t start, int64_t duration, double speed) {
    return (topic_window){ start, start + duration - 1, 0, speed };
}

static int check(const char *topic, const topic_config *c, const topic_use *u, const topic_window *w, int allow,
                 char *line) {
    return topic_limits_check(topic, c, u, w, NOW, allow, line, 1200);
}

Test(topic_limits, a_broker_default_retention_comes_from_ms_over_minutes_over_hours) {
    const char *hours[] = {
        "log.retention.hours", "168", "log.retention.minutes", NULL, "log.retention.ms", NULL, NULL
    };
    cr_assert_eq(described(hours).retention_ms, 7 * DAY);
    const char *ms[] = { "log.retention.ms", "-1", "log.retention.hours", "168", NULL };
    cr_assert_eq(described(ms).retention_ms, -1, "an explicit log.retention.ms wins, read before or after");
    const char *minutes[] = { "log.retention.hours", "168", "log.retention.minutes", "90", NULL };
    cr_assert_eq(described(minutes).retention_ms, 90 * 60000);
}

Test(topic_limits, an_older_brokers_difference_limit_bounds_both_sides_and_the_smaller_wins) {
    const char *old[] = { "message.timestamp.difference.max.ms", "7200000", NULL };
    topic_config c = described(old);
    cr_assert_eq(c.after_max_ms, 2 * HOUR);
    cr_assert_eq(c.before_max_ms, 2 * HOUR);
    cr_assert_str_eq(c.after_name, "message.timestamp.difference.max.ms");
    const char *both[] = { "message.timestamp.difference.max.ms", "7200000", "message.timestamp.after.max.ms",
                           "3600000", NULL };
    c = described(both);
    cr_assert_eq(c.after_max_ms, HOUR);
    cr_assert_str_eq(c.after_name, "message.timestamp.after.max.ms");
    cr_assert_eq(c.before_max_ms, 2 * HOUR);
}

Test(topic_limits, a_retention_shorter_than_the_runs_age_is_refused_naming_topic_and_setting) {
    const char *cfg[] = { "cleanup.policy", "delete", "retention.ms", "604800000", NULL };
    topic_config c = described(cfg);
    topic_window w = window(NOV_1, 2 * DAY, 0.0);
    char line[1200];
    cr_assert_eq(check("shop.payments", &c, &facts, &w, 0, line), TOPIC_REFUSED);
    cr_assert_str_eq(line, "topic shop.payments: retention.ms: expected at least 2937600000 ms to keep the run's "
                           "oldest record (2026-11-01T00:00:00.000Z) until the run ends, got 604800000 (the broker "
                           "deletes older segments); delete the topic, raise its retention.ms, or pass "
                           "--allow-data-loss");
}

Test(topic_limits, allowed_data_loss_is_a_warning_line_instead) {
    const char *cfg[] = { "retention.ms", "60000", NULL };
    topic_config c = described(cfg);
    topic_window w = window(NOV_1, 2 * DAY, 0.0);
    char line[1200];
    cr_assert_eq(check("shop.orders", &c, &facts, &w, 1, line), TOPIC_LOSES_DATA);
    cr_assert_str_eq(line, "warning: topic shop.orders: retention.ms: expected at least 2937600000 ms to keep the "
                           "run's oldest record (2026-11-01T00:00:00.000Z) until the run ends, got 60000 (the broker "
                           "deletes older segments); going ahead (--allow-data-loss): the broker will delete records "
                           "of this run");
}

Test(topic_limits, a_paced_run_needs_its_wall_time_on_top_of_its_age) {
    /* 6 simulated hours at 2x from 1 hour ago: 1 h old, 3 h of wall time. */
    topic_window w = window(NOW - HOUR, 6 * HOUR, 2.0);
    cr_assert_eq(topic_limits_retention_needed(&w, NOW), HOUR + (6 * HOUR - 1) / 2);
    const char *cfg[] = { "retention.ms", "10800000", NULL }; /* 3 h */
    topic_config c = described(cfg);
    char line[1200];
    cr_assert_eq(check("shop.orders", &c, &facts, &w, 0, line), TOPIC_REFUSED, "%s", line);
}

Test(topic_limits, retention_that_keeps_records_for_ever_or_long_enough_fits) {
    topic_window w = window(NOV_1, 2 * DAY, 0.0);
    char line[1200];
    const char *ever[] = { "retention.ms", "-1", NULL };
    topic_config c = described(ever);
    cr_assert_eq(check("shop.payments", &c, &facts, &w, 0, line), TOPIC_FITS, "%s", line);
    const char *long_enough[] = { "retention.ms", "2937600000", NULL };
    c = described(long_enough);
    cr_assert_eq(check("shop.payments", &c, &facts, &w, 0, line), TOPIC_FITS, "%s", line);
    const char *compacted[] = { "cleanup.policy", "compact", "retention.ms", "60000", NULL };
    c = described(compacted);
    cr_assert_eq(check("shop.customers", &c, &customers, &w, 0, line), TOPIC_FITS,
                 "a topic that only compacts deletes nothing by time: %s", line);
}

Test(topic_limits, a_created_topic_gets_a_retention_only_where_the_brokers_default_would_delete_the_run) {
    topic_window w = window(NOV_1, 2 * DAY, 0.0);
    cr_assert_eq(topic_limits_retention_to_set(&w, NOW, -1), 0, "the broker keeps everything");
    cr_assert_eq(topic_limits_retention_to_set(&w, NOW, 60 * DAY), 0, "the default covers 34 days");
    cr_assert_eq(topic_limits_retention_to_set(&w, NOW, 7 * DAY), 34 * DAY + 7 * DAY,
                 "the run's age, then as long as the broker keeps any record");
}

Test(topic_limits, a_future_start_at_max_speed_is_refused_naming_message_timestamp_after_max_ms) {
    const char *cfg[] = { "message.timestamp.after.max.ms", "3600000", NULL };
    topic_config c = described(cfg);
    topic_window w = window(JAN_1, 2 * HOUR, 0.0);
    char line[1200];
    cr_assert_eq(check("shop.orders", &c, &facts, &w, 1, line), TOPIC_REFUSED, "allow_loss does not help");
    cr_assert_str_eq(line, "topic shop.orders: message.timestamp.after.max.ms: expected at least 2339999999 ms, as "
                           "its record of 2027-01-01T01:59:59.999Z reaches the broker that long before its time (at "
                           "--speed max), got 3600000 (the broker refuses records further ahead of its clock); start "
                           "the run earlier or pace it, or raise the topic's message.timestamp.after.max.ms");
    /* Customers carry the start only. */
    cr_assert_eq(check("shop.customers", &c, &customers, &w, 0, line), TOPIC_REFUSED);
    cr_assert(strstr(line, "expected at least 2332800000 ms, as its record of 2027-01-01T00:00:00.000Z "), "%s", line);
}

Test(topic_limits, start_now_fits_when_paced_in_real_time_and_not_at_max_speed_past_the_limit) {
    const char *cfg[] = { "message.timestamp.after.max.ms", "3600000", NULL };
    topic_config c = described(cfg);
    char line[1200];
    topic_window live = window(NOW, 30 * DAY, 1.0);
    live.delay_ms = 10 * 60000;
    cr_assert_eq(check("shop.orders", &c, &facts, &live, 0, line), TOPIC_FITS, "%s", line);
    topic_window max = window(NOW, 2 * HOUR, 0.0);
    cr_assert_eq(check("shop.orders", &c, &facts, &max, 0, line), TOPIC_REFUSED);
    topic_window short_max = window(NOW, 30 * 60000, 0.0);
    cr_assert_eq(check("shop.orders", &c, &facts, &short_max, 0, line), TOPIC_FITS, "%s", line);
    topic_window fast = window(NOW, DAY, 3600.0); /* a day in 24 s: records from the broker's future */
    cr_assert_eq(check("shop.orders", &c, &facts, &fast, 0, line), TOPIC_REFUSED);
}

Test(topic_limits, an_old_start_past_before_max_ms_is_refused) {
    const char *cfg[] = { "message.timestamp.before.max.ms", "86400000", NULL };
    topic_config c = described(cfg);
    topic_window w = window(NOV_1, 2 * DAY, 0.0);
    char line[1200];
    cr_assert_eq(check("shop.orders", &c, &facts, &w, 1, line), TOPIC_REFUSED);
    cr_assert_str_eq(line, "topic shop.orders: message.timestamp.before.max.ms: expected at least 2937600000 ms, as "
                           "its record of 2026-11-01T00:00:00.000Z reaches the broker that long after its time (at "
                           "--speed max), got 86400000 (the broker refuses records further behind its clock); start "
                           "the run later, or raise the topic's message.timestamp.before.max.ms");
}

Test(topic_limits, log_append_time_topics_are_stamped_by_the_broker_and_not_checked_for_time) {
    const char *cfg[] = {
        "message.timestamp.type", "LogAppendTime", "retention.ms", "60000", "message.timestamp.after.max.ms", "0", NULL
    };
    topic_config c = described(cfg);
    topic_window w = window(JAN_1, 2 * DAY, 0.0);
    char line[1200];
    cr_assert_eq(check("shop.orders", &c, &facts, &w, 0, line), TOPIC_FITS, "%s", line);
}

Test(topic_limits, a_compacting_topic_whose_records_share_keys_is_refused) {
    const char *cfg[] = { "cleanup.policy", "compact", NULL };
    topic_config c = described(cfg);
    topic_window w = window(NOW - DAY, HOUR, 0.0);
    char line[1200];
    cr_assert_eq(check("shop.products", &c, &versioned, &w, 0, line), TOPIC_REFUSED);
    cr_assert_str_eq(line, "topic shop.products: cleanup.policy: expected delete, as a product's versions share its "
                           "key (--product-changes on), got compact (compaction keeps only the latest record of each "
                           "key); delete the topic, set its cleanup.policy to delete, or pass --allow-data-loss");
    const char *both[] = { "cleanup.policy", "compact,delete", NULL };
    c = described(both);
    cr_assert_eq(check("shop.order_items", &c, &items, &w, 0, line), TOPIC_REFUSED, "compact,delete compacts too");
    cr_assert_eq(check("shop.order_items", &c, &items, &w, 1, line), TOPIC_LOSES_DATA);
    const char *warned = "warning: topic shop.order_items: cleanup.policy: expected delete, as an order's items, ";
    cr_assert_eq(strncmp(line, warned, strlen(warned)), 0, "%s", line);
    const topic_use one_per_key = { NULL, 0 };
    cr_assert_eq(check("shop.products", &c, &one_per_key, &w, 0, line), TOPIC_FITS,
                 "products without versions hold one record per key: %s", line);
}

Test(topic_limits, a_topic_the_broker_did_not_describe_is_not_checked) {
    topic_config c;
    topic_config_init(&c);
    c.retention_ms = 1;
    topic_window w = window(NOV_1, 2 * DAY, 0.0);
    char line[1200];
    cr_assert_eq(check("shop.orders", &c, &facts, &w, 0, line), TOPIC_FITS);
    cr_assert_str_eq(line, "");
}
