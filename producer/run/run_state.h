/* SPDX-License-Identifier: Apache-2.0 */
/* run_state.h - what the steps of one run share (run.c, facts.c,
 * publish.c, pace.c); not used outside producer/.
 *
 * One thread, the publishing one, owns a run_state: it is not locked.
 * The generator threads touch only their own encoders and the msg_batch of
 * the ring slot they fill (facts.c), which the pool hands over in order. */
#ifndef SHOPSTREAM_RUN_STATE_H
#define SHOPSTREAM_RUN_STATE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "config.h"
#include "embedded.h"
#include "encoder.h"
#include "engine.h"
#include "gpu_stage.h"
#include "lateness.h"
#include "metrics.h"
#include "msgbatch.h"
#include "pool.h"
#include "report.h"
#include "sink.h"
#include "topics.h"

#define FLUSH_TIMEOUT_MS 30000  /* how long the final flush waits for delivery reports */

/* The last signal asking the run to stop, and how many came: a second one
 * cuts the final flush short (run.c's handler sets them). */
extern volatile sig_atomic_t run_stop_signal;
extern volatile sig_atomic_t run_signal_count;

/* Wall-clock time, monotonic, in seconds. */
double run_now_s(void);

/* Shard I of N owns the orders whose key falls in a partition p with
 * p mod N == I: every partition has exactly one writer (docs/design.md#order). */
typedef struct shard_owner {
    int key_format;
    int32_t partitions;
    uint64_t index, count;
} shard_owner;

typedef struct run_state {
    const run_config *rc;      /* settled: read only */
    engine *engine;
    gpu_stage *gpu;            /* the GPU fills the batches; NULL: the CPU */
    const char *engine_name;   /* "cpu", "gpu" or "gpu-emulated" */
    char engine_line[800];     /* which engine and why, said once the run starts */
    encoder *encoder;          /* the publishing thread's: dimensions, schema texts */
    encoder **thread_encoders; /* one per generator thread */
    size_t n_thread_encoders;
    msg_batch *slot_msgs;      /* one per ring slot */
    msg_context msg_cx;        /* what encoding reads beyond a batch (lives, delivery) */
    calendar calendar;         /* messages waiting for their place in the stream */
    size_t n_slot_msgs;
    gen_pool *pool;
    shard_owner owner;         /* sharded runs: which orders are this shard's */
    engine_selection selection;
    uint64_t planned_orders;   /* this shard's share of the plan */
    embedded_broker *broker;
    sink *sink;
    const char *brokers;       /* -b, or the embedded broker's address */
    metrics *metrics;          /* --metrics */
    int32_t schema_ids[TOPIC_COUNT]; /* avro-confluent */
    run_totals totals;
    delivery_totals delivered; /* what delivery.h injected, by topic */
    char *value;               /* a dimension record's encoded value ... */
    size_t value_cap;          /* ... in the encoder's bound for them */

    /* Timing (pace.c). */
    double t0;                 /* wall clock at the start */
    double pace0;              /* wall clock when the first fact was due */
    double due;                /* scheduled wall time of the message being handed over */
    double next_progress, next_metrics;
    int behind_warned;         /* said once that the run fell behind its schedule */
    lateness late;             /* paced runs: hand-off time - scheduled time */
    int in_place;              /* progress line rewritten on a terminal */
    int64_t sim_now_ms;
    uint64_t polls;            /* messages handed over, for polling every 1024 */
    void (*tap)(void *ctx, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                int64_t timestamp_ms, int64_t release_ms); /* run_tapped's tap (verify), or NULL */
    void *tap_ctx;

    char errstr[1024];
} run_state;

#endif
