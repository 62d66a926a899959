/* SPDX-License-Identifier: Apache-2.0 */
/* parquet.c - row groups, pages and the footer (see parquet.h). */
#include "parquet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "parquet_cols.h"
#include "thrift.h"

#ifndef SHOPSTREAM_VERSION
#define SHOPSTREAM_VERSION "unknown"
#endif

enum { PT_BOOLEAN = 0, PT_INT32 = 1, PT_INT64 = 2, PT_DOUBLE = 5, PT_BYTE_ARRAY = 6 };
enum { ENC_PLAIN = 0, ENC_RLE = 3 };
enum { CODEC_UNCOMPRESSED = 0, CODEC_ZSTD_ID = 6 };

struct parquet_writer {
    pq_column *cols;
    size_t n_cols;
    int zstd;
    size_t row_group_bytes;
    parquet_write_fn write;
    void *ctx;
    uint64_t offset, rows; /* bytes written, rows in the file */
    tc_buf groups;         /* the row groups written, each a RowGroup struct */
    size_t n_groups;
    pq_bytes page, packed; /* a page being made, and compressed */
};

static int put(parquet_writer *w, const void *p, size_t n, char *errstr, size_t errlen) {
    if (w->write(w->ctx, p, n, errstr, errlen) != 0) return -1;
    w->offset += n;
    return 0;
}

static int physical(pq_kind k) {
    return k == PQ_LONG || k == PQ_TIMESTAMP ? PT_INT64
           : k == PQ_INT                     ? PT_INT32
           : k == PQ_DOUBLE                  ? PT_DOUBLE
           : k == PQ_BOOL                    ? PT_BOOLEAN
                                             : PT_BYTE_ARRAY;
}

/* The page's bytes: definition levels (RLE runs, bit width 1, after their
 * 4-byte length) when optional, then the PLAIN values. */
static int make_page(parquet_writer *w, const pq_column *c) {
    pq_bytes *pg = &w->page;
    pg->len = 0;
    if (c->optional) {
        tc_buf runs;
        tc_init(&runs);
        for (size_t i = 0; i < c->defs.len;) {
            size_t j = i;
            while (j < c->defs.len && c->defs.data[j] == c->defs.data[i]) j++;
            tc_varint(&runs, (uint64_t)(j - i) << 1);
            tc_bytes(&runs, &c->defs.data[i], 1);
            i = j;
        }
        unsigned char len[4] = { (unsigned char)runs.len, (unsigned char)(runs.len >> 8),
                                 (unsigned char)(runs.len >> 16), (unsigned char)(runs.len >> 24) };
        int rc = runs.failed || pq_bytes_put(pg, len, 4) != 0 || pq_bytes_put(pg, runs.data, runs.len) != 0;
        tc_free(&runs);
        if (rc) return -1;
    }
    if (c->kind != PQ_BOOL) return pq_bytes_put(pg, c->values.data, c->values.len);
    for (size_t i = 0; i < c->values.len; i += 8) { /* bit-packed, the first value in the lowest bit */
        unsigned char b = 0;
        for (size_t k = 0; k < 8 && i + k < c->values.len; k++) b |= (unsigned char)(c->values.data[i + k] << k);
        if (pq_bytes_put(pg, &b, 1) != 0) return -1;
    }
    return 0;
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

/* One column chunk: its page header and page; its ColumnChunk into rg. */
static int write_chunk(parquet_writer *w, const pq_column *c, tc_buf *rg, int64_t *raw_total, int64_t *total,
                       char *errstr, size_t errlen) {
    if (make_page(w, c) != 0) goto oom;
    const void *body = w->page.data;
    size_t size = w->page.len;
    if (w->zstd) {
        size_t bound = ZSTD_compressBound(w->page.len);
        w->packed.len = 0;
        if (bound > w->packed.cap) {
            unsigned char *d = realloc(w->packed.data, bound);
            if (!d) goto oom;
            w->packed.data = d;
            w->packed.cap = bound;
        }
        size = ZSTD_compress(w->packed.data, bound, w->page.data, w->page.len, 3);
        if (ZSTD_isError(size)) {
            snprintf(errstr, errlen, "parquet: zstd: %s", ZSTD_getErrorName(size));
            return -1;
        }
        body = w->packed.data;
    }
    tc_buf h;
    tc_init(&h);
    tc_i32(&h, 1, 0); /* DATA_PAGE */
    tc_i32(&h, 2, (int32_t)w->page.len);
    tc_i32(&h, 3, (int32_t)size);
    tc_struct_begin(&h, 5); /* DataPageHeader */
    tc_i32(&h, 1, (int32_t)c->rows);
    tc_i32(&h, 2, ENC_PLAIN);
    tc_i32(&h, 3, ENC_RLE);
    tc_i32(&h, 4, ENC_RLE);
    tc_struct_end(&h);
    tc_struct_end(&h);
    uint64_t at = w->offset;
    int rc = h.failed ? -1 : put(w, h.data, h.len, errstr, errlen);
    if (rc == 0) rc = put(w, body, size, errstr, errlen);
    int64_t raw = (int64_t)(h.len + w->page.len), packed = (int64_t)(h.len + size);
    tc_free(&h);
    if (rc != 0) return -1;
    *raw_total += raw;
    *total += packed;
    tc_struct_begin(rg, -1); /* ColumnChunk */
    tc_i64(rg, 2, (int64_t)at);
    tc_struct_begin(rg, 3); /* ColumnMetaData */
    tc_i32(rg, 1, physical(c->kind));
    tc_list(rg, 2, TC_I32, 2);
    tc_list_i32(rg, ENC_PLAIN);
    tc_list_i32(rg, ENC_RLE);
    tc_list(rg, 3, TC_BINARY, 1);
    tc_list_binary(rg, c->name, strlen(c->name));
    tc_i32(rg, 4, w->zstd ? CODEC_ZSTD_ID : CODEC_UNCOMPRESSED);
    tc_i64(rg, 5, (int64_t)c->rows);
    tc_i64(rg, 6, raw);
    tc_i64(rg, 7, packed);
    tc_i64(rg, 9, (int64_t)at);
    statistics(rg, 12, c);
    tc_struct_end(rg);
    tc_struct_end(rg);
    return 0;
oom:
    snprintf(errstr, errlen, "out of memory");
    return -1;
}

static int write_row_group(parquet_writer *w, char *errstr, size_t errlen) {
    uint64_t rows = w->n_cols ? w->cols[0].rows : 0;
    if (rows == 0) return 0;
    tc_buf rg;
    tc_init(&rg);
    uint64_t first = w->offset;
    int64_t raw = 0, total = 0;
    tc_struct_begin(&rg, -1); /* RowGroup */
    tc_list(&rg, 1, TC_STRUCT, w->n_cols);
    for (size_t i = 0; i < w->n_cols; i++)
        if (write_chunk(w, &w->cols[i], &rg, &raw, &total, errstr, errlen) != 0) {
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
    pq_columns_reset(w->cols, w->n_cols);
    return 0;
}

int parquet_writer_new(const char *schema_text, file_codec codec, size_t row_group_bytes, parquet_write_fn write,
                       void *ctx, parquet_writer **out, char *errstr, size_t errlen) {
    *out = NULL;
    parquet_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    w->zstd = codec == CODEC_ZSTD;
    w->row_group_bytes = row_group_bytes;
    w->write = write;
    w->ctx = ctx;
    tc_init(&w->groups);
    if (pq_columns_new(schema_text, &w->cols, &w->n_cols, errstr, errlen) != 0 ||
        put(w, "PAR1", 4, errstr, errlen) != 0) {
        parquet_writer_free(w);
        return -1;
    }
    *out = w;
    return 0;
}

int parquet_writer_append(parquet_writer *w, const void *avro, size_t len, char *errstr, size_t errlen) {
    if (pq_columns_add(w->cols, w->n_cols, avro, len, errstr, errlen) != 0) return -1;
    return parquet_writer_buffered(w) >= w->row_group_bytes ? write_row_group(w, errstr, errlen) : 0;
}

size_t parquet_writer_buffered(const parquet_writer *w) {
    size_t n = 0;
    for (size_t i = 0; i < w->n_cols; i++) n += w->cols[i].values.len + w->cols[i].defs.len;
    return n;
}

/* SchemaElement of a column: type, repetition, name, converted and logical type. */
static void schema_element(tc_buf *b, const pq_column *c) {
    tc_struct_begin(b, -1);
    tc_i32(b, 1, physical(c->kind));
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

int parquet_writer_finish(parquet_writer *w, char *errstr, size_t errlen) {
    if (write_row_group(w, errstr, errlen) != 0) return -1;
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
    int rc = m.failed ? -1 : put(w, m.data, m.len, errstr, errlen);
    if (m.failed) snprintf(errstr, errlen, "out of memory");
    if (rc == 0) rc = put(w, tail, 8, errstr, errlen);
    tc_free(&m);
    return rc;
}

void parquet_writer_free(parquet_writer *w) {
    if (!w) return;
    pq_columns_free(w->cols, w->n_cols);
    tc_free(&w->groups);
    free(w->page.data);
    free(w->packed.data);
    free(w);
}
