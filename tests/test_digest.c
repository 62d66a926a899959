/* SPDX-License-Identifier: Apache-2.0 */
/* test_digest.c - producer/publish/digest.h: every byte of a key and a
 * value counts, at any length, and so do the timestamp, the topic, where
 * the key ends and the order of a value's words, pieces and stripes; the two-step
 * form equals the one-step one, a key given as its words hashes as its
 * bytes, and the SIMD forms of a long value's lanes give the portable
 * form's hash. */
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

Test(digest, every_form_of_the_long_lanes_gives_the_portable_forms_hash) {
    static unsigned char v[3000]; /* past one block of stripes (1 KiB) and two */
    for (size_t i = 0; i < sizeof v; i++) v[i] = (unsigned char)(i * 197 + (i >> 8));
    int forms[] = { DIGEST_FORM_BEST, DIGEST_FORM_SSE2, DIGEST_FORM_AVX2 };
    size_t checked = 0;
    for (size_t len = 1; len <= sizeof v; len += len < 200 ? 1 : 37) {
        int had;
        uint64_t want = digest_value_form(DIGEST_FORM_PORTABLE, v, len, &had);
        cr_assert(had);
        for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
            uint64_t got = digest_value_form(forms[f], v, len, &had);
            if (!had) continue; /* not on this CPU or build */
            cr_assert_eq(got, want, "length %zu: form %d hashed %016llx, the portable form %016llx", len, forms[f],
                         (unsigned long long)got, (unsigned long long)want);
            checked++;
        }
    }
    cr_assert_gt(checked, 250u);
}

Test(digest, swapping_two_stripes_or_two_words_changes_the_hash) {
    unsigned char v[640], w[640];
    for (size_t i = 0; i < sizeof v; i++) v[i] = (unsigned char)(i * 197 + (i >> 8)); /* no two stripes alike */
    uint64_t h = digest_message("t", "k", 1, v, sizeof v, 42);
    for (size_t a = 0; a + 64 <= sizeof v; a += 64)
        for (size_t b = a + 64; b + 64 <= sizeof v; b += 64) {
            memcpy(w, v, sizeof v);
            memcpy(w + a, v + b, 64);
            memcpy(w + b, v + a, 64);
            cr_assert_neq(digest_message("t", "k", 1, w, sizeof w, 42), h, "stripes at %zu and %zu swapped", a, b);
        }
    for (size_t a = 0; a + 16 <= sizeof v; a += 8) {
        memcpy(w, v, sizeof v);
        memcpy(w + a, v + a + 8, 8);
        memcpy(w + a + 8, v + a, 8);
        cr_assert_neq(digest_message("t", "k", 1, w, sizeof w, 42), h, "words at %zu and %zu swapped", a, a + 8);
    }
    cr_assert_neq(digest_message("t", "value", 5, "k", 1, 42), digest_message("t", "k", 1, "value", 5, 42),
                  "key and value swapped");
}

/* Up to 64 bytes a value is two or four 16-byte pieces, each keyed by its
 * place: two pieces swapped, or the two words of one, count. */
Test(digest, swapping_two_pieces_or_two_words_of_a_short_value_changes_the_hash) {
    unsigned char v[64], w[64];
    fill(v, sizeof v);
    for (size_t len = 16; len <= 64; len += 16) {
        uint64_t h = digest_message("t", "k", 1, v, len, 42);
        for (size_t a = 0; a + 8 < len; a += 8) {
            memcpy(w, v, len);
            memcpy(w + a, v + a + 8, 8);
            memcpy(w + a + 8, v + a, 8);
            cr_assert_neq(digest_message("t", "k", 1, w, len, 42), h, "length %zu: words at %zu and %zu swapped", len,
                          a, a + 8);
        }
        for (size_t a = 0; a + 16 < len; a += 16)
            for (size_t b = a + 16; b + 16 <= len; b += 16) {
                memcpy(w, v, len);
                memcpy(w + a, v + b, 16);
                memcpy(w + b, v + a, 16);
                cr_assert_neq(digest_message("t", "k", 1, w, len, 42), h, "length %zu: pieces at %zu and %zu swapped",
                              len, a, b);
            }
    }
}

Test(digest, a_key_given_as_its_first_and_last_words_hashes_as_its_bytes_do) {
    unsigned char k[24], v[200];
    fill(v, sizeof v);
    for (size_t len = 8; len <= 16; len++) {
        for (size_t i = 0; i < len; i++) k[i] = (unsigned char)(i * 37 + len);
        uint64_t first, last;
        memcpy(&first, k, 8);
        memcpy(&last, k + len - 8, 8);
        uint64_t topic = digest_topic("t");
        for (size_t vlen = 0; vlen <= sizeof v; vlen += 40)
            cr_assert_eq(digest_message_in_words(topic, first, last, len, v, vlen, 42),
                         digest_message_in(topic, k, len, v, vlen, 42), "key of %zu bytes, value of %zu", len, vlen);
    }
}
