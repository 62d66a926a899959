/* SPDX-License-Identifier: Apache-2.0 */
/* pace.c - pacing, lateness and progress timing (see pace.h). */
#include "pace.h"

#include <stdio.h>
#include <time.h>

#include "base/units.h"
#include "settle/slice.h"
#include "simtime.h"

#define METRICS_INTERVAL_S 0.2

void pace_start(run_state *st) { st->pace0 = wall_now_s(); }

void pace_publish_metrics(run_state *st) {
    double scheduled, achieved;
    report_fact_rates(&st->totals, &scheduled, &achieved);
    metrics_publish(st->metrics, &st->totals, scheduled, achieved);
}

void pace_progress(run_state *st, int force) {
    double now = wall_now_s();
    const run_config *rc = st->rc;
    if (st->metrics && (force || now >= st->next_metrics)) {
        st->next_metrics = now + METRICS_INTERVAL_S;
        st->totals.wall_s = now - st->t0;
        st->totals.facts_wall_s = st->pace0 > 0.0 ? now - st->pace0 : 0.0;
        st->totals.sim_ms = st->sim_now_ms - rc->engine.start_ms;
        pace_publish_metrics(st);
    }
    if (rc->quiet || (!force && now < st->next_progress)) return;
    st->next_progress = now + rc->progress_interval_s;
    st->totals.wall_s = now - st->t0;
    char when[40];
    units_format_time(st->sim_now_ms, when, sizeof when);
    when[16] = '\0'; /* to the minute */
    report_progress(stderr, st->in_place, &st->totals, when);
}

void pace_until(run_state *st, int64_t t) {
    double speed = st->rc->speed;
    if (speed <= 0.0) return;
    int64_t start = slice_origin_ms(st->rc);
    double due = st->due = st->pace0 + (double)(t - start) / 1000.0 / speed;
    for (;;) {
        double wait = due - wall_now_s();
        if (wait < -1.0 && !st->behind_warned && !st->rc->quiet) {
            st->behind_warned = 1;
            fprintf(stderr,
                    "%sshopstream: falling behind the schedule by %.1f s at speed %g: the machine or "
                    "the broker cannot keep up (lateness is in the progress line and the summary)\n",
                    st->in_place ? "\n" : "", -wait, speed);
        }
        st->totals.behind_s = wait < 0.0 ? -wait : 0.0;
        if (wait <= 0.0 || *st->stop) return;
        int ms = wait > 0.1 ? 100 : (int)(wait * 1000.0);
        if (st->rc->sink == SINK_KAFKA && ms > 0)
            sink_poll(st->sink, ms);
        else {
            struct timespec ts = { 0, (long)(wait > 0.1 ? 1e8 : wait * 1e9) };
            nanosleep(&ts, NULL);
        }
        st->sim_now_ms = start + (int64_t)((wall_now_s() - st->pace0) * speed * 1000.0);
        pace_progress(st, 0);
    }
}

void pace_handed_over(run_state *st) {
    if (st->rc->speed > 0.0) lateness_add(&st->late, (wall_now_s() - st->due) * 1000.0);
}
