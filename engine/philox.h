/* SPDX-License-Identifier: Apache-2.0 */
/* philox.h - Philox4x32-10, the counter-based generator of every random draw.
 *
 * Salmon et al., "Parallel random numbers: as easy as 1, 2, 3" (SC'11), the
 * algorithm cuRAND implements as curand_Philox4x32_10(counter, key). The
 * engine keys it with the run's seed and addresses each draw by a counter
 * built from (entity or order index, stream), so any record can be generated
 * alone, by any thread, on the CPU or the GPU, and come out the same.
 *
 * Header-only and inline: it sits in the innermost loop of the generator. */
#ifndef SHOPSTREAM_PHILOX_H
#define SHOPSTREAM_PHILOX_H

#include <stdint.h>

#include "portable.h"

#define PHILOX_M0 UINT32_C(0xD2511F53)
#define PHILOX_M1 UINT32_C(0xCD9E8D57)
#define PHILOX_W0 UINT32_C(0x9E3779B9)
#define PHILOX_W1 UINT32_C(0xBB67AE85)

typedef struct philox_ctr {
    uint32_t v[4];
} philox_ctr;
typedef struct philox_key {
    uint32_t v[2];
} philox_key;

ENGINE_HD static inline philox_ctr philox_round(philox_ctr c, philox_key k) {
    uint64_t p0 = (uint64_t)PHILOX_M0 * c.v[0];
    uint64_t p1 = (uint64_t)PHILOX_M1 * c.v[2];
    philox_ctr out = { {
        (uint32_t)(p1 >> 32) ^ c.v[1] ^ k.v[0],
        (uint32_t)p1,
        (uint32_t)(p0 >> 32) ^ c.v[3] ^ k.v[1],
        (uint32_t)p0,
    } };
    return out;
}

/* Ten rounds, the key bumped by the Weyl constants between them. */
ENGINE_HD static inline philox_ctr philox4x32_10(philox_ctr c, philox_key k) {
    for (int r = 0; r < 9; r++) {
        c = philox_round(c, k);
        k.v[0] += PHILOX_W0;
        k.v[1] += PHILOX_W1;
    }
    return philox_round(c, k);
}

ENGINE_HD static inline philox_key philox_key_from_seed(uint64_t seed) {
    philox_key k = { { (uint32_t)seed, (uint32_t)(seed >> 32) } };
    return k;
}

/* The four words drawn for (index, stream): word 0-1 the 64-bit index, word 2
 * the stream (which field group or domain), word 3 a sub-index. */
ENGINE_HD static inline philox_ctr philox_draw(philox_key k, uint64_t index, uint32_t stream, uint32_t sub) {
    philox_ctr c = { { (uint32_t)index, (uint32_t)(index >> 32), stream, sub } };
    return philox4x32_10(c, k);
}

/* An integer uniform in [0, n) from one 32-bit word: (u * n) >> 32. */
ENGINE_HD static inline uint32_t philox_below(uint32_t u, uint32_t n) { return (uint32_t)(((uint64_t)u * n) >> 32); }

/* An integer uniform in [lo, hi) from one 32-bit word. */
ENGINE_HD static inline int64_t philox_between(uint32_t u, int64_t lo, int64_t hi) {
    return lo + (int64_t)(((uint64_t)u * (uint64_t)(hi - lo)) >> 32);
}

#endif
