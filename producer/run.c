/* run.c - one run from settings to delivered messages (see run.h).
 *
 *   engine_new          catalog and slice plan from the settings
 *   encoder_new         the .avsc files, checked against the wire contract
 *   embedded broker     when no -b is given
 *   sink_new            producer connected before anything is produced
 *   dimensions          customers, products, campaigns, flushed first
 *   facts               batches from the generator pool, in order, paced
 *   flush, summary      every message accounted for by a delivery report
 */
#include "run.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "embedded.h"
#include "encoder.h"
#include "lateness.h"
#include "metrics.h"
#include "msgbatch.h"
#include "engine.h"
#include "gpu_stage.h"
#include "pool.h"
#include "registry.h"
#include "report.h"
#include "sink.h"
#include "units.h"

#define VALUE_MAX 4096
#define FLUSH_TIMEOUT_MS 30000

static volatile sig_atomic_t stop_signal;  /* the last signal asking us to stop */
static volatile sig_atomic_t signal_count; /* a second one cuts the final flush short */

static void on_signal(int sig) {
    stop_signal = sig;
    signal_count++;
}

static void install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct run_state {
    run_config *rc;
    engine *engine;
    gpu_stage *gpu;        /* the GPU fills the batches; NULL: the CPU */
    size_t threads;        /* generator threads (GPU lanes) */
    size_t ring_slots;     /* batches in flight */
    char engine_line[640]; /* which engine and why, said once the run starts */
    const char *engine_name; /* "cpu", "gpu" or "gpu-emulated" */
    encoder *encoder;
    embedded_broker *broker;
    sink *sink;
    gen_pool *pool;
    encoder **thread_encoders; /* one per generator thread */
    size_t n_thread_encoders;
    msg_batch *slot_msgs;      /* one per ring slot */
    size_t n_slot_msgs;
    const char *topic_names[TOPIC_COUNT];
    int32_t schema_ids[TOPIC_COUNT]; /* avro-confluent */
    run_totals totals;
    char value[VALUE_MAX];
    double t0;             /* wall clock at the start */
    double pace0;          /* wall clock when the first fact was due */
    double next_progress;
    double next_metrics;
    metrics *metrics;      /* --metrics */
    double due;            /* scheduled wall time of the message being handed over */
    int behind_warned;     /* said once that the run fell behind its schedule */
    lateness late;         /* paced runs: hand-off time - scheduled time */
    int in_place;          /* progress line rewritten on a terminal */
    int64_t sim_now_ms;
    char errstr[1024];
} run_state;

static size_t make_key(const run_config *rc, int64_t id, char *key) {
    if (rc->key_format == KEY_STRING) return (size_t)snprintf(key, 24, "%" PRId64, id);
    for (int i = 0; i < 8; i++) key[i] = (char)((uint64_t)id >> (56 - 8 * i));
    return 8;
}

static void publish_metrics(run_state *st) {
    double scheduled, achieved;
    report_fact_rates(&st->totals, &scheduled, &achieved);
    metrics_publish(st->metrics, &st->totals, scheduled, achieved);
}

/* The progress line every interval, and the metrics' snapshot more often. */
static void progress(run_state *st, int force) {
    double now = now_s();
    if (st->metrics && (force || now >= st->next_metrics)) {
        st->next_metrics = now + 0.2;
        st->totals.wall_s = now - st->t0;
        st->totals.facts_wall_s = st->pace0 > 0.0 ? now - st->pace0 : 0.0;
        st->totals.sim_ms = st->sim_now_ms - engine_get_settings(st->engine)->start_ms;
        publish_metrics(st);
    }
    if (st->rc->quiet || (!force && now < st->next_progress)) return;
    st->next_progress = now + st->rc->progress_interval_s;
    st->totals.wall_s = now - st->t0;
    char when[40];
    units_format_time(st->sim_now_ms, when, sizeof when);
    when[16] = '\0'; /* to the minute */
    report_progress(stderr, st->in_place, &st->totals, when);
}

/* Produces one message; on a fatal error leaves the reason in st->errstr. */
static int publish(run_state *st, topic_id t, int64_t key_id, int len, int64_t ts) {
    char key[24];
    if (len < 0) {
        snprintf(st->errstr, sizeof st->errstr, "%s: a value outgrew %d bytes", st->topic_names[t], VALUE_MAX);
        return -1;
    }
    size_t klen = make_key(st->rc, key_id, key);
    sink_err e = sink_produce(st->sink, t, key, klen, st->value, (size_t)len, ts, st->errstr, sizeof st->errstr);
    return e == SINK_OK || e == SINK_ERR_STOPPED ? 0 : -1; /* stopped: the caller sees stop_signal */
}

/* Waits for delivery reports; 0 when all came in and none failed. */
static int drain(run_state *st, int timeout_ms) {
    double until = now_s() + timeout_ms / 1000.0;
    uint64_t left;
    char fatal[512];
    while ((left = sink_flush(st->sink, 200)) > 0 && now_s() < until) {
        progress(st, 0);
        if (signal_count >= 2 || sink_fatal(st->sink, fatal, sizeof fatal)) break;
    }
    return left == 0 && sink_get_counters(st->sink)->failed == 0 ? 0 : -1;
}

static int publish_dimensions(run_state *st) {
    if (st->rc->shard_index != 0) return 0; /* shard 0 publishes them, once */
    const catalog *c = engine_get_catalog(st->engine);
    int64_t ts = engine_get_settings(st->engine)->start_ms;
    for (size_t i = 0; i < c->n_customers && !stop_signal; i++)
        if (publish(st, TOPIC_CUSTOMERS, c->customers[i].id,
                    encoder_customer(st->encoder, &c->customers[i], st->value, VALUE_MAX), ts)) return -1;
    for (size_t i = 0; i < c->n_products && !stop_signal; i++)
        if (publish(st, TOPIC_PRODUCTS, c->products[i].id,
                    encoder_product(st->encoder, &c->products[i], st->value, VALUE_MAX), ts)) return -1;
    for (size_t i = 0; i < c->n_campaigns && !stop_signal; i++)
        if (publish(st, TOPIC_CAMPAIGNS, c->campaigns[i].id,
                    encoder_campaign(st->encoder, &c->campaigns[i], st->value, VALUE_MAX), ts)) return -1;
    /* Facts only after every dimension record is acknowledged. */
    if (drain(st, FLUSH_TIMEOUT_MS) != 0 && !stop_signal) {
        snprintf(st->errstr, sizeof st->errstr, "dimension topics were not fully delivered: %s",
                 sink_get_counters(st->sink)->first_error[0] ? sink_get_counters(st->sink)->first_error
                                                              : "timed out");
        return -1;
    }
    return 0;
}

/* Holds until event time t is due at the chosen speed, serving delivery
 * reports and the progress line meanwhile. Never stretches time: a run that
 * cannot keep up hands messages over late, and says so. */
static void pace(run_state *st, int64_t t) {
    double speed = st->rc->speed;
    if (speed <= 0.0) return;
    int64_t start = engine_get_settings(st->engine)->start_ms;
    double due = st->due = st->pace0 + (double)(t - start) / 1000.0 / speed;
    for (;;) {
        double wait = due - now_s();
        if (wait < -1.0 && !st->behind_warned && !st->rc->quiet) {
            st->behind_warned = 1;
            fprintf(stderr, "%sshopstream: falling behind the schedule by %.1f s at speed %g: the machine or "
                    "the broker cannot keep up (lateness is in the progress line and the summary)\n",
                    st->in_place ? "\n" : "", -wait, speed);
        }
        st->totals.behind_s = wait < 0.0 ? -wait : 0.0;
        if (wait <= 0.0 || stop_signal) return;
        int ms = wait > 0.1 ? 100 : (int)(wait * 1000.0);
        if (st->rc->sink == SINK_KAFKA && ms > 0) sink_poll(st->sink, ms);
        else {
            struct timespec ts = { 0, (long)(wait > 0.1 ? 1e8 : wait * 1e9) };
            nanosleep(&ts, NULL);
        }
        st->sim_now_ms = start + (int64_t)((now_s() - st->pace0) * speed * 1000.0);
        progress(st, 0);
    }
}

/* Hands a batch's encoded messages to the sink in order, pacing each order
 * (and its items) to its event time. */
static int publish_batch(run_state *st, const order_batch *b, const msg_batch *mb) {
    if (mb->error[0]) {
        snprintf(st->errstr, sizeof st->errstr, "%s", mb->error);
        return -1;
    }
    int64_t start = engine_get_settings(st->engine)->start_ms;
    size_t m = 0;
    for (size_t k = 0; k < b->n_orders && !stop_signal; k++) {
        int64_t t = b->event_time_ms[k];
        pace(st, t);
        st->sim_now_ms = t;
        for (size_t end = m + 1 + b->item_count[k]; m < end; m++) {
            const msg_ref *r = &mb->msgs[m];
            char key[24];
            size_t klen = make_key(st->rc, r->key_id, key);
            sink_err e = sink_produce(st->sink, (topic_id)r->topic, key, klen, mb->arena + r->value_off, r->value_len,
                                      r->timestamp_ms, st->errstr, sizeof st->errstr);
            if (e == SINK_ERR_STOPPED) return 0; /* a signal: stop_signal ends the loops */
            if (e != SINK_OK) return -1;
            if (st->rc->speed > 0.0) lateness_add(&st->late, (now_s() - st->due) * 1000.0);
        }
        st->totals.orders++;
        st->totals.order_items += b->item_count[k];
        size_t hour = (size_t)((t - start) / 3600000);
        if (hour < st->totals.n_hours) st->totals.orders_per_hour[hour]++;
        if ((st->totals.orders & 1023) == 0) {
            sink_poll(st->sink, 0);
            progress(st, 0);
        }
    }
    return 0;
}

/* Shard I of N takes orders I, I + N, I + 2N, ...: every shard covers the
 * whole simulated time, so paced shards stay in step. */
static uint64_t shard_orders(uint64_t total, const run_config *rc) {
    return total > rc->shard_index ? (total - rc->shard_index + rc->shard_count - 1) / rc->shard_count : 0;
}

/* --engine: the GPU stage, opened now so that a GPU that cannot serve stops
 * the run before anything is published; auto falls back to the CPU. The
 * run says which engine it took and why (engine_line) as it starts.
 *
 * With the GPU, a thread spends part of each batch waiting (blocked, not
 * spinning) for its lane, so by default there are two threads per core,
 * and at least two ring slots per thread so that none waits for a slot. */
static int choose_engine(run_state *st) {
    const run_config *rc = st->rc;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n_cores = cores > 0 ? (size_t)cores : 1;
    st->threads = rc->threads ? rc->threads : n_cores;
    st->ring_slots = rc->ring_slots;
    if (rc->engine_kind == ENGINE_CPU) {
        snprintf(st->engine_line, sizeof st->engine_line, "engine cpu, %zu threads (--engine cpu)", st->threads);
        return 0;
    }
    char why[512];
    size_t lanes = rc->threads ? rc->threads : 2 * n_cores;
    /* Only an explicit --engine gpu may be emulated (tests): auto never. */
    unsigned flags = rc->engine_kind == ENGINE_GPU ? GPU_STAGE_MAY_EMULATE : 0;
    if (gpu_stage_open(st->engine, lanes, rc->gpu_batch_orders, flags, &st->gpu, why, sizeof why) == 0) {
        int emulated = gpu_stage_emulated(st->gpu);
        st->threads = lanes;
        if (st->ring_slots < 2 * lanes) st->ring_slots = 2 * lanes < RING_SLOTS_MAX ? 2 * lanes : RING_SLOTS_MAX;
        snprintf(st->engine_line, sizeof st->engine_line,
                 "engine gpu (%s), %zu lanes of %zu-order batches, %zu encoding threads, %zu ring slots "
                 "(%.0f MiB%s)%s", gpu_stage_describe(st->gpu), st->threads, rc->gpu_batch_orders, st->threads, st->ring_slots,
                 (double)st->ring_slots * (double)order_batch_bytes(rc->gpu_batch_orders) / 1048576.0,
                 emulated ? "" : " pinned", rc->engine_kind == ENGINE_AUTO ? " (--engine auto: a GPU is usable)" : "");
        st->engine_name = emulated ? "gpu-emulated" : "gpu";
        return 0;
    }
    if (rc->engine_kind == ENGINE_GPU) {
        snprintf(st->errstr, sizeof st->errstr, "engine.kind: gpu asked for, but %s", why);
        config_locate_error(rc, st->errstr, sizeof st->errstr);
        return -1;
    }
    snprintf(st->engine_line, sizeof st->engine_line, "engine cpu, %zu threads (--engine auto: %s)", st->threads, why);
    return 0;
}

/* Runs in a generator thread after each batch: encode it for its slot. */
static void encode_filled(void *ctx, size_t thread, size_t slot, const order_batch *b) {
    run_state *st = ctx;
    msg_batch_encode(&st->slot_msgs[slot], st->thread_encoders[thread], b);
}

/* The encoders and the generator pool, started before anything is
 * published so that a ring that cannot be allocated (pinned memory for the
 * GPU, say) stops the run with nothing half-published. The generators fill
 * the ring while the dimensions go out. */
static int start_facts(run_state *st) {
    const plan *p = engine_get_plan(st->engine);
    gen_pool_options o = {
        .threads = st->threads,
        .batch_orders = st->gpu ? st->rc->gpu_batch_orders : st->rc->batch_orders,
        .ring_slots = st->ring_slots,
        .first = st->rc->shard_index,
        .stride = st->rc->shard_count,
        .count = shard_orders(p->total_orders, st->rc),
        .on_filled = encode_filled,
        .ctx = st,
        .filler = st->gpu ? gpu_stage_filler(st->gpu) : NULL,
    };
    st->thread_encoders = calloc(o.threads, sizeof *st->thread_encoders);
    st->slot_msgs = calloc(o.ring_slots, sizeof *st->slot_msgs);
    if (!st->thread_encoders || !st->slot_msgs) {
        snprintf(st->errstr, sizeof st->errstr, "out of memory");
        return -1;
    }
    st->n_slot_msgs = o.ring_slots;
    for (; st->n_thread_encoders < o.threads; st->n_thread_encoders++)
        if (encoder_new(st->rc->schema_dir, st->rc->currency, st->rc->engine.scenario.name, st->rc->format,
                        &st->thread_encoders[st->n_thread_encoders], st->errstr, sizeof st->errstr) != 0)
            return -1;
        else
            for (int t = 0; t < TOPIC_COUNT; t++)
                encoder_set_schema_id(st->thread_encoders[st->n_thread_encoders], (topic_id)t, st->schema_ids[t]);
    return gen_pool_start(st->engine, &o, &st->pool, st->errstr, sizeof st->errstr);
}

static int publish_facts(run_state *st) {
    st->pace0 = now_s();
    const order_batch *b;
    int rc = 0;
    while (!stop_signal && (b = gen_pool_next(st->pool)) != NULL) {
        rc = publish_batch(st, b, &st->slot_msgs[gen_pool_slot(st->pool, b)]);
        gen_pool_release(st->pool, b);
        if (rc != 0) break;
    }
    if (rc == 0 && gen_pool_error(st->pool)) {
        snprintf(st->errstr, sizeof st->errstr, "%s", gen_pool_error(st->pool));
        rc = -1;
    }
    gen_pool_stop(st->pool);
    gen_pool_times(st->pool, &st->totals.generate_s, &st->totals.encode_s);
    return rc;
}

static void keep_broker_up(run_state *st) {
    fprintf(stderr, "shopstream: embedded broker stays up at %s until Ctrl-C\n",
            embedded_broker_address(st->broker));
    stop_signal = 0;
    while (!stop_signal) {
        struct timespec ts = { 0, 200000000 };
        nanosleep(&ts, NULL);
    }
}

static void kafka_stats(void *opaque, const char *json, size_t len) {
    metrics_kafka_stats(opaque, json, len);
}

static void run_cleanup(run_state *st) {
    metrics_stop(st->metrics);
    gen_pool_free(st->pool);
    gpu_stage_close(st->gpu);
    for (size_t i = st->n_slot_msgs; i-- > 0;) msg_batch_free(&st->slot_msgs[i]);
    free(st->slot_msgs);
    for (size_t i = st->n_thread_encoders; i-- > 0;) encoder_free(st->thread_encoders[i]);
    free(st->thread_encoders);
    free(st->totals.orders_per_hour);
    sink_free(st->sink);
    embedded_broker_stop(st->broker);
    encoder_free(st->encoder);
    engine_free(st->engine);
}

/* avro-confluent: each topic's schema under "<topic>-value", before anything
 * is published; the ids frame every value. */
static int register_schemas(run_state *st) {
    const run_config *rc = st->rc;
    if (rc->format != FORMAT_AVRO_CONFLUENT) return 0;
    registry_config reg = { rc->registry_url, rc->registry_user_info, rc->registry_timeout_ms };
    for (int t = 0; t < TOPIC_COUNT; t++) {
        char subject[300];
        snprintf(subject, sizeof subject, "%s%s-value", rc->topic_prefix, topic_suffixes[t]);
        if (registry_register(&reg, subject, encoder_schema_text(st->encoder, (topic_id)t), &st->schema_ids[t],
                              st->errstr, sizeof st->errstr) != 0)
            return -1;
        encoder_set_schema_id(st->encoder, (topic_id)t, st->schema_ids[t]);
    }
    if (!rc->quiet)
        fprintf(stderr, "shopstream: registered value schemas at %s: %s%s-value id %d, %s%s-value id %d, ...\n",
                rc->registry_url, rc->topic_prefix, topic_suffixes[TOPIC_ORDERS], st->schema_ids[TOPIC_ORDERS],
                rc->topic_prefix, topic_suffixes[TOPIC_ORDER_ITEMS], st->schema_ids[TOPIC_ORDER_ITEMS]);
    return 0;
}

/* --rate: the intensity at which the scenario's orders and items average
 * rate_msgs_per_s over the run at its speed (realtime if none was paced). */
static int apply_rate(run_config *rc, char *errstr, size_t errlen) {
    if (rc->rate_msgs_per_s <= 0.0) return 0;
    if (rc->speed <= 0.0) {
        rc->speed = 1.0;
        fprintf(stderr, "shopstream: --rate paces the run: speed realtime instead of max\n");
    }
    engine_settings one = rc->engine;
    one.intensity = 1.0;
    plan p;
    if (plan_build(&p, &one, errstr, errlen) != 0) return -1;
    double orders = 0.0;
    for (size_t i = 0; i < p.n_slices; i++) orders += p.slices[i].expected;
    plan_free(&p);
    double items = 0.0, weight = 0.0;
    for (int i = 0; i < ITEMS_MAX; i++) { items += (i + 1) * one.items_mix[i]; weight += one.items_mix[i]; }
    double per_order = 1.0 + items / weight;
    double wall_s = (double)one.duration_ms / 1000.0 / rc->speed;
    if (orders <= 0.0) {
        snprintf(errstr, errlen, "--rate: scenario %s expects no orders at all", one.scenario.name);
        return -1;
    }
    rc->engine.intensity = rc->rate_msgs_per_s * wall_s / (orders * per_order);
    fprintf(stderr, "shopstream: --rate %g msg/s: intensity %.4f at speed %g (scenario %s: %.2f orders over %.0f s "
            "at intensity 1, %.3f messages per order); the rate follows the daily curve and the scenario around "
            "that average\n", rc->rate_msgs_per_s, rc->engine.intensity, rc->speed, one.scenario.name, orders, wall_s,
            per_order);
    return 0;
}

int run_command(run_config *rc) {
    run_state st;
    memset(&st, 0, sizeof st);
    st.rc = rc;
    st.in_place = isatty(STDERR_FILENO);
    int code = EXIT_USAGE;

    if (rc->metrics_addr[0] && metrics_start(rc->metrics_addr, &st.metrics, st.errstr, sizeof st.errstr) != 0) goto out;
    if (apply_rate(rc, st.errstr, sizeof st.errstr) != 0) goto out;
    if (engine_new(&rc->engine, &st.engine, st.errstr, sizeof st.errstr) != 0) goto out;
    if (choose_engine(&st) != 0) goto out;
    if (encoder_new(rc->schema_dir, rc->currency, rc->engine.scenario.name, rc->format, &st.encoder, st.errstr,
                    sizeof st.errstr) != 0)
        goto out;
    if (register_schemas(&st) != 0) goto out;

    sink_config sc = { rc->sink, rc->brokers, rc->topic_prefix, rc->properties, rc->n_properties,
                       rc->connect_timeout_ms, rc->partitions, rc->replication_factor,
                       encoder_frame_length(rc->format), st.metrics ? kafka_stats : NULL, st.metrics,
                       &stop_signal };
    char topic_full[TOPIC_COUNT][256];
    const char *topic_list[TOPIC_COUNT];
    for (int t = 0; t < TOPIC_COUNT; t++) {
        snprintf(topic_full[t], sizeof topic_full[t], "%s%s", rc->topic_prefix, topic_suffixes[t]);
        topic_list[t] = topic_full[t];
    }
    if (sink_check_config(&sc, st.errstr, sizeof st.errstr) != SINK_OK) goto out;
    if (rc->sink == SINK_KAFKA && rc->brokers[0] == '\0') {
        if (embedded_broker_start(topic_list, TOPIC_COUNT, rc->partitions, &st.broker, st.errstr,
                                  sizeof st.errstr) != 0)
            goto out;
        sc.brokers = embedded_broker_address(st.broker);
        fprintf(stderr, "shopstream: embedded broker at %s (watch: kcat -b %s -t %s -C)\n", sc.brokers,
                sc.brokers, topic_list[TOPIC_ORDERS]);
    }
    if (sink_new(&sc, &st.sink, st.errstr, sizeof st.errstr) != SINK_OK) goto out;
    for (int t = 0; t < TOPIC_COUNT; t++) st.topic_names[t] = sink_topic_name(st.sink, (topic_id)t);

    install_signals();
    st.totals = (run_totals){
        .sink = sink_get_counters(st.sink), .topic_names = st.topic_names,
        .scenario = rc->engine.scenario.name, .sink_name = rc->sink == SINK_KAFKA ? "kafka" : "null",
        .brokers = rc->sink == SINK_KAFKA ? sc.brokers : NULL, .seed = rc->engine.seed,
        .planned_orders = shard_orders(engine_get_plan(st.engine)->total_orders, rc),
    };
    st.totals.engine = st.engine_name ? st.engine_name : "cpu";
    st.totals.threads = st.threads;
    st.totals.shard_index = rc->shard_index;
    st.totals.shard_count = rc->shard_count;
    st.totals.n_hours = (size_t)((rc->engine.duration_ms + 3599999) / 3600000);
    st.totals.orders_per_hour = calloc(st.totals.n_hours, sizeof *st.totals.orders_per_hour);
    if (!st.totals.orders_per_hour) {
        snprintf(st.errstr, sizeof st.errstr, "out of memory");
        code = EXIT_FAILED;
        goto out;
    }
    st.totals.late = &st.late;
    st.totals.speed = rc->speed;
    st.t0 = now_s();
    st.sim_now_ms = rc->engine.start_ms;
    if (start_facts(&st) != 0) goto out;
    code = EXIT_FAILED;
    fprintf(stderr, "shopstream: %s\n", st.engine_line);
    int rc_pub = publish_dimensions(&st);
    if (rc_pub == 0 && !stop_signal) rc_pub = publish_facts(&st);
    st.totals.facts_wall_s = st.pace0 > 0.0 ? now_s() - st.pace0 : 0.0;
    if (rc_pub != 0 && !stop_signal) fprintf(stderr, "shopstream: %s\n", st.errstr);
    st.totals.interrupted = stop_signal != 0;
    int drained = drain(&st, FLUSH_TIMEOUT_MS);
    st.totals.wall_s = now_s() - st.t0;
    st.totals.complete = rc_pub == 0 && st.totals.orders == st.totals.planned_orders;
    st.totals.sim_ms = st.sim_now_ms - rc->engine.start_ms;
    if (st.totals.complete) st.totals.sim_ms = rc->engine.duration_ms;
    if (!rc->quiet) report_progress_end(stderr, st.in_place);
    report_summary(stderr, &st.totals);
    if (sink_fatal(st.sink, st.errstr, sizeof st.errstr)) fprintf(stderr, "shopstream: %s\n", st.errstr);

    code = drained != 0 || rc_pub != 0 ? EXIT_FAILED
         : st.totals.interrupted ? EXIT_INTERRUPTED : EXIT_DONE;
    if (code == EXIT_DONE && !st.totals.complete) code = EXIT_FAILED; /* orders missing, whatever the cause */
    if (rc->stats_json[0] && report_stats_json(rc->stats_json, &st.totals, st.errstr, sizeof st.errstr) != 0) {
        fprintf(stderr, "shopstream: %s\n", st.errstr);
        if (code == EXIT_DONE) code = EXIT_FAILED;
    }
    if (st.metrics) {
        publish_metrics(&st); /* the final figures, equal to the summary's */
        if (rc->metrics_linger_s > 0 && !st.totals.interrupted) {
            fprintf(stderr, "shopstream: serving the final metrics for %g s more\n", rc->metrics_linger_s);
            for (double until = now_s() + rc->metrics_linger_s; now_s() < until && !stop_signal;) {
                struct timespec ts = { 0, 50000000 };
                nanosleep(&ts, NULL);
            }
        }
    }
    if (rc->keep_broker && st.broker && !st.totals.interrupted) keep_broker_up(&st);
    run_cleanup(&st);
    return code;
out:
    fprintf(stderr, "shopstream: %s\n", st.errstr);
    run_cleanup(&st);
    return code;
}
