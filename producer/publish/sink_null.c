/* SPDX-License-Identifier: Apache-2.0 */
/* sink_null.c - the null sink: nothing is sent, each message is counted and
 * digested at hand-off, in the partition the Kafka sink's partitioner gives
 * its key, and handed to the tap when there is one (verify). Its hash and
 * partition may come worked out ahead (sink_hash_ahead), by a generator
 * thread: the same numbers, off the publishing thread. */
#include "sink_impl.h"

static sink_err null_open(sink *s, const sink_config *cfg, char *errstr, size_t errlen) {
    (void)s, (void)cfg, (void)errstr, (void)errlen;
    return SINK_OK;
}

static sink_err null_produce(sink *s, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                             int64_t timestamp_ms, const sink_hashed *ahead, char *errstr, size_t errlen) {
    (void)errstr, (void)errlen;
    sink_count_produced(s, t);
    if (ahead) /* key: unwritten unless there is a tap; a pick at random reads only its length */
        sink_count_hashed(s, t, ahead->partition >= 0 ? ahead->partition : sink_partition_of(s, key, key_len),
                          key_len + value_len, ahead->hash);
    else
        sink_count_delivered(s, t, sink_partition_of(s, key, key_len), key, key_len, value, value_len, timestamp_ms);
    if (s->tap) s->tap(s->tap_ctx, t, key, key_len, value, value_len, timestamp_ms);
    return SINK_OK;
}

static void null_poll(sink *s, int timeout_ms) { (void)s, (void)timeout_ms; }

static uint64_t null_flush(sink *s, int timeout_ms) {
    (void)s, (void)timeout_ms;
    return 0;
}

static int null_fatal(sink *s, char *errstr, size_t errlen) {
    (void)s, (void)errstr, (void)errlen;
    return 0;
}

static void null_close(sink *s) { (void)s; }

const sink_ops sink_null_ops = { null_open, null_produce, null_poll, null_flush, null_fatal, null_close, NULL };
