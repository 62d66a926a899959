/* SPDX-License-Identifier: Apache-2.0 */
/* test_verify_diff.c - verify's comparison alone (cmd/verify_diff.h): made-up
 * partitions of (hash, id) with one fault planted each, and what the report
 * says of it. */
#include <criterion/criterion.h>

#include "cmd/verify_diff.h"

#define P 3 /* partitions */
static const int32_t all_p[TOPIC_COUNT] = { P, P, P, P, P, P, P, P, P, P, P };

/* Partition 1 of orders gets ids 1..n, hash 100 + id, released at id ms. */
static verify_diff *run_of(size_t n, int64_t until_ms) {
    verify_diff *d = NULL;
    char err[128];
    cr_assert_eq(verify_diff_new(P, until_ms, &d, err, sizeof err), 0, "%s", err);
    for (size_t i = 1; i <= n; i++) verify_diff_expect(d, TOPIC_ORDERS, 1, 100 + i, (int64_t)i, (int64_t)i);
    return d;
}

static void found(verify_diff *d, int64_t id) { verify_diff_found(d, TOPIC_ORDERS, 1, 1, 100 + (uint64_t)id, id); }

static const verify_topic_report *orders(verify_diff *d) { return verify_diff_report(d, TOPIC_ORDERS); }

Test(verify_diff, the_same_messages_in_the_same_order_are_exact) {
    verify_diff *d = run_of(5, INT64_MAX);
    for (int64_t id = 1; id <= 5; id++) found(d, id);
    cr_assert(verify_diff_compare(d, all_p));
    cr_assert_eq(orders(d)->expected, 5);
    cr_assert_eq(orders(d)->found, 5);
    verify_diff_free(d);
}

Test(verify_diff, a_missing_message_is_named_by_its_id) {
    verify_diff *d = run_of(5, INT64_MAX);
    for (int64_t id = 1; id <= 5; id++)
        if (id != 3) found(d, id);
    cr_assert_not(verify_diff_compare(d, all_p));
    cr_assert_eq(orders(d)->missing, 1);
    cr_assert_eq(orders(d)->n_missing_ids, 1);
    cr_assert_eq(orders(d)->missing_ids[0], 3);
    cr_assert_eq(orders(d)->unexpected + orders(d)->extra_copies + orders(d)->out_of_order, 0);
    verify_diff_free(d);
}

Test(verify_diff, an_extra_copy_is_counted_apart_from_unexpected_records) {
    verify_diff *d = run_of(4, INT64_MAX);
    for (int64_t id = 1; id <= 4; id++) found(d, id);
    found(d, 2);
    cr_assert_not(verify_diff_compare(d, all_p));
    cr_assert_eq(orders(d)->extra_copies, 1);
    cr_assert_eq(orders(d)->unexpected + orders(d)->missing, 0);
    verify_diff_free(d);
}

Test(verify_diff, a_swapped_pair_is_out_of_order_and_nothing_else) {
    verify_diff *d = run_of(4, INT64_MAX);
    found(d, 1), found(d, 3), found(d, 2), found(d, 4);
    cr_assert_not(verify_diff_compare(d, all_p));
    cr_assert_eq(orders(d)->out_of_order, 1);
    cr_assert_eq(orders(d)->missing + orders(d)->unexpected + orders(d)->extra_copies + orders(d)->misplaced, 0);
    verify_diff_free(d);
}

Test(verify_diff, a_message_in_a_partition_its_key_does_not_hash_to_is_misplaced) {
    verify_diff *d = run_of(3, INT64_MAX);
    found(d, 1), found(d, 2), found(d, 3);
    verify_diff_found(d, TOPIC_ORDERS, 2, 1, 999, 9); /* read from 2, its key hashes to 1 */
    cr_assert_not(verify_diff_compare(d, all_p));
    cr_assert_eq(orders(d)->misplaced, 1);
    cr_assert_eq(orders(d)->unexpected, 1, "and it is not the run's");
    verify_diff_free(d);
}

Test(verify_diff, a_topic_with_another_partition_count_is_misplaced) {
    verify_diff *d = run_of(2, INT64_MAX);
    found(d, 1), found(d, 2);
    int32_t more[TOPIC_COUNT] = { P, P, P, P + 1, P, P, P, P, P, P, P };
    cr_assert_not(verify_diff_compare(d, more));
    cr_assert_eq(orders(d)->misplaced, 1);
    verify_diff_free(d);
}

Test(verify_diff, the_same_id_with_other_bytes_differs) {
    verify_diff *d = run_of(3, INT64_MAX);
    found(d, 1);
    verify_diff_found(d, TOPIC_ORDERS, 1, 1, 5555, 2); /* id 2, another hash */
    found(d, 3);
    cr_assert_not(verify_diff_compare(d, all_p));
    cr_assert_eq(orders(d)->differing, 1);
    cr_assert_eq(orders(d)->missing, 1);
    cr_assert_eq(orders(d)->unexpected, 1);
    verify_diff_free(d);
}

Test(verify_diff, a_run_in_progress_is_exact_with_a_prefix_holding_everything_released_before_until) {
    /* released at 1..6 ms; until 4 ms: ids 1..3 must be there, 4..6 may be. */
    verify_diff *d = run_of(6, 4);
    for (int64_t id = 1; id <= 4; id++) found(d, id);
    cr_assert(verify_diff_compare(d, all_p), "a prefix of 4 with 1..3 released before --until is exact");
    cr_assert_eq(orders(d)->expected, 4);
    verify_diff_free(d);
}

Test(verify_diff, a_run_in_progress_missing_a_message_released_before_until_differs) {
    verify_diff *d = run_of(6, 4);
    found(d, 1), found(d, 2);
    cr_assert_not(verify_diff_compare(d, all_p));
    cr_assert_eq(orders(d)->missing, 1);
    cr_assert_eq(orders(d)->missing_ids[0], 3);
    verify_diff_free(d);
}

Test(verify_diff, records_before_a_partitions_log_start_count_as_deleted_by_the_broker_not_missing) {
    verify_diff *d = run_of(6, INT64_MAX);
    verify_diff_log_start(d, TOPIC_ORDERS, 1, 2); /* retention or DeleteRecords took offsets 0 and 1 */
    for (int64_t id = 3; id <= 6; id++) found(d, id);
    cr_assert_not(verify_diff_compare(d, all_p), "a topic the broker deleted records of is not exact");
    cr_assert_eq(orders(d)->deleted_by_broker, 2);
    cr_assert_eq(orders(d)->missing, 0);
    cr_assert_eq(orders(d)->expected, 6);
    cr_assert_eq(orders(d)->found, 4);
    cr_assert_eq(orders(d)->unexpected + orders(d)->extra_copies + orders(d)->out_of_order, 0);
    verify_diff_free(d);
}

Test(verify_diff, a_record_lost_after_the_log_start_is_still_missing) {
    verify_diff *d = run_of(6, INT64_MAX);
    verify_diff_log_start(d, TOPIC_ORDERS, 1, 2);
    found(d, 3), found(d, 5), found(d, 6);
    cr_assert_not(verify_diff_compare(d, all_p));
    cr_assert_eq(orders(d)->deleted_by_broker, 2);
    cr_assert_eq(orders(d)->missing, 1);
    cr_assert_eq(orders(d)->missing_ids[0], 4);
    verify_diff_free(d);
}

Test(verify_diff, a_run_in_progress_counts_deleted_records_within_its_prefix) {
    /* released at 1..6 ms; until 4 ms: 1..3 required; the broker deleted 1 and 2. */
    verify_diff *d = run_of(6, 4);
    verify_diff_log_start(d, TOPIC_ORDERS, 1, 2);
    found(d, 3), found(d, 4);
    cr_assert_not(verify_diff_compare(d, all_p));
    cr_assert_eq(orders(d)->deleted_by_broker, 2);
    cr_assert_eq(orders(d)->missing, 0);
    cr_assert_eq(orders(d)->expected, 4);
    verify_diff_free(d);
}
