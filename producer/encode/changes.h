/* SPDX-License-Identifier: Apache-2.0 */
/* changes.h - the shop's tables as Debezium's PostgreSQL connector writes
 * their change events (docs/guide/changelog.md): keys {"id": N} and values
 * {"before", "after", "source", "op", "ts_ms", "transaction"}, as Kafka
 * Connect's JsonConverter writes them with schemas.enable false, or true
 * ({"schema": ..., "payload": ...}), or as Confluent's AvroConverter does
 * (changes_avro.h: Avro behind the registry's 5-byte frame, key and value).
 *
 * The writer is made once at start; with avro, the registry's ids are set
 * (change_set_schema_ids) before the first message; after that it is only
 * read: the generator threads (orders, items) and the publishing thread
 * (customers, products) share it without locks. Every value of a table
 * fits change_bound() bytes, known at start, so a buffer of that size never
 * fails. */
#ifndef SHOPSTREAM_CHANGES_H
#define SHOPSTREAM_CHANGES_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "catalog.h"
#include "tables.h"
#include "base/kinds.h"
#include "base/topics.h"

typedef struct change_writer change_writer;

/* For the change topics of names (topic_names_add_changes made them);
 * start_ms: the run's start, lsn's origin; prefix: source.name. */
int change_writer_new(const topic_names *names, const char *prefix, const char *schema, changelog_format format,
                      int64_t start_ms, const char *currency, change_writer **out, char *errstr, size_t errlen);
void change_writer_free(change_writer *w);

/* The most bytes a value of change topic t takes. */
size_t change_bound(const change_writer *w, topic_id t);

#define CHANGE_KEY_MAX 512
/* The key of row id in change topic t; returns its length. */
size_t change_key(const change_writer *w, topic_id t, int64_t id, char key[CHANGE_KEY_MAX]);
/* The same key when it is json's {"id":N} with 0 <= N < 10^8 (8 to 15
 * bytes), made in two words and written with two 8-byte stores; *first and
 * *last are its first and last 8 bytes as a little-endian load reads them,
 * so a hash need not read the key back at once (digest_message_in_words).
 * 0, nothing written, for any other key (the caller uses change_key). */
size_t change_key_words(const change_writer *w, topic_id t, int64_t id, char key[CHANGE_KEY_MAX], uint64_t *first,
                        uint64_t *last);

/* The schema text of change topic t's key (key 1) or value that the
 * registry must hold: NULL unless the format registers them (avro). */
const char *change_schema_text(const change_writer *w, topic_id t, int key);
/* The registry's ids for topic t's key and value schemas. */
void change_set_schema_ids(change_writer *w, topic_id t, int32_t key_id, int32_t value_id);
/* The bytes of registry frame before a change key's or value's payload
 * in this format: 5 for avro, else 0 (a tombstone has none). */
size_t change_frame_length(changelog_format format);

/* Where a change sits in its transaction (lsn's low byte): an order's
 * insert, its lines' (1-5); an event of its life with step s at 16 s + part
 * (part: a line deleted, 0-4, or the order itself, 8); a product version;
 * the snapshot's records. */
#define CHANGE_SUB_ORDER 0u
#define CHANGE_SUB_LINE(line) (1u + (unsigned)(line))
#define CHANGE_SUB_LIFE(step, part) (16u * (unsigned)(step) + (unsigned)(part))
#define CHANGE_SUB_LIFE_ORDER 8u
#define CHANGE_SUB_PRODUCT 250u
#define CHANGE_SUB_CUSTOMER 251u
#define CHANGE_SUB_SNAPSHOT_PRODUCT 252u
#define CHANGE_SUB_SNAPSHOT_CUSTOMER 253u

/* One change: its op ('r', 'c', 'u', 'd'), time and place. */
typedef struct change_event {
    char op;
    const char *snapshot; /* "true", "last" or "false" */
    int64_t ts_ms;
    uint64_t lsn;
} change_event;

/* ((ts_ms - start + 1) << 28) | ((id mod 2^20) << 8) | sub; a snapshot's
 * (ts_ms < 0): (id mod 2^20) << 8 | sub. */
uint64_t change_lsn(const change_writer *w, int64_t ts_ms, int64_t id, unsigned sub);

/* Each writes one value into buf and returns its length (-1: cap too
 * small). A NULL before or after is null (an insert, a delete). */
int change_customer(const change_writer *w, const change_event *e, const customer *c, const customer_version *before,
                    const customer_version *after, char *buf, size_t cap);
int change_product(const change_writer *w, const change_event *e, const product *p, const product_version *before,
                   const product_version *after, char *buf, size_t cap);
/* An order's row as text (with avro: Avro bytes) but for what its life
 * changes (status, refunded_cents, updated_at): made once per order, for
 * its every change event. */
typedef struct order_text {
    char text[640];           /* a currency of up to 255 bytes escaped and the rest */
    uint16_t b_at, c_at, len; /* the segments [0, b_at), [b_at, c_at), [c_at, len) */
} order_text;
void change_order_text(const change_writer *w, const order_batch *b, size_t k, order_text *out);

int change_order(const change_writer *w, const change_event *e, const order_text *t, const order_row *before,
                 const order_row *after, char *buf, size_t cap);
int change_order_item(const change_writer *w, const change_event *e, const order_batch *b, size_t k, size_t line,
                      int deleted, char *buf, size_t cap);

#endif
