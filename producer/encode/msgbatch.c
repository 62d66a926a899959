/* SPDX-License-Identifier: Apache-2.0 */
/* msgbatch.c - encoding a batch of orders, their items and their lives
 * into an arena (see msgbatch.h). */
#include "msgbatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"

int msg_grow(void **p, size_t *cap, size_t need, size_t unit, size_t first) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : first;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * unit);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* How many orders ahead msg_batch_encode asks for an order's customer. */
#define ENCODE_PREFETCH_ORDERS 4

/* Room for two more messages in each list and one more value of room bytes. */
static int reserve(msg_batch *mb, size_t room) {
    if (msg_grow((void **)&mb->msgs, &mb->cap_msgs, mb->n_msgs + 2, sizeof *mb->msgs, 1024) != 0) return -1;
    if (msg_grow((void **)&mb->later, &mb->cap_later, mb->n_later + 2, sizeof *mb->later, 1024) != 0) return -1;
    return msg_grow((void **)&mb->arena, &mb->cap_arena, mb->used + room, 1, 65536);
}

/* Where one message goes. */
typedef struct msg_place {
    topic_id topic;
    uint64_t g;
    unsigned step; /* DELIVERY_STEP_* */
    int64_t ts;
    int64_t order_ms;
    int channel;
    int future;        /* a life's event: always through the calendar */
    int64_t key_id;    /* 0: the order's id */
    unsigned tie_step; /* the tie's low byte: step, or a change event's */
} msg_place;

/* Whether a message due at (release_ms, tie) is due at or after the
 * frontier and within hold_ms of it. */
static int held_due(const msg_batch *mb, const msg_context *cx, int64_t release_ms, uint64_t tie) {
    if (cx->hold_ms == 0 || release_ms >= mb->frontier_ms + cx->hold_ms) return 0;
    return release_ms > mb->frontier_ms || (release_ms == mb->frontier_ms && tie >= mb->frontier_tie);
}

/* Where a message's ref goes: the next of `msgs` (on time), or, later, a
 * record in `held` (its value copied there) when it is due there, else the
 * next of `later`. The caller writes the ref in place: built elsewhere and
 * copied, it would be read back right after the hash worked out ahead wrote
 * parts of it, and a load spanning several fresh smaller stores waits for
 * them to reach the cache. *in_arena: whether the ref's value stays in the
 * arena (not when only `held` has it). NULL: out of memory. */
static msg_ref *slot_for(msg_batch *mb, const msg_context *cx, int later, int64_t release_ms, uint64_t tie,
                         const char *value, uint32_t len, int *in_arena) {
    *in_arena = 1;
    if (!later) return &mb->msgs[mb->n_msgs++];
    if (!held_due(mb, cx, release_ms, tie)) return &mb->later[mb->n_later++];
    size_t size = msg_held_size(len);
    if (msg_grow((void **)&mb->held, &mb->held_cap, mb->held_used + size, 1, 1048576) != 0 ||
        msg_grow((void **)&mb->held_index, &mb->cap_held_index, mb->n_held + 1, sizeof *mb->held_index, 4096) != 0)
        return NULL;
    pending_msg *m = (pending_msg *)(void *)(mb->held + mb->held_used);
    memcpy(m->value, value, len);
    mb->held_index[mb->n_held++] = (held_entry){ release_ms, tie, (uint32_t)mb->held_used, len };
    mb->held_used += size;
    *in_arena = 0;
    return &m->ref;
}

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
    int64_t release_ms = at->ts + late;
    uint64_t tie = MSG_TIE(at->g, at->tie_step);
    const char *value = mb->arena + mb->used;
    int in_arena, copy_in_arena = 0; /* whether the arena keeps the value: not when only `held` refers to it */
    msg_ref *r = slot_for(mb, cx, late || at->future, release_ms, tie, value, (uint32_t)len, &in_arena);
    if (!r) goto oom;
    *r = (msg_ref){ .key_id = at->key_id ? at->key_id : (int64_t)at->g + 1,
                    .timestamp_ms = at->ts,
                    .release_ms = release_ms,
                    .tie = tie,
                    .value_off = (uint32_t)mb->used,
                    .value_len = (uint32_t)len,
                    .topic = (uint8_t)at->topic,
                    .kind = late ? MSG_LATE : MSG_ON_TIME };
    if (cx->on_message) cx->on_message(cx->on_message_ctx, r, value);
    if (dup) {
        msg_ref copy = *r; /* before slot_for, which may move `held` */
        copy.release_ms += dup;
        copy.tie |= MSG_TIE_COPY;
        copy.kind = MSG_DUPLICATE;
        msg_ref *c = slot_for(mb, cx, 1, copy.release_ms, copy.tie, value, (uint32_t)len, &copy_in_arena);
        if (!c) goto oom;
        *c = copy;
    }
    if (in_arena || copy_in_arena) mb->used += (size_t)len;
    return 0;
oom:
    snprintf(mb->error, sizeof mb->error, "out of memory holding a batch's messages due soon");
    return -1;
}

/* One change event of order k: op at place `at` (its delivery), keyed
 * key_id, tie MSG_TIE_CHANGE | tie; written by write() unless a tombstone.
 * 0, -1 out of memory, 1 failed (mb->error). */
typedef struct change_msg {
    topic_id topic;
    int64_t key_id;
    unsigned tie, sub;
    char op;
    int tombstone;
    const order_row *before, *after; /* orders */
    const order_text *text;          /* orders: the row's text, made once per order */
    size_t line;                     /* order_items */
} change_msg;

static int change_append(msg_batch *mb, const msg_context *cx, const order_batch *b, size_t k, const msg_place *at,
                         const change_msg *c) {
    size_t room = c->tombstone ? 0 : change_bound(cx->changes, c->topic);
    if (reserve(mb, room) != 0) return -1;
    int len = 0;
    if (!c->tombstone) {
        change_event e = { c->op, "false", at->ts, change_lsn(cx->changes, at->ts, b->order_id[k], c->sub) };
        len = c->topic == TOPIC_CHANGE_ORDERS
                  ? change_order(cx->changes, &e, c->text, c->before, c->after, mb->arena + mb->used, room)
                  : change_order_item(cx->changes, &e, b, k, c->line, c->op == 'd', mb->arena + mb->used, room);
    }
    msg_place p = *at;
    p.topic = c->topic;
    p.key_id = c->key_id;
    p.tie_step = MSG_TIE_CHANGE | c->tie;
    return append(mb, cx, &p, len, room) != 0 ? 1 : 0;
}

/* The order's row and its items' inserted at checkout: on time, after its
 * event messages. */
static int changes_of_checkout(msg_batch *mb, const msg_context *cx, const order_batch *b, size_t k,
                               const order_text *text) {
    int64_t ts = b->event_time_ms[k];
    order_row row = order_row_inserted(ts);
    msg_place at = {
        TOPIC_CHANGE_ORDERS, (uint64_t)b->order_id[k] - 1, DELIVERY_STEP_ORDER, ts, ts, b->channel[k], 0, 0, 0
    };
    change_msg c = { .topic = TOPIC_CHANGE_ORDERS,
                     .key_id = b->order_id[k],
                     .tie = CHANGE_TIE_ORDER,
                     .sub = CHANGE_SUB_ORDER,
                     .op = 'c',
                     .after = &row,
                     .text = text };
    int rc = change_append(mb, cx, b, k, &at, &c);
    for (size_t line = 0; rc == 0 && line < b->item_count[k]; line++) {
        at.step = DELIVERY_STEP_LINE + (unsigned)line;
        change_msg item = { .topic = TOPIC_CHANGE_ORDER_ITEMS,
                            .key_id = ORDER_ITEM_ROW_ID(b->order_id[k], line),
                            .tie = CHANGE_TIE_LINE(line),
                            .sub = CHANGE_SUB_LINE(line),
                            .op = 'c',
                            .line = line };
        rc = change_append(mb, cx, b, k, &at, &item);
    }
    return rc;
}

/* What event ev of order k's life does to its rows: an update of the
 * order, or (an expiry) its items and then it deleted, each delete
 * followed by its tombstone. *row is the order's row before ev, after on
 * return. */
static int changes_of_life(msg_batch *mb, const msg_context *cx, const order_batch *b, size_t k, const msg_place *at,
                           order_row *row, const life_event *ev, const order_text *text) {
    order_row before = *row;
    unsigned step = ev->step;
    if (order_row_apply(row, ev) == 0) {
        change_msg c = { .topic = TOPIC_CHANGE_ORDERS,
                         .key_id = b->order_id[k],
                         .tie = CHANGE_TIE_LIFE(step),
                         .sub = CHANGE_SUB_LIFE(step, CHANGE_SUB_LIFE_ORDER),
                         .op = 'u',
                         .before = &before,
                         .after = row,
                         .text = text };
        return change_append(mb, cx, b, k, at, &c);
    }
    int rc = 0;
    for (size_t line = 0; rc == 0 && line < b->item_count[k]; line++)
        for (int tomb = 0; rc == 0 && tomb < 2; tomb++) {
            change_msg c = { .topic = TOPIC_CHANGE_ORDER_ITEMS,
                             .key_id = ORDER_ITEM_ROW_ID(b->order_id[k], line),
                             .tie = CHANGE_TIE_DELETE_LINE(line) + (unsigned)tomb,
                             .sub = CHANGE_SUB_LIFE(step, line),
                             .op = 'd',
                             .tombstone = tomb,
                             .line = line };
            rc = change_append(mb, cx, b, k, at, &c);
        }
    for (int tomb = 0; rc == 0 && tomb < 2; tomb++) {
        change_msg c = { .topic = TOPIC_CHANGE_ORDERS,
                         .key_id = b->order_id[k],
                         .tie = CHANGE_TIE_DELETE_ORDER + (unsigned)tomb,
                         .sub = CHANGE_SUB_LIFE(step, CHANGE_SUB_LIFE_ORDER),
                         .op = 'd',
                         .tombstone = tomb,
                         .before = &before,
                         .text = text };
        rc = change_append(mb, cx, b, k, at, &c);
    }
    return rc;
}

/* The events of order k's life. */
static int encode_life(msg_batch *mb, encoder *enc, const msg_context *cx, const order_batch *b, size_t k,
                       size_t pay_room, size_t ship_room, const order_text *text) {
    life_order o = life_order_at(b, k, cx->customers);
    life_event ev[LIFE_EVENTS_MAX];
    size_t n = lifecycle_of(cx->life, &o, ev);
    order_row row = order_row_inserted(b->event_time_ms[k]);
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
                         1,
                         0,
                         DELIVERY_STEP_LIFE + ev[i].step - 1u };
        if (append(mb, cx, &at, len, room) != 0) return 1;
        if (cx->changes) {
            int rc = changes_of_life(mb, cx, b, k, &at, &row, &ev[i], text);
            if (rc != 0) return rc;
        }
    }
    return 0;
}

void msg_batch_encode(msg_batch *mb, encoder *enc, const msg_context *cx, const order_batch *b) {
    mb->n_msgs = mb->n_later = mb->n_held = 0;
    mb->used = mb->held_used = 0;
    if (b->n_orders) msg_batch_frontier(b, &mb->frontier_ms, &mb->frontier_tie);
    mb->life_events = 0;
    mb->error[0] = '\0';
    size_t order_room = encoder_value_bound(enc, TOPIC_ORDERS), item_room = encoder_value_bound(enc, TOPIC_ORDER_ITEMS);
    size_t pay_room = encoder_value_bound(enc, TOPIC_PAYMENTS), ship_room = encoder_value_bound(enc, TOPIC_SHIPMENTS);
    order_text text; /* --changelog: order k's row, for its change events */
    for (size_t k = 0; k < b->n_orders; k++) {
        /* The customer record a life reads (its region), a few orders
         * ahead: customers are reached at random, so it is a miss. */
        if (cx->life && k + ENCODE_PREFETCH_ORDERS < b->n_orders)
            __builtin_prefetch(&cx->customers[b->customer_id[k + ENCODE_PREFETCH_ORDERS] - 1]);
        uint64_t g = (uint64_t)b->order_id[k] - 1;
        int64_t ts = b->event_time_ms[k];
        msg_place at = { TOPIC_ORDERS, g, DELIVERY_STEP_ORDER, ts, ts, b->channel[k], 0, 0, DELIVERY_STEP_ORDER };
        if (reserve(mb, order_room) != 0) goto oom;
        int len = encoder_order(enc, b, k, mb->arena + mb->used, order_room);
        if (append(mb, cx, &at, len, order_room) != 0) return;
        for (size_t line = 0; line < b->item_count[k]; line++) {
            if (reserve(mb, item_room) != 0) goto oom;
            len = encoder_order_item(enc, b, k, line, mb->arena + mb->used, item_room);
            at.topic = TOPIC_ORDER_ITEMS;
            at.step = at.tie_step = DELIVERY_STEP_LINE + (unsigned)line;
            if (append(mb, cx, &at, len, item_room) != 0) return;
        }
        if (cx->changes) {
            change_order_text(cx->changes, b, k, &text);
            int rc = changes_of_checkout(mb, cx, b, k, &text);
            if (rc < 0) goto oom;
            if (rc > 0) return;
        }
        if (cx->life) {
            int rc = encode_life(mb, enc, cx, b, k, pay_room, ship_room, &text);
            if (rc < 0) goto oom;
            if (rc > 0) return;
        }
    }
    if (b->n_orders == 0 || !cx->fold_due || msg_batch_fold_due(mb, mb->frontier_ms, mb->frontier_tie) == 0) return;
oom:
    snprintf(mb->error, sizeof mb->error, "out of memory encoding a batch of %zu orders", b->n_orders);
}

void msg_batch_free(msg_batch *mb) {
    free(mb->arena);
    free(mb->later);
    free(mb->msgs);
    free(mb->due);
    free(mb->held);
    free(mb->held_index);
    memset(mb, 0, sizeof *mb);
}
