/* SPDX-License-Identifier: Apache-2.0 */
/* test_digits.c - the change events' number writer (encode/changes_impl.h:
 * eight digits at a time in one register) writes every integer as printf
 * does: each digit count, each power of ten and its neighbours, the
 * extremes of int64 and uint64, and a spread of others. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "encode/changes_impl.h"

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
