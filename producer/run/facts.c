/* SPDX-License-Identifier: Apache-2.0 */
/* facts.c - engine, GPU stage, encoders and the generator pool (see facts.h). */
#include "facts.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/partition.h"
#include "settle/slice.h"
#include "stream.h"

/* A slice's share of the planned orders, for the progress line: those
 * the plan places in [from, to) (late copies may move a few across). */
static void slice_planned(run_state *st) {
    const plan *p = engine_get_plan(st->engine);
    uint64_t in = 0;
    for (size_t i = 0; i < p->n_slices; i++)
        if (p->slices[i].start_ms >= st->rc->from_ms && p->slices[i].start_ms < st->rc->to_ms) in += p->slices[i].count;
    if (p->total_orders) st->planned_orders = (uint64_t)((double)st->planned_orders * in / p->total_orders + 0.5);
}

int facts_init(run_state *st) {
    const run_config *rc = st->rc;
    /* the calendar's spill file first: before the sink makes a topic */
    if (spill_open(&st->spill, rc->spill_dir, st->errstr, sizeof st->errstr) == 0) {
        calendar_spill_to(&st->calendar, &st->spill, rc->hold_mb << 20);
    } else if (rc->spill_dir_default) { /* a read-only container: run, uncapped, and say so */
        char note[sizeof st->errstr + 200];
        snprintf(note, sizeof note,
                 "note: no spill file can be made in %s: what waits for its time stays in memory, past "
                 "--hold-mb (give --spill-dir a writable directory to cap it)",
                 st->errstr);
        report_line(stderr, note);
        st->errstr[0] = '\0';
    } else {
        char msg[sizeof st->errstr + 64];
        snprintf(msg, sizeof msg, "expected a directory a temporary file can be made in, got %s", st->errstr);
        config_blame(rc, offsetof(run_config, spill_dir), msg, st->errstr, sizeof st->errstr);
        return -1;
    }
    if (engine_new(&rc->engine, &st->engine, st->errstr, sizeof st->errstr) != 0) return -1;
    st->planned_orders = engine_get_plan(st->engine)->total_orders;
    if (rc->shard_count > 1) {
        st->owner = (shard_owner){ rc->key_format == KEY_STRING, rc->partitions, rc->shard_index, rc->shard_count };
        st->selection = (engine_selection){ shard_owns, &st->owner };
        st->planned_orders = engine_count_selected(st->engine, &st->selection);
    }
    if (slice_active(rc)) slice_planned(st);
    st->msg_cx = (msg_context){ .life = engine_get_life_model(st->engine),
                                .delivery = engine_get_delivery(st->engine),
                                .customers = engine_get_catalog(st->engine)->customers }; /* changes: open_outputs */
    st->engine_name = "cpu";
    if (rc->engine_kind == ENGINE_CPU) {
        snprintf(st->engine_line, sizeof st->engine_line, "engine cpu, %zu threads (%.600s)", rc->threads,
                 rc->engine_reason);
        return 0;
    }
    char why[512];
    if (gpu_stage_new(st->engine, rc->threads, rc->gpu_batch_orders, GPU_STAGE_MAY_EMULATE, &st->gpu, why,
                      sizeof why) != 0) {
        char msg[700];
        if (rc->engine_asked == ENGINE_GPU)
            snprintf(msg, sizeof msg, "gpu asked for, but %s", why);
        else
            snprintf(msg, sizeof msg, "gpu chosen (%.150s), but %.500s", rc->engine_reason, why);
        config_blame(rc, offsetof(run_config, engine_kind), msg, st->errstr, sizeof st->errstr);
        return -1;
    }
    int emulated = gpu_stage_emulated(st->gpu);
    snprintf(st->engine_line, sizeof st->engine_line,
             "engine gpu (%s), %zu lanes of %zu-order batches, %zu encoding threads, %zu ring slots (%.0f MiB%s) (%s)",
             gpu_stage_describe(st->gpu), rc->threads, rc->gpu_batch_orders, rc->threads, rc->ring_slots,
             (double)rc->ring_slots * (double)order_batch_bytes(rc->gpu_batch_orders) / 1048576.0,
             emulated ? "" : " pinned", rc->engine_reason);
    st->engine_name = emulated ? "gpu-emulated" : "gpu";
    return 0;
}

/* How far below the publishing thread the generator threads run (nice):
 * publishing is the one serial step, and where threads outnumber cores (2
 * generator threads and the publisher on 2 cores, by default) a generator
 * sharing the publisher's core would halve it while the other ran ahead and
 * then waited for ring slots. With it the publisher goes first. perf stat
 * of 5 interleaved rounds each, a day at intensity 100 to the null sink:
 * with change streams 1,022,417 orders/s against 961,360 at the same
 * priority, events alone 2,880,824 against 2,789,268. Within the process's
 * autogroup (Linux's default for a session) it moves nothing else. */
#define GENERATORS_BELOW_PUBLISHER 5

/* Runs in a generator thread on each message as it is encoded (msgbatch.h,
 * on_message): the sink's hash and partition of it, worked out here rather
 * than on the publishing thread (sink_hash_ahead). */
static void hash_ahead(void *ctx, msg_ref *r, const char *value) {
    const run_state *st = ctx;
    char key[CHANGE_KEY_MAX];
    sink_hashed h;
    topic_id t = (topic_id)r->topic;
    uint64_t first, last; /* a json change key's words, made in registers: not read back from key at once */
    size_t klen = topic_is_change(t) ? change_key_words(st->changes, t, r->key_id, key, &first, &last) : 0;
    if (klen) {
        sink_hash_ahead_words(st->sink, t, key, klen, first, last, value, r->value_len, r->timestamp_ms, &h);
    } else {
        klen = message_key(st, t, r->key_id, key);
        sink_hash_ahead(st->sink, t, key, klen, value, r->value_len, r->timestamp_ms, &h);
    }
    r->hash = h.hash;
    r->partition = h.partition;
    r->key_len = (uint16_t)klen; /* at most CHANGE_KEY_MAX */
}

/* Runs in a generator thread after each batch: encode it for its slot. */
static void encode_filled(void *ctx, size_t thread, size_t slot, const order_batch *b) {
    run_state *st = ctx;
    msg_batch_encode(&st->slot_msgs[slot], st->thread_encoders[thread], &st->msg_cx, b);
}

int facts_start(run_state *st) {
    const run_config *rc = st->rc;
    gen_pool_options o = {
        .threads = rc->threads,
        .batch_orders = st->gpu ? rc->gpu_batch_orders : rc->batch_orders,
        .ring_slots = rc->ring_slots,
        .first = 0,
        .stride = 1,
        .count = engine_get_plan(st->engine)->total_orders, /* a shard's selection, a slice's release times */
        .select = rc->shard_count > 1 ? &st->selection : NULL,
        .on_filled = encode_filled,
        .ctx = st,
        .filler = st->gpu ? gpu_stage_filler(st->gpu) : NULL,
        .lower_priority = GENERATORS_BELOW_PUBLISHER,
    };
    /* With change streams, a message is ~25 times the bytes and encoding them
     * the generator threads' work: hashing there balances the two sides (and
     * reads each value while it is still in cache). Without, the generator
     * threads are the busier side and the publishing thread hashes. */
    if (sink_hashes_ahead(st->sink) && st->changes) {
        st->msg_cx.on_message = hash_ahead;
        st->msg_cx.on_message_ctx = st;
    }
    /* With change streams, the order updates of the next half hour are most
     * of what waits in the calendar: the generator threads fold those due
     * within their batch into it and write the rest where the calendar keeps
     * them (msgbatch.h), rather than the publishing thread copying them
     * there. Without, the generator threads are the busier side (one of
     * them beside the publisher on 2 cores), and the publishing thread
     * copies. */
    if (st->changes) {
        st->msg_cx.fold_due = 1; /* without change streams it slowed the event topics alone by 16% */
        st->msg_cx.hold_ms = (int64_t)CALENDAR_HOT_BUCKETS * CALENDAR_BUCKET_MS;
    }
    st->thread_encoders = calloc(o.threads, sizeof *st->thread_encoders);
    st->slot_msgs = calloc(o.ring_slots, sizeof *st->slot_msgs);
    if (!st->thread_encoders || !st->slot_msgs) {
        snprintf(st->errstr, sizeof st->errstr, "out of memory");
        return -1;
    }
    st->n_slot_msgs = o.ring_slots;
    for (; st->n_thread_encoders < o.threads; st->n_thread_encoders++) {
        encoder **e = &st->thread_encoders[st->n_thread_encoders];
        if (encoder_new(rc->schema_dir, rc->currency, rc->engine.scenario.name, (value_format)rc->format, e, st->errstr,
                        sizeof st->errstr) != 0)
            return -1;
        for (int t = 0; t < TOPIC_COUNT; t++) encoder_set_schema_id(*e, (topic_id)t, st->schema_ids[t]);
    }
    return gen_pool_new(st->engine, &o, &st->pool, st->errstr, sizeof st->errstr);
}

const order_batch *facts_next(run_state *st, msg_batch **messages) {
    const order_batch *b = gen_pool_next(st->pool);
    if (b) *messages = &st->slot_msgs[gen_pool_slot(st->pool, b)];
    return b;
}

void facts_release(run_state *st, const order_batch *b) { gen_pool_release(st->pool, b); }

int facts_stop(run_state *st, int report_error) {
    if (!st->pool) return 0;
    int failed = gen_pool_error(st->pool) != NULL;
    if (failed && report_error) snprintf(st->errstr, sizeof st->errstr, "%s", gen_pool_error(st->pool));
    gen_pool_stop(st->pool);
    gen_pool_times(st->pool, &st->totals.generate_s, &st->totals.encode_s);
    return failed ? -1 : 0;
}

void facts_free(run_state *st) {
    gen_pool_free(st->pool);
    gpu_stage_free(st->gpu);
    for (size_t i = st->n_slot_msgs; i-- > 0;) msg_batch_free(&st->slot_msgs[i]);
    calendar_free(&st->calendar);
    spill_close(&st->spill);
    free(st->slot_msgs);
    for (size_t i = st->n_thread_encoders; i-- > 0;) encoder_free(st->thread_encoders[i]);
    free(st->thread_encoders);
    engine_free(st->engine);
}
