/* SPDX-License-Identifier: Apache-2.0 */
/* run.c - `shopstream run`: the steps from settled settings to delivered
 * messages, and the exit code (see run.h).
 *
 *   (signals            installed by main before parsing: run_install_signals)
 *   metrics             --metrics binds its port
 *   facts_init          the calendar's spill file (--spill-dir), engine
 *                       (catalog, plan) and, if settled so, the GPU
 *   encoder             the .avsc files, checked against the wire contract
 *   registry            the registered formats: schemas registered
 *   sink_check_config   librdkafka properties, before any broker is touched
 *   embedded broker     when no -b is given
 *   sink_new            producer connected, topics ready: made or checked to keep
 *                       and take the run's timestamps (publish/admin.h)
 *   facts_start         encoders and generator pool (the ring allocated)
 *   dimensions          customers, products, campaigns, acknowledged first
 *   facts               batches in order, paced
 *   drain, summary      every message accounted for by a delivery report
 *
 * Everything that can refuse the run does so before the first message. */
#include "report/report.h"
#include "run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facts.h"
#include "pace.h"
#include "stream.h"
#include "settle/slice.h"
#include "simtime.h"

/* The last signal asking the run to stop, and how many came: a second one
 * cuts the final flush short. Only on_signal writes them; the steps read
 * them through run_state (stop, signals). */
static volatile sig_atomic_t run_stop_signal;
static volatile sig_atomic_t run_signal_count;

static void on_signal(int sig) {
    run_stop_signal = sig;
    run_signal_count++;
}

/* SIGINT and SIGTERM stop the run with a flush and a summary; a closed
 * stderr or stdout (`| head`) must not kill it: SIGPIPE is ignored. */
void run_install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void kafka_stats(void *opaque, const char *json, size_t len) { metrics_kafka_stats(opaque, json, len); }

static void keep_broker_up(run_state *st) {
    fprintf(stderr, "shopstream: embedded broker stays up at %s until Ctrl-C\n", embedded_broker_address(st->broker));
    run_stop_signal = 0;
    while (!run_stop_signal) {
        struct timespec ts = { 0, 200000000 };
        nanosleep(&ts, NULL);
    }
}

static void linger_metrics(run_state *st) {
    const run_config *rc = st->rc;
    pace_publish_metrics(st); /* the final figures, equal to the summary's */
    if (rc->metrics_linger_s <= 0 || st->totals.interrupted) return;
    fprintf(stderr, "shopstream: serving the final metrics for %g s more\n", rc->metrics_linger_s);
    for (double until = wall_now_s() + rc->metrics_linger_s; wall_now_s() < until && !run_stop_signal;) {
        struct timespec ts = { 0, 50000000 };
        nanosleep(&ts, NULL);
    }
}

static void run_cleanup(run_state *st) {
    metrics_free(st->metrics);
    facts_free(st);
    free(st->totals.orders_per_hour);
    sink_free(st->sink);
    embedded_broker_free(st->broker);
    encoder_free(st->encoder);
    change_writer_free(st->changes);
    free(st->value);
}

/* The null sink's tap, for run_tapped: the message and when it is released. */
static void sink_tap(void *ctx, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                     int64_t timestamp_ms) {
    run_state *st = ctx;
    st->tap(st->tap_ctx, t, key, key_len, value, value_len, timestamp_ms, st->sim_now_ms);
}

/* The encoder, the registry, the sink and its brokers: all before anything
 * is published, each a usage error when it refuses. */
static int open_outputs(run_state *st) {
    const run_config *rc = st->rc;
    if (encoder_new(rc->schema_dir, rc->currency, rc->engine.scenario.name, (value_format)rc->format, &st->encoder,
                    st->errstr, sizeof st->errstr) != 0)
        return -1;
    for (int t = 0; t < TOPIC_FIRST_FACT; t++)
        if (encoder_value_bound(st->encoder, (topic_id)t) > st->value_cap)
            st->value_cap = encoder_value_bound(st->encoder, (topic_id)t);
    if (rc->changelog != CHANGELOG_NONE) {
        if (change_writer_new(&rc->topics, rc->changelog_prefix, rc->changelog_schema,
                              (changelog_format)rc->changelog_format, rc->engine.start_ms, rc->currency, &st->changes,
                              st->errstr, sizeof st->errstr) != 0)
            return -1;
        st->msg_cx.changes = st->changes;
        for (int t = TOPIC_EVENT_COUNT; t < TOPIC_COUNT; t++)
            if (change_bound(st->changes, (topic_id)t) > st->value_cap)
                st->value_cap = change_bound(st->changes, (topic_id)t);
    }
    if (!(st->value = malloc(st->value_cap))) {
        snprintf(st->errstr, sizeof st->errstr, "out of memory");
        return -1;
    }
    if (publish_register_schemas(st) != 0) return -1;
    sink_config sc = {
        .kind = (sink_kind)rc->sink,
        .brokers = rc->brokers,
        .topics = &rc->topics,
        .properties = rc->properties,
        .n_properties = rc->n_properties,
        .connect_timeout_ms = rc->connect_timeout_ms,
        .partitions = rc->partitions,
        .replication_factor = rc->replication_factor,
        .digest_skip = encoder_frame_length((value_format)rc->format),
        .change_digest_skip = change_frame_length((changelog_format)rc->changelog_format),
        .on_stats = st->metrics ? kafka_stats : NULL,
        .stats_opaque = st->metrics,
        .stop = &run_stop_signal,
        .columns = (stdout_columns)rc->stdout_columns,
        .binary_keys = rc->key_format == KEY_BINARY,
        .stdout_skip =
            rc->format == FORMAT_JSON_SCHEMA_CONFLUENT ? encoder_frame_length(FORMAT_JSON_SCHEMA_CONFLUENT) : 0,
        .stdout_base64 = rc->format == FORMAT_PROTOBUF || rc->format == FORMAT_PROTOBUF_CONFLUENT,
        .versioned_products = rc->engine.product_changes,
        .versioned_customers = rc->engine.customer_changes,
        /* Every timestamp lies in [start, end): lives and product versions
         * stop before the end; late and duplicate copies keep theirs. */
        .window = { rc->engine.start_ms, rc->engine.start_ms + rc->engine.duration_ms - 1,
                    delivery_longest_ms(engine_get_delivery(st->engine)), rc->speed },
        .allow_data_loss = rc->allow_data_loss,
        .tap = st->tap ? sink_tap : NULL,
        .tap_ctx = st,
        .out_dir = rc->out_dir,
        .file_format = (file_format)rc->file_format,
        .file_codec = (file_codec)rc->file_codec,
        .file_roll_bytes = (uint64_t)rc->file_roll_mb << 20,
        .file_add = rc->file_add,
        .file_row_group_bytes = rc->file_row_group_mb << 20,
        .shard_index = rc->shard_index,
        .shard_count = rc->shard_count,
        .file_tag = rc->engine.seed,
    };
    for (int t = 0; t < TOPIC_COUNT; t++) sc.schema_text[t] = encoder_schema_text(st->encoder, (topic_id)t);
    if (sink_check_config(&sc, st->errstr, sizeof st->errstr) != SINK_OK) return -1;
    if (rc->sink == SINK_KAFKA && rc->brokers[0] == '\0') {
        if (embedded_broker_new(rc->topics.list, (size_t)rc->topics.n, rc->partitions, &st->broker, st->errstr,
                                sizeof st->errstr) != 0)
            return -1;
        sc.brokers = embedded_broker_address(st->broker);
        sc.embedded_broker = 1;
        fprintf(stderr, "shopstream: embedded broker at %s (watch: kcat -b %s -t %s -C)\n", sc.brokers, sc.brokers,
                rc->topics.name[TOPIC_ORDERS]);
    }
    st->brokers = sc.brokers;
    return sink_new(&sc, &st->sink, st->errstr, sizeof st->errstr) == SINK_OK ? 0 : -1;
}

static int start_totals(run_state *st) {
    const run_config *rc = st->rc;
    st->totals = (run_totals){
        .sink = sink_get_counters(st->sink),
        .topic_names = rc->topics.list,
        .n_topics = rc->topics.n,
        .scenario = rc->engine.scenario.name,
        .sink_name = sink_kind_names[rc->sink],
        .brokers = rc->sink == SINK_KAFKA ? st->brokers : NULL,
        .seed = rc->engine.seed,
        .planned_orders = st->planned_orders,
        .engine = st->engine_name,
        .threads = rc->threads,
        .shard_index = rc->shard_index,
        .shard_count = rc->shard_count,
        .n_hours = (size_t)((rc->engine.duration_ms + HOUR_MS - 1) / HOUR_MS),
        .late = &st->late,
        .speed = rc->speed,
        .delivery = &st->delivered,
    };
    st->totals.orders_per_hour = calloc(st->totals.n_hours, sizeof *st->totals.orders_per_hour);
    if (!st->totals.orders_per_hour) {
        snprintf(st->errstr, sizeof st->errstr, "out of memory");
        return -1;
    }
    st->t0 = wall_now_s();
    st->sim_now_ms = slice_origin_ms(rc);
    return 0;
}

/* Publishes, drains and reports; returns the exit code. */
static int stream(run_state *st) {
    const run_config *rc = st->rc;
    if (!st->tap) report_line(stderr, st->engine_line); /* a tapped run (verify) speaks through its caller */
    int rc_pub = publish_dimensions(st);
    if (rc_pub == 0 && !run_stop_signal) rc_pub = publish_facts(st);
    st->totals.facts_wall_s = st->pace0 > 0.0 ? wall_now_s() - st->pace0 : 0.0;
    if (rc_pub != 0 && !run_stop_signal) report_line(stderr, st->errstr);
    st->totals.interrupted = run_stop_signal != 0;
    int drained = publish_drain(st, FLUSH_TIMEOUT_MS);
    st->totals.wall_s = wall_now_s() - st->t0;
    /* A slice's orders are those whose message it releases: complete when
     * every fact of it was handed over (its planned count is an estimate). */
    st->totals.complete =
        rc_pub == 0 && (slice_active(rc) ? st->facts_done : st->totals.orders == st->totals.planned_orders);
    int64_t end = rc->engine.start_ms + rc->engine.duration_ms;
    st->totals.sim_ms = st->totals.complete ? (rc->to_ms < end ? rc->to_ms : end) - slice_origin_ms(rc)
                                            : st->sim_now_ms - slice_origin_ms(rc);
    /* --sink files: the open files under their names, _SUCCESS if complete */
    if (sink_finish(st->sink, st->totals.complete, st->errstr, sizeof st->errstr) != 0) {
        if (rc_pub == 0) report_line(stderr, st->errstr);
        rc_pub = -1;
        st->totals.complete = 0;
    }
    if (!rc->quiet) report_progress_end(stderr, st->in_place);
    if (!st->tap) report_summary(stderr, &st->totals);
    char fatal[sizeof st->errstr]; /* said once: not again when it was the run's error */
    int said = rc_pub != 0 && !run_stop_signal;
    if (sink_fatal(st->sink, fatal, sizeof fatal) && !(said && strcmp(fatal, st->errstr) == 0))
        report_line(stderr, fatal);

    int code = drained != 0 || rc_pub != 0 ? EXIT_FAILED : st->totals.interrupted ? EXIT_INTERRUPTED : EXIT_DONE;
    if (code == EXIT_DONE && !st->totals.complete) code = EXIT_FAILED; /* orders missing, whatever the cause */
    if (rc->stats_json[0] && report_stats_json(rc->stats_json, &st->totals, st->errstr, sizeof st->errstr) != 0) {
        report_line(stderr, st->errstr);
        if (code == EXIT_DONE) code = EXIT_FAILED;
    }
    return code;
}

int run_command(const run_config *rc) { return run_tapped(rc, NULL, NULL); }

int run_tapped(const run_config *rc, run_tap tap, void *tap_ctx) {
    static run_state st; /* large (a value buffer, the lateness histogram): not on the stack */
    memset(&st, 0, sizeof st);
    st.rc = rc;
    st.tap = tap;
    st.tap_ctx = tap_ctx;
    st.stop = &run_stop_signal;
    st.signals = &run_signal_count;
    st.in_place = isatty(STDERR_FILENO);
    if (rc->rate_note[0]) report_line(stderr, rc->rate_note);
    if (rc->scenario_note[0]) report_line(stderr, rc->scenario_note);

    int code = EXIT_USAGE;
    if (rc->metrics_addr[0] && metrics_new(rc->metrics_addr, &st.metrics, st.errstr, sizeof st.errstr) != 0) {
        char msg[sizeof st.errstr];
        snprintf(msg, sizeof msg, "%s", st.errstr);
        config_blame(rc, offsetof(run_config, metrics_addr), msg, st.errstr, sizeof st.errstr);
        goto fail;
    }
    if (facts_init(&st) != 0 || open_outputs(&st) != 0) goto fail;
    code = EXIT_FAILED;
    if (start_totals(&st) != 0) goto fail;
    code = EXIT_USAGE;
    if (facts_start(&st) != 0) goto fail; /* the ring and encoders, before the first message */

    code = stream(&st);
    if (st.metrics) linger_metrics(&st);
    if (rc->keep_broker && st.broker && !st.totals.interrupted) keep_broker_up(&st);
    run_cleanup(&st);
    return code;
fail:
    report_line(stderr, st.errstr);
    run_cleanup(&st);
    return code;
}
