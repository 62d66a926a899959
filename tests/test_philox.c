/* SPDX-License-Identifier: Apache-2.0 */
/* test_philox.c - our Philox4x32-10 is the published algorithm: it matches
 * the Random123 known-answer vectors (the ones cuRAND's implementation also
 * reproduces), so the GPU stage can draw the same numbers. */
#include <criterion/criterion.h>

#include "philox.h"

typedef struct kat {
    philox_ctr ctr;
    philox_key key;
    philox_ctr expect;
} kat;

static const kat vectors[] = {
    { { { 0, 0, 0, 0 } }, { { 0, 0 } }, { { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 } } },
    { { { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff } },
      { { 0xffffffff, 0xffffffff } },
      { { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd } } },
    { { { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 } },
      { { 0xa4093822, 0x299f31d0 } },
      { { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 } } },
};

Test(philox, matches_random123_known_answer_vectors) {
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        philox_ctr out = philox4x32_10(vectors[i].ctr, vectors[i].key);
        for (int w = 0; w < 4; w++)
            cr_assert_eq(out.v[w], vectors[i].expect.v[w], "vector %zu word %d: got %08x, expected %08x", i, w,
                         out.v[w], vectors[i].expect.v[w]);
    }
}

Test(philox, draw_puts_index_and_stream_in_the_counter_words) {
    philox_key k = philox_key_from_seed(UINT64_C(0x299f31d0a4093822));
    cr_assert_eq(k.v[0], 0xa4093822u);
    cr_assert_eq(k.v[1], 0x299f31d0u);
    philox_ctr a = philox_draw(k, UINT64_C(0x85a308d3243f6a88), 0x13198a2e, 0x03707344);
    cr_assert_eq(a.v[0], 0xd16cfe09u);
    cr_assert_eq(a.v[3], 0x24126ea1u);
}

Test(philox, below_maps_the_full_word_range_onto_0_to_n) {
    cr_assert_eq(philox_below(0, 10), 0u);
    cr_assert_eq(philox_below(0xffffffffu, 10), 9u);
    cr_assert_eq(philox_below(0x80000000u, 10), 5u);
}
