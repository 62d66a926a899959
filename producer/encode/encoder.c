/* SPDX-License-Identifier: Apache-2.0 */
/* encoder.c - each topic's values in the run's format (see encoder.h):
 * the codecs of codec.c, written through avro-c (avro_generic.c) or, for
 * the hot topics with an exact schema, directly (avro_direct.c); protobuf
 * through protobuf-c (protobuf.c) or, for the hot topics, directly
 * (pb_direct.c); or JSON (jsonenc.c). The frame of the registered formats
 * (frame.c) goes before each. */
#include "encoder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clip.h"
#include "codec.h"
#include "errors.h"
#include "frame.h"
#include "jsonenc.h"

int encoder_new(const char *schema_dir, const char *currency, const char *scenario, value_format format, encoder **out,
                char *errstr, size_t errlen) {
    *out = NULL;
    encoder *enc = calloc(1, sizeof *enc);
    if (!enc) FAIL("out of memory");
    enc->format = format;
    enc->currency = strdup(currency);
    enc->scenario = strdup(scenario);
    enc->writer = avro_writer_memory(NULL, 0);
    if (!enc->currency || !enc->scenario || !enc->writer) {
        encoder_free(enc);
        FAIL("out of memory");
    }
    for (int t = 0; t < TOPIC_EVENT_COUNT; t++) { /* the change topics' values are changes.h's */
        if (codec_load(&enc->codecs[t], (topic_id)t, schema_dir, errstr, errlen) != 0) {
            encoder_free(enc);
            return -1;
        }
        if (format >= FORMAT_PROTOBUF &&
            codec_load_format(&enc->codecs[t], (topic_id)t, schema_dir, format, errstr, errlen) != 0) {
            encoder_free(enc);
            return -1;
        }
    }
    enc->currency_len = strlen(enc->currency);
    enc->scenario_len = strlen(enc->scenario);
    for (int t = 0; t < TOPIC_EVENT_COUNT; t++) {
        enc->codecs[t].bound = codec_value_bound(enc, (topic_id)t, &enc->codecs[t]);
        if (enc->codecs[t].bound > ENCODER_VALUE_LIMIT) {
            snprintf(errstr, errlen,
                     "%s/%s: a value could take %zu bytes, more than the %d a Kafka message may "
                     "hold by default (message.max.bytes): fewer extra fields",
                     CLIP(schema_dir), topic_schema_files[t], enc->codecs[t].bound, ENCODER_VALUE_LIMIT);
            encoder_free(enc);
            return -1;
        }
    }
    *out = enc;
    return 0;
}

void encoder_free(encoder *enc) {
    if (!enc) return;
    for (int t = TOPIC_EVENT_COUNT - 1; t >= 0; t--) codec_free(&enc->codecs[t]);
    if (enc->writer) avro_writer_free(enc->writer);
    free(enc->scenario);
    free(enc->currency);
    free(enc);
}

/* Orders and items directly when the schema allows it and the buffer holds
 * the largest value (the bound less the frame), else through avro-c. */
static int write_order(encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap) {
    if (enc->codecs[TOPIC_ORDERS].exact && !enc->force_generic &&
        cap + FRAME_CONFLUENT >= enc->codecs[TOPIC_ORDERS].bound)
        return avro_direct_order(enc, b, k, buf);
    return avro_generic_order(enc, b, k, buf, cap);
}

static int write_order_item(encoder *enc, const order_batch *b, size_t k, size_t line, char *buf, size_t cap) {
    if (enc->codecs[TOPIC_ORDER_ITEMS].exact && !enc->force_generic &&
        cap + FRAME_CONFLUENT >= enc->codecs[TOPIC_ORDER_ITEMS].bound)
        return avro_direct_order_item(b, k, line, buf);
    return avro_generic_order_item(enc, b, k, line, buf, cap);
}

/* A topic written directly: its schema exact, the buffer its bound. */
static int direct(const encoder *enc, topic_id t, size_t cap) {
    return enc->codecs[t].exact && !enc->force_generic && cap + FRAME_CONFLUENT >= enc->codecs[t].bound;
}

/* protobuf: a topic written directly when the buffer holds its bound (the
 * .proto is checked exact at start). */
static int pb_direct(const encoder *enc, topic_id t, size_t cap) {
    return !enc->force_generic && cap + frame_length(enc->format) >= enc->codecs[t].bound;
}

void encoder_force_generic(encoder *enc, int on) { enc->force_generic = on; }

/* ---- the public encode functions: format and frame --------------------- */

const char *encoder_schema_text(const encoder *enc, topic_id t) {
    return enc->codecs[t].format_text ? enc->codecs[t].format_text : enc->codecs[t].text;
}

void encoder_set_schema_id(encoder *enc, topic_id t, int32_t id) { enc->schema_id[t] = id; }

size_t encoder_frame_length(value_format format) { return frame_length(format); }

static int framed(int len, size_t frame) { return len < 0 ? -1 : len + (int)frame; }

/* Which writer a format takes: Avro, protobuf or JSON. */
#define IS_JSON(enc) ((enc)->format == FORMAT_JSON || (enc)->format == FORMAT_JSON_SCHEMA_CONFLUENT)
#define IS_PROTO(enc) ((enc)->format == FORMAT_PROTOBUF || (enc)->format == FORMAT_PROTOBUF_CONFLUENT)

/* The format's frame for topic t at buf, its length in *f; -1 if cap is less. */
static int put_frame(const encoder *enc, topic_id t, char *buf, size_t cap, size_t *f) {
    *f = frame_length(enc->format);
    if (cap < *f) return -1;
    frame_put(buf, enc->format, enc->schema_id[t]);
    return 0;
}

int encoder_customer(encoder *enc, const customer *c, char *buf, size_t cap) {
    size_t f;
    if (put_frame(enc, TOPIC_CUSTOMERS, buf, cap, &f) != 0) return -1;
    if (IS_JSON(enc)) return framed(jsonenc_customer(c, buf + f, cap - f), f);
    if (IS_PROTO(enc)) return framed(pbc_customer(enc, c, buf + f, cap - f), f);
    return framed(avro_generic_customer(enc, c, buf + f, cap - f), f);
}

int encoder_product(encoder *enc, const product *p, const product_version *v, char *buf, size_t cap) {
    size_t f;
    if (put_frame(enc, TOPIC_PRODUCTS, buf, cap, &f) != 0) return -1;
    if (IS_JSON(enc)) return framed(jsonenc_product(p, v, buf + f, cap - f), f);
    if (IS_PROTO(enc)) return framed(pbc_product(enc, p, v, buf + f, cap - f), f);
    return framed(avro_generic_product(enc, p, v, buf + f, cap - f), f);
}

int encoder_campaign(encoder *enc, const campaign *k, char *buf, size_t cap) {
    size_t f;
    if (put_frame(enc, TOPIC_CAMPAIGNS, buf, cap, &f) != 0) return -1;
    if (IS_JSON(enc)) return framed(jsonenc_campaign(k, buf + f, cap - f), f);
    if (IS_PROTO(enc)) return framed(pbc_campaign(enc, k, buf + f, cap - f), f);
    return framed(avro_generic_campaign(enc, k, buf + f, cap - f), f);
}

int encoder_order(encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap) {
    size_t f;
    if (put_frame(enc, TOPIC_ORDERS, buf, cap, &f) != 0) return -1;
    if (IS_JSON(enc)) return framed(jsonenc_order(b, k, enc->currency, enc->scenario, buf + f, cap - f), f);
    if (IS_PROTO(enc))
        return framed(pb_direct(enc, TOPIC_ORDERS, cap - f) ? pb_direct_order(enc, b, k, buf + f)
                                                            : pbc_order(enc, b, k, buf + f, cap - f),
                      f);
    return framed(write_order(enc, b, k, buf + f, cap - f), f);
}

int encoder_order_item(encoder *enc, const order_batch *b, size_t k, size_t line, char *buf, size_t cap) {
    size_t f;
    if (put_frame(enc, TOPIC_ORDER_ITEMS, buf, cap, &f) != 0) return -1;
    if (IS_JSON(enc)) return framed(jsonenc_order_item(b, k, line, buf + f, cap - f), f);
    if (IS_PROTO(enc))
        return framed(pb_direct(enc, TOPIC_ORDER_ITEMS, cap - f) ? pb_direct_order_item(b, k, line, buf + f)
                                                                 : pbc_order_item(b, k, line, buf + f, cap - f),
                      f);
    return framed(write_order_item(enc, b, k, line, buf + f, cap - f), f);
}

int encoder_payment(encoder *enc, const life_record *r, char *buf, size_t cap) {
    size_t f;
    if (put_frame(enc, TOPIC_PAYMENTS, buf, cap, &f) != 0) return -1;
    if (IS_JSON(enc)) return framed(jsonenc_payment(r, enc->currency, buf + f, cap - f), f);
    if (IS_PROTO(enc))
        return framed(pb_direct(enc, TOPIC_PAYMENTS, cap - f) ? pb_direct_payment(enc, r, buf + f)
                                                              : pbc_payment(enc, r, buf + f, cap - f),
                      f);
    int len = direct(enc, TOPIC_PAYMENTS, cap - f) ? avro_direct_payment(enc, r, buf + f)
                                                   : avro_generic_payment(enc, r, buf + f, cap - f);
    return framed(len, f);
}

int encoder_shipment(encoder *enc, const life_record *r, char *buf, size_t cap) {
    size_t f;
    if (put_frame(enc, TOPIC_SHIPMENTS, buf, cap, &f) != 0) return -1;
    if (IS_JSON(enc)) return framed(jsonenc_shipment(r, buf + f, cap - f), f);
    if (IS_PROTO(enc))
        return framed(pb_direct(enc, TOPIC_SHIPMENTS, cap - f) ? pb_direct_shipment(enc, r, buf + f)
                                                               : pbc_shipment(enc, r, buf + f, cap - f),
                      f);
    int len = direct(enc, TOPIC_SHIPMENTS, cap - f) ? avro_direct_shipment(enc, r, buf + f)
                                                    : avro_generic_shipment(enc, r, buf + f, cap - f);
    return framed(len, f);
}
