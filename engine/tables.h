/* SPDX-License-Identifier: Apache-2.0 */
/* tables.h - the shop as a database holds it: the row of an order as its
 * life changes it (docs/guide/changelog.md#how-the-rows-change).
 *
 * An order's row is inserted at checkout with status ROW_PLACED and changed
 * by each event of its life (lifecycle.h), in order: the event sets the
 * status, its time becomes updated_at, a refund adds to refunded_cents, and
 * an expiry deletes the row. A pure function of the order's columns and its
 * life, so the change streams (producer/encode/) and expect (expect.h)
 * compute the same rows. No state, no locks. */
#ifndef SHOPSTREAM_TABLES_H
#define SHOPSTREAM_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "lifecycle.h"

enum order_row_status {
    ROW_PLACED,
    ROW_AUTHORIZED,
    ROW_PAYMENT_FAILED,
    ROW_PAID,
    ROW_CANCELLED,
    ROW_REFUNDED,
    ROW_PACKED,
    ROW_SHIPPED,
    ROW_DELIVERED,
    ROW_RETURNED,
    ROW_STATUS_COUNT
};
extern const char *const order_row_status_names[ROW_STATUS_COUNT];

/* What a row of the orders table holds beside the order's own columns. */
typedef struct order_row {
    int64_t updated_ms;
    int64_t refunded_cents;
    uint8_t status; /* enum order_row_status */
    uint8_t deleted;
} order_row;

/* The row as inserted at checkout, at time_ms. */
static inline order_row order_row_inserted(int64_t time_ms) { return (order_row){ time_ms, 0, ROW_PLACED, 0 }; }

/* The row after ev (an event of its life): returns 1 when ev deletes it
 * (an expiry), else 0. */
int order_row_apply(order_row *r, const life_event *ev);

/* The items of an order are rows of order_items keyed order_id * 8 + line
 * number (1-based): ITEMS_MAX is below 8. */
#define ORDER_ITEM_ROW_ID(order_id, line) ((order_id)*8 + (int64_t)(line) + 1)

#endif
