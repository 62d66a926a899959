/* SPDX-License-Identifier: Apache-2.0 */
/* mix.h - discrete distributions as integer thresholds.
 *
 * A mix of probabilities becomes cumulative thresholds on a 32-bit uniform,
 * computed once; drawing is integer compares only (docs/design.md#determinism),
 * so the CPU and the GPU pick the same outcome from the same word. */
#ifndef SHOPSTREAM_MIX_H
#define SHOPSTREAM_MIX_H

#include <stdint.h>

#include "portable.h"

#define MIX_MAX 16

typedef struct mix {
    int n;
    uint64_t cum[MIX_MAX]; /* cum[n - 1] == 2^32 */
} mix;

/* p[0..n) need not sum to exactly 1: they are normalised. */
void mix_init(mix *m, const double *p, int n);

/* A share p in [0, 1] as a threshold: a uniform word u is "in" when u < it. */
static inline uint32_t mix_share_threshold(double p) { return (uint32_t)(p * 4294967295.0); }

ENGINE_HD static inline int mix_draw(const mix *m, uint32_t u) {
    int i = 0;
    while (i < m->n - 1 && (uint64_t)u >= m->cum[i]) i++;
    return i;
}

#endif
