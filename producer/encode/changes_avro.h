/* SPDX-License-Identifier: Apache-2.0 */
/* changes_avro.h - the change events of changes.h as Confluent's
 * AvroConverter writes them for Debezium (--changelog-format avro): each
 * key and value Avro binary behind the 5-byte frame (magic 0, the schema id
 * big-endian), its schema changes_schema.h's, registered as <topic>-key and
 * <topic>-value before the first message.
 *
 * Made once at start by change_writer_new; the schema ids are set once
 * after registration, before any message is written; then only read, by the
 * generator threads and the publishing thread alike, without locks. Every
 * value of a table fits change_avro_bound() bytes, frame included. */
#ifndef SHOPSTREAM_CHANGES_AVRO_H
#define SHOPSTREAM_CHANGES_AVRO_H

#include <stddef.h>
#include <stdint.h>

#include "changes.h"

typedef struct change_avro change_avro;

/* For the change topics of names; prefix: source.name; -1 with one line in
 * errstr (a name no Avro namespace can be made of, memory). */
int change_avro_new(const topic_names *names, const char *prefix, const char *schema, const char *currency,
                    change_avro **out, char *errstr, size_t errlen);
void change_avro_free(change_avro *a);

/* The schema text of topic t's key (key 1) or value, to register. */
const char *change_avro_schema(const change_avro *a, topic_id t, int key);
/* The registry's ids for them, written into every frame after. */
void change_avro_set_ids(change_avro *a, topic_id t, int32_t key_id, int32_t value_id);

size_t change_avro_bound(const change_avro *a, topic_id t);
size_t change_avro_key(const change_avro *a, topic_id t, int64_t id, char key[CHANGE_KEY_MAX]);

/* As changes.h's, in Avro; the caller (changes.c) has checked cap against
 * the bound. */
int change_avro_customer(const change_avro *a, const change_event *e, const customer *c, const customer_version *before,
                         const customer_version *after, char *buf);
int change_avro_product(const change_avro *a, const change_event *e, const product *p, const product_version *before,
                        const product_version *after, char *buf);
/* Order k's row in Avro but for status, refunded_cents and updated_at, in
 * order_text's three segments (they go between them): once per order. */
void change_avro_order_text(const change_avro *a, const order_batch *b, size_t k, order_text *out);
int change_avro_order(const change_avro *a, const change_event *e, const order_text *t, const order_row *before,
                      const order_row *after, char *buf);
int change_avro_order_item(const change_avro *a, const change_event *e, const order_batch *b, size_t k, size_t line,
                           int deleted, char *buf);

#endif
