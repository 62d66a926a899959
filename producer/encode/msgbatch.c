/* SPDX-License-Identifier: Apache-2.0 */
/* msgbatch.c - encoding a batch of orders, their items and their lives
 * into an arena (see msgbatch.h). */
#include "msgbatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"

static int grow_refs(msg_ref **refs, size_t *cap, size_t need) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    msg_ref *m = realloc(*refs, c * sizeof *m);
    if (!m) return -1;
    *refs = m;
    *cap = c;
    return 0;
}

/* Room for two more messages in each list and one more value of room bytes. */
static int reserve(msg_batch *mb, size_t room) {
    if (grow_refs(&mb->msgs, &mb->cap_msgs, mb->n_msgs + 2) != 0) return -1;
    if (grow_refs(&mb->later, &mb->cap_later, mb->n_later + 2) != 0) return -1;
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

/* Where one message goes. */
typedef struct msg_place {
    topic_id topic;
    uint64_t g;
    unsigned step; /* DELIVERY_STEP_* */
    int64_t ts;
    int64_t order_ms;
    int channel;
    int future; /* a life's event: always through the calendar */
} msg_place;

/* Appends the value the encode call wrote (len, or -1 if too big) to the
 * list its delivery puts it in, and its copy if it has one. */
static int append(msg_batch *mb, const msg_context *cx, const msg_place *at, int len, size_t room) {
    if (len < 0) { /* cannot happen: room is the encoder's bound */
        snprintf(mb->error, sizeof mb->error, "%s value outgrew its bound of %zu bytes", topic_suffixes[at->topic],
                 room);
        return -1;
    }
    int64_t late = 0, dup = 0;
    delivery_of(cx->delivery, at->g, at->step, at->order_ms, at->channel, &late, &dup);
    msg_ref r = { (int64_t)at->g + 1, at->ts,        at->ts + late,      MSG_TIE(at->g, at->step),
                  (uint32_t)mb->used, (uint32_t)len, (uint8_t)at->topic, late ? MSG_LATE : MSG_ON_TIME };
    if (late || at->future)
        mb->later[mb->n_later++] = r;
    else
        mb->msgs[mb->n_msgs++] = r;
    if (dup) {
        r.release_ms += dup;
        r.tie |= MSG_TIE_COPY;
        r.kind = MSG_DUPLICATE;
        mb->later[mb->n_later++] = r;
    }
    mb->used += (size_t)len;
    return 0;
}

/* The events of order k's life. */
static int encode_life(msg_batch *mb, encoder *enc, const msg_context *cx, const order_batch *b, size_t k,
                       size_t pay_room, size_t ship_room) {
    life_order o = life_order_at(b, k, cx->customers);
    life_event ev[LIFE_EVENTS_MAX];
    size_t n = lifecycle_of(cx->life, &o, ev);
    mb->life_events += n;
    for (size_t i = 0; i < n; i++) {
        life_record r = { b->order_id[k], b->payment_method[k], o.region, &ev[i] };
        int pay = ev[i].topic == LIFE_PAYMENT;
        size_t room = pay ? pay_room : ship_room;
        if (reserve(mb, room) != 0) return -1;
        int len = pay ? encoder_payment(enc, &r, mb->arena + mb->used, room)
                      : encoder_shipment(enc, &r, mb->arena + mb->used, room);
        msg_place at = { pay ? TOPIC_PAYMENTS : TOPIC_SHIPMENTS,
                         o.g,
                         DELIVERY_STEP_LIFE + ev[i].step - 1u,
                         ev[i].time_ms,
                         b->event_time_ms[k],
                         b->channel[k],
                         1 };
        if (append(mb, cx, &at, len, room) != 0) return 1;
    }
    return 0;
}

void msg_batch_encode(msg_batch *mb, encoder *enc, const msg_context *cx, const order_batch *b) {
    mb->n_msgs = mb->n_later = 0;
    mb->used = 0;
    mb->life_events = 0;
    mb->error[0] = '\0';
    size_t order_room = encoder_value_bound(enc, TOPIC_ORDERS), item_room = encoder_value_bound(enc, TOPIC_ORDER_ITEMS);
    size_t pay_room = encoder_value_bound(enc, TOPIC_PAYMENTS), ship_room = encoder_value_bound(enc, TOPIC_SHIPMENTS);
    for (size_t k = 0; k < b->n_orders; k++) {
        uint64_t g = (uint64_t)b->order_id[k] - 1;
        int64_t ts = b->event_time_ms[k];
        msg_place at = { TOPIC_ORDERS, g, DELIVERY_STEP_ORDER, ts, ts, b->channel[k], 0 };
        if (reserve(mb, order_room) != 0) goto oom;
        int len = encoder_order(enc, b, k, mb->arena + mb->used, order_room);
        if (append(mb, cx, &at, len, order_room) != 0) return;
        for (size_t line = 0; line < b->item_count[k]; line++) {
            if (reserve(mb, item_room) != 0) goto oom;
            len = encoder_order_item(enc, b, k, line, mb->arena + mb->used, item_room);
            at.topic = TOPIC_ORDER_ITEMS;
            at.step = DELIVERY_STEP_LINE + (unsigned)line;
            if (append(mb, cx, &at, len, item_room) != 0) return;
        }
        if (cx->life) {
            int rc = encode_life(mb, enc, cx, b, k, pay_room, ship_room);
            if (rc < 0) goto oom;
            if (rc > 0) return;
        }
    }
    return;
oom:
    snprintf(mb->error, sizeof mb->error, "out of memory encoding a batch of %zu orders", b->n_orders);
}

void msg_batch_free(msg_batch *mb) {
    free(mb->arena);
    free(mb->later);
    free(mb->msgs);
    memset(mb, 0, sizeof *mb);
}
