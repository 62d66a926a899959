/* SPDX-License-Identifier: Apache-2.0 */
/* parquet_cols.h - the columns of a Parquet file (parquet.h): an Avro
 * record schema mapped to columns, records decoded into them, and each
 * column's statistics; private to the Parquet writer (parquet.c,
 * parquet_group.c, parquet_dict.c).
 *
 * Invariants: a column holds PLAIN-encoded values of its non-null rows
 * (booleans a byte each until the page packs them; an enum its symbol's
 * index, a byte, for its dictionary), a definition level a
 * row when OPTIONAL, and min, max and null count of what it holds; a
 * string column whose row group holds at most PQ_DICT_MAX distinct values
 * is written with a dictionary of them (parquet_dict.c). A
 * record that does not decode is an error that ends the file (the columns
 * may then hold part of it). */
#ifndef SHOPSTREAM_PARQUET_COLS_H
#define SHOPSTREAM_PARQUET_COLS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum pq_kind { PQ_LONG, PQ_INT, PQ_DOUBLE, PQ_BOOL, PQ_STRING, PQ_ENUM, PQ_TIMESTAMP } pq_kind;

typedef struct pq_bytes {
    unsigned char *data;
    size_t len, cap;
} pq_bytes;

typedef struct pq_column {
    char name[128];
    pq_kind kind;
    int optional;
    char **symbols; /* enum */
    size_t n_symbols;
    pq_bytes values, defs; /* PLAIN values of non-null rows; a level a row (optional) */
    uint64_t rows, nulls;
    int has_stats;
    int64_t imin, imax; /* long, int, timestamp, bool */
    double dmin, dmax;
    pq_bytes smin, smax; /* string (an enum's come from used at the end) */
    uint64_t used[4];    /* enum: the symbols its rows hold, a bit each */
    /* string: the row group's dictionary, made by pq_string_dictionary */
    int dict;            /* 1: the data page holds indices into dict_body */
    size_t n_dict;       /* distinct values */
    pq_bytes dict_body;  /* the distinct values, PLAIN, first seen first */
    pq_bytes dict_index; /* a value's index, a byte each */
} pq_column;

#define PQ_DICT_MAX 255 /* the most distinct strings a row group's dictionary holds */

/* Whether c's values go through a dictionary page: an enum always; a
 * string when pq_string_dictionary found them few. */
static inline int pq_has_dictionary(const pq_column *c) { return c->kind == PQ_ENUM || c->dict; }

/* For a string column, its row group's dictionary when it holds at most
 * PQ_DICT_MAX distinct values (c->dict 1, n_dict, dict_body, dict_index),
 * else c->dict 0. -1: out of memory. */
int pq_string_dictionary(pq_column *c);

/* The columns of schema_text's record fields. -1 with why in errstr. */
int pq_columns_new(const char *schema_text, pq_column **out, size_t *n, char *errstr, size_t errlen);
void pq_columns_free(pq_column *c, size_t n);

/* Decodes one Avro record into the columns. -1 with why in errstr. */
int pq_columns_add(pq_column *c, size_t n, const unsigned char *p, size_t len, char *errstr, size_t errlen);

/* An enum's min and max symbols, from the symbols used, into smin and smax
 * (before its statistics are written). -1: out of memory. */
int pq_enum_stats(pq_column *c);

/* Empties the columns for the next row group (their memory kept). */
void pq_columns_reset(pq_column *c, size_t n);

int pq_bytes_grow(pq_bytes *b, const void *p, size_t n); /* pq_bytes_put's slow path */

/* Appends n bytes; -1: out of memory. */
static inline int pq_bytes_put(pq_bytes *b, const void *p, size_t n) {
    if (b->len + n > b->cap) return pq_bytes_grow(b, p, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* A data page's body into pg: definition levels (RLE runs, bit width 1,
 * after their 4-byte length) when optional, then the values: an enum's
 * as RLE_DICTIONARY indices (the bit width, then one bit-packed run), a
 * boolean's bit-packed, the others PLAIN. -1: out of memory. */
int pq_page_body(const pq_column *c, pq_bytes *pg);

/* A dictionary page's body: an enum's symbols, PLAIN, in schema order, or
 * a string column's dict_body. */
int pq_dictionary_body(const pq_column *c, pq_bytes *pg);
int pq_dictionary_width(const pq_column *c); /* the indices' bit width */

/* Bytes the columns' buffers hold (allocated). */
size_t pq_columns_held(const pq_column *c, size_t n);

#endif
