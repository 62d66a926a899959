/* SPDX-License-Identifier: Apache-2.0 */
/* run_state.h - what the steps of one run share (run.c, facts.c,
 * stream.c, pace.c); not used outside producer/.
 *
 * One thread, the publishing one, owns a run_state: it is not locked.
 * The generator threads touch only their own encoders and the msg_batch of
 * the ring slot they fill (facts.c), which the pool hands over in order. */
#ifndef SHOPSTREAM_RUN_STATE_H
#define SHOPSTREAM_RUN_STATE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "base/partition.h"
#include "publish/calendar.h"
#include "options/config.h"
#include "publish/embedded.h"
#include "encode/encoder.h"
#include "engine.h"
#include "gpu_stage.h"
#include "report/lateness.h"
#include "report/metrics.h"
#include "encode/msgbatch.h"
#include "pool.h"
#include "report/report.h"
#include "publish/sink.h"
#include "base/topics.h"

#define FLUSH_TIMEOUT_MS 30000 /* how long the final flush waits for delivery reports */

typedef struct run_state {
    const run_config *rc; /* settled: read only */
    engine *engine;
    gpu_stage *gpu;            /* the GPU fills the batches; NULL: the CPU */
    const char *engine_name;   /* "cpu", "gpu" or "gpu-emulated" */
    char engine_line[800];     /* which engine and why, said once the run starts */
    encoder *encoder;          /* the publishing thread's: dimensions, schema texts */
    encoder **thread_encoders; /* one per generator thread */
    change_writer *changes;    /* --changelog: the tables' change events; NULL: none */
    size_t n_thread_encoders;
    msg_batch *slot_msgs; /* one per ring slot */
    /* What encoding reads beyond a batch (lives, delivery): the generator
     * threads read it for every message, so it has cache lines of its own,
     * apart from the calendar the publishing thread writes all the time
     * (sharing a line, the load of hold_ms took a third of append's
     * samples, and the json run 4% more CPU). */
    _Alignas(64) msg_context msg_cx;
    _Alignas(64) calendar calendar; /* messages waiting for their place in the stream */
    spill spill;                    /* the calendar's far future, when it outgrows --hold-mb */
    size_t n_slot_msgs;
    gen_pool *pool;
    shard_owner owner; /* sharded runs: which orders are this shard's */
    engine_selection selection;
    uint64_t planned_orders; /* this shard's share of the plan */
    int facts_done;          /* every fact of the run (or its slice) was handed over */
    embedded_broker *broker;
    sink *sink;
    const char *brokers;             /* -b, or the embedded broker's address */
    metrics *metrics;                /* --metrics */
    int32_t schema_ids[TOPIC_COUNT]; /* the registered formats */
    run_totals totals;
    delivery_totals delivered; /* what delivery.h injected, by topic */
    char *value;               /* a dimension record's encoded value ... */
    size_t value_cap;          /* ... in the encoder's bound for them */

    /* Timing (pace.c). */
    double t0;    /* wall clock at the start */
    double pace0; /* wall clock when the first fact was due */
    double due;   /* scheduled wall time of the message being handed over */
    double next_progress, next_metrics;
    int behind_warned; /* said once that the run fell behind its schedule */
    lateness late;     /* paced runs: hand-off time - scheduled time */
    int in_place;      /* progress line rewritten on a terminal */
    int64_t sim_now_ms;
    uint64_t polls; /* messages handed over, for polling every 1024 */
    void (*tap)(void *ctx, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                int64_t timestamp_ms, int64_t release_ms); /* run_tapped's tap (verify), or NULL */
    void *tap_ctx;

    volatile sig_atomic_t *stop;    /* non-zero: a signal asked the run to stop (run.c's handler) */
    volatile sig_atomic_t *signals; /* how many came: a second cuts the final flush short */

    char errstr[1024];
} run_state;

#endif
