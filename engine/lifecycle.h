/* SPDX-License-Identifier: Apache-2.0 */
/* lifecycle.h - what happens to an order after it is placed: its payments,
 * its shipment and, for a share, its return and refund.
 *
 * An order's life is a pure function of its row (as order_gen.h wrote it:
 * id, event time, payment method, status at checkout, total, its lines'
 * totals), its customer's region and two Philox draws on the order's own
 * streams (STREAM_LIFE_A, STREAM_LIFE_B). Whoever filled the batch, CPU or
 * GPU, the columns are the same, so the lives are too; they are computed on
 * the host from the columns, by any thread, batch by batch.
 *
 * The state machine, by the status at checkout:
 *   paid            [declined, retried] authorized, captured, packed,
 *                   shipped, delivered, [returned, refunded]
 *   payment_failed  declined; retried once: after the outage that caused
 *                   it (a backlog), or minutes later; the retry declined
 *                   again, or authorized and then as paid
 *   cancelled       authorized, voided
 *   placed          expired (the customer never paid)
 * Bank transfers are captured 1-3 days after authorization, other methods
 * within half an hour.
 *
 * Invariants (tests/test_lifecycle.c and the read-back tests check them):
 * event times never decrease along an order's events and are at or after
 * its placement; a shipment comes only after a capture; one capture, of
 * the order's total; a refund is at most the capture; the last event of
 * every life is marked final, and only it. Events at or after the run's end
 * are not part of the run (lifecycle_of stops before them), so a life cut
 * short has no final event. */
#ifndef SHOPSTREAM_LIFECYCLE_H
#define SHOPSTREAM_LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "catalog.h"
#include "domain.h"
#include "philox.h"
#include "portable.h"
#include "scenario.h"
#include "streams.h"

enum life_topic { LIFE_PAYMENT, LIFE_SHIPMENT };
enum payment_status {
    PAY_AUTHORIZED,
    PAY_DECLINED,
    PAY_CAPTURED,
    PAY_VOIDED,
    PAY_EXPIRED,
    PAY_REFUNDED,
    PAY_STATUS_COUNT
};
enum shipment_status { SHIP_PACKED, SHIP_SHIPPED, SHIP_DELIVERED, SHIP_RETURNED, SHIP_STATUS_COUNT };
enum carrier { CARRIER_UPS, CARRIER_FEDEX, CARRIER_USPS, CARRIER_DHL, CARRIER_DPD, CARRIER_COUNT };

extern const char *const payment_status_names[PAY_STATUS_COUNT];
extern const char *const shipment_status_names[SHIP_STATUS_COUNT];
extern const char *const carrier_names[CARRIER_COUNT];

#define LIFE_EVENTS_MAX 10
/* Every entry of a scenario (SCENARIO_EFFECTS_MAX, composed ones too) may
 * carry an outage, a carrier delay and a return wave: each list holds them
 * all, so none is dropped. */
#define LIFE_WINDOWS_MAX SCENARIO_EFFECTS_MAX

typedef struct life_event {
    int64_t time_ms;
    int64_t amount_cents; /* payments; 0 for shipments and declines */
    uint8_t topic;        /* enum life_topic */
    uint8_t status;       /* enum payment_status or enum shipment_status */
    uint8_t attempt;      /* payments: 1, or 2 for a retry */
    uint8_t carrier;      /* shipments */
    uint8_t step;         /* position along the order's life, from 1 */
    uint8_t final;        /* the last event of the life */
} life_event;

/* A window of simulated time [start_ms, end_ms) in which a scenario acts:
 * payment outages (methods: bit per payment_method), carrier delays
 * (carrier, or -1 for all; region, or -1 for all; extra_ms added to the
 * deliveries due inside it) and return waves (orders delivered inside it
 * are returned `factor` times as often). */
typedef struct life_window {
    int64_t start_ms, end_ms;
    uint32_t methods;
    int8_t carrier, region;
    int64_t extra_ms;
    double factor;
} life_window;

/* Everything a life depends on besides the order's row. */
typedef struct life_model {
    philox_key key;
    int64_t end_ms;             /* events at or after it are not emitted */
    uint32_t retry_share;       /* paid orders whose first attempt was declined */
    uint32_t return_share;      /* delivered orders returned (before any wave) */
    uint32_t full_refund_share; /* returns refunded in full (else one line) */
    life_window outages[LIFE_WINDOWS_MAX];
    size_t n_outages;
    life_window delays[LIFE_WINDOWS_MAX];
    size_t n_delays;
    life_window waves[LIFE_WINDOWS_MAX];
    size_t n_waves;
} life_model;

/* What lifecycle_of reads of one order. */
typedef struct life_order {
    uint64_t g; /* global index: order_id - 1 */
    int64_t time_ms;
    int64_t total_cents;
    const int64_t *line_totals;
    unsigned n_lines;
    uint8_t payment_method;
    uint8_t status; /* at checkout */
    uint8_t region; /* the customer's */
} life_order;

/* What lifecycle_of reads of row k of batch b, its customer's region from
 * customers (the catalog's, indexed by customer_id - 1). */
static inline life_order life_order_at(const order_batch *b, size_t k, const customer *customers) {
    return (life_order){ (uint64_t)b->order_id[k] - 1,
                         b->event_time_ms[k],
                         b->total_cents[k],
                         b->item_line_total_cents + b->first_item[k],
                         b->item_count[k],
                         b->payment_method[k],
                         b->status[k],
                         customers[b->customer_id[k] - 1].region };
}

/* Writes the events of o's life before m->end_ms into out, in time order;
 * returns how many (at most LIFE_EVENTS_MAX). */
size_t lifecycle_of(const life_model *m, const life_order *o, life_event out[LIFE_EVENTS_MAX]);

/* The defaults: shares of 3% retries, 8% returns, 40% of them in full. */
void life_model_init(life_model *m, uint64_t seed, int64_t end_ms);

#endif
