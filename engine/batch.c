/* SPDX-License-Identifier: Apache-2.0 */
/* batch.c - the columns of a batch in one block of memory (see batch.h). */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

size_t order_batch_bytes(size_t capacity) {
    size_t off[BATCH_COLUMNS];
    return order_batch_layout(capacity, capacity * ITEMS_MAX, off);
}

void order_batch_init_in(order_batch *b, size_t capacity, void *block) {
    memset(b, 0, sizeof *b);
    b->base = block;
    b->capacity = capacity;
    order_batch_unpack(b);
}

int order_batch_init(order_batch *b, size_t capacity) {
    void *block = aligned_alloc(64, order_batch_bytes(capacity));
    if (!block) {
        memset(b, 0, sizeof *b);
        return -1;
    }
    order_batch_init_in(b, capacity, block);
    b->block = block;
    return 0;
}

int order_batch_pack(order_batch *b, size_t n_orders, size_t n_items) {
    size_t off[BATCH_COLUMNS];
    if (n_orders > b->capacity || n_items > b->capacity * ITEMS_MAX) return -1;
    order_batch_layout(n_orders, n_items, off);
    order_batch_point(b, b->base, off);
    return 0;
}

void order_batch_unpack(order_batch *b) {
    size_t off[BATCH_COLUMNS];
    order_batch_layout(b->capacity, b->capacity * ITEMS_MAX, off);
    order_batch_point(b, b->base, off);
}

void order_batch_free(order_batch *b) {
    free(b->block);
    memset(b, 0, sizeof *b);
}
