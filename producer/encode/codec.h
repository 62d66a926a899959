/* SPDX-License-Identifier: Apache-2.0 */
/* codec.h - how the encoder holds each topic's schema (encoder.c binds it,
 * avro_generic.c and avro_direct.c write through it); not used outside
 * encode/.
 *
 * Each topic's fields are named by an enum whose order is the wire
 * contract's field order; the tables in encoder.c are built with designated
 * initializers on those names, so a field's name, kind and position are
 * written once, together. A schema must hold the contract's fields first,
 * in that order (encoder_new refuses one that swaps two), and may add
 * optional fields after them. */
#ifndef SHOPSTREAM_CODEC_H
#define SHOPSTREAM_CODEC_H

#include <avro.h>
#include <stddef.h>
#include <stdint.h>

#include "encoder.h"

/* F_TIME: a long with logicalType timestamp-millis (epoch milliseconds). */
typedef enum field_kind {
    F_LONG,
    F_TIME,
    F_INT,
    F_STRING,
    F_DOUBLE,
    F_BOOLEAN,
    F_ENUM,
    F_OPT_LONG,
    F_OPT_ENUM
} field_kind;

typedef struct field_spec {
    const char *name;
    field_kind kind;
    const char *const *symbols; /* the engine's names, for F_ENUM and F_OPT_ENUM */
    int n_symbols;
} field_spec;

enum customer_field {
    CUSTOMER_ID,
    CUSTOMER_COHORT,
    CUSTOMER_PREFERRED_CHANNEL,
    CUSTOMER_REGION,
    CUSTOMER_SIGNUP_TIME,
    CUSTOMER_LOYALTY_TIER,
    CUSTOMER_FIELD_COUNT
};
enum product_field {
    PRODUCT_ID,
    PRODUCT_CATEGORY,
    PRODUCT_NAME,
    PRODUCT_PRICE_CENTS,
    PRODUCT_POPULARITY,
    PRODUCT_IN_STOCK,
    PRODUCT_VALID_FROM,
    PRODUCT_FIELD_COUNT
};
enum campaign_field {
    CAMPAIGN_ID,
    CAMPAIGN_NAME,
    CAMPAIGN_DISCOUNT_PCT,
    CAMPAIGN_TARGET_CATEGORY,
    CAMPAIGN_TARGET_COHORT,
    CAMPAIGN_START_TIME,
    CAMPAIGN_END_TIME,
    CAMPAIGN_FIELD_COUNT
};
enum order_field {
    ORDER_ID,
    ORDER_CUSTOMER_ID,
    ORDER_EVENT_TIME,
    ORDER_CHANNEL,
    ORDER_PAYMENT_METHOD,
    ORDER_STATUS,
    ORDER_ITEM_COUNT,
    ORDER_SUBTOTAL_CENTS,
    ORDER_DISCOUNT_CENTS,
    ORDER_TOTAL_CENTS,
    ORDER_CURRENCY,
    ORDER_CAMPAIGN_ID,
    ORDER_SCENARIO,
    ORDER_FIELD_COUNT
};
enum order_item_field {
    ITEM_ORDER_ID,
    ITEM_LINE_NUMBER,
    ITEM_PRODUCT_ID,
    ITEM_QUANTITY,
    ITEM_UNIT_PRICE_CENTS,
    ITEM_DISCOUNT_CENTS,
    ITEM_LINE_TOTAL_CENTS,
    ITEM_EVENT_TIME,
    ITEM_FIELD_COUNT
};

enum payment_field {
    PAYMENT_ORDER_ID,
    PAYMENT_ATTEMPT,
    PAYMENT_EVENT_TIME,
    PAYMENT_METHOD,
    PAYMENT_STATUS,
    PAYMENT_AMOUNT_CENTS,
    PAYMENT_CURRENCY,
    PAYMENT_FINAL,
    PAYMENT_FIELD_COUNT
};
enum shipment_field {
    SHIPMENT_ORDER_ID,
    SHIPMENT_EVENT_TIME,
    SHIPMENT_STATUS,
    SHIPMENT_CARRIER,
    SHIPMENT_REGION,
    SHIPMENT_FINAL,
    SHIPMENT_FIELD_COUNT
};

#define FIELDS_MAX 16
#define SYMBOLS_MAX 16

/* The contract's fields of topic t, in order. */
const field_spec *codec_fields(topic_id t, size_t *n);

typedef struct codec {
    avro_schema_t schema;
    avro_value_iface_t *iface;
    avro_value_t value;
    int has_value;
    avro_value_t field[FIELDS_MAX];         /* by the topic's field enum */
    int null_branch[FIELDS_MAX];            /* unions: the null branch */
    int some_branch[FIELDS_MAX];            /* unions: the other one */
    int symbol[FIELDS_MAX][SYMBOLS_MAX];    /* engine code -> schema symbol index */
    int exact;                              /* exactly the contract's fields, nothing after them */
    size_t bound;                           /* the most bytes a value can take, frame included */
    char *text;                             /* the .avsc as read, for a schema registry */
    char *format_text;                      /* protobuf, json-schema: the .proto or .schema.json as read */
    int pb_symbol[FIELDS_MAX][SYMBOLS_MAX]; /* protobuf: engine code -> the .proto's enum number */
} codec;

struct encoder {
    value_format format;
    int32_t schema_id[TOPIC_COUNT]; /* registered formats: the registry's ids */
    codec codecs[TOPIC_COUNT];
    avro_writer_t writer;
    char *currency;
    char *scenario;
    size_t currency_len, scenario_len;
    int force_generic; /* tests: always go through avro-c */
};

/* codec.c: reads dir's .avsc for topic t into c, checked against the
 * contract (schema_check.h, then avro-c, then field by field). */
int codec_load(codec *c, topic_id t, const char *dir, char *errstr, size_t errlen);
void codec_free(codec *c);
/* The most bytes a value of topic t takes in enc's format (c->bound). */
size_t codec_value_bound(const encoder *enc, topic_id t, const codec *c);

/* avro_generic.c: every topic through avro-c's generic values. Each returns
 * the value's length, or -1 when cap is too small. */
int avro_generic_customer(encoder *enc, const customer *c, char *buf, size_t cap);
int avro_generic_product(encoder *enc, const product *p, const product_version *v, char *buf, size_t cap);
int avro_generic_campaign(encoder *enc, const campaign *k, char *buf, size_t cap);
int avro_generic_order(encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap);
int avro_generic_order_item(encoder *enc, const order_batch *b, size_t k, size_t line, char *buf, size_t cap);
int avro_generic_payment(encoder *enc, const life_record *r, char *buf, size_t cap);
int avro_generic_shipment(encoder *enc, const life_record *r, char *buf, size_t cap);

/* avro_direct.c: the fact topics written straight from the batch's
 * columns, the same bytes as avro-c (test_encoder proves it), when the
 * schema is exact; buf must hold the topic's bound. */
int avro_direct_order(const encoder *enc, const order_batch *b, size_t k, char *buf);
int avro_direct_order_item(const order_batch *b, size_t k, size_t line, char *buf);
int avro_direct_payment(const encoder *enc, const life_record *r, char *buf);
int avro_direct_shipment(const encoder *enc, const life_record *r, char *buf);

/* protobuf.c: the .proto or .schema.json of topic t for the protobuf and
 * json-schema formats, read into c->format_text and checked against the
 * contract (schema_desc.h); the protobuf enum numbers into c->pb_symbol. */
int codec_load_format(codec *c, topic_id t, const char *dir, value_format format, char *errstr, size_t errlen);

/* protobuf.c: every topic through protobuf-c's generated code (the
 * reference). Each returns the value's length, or -1 when cap is too small. */
int pbc_customer(const encoder *enc, const customer *c, char *buf, size_t cap);
int pbc_product(const encoder *enc, const product *p, const product_version *v, char *buf, size_t cap);
int pbc_campaign(const encoder *enc, const campaign *k, char *buf, size_t cap);
int pbc_order(const encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap);
int pbc_order_item(const order_batch *b, size_t k, size_t line, char *buf, size_t cap);
int pbc_payment(const encoder *enc, const life_record *r, char *buf, size_t cap);
int pbc_shipment(const encoder *enc, const life_record *r, char *buf, size_t cap);

/* pb_direct.c: the fact topics as protobuf straight from the batch, the
 * bytes protobuf-c writes (test_protobuf proves it); buf must hold the
 * topic's bound. */
int pb_direct_order(const encoder *enc, const order_batch *b, size_t k, char *buf);
int pb_direct_order_item(const order_batch *b, size_t k, size_t line, char *buf);
int pb_direct_payment(const encoder *enc, const life_record *r, char *buf);
int pb_direct_shipment(const encoder *enc, const life_record *r, char *buf);

#endif
