/* SPDX-License-Identifier: Apache-2.0 */
/* pace.h - when each message is handed over, and the progress line's clock.
 *
 * A paced run (speed > 0) hands the fact with event time t to the sink at
 * pace0 + (t - start) / speed wall seconds, never earlier; a run that cannot
 * keep up hands it over late, says so once, and records every message's
 * lateness (one handed over early, which only a stop signal cuts the wait
 * short for, is counted apart: lateness.h). While it waits it serves delivery reports, the progress line
 * (every progress_interval_s) and the metrics snapshot (every 0.2 s). */
#ifndef SHOPSTREAM_PACE_H
#define SHOPSTREAM_PACE_H

#include <stdint.h>

#include "run_state.h"

/* The facts start now: their schedule counts from here. */
void pace_start(run_state *st);

/* Holds until event time t is due (returns at once at max speed, or when a
 * signal asks the run to stop). */
void pace_until(run_state *st, int64_t t);

/* After a message of the current order was handed over: its lateness. */
void pace_handed_over(run_state *st);

/* The progress line when its interval is up (or now, with force), and the
 * metrics snapshot. */
void pace_progress(run_state *st, int force);

/* The final metrics snapshot, equal to the summary's figures. */
void pace_publish_metrics(run_state *st);

#endif
