/* SPDX-License-Identifier: Apache-2.0 */
/* changes.c - Debezium change events of the shop's tables (see changes.h).
 *
 * Each value is written in one pass into a buffer already checked against
 * the table's bound: the schema (json-schema), before, after, source, op,
 * ts_ms. What does not change between values (the schemas, source's
 * constant fields) is made once in change_writer_new; the tables' rows are
 * changes_rows.c's. The avro format's keys and values are changes_avro.c's:
 * each entry point hands them over after the one bound check. */
#include "changes_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes_avro.h"
#include "changes_schema.h"
#include "frame.h"
#include "domain.h"
#include "jsonenc.h"

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
        table_text *x = &w->table[TOPIC_CHANGE_INDEX(t)];
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
    for (size_t i = 0; i < TOPIC_CHANGE_COUNT; i++) {
        free(w->table[i].key_schema);
        free(w->table[i].value_schema);
    }
    free(w);
}

size_t change_bound(const change_writer *w, topic_id t) { return w->table[TOPIC_CHANGE_INDEX(t)].bound; }

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

size_t change_key_words(const change_writer *w, topic_id t, int64_t id, char key[CHANGE_KEY_MAX], uint64_t *first,
                        uint64_t *last) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (w->avro || w->table[TOPIC_CHANGE_INDEX(t)].key_schema || id < 0 || id >= 100000000) return 0;
    uint32_t v = (uint32_t)id;
    unsigned n = digit_count(v);
    uint64_t digits = digits_8(v) >> (8 * (8 - n)); /* the n digits, the first in the lowest byte */
    /* Bytes 0-5 {"id":, then the digits, then the brace (byte 6 + n): the
     * first eight in lo, the rest in hi. */
    uint64_t lo = UINT64_C(0x00003A226469227B) | digits << 48, hi = digits >> 16;
    if (n == 1)
        lo |= (uint64_t)'}' << 56;
    else
        hi |= (uint64_t)'}' << (8 * n - 16);
    memcpy(key, &lo, 8);
    memcpy(key + 8, &hi, 8);
    *first = lo;
    *last = n == 1 ? lo : lo >> (8 * (n - 1)) | hi << (64 - 8 * (n - 1)); /* bytes n - 1 to n + 6 */
    return 7u + n;
#else
    (void)w, (void)t, (void)id, (void)key, (void)first, (void)last;
    return 0;
#endif
}

size_t change_key(const change_writer *w, topic_id t, int64_t id, char key[CHANGE_KEY_MAX]) {
    if (w->avro) return change_avro_key(w->avro, t, id, key);
    const table_text *x = &w->table[TOPIC_CHANGE_INDEX(t)];
    char *p = put_mem(key, x->key_schema ? x->key_schema : "", x->key_schema_len);
    LIT("{\"id\":");
    p = put_i64(p, id);
    LIT("}");
    if (x->key_schema) LIT("}");
    return (size_t)(p - key);
}

/* Everything before `before`'s row, and after `after`'s: the envelope. */
char *changes_open_value(const table_text *x, char *p) {
    p = put_mem(p, x->value_schema ? x->value_schema : "", x->value_schema_len);
    LIT("{\"before\":");
    return p;
}
char *changes_close_value(const table_text *x, const change_event *e, char *p) {
    char ts[24]; /* written once, copied twice: source.ts_ms and ts_ms */
    size_t ts_len = (size_t)(put_i64(ts, e->ts_ms) - ts);
    p = put_mem(p, x->source_head, x->head_len);
    p = put_mem(p, ts, ts_len);
    switch (e->snapshot[0]) { /* changes.h: "true", "last" or "false" */
    case 't': LIT(",\"snapshot\":\"true\""); break;
    case 'l': LIT(",\"snapshot\":\"last\""); break;
    default: LIT(",\"snapshot\":\"false\""); break;
    }
    p = put_mem(p, x->source_mid, x->mid_len);
    p = put_u64(p, e->lsn >> 8);
    LIT(",\"lsn\":");
    p = put_u64(p, e->lsn);
    LIT(",\"xmin\":null},\"op\":\"");
    *p++ = e->op;
    LIT("\",\"ts_ms\":");
    p = put_mem(p, ts, ts_len);
    LIT(",\"transaction\":null}");
    if (x->value_schema) LIT("}");
    return p;
}
