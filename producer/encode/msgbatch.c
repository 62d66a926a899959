/* SPDX-License-Identifier: Apache-2.0 */
/* msgbatch.c - encoding a batch of orders into an arena (see msgbatch.h). */
#include "msgbatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"

/* Room for msgs more messages, and for one more value of up to room bytes. */
static int reserve(msg_batch *mb, size_t msgs, size_t room) {
    if (mb->n_msgs + msgs > mb->cap_msgs) {
        size_t cap = mb->cap_msgs ? mb->cap_msgs : 1024;
        while (cap < mb->n_msgs + msgs) cap *= 2;
        msg_ref *m = realloc(mb->msgs, cap * sizeof *m);
        if (!m) return -1;
        mb->msgs = m;
        mb->cap_msgs = cap;
    }
    if (mb->used + room > mb->cap_arena) {
        size_t cap = mb->cap_arena ? mb->cap_arena : 65536;
        while (cap < mb->used + room) cap *= 2;
        char *a = realloc(mb->arena, cap);
        if (!a) return -1;
        mb->arena = a;
        mb->cap_arena = cap;
    }
    return 0;
}

/* Appends one value written by the encode call in len (or -1 if too big). */
static int append(msg_batch *mb, topic_id t, int64_t key_id, int64_t ts, int len, size_t room) {
    if (len < 0) { /* cannot happen: room is the encoder's bound */
        snprintf(mb->error, sizeof mb->error, "%s value outgrew its bound of %zu bytes", topic_suffixes[t], room);
        return -1;
    }
    mb->msgs[mb->n_msgs++] = (msg_ref){ key_id, ts, (uint32_t)mb->used, (uint32_t)len, (uint8_t)t };
    mb->used += (size_t)len;
    return 0;
}

void msg_batch_encode(msg_batch *mb, encoder *enc, const order_batch *b) {
    mb->n_msgs = 0;
    mb->used = 0;
    mb->error[0] = '\0';
    size_t order_room = encoder_value_bound(enc, TOPIC_ORDERS), item_room = encoder_value_bound(enc, TOPIC_ORDER_ITEMS);
    for (size_t k = 0; k < b->n_orders; k++) {
        int64_t id = b->order_id[k], ts = b->event_time_ms[k];
        if (reserve(mb, 1, order_room) != 0) goto oom;
        int len = encoder_order(enc, b, k, mb->arena + mb->used, order_room);
        if (append(mb, TOPIC_ORDERS, id, ts, len, order_room) != 0) return;
        for (size_t line = 0; line < b->item_count[k]; line++) {
            if (reserve(mb, 1, item_room) != 0) goto oom;
            len = encoder_order_item(enc, b, k, line, mb->arena + mb->used, item_room);
            if (append(mb, TOPIC_ORDER_ITEMS, id, ts, len, item_room) != 0) return;
        }
    }
    return;
oom:
    snprintf(mb->error, sizeof mb->error, "out of memory encoding a batch of %zu orders", b->n_orders);
}

void msg_batch_free(msg_batch *mb) {
    free(mb->arena);
    free(mb->msgs);
    memset(mb, 0, sizeof *mb);
}
