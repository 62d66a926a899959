/* SPDX-License-Identifier: Apache-2.0 */
/* verify_cmd.c - `shopstream verify`: do the topics hold exactly the run?
 *
 * What the run publishes is built by running it again into the null sink
 * (same options, at max speed) with a tap that notes each message: its
 * partition by the Java client's partitioner, its id (the key) and a 64-bit
 * hash of (topic, key, value, timestamp), in publish order per partition.
 * The topics are then read back (consume.h) and noted the same way, and
 * verify_diff.h compares the two. A sharded run is verified as a whole,
 * with no --shard: each partition has one writer, so together the shards
 * publish what one process does. A run still in progress (--until T): each
 * partition must hold a prefix of the run's, at least every message
 * released before simulated time T (0 or more after --start). Options that
 * cannot describe a run verify can rebuild (--start now, another sink,
 * --shard, another partitioner, a -X librdkafka refuses) are refused before
 * anything is rebuilt or read (check_options). Records the broker deleted
 * from the start of a partition (its log start offset moved: retention, or
 * DeleteRecords) are counted apart from missing ones: deleted_by_broker.
 * A run published as slices one after another (--from/--to, cut at the
 * times --cuts lists) is rebuilt slice after slice, so each slice's
 * dimensions are expected where it published them.
 *
 * Memory: 16 bytes per message of the run, twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/consume.h"
#include "publish/digest.h"
#include "publish/kafka_conf.h"
#include "base/partition.h"
#include "report/report.h"
#include "commands.h"
#include "verify_diff.h"
#include "base/output.h"
#include "base/units.h"
#include "options/options.h"
#include "settle/slice.h"

typedef struct verify_state {
    const run_config *rc;
    uint64_t topic_digest[TOPIC_COUNT]; /* digest_topic of each topic's name */
    int32_t partitions;
    verify_diff *diff;
} verify_state;

static int64_t key_id(const verify_state *v, const void *key, size_t len) {
    if (v->rc->key_format == KEY_BINARY && len == 8) {
        const unsigned char *k = key;
        uint64_t id = 0;
        for (int i = 0; i < 8; i++) id = id << 8 | k[i];
        return (int64_t)id;
    }
    char text[32];
    snprintf(text, sizeof text, "%.*s", (int)(len < 31 ? len : 31), (const char *)key);
    return strtoll(text, NULL, 10);
}

static uint64_t hash_of(const verify_state *v, size_t topic, const void *key, size_t key_len, const void *value,
                        size_t value_len, int64_t ts) {
    return digest_message_in(v->topic_digest[topic], key, key_len, value, value_len, ts);
}

/* run_tapped's tap: what the run publishes, and when. */
static void note_expected(void *ctx, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                          int64_t ts, int64_t release_ms) {
    verify_state *v = ctx;
    verify_diff_expect(v->diff, t, partition_for_key(key, key_len, v->partitions),
                       hash_of(v, (size_t)t, key, key_len, value, value_len, ts), key_id(v, key, key_len), release_ms);
}

/* consume.h's callback: what the topics hold. */
static void note_found(void *ctx, size_t t, int32_t p, const void *key, size_t key_len, const void *value,
                       size_t value_len, int64_t ts) {
    verify_state *v = ctx;
    verify_diff_found(v->diff, (topic_id)t, p, partition_for_key(key, key_len, v->partitions),
                      hash_of(v, t, key, key_len, value, value_len, ts), key_id(v, key, key_len));
}

/* consume.h's log start callback: records the broker deleted. */
static void note_start(void *ctx, size_t t, int32_t p, int64_t log_start) {
    verify_state *v = ctx;
    verify_diff_log_start(v->diff, (topic_id)t, p, log_start);
}

static void json_ids(FILE *out, const char *key, const int64_t *ids, size_t n) {
    fprintf(out, ", \"%s\": [", key);
    for (size_t i = 0; i < n; i++) fprintf(out, "%s%lld", i ? ", " : "", (long long)ids[i]);
    fputc(']', out);
}

static void print_report(FILE *out, const verify_state *v, int all_exact) {
    fprintf(out, "{\"exact\": %s, \"topics\": {", all_exact ? "true" : "false");
    for (int t = 0; t < v->rc->topics.n; t++) {
        const verify_topic_report *r = verify_diff_report(v->diff, (topic_id)t);
        fprintf(out,
                "%s\n  \"%s\": {\"expected\": %llu, \"found\": %llu, \"missing\": %llu, "
                "\"deleted_by_broker\": %llu, \"unexpected\": %llu, \"extra_copies\": %llu, \"differing\": %llu, "
                "\"partitions_out_of_order\": %llu, \"misplaced\": %llu",
                t ? "," : "", v->rc->topics.name[t], (unsigned long long)r->expected, (unsigned long long)r->found,
                (unsigned long long)r->missing, (unsigned long long)r->deleted_by_broker,
                (unsigned long long)r->unexpected, (unsigned long long)r->extra_copies,
                (unsigned long long)r->differing, (unsigned long long)r->out_of_order,
                (unsigned long long)r->misplaced);
        json_ids(out, "missing_ids", r->missing_ids, r->n_missing_ids);
        json_ids(out, "unexpected_ids", r->unexpected_ids, r->n_unexpected_ids);
        fputc('}', out);
    }
    fputs("\n}}\n", out);
}

/* --until: ISO-8601 UTC, or a duration after --start (0 or more: --until
 * 0s asks for nothing yet, only that every partition holds a prefix). */
static int parse_until(const run_config *rc, int64_t *until_ms, char *errstr, size_t errlen) {
    int64_t ms;
    if (units_time_ms(rc->verify_until, until_ms) == 0) return 0;
    if (units_delay_ms(rc->verify_until, &ms) == 0) {
        *until_ms = rc->engine.start_ms + ms;
        return 0;
    }
    char msg[200];
    snprintf(msg, sizeof msg,
             "expected a time such as 2026-11-01T06:00:00Z or a duration after --start such as 6h, "
             "got '%.100s'",
             rc->verify_until);
    config_blame(rc, offsetof(run_config, verify_until), msg, errstr, errlen);
    return -1;
}

/* The options verify takes are the run's. Refused, before anything is
 * rebuilt or read, those that cannot describe a run it can check: --start
 * now (the wall clock of a run cannot be rebuilt; auto is the latest UTC
 * midnight with the run in the past, the same all day, so a run is
 * verified with it the day it began), a --sink other than kafka (nothing
 * was published to read back), --shard (the shards of a run are verified
 * together, as one run), a partitioner other than Kafka's default (verify
 * places each key as it does; random places none), a -X librdkafka
 * refuses (as the producer refuses it). Options that do not change what
 * the run publishes (--speed, --threads, --engine, --metrics, ...) are
 * taken and have no effect; --rate is kept, with the --speed it reads:
 * together they choose the intensity. */
static int check_options(const run_config *rc, const consume_config *cc, char *errstr, size_t errlen) {
    if (!rc->brokers[0]) CONFIG_REFUSE(brokers, "expected the brokers the run published to");
    if (rc->start_mode == START_NOW)
        CONFIG_REFUSE(engine.start_ms,
                      "expected a fixed time or auto for verify (a run at now cannot be rebuilt), got now");
    if (rc->sink != SINK_KAFKA)
        CONFIG_REFUSE(sink, "expected kafka for verify (it reads the run back from Kafka), got %s",
                      sink_kind_names[rc->sink]);
    if (rc->shard_auto || rc->shard_count != 1) {
        char shard[64];
        options_format_value(rc, options_by_offset(offsetof(run_config, shard_index)), shard, sizeof shard);
        CONFIG_REFUSE(shard_index, "expected no shard for verify (the shards of a run are verified together), got %s",
                      shard);
    }
    const char *partitioner = kafka_conf_partitioner_name(rc->properties, rc->n_properties);
    if (strcmp(partitioner, "murmur2_random") != 0 && strcmp(partitioner, "murmur2") != 0) {
        snprintf(errstr, errlen,
                 "-X partitioner=%.100s: expected murmur2_random or murmur2 for verify (it puts each key where "
                 "Kafka's default partitioner does), got %.100s",
                 partitioner, partitioner);
        return -1;
    }
    return consume_check_config(cc, errstr, errlen);
}

int verify_command(const run_config *rc) {
    static verify_state v;
    memset(&v, 0, sizeof v);
    v.rc = rc;
    v.partitions = rc->partitions;
    for (int t = 0; t < TOPIC_COUNT; t++) v.topic_digest[t] = digest_topic(rc->topics.name[t]);
    char errstr[1024];
    int code = EXIT_USAGE;
    const option_spec *partitions_row = options_by_offset(offsetof(run_config, partitions));
    consume_config cc = { .brokers = rc->brokers,
                          .properties = rc->properties,
                          .n_properties = rc->n_properties,
                          .topics = rc->topics.list,
                          .n_topics = (size_t)rc->topics.n,
                          .timeout_ms = rc->connect_timeout_ms > 0 ? rc->connect_timeout_ms : 10000,
                          .progress = !rc->quiet,
                          .max_partitions = (int32_t)partitions_row->max,
                          .on_start = note_start };
    int64_t until_ms = INT64_MAX, cuts[SLICE_CUTS_MAX];
    size_t n_cuts = 0;
    if (check_options(rc, &cc, errstr, sizeof errstr) != 0 ||
        (rc->verify_until[0] && parse_until(rc, &until_ms, errstr, sizeof errstr) != 0) ||
        slice_cuts(rc, cuts, &n_cuts, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        goto out;
    }
    if (verify_diff_new(v.partitions, until_ms, &v.diff, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        goto out;
    }
    /* What the run publishes: the run again, into the null sink; with
     * --cuts, slice after slice, each noted after the one before. */
    static run_config quiet;
    quiet = *rc;
    quiet.sink = SINK_NULL;
    quiet.quiet = 1;
    quiet.speed = 0.0;
    quiet.stats_json[0] = quiet.metrics_addr[0] = '\0';
    for (size_t i = 0; i <= n_cuts; i++) {
        quiet.from_ms = i == 0 ? rc->from_ms : cuts[i - 1];
        quiet.to_ms = i == n_cuts ? rc->to_ms : cuts[i];
        if (run_tapped(&quiet, note_expected, &v) != EXIT_DONE) {
            code = EXIT_FAILED;
            goto out;
        }
        quiet.rate_note[0] = quiet.scenario_note[0] = '\0'; /* said once, not per slice */
    }
    int32_t partitions[TOPIC_COUNT];
    for (int t = 0; t < TOPIC_COUNT; t++) partitions[t] = v.partitions; /* the run's topics' come from the broker */
    uint64_t total = 0;
    if (consume_all(&cc, note_found, &v, partitions, &total, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
        goto out;
    }
    code = EXIT_FAILED;
    if (verify_diff_oom(v.diff)) {
        report_line(stderr, "out of memory noting messages");
        goto out;
    }
    int all = verify_diff_compare(v.diff, partitions);
    uint64_t expected = 0, found = 0;
    for (int t = 0; t < rc->topics.n; t++) {
        expected += verify_diff_report(v.diff, (topic_id)t)->expected;
        found += verify_diff_report(v.diff, (topic_id)t)->found;
    }
    print_report(stdout, &v, all);
    char written[300];
    int write_failed = output_check(stdout, "stdout", written, sizeof written) != 0;
    char line[1200];
    if (all) {
        if (until_ms == INT64_MAX)
            snprintf(line, sizeof line,
                     "verify: exact: %d topics hold the run's %llu messages, in order, in their "
                     "partitions%s",
                     rc->topics.n, (unsigned long long)expected, n_cuts ? ", published slice after slice" : "");
        else
            snprintf(line, sizeof line,
                     "verify: exact up to --until %s: %d topics hold the first %llu messages of "
                     "the run, in order, in their partitions",
                     rc->verify_until, rc->topics.n, (unsigned long long)expected);
    } else {
        size_t off = (size_t)snprintf(line, sizeof line, "verify: differs: %llu messages expected, %llu found;",
                                      (unsigned long long)expected, (unsigned long long)found);
        for (int t = 0; t < rc->topics.n && off < sizeof line; t++) {
            const verify_topic_report *r = verify_diff_report(v.diff, (topic_id)t);
            if (verify_topic_exact(r)) continue;
            off +=
                (size_t)snprintf(line + off, sizeof line - off,
                                 " %s: %llu missing, %llu unexpected, %llu extra copies, %llu out of order, "
                                 "%llu misplaced, %llu deleted by the broker;",
                                 rc->topics.name[t], (unsigned long long)r->missing, (unsigned long long)r->unexpected,
                                 (unsigned long long)r->extra_copies, (unsigned long long)r->out_of_order,
                                 (unsigned long long)r->misplaced, (unsigned long long)r->deleted_by_broker);
        }
        if (rc->start_mode == START_AUTO && off < sizeof line) { /* the likeliest cause when all is missing */
            char start[40];
            units_format_time(rc->engine.start_ms, start, sizeof start);
            snprintf(line + off, sizeof line - off,
                     " (--start auto rebuilt the run from %s: a run begun another day needs its own --start)", start);
        }
    }
    fprintf(stderr, "shopstream: %s\n", line);
    if (write_failed) report_line(stderr, written); /* the verdict stands; its JSON did not reach stdout */
    code = all && !write_failed ? EXIT_DONE : EXIT_FAILED;
out:
    verify_diff_free(v.diff);
    return code;
}
