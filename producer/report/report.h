/* SPDX-License-Identifier: Apache-2.0 */
/* report.h - what a run tells its user: a progress line, a summary, a JSON file.
 *
 * The progress line goes to stderr, rewritten in place on a terminal and one
 * line per interval otherwise (CI logs). The summary closes every run, and
 * --stats-json writes the same figures as one JSON object, whose field names
 * scripts and benchmarks rely on. */
#ifndef SHOPSTREAM_REPORT_H
#define SHOPSTREAM_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "publish/sink.h"
#include "lateness.h"
#include "base/topics.h"

/* Late and duplicate messages, as published: how many of each by topic,
 * and how far each late one was released after its event time. */
typedef struct delivery_totals {
    uint64_t late[TOPIC_COUNT];
    uint64_t duplicates[TOPIC_COUNT];
    struct lateness disorder[TOPIC_COUNT];
    uint64_t life_events; /* lifecycle events published */
    size_t pending_peak;  /* the most messages the calendar held */
    size_t pending_peak_bytes;
    size_t pending_peak_allocated; /* the most the calendar kept allocated: its resident memory */
    size_t pending_peak_spilled;   /* the most it kept in its spill file (--hold-mb) */
} delivery_totals;

typedef struct run_totals {
    const sink_counters *sink;
    const char *const *topic_names; /* n_topics names: the run's topics */
    int n_topics;
    const char *scenario;
    const char *sink_name; /* "kafka" or "null" */
    const char *brokers;
    uint64_t seed;
    uint64_t orders; /* handed to the sink */
    uint64_t order_items;
    uint64_t planned_orders; /* this shard's share of the plan */
    uint64_t shard_index, shard_count;
    uint64_t *orders_per_hour; /* by simulated hour from the start */
    size_t n_hours;
    int64_t sim_ms; /* simulated time covered */
    double wall_s;
    int complete;                /* every planned order was handed over */
    double speed;                /* 0: max */
    const struct lateness *late; /* paced runs */
    double behind_s;             /* how far the latest message was behind its schedule */
    double facts_wall_s;         /* wall time from the first fact's schedule to the last hand-off */
    int interrupted;
    const char *engine; /* "cpu" or "gpu": who generated */
    size_t threads;     /* generator (and encoder) threads */
    double generate_s;  /* thread seconds generating batches */
    double encode_s;    /* thread seconds encoding them */
    const delivery_totals *delivery;
} run_totals;

/* Paced runs: the facts' rate the schedule asks for and the one achieved. */
void report_fact_rates(const run_totals *t, double *scheduled, double *achieved);

/* "shopstream: " and the message as one line: control characters that came
 * from the user's input (a newline in a quoted value, say) are written as
 * escapes (\n, \r, \t, \xHH), so every error is one line. */
void report_line(FILE *out, const char *message);

void report_progress(FILE *out, int in_place, const run_totals *t, const char *sim_now);
void report_progress_end(FILE *out, int in_place);
void report_summary(FILE *out, const run_totals *t);
int report_stats_json(const char *path, const run_totals *t, char *errstr, size_t errlen);

#endif
