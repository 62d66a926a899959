/* SPDX-License-Identifier: Apache-2.0 */
/* test_digits.c - the change events' number writer (encode/changes_impl.h:
 * eight digits at a time in one register) writes every integer as printf
 * does: each digit count, each power of ten and its neighbours, the
 * extremes of int64 and uint64, and a spread of others; and a json change
 * key made in two words is change_key's, the words its first and last 8
 * bytes. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "encode/changes_impl.h"
#include "support.h"

static void check_u64(uint64_t v) {
    char got[40], want[32];
    memset(got, '#', sizeof got);
    char *end = put_u64(got, v);
    int n = snprintf(want, sizeof want, "%" PRIu64, v);
    cr_assert_eq(end - got, n, "%s: %td digits written, not %d", want, end - got, n);
    cr_assert(memcmp(got, want, (size_t)n) == 0, "%s written as %.*s", want, n, got);
}

static void check_i64(int64_t v) {
    char got[40], want[32];
    char *end = put_i64(got, v);
    int n = snprintf(want, sizeof want, "%" PRId64, v);
    cr_assert_eq(end - got, n, "%s: %td characters written, not %d", want, end - got, n);
    cr_assert(memcmp(got, want, (size_t)n) == 0, "%s written as %.*s", want, n, got);
}

Test(digits, every_power_of_ten_and_its_neighbours_is_written_as_printf_writes_it) {
    for (uint64_t p = 1;; p *= 10) {
        check_u64(p - 1);
        check_u64(p);
        check_u64(p + 1);
        check_u64(p * 5 + 3);
        if (p > UINT64_MAX / 10) break;
    }
    check_u64(0);
    check_u64(UINT64_MAX);
    check_u64(UINT64_MAX - 1);
}

Test(digits, negative_and_extreme_signed_values_are_written_as_printf_writes_them) {
    int64_t vs[] = { 0, -1, -9, -10, -99999999, -100000000, INT64_MIN, INT64_MAX, INT64_C(1767225600195) };
    for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) check_i64(vs[i]);
}

Test(digits, a_spread_of_values_of_every_length_is_written_as_printf_writes_it) {
    uint64_t s = 1;
    for (int i = 0; i < 200000; i++) {
        s = s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        check_u64(s >> (s % 64)); /* lengths 1 to 20 */
    }
}

/* A json change key of 0 <= N < 10^8 made in two words (change_key_words)
 * is change_key's, and its words are its first and last 8 bytes. */
static void check_key_words(const change_writer *w, int64_t id) {
    char want[CHANGE_KEY_MAX], got[CHANGE_KEY_MAX];
    size_t m = change_key(w, TOPIC_CHANGE_ORDERS, id, want);
    uint64_t first, last, want_first, want_last;
    size_t n = change_key_words(w, TOPIC_CHANGE_ORDERS, id, got, &first, &last);
    if (id < 0 || id >= 100000000) {
        cr_assert_eq(n, 0u, "id %" PRId64 ": made in words, past their reach", id);
        return;
    }
    cr_assert_eq(n, m, "id %" PRId64 ": %zu bytes, change_key's %zu", id, n, m);
    cr_assert(memcmp(got, want, n) == 0, "id %" PRId64 ": %.*s, change_key's %.*s", id, (int)n, got, (int)m, want);
    memcpy(&want_first, want, 8);
    memcpy(&want_last, want + m - 8, 8);
    cr_assert_eq(first, want_first, "id %" PRId64 ": the first word", id);
    cr_assert_eq(last, want_last, "id %" PRId64 ": the last word", id);
}

Test(digits, a_json_change_key_made_in_words_is_the_key_and_its_first_and_last_words) {
    change_writer *w = support_change_writer("shopdb", CHANGELOG_JSON, 0);
    for (int64_t p = 1; p <= INT64_C(1000000000000); p *= 10) {
        check_key_words(w, p - 1);
        check_key_words(w, p);
        check_key_words(w, p + 1);
        check_key_words(w, p * 5 + 3);
    }
    int64_t others[] = { -1, -12345678, INT64_MAX, INT64_MIN, 99999999, 100000000 };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) check_key_words(w, others[i]);
    uint64_t s = 7;
    for (int i = 0; i < 100000; i++) {
        s = s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        check_key_words(w, (int64_t)(s >> (35 + s % 29))); /* 1 to 29 bits: every length below 10^8 and past it */
    }
    change_writer_free(w);
    change_writer *framed =
        support_change_writer("shopdb", CHANGELOG_JSON_SCHEMA, 0); /* a key in its schema wrapper: not in words */
    char key[CHANGE_KEY_MAX];
    uint64_t first, last;
    cr_assert_eq(change_key_words(framed, TOPIC_CHANGE_ORDERS, 42, key, &first, &last), 0u);
    change_writer_free(framed);
}
