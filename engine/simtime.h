/* SPDX-License-Identifier: Apache-2.0 */
/* simtime.h - units of simulated time, and the wall clock runs are timed by.
 *
 * Event times are int64 milliseconds since the Unix epoch (UTC); these are
 * the spans the engine and the producer count in. */
#ifndef SHOPSTREAM_SIMTIME_H
#define SHOPSTREAM_SIMTIME_H

#include <stdint.h>
#include <time.h>

#define MINUTE_MS INT64_C(60000)
#define HOUR_MS INT64_C(3600000)
#define DAY_MS INT64_C(86400000)

/* The monotonic clock in seconds: for timing and pacing, never for data. */
static inline double wall_now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
