/* SPDX-License-Identifier: Apache-2.0 */
/* avro_generic.c - every topic's values through avro-c's generic values
 * (see codec.h): the reference the direct writer is checked against, and
 * the path for schemas with fields of the user's own. */
#include "codec.h"

static void set_enum(codec *c, int f, int code) { avro_value_set_enum(&c->field[f], c->symbol[f][code]); }

static void set_opt_long(codec *c, int f, int64_t v, int present) {
    avro_value_t branch;
    avro_value_set_branch(&c->field[f], present ? c->some_branch[f] : c->null_branch[f], &branch);
    if (present)
        avro_value_set_long(&branch, v);
    else
        avro_value_set_null(&branch);
}

static void set_opt_enum(codec *c, int f, int code) {
    avro_value_t branch;
    avro_value_set_branch(&c->field[f], code >= 0 ? c->some_branch[f] : c->null_branch[f], &branch);
    if (code >= 0)
        avro_value_set_enum(&branch, c->symbol[f][code]);
    else
        avro_value_set_null(&branch);
}

static int emit(encoder *enc, codec *c, char *buf, size_t cap) {
    avro_writer_memory_set_dest(enc->writer, buf, (int64_t)cap);
    if (avro_value_write(enc->writer, &c->value) != 0) return -1;
    return (int)avro_writer_tell(enc->writer);
}

int avro_generic_customer(encoder *enc, const customer *cu, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_CUSTOMERS];
    avro_value_set_long(&c->field[CUSTOMER_ID], cu->id);
    set_enum(c, CUSTOMER_COHORT, cu->cohort);
    set_enum(c, CUSTOMER_PREFERRED_CHANNEL, cu->preferred_channel);
    set_enum(c, CUSTOMER_REGION, cu->region);
    avro_value_set_long(&c->field[CUSTOMER_SIGNUP_TIME], cu->signup_ms);
    set_enum(c, CUSTOMER_LOYALTY_TIER, cu->loyalty_tier);
    return emit(enc, c, buf, cap);
}

int avro_generic_product(encoder *enc, const product *p, const product_version *v, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_PRODUCTS];
    avro_value_set_long(&c->field[PRODUCT_ID], p->id);
    set_enum(c, PRODUCT_CATEGORY, p->category);
    avro_value_set_string(&c->field[PRODUCT_NAME], p->name);
    avro_value_set_long(&c->field[PRODUCT_PRICE_CENTS], v->price_cents);
    avro_value_set_double(&c->field[PRODUCT_POPULARITY], p->popularity);
    avro_value_set_boolean(&c->field[PRODUCT_IN_STOCK], v->in_stock);
    avro_value_set_long(&c->field[PRODUCT_VALID_FROM], v->valid_from_ms);
    return emit(enc, c, buf, cap);
}

int avro_generic_campaign(encoder *enc, const campaign *k, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_CAMPAIGNS];
    avro_value_set_long(&c->field[CAMPAIGN_ID], k->id);
    avro_value_set_string(&c->field[CAMPAIGN_NAME], k->name);
    avro_value_set_int(&c->field[CAMPAIGN_DISCOUNT_PCT], k->discount_pct);
    set_opt_enum(c, CAMPAIGN_TARGET_CATEGORY, k->target_category);
    set_opt_enum(c, CAMPAIGN_TARGET_COHORT, k->target_cohort);
    avro_value_set_long(&c->field[CAMPAIGN_START_TIME], k->start_ms);
    avro_value_set_long(&c->field[CAMPAIGN_END_TIME], k->end_ms);
    return emit(enc, c, buf, cap);
}

int avro_generic_order(encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_ORDERS];
    avro_value_set_long(&c->field[ORDER_ID], b->order_id[k]);
    avro_value_set_long(&c->field[ORDER_CUSTOMER_ID], b->customer_id[k]);
    avro_value_set_long(&c->field[ORDER_EVENT_TIME], b->event_time_ms[k]);
    set_enum(c, ORDER_CHANNEL, b->channel[k]);
    set_enum(c, ORDER_PAYMENT_METHOD, b->payment_method[k]);
    set_enum(c, ORDER_STATUS, b->status[k]);
    avro_value_set_int(&c->field[ORDER_ITEM_COUNT], b->item_count[k]);
    avro_value_set_long(&c->field[ORDER_SUBTOTAL_CENTS], b->subtotal_cents[k]);
    avro_value_set_long(&c->field[ORDER_DISCOUNT_CENTS], b->discount_cents[k]);
    avro_value_set_long(&c->field[ORDER_TOTAL_CENTS], b->total_cents[k]);
    avro_value_set_string(&c->field[ORDER_CURRENCY], enc->currency);
    set_opt_long(c, ORDER_CAMPAIGN_ID, b->campaign_id[k], b->campaign_id[k] != 0);
    avro_value_set_string(&c->field[ORDER_SCENARIO], enc->scenario);
    return emit(enc, c, buf, cap);
}

int avro_generic_order_item(encoder *enc, const order_batch *b, size_t k, size_t line, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_ORDER_ITEMS];
    size_t j = b->first_item[k] + line;
    avro_value_set_long(&c->field[ITEM_ORDER_ID], b->order_id[k]);
    avro_value_set_int(&c->field[ITEM_LINE_NUMBER], (int32_t)line + 1);
    avro_value_set_long(&c->field[ITEM_PRODUCT_ID], b->item_product_id[j]);
    avro_value_set_int(&c->field[ITEM_QUANTITY], b->item_quantity[j]);
    avro_value_set_long(&c->field[ITEM_UNIT_PRICE_CENTS], b->item_unit_price_cents[j]);
    avro_value_set_long(&c->field[ITEM_DISCOUNT_CENTS], b->item_discount_cents[j]);
    avro_value_set_long(&c->field[ITEM_LINE_TOTAL_CENTS], b->item_line_total_cents[j]);
    avro_value_set_long(&c->field[ITEM_EVENT_TIME], b->event_time_ms[k]);
    return emit(enc, c, buf, cap);
}

int avro_generic_payment(encoder *enc, const life_record *r, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_PAYMENTS];
    avro_value_set_long(&c->field[PAYMENT_ORDER_ID], r->order_id);
    avro_value_set_int(&c->field[PAYMENT_ATTEMPT], r->ev->attempt);
    avro_value_set_long(&c->field[PAYMENT_EVENT_TIME], r->ev->time_ms);
    set_enum(c, PAYMENT_METHOD, r->payment_method);
    set_enum(c, PAYMENT_STATUS, r->ev->status);
    avro_value_set_long(&c->field[PAYMENT_AMOUNT_CENTS], r->ev->amount_cents);
    avro_value_set_string(&c->field[PAYMENT_CURRENCY], enc->currency);
    avro_value_set_boolean(&c->field[PAYMENT_FINAL], r->ev->final);
    return emit(enc, c, buf, cap);
}

int avro_generic_shipment(encoder *enc, const life_record *r, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_SHIPMENTS];
    avro_value_set_long(&c->field[SHIPMENT_ORDER_ID], r->order_id);
    avro_value_set_long(&c->field[SHIPMENT_EVENT_TIME], r->ev->time_ms);
    set_enum(c, SHIPMENT_STATUS, r->ev->status);
    set_enum(c, SHIPMENT_CARRIER, r->ev->carrier);
    set_enum(c, SHIPMENT_REGION, r->region);
    avro_value_set_boolean(&c->field[SHIPMENT_FINAL], r->ev->final);
    return emit(enc, c, buf, cap);
}
