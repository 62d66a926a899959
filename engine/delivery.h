/* SPDX-License-Identifier: Apache-2.0 */
/* delivery.h - which fact messages arrive late, and which twice.
 *
 * An at-least-once upstream with a slow network, made deterministic: message
 * `step` of order g (0 the order, 1.. its lines, then its life's events; see
 * DELIVERY_STEP_*) is released late_ms after its event time instead of at
 * it, and re-sent as an exact copy dup_ms after that, as a pure function of
 * (seed, g, step) through Philox on STREAM_DELIVERY. Both shares are 0 by
 * default; a scenario's late windows add more (delivery_window). The event time and the Kafka timestamp never move: only the
 * message's place in the stream does, and it is never later than max. */
#ifndef SHOPSTREAM_DELIVERY_H
#define SHOPSTREAM_DELIVERY_H

#include <stdint.h>

#include "philox.h"
#include "scenario.h"
#include "streams.h"

#define DELIVERY_STEP_ORDER 0u
#define DELIVERY_STEP_LINE 1u /* + line index */
#define DELIVERY_STEP_LIFE 8u /* + life_event.step - 1 */

/* One late window per scenario entry at most: room for them all. */
#define DELIVERY_WINDOWS_MAX SCENARIO_EFFECTS_MAX

/* A scenario's late window: a share of the orders placed in [start_ms,
 * end_ms) through channel (-1: any) reach the shop late, with their lines,
 * by the same amount, up to max_ms: a phone that was offline sends them
 * when it is back. Their lives (payments, shipments) happen server-side
 * and are not delayed by it. */
typedef struct delivery_window {
    int64_t start_ms, end_ms;
    int channel;
    uint32_t share;
    int64_t max_ms;
} delivery_window;

typedef struct delivery_model {
    philox_key key;
    uint32_t late_share, duplicate_share; /* thresholds on a 32-bit uniform */
    int64_t late_max_ms, duplicate_max_ms;
    delivery_window windows[DELIVERY_WINDOWS_MAX]; /* which do not overlap */
    size_t n_windows;
} delivery_model;

/* Whether any message may be late or doubled. */
static inline int delivery_active(const delivery_model *d) {
    return d->late_share || d->duplicate_share || d->n_windows;
}

/* The longest a message is handed over after its event time: the larger
 * of the late shares' and windows' maxima, then a copy up to
 * duplicate_max_ms after that (delivery_of's bounds). */
static inline int64_t delivery_longest_ms(const delivery_model *d) {
    int64_t late = d->late_share ? d->late_max_ms : 0;
    for (size_t i = 0; i < d->n_windows; i++)
        if (d->windows[i].share && d->windows[i].max_ms > late) late = d->windows[i].max_ms;
    return late + (d->duplicate_share ? d->duplicate_max_ms : 0);
}

/* The lateness a late window gives order g's messages (0: none). */
static inline int64_t delivery_offline(const delivery_model *d, uint64_t g, int64_t order_ms, int channel) {
    for (size_t i = 0; i < d->n_windows; i++) {
        const delivery_window *w = &d->windows[i];
        if (order_ms < w->start_ms || order_ms >= w->end_ms || (w->channel >= 0 && w->channel != channel)) continue;
        philox_ctr r = philox_draw(d->key, g, STREAM_DELIVERY_OFFLINE, 0);
        return r.v[0] < w->share ? philox_between(r.v[1], 1, 1 + w->max_ms) : 0;
    }
    return 0;
}

/* How long after its event time message (g, step) of an order placed at
 * order_ms through channel is released (0: on time), and how long after
 * that release a copy follows (0: none). */
static inline void delivery_of(const delivery_model *d, uint64_t g, unsigned step, int64_t order_ms, int channel,
                               int64_t *late_ms, int64_t *dup_ms) {
    *late_ms = *dup_ms = 0;
    if (!delivery_active(d)) return;
    philox_ctr r = philox_draw(d->key, g, STREAM_DELIVERY + step, 0);
    if (r.v[0] < d->late_share) *late_ms = philox_between(r.v[1], 1, 1 + d->late_max_ms);
    if (d->n_windows && step < DELIVERY_STEP_LIFE) {
        int64_t w = delivery_offline(d, g, order_ms, channel);
        if (w > *late_ms) *late_ms = w;
    }
    if (r.v[2] < d->duplicate_share) *dup_ms = philox_between(r.v[3], 1, 1 + d->duplicate_max_ms);
}

#endif
