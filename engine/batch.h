/* batch.h - a columnar batch of orders and their items.
 *
 * What the generator fills and the encoder reads: one column per field, in
 * one allocation owned by the batch. Items of order k are
 * item_*[first_item[k] .. first_item[k] + item_count[k]); their line numbers
 * are their position there, from 1; their event time is their order's. */
#ifndef SHOPSTREAM_BATCH_H
#define SHOPSTREAM_BATCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct order_batch {
    uint64_t seq;        /* position in the run's sequence of batches */
    uint64_t first_index;/* global index of its first order */
    size_t capacity;     /* orders it can hold */
    size_t n_orders;
    size_t n_items;

    int64_t *order_id;
    int64_t *customer_id;
    int64_t *event_time_ms;
    int64_t *subtotal_cents;
    int64_t *discount_cents;
    int64_t *total_cents;
    int64_t *campaign_id;   /* 0: none */
    uint32_t *first_item;
    uint8_t *channel;
    uint8_t *payment_method;
    uint8_t *status;
    uint8_t *item_count;

    int64_t *item_product_id;
    int64_t *item_unit_price_cents;
    int64_t *item_discount_cents;
    int64_t *item_line_total_cents;
    uint8_t *item_quantity;

    void *block;         /* the one allocation behind every column */
} order_batch;

int order_batch_init(order_batch *b, size_t capacity);
void order_batch_free(order_batch *b);

#endif
