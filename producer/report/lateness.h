/* SPDX-License-Identifier: Apache-2.0 */
/* lateness.h - how late each message was handed over against its schedule.
 *
 * In paced runs every message has a scheduled wall time (from its event
 * time and the speed); lateness is the hand-off time minus that. A
 * log-linear histogram (16 steps per power of two of microseconds, so within
 * 6.25%) keeps p50, p99 and the exact maximum in fixed memory.
 *
 * A hand-off before its schedule is early, which pacing promises never
 * happens (but on a stop signal): it is counted apart (early, and the most
 * it was ahead in max_early_ms), not in the histogram, so n + early is every
 * sample added and the quantiles describe the on-time and late ones only. */
#ifndef SHOPSTREAM_LATENESS_H
#define SHOPSTREAM_LATENESS_H

#include <stdint.h>

#define LATENESS_BUCKETS 800

typedef struct lateness {
    uint64_t counts[LATENESS_BUCKETS];
    uint64_t n;
    double max_ms;
    double sum_ms;
    uint64_t early;      /* samples below 0: handed over before their time */
    double max_early_ms; /* the most one of them was ahead, > 0 */
} lateness;

/* Records one message: 0 or more into the histogram, an early one
 * (negative) into early and max_early_ms. */
void lateness_add(lateness *l, double late_ms);

/* How many samples were at most ms late (to bucket precision). */
uint64_t lateness_count_at_most(const lateness *l, double ms);

/* The q-quantile in ms (q in [0, 1]); 0 with no samples. */
double lateness_quantile(const lateness *l, double q);

#endif
