/* SPDX-License-Identifier: Apache-2.0 */
/* test_digest.c - producer/publish/digest.h: every byte of a key and a
 * value counts, in the lanes of a long value and in the words and bytes
 * after them, and so do the timestamp and the topic; the two-step form
 * equals the one-step one. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "publish/digest.h"

static void fill(unsigned char *v, size_t n) {
    for (size_t i = 0; i < n; i++) v[i] = (unsigned char)(i * 131 + 7);
}

Test(digest, a_byte_changed_anywhere_in_a_value_of_any_length_changes_the_hash) {
    static unsigned char v[300];
    for (size_t len = 1; len <= sizeof v; len++) {
        fill(v, len);
        uint64_t h = digest_message("t", "k", 1, v, len, 42);
        for (size_t i = 0; i < len; i++) {
            v[i] ^= 0x10;
            cr_assert_neq(digest_message("t", "k", 1, v, len, 42), h, "length %zu: byte %zu did not count", len, i);
            v[i] ^= 0x10;
        }
    }
}

Test(digest, the_key_the_timestamp_the_topic_and_where_key_ends_count) {
    unsigned char v[200];
    fill(v, sizeof v);
    uint64_t h = digest_message("t", "key", 3, v, sizeof v, 42);
    cr_assert_neq(digest_message("t", "kez", 3, v, sizeof v, 42), h);
    cr_assert_neq(digest_message("t", "key", 3, v, sizeof v, 43), h);
    cr_assert_neq(digest_message("u", "key", 3, v, sizeof v, 42), h);
    cr_assert_neq(digest_message("t", "ke", 2, "y", 1, 42), digest_message("t", "k", 1, "ey", 2, 42));
    cr_assert_eq(digest_message_in(digest_topic("t"), "key", 3, v, sizeof v, 42), h);
}
