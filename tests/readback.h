/* SPDX-License-Identifier: Apache-2.0 */
/* readback.h - reading back what a shopstream run published, for the tests
 * that check it on a broker (test_real_broker, test_broker_kill, test_faults):
 * an independent librdkafka consumer that reads a topic from its beginning to
 * the high watermark, avro-c decoding of values with the schemas/ .avsc files,
 * 8-byte big-endian keys, findings (violations counted, the first described),
 * and the child-process and clock helpers those tests share. Functions that
 * find something impossible (a reader that cannot be made, a schema that does
 * not parse, out of memory) fail the calling Criterion test. */
#ifndef SHOPSTREAM_TEST_READBACK_H
#define SHOPSTREAM_TEST_READBACK_H

#include <avro.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The topics a run publishes, in the order it publishes them. */
enum { T_CUSTOMERS, T_PRODUCTS, T_CAMPAIGNS, T_ORDERS, T_ORDER_ITEMS, T_PAYMENTS, T_SHIPMENTS, TOPICS };
extern const char *const readback_topic_suffix[TOPICS];
extern const char *const readback_schema_file[TOPICS]; /* "schemas/NAME.avsc" */
extern const char *const readback_key_field[TOPICS];   /* the field a key is made of */

/* ---- time ---- */
double readback_now_s(void);     /* CLOCK_MONOTONIC, in seconds */
void readback_sleep_s(double s); /* nothing when s <= 0 */

/* ---- findings: every violation of a claim counted, the first described ---- */
typedef struct readback_finding {
    const char *claim;
    uint64_t count;
    char first[512];
} readback_finding;

void readback_note(readback_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* cr_expect that f counted nothing. */
void readback_expect_no_violation(const readback_finding *f);

int readback_compare_int64(const void *a, const void *b); /* for qsort and bsearch */
/* p grown (realloc) to hold at least need elements of elem bytes; *cap updated. */
void *readback_grow(void *p, size_t *cap, size_t need, size_t elem);

/* ---- the consumer ---- */

/* A consumer of addr that commits nothing, reports partition EOF, never
 * creates topics and checks CRCs. group: "PREFIX" makes the group.id
 * PREFIX-PID (assign() needs one), NULL none; log_level: NULL for the default. */
rd_kafka_t *readback_new_reader(const char *addr, const char *group, const char *log_level);
void readback_close_reader(rd_kafka_t *rk); /* consumer_close and destroy */

/* The topic's partition count from broker metadata: -1 with *err when the
 * broker does not answer; 0 (with *err the topic's error) when it does not
 * have the topic. */
int32_t readback_partition_count(rd_kafka_t *rk, const char *topic, int timeout_ms, rd_kafka_resp_err_t *err);

typedef void (*readback_visitor)(void *ctx, const rd_kafka_message_t *m, int32_t partitions);

/* Reads partitions 0..partitions-1 of topic from the beginning up to the high
 * watermarks found before reading, handing each message to visit in offset
 * order within its partition; returns how many it read. A problem (watermarks
 * not answered, assign failed, a consumer error, not at the end within
 * deadline_s) stops it and is described in problem (else ""). low_not_0: when
 * not NULL, a partition whose low watermark is not 0 is a problem, "partition
 * P starts at offset O, not 0" followed by low_not_0. */
uint64_t readback_read_topic(rd_kafka_t *rk, const char *topic, int32_t partitions, int timeout_ms, double deadline_s,
                             const char *low_not_0, readback_visitor visit, void *ctx, char *problem, size_t cap);

/* 0 and *id when the key is 8 bytes, read as a big-endian id; else -1. */
int readback_key_id(const rd_kafka_message_t *m, int64_t *id);

/* ---- avro-c values of the schemas/ .avsc files ---- */
typedef struct readback_decoder {
    avro_schema_t schema;
    avro_value_iface_t *iface;
    avro_value_t value;
    int open;
} readback_decoder;

/* Opens $SHOPSTREAM_SOURCE_DIR/relative_avsc; fails the test when it cannot. */
void readback_decoder_open(readback_decoder *d, const char *relative_avsc);
void readback_decoder_close(readback_decoder *d); /* also on a zeroed or closed one */

enum { READBACK_DECODED = 0, READBACK_NO_READER, READBACK_NOT_A_RECORD, READBACK_LEFTOVER };
/* Decodes bytes into d->value as exactly one record: READBACK_DECODED, or why
 * not (READBACK_NOT_A_RECORD leaves avro_strerror() saying why). */
int readback_decode(readback_decoder *d, const void *bytes, size_t len);

/* 0 and *out when rec has that long (int) field, else -1. */
int readback_get_long(avro_value_t *rec, const char *name, int64_t *out);
int readback_get_int(avro_value_t *rec, const char *name, int32_t *out);

/* ---- the run's stats and child ---- */

/* support_read_stats, asserting it read the file. */
json_t *readback_read_stats(const char *path);

/* Starts bin with args (NULL-terminated, without argv[0]) in the background,
 * stdin from /dev/null, stdout to out_path (NULL: /dev/null) and stderr to
 * err_path; the child dies with the calling process. Returns its pid. */
pid_t readback_spawn(const char *bin, const char *const *args, const char *out_path, const char *err_path);
/* SIGKILL pid and reap it. */
void readback_kill(pid_t pid);
/* The last cap-1 bytes of a file into buf: 0, or -1 (buf "") when it cannot be opened. */
int readback_file_tail(const char *path, char *buf, size_t cap);

#endif
