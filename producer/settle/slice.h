/* SPDX-License-Identifier: Apache-2.0 */
/* slice.h - --from and --to: which stretch of a run is published.
 *
 * A slice is [from, to) of simulated release time: the facts whose place
 * in the stream (their release time, a late or duplicate copy's own) falls
 * in it. The run's definition does not change with the slice: the same
 * orders, the same bytes; only what is handed to the sink does.
 *
 * Invariants after settle_slice(): from_ms is INT64_MIN (no --from, or
 * --from at the start) or a time in (start, end); to_ms is INT64_MAX (no
 * --to, or --to at the end: the run's tail after its last order comes
 * along) or a time in (from, end). So [a, b) and [b, c) of one run are
 * disjoint and together [a, c). */
#ifndef SHOPSTREAM_SLICE_H
#define SHOPSTREAM_SLICE_H

#include <stddef.h>
#include <stdint.h>

#include "options/config.h"

/* Settles rc->from_ms and rc->to_ms from --from and --to (after the start
 * is settled). -1 with "--from: expected a time in [start, end) of the
 * run, got ..." (or --to's) in errstr. */
int settle_slice(run_config *rc, char *errstr, size_t errlen);

#define SLICE_CUTS_MAX 32 /* verify --cuts: the most times */

/* verify --cuts: the times in rc->verify_cuts, each in rc's slice (after
 * its start, before its end) and after the one before, into cuts[*n].
 * -1 with "--cuts: expected ..." in errstr. */
int slice_cuts(const run_config *rc, int64_t cuts[SLICE_CUTS_MAX], size_t *n, char *errstr, size_t errlen);

/* Whether rc publishes only a slice of its run. */
static inline int slice_active(const run_config *rc) { return rc->from_ms != INT64_MIN || rc->to_ms != INT64_MAX; }

/* Where a paced slice's clock starts: from, or the run's start. */
static inline int64_t slice_origin_ms(const run_config *rc) {
    return rc->from_ms != INT64_MIN ? rc->from_ms : rc->engine.start_ms;
}

/* Whether a message released at release_ms is in rc's slice. */
static inline int slice_holds(const run_config *rc, int64_t release_ms) {
    return release_ms >= rc->from_ms && release_ms < rc->to_ms;
}

#endif
