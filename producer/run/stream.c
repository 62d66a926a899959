/* SPDX-License-Identifier: Apache-2.0 */
/* stream.c - registry, dimensions and facts to the sink (see stream.h). */
#include "stream.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "pace.h"
#include "base/clip.h"
#include "base/partition.h"
#include "publish/registry.h"
#include "settle/slice.h"
#include "base/secrets.h"
#include "simtime.h"

size_t message_key(const run_state *st, topic_id t, int64_t key_id, char key[CHANGE_KEY_MAX]) {
    return topic_is_change(t) ? change_key(st->changes, t, key_id, key)
                              : partition_key(st->rc->key_format == KEY_STRING, key_id, key);
}

/* publish_message, with the hash worked out ahead when there is one (and
 * then the key only when the sink reads it). */
static int publish_hashed(run_state *st, topic_id t, int64_t key_id, const char *value, size_t len, int64_t ts,
                          const sink_hashed *ahead) {
    char key[CHANGE_KEY_MAX];
    size_t klen = ahead && !sink_reads_keys(st->sink) ? ahead->key_len : message_key(st, t, key_id, key);
    sink_err e = sink_produce(st->sink, t, key, klen, value, len, ts, ahead, st->errstr, sizeof st->errstr);
    if (e == SINK_ERR_STOPPED) return 0;
    return e == SINK_OK ? 1 : -1;
}

int publish_message(run_state *st, topic_id t, int64_t key_id, const char *value, size_t len, int64_t ts) {
    return publish_hashed(st, t, key_id, value, len, ts, NULL);
}

int calendar_failed(run_state *st) {
    int e = st->calendar.spill_errno;
    if (e && e != ENOMEM) {
        char msg[1400];
        snprintf(msg, sizeof msg, "%s: %zu messages spilled for later, and the file failed: %s",
                 CLIP(st->rc->spill_dir), st->calendar.spilled, strerror(e));
        config_blame(st->rc, offsetof(run_config, spill_dir), msg, st->errstr, sizeof st->errstr);
    } else {
        snprintf(st->errstr, sizeof st->errstr, "out of memory: %zu messages wait for their time", st->calendar.n);
    }
    return -1;
}

/* Registers topic t's subject <name>-<what>; 0, or -1 with errstr. */
static int register_subject(run_state *st, const registry_config *reg, topic_id t, const char *what, const char *type,
                            const char *schema, int32_t *id) {
    char subject[TOPIC_NAME_MAX + 16];
    snprintf(subject, sizeof subject, "%s-%s", st->rc->topics.name[t], what);
    return registry_register(reg, subject, type, schema, id, st->errstr, sizeof st->errstr);
}

int publish_register_schemas(run_state *st) {
    const run_config *rc = st->rc;
    int events = value_format_registered((value_format)rc->format);
    int changes = st->changes && change_schema_text(st->changes, TOPIC_CHANGE_ORDERS, 0);
    if (!events && !changes) return 0;
    const char *type = rc->format == FORMAT_PROTOBUF_CONFLUENT      ? "PROTOBUF"
                       : rc->format == FORMAT_JSON_SCHEMA_CONFLUENT ? "JSON"
                                                                    : NULL;
    registry_config reg = { rc->registry_url, rc->registry_user_info, rc->registry_timeout_ms,
                            rc->registry_ca,  rc->registry_cert,      rc->registry_key };
    for (int t = 0; events && t < TOPIC_EVENT_COUNT; t++) {
        if (register_subject(st, &reg, (topic_id)t, "value", type, encoder_schema_text(st->encoder, (topic_id)t),
                             &st->schema_ids[t]) != 0)
            return -1;
        encoder_set_schema_id(st->encoder, (topic_id)t, st->schema_ids[t]);
    }
    int32_t key_id = 0; /* the change topics' (avro): key and value, Avro */
    for (int t = TOPIC_EVENT_COUNT; changes && t < TOPIC_COUNT; t++) {
        if (register_subject(st, &reg, (topic_id)t, "key", NULL, change_schema_text(st->changes, (topic_id)t, 1),
                             &key_id) != 0 ||
            register_subject(st, &reg, (topic_id)t, "value", NULL, change_schema_text(st->changes, (topic_id)t, 0),
                             &st->schema_ids[t]) != 0)
            return -1;
        change_set_schema_ids(st->changes, (topic_id)t, key_id, st->schema_ids[t]);
    }
    char shown[1100];
    secrets_mask_url(rc->registry_url, shown, sizeof shown);
    topic_id a = events ? TOPIC_ORDERS : TOPIC_CHANGE_ORDERS, b = events ? TOPIC_ORDER_ITEMS : TOPIC_CHANGE_ORDER_ITEMS;
    if (!rc->quiet)
        fprintf(stderr, "shopstream: registered %s schemas at %s: %s-value id %d, %s-value id %d, ...\n",
                events && changes ? "value and change"
                : events          ? "value"
                                  : "change",
                shown, rc->topics.name[a], st->schema_ids[a], rc->topics.name[b], st->schema_ids[b]);
    return 0;
}

int publish_drain(run_state *st, int timeout_ms) {
    double until = wall_now_s() + timeout_ms / 1000.0;
    uint64_t left;
    char fatal[512];
    while ((left = sink_flush(st->sink, 200)) > 0 && wall_now_s() < until) {
        pace_progress(st, 0);
        if (*st->signals >= 2 || sink_fatal(st->sink, fatal, sizeof fatal)) break;
    }
    return left == 0 && sink_get_counters(st->sink)->failed == 0 ? 0 : -1;
}

/* Hands one message to the sink at its place in the stream, pacing it to
 * its release time. 1: produced; 0: a signal; -1: failed. */
static int publish_ref(run_state *st, const msg_ref *r, const char *value) {
    if (!slice_holds(st->rc, r->release_ms)) return 1; /* another slice's */
    if (st->pace0 == 0.0) pace_start(st);              /* a slice's clock starts at its first message */
    if (st->rc->speed > 0.0) pace_until(st, r->release_ms);
    st->sim_now_ms = r->release_ms;
    sink_hashed ahead = { r->hash, r->partition, r->key_len };
    int sent = publish_hashed(st, (topic_id)r->topic, r->key_id, value, r->value_len, r->timestamp_ms,
                              r->key_len ? &ahead : NULL);
    if (sent <= 0) return sent;
    if (st->rc->speed > 0.0) pace_handed_over(st);
    if ((++st->polls & 1023) == 0) {
        sink_poll(st->sink, 0);
        pace_progress(st, 0);
    }
    delivery_totals *d = &st->delivered;
    if (r->kind == MSG_LATE) {
        d->late[r->topic]++;
        lateness_add(&d->disorder[r->topic], (double)(r->release_ms - r->timestamp_ms));
    } else if (r->kind == MSG_DUPLICATE) {
        d->duplicates[r->topic]++;
    }
    if (r->kind == MSG_DUPLICATE) return 1;
    if (r->topic == TOPIC_ORDERS) {
        st->totals.orders++;
        size_t hour = (size_t)((r->timestamp_ms - st->rc->engine.start_ms) / HOUR_MS);
        if (hour < st->totals.n_hours) st->totals.orders_per_hour[hour]++;
    } else if (r->topic == TOPIC_ORDER_ITEMS) {
        st->totals.order_items++;
    } else if (r->topic == TOPIC_PAYMENTS || r->topic == TOPIC_SHIPMENTS) {
        d->life_events++;
    }
    return 1;
}

/* Every message of the calendar due before (release_ms, tie). */
static int publish_due(run_state *st, int64_t release_ms, uint64_t tie) {
    int due;
    while ((due = calendar_before(&st->calendar, release_ms, tie)) > 0 && !*st->stop) {
        const pending_msg *m = calendar_peek(&st->calendar);
        int sent = publish_ref(st, &m->ref, m->value);
        calendar_pop(&st->calendar);
        if (sent <= 0) return sent;
    }
    if (due < 0) return calendar_failed(st);
    return 1;
}

/* The calendar takes batch mb's held records in place, and the block they
 * are in (mb gets a spare for its next batch): they are all due before the
 * frontier's time + hold_ms. */
static int hold_batch(run_state *st, msg_batch *mb) {
    for (size_t i = 0; i < mb->n_held; i++)
        if (calendar_push_held(&st->calendar, mb->held, &mb->held_index[i]) != 0) return -1;
    if (calendar_adopt(&st->calendar, mb->held, mb->held_cap, mb->frontier_ms + st->msg_cx.hold_ms) != 0) return -1;
    mb->held = calendar_take_held_spare(&st->calendar, &mb->held_cap);
    mb->held_used = mb->n_held = 0;
    return 0;
}

/* Hands a batch's encoded messages to the sink in stream order: its
 * on-time messages merged with the calendar's, into which its lives' events
 * (and its late and duplicate messages) go first. */
static int publish_batch(run_state *st, msg_batch *mb) {
    if (mb->error[0]) {
        snprintf(st->errstr, sizeof st->errstr, "%s", mb->error);
        return -1;
    }
    for (size_t i = 0; i < mb->n_later; i++)
        if (calendar_push(&st->calendar, &mb->later[i], mb->arena) != 0) return calendar_failed(st);
    if (mb->n_held && hold_batch(st, mb) != 0) return calendar_failed(st);
    for (size_t m = 0; m < mb->n_msgs && !*st->stop; m++) {
        const msg_ref *r = &mb->msgs[m];
        int sent = publish_due(st, r->release_ms, r->tie);
        if (sent > 0) sent = publish_ref(st, r, mb->arena + r->value_off);
        if (sent <= 0) return sent; /* 0: a signal, which ends the loops */
    }
    return 0;
}

/* After batch b, every message the calendar holds with a key below b's
 * frontier (msgbatch.h): the least a later message can have. So the
 * calendar drains by time even when no on-time message comes to merge with
 * (every order late, say): it holds what is due after the frontier, no
 * more. */
static int publish_until_frontier(run_state *st, const order_batch *b) {
    if (b->n_orders == 0) return 1;
    int64_t release_ms;
    uint64_t tie;
    msg_batch_frontier(b, &release_ms, &tie);
    int sent = publish_due(st, release_ms, tie);
    if (sent > 0) calendar_release_before(&st->calendar, release_ms); /* held blocks all out */
    return sent;
}

int publish_facts(run_state *st) {
    if (!slice_active(st->rc)) pace_start(st);
    const order_batch *b;
    msg_batch *mb;
    int rc = 0;
    while (!*st->stop && (b = facts_next(st, &mb)) != NULL) {
        if (b->n_orders && b->event_time_ms[0] >= st->rc->to_ms) { /* all it makes is released after the slice */
            facts_release(st, b);
            break;
        }
        rc = publish_batch(st, mb);
        if (rc == 0 && publish_until_frontier(st, b) < 0) rc = -1;
        facts_release(st, b);
        if (rc != 0) break;
    }
    /* What is left: lives going on after the last order, late copies. */
    if (rc == 0 && publish_due(st, INT64_MAX, UINT64_MAX) < 0) rc = -1;
    st->facts_done = rc == 0 && !*st->stop;
    st->delivered.pending_peak = st->calendar.peak;
    st->delivered.pending_peak_bytes = st->calendar.peak_bytes;
    st->delivered.pending_peak_allocated = st->calendar.peak_alloc;
    st->delivered.pending_peak_spilled = st->spill.peak_bytes;
    int pool_rc = facts_stop(st, rc == 0);
    return rc != 0 ? rc : pool_rc;
}
