/* SPDX-License-Identifier: Apache-2.0 */
/* sink.c - a sink of any kind: made, handed each call to its kind's ops
 * (sink_impl.h), and the one place messages are counted and digested. */
#include "sink.h"

#include <stdio.h>
#include <stdlib.h>

#include "digest.h"
#include "sink_impl.h"

static const sink_ops *ops_of(sink_kind kind) {
    return kind == SINK_KAFKA    ? &sink_kafka_ops
           : kind == SINK_STDOUT ? &sink_stdout_ops
           : kind == SINK_FILES  ? &sink_files_ops
                                 : &sink_null_ops;
}

sink_err sink_new(const sink_config *cfg, sink **out, char *errstr, size_t errlen) {
    *out = NULL;
    sink *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(errstr, errlen, "out of memory");
        return SINK_ERR_FATAL;
    }
    if (pthread_mutex_init(&s->log_lock, NULL) != 0) {
        free(s);
        snprintf(errstr, errlen, "cannot initialise the sink's lock");
        return SINK_ERR_FATAL;
    }
    s->ops = ops_of(cfg->kind);
    s->kind = cfg->kind;
    s->columns = cfg->columns;
    s->binary_keys = cfg->binary_keys;
    s->stdout_skip = cfg->stdout_skip;
    s->stdout_base64 = cfg->stdout_base64;
    s->digest_skip = cfg->digest_skip;
    s->change_digest_skip = cfg->change_digest_skip;
    s->tap = cfg->tap;
    s->tap_ctx = cfg->tap_ctx;
    s->on_stats = cfg->on_stats;
    s->stats_opaque = cfg->stats_opaque;
    s->stop = cfg->stop;
    s->partitions = cfg->partitions > 0 ? cfg->partitions : 1;
    s->partitioner = kafka_conf_partitioner(cfg);
    s->partitioner_state = UINT64_C(0x9E3779B97F4A7C15);
    for (int t = 0; t < TOPIC_COUNT; t++) {
        snprintf(s->topic_name[t], sizeof s->topic_name[t], "%s", cfg->topics->name[t]);
        s->topic_digest[t] = digest_topic(s->topic_name[t]);
    }
    size_t chains = (size_t)TOPIC_COUNT * (size_t)s->partitions;
    s->chain = calloc(chains, sizeof *s->chain);
    s->chain_started = calloc(chains, 1);
    if (!s->chain || !s->chain_started) {
        sink_free(s);
        snprintf(errstr, errlen, "out of memory");
        return SINK_ERR_FATAL;
    }
    sink_err rc = s->ops->open(s, cfg, errstr, errlen);
    if (rc != SINK_OK) {
        sink_free(s);
        return rc;
    }
    *out = s;
    return SINK_OK;
}

void sink_free(sink *s) {
    if (!s) return;
    s->ops->close(s);
    pthread_mutex_destroy(&s->log_lock);
    free(s->chain);
    free(s->chain_started);
    free(s);
}

void sink_count_produced(sink *s, topic_id t) {
    s->counters.topic[t].produced++;
    s->counters.produced++;
}

uint64_t sink_message_hash(const sink *s, topic_id t, const void *key, size_t key_len, const void *value,
                           size_t value_len, int64_t timestamp_ms) {
    size_t vskip = topic_is_change(t) ? s->change_digest_skip : s->digest_skip;
    size_t kskip = topic_is_change(t) ? s->change_digest_skip : 0;
    if (value_len < vskip) vskip = 0; /* a tombstone */
    if (key_len < kskip) kskip = 0;
    return digest_message_in(s->topic_digest[t], (const char *)key + kskip, key_len - kskip,
                             (const char *)value + vskip, value_len - vskip, timestamp_ms);
}

void sink_count_delivered(sink *s, topic_id t, int32_t partition, const void *key, size_t key_len, const void *value,
                          size_t value_len, int64_t timestamp_ms) {
    sink_count_hashed(s, t, partition, key_len + value_len,
                      sink_message_hash(s, t, key, key_len, value, value_len, timestamp_ms));
}

void sink_count_hashed(sink *s, topic_id t, int32_t partition, size_t bytes, uint64_t h) {
    sink_topic_counters *tc = &s->counters.topic[t];
    tc->delivered++;
    tc->bytes += bytes;
    tc->digest += h;
    s->counters.delivered++;
    s->counters.bytes += bytes;
    s->counters.digest += h;
    /* The partitions exist with exactly this count (admin.c checks), so a
     * reported partition is in range; the check only keeps memory safe. */
    uint32_t p = (uint32_t)partition < (uint32_t)s->partitions ? (uint32_t)partition : 0;
    size_t i = (size_t)t * (size_t)s->partitions + p;
    uint64_t before = s->chain_started[i] ? s->chain[i] : 0;
    if (!s->chain_started[i]) {
        s->chain[i] = digest_chain_start(s->topic_digest[t], partition);
        s->chain_started[i] = 1;
    }
    s->chain[i] = digest_chain_next(s->chain[i], h);
    s->counters.order_digest += s->chain[i] - before;
}

void sink_count_failed(sink *s, topic_id t, const char *why) {
    s->counters.topic[t].failed++;
    s->counters.failed++;
    if (!s->counters.first_error[0])
        snprintf(s->counters.first_error, sizeof s->counters.first_error, "%.120s: %.120s", s->topic_name[t], why);
}

/* The partitioner's pick for a key: a pure function of it, so any thread
 * may ask; -1 when the pick is at random (no partitioner by name, or no
 * key), the sink's own, in hand-off order. librdkafka's partitioners read
 * the topic only to pick at random; shopstream's keys are never empty. */
static int32_t keyed_partition(const sink *s, const void *key, size_t key_len) {
    return s->partitioner && key_len > 0 ? s->partitioner(NULL, key, key_len, s->partitions, NULL, NULL) : -1;
}

void sink_hash_ahead_words(const sink *s, topic_id t, const void *key, size_t key_len, uint64_t key_first,
                           uint64_t key_last, const void *value, size_t value_len, int64_t timestamp_ms,
                           sink_hashed *out) {
    size_t skip = topic_is_change(t) ? s->change_digest_skip : s->digest_skip;
    if ((topic_is_change(t) && skip) || key_len < 8 || key_len > 16) { /* a framed key: not these words */
        sink_hash_ahead(s, t, key, key_len, value, value_len, timestamp_ms, out);
        return;
    }
    if (value_len < skip) skip = 0; /* a tombstone */
    out->hash = digest_message_in_words(s->topic_digest[t], key_first, key_last, key_len, (const char *)value + skip,
                                        value_len - skip, timestamp_ms);
    out->partition = keyed_partition(s, key, key_len);
    out->key_len = key_len;
}

int32_t sink_partition_of(sink *s, const void *key, size_t key_len) {
    int32_t p = keyed_partition(s, key, key_len);
    if (p >= 0) return p;
    uint64_t x = s->partitioner_state; /* at random: xorshift64 */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s->partitioner_state = x;
    return (int32_t)(x % (uint64_t)s->partitions);
}

const char *sink_topic_name(const sink *s, topic_id t) { return s->topic_name[t]; }

int sink_hashes_ahead(const sink *s) { return s->kind == SINK_NULL; }

int sink_reads_keys(const sink *s) { return s->kind != SINK_NULL || s->tap; }

void sink_hash_ahead(const sink *s, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                     int64_t timestamp_ms, sink_hashed *out) {
    out->hash = sink_message_hash(s, t, key, key_len, value, value_len, timestamp_ms);
    out->partition = keyed_partition(s, key, key_len);
    out->key_len = key_len;
}

sink_err sink_produce(sink *s, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                      int64_t timestamp_ms, const sink_hashed *ahead, char *errstr, size_t errlen) {
    if (timestamp_ms < 0 || timestamp_ms >= SINK_TIMESTAMP_LIMIT) {
        snprintf(errstr, errlen, "%s: timestamp %lld is outside [0, 2^59) ms", s->topic_name[t],
                 (long long)timestamp_ms);
        return SINK_ERR_FATAL;
    }
    return s->ops->produce(s, t, key, key_len, value, value_len, timestamp_ms, ahead, errstr, errlen);
}

void sink_poll(sink *s, int timeout_ms) { s->ops->poll(s, timeout_ms); }

uint64_t sink_flush(sink *s, int timeout_ms) { return s->ops->flush(s, timeout_ms); }

int sink_fatal(sink *s, char *errstr, size_t errlen) { return s->ops->fatal(s, errstr, errlen); }

int sink_finish(sink *s, int complete, char *errstr, size_t errlen) {
    return s->ops->finish ? s->ops->finish(s, complete, errstr, errlen) : 0;
}

const sink_counters *sink_get_counters(const sink *s) { return &s->counters; }
