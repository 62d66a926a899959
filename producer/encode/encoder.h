/* SPDX-License-Identifier: Apache-2.0 */
/* encoder.h - each topic's values in the run's format: Avro (avro-c and
 * the .avsc files), protobuf (protobuf-c's code generated from the .proto
 * files, read again at start and checked), or JSON (the .schema.json files
 * checked at start for json-schema-confluent), framed for a registry.
 *
 * encoder_new() reads the .avsc files at run time, checks that each holds the
 * fields docs/design.md#the-wire-contract names, with the types the engine writes, and maps the
 * engine's enum codes to the schema's symbols by name. The encode functions
 * write one Avro binary value into buf and return its length: through
 * avro-c, or for the fact topics directly when their schema is exactly the
 * contract's (the same bytes, which test_encoder proves).
 *
 * An encoder is used by one thread at a time. */
#ifndef SHOPSTREAM_ENCODER_H
#define SHOPSTREAM_ENCODER_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "catalog.h"
#include "lifecycle.h"
#include "base/kinds.h"
#include "base/topics.h"

typedef struct encoder encoder;

int encoder_new(const char *schema_dir, const char *currency, const char *scenario, value_format format, encoder **out,
                char *errstr, size_t errlen);

/* The text of a topic's schema in the run's format, as read (to register
 * it): the .avsc, .proto or .schema.json. */
const char *encoder_schema_text(const encoder *enc, topic_id t);

/* Registered formats: the registry's id for a topic's schema, put in the frame. */
void encoder_set_schema_id(encoder *enc, topic_id t, int32_t id);

/* The most bytes a value of topic t can take in this encoder's format and
 * schema (frame included), known at start: buffers of this size never make
 * a run fail half-way. */
size_t encoder_value_bound(const encoder *enc, topic_id t);
#define ENCODER_VALUE_LIMIT 1000000

/* Bytes of frame before the payload in a value of this format (frame.h:
 * 0, 5, or 6 for protobuf-confluent). */
size_t encoder_frame_length(value_format format);
void encoder_free(encoder *enc);

/* Orders and items are written directly (not through avro-c's generic
 * values) when their schema holds exactly the contract's fields in order,
 * and so are the fact topics as protobuf; on = 1 makes every value go
 * through avro-c or protobuf-c, the references. */
void encoder_force_generic(encoder *enc, int on);

/* One event of an order's life with what its record repeats of the order. */
typedef struct life_record {
    int64_t order_id;
    uint8_t payment_method;
    uint8_t region; /* the customer's */
    const life_event *ev;
} life_record;

/* Each returns the value's length, or -1 when buf is too small. */
int encoder_customer(encoder *enc, const customer *c, char *buf, size_t cap);
int encoder_product(encoder *enc, const product *p, const product_version *v, char *buf, size_t cap);
int encoder_campaign(encoder *enc, const campaign *k, char *buf, size_t cap);
int encoder_order(encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap);
int encoder_order_item(encoder *enc, const order_batch *b, size_t k, size_t line, char *buf, size_t cap);
int encoder_payment(encoder *enc, const life_record *r, char *buf, size_t cap);
int encoder_shipment(encoder *enc, const life_record *r, char *buf, size_t cap);

#endif
