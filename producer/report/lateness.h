/* SPDX-License-Identifier: Apache-2.0 */
/* lateness.h - how late each message was handed over against its schedule.
 *
 * In paced runs every message has a scheduled wall time (from its event
 * time and the speed); lateness is the hand-off time minus that. A
 * log-linear histogram (16 steps per power of two of microseconds, so within
 * 6.25%) keeps p50, p99 and the exact maximum in fixed memory. */
#ifndef SHOPSTREAM_LATENESS_H
#define SHOPSTREAM_LATENESS_H

#include <stdint.h>

#define LATENESS_BUCKETS 800

typedef struct lateness {
    uint64_t counts[LATENESS_BUCKETS];
    uint64_t n;
    double max_ms;
    double sum_ms;
} lateness;

/* Records one message; early ones (negative) count as 0. */
void lateness_add(lateness *l, double late_ms);

/* How many samples were at most ms late (to bucket precision). */
uint64_t lateness_count_at_most(const lateness *l, double ms);

/* The q-quantile in ms (q in [0, 1]); 0 with no samples. */
double lateness_quantile(const lateness *l, double q);

#endif
