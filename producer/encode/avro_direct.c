/* SPDX-License-Identifier: Apache-2.0 */
/* avro_direct.c - Avro binary for the fact topics, straight from the
 * batch's columns (and the lives computed from them) (see codec.h).
 *
 * The Avro binary encoding: zig-zag varints for int and long, a varint
 * length before a string's bytes, the index for an enum symbol or a union
 * branch. Fields in the contract's order, which encoder_new() has checked
 * the schema holds exactly. */
#include <string.h>

#include "avro_put.h"
#include "codec.h"

int avro_direct_order(const encoder *enc, const order_batch *b, size_t k, char *buf) {
    const codec *c = &enc->codecs[TOPIC_ORDERS];
    char *p = buf;
    p = put_long(p, b->order_id[k]);
    p = put_long(p, b->customer_id[k]);
    p = put_long(p, b->event_time_ms[k]);
    p = put_long(p, c->symbol[ORDER_CHANNEL][b->channel[k]]);
    p = put_long(p, c->symbol[ORDER_PAYMENT_METHOD][b->payment_method[k]]);
    p = put_long(p, c->symbol[ORDER_STATUS][b->status[k]]);
    p = put_long(p, b->item_count[k]);
    p = put_long(p, b->subtotal_cents[k]);
    p = put_long(p, b->discount_cents[k]);
    p = put_long(p, b->total_cents[k]);
    p = put_bytes(p, enc->currency, enc->currency_len);
    if (b->campaign_id[k]) {
        p = put_long(p, c->some_branch[ORDER_CAMPAIGN_ID]);
        p = put_long(p, b->campaign_id[k]);
    } else {
        p = put_long(p, c->null_branch[ORDER_CAMPAIGN_ID]);
    }
    p = put_bytes(p, enc->scenario, enc->scenario_len);
    return (int)(p - buf);
}

int avro_direct_order_item(const order_batch *b, size_t k, size_t line, char *buf) {
    size_t j = b->first_item[k] + line;
    char *p = buf;
    p = put_long(p, b->order_id[k]);
    p = put_long(p, (int64_t)line + 1);
    p = put_long(p, b->item_product_id[j]);
    p = put_long(p, b->item_quantity[j]);
    p = put_long(p, b->item_unit_price_cents[j]);
    p = put_long(p, b->item_discount_cents[j]);
    p = put_long(p, b->item_line_total_cents[j]);
    p = put_long(p, b->event_time_ms[k]);
    return (int)(p - buf);
}

int avro_direct_payment(const encoder *enc, const life_record *r, char *buf) {
    const codec *c = &enc->codecs[TOPIC_PAYMENTS];
    char *p = buf;
    p = put_long(p, r->order_id);
    p = put_long(p, r->ev->attempt);
    p = put_long(p, r->ev->time_ms);
    p = put_long(p, c->symbol[PAYMENT_METHOD][r->payment_method]);
    p = put_long(p, c->symbol[PAYMENT_STATUS][r->ev->status]);
    p = put_long(p, r->ev->amount_cents);
    p = put_bytes(p, enc->currency, enc->currency_len);
    *p++ = (char)(r->ev->final != 0);
    return (int)(p - buf);
}

int avro_direct_shipment(const encoder *enc, const life_record *r, char *buf) {
    const codec *c = &enc->codecs[TOPIC_SHIPMENTS];
    char *p = buf;
    p = put_long(p, r->order_id);
    p = put_long(p, r->ev->time_ms);
    p = put_long(p, c->symbol[SHIPMENT_STATUS][r->ev->status]);
    p = put_long(p, c->symbol[SHIPMENT_CARRIER][r->ev->carrier]);
    p = put_long(p, c->symbol[SHIPMENT_REGION][r->region]);
    *p++ = (char)(r->ev->final != 0);
    return (int)(p - buf);
}
