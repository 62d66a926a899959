/* SPDX-License-Identifier: Apache-2.0 */
/* protobuf.c - the .proto and .schema.json files of the protobuf and
 * json-schema formats, and protobuf values through protobuf-c (see
 * codec.h).
 *
 * The structs and pack functions are protoc-c's, generated at build time
 * from the .proto files of schemas/ (producer/CMakeLists.txt). proto3 semantics: a
 * plain field at its zero value is not written; an optional one (a oneof
 * in the generated code) is written when set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cfgread.h"
#include "codec.h"
#include "errors.h"
#include "schema_desc.h"
#include "schemas/campaigns.pb-c.h"
#include "schemas/customers.pb-c.h"
#include "schemas/order_items.pb-c.h"
#include "schemas/orders.pb-c.h"
#include "schemas/payments.pb-c.h"
#include "schemas/products.pb-c.h"
#include "schemas/shipments.pb-c.h"

#define FORMAT_SCHEMA_MAX_BYTES (1u << 20)

int codec_load_format(codec *c, topic_id t, const char *dir, value_format format, char *errstr, size_t errlen) {
    int proto = format == FORMAT_PROTOBUF || format == FORMAT_PROTOBUF_CONFLUENT;
    const char *avsc = topic_schema_files[t];
    char path[4096];
    snprintf(path, sizeof path, "%s/%.*s%s", dir, (int)(strlen(avsc) - strlen(".avsc")), avsc,
             proto ? ".proto" : ".schema.json");
    size_t len = 0;
    if (cfgread_file(path, "schema", FORMAT_SCHEMA_MAX_BYTES, &c->format_text, &len, errstr, errlen) != 0) return -1;
    static schema_desc d; /* large; read at start, on one thread */
    int rc = proto ? schema_desc_proto(path, c->format_text, &d, errstr, errlen)
                   : schema_desc_json(path, c->format_text, len, &d, errstr, errlen);
    if (rc != 0 || schema_desc_check(path, &d, t, errstr, errlen) != 0) return -1;
    size_t n;
    const field_spec *spec = codec_fields(t, &n);
    for (size_t i = 0; i < n; i++)
        for (int s = 0; s < spec[i].n_symbols; s++)
            for (int j = 0; j < d.f[i].n_symbols; j++)
                if (strcmp(d.f[i].symbols[j], spec[i].symbols[s]) == 0) c->pb_symbol[i][s] = d.f[i].symbol_number[j];
    return 0;
}

/* protobuf-c packs into buf when the packed size fits cap. */
static int pack(const ProtobufCMessage *m, char *buf, size_t cap) {
    size_t n = protobuf_c_message_get_packed_size(m);
    if (n > cap) return -1;
    return (int)protobuf_c_message_pack(m, (uint8_t *)buf);
}

#define SYM(t, field, code) (enc->codecs[t].pb_symbol[field][code])

int pbc_customer(const encoder *enc, const customer *c, char *buf, size_t cap) {
    Shopstream__Customer m = SHOPSTREAM__CUSTOMER__INIT;
    m.customer_id = c->id;
    m.cohort = SYM(TOPIC_CUSTOMERS, CUSTOMER_COHORT, c->cohort);
    m.preferred_channel = SYM(TOPIC_CUSTOMERS, CUSTOMER_PREFERRED_CHANNEL, c->preferred_channel);
    m.region = SYM(TOPIC_CUSTOMERS, CUSTOMER_REGION, c->region);
    m.signup_time = c->signup_ms;
    m.loyalty_tier = SYM(TOPIC_CUSTOMERS, CUSTOMER_LOYALTY_TIER, c->loyalty_tier);
    return pack(&m.base, buf, cap);
}

int pbc_product(const encoder *enc, const product *p, const product_version *v, char *buf, size_t cap) {
    Shopstream__Product m = SHOPSTREAM__PRODUCT__INIT;
    m.product_id = p->id;
    m.category = SYM(TOPIC_PRODUCTS, PRODUCT_CATEGORY, p->category);
    m.name = (char *)p->name;
    m.price_cents = v->price_cents;
    m.popularity = p->popularity;
    m.in_stock = v->in_stock != 0;
    m.valid_from = v->valid_from_ms;
    return pack(&m.base, buf, cap);
}

int pbc_campaign(const encoder *enc, const campaign *k, char *buf, size_t cap) {
    Shopstream__Campaign m = SHOPSTREAM__CAMPAIGN__INIT;
    m.campaign_id = k->id;
    m.name = (char *)k->name;
    m.discount_pct = k->discount_pct;
    if (k->target_category >= 0) {
        m._target_category_case = SHOPSTREAM__CAMPAIGN___TARGET_CATEGORY_TARGET_CATEGORY;
        m.target_category = SYM(TOPIC_CAMPAIGNS, CAMPAIGN_TARGET_CATEGORY, k->target_category);
    }
    if (k->target_cohort >= 0) {
        m._target_cohort_case = SHOPSTREAM__CAMPAIGN___TARGET_COHORT_TARGET_COHORT;
        m.target_cohort = SYM(TOPIC_CAMPAIGNS, CAMPAIGN_TARGET_COHORT, k->target_cohort);
    }
    m.start_time = k->start_ms;
    m.end_time = k->end_ms;
    return pack(&m.base, buf, cap);
}

int pbc_order(const encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap) {
    Shopstream__Order m = SHOPSTREAM__ORDER__INIT;
    m.order_id = b->order_id[k];
    m.customer_id = b->customer_id[k];
    m.event_time = b->event_time_ms[k];
    m.channel = SYM(TOPIC_ORDERS, ORDER_CHANNEL, b->channel[k]);
    m.payment_method = SYM(TOPIC_ORDERS, ORDER_PAYMENT_METHOD, b->payment_method[k]);
    m.status = SYM(TOPIC_ORDERS, ORDER_STATUS, b->status[k]);
    m.item_count = (int32_t)b->item_count[k];
    m.subtotal_cents = b->subtotal_cents[k];
    m.discount_cents = b->discount_cents[k];
    m.total_cents = b->total_cents[k];
    m.currency = enc->currency;
    if (b->campaign_id[k]) {
        m._campaign_id_case = SHOPSTREAM__ORDER___CAMPAIGN_ID_CAMPAIGN_ID;
        m.campaign_id = b->campaign_id[k];
    }
    m.scenario = enc->scenario;
    return pack(&m.base, buf, cap);
}

int pbc_order_item(const order_batch *b, size_t k, size_t line, char *buf, size_t cap) {
    size_t j = b->first_item[k] + line;
    Shopstream__OrderItem m = SHOPSTREAM__ORDER_ITEM__INIT;
    m.order_id = b->order_id[k];
    m.line_number = (int32_t)line + 1;
    m.product_id = b->item_product_id[j];
    m.quantity = (int32_t)b->item_quantity[j];
    m.unit_price_cents = b->item_unit_price_cents[j];
    m.discount_cents = b->item_discount_cents[j];
    m.line_total_cents = b->item_line_total_cents[j];
    m.event_time = b->event_time_ms[k];
    return pack(&m.base, buf, cap);
}

int pbc_payment(const encoder *enc, const life_record *r, char *buf, size_t cap) {
    Shopstream__Payment m = SHOPSTREAM__PAYMENT__INIT;
    m.order_id = r->order_id;
    m.attempt = r->ev->attempt;
    m.event_time = r->ev->time_ms;
    m.payment_method = SYM(TOPIC_PAYMENTS, PAYMENT_METHOD, r->payment_method);
    m.status = SYM(TOPIC_PAYMENTS, PAYMENT_STATUS, r->ev->status);
    m.amount_cents = r->ev->amount_cents;
    m.currency = enc->currency;
    m.final = r->ev->final != 0;
    return pack(&m.base, buf, cap);
}

int pbc_shipment(const encoder *enc, const life_record *r, char *buf, size_t cap) {
    Shopstream__Shipment m = SHOPSTREAM__SHIPMENT__INIT;
    m.order_id = r->order_id;
    m.event_time = r->ev->time_ms;
    m.status = SYM(TOPIC_SHIPMENTS, SHIPMENT_STATUS, r->ev->status);
    m.carrier = SYM(TOPIC_SHIPMENTS, SHIPMENT_CARRIER, r->ev->carrier);
    m.region = SYM(TOPIC_SHIPMENTS, SHIPMENT_REGION, r->region);
    m.final = r->ev->final != 0;
    return pack(&m.base, buf, cap);
}
