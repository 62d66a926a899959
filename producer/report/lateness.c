/* SPDX-License-Identifier: Apache-2.0 */
/* lateness.c - the log-linear lateness histogram (see lateness.h). */
#include "lateness.h"

static int bucket_of(uint64_t us) {
    if (us < 16) return (int)us;
    int e = 63 - __builtin_clzll(us); /* 2^e <= us < 2^(e+1), e >= 4 */
    int b = 16 + (e - 4) * 16 + (int)((us >> (e - 4)) & 15);
    return b < LATENESS_BUCKETS ? b : LATENESS_BUCKETS - 1;
}

/* The upper edge of bucket b, in microseconds. */
static double bucket_top_us(int b) {
    if (b < 16) return b + 1;
    int e = (b - 16) / 16 + 4, sub = (b - 16) % 16;
    return (double)((16u + (unsigned)sub + 1u) * (1ull << (e - 4)));
}

void lateness_add(lateness *l, double late_ms) {
    if (late_ms < 0.0) {
        l->early++;
        if (-late_ms > l->max_early_ms) l->max_early_ms = -late_ms;
        return;
    }
    if (!(late_ms > 0.0)) late_ms = 0.0; /* -0 and NaN */
    uint64_t us = (uint64_t)(late_ms * 1000.0);
    l->counts[bucket_of(us)]++;
    l->n++;
    l->sum_ms += late_ms;
    if (late_ms > l->max_ms) l->max_ms = late_ms;
}

double lateness_quantile(const lateness *l, double q) {
    if (l->n == 0) return 0.0;
    uint64_t rank = (uint64_t)(q * (double)(l->n - 1)) + 1, seen = 0;
    for (int b = 0; b < LATENESS_BUCKETS; b++) {
        seen += l->counts[b];
        if (seen >= rank) {
            double top = bucket_top_us(b) / 1000.0;
            return top < l->max_ms ? top : l->max_ms;
        }
    }
    return l->max_ms;
}

uint64_t lateness_count_at_most(const lateness *l, double ms) {
    uint64_t us = (uint64_t)(ms * 1000.0), sum = 0;
    int last = bucket_of(us);
    for (int b = 0; b <= last; b++) sum += l->counts[b];
    return sum;
}
