/* SPDX-License-Identifier: Apache-2.0 */
/* sink.h - where encoded messages go: Kafka through librdkafka, or nowhere.
 *
 * The Kafka sink (sink_kafka.c) is an idempotent librdkafka producer with
 * the murmur2_random partitioner; message timestamps are the event times
 * given; every message ends in a delivery report that counts it and digests
 * it in the partition the broker wrote it to. The null sink (sink_null.c)
 * counts and digests at hand-off, for benchmarks and checks; the stdout sink
 * (sink_stdout.c) writes each message as a line (a JSON value, after its
 * topic and decoded key if asked), for previews with jq, and counts and
 * digests it once the whole line was written.
 * Both compute each message's partition with the partitioner the Kafka sink
 * would use (kafka_conf.h), so the two digests are the same for all three:
 *   content_digest  the sum of the messages' hashes: blind to order and
 *                   partition, so any split of the run adds up;
 *   order_digest    per (topic, partition) a hash chained over its messages
 *                   in the order the partition got them, summed: sees a
 *                   swapped pair and a message in another partition, and
 *                   still adds up over shards (a partition has one writer).
 *
 * @locks One thread produces, polls and flushes, and reads the counters;
 * delivery reports run on that thread (inside poll and flush): no lock
 * guards the counters. sink_impl.h says what librdkafka's threads touch. */
#ifndef SHOPSTREAM_SINK_H
#define SHOPSTREAM_SINK_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "base/kinds.h"
#include "base/topics.h"
#include "topic_limits.h"

typedef enum sink_err {
    SINK_OK = 0,
    SINK_ERR_CONFIG,  /* a bad property: usage error */
    SINK_ERR_CONNECT, /* the brokers cannot be reached */
    SINK_ERR_TOPICS,  /* topics cannot be created, exist with another partition count, or would
                       * delete or refuse the run's records (admin.h) */
    SINK_ERR_FATAL,   /* the producer cannot go on (e.g. a fatal idempotence error) */
    SINK_ERR_STOPPED, /* *stop was set while waiting for room in a full queue */
} sink_err;

typedef struct sink_config {
    sink_kind kind;
    const char *brokers;
    const topic_names *topics;
    const sink_property *properties; /* applied in order, after shopstream's defaults */
    size_t n_properties;
    int connect_timeout_ms;
    int partitions;            /* of every topic: created so, or checked */
    int replication_factor;    /* of created topics; < 1: the broker's default */
    size_t digest_skip;        /* leading value bytes the digest leaves out (a registry frame): event topics */
    size_t change_digest_skip; /* the change topics': their keys' and values' frame (none in a tombstone) */
    void (*on_stats)(void *opaque, const char *json, size_t len); /* librdkafka statistics, each second */
    void *stats_opaque;
    volatile sig_atomic_t *stop; /* non-zero: stop waiting for queue room (a signal) */
    stdout_columns columns;      /* --sink stdout */
    int binary_keys;             /* keys are 8-byte big-endian ids: stdout prints them in decimal */
    size_t stdout_skip;          /* --sink stdout: leading value bytes not printed (json-schema-confluent's frame) */
    int stdout_base64;           /* --sink stdout: values printed in base64 (protobuf: binary); event topics only */
    int versioned_products;      /* products carry versions: their topic keeps them all */
    int versioned_customers;     /* and customers (their closed accounts tombstones) */
    topic_window window;         /* the run's records in time: topics are checked to keep and take them */
    int allow_data_loss;         /* a retention or compaction that loses records: a warning, not a refusal */
    int embedded_broker;         /* the brokers are the embedded one: its topics have no limits to check */
    /* The null sink hands each message to tap too, when set (verify). */
    void (*tap)(void *ctx, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                int64_t timestamp_ms);
    void *tap_ctx;
    /* --sink files (sink_files.c) */
    const char *out_dir;                  /* checked by settle/files.h: exists, writable, no file of ours */
    file_format file_format;              /* jsonl or avro */
    file_codec file_codec;                /* settled: never CODEC_AUTO */
    uint64_t file_roll_bytes;             /* a file is closed past this size */
    size_t file_row_group_bytes;          /* parquet: a row group past this many bytes of values */
    int file_add;                         /* beside an earlier run's files: n after theirs */
    uint64_t shard_index, shard_count;    /* names: part-<shard>-<n>; _SUCCESS per shard */
    uint64_t file_tag;                    /* the seed: Avro sync markers are a function of the run */
    const char *schema_text[TOPIC_COUNT]; /* avro: each table's writer schema */
} sink_config;

typedef struct sink_topic_counters {
    uint64_t produced;
    uint64_t delivered;
    uint64_t failed;
    uint64_t bytes;  /* key + value bytes delivered */
    uint64_t digest; /* the topic's part of content_digest: slices add up topic by topic */
} sink_topic_counters;

typedef struct sink_counters {
    sink_topic_counters topic[TOPIC_COUNT];
    uint64_t produced, delivered, failed, bytes;
    uint64_t digest;            /* content_digest: sum of delivered messages' hashes */
    uint64_t order_digest;      /* sum over (topic, partition) of each one's chain (digest.h) */
    uint64_t files, file_bytes; /* --sink files: files completed (renamed to their names), their bytes */
    uint64_t file_held_peak;    /* ... and the most its open writers held at once (allocated bytes) */
    char first_error[256];
} sink_counters;

typedef struct sink sink;

/* The run is over: --sink files closes its open files under their names
 * and, when complete, writes each table's _SUCCESS; the other sinks have
 * nothing to do. -1 with why in errstr (a file that could not be
 * completed is removed). */
int sink_finish(sink *s, int complete, char *errstr, size_t errlen);

/* Message timestamps must lie in [0, SINK_TIMESTAMP_LIMIT) ms since the epoch. */
#define SINK_TIMESTAMP_LIMIT (INT64_C(1) << 59)

/* Checks the properties alone, before anything starts (e.g. the embedded broker). */
sink_err sink_check_config(const sink_config *cfg, char *errstr, size_t errlen);

sink_err sink_new(const sink_config *cfg, sink **out, char *errstr, size_t errlen);
void sink_free(sink *s);

const char *sink_topic_name(const sink *s, topic_id t);

/* A message's digest work done ahead of its hand-off, on a generator thread
 * (the null sink's, where digesting is most of the publishing thread's
 * work): its content hash and partition (-1: the sink picks at hand-off,
 * partitioner=random). */
typedef struct sink_hashed {
    uint64_t hash;
    int32_t partition;
    size_t key_len;
} sink_hashed;

/* 1 when s takes its messages' hashes worked out ahead (the null sink): the
 * Kafka sink hashes what its delivery reports return, the stdout and files
 * sinks what they wrote. */
int sink_hashes_ahead(const sink *s);

/* Whether s reads a key that comes with a hash worked out ahead: the null
 * sink only when it has a tap (verify). When not, the key may be left
 * unwritten (NULL), its length ahead->key_len. */
int sink_reads_keys(const sink *s);

/* The hash and partition s would work out for this message at hand-off.
 * Reads only what sink_new set, so any thread may call it, at any time
 * between sink_new and sink_free. */
void sink_hash_ahead(const sink *s, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                     int64_t timestamp_ms, sink_hashed *out);
/* The same for a key of 8 to 16 bytes whose first and last 8 bytes the
 * caller also holds as words (digest_message_in_words): the partition still
 * reads the key. */
void sink_hash_ahead_words(const sink *s, topic_id t, const void *key, size_t key_len, uint64_t key_first,
                           uint64_t key_last, const void *value, size_t value_len, int64_t timestamp_ms,
                           sink_hashed *out);

/* Hands one message over, waiting while the local queue is full (polling
 * for delivery reports meanwhile). ahead: sink_hash_ahead's for this very
 * message, or NULL (a sink that does not take them ignores it). */
sink_err sink_produce(sink *s, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                      int64_t timestamp_ms, const sink_hashed *ahead, char *errstr, size_t errlen);

/* Serves delivery reports for up to timeout_ms. */
void sink_poll(sink *s, int timeout_ms);

/* Waits up to timeout_ms for every message to be reported; returns how many
 * are still outstanding. */
uint64_t sink_flush(sink *s, int timeout_ms);

/* A fatal producer error, if one happened (written into errstr). */
int sink_fatal(sink *s, char *errstr, size_t errlen);

const sink_counters *sink_get_counters(const sink *s);

/* librdkafka's version, as it says it. */
const char *sink_library_version(void);

#endif
