/* SPDX-License-Identifier: Apache-2.0 */
/* changes.c - Debezium change events of the shop's tables (see changes.h).
 *
 * Each value is written in one pass into a buffer already checked against
 * the table's bound: the schema (json-schema), before, after, source, op,
 * ts_ms. What does not change between values (the schemas, source's
 * constant fields) is made once in change_writer_new. The avro format's
 * keys and values are changes_avro.c's: each entry point hands them over
 * after the one bound check. */
#include "changes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes_avro.h"
#include "changes_schema.h"
#include "frame.h"
#include "domain.h"
#include "jsonenc.h"

#define N_TABLES (TOPIC_COUNT - TOPIC_EVENT_COUNT)
#define TABLE(t) ((size_t)(t)-TOPIC_EVENT_COUNT)

typedef struct table_text {
    char *key_schema, *value_schema; /* json-schema: `{"schema":...,"payload":`; else "" */
    size_t key_schema_len, value_schema_len;
    char source_head[512]; /* `,"source":{"version":...,"name":"P","ts_ms":` */
    char source_mid[512];  /* `,"snapshot":` ... after it: `,"db":...,"table":"T","txId":` */
    size_t head_len, mid_len;
    size_t bound;
} table_text;

struct change_writer {
    changelog_format format;
    change_avro *avro; /* avro: its writer; else NULL */
    int64_t start_ms;
    char currency[256]; /* as a JSON string, quoted */
    size_t currency_len;
    table_text table[N_TABLES];
};

/* Row bytes at most: every column's name and widest value, escaped names. */
static size_t row_bound(topic_id t, size_t currency_len) {
    size_t n, sum = 32 + 6 * CATALOG_NAME_MAX + currency_len;
    const column *c = changes_columns(t, &n);
    for (size_t i = 0; i < n; i++) sum += strlen(c[i].name) + 32;
    return sum;
}

int change_writer_new(const topic_names *names, const char *prefix, const char *schema, changelog_format format,
                      int64_t start_ms, const char *currency, change_writer **out, char *errstr, size_t errlen) {
    *out = NULL;
    change_writer *w = calloc(1, sizeof *w);
    if (!w) goto oom;
    w->format = format;
    w->start_ms = start_ms;
    int n = jsonenc_string(w->currency, sizeof w->currency, 0, currency);
    if (n < 0) {
        snprintf(errstr, errlen, "currency: expected at most 40 characters, got %zu", strlen(currency));
        goto fail;
    }
    w->currency_len = (size_t)n;
    if (format == CHANGELOG_AVRO && change_avro_new(names, prefix, schema, currency, &w->avro, errstr, errlen) != 0)
        goto fail;
    for (int t = TOPIC_EVENT_COUNT; t < TOPIC_COUNT; t++) {
        table_text *x = &w->table[TABLE(t)];
        const char *name = names->name[t];
        if (format == CHANGELOG_JSON_SCHEMA) {
            size_t cap = 16384;
            x->key_schema = malloc(1024);
            x->value_schema = malloc(cap);
            if (!x->key_schema || !x->value_schema) goto oom;
            int k = changes_key_schema(name, x->key_schema, 1024),
                v = changes_value_schema(t, name, x->value_schema, cap);
            if (k < 0 || v < 0) goto oom; /* cannot happen: names are at most 249 characters */
            x->key_schema_len = (size_t)k;
            x->value_schema_len = (size_t)v;
        }
        x->head_len = (size_t)snprintf(x->source_head, sizeof x->source_head,
                                       ",\"source\":{\"version\":\"" CHANGES_DEBEZIUM_VERSION
                                       "\",\"connector\":\"postgresql\",\"name\":\"%s\",\"ts_ms\":",
                                       prefix);
        x->mid_len =
            (size_t)snprintf(x->source_mid, sizeof x->source_mid,
                             ",\"db\":\"shop\",\"sequence\":null,\"schema\":\"%s\",\"table\":\"%s\",\"txId\":", schema,
                             topic_suffixes[t]);
        x->bound = w->avro ? change_avro_bound(w->avro, (topic_id)t)
                           : x->value_schema_len + 2 * row_bound((topic_id)t, w->currency_len) + x->head_len +
                                 x->mid_len + 256;
    }
    *out = w;
    return 0;
oom:
    snprintf(errstr, errlen, "out of memory making the change topics' schemas");
fail:
    change_writer_free(w);
    return -1;
}

void change_writer_free(change_writer *w) {
    if (!w) return;
    change_avro_free(w->avro);
    for (size_t i = 0; i < N_TABLES; i++) {
        free(w->table[i].key_schema);
        free(w->table[i].value_schema);
    }
    free(w);
}

size_t change_bound(const change_writer *w, topic_id t) { return w->table[TABLE(t)].bound; }

const char *change_schema_text(const change_writer *w, topic_id t, int key) {
    return w->avro ? change_avro_schema(w->avro, t, key) : NULL;
}

void change_set_schema_ids(change_writer *w, topic_id t, int32_t key_id, int32_t value_id) {
    if (w->avro) change_avro_set_ids(w->avro, t, key_id, value_id);
}

size_t change_frame_length(changelog_format format) { return format == CHANGELOG_AVRO ? FRAME_CONFLUENT : 0; }

uint64_t change_lsn(const change_writer *w, int64_t ts_ms, int64_t id, unsigned sub) {
    uint64_t low = (((uint64_t)id & 0xFFFFFu) << 8) | (sub & 0xFFu);
    if (ts_ms < 0) return low;
    return ((uint64_t)(ts_ms - w->start_ms + 1) << 28) | low;
}

/* The appender: p moves along a buffer known to be big enough. */
#define LIT(s) (memcpy(p, s, sizeof s - 1), p += sizeof s - 1)
static char *put_mem(char *p, const char *s, size_t n) {
    memcpy(p, s, n);
    return p + n;
}
static char *put_u64(char *p, uint64_t v) { /* two digits a division */
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    char tmp[20];
    int n = 20;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100);
        v /= 100;
        tmp[--n] = pairs[2 * d + 1];
        tmp[--n] = pairs[2 * d];
    }
    if (v >= 10) {
        tmp[--n] = pairs[2 * v + 1];
        tmp[--n] = pairs[2 * v];
    } else {
        tmp[--n] = (char)('0' + v);
    }
    memcpy(p, tmp + n, (size_t)(20 - n));
    return p + (20 - n);
}
static char *put_i64(char *p, int64_t v) {
    if (v < 0) {
        *p++ = '-';
        return put_u64(p, 0u - (uint64_t)v);
    }
    return put_u64(p, (uint64_t)v);
}
static char *put_str(char *p, const char *s) { /* an enum's name: no escapes needed */
    *p++ = '"';
    p = put_mem(p, s, strlen(s));
    *p++ = '"';
    return p;
}

size_t change_key(const change_writer *w, topic_id t, int64_t id, char key[CHANGE_KEY_MAX]) {
    if (w->avro) return change_avro_key(w->avro, t, id, key);
    const table_text *x = &w->table[TABLE(t)];
    char *p = put_mem(key, x->key_schema ? x->key_schema : "", x->key_schema_len);
    LIT("{\"id\":");
    p = put_i64(p, id);
    LIT("}");
    if (x->key_schema) LIT("}");
    return (size_t)(p - key);
}

/* Everything before `before`'s row, and after `after`'s: the envelope. */
static char *open_value(const table_text *x, char *p) {
    p = put_mem(p, x->value_schema ? x->value_schema : "", x->value_schema_len);
    LIT("{\"before\":");
    return p;
}
static char *close_value(const table_text *x, const change_event *e, char *p) {
    p = put_mem(p, x->source_head, x->head_len);
    p = put_i64(p, e->ts_ms);
    LIT(",\"snapshot\":");
    p = put_str(p, e->snapshot);
    p = put_mem(p, x->source_mid, x->mid_len);
    p = put_u64(p, e->lsn >> 8);
    LIT(",\"lsn\":");
    p = put_u64(p, e->lsn);
    LIT(",\"xmin\":null},\"op\":\"");
    *p++ = e->op;
    LIT("\",\"ts_ms\":");
    p = put_i64(p, e->ts_ms);
    LIT(",\"transaction\":null}");
    if (x->value_schema) LIT("}");
    return p;
}

/* AVRO: the call that writes the value in Avro instead. */
#define BEGIN(t, AVRO)                                                                                                 \
    const table_text *x = &w->table[TABLE(t)];                                                                         \
    if (cap < x->bound) return -1;                                                                                     \
    if (w->avro) return AVRO;                                                                                          \
    char *p = open_value(x, buf)
#define END()                                                                                                          \
    p = close_value(x, e, p);                                                                                          \
    return (int)(p - buf)

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
