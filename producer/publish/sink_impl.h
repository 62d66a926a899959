/* SPDX-License-Identifier: Apache-2.0 */
/* sink_impl.h - what the three sinks share, private to publish/: the sink
 * object, each kind's operations, and the one place a delivered message is
 * counted and digested (sink_count_delivered, or its two steps).
 *
 * Each kind is a file: sink_kafka.c (librdkafka), sink_null.c (nothing,
 * for benchmarks and verify's tap) and sink_stdout.c (a line a message);
 * sink.c makes a sink and hands every call to its kind's ops.
 *
 * Locks: one thread produces, polls and flushes, and reads the counters;
 * librdkafka calls on_delivery from that thread too (inside poll and
 * flush), so counters, chains and order_digest are not locked. Only
 * last_log is written from librdkafka's own threads: log_lock guards it. */
#ifndef SHOPSTREAM_SINK_IMPL_H
#define SHOPSTREAM_SINK_IMPL_H

#include <pthread.h>

#include "kafka_conf.h"
#include "sink.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;

typedef struct sink_ops {
    sink_err (*open)(sink *s, const sink_config *cfg, char *errstr, size_t errlen);
    /* Hands one message over; the kind counts it produced (and, when it
     * does not wait for a report, delivered) through sink_count_*. */
    sink_err (*produce)(sink *s, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                        int64_t timestamp_ms, const sink_hashed *ahead, char *errstr, size_t errlen);
    void (*poll)(sink *s, int timeout_ms);
    uint64_t (*flush)(sink *s, int timeout_ms); /* messages still outstanding */
    int (*fatal)(sink *s, char *errstr, size_t errlen);
    void (*close)(sink *s);
    int (*finish)(sink *s, int complete, char *errstr, size_t errlen); /* NULL: nothing to finish */
} sink_ops;

extern const sink_ops sink_kafka_ops, sink_null_ops, sink_stdout_ops, sink_files_ops;

struct sink {
    const sink_ops *ops;
    sink_kind kind;
    void (*on_stats)(void *opaque, const char *json, size_t len);
    void *stats_opaque;
    volatile sig_atomic_t *stop;
    size_t digest_skip;        /* event topics' values */
    size_t change_digest_skip; /* change topics' keys and values */
    void (*tap)(void *ctx, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                int64_t timestamp_ms);
    void *tap_ctx;
    char topic_name[TOPIC_COUNT][TOPIC_NAME_MAX + 1];
    uint64_t topic_digest[TOPIC_COUNT]; /* digest_topic of each name */
    sink_counters counters;

    /* The order digest: one chain per (topic, partition), in the order the
     * partition received its messages (digest.h). */
    int32_t partitions;
    uint64_t *chain;                  /* [topic * partitions + partition] */
    unsigned char *chain_started;     /* the same index: 1 once a message came */
    kafka_partitioner_fn partitioner; /* the null and stdout sinks': the Kafka sink's, by name */
    uint64_t partitioner_state;       /* partitioner=random: its own xorshift */

    /* --sink stdout (sink_stdout.c): lines wait in out until written with
     * write(2); each is counted delivered once all its bytes were written. */
    stdout_columns columns;
    int binary_keys;
    size_t stdout_skip;        /* event value bytes not printed */
    int stdout_base64;         /* event values printed in base64 */
    char *out;                 /* the lines not yet written */
    size_t out_len, out_cap;   /* bytes in out, and its size */
    struct stdout_line *lines; /* each line in out: where it ends, what counting it takes */
    size_t n_lines, lines_cap; /* lines in out, and the array's size */
    int out_errno;             /* the write error that ended the output; 0: none */

    /* --sink files (sink_files.c) */
    struct files_state *files;

    /* --sink kafka */
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt[TOPIC_COUNT];
    int connected;            /* the cluster answered: from then on errors are the run's news */
    int debug;                /* -X debug=...: librdkafka's log lines go to stderr as they come */
    pthread_mutex_t log_lock; /* @locks last_log (librdkafka logs from its own threads) */
    char last_log[400];       /* the last warning or error librdkafka logged, for our one line */
};

/* One message handed over (produced). */
void sink_count_produced(sink *s, topic_id t);

/* One message delivered to partition p: the counters, content_digest and
 * p's chain in order_digest. value is whole (the frame is skipped here). */
void sink_count_delivered(sink *s, topic_id t, int32_t partition, const void *key, size_t key_len, const void *value,
                          size_t value_len, int64_t timestamp_ms);

/* sink_count_delivered in two steps, for a sink that learns a message is
 * delivered after its bytes are gone (stdout): its hash, taken at hand-off,
 * and the count, with bytes = key_len + value_len. */
uint64_t sink_message_hash(const sink *s, topic_id t, const void *key, size_t key_len, const void *value,
                           size_t value_len, int64_t timestamp_ms);
void sink_count_hashed(sink *s, topic_id t, int32_t partition, size_t bytes, uint64_t h);

/* One message that will never be delivered; the first reason is kept
 * (counters.first_error, "topic: why"). */
void sink_count_failed(sink *s, topic_id t, const char *why);

/* The null and stdout sinks: the partition the Kafka sink's partitioner
 * gives this key. */
int32_t sink_partition_of(sink *s, const void *key, size_t key_len);

#endif
