/* batch.c - one allocation carved into the columns of a batch (see batch.h). */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#include "domain.h"

/* Lays the columns out in block (or only measures when block is NULL). */
static size_t layout(order_batch *b, char *block, size_t cap) {
    size_t off = 0, items = cap * ITEMS_MAX;
#define COLUMN(field, n) do { \
        off = (off + 63) & ~(size_t)63; \
        if (block) b->field = (void *)(block + off); \
        off += (n) * sizeof *b->field; \
    } while (0)
    COLUMN(order_id, cap);
    COLUMN(customer_id, cap);
    COLUMN(event_time_ms, cap);
    COLUMN(subtotal_cents, cap);
    COLUMN(discount_cents, cap);
    COLUMN(total_cents, cap);
    COLUMN(campaign_id, cap);
    COLUMN(first_item, cap);
    COLUMN(channel, cap);
    COLUMN(payment_method, cap);
    COLUMN(status, cap);
    COLUMN(item_count, cap);
    COLUMN(item_product_id, items);
    COLUMN(item_unit_price_cents, items);
    COLUMN(item_discount_cents, items);
    COLUMN(item_line_total_cents, items);
    COLUMN(item_quantity, items);
#undef COLUMN
    return off;
}

int order_batch_init(order_batch *b, size_t capacity) {
    memset(b, 0, sizeof *b);
    size_t bytes = layout(b, NULL, capacity);
    b->block = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    if (!b->block) return -1;
    layout(b, b->block, capacity);
    b->capacity = capacity;
    return 0;
}

void order_batch_free(order_batch *b) {
    free(b->block);
    memset(b, 0, sizeof *b);
}
