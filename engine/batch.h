/* SPDX-License-Identifier: Apache-2.0 */
/* batch.h - a columnar batch of orders and their items.
 *
 * What the generator fills and the encoder reads: one column per field, in
 * one allocation owned by the batch. Items of order k are
 * item_*[first_item[k] .. first_item[k] + item_count[k]); their line numbers
 * are their position there, from 1; their event time is their order's.
 *
 * A batch's columns are laid out by order_batch_layout(): each 64-byte
 * aligned, the twelve order columns first, then the five item columns. The
 * CPU engine fills a batch laid out for its capacity; the GPU stage fills
 * one packed for exactly the orders and items it holds, so one copy of the
 * order columns and one of the item columns bring it to the host. Readers
 * go through the column pointers and never see the difference. */
#ifndef SHOPSTREAM_BATCH_H
#define SHOPSTREAM_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "domain.h"
#include "portable.h"

typedef struct order_batch {
    uint64_t seq;         /* position in the run's sequence of batches */
    uint64_t first_index; /* global index of its first order */
    size_t capacity;      /* orders it can hold */
    size_t n_orders;
    size_t n_items;

    int64_t *order_id;
    int64_t *customer_id;
    int64_t *event_time_ms;
    int64_t *subtotal_cents;
    int64_t *discount_cents;
    int64_t *total_cents;
    int64_t *campaign_id; /* 0: none */
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

    void *base;  /* the memory behind every column */
    void *block; /* base, when the batch owns it; else NULL */
} order_batch;

#define BATCH_COLUMNS 17
#define BATCH_ORDER_COLUMNS 12 /* columns 0..11 are per order, 12..16 per item */

/* Element size of each column, in column order (see order_batch_point). */
#define BATCH_COLUMN_WIDTHS                                                                                            \
    { 8, 8, 8, 8, 8, 8, 8, 4, 1, 1, 1, 1, 8, 8, 8, 8, 1 }

/* Byte offsets of every column for n_orders orders and n_items items;
 * returns the bytes they span. Offsets of the order columns do not depend
 * on n_items. */
ENGINE_HD static inline size_t order_batch_layout(size_t n_orders, size_t n_items, size_t off[BATCH_COLUMNS]) {
    const unsigned char width[BATCH_COLUMNS] = BATCH_COLUMN_WIDTHS;
    size_t at = 0;
    for (int c = 0; c < BATCH_COLUMNS; c++) {
        at = (at + 63) & ~(size_t)63;
        off[c] = at;
        at += (c < BATCH_ORDER_COLUMNS ? n_orders : n_items) * width[c];
    }
    return (at + 63) & ~(size_t)63;
}

/* Points b's columns into block at the given offsets. */
ENGINE_HD static inline void order_batch_point(order_batch *b, char *block, const size_t off[BATCH_COLUMNS]) {
    b->order_id = (int64_t *)(void *)(block + off[0]);
    b->customer_id = (int64_t *)(void *)(block + off[1]);
    b->event_time_ms = (int64_t *)(void *)(block + off[2]);
    b->subtotal_cents = (int64_t *)(void *)(block + off[3]);
    b->discount_cents = (int64_t *)(void *)(block + off[4]);
    b->total_cents = (int64_t *)(void *)(block + off[5]);
    b->campaign_id = (int64_t *)(void *)(block + off[6]);
    b->first_item = (uint32_t *)(void *)(block + off[7]);
    b->channel = (uint8_t *)(block + off[8]);
    b->payment_method = (uint8_t *)(block + off[9]);
    b->status = (uint8_t *)(block + off[10]);
    b->item_count = (uint8_t *)(block + off[11]);
    b->item_product_id = (int64_t *)(void *)(block + off[12]);
    b->item_unit_price_cents = (int64_t *)(void *)(block + off[13]);
    b->item_discount_cents = (int64_t *)(void *)(block + off[14]);
    b->item_line_total_cents = (int64_t *)(void *)(block + off[15]);
    b->item_quantity = (uint8_t *)(block + off[16]);
}

/* Bytes a batch of this capacity needs (its block). */
size_t order_batch_bytes(size_t capacity);

/* A batch of capacity orders in its own allocation. */
int order_batch_init(order_batch *b, size_t capacity);

/* A batch in block (order_batch_bytes(capacity) bytes, 64-byte aligned),
 * which the caller owns and frees; b->block stays NULL. */
void order_batch_init_in(order_batch *b, size_t capacity, void *block);

/* Lays the columns out anew, packed for exactly n_orders and n_items; the
 * bytes that were in the columns are not moved. -1 (and nothing changed)
 * if they exceed the capacity. */
int order_batch_pack(order_batch *b, size_t n_orders, size_t n_items);

/* Lays the columns out for the capacity again (what engine_fill expects). */
void order_batch_unpack(order_batch *b);

/* Frees the block if the batch owns it. */
void order_batch_free(order_batch *b);

#endif
