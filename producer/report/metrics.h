/* SPDX-License-Identifier: Apache-2.0 */
/* metrics.h - live Prometheus metrics at http://ADDR:PORT/metrics (--metrics).
 *
 * The run thread copies its figures into a snapshot now and then
 * (metrics_publish); libmicrohttpd's thread renders the last snapshot in the
 * Prometheus text format on each scrape. Counters per topic (produced,
 * delivered, failed, bytes), orders and order items; gauges of the scheduled
 * and achieved rate and of how far the run is behind; a histogram of pacing
 * lateness and a counter of early hand-offs; and from librdkafka's
 * statistics the local queue depth, the messages in flight and each
 * broker's round-trip time. */
#ifndef SHOPSTREAM_METRICS_H
#define SHOPSTREAM_METRICS_H

#include <stddef.h>

#include "report.h"

typedef struct metrics metrics;

/* addr: "PORT", "ADDR:PORT" (ADDR an IPv4 address; 127.0.0.1 by default). */
int metrics_new(const char *addr, metrics **out, char *errstr, size_t errlen);

/* Copies the run's figures for the next scrape. */
void metrics_publish(metrics *m, const run_totals *t, double scheduled_rate, double achieved_rate);

/* Takes librdkafka's statistics JSON (the stats callback's argument). */
void metrics_kafka_stats(metrics *m, const char *json, size_t len);

void metrics_free(metrics *m);

#endif
