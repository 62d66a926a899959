/* SPDX-License-Identifier: Apache-2.0 */
/* delivery.h - which fact messages arrive late, and which twice.
 *
 * An at-least-once upstream with a slow network, made deterministic: message
 * `step` of order g (0 the order, 1.. its lines, then its life's events; see
 * DELIVERY_STEP_*) is released late_ms after its event time instead of at
 * it, and re-sent as an exact copy dup_ms after that, as a pure function of
 * (seed, g, step) through Philox on STREAM_DELIVERY. Both shares are 0 by
 * default. The event time and the Kafka timestamp never move: only the
 * message's place in the stream does, and it is never later than max. */
#ifndef SHOPSTREAM_DELIVERY_H
#define SHOPSTREAM_DELIVERY_H

#include <stdint.h>

#include "philox.h"
#include "streams.h"

#define DELIVERY_STEP_ORDER 0u
#define DELIVERY_STEP_LINE 1u   /* + line index */
#define DELIVERY_STEP_LIFE 8u   /* + life_event.step - 1 */

typedef struct delivery_model {
    philox_key key;
    uint32_t late_share, duplicate_share; /* thresholds on a 32-bit uniform */
    int64_t late_max_ms, duplicate_max_ms;
    /* A window where the scenario makes one channel's orders late (0: none). */
    int64_t window_start_ms, window_end_ms;
    int channel;                          /* -1: every channel */
    uint32_t window_share;
    int64_t window_max_ms;
} delivery_model;

/* Whether any message may be late or doubled. */
static inline int delivery_active(const delivery_model *d) {
    return d->late_share || d->duplicate_share || d->window_share;
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
    if (d->window_share && order_ms >= d->window_start_ms && order_ms < d->window_end_ms &&
        (d->channel < 0 || d->channel == channel) && (r.v[0] ^ r.v[3]) < d->window_share) {
        int64_t w = philox_between(r.v[1], 1, 1 + d->window_max_ms);
        if (w > *late_ms) *late_ms = w;
    }
    if (r.v[2] < d->duplicate_share) *dup_ms = philox_between(r.v[3], 1, 1 + d->duplicate_max_ms);
}

#endif
