/* SPDX-License-Identifier: Apache-2.0 */
/* parquet_group.c - the bytes of a Parquet file after its magic: a row
 * group's column chunks (pages, their headers, the ColumnChunk metadata)
 * and the footer (see parquet_impl.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parquet_impl.h"

#ifndef SHOPSTREAM_VERSION
#define SHOPSTREAM_VERSION "unknown"
#endif

enum { ENC_PLAIN = 0, ENC_PLAIN_DICTIONARY = 2, ENC_RLE = 3, ENC_RLE_DICTIONARY = 8 };

int pq_put(parquet_writer *w, const void *p, size_t n, char *errstr, size_t errlen) {
    if (w->write(w->ctx, p, n, errstr, errlen) != 0) return -1;
    w->offset += n;
    return 0;
}

int pq_physical(pq_kind k) {
    return k == PQ_LONG || k == PQ_TIMESTAMP ? PT_INT64
           : k == PQ_INT                     ? PT_INT32
           : k == PQ_DOUBLE                  ? PT_DOUBLE
           : k == PQ_BOOL                    ? PT_BOOLEAN
                                             : PT_BYTE_ARRAY;
}

/* min or max as Parquet's statistics bytes. */
static size_t stat_bytes(const pq_column *c, int max, unsigned char out[8]) {
    if (c->kind == PQ_DOUBLE) {
        double d = max ? c->dmax : c->dmin;
        memcpy(out, &d, 8);
        return 8;
    }
    int64_t v = max ? c->imax : c->imin;
    for (int i = 0; i < 8; i++) out[i] = (unsigned char)((uint64_t)v >> (8 * i));
    return c->kind == PQ_BOOL ? 1 : c->kind == PQ_INT ? 4 : 8;
}

static void statistics(tc_buf *b, int16_t id, const pq_column *c) {
    tc_struct_begin(b, id);
    tc_i64(b, 3, (int64_t)c->nulls);
    if (c->has_stats) {
        unsigned char lo[8], hi[8];
        int text = c->kind == PQ_STRING || c->kind == PQ_ENUM;
        if (text) {
            tc_binary(b, 5, c->smax.data, c->smax.len);
            tc_binary(b, 6, c->smin.data, c->smin.len);
        } else {
            size_t n = stat_bytes(c, 1, hi);
            stat_bytes(c, 0, lo);
            tc_binary(b, 5, hi, n);
            tc_binary(b, 6, lo, n);
        }
    }
    tc_struct_end(b);
}

/* One page of w->page, compressed by the file's codec, after its header (a
 * data page's, or with dict a dictionary page's); its sizes added to raw
 * and packed. */
static int write_page(parquet_writer *w, const pq_column *c, int dict, int64_t *raw, int64_t *packed, char *errstr,
                      size_t errlen) {
    const void *body;
    size_t size;
    if (packer_pack(w->packer, w->page.data, w->page.len, &body, &size, errstr, errlen) != 0) return -1;
    tc_buf h;
    tc_init(&h);
    tc_i32(&h, 1, dict ? 2 : 0); /* DICTIONARY_PAGE : DATA_PAGE */
    tc_i32(&h, 2, (int32_t)w->page.len);
    tc_i32(&h, 3, (int32_t)size);
    if (dict) {
        tc_struct_begin(&h, 7); /* DictionaryPageHeader */
        tc_i32(&h, 1, (int32_t)(c->kind == PQ_ENUM ? c->n_symbols : c->n_dict));
        tc_i32(&h, 2, ENC_PLAIN_DICTIONARY);
    } else {
        tc_struct_begin(&h, 5); /* DataPageHeader */
        tc_i32(&h, 1, (int32_t)c->rows);
        tc_i32(&h, 2, pq_has_dictionary(c) ? ENC_RLE_DICTIONARY : ENC_PLAIN);
        tc_i32(&h, 3, ENC_RLE);
        tc_i32(&h, 4, ENC_RLE);
    }
    tc_struct_end(&h);
    tc_struct_end(&h);
    int rc = h.failed ? -1 : pq_put(w, h.data, h.len, errstr, errlen);
    if (h.failed) snprintf(errstr, errlen, "out of memory");
    if (rc == 0) rc = pq_put(w, body, size, errstr, errlen);
    *raw += (int64_t)(h.len + w->page.len);
    *packed += (int64_t)(h.len + size);
    tc_free(&h);
    return rc;
}

/* One column chunk: its dictionary page (an enum's, or a string column's
 * with few values), then its data page; its
 * ColumnChunk into rg. */
static int write_chunk(parquet_writer *w, pq_column *c, tc_buf *rg, int64_t *raw_total, int64_t *total, char *errstr,
                       size_t errlen) {
    if ((c->kind == PQ_ENUM ? pq_enum_stats(c) : c->kind == PQ_STRING ? pq_string_dictionary(c) : 0) != 0) {
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    int64_t raw = 0, packed = 0;
    uint64_t dict_at = w->offset;
    int dict = pq_has_dictionary(c);
    if (dict && (pq_dictionary_body(c, &w->page) != 0 || write_page(w, c, 1, &raw, &packed, errstr, errlen) != 0))
        return -1;
    uint64_t at = w->offset;
    if (pq_page_body(c, &w->page) != 0) {
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    if (write_page(w, c, 0, &raw, &packed, errstr, errlen) != 0) return -1;
    *raw_total += raw;
    *total += packed;
    tc_struct_begin(rg, -1); /* ColumnChunk */
    tc_i64(rg, 2, (int64_t)(dict ? dict_at : at));
    tc_struct_begin(rg, 3); /* ColumnMetaData */
    tc_i32(rg, 1, pq_physical(c->kind));
    tc_list(rg, 2, TC_I32, dict ? 3 : 2);
    tc_list_i32(rg, dict ? ENC_PLAIN_DICTIONARY : ENC_PLAIN);
    tc_list_i32(rg, ENC_RLE);
    if (dict) tc_list_i32(rg, ENC_RLE_DICTIONARY);
    tc_list(rg, 3, TC_BINARY, 1);
    tc_list_binary(rg, c->name, strlen(c->name));
    tc_i32(rg, 4, w->codec_id);
    tc_i64(rg, 5, (int64_t)c->rows);
    tc_i64(rg, 6, raw);
    tc_i64(rg, 7, packed);
    tc_i64(rg, 9, (int64_t)at);
    if (dict) tc_i64(rg, 11, (int64_t)dict_at);
    statistics(rg, 12, c);
    tc_struct_end(rg);
    tc_struct_end(rg);
    return 0;
}

int pq_write_row_group(parquet_writer *w, pq_column *cols, char *errstr, size_t errlen) {
    uint64_t rows = w->n_cols ? cols[0].rows : 0;
    if (rows == 0) return 0;
    tc_buf rg;
    tc_init(&rg);
    uint64_t first = w->offset;
    int64_t raw = 0, total = 0;
    tc_struct_begin(&rg, -1); /* RowGroup */
    tc_list(&rg, 1, TC_STRUCT, w->n_cols);
    for (size_t i = 0; i < w->n_cols; i++)
        if (write_chunk(w, &cols[i], &rg, &raw, &total, errstr, errlen) != 0) {
            tc_free(&rg);
            return -1;
        }
    tc_i64(&rg, 2, raw);
    tc_i64(&rg, 3, (int64_t)rows);
    tc_i64(&rg, 5, (int64_t)first);
    tc_i64(&rg, 6, total);
    tc_struct_end(&rg);
    tc_bytes(&w->groups, rg.data, rg.len);
    int failed = rg.failed || w->groups.failed;
    tc_free(&rg);
    if (failed) {
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    w->n_groups++;
    w->rows += rows;
    pq_columns_reset(cols, w->n_cols);
    return 0;
}

/* SchemaElement of a column: type, repetition, name, converted and logical type. */
static void schema_element(tc_buf *b, const pq_column *c) {
    tc_struct_begin(b, -1);
    tc_i32(b, 1, pq_physical(c->kind));
    tc_i32(b, 3, c->optional ? 1 : 0); /* OPTIONAL : REQUIRED */
    tc_binary(b, 4, c->name, strlen(c->name));
    int text = c->kind == PQ_STRING || c->kind == PQ_ENUM;
    if (text || c->kind == PQ_TIMESTAMP) {
        tc_i32(b, 6, text ? 0 : 9); /* UTF8 : TIMESTAMP_MILLIS */
        tc_struct_begin(b, 10);     /* LogicalType */
        tc_struct_begin(b, text ? 1 : 8);
        if (!text) {
            tc_bool(b, 1, 1);      /* isAdjustedToUTC */
            tc_struct_begin(b, 2); /* TimeUnit */
            tc_struct_begin(b, 1); /* MILLIS */
            tc_struct_end(b);
            tc_struct_end(b);
        }
        tc_struct_end(b);
        tc_struct_end(b);
    }
    tc_struct_end(b);
}

int pq_write_footer(parquet_writer *w, char *errstr, size_t errlen) {
    tc_buf m;
    tc_init(&m);
    tc_struct_begin(&m, -1); /* FileMetaData */
    tc_i32(&m, 1, 1);
    tc_list(&m, 2, TC_STRUCT, w->n_cols + 1);
    tc_struct_begin(&m, -1); /* the root */
    tc_binary(&m, 4, "schema", 6);
    tc_i32(&m, 5, (int32_t)w->n_cols);
    tc_struct_end(&m);
    for (size_t i = 0; i < w->n_cols; i++) schema_element(&m, &w->cols[i]);
    tc_i64(&m, 3, (int64_t)w->rows);
    tc_list(&m, 4, TC_STRUCT, w->n_groups);
    tc_bytes(&m, w->groups.data, w->groups.len);
    const char *by = "shopstream version " SHOPSTREAM_VERSION;
    tc_binary(&m, 6, by, strlen(by));
    tc_list(&m, 7, TC_STRUCT, w->n_cols); /* column_orders: TYPE_ORDER each */
    for (size_t i = 0; i < w->n_cols; i++) {
        tc_struct_begin(&m, -1);
        tc_struct_begin(&m, 1);
        tc_struct_end(&m);
        tc_struct_end(&m);
    }
    tc_struct_end(&m);
    unsigned char tail[8] = { (unsigned char)m.len,
                              (unsigned char)(m.len >> 8),
                              (unsigned char)(m.len >> 16),
                              (unsigned char)(m.len >> 24),
                              'P',
                              'A',
                              'R',
                              '1' };
    int rc = m.failed ? -1 : pq_put(w, m.data, m.len, errstr, errlen);
    if (m.failed) snprintf(errstr, errlen, "out of memory");
    if (rc == 0) rc = pq_put(w, tail, 8, errstr, errlen);
    tc_free(&m);
    return rc;
}
