/* SPDX-License-Identifier: Apache-2.0 */
/* changes_rows.c - each table's change events: its rows as JSON in the
 * envelope (changes.c), or handed to changes_avro.c (see changes.h). */
#include <stdio.h>

#include "changes_impl.h"
#include "domain.h"
#include "jsonenc.h"

static char *customer_row(char *p, const customer *c, const customer_version *v) {
    if (!v) {
        LIT("null");
        return p;
    }
    LIT("{\"id\":");
    p = put_i64(p, c->id);
    LIT(",\"cohort\":");
    p = put_str(p, cohort_names[c->cohort]);
    LIT(",\"preferred_channel\":");
    p = put_str(p, channel_names[c->preferred_channel]);
    LIT(",\"region\":");
    p = put_str(p, region_names[v->region]);
    LIT(",\"loyalty_tier\":");
    p = put_str(p, loyalty_tier_names[v->loyalty_tier]);
    LIT(",\"signup_at\":");
    p = put_i64(p, c->signup_ms);
    LIT("}");
    return p;
}

int change_customer(const change_writer *w, const change_event *e, const customer *c, const customer_version *before,
                    const customer_version *after, char *buf, size_t cap) {
    BEGIN(TOPIC_CHANGE_CUSTOMERS, change_avro_customer(w->avro, e, c, before, after, buf));
    p = customer_row(p, c, before);
    LIT(",\"after\":");
    p = customer_row(p, c, after);
    END();
}

static char *product_row(char *p, char *end, const product *pr, const product_version *v) {
    if (!v) {
        LIT("null");
        return p;
    }
    LIT("{\"id\":");
    p = put_i64(p, pr->id);
    LIT(",\"category\":");
    p = put_str(p, category_names[pr->category]);
    LIT(",\"name\":");
    int n = jsonenc_string(p, (size_t)(end - p), 0, pr->name);
    p += n < 0 ? 0 : n; /* cannot fail: the bound holds a name escaped */
    LIT(",\"price_cents\":");
    p = put_i64(p, v->price_cents);
    if (v->in_stock)
        LIT(",\"in_stock\":true,\"updated_at\":");
    else
        LIT(",\"in_stock\":false,\"updated_at\":");
    p = put_i64(p, v->valid_from_ms);
    LIT("}");
    return p;
}

int change_product(const change_writer *w, const change_event *e, const product *pr, const product_version *before,
                   const product_version *after, char *buf, size_t cap) {
    BEGIN(TOPIC_CHANGE_PRODUCTS, change_avro_product(w->avro, e, pr, before, after, buf));
    p = product_row(p, buf + cap, pr, before);
    LIT(",\"after\":");
    p = product_row(p, buf + cap, pr, after);
    END();
}

void change_order_text(const change_writer *w, const order_batch *b, size_t k, order_text *out) {
    if (w->avro) {
        change_avro_order_text(w->avro, b, k, out);
        return;
    }
    char *p = out->text;
    LIT("{\"id\":");
    p = put_i64(p, b->order_id[k]);
    LIT(",\"customer_id\":");
    p = put_i64(p, b->customer_id[k]);
    LIT(",\"status\":");
    out->b_at = (uint16_t)(p - out->text);
    LIT(",\"channel\":");
    p = put_str(p, channel_names[b->channel[k]]);
    LIT(",\"payment_method\":");
    p = put_str(p, payment_method_names[b->payment_method[k]]);
    LIT(",\"item_count\":");
    p = put_u64(p, b->item_count[k]);
    LIT(",\"subtotal_cents\":");
    p = put_i64(p, b->subtotal_cents[k]);
    LIT(",\"discount_cents\":");
    p = put_i64(p, b->discount_cents[k]);
    LIT(",\"total_cents\":");
    p = put_i64(p, b->total_cents[k]);
    LIT(",\"refunded_cents\":");
    out->c_at = (uint16_t)(p - out->text);
    LIT(",\"currency\":");
    p = put_mem(p, w->currency, w->currency_len);
    LIT(",\"campaign_id\":");
    if (b->campaign_id[k])
        p = put_i64(p, b->campaign_id[k]);
    else
        LIT("null");
    LIT(",\"created_at\":");
    p = put_i64(p, b->event_time_ms[k]);
    LIT(",\"updated_at\":");
    out->len = (uint16_t)(p - out->text);
}

static char *order_row_json(char *p, const order_text *t, const order_row *r) {
    if (!r) {
        LIT("null");
        return p;
    }
    p = put_mem(p, t->text, t->b_at);
    p = put_str(p, order_row_status_names[r->status]);
    p = put_mem(p, t->text + t->b_at, (size_t)(t->c_at - t->b_at));
    p = put_i64(p, r->refunded_cents);
    p = put_mem(p, t->text + t->c_at, (size_t)(t->len - t->c_at));
    p = put_i64(p, r->updated_ms);
    LIT("}");
    return p;
}

int change_order(const change_writer *w, const change_event *e, const order_text *t, const order_row *before,
                 const order_row *after, char *buf, size_t cap) {
    BEGIN(TOPIC_CHANGE_ORDERS, change_avro_order(w->avro, e, t, before, after, buf));
    p = order_row_json(p, t, before);
    LIT(",\"after\":");
    p = order_row_json(p, t, after);
    END();
}

static char *item_row(char *p, const order_batch *b, size_t k, size_t line) {
    size_t i = b->first_item[k] + line;
    LIT("{\"id\":");
    p = put_i64(p, ORDER_ITEM_ROW_ID(b->order_id[k], line));
    LIT(",\"order_id\":");
    p = put_i64(p, b->order_id[k]);
    LIT(",\"line_number\":");
    p = put_u64(p, line + 1);
    LIT(",\"product_id\":");
    p = put_i64(p, b->item_product_id[i]);
    LIT(",\"quantity\":");
    p = put_u64(p, b->item_quantity[i]);
    LIT(",\"unit_price_cents\":");
    p = put_i64(p, b->item_unit_price_cents[i]);
    LIT(",\"discount_cents\":");
    p = put_i64(p, b->item_discount_cents[i]);
    LIT(",\"line_total_cents\":");
    p = put_i64(p, b->item_line_total_cents[i]);
    LIT(",\"created_at\":");
    p = put_i64(p, b->event_time_ms[k]);
    LIT("}");
    return p;
}

int change_order_item(const change_writer *w, const change_event *e, const order_batch *b, size_t k, size_t line,
                      int deleted, char *buf, size_t cap) {
    BEGIN(TOPIC_CHANGE_ORDER_ITEMS, change_avro_order_item(w->avro, e, b, k, line, deleted, buf));
    if (deleted) {
        p = item_row(p, b, k, line);
        LIT(",\"after\":null");
    } else {
        LIT("null,\"after\":");
        p = item_row(p, b, k, line);
    }
    END();
}
