/* SPDX-License-Identifier: Apache-2.0 */
/* mix.c - probabilities to cumulative 32-bit thresholds (see mix.h). */
#include "mix.h"

void mix_init(mix *m, const double *p, int n) {
    double total = 0.0, run = 0.0;
    for (int i = 0; i < n; i++) total += p[i];
    m->n = n;
    for (int i = 0; i < n; i++) {
        run += p[i];
        /* Products and quotients of doubles round the same on every IEEE
         * machine; no libm is involved. */
        m->cum[i] = (uint64_t)(run / total * 4294967296.0);
    }
    m->cum[n - 1] = UINT64_C(1) << 32;
}
