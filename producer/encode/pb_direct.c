/* SPDX-License-Identifier: Apache-2.0 */
/* pb_direct.c - protobuf binary for the fact topics, straight from the
 * batch's columns (see codec.h).
 *
 * The protobuf binary encoding as protobuf-c writes it for these proto3
 * messages: fields in number order, each a tag (number << 3 | wire type:
 * 0 varint, 1 fixed64, 2 length-delimited) then its value; int64, int32
 * and enums as plain varints (a negative one in 10 bytes), bool as 0/1, a
 * string as a varint length and its bytes. A plain field at its zero value
 * (0, false, "") is left out; an optional one is written when set, even
 * at zero. Every field number here is below 16, so every tag is one byte. */
#include <string.h>

#include "codec.h"

static inline char *put_varint(char *p, uint64_t v) {
    while (v >= 0x80) {
        *p++ = (char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (char)v;
    return p;
}

/* A plain int64, int32 or enum field: left out at 0. */
static inline char *put_int(char *p, int number, int64_t v) {
    if (v == 0) return p;
    *p++ = (char)(number << 3);
    return put_varint(p, (uint64_t)v);
}

static inline char *put_string(char *p, int number, const char *s, size_t n) {
    if (n == 0) return p;
    *p++ = (char)(number << 3 | 2);
    p = put_varint(p, n);
    memcpy(p, s, n);
    return p + n;
}

static inline char *put_bool(char *p, int number, int on) {
    if (!on) return p;
    *p++ = (char)(number << 3);
    *p++ = 1;
    return p;
}

#define SYM(t, field, code) (enc->codecs[t].pb_symbol[field][code])
#define N(field) ((field) + 1) /* a field's number: its position in the contract */

int pb_direct_order(const encoder *enc, const order_batch *b, size_t k, char *buf) {
    char *p = buf;
    p = put_int(p, N(ORDER_ID), b->order_id[k]);
    p = put_int(p, N(ORDER_CUSTOMER_ID), b->customer_id[k]);
    p = put_int(p, N(ORDER_EVENT_TIME), b->event_time_ms[k]);
    p = put_int(p, N(ORDER_CHANNEL), SYM(TOPIC_ORDERS, ORDER_CHANNEL, b->channel[k]));
    p = put_int(p, N(ORDER_PAYMENT_METHOD), SYM(TOPIC_ORDERS, ORDER_PAYMENT_METHOD, b->payment_method[k]));
    p = put_int(p, N(ORDER_STATUS), SYM(TOPIC_ORDERS, ORDER_STATUS, b->status[k]));
    p = put_int(p, N(ORDER_ITEM_COUNT), b->item_count[k]);
    p = put_int(p, N(ORDER_SUBTOTAL_CENTS), b->subtotal_cents[k]);
    p = put_int(p, N(ORDER_DISCOUNT_CENTS), b->discount_cents[k]);
    p = put_int(p, N(ORDER_TOTAL_CENTS), b->total_cents[k]);
    p = put_string(p, N(ORDER_CURRENCY), enc->currency, enc->currency_len);
    if (b->campaign_id[k]) { /* optional: written when set */
        *p++ = (char)(N(ORDER_CAMPAIGN_ID) << 3);
        p = put_varint(p, (uint64_t)b->campaign_id[k]);
    }
    p = put_string(p, N(ORDER_SCENARIO), enc->scenario, enc->scenario_len);
    return (int)(p - buf);
}

int pb_direct_order_item(const order_batch *b, size_t k, size_t line, char *buf) {
    size_t j = b->first_item[k] + line;
    char *p = buf;
    p = put_int(p, N(ITEM_ORDER_ID), b->order_id[k]);
    p = put_int(p, N(ITEM_LINE_NUMBER), (int64_t)line + 1);
    p = put_int(p, N(ITEM_PRODUCT_ID), b->item_product_id[j]);
    p = put_int(p, N(ITEM_QUANTITY), b->item_quantity[j]);
    p = put_int(p, N(ITEM_UNIT_PRICE_CENTS), b->item_unit_price_cents[j]);
    p = put_int(p, N(ITEM_DISCOUNT_CENTS), b->item_discount_cents[j]);
    p = put_int(p, N(ITEM_LINE_TOTAL_CENTS), b->item_line_total_cents[j]);
    p = put_int(p, N(ITEM_EVENT_TIME), b->event_time_ms[k]);
    return (int)(p - buf);
}

int pb_direct_payment(const encoder *enc, const life_record *r, char *buf) {
    char *p = buf;
    p = put_int(p, N(PAYMENT_ORDER_ID), r->order_id);
    p = put_int(p, N(PAYMENT_ATTEMPT), r->ev->attempt);
    p = put_int(p, N(PAYMENT_EVENT_TIME), r->ev->time_ms);
    p = put_int(p, N(PAYMENT_METHOD), SYM(TOPIC_PAYMENTS, PAYMENT_METHOD, r->payment_method));
    p = put_int(p, N(PAYMENT_STATUS), SYM(TOPIC_PAYMENTS, PAYMENT_STATUS, r->ev->status));
    p = put_int(p, N(PAYMENT_AMOUNT_CENTS), r->ev->amount_cents);
    p = put_string(p, N(PAYMENT_CURRENCY), enc->currency, enc->currency_len);
    p = put_bool(p, N(PAYMENT_FINAL), r->ev->final != 0);
    return (int)(p - buf);
}

int pb_direct_shipment(const encoder *enc, const life_record *r, char *buf) {
    char *p = buf;
    p = put_int(p, N(SHIPMENT_ORDER_ID), r->order_id);
    p = put_int(p, N(SHIPMENT_EVENT_TIME), r->ev->time_ms);
    p = put_int(p, N(SHIPMENT_STATUS), SYM(TOPIC_SHIPMENTS, SHIPMENT_STATUS, r->ev->status));
    p = put_int(p, N(SHIPMENT_CARRIER), SYM(TOPIC_SHIPMENTS, SHIPMENT_CARRIER, r->ev->carrier));
    p = put_int(p, N(SHIPMENT_REGION), SYM(TOPIC_SHIPMENTS, SHIPMENT_REGION, r->region));
    p = put_bool(p, N(SHIPMENT_FINAL), r->ev->final != 0);
    return (int)(p - buf);
}
