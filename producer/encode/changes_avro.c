/* SPDX-License-Identifier: Apache-2.0 */
/* changes_avro.c - Debezium's change events in Avro (see changes_avro.h).
 *
 * The Avro binary encoding, fields in the order of the schema
 * changes_schema.c writes: zig-zag varints for int and long, a varint length
 * before a string's bytes, a boolean one byte, a union its branch's index
 * (a zig-zag long: 0 is 0x00, 1 is 0x02) before the branch's value. Each
 * value in one pass into a buffer already checked against the table's
 * bound; what does not change between values (the frames, source's
 * constant fields) is made once in change_avro_new. */
#include "changes_avro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avro_put.h"
#include "changes_schema.h"
#include "domain.h"
#include "frame.h"

#define SCHEMA_CAP 16384
#define NAME_MAX_BYTES 64 /* an enum's name (domain.h), a product's name (CATALOG_NAME_MAX) */
#define VARINT_MAX 10

typedef struct avro_table {
    char *key_schema, *value_schema;
    char key_frame[FRAME_CONFLUENT], value_frame[FRAME_CONFLUENT];
    char source_head[1024]; /* source.version, connector, name */
    char source_mid[1024];  /* source.db, sequence (null), schema, table */
    size_t head_len, mid_len;
    size_t bound;
} avro_table;

struct change_avro {
    char currency[64];
    size_t currency_len;
    avro_table table[TOPIC_CHANGE_COUNT];
};

static char *put_str(char *p, const char *s) { return put_bytes(p, s, strlen(s)); }
#define NULL_BRANCH(p) (*(p)++ = 0)
#define SOME_BRANCH(p) (*(p)++ = 2)

/* A row's bytes at most, its union branch included. */
static size_t row_bound(topic_id t, size_t currency_len) {
    size_t n, sum = 1;
    const column *c = changes_columns(t, &n);
    for (size_t i = 0; i < n; i++)
        sum += 1 + VARINT_MAX + (c[i].type == COL_STRING ? NAME_MAX_BYTES + currency_len : 0);
    return sum;
}

int change_avro_new(const topic_names *names, const char *prefix, const char *schema, const char *currency,
                    change_avro **out, char *errstr, size_t errlen) {
    *out = NULL;
    change_avro *a = calloc(1, sizeof *a);
    if (!a) goto oom;
    a->currency_len = strlen(currency);
    if (a->currency_len >= sizeof a->currency) {
        snprintf(errstr, errlen, "currency: expected at most 40 characters, got %zu", a->currency_len);
        goto fail;
    }
    memcpy(a->currency, currency, a->currency_len);
    for (int t = TOPIC_EVENT_COUNT; t < TOPIC_COUNT; t++) {
        avro_table *x = &a->table[TOPIC_CHANGE_INDEX(t)];
        char ns[TOPIC_NAME_MAX + 1];
        if (topic_avro_namespace(names->name[t], ns, sizeof ns) != 0) {
            snprintf(errstr, errlen, "%s: expected a topic name whose parts between dots are not empty, got none",
                     names->name[t]);
            goto fail;
        }
        x->key_schema = malloc(1024);
        x->value_schema = malloc(SCHEMA_CAP);
        if (!x->key_schema || !x->value_schema) goto oom;
        if (changes_avro_key_schema(ns, x->key_schema, 1024) < 0 ||
            changes_avro_value_schema((topic_id)t, ns, x->value_schema, SCHEMA_CAP) < 0)
            goto oom; /* cannot happen: names are at most 249 characters */
        frame_confluent(x->key_frame, 0);
        frame_confluent(x->value_frame, 0);
        char *p = x->source_head;
        p = put_str(p, CHANGES_DEBEZIUM_VERSION);
        p = put_str(p, "postgresql");
        p = put_str(p, prefix);
        x->head_len = (size_t)(p - x->source_head);
        p = x->source_mid;
        p = put_str(p, "shop");
        NULL_BRANCH(p); /* sequence */
        p = put_str(p, schema);
        p = put_str(p, topic_suffixes[t]);
        x->mid_len = (size_t)(p - x->source_mid);
        /* the frame, before and after, source, and op, ts_ms, transaction */
        x->bound = FRAME_CONFLUENT + 2 * row_bound((topic_id)t, a->currency_len) + x->head_len + x->mid_len + 128;
    }
    *out = a;
    return 0;
oom:
    snprintf(errstr, errlen, "out of memory making the change topics' Avro schemas");
fail:
    change_avro_free(a);
    return -1;
}

void change_avro_free(change_avro *a) {
    if (!a) return;
    for (size_t i = 0; i < TOPIC_CHANGE_COUNT; i++) {
        free(a->table[i].key_schema);
        free(a->table[i].value_schema);
    }
    free(a);
}

const char *change_avro_schema(const change_avro *a, topic_id t, int key) {
    const avro_table *x = &a->table[TOPIC_CHANGE_INDEX(t)];
    return key ? x->key_schema : x->value_schema;
}

void change_avro_set_ids(change_avro *a, topic_id t, int32_t key_id, int32_t value_id) {
    avro_table *x = &a->table[TOPIC_CHANGE_INDEX(t)];
    frame_confluent(x->key_frame, key_id);
    frame_confluent(x->value_frame, value_id);
}

size_t change_avro_bound(const change_avro *a, topic_id t) { return a->table[TOPIC_CHANGE_INDEX(t)].bound; }

size_t change_avro_key(const change_avro *a, topic_id t, int64_t id, char key[CHANGE_KEY_MAX]) {
    memcpy(key, a->table[TOPIC_CHANGE_INDEX(t)].key_frame, FRAME_CONFLUENT);
    return (size_t)(put_long(key + FRAME_CONFLUENT, id) - key);
}

/* The envelope after before's and after's rows: source, op, ts_ms, transaction. */
static int close_value(const avro_table *x, const change_event *e, char *p, const char *buf) {
    memcpy(p, x->source_head, x->head_len);
    p += x->head_len;
    p = put_long(p, e->ts_ms);
    *p++ = 0; /* snapshot: ["string", "null"], the string */
    p = put_str(p, e->snapshot);
    memcpy(p, x->source_mid, x->mid_len);
    p += x->mid_len;
    SOME_BRANCH(p);
    p = put_long(p, (int64_t)(e->lsn >> 8)); /* txId */
    SOME_BRANCH(p);
    p = put_long(p, (int64_t)e->lsn);
    NULL_BRANCH(p); /* xmin */
    p = put_bytes(p, &e->op, 1);
    SOME_BRANCH(p);
    p = put_long(p, e->ts_ms);
    NULL_BRANCH(p); /* transaction */
    return (int)(p - buf);
}

#define BEGIN(t)                                                                                                       \
    const avro_table *x = &a->table[TOPIC_CHANGE_INDEX(t)];                                                            \
    char *p = buf;                                                                                                     \
    memcpy(p, x->value_frame, FRAME_CONFLUENT);                                                                        \
    p += FRAME_CONFLUENT

static char *customer_row(char *p, const customer *c, const customer_version *v) {
    if (!v) {
        NULL_BRANCH(p);
        return p;
    }
    SOME_BRANCH(p);
    p = put_long(p, c->id);
    p = put_str(p, cohort_names[c->cohort]);
    p = put_str(p, channel_names[c->preferred_channel]);
    p = put_str(p, region_names[v->region]);
    p = put_str(p, loyalty_tier_names[v->loyalty_tier]);
    p = put_long(p, c->signup_ms);
    return p;
}

int change_avro_customer(const change_avro *a, const change_event *e, const customer *c, const customer_version *before,
                         const customer_version *after, char *buf) {
    BEGIN(TOPIC_CHANGE_CUSTOMERS);
    p = customer_row(p, c, before);
    p = customer_row(p, c, after);
    return close_value(x, e, p, buf);
}

static char *product_row(char *p, const product *pr, const product_version *v) {
    if (!v) {
        NULL_BRANCH(p);
        return p;
    }
    SOME_BRANCH(p);
    p = put_long(p, pr->id);
    p = put_str(p, category_names[pr->category]);
    p = put_bytes(p, pr->name, strnlen(pr->name, sizeof pr->name));
    p = put_long(p, v->price_cents);
    *p++ = (char)(v->in_stock != 0);
    p = put_long(p, v->valid_from_ms);
    return p;
}

int change_avro_product(const change_avro *a, const change_event *e, const product *pr, const product_version *before,
                        const product_version *after, char *buf) {
    BEGIN(TOPIC_CHANGE_PRODUCTS);
    p = product_row(p, pr, before);
    p = product_row(p, pr, after);
    return close_value(x, e, p, buf);
}

void change_avro_order_text(const change_avro *a, const order_batch *b, size_t k, order_text *out) {
    char *p = out->text;
    p = put_long(p, b->order_id[k]);
    p = put_long(p, b->customer_id[k]);
    out->b_at = (uint16_t)(p - out->text); /* status */
    p = put_str(p, channel_names[b->channel[k]]);
    p = put_str(p, payment_method_names[b->payment_method[k]]);
    p = put_long(p, b->item_count[k]);
    p = put_long(p, b->subtotal_cents[k]);
    p = put_long(p, b->discount_cents[k]);
    p = put_long(p, b->total_cents[k]);
    out->c_at = (uint16_t)(p - out->text); /* refunded_cents */
    p = put_bytes(p, a->currency, a->currency_len);
    if (b->campaign_id[k]) {
        SOME_BRANCH(p);
        p = put_long(p, b->campaign_id[k]);
    } else {
        NULL_BRANCH(p);
    }
    p = put_long(p, b->event_time_ms[k]);
    out->len = (uint16_t)(p - out->text); /* updated_at */
}

static char *order_row_avro(char *p, const order_text *t, const order_row *r) {
    if (!r) {
        NULL_BRANCH(p);
        return p;
    }
    SOME_BRANCH(p);
    memcpy(p, t->text, t->b_at);
    p += t->b_at;
    p = put_str(p, order_row_status_names[r->status]);
    memcpy(p, t->text + t->b_at, (size_t)(t->c_at - t->b_at));
    p += t->c_at - t->b_at;
    p = put_long(p, r->refunded_cents);
    memcpy(p, t->text + t->c_at, (size_t)(t->len - t->c_at));
    p += t->len - t->c_at;
    return put_long(p, r->updated_ms);
}

int change_avro_order(const change_avro *a, const change_event *e, const order_text *t, const order_row *before,
                      const order_row *after, char *buf) {
    BEGIN(TOPIC_CHANGE_ORDERS);
    p = order_row_avro(p, t, before);
    p = order_row_avro(p, t, after);
    return close_value(x, e, p, buf);
}

static char *item_row(char *p, const order_batch *b, size_t k, size_t line) {
    size_t i = b->first_item[k] + line;
    SOME_BRANCH(p);
    p = put_long(p, ORDER_ITEM_ROW_ID(b->order_id[k], line));
    p = put_long(p, b->order_id[k]);
    p = put_long(p, (int64_t)line + 1);
    p = put_long(p, b->item_product_id[i]);
    p = put_long(p, b->item_quantity[i]);
    p = put_long(p, b->item_unit_price_cents[i]);
    p = put_long(p, b->item_discount_cents[i]);
    p = put_long(p, b->item_line_total_cents[i]);
    p = put_long(p, b->event_time_ms[k]);
    return p;
}

int change_avro_order_item(const change_avro *a, const change_event *e, const order_batch *b, size_t k, size_t line,
                           int deleted, char *buf) {
    BEGIN(TOPIC_CHANGE_ORDER_ITEMS);
    if (deleted) {
        p = item_row(p, b, k, line);
        NULL_BRANCH(p);
    } else {
        NULL_BRANCH(p);
        p = item_row(p, b, k, line);
    }
    return close_value(x, e, p, buf);
}
