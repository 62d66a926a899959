/* SPDX-License-Identifier: Apache-2.0 */
/* parquet_cols.c - Avro schema to columns, records into them (see parquet_cols.h). */
#include "parquet_cols.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pq_bytes_grow(pq_bytes *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* A field's Avro type as a column kind; -1 if it has none. */
static int kind_of(json_t *type, pq_column *c) {
    if (json_is_string(type)) {
        const char *t = json_string_value(type);
        return strcmp(t, "long") == 0      ? PQ_LONG
               : strcmp(t, "int") == 0     ? PQ_INT
               : strcmp(t, "double") == 0  ? PQ_DOUBLE
               : strcmp(t, "boolean") == 0 ? PQ_BOOL
               : strcmp(t, "string") == 0  ? PQ_STRING
                                           : -1;
    }
    if (!json_is_object(type)) return -1;
    const char *t = json_string_value(json_object_get(type, "type"));
    const char *logical = json_string_value(json_object_get(type, "logicalType"));
    if (t && strcmp(t, "long") == 0 && logical && strcmp(logical, "timestamp-millis") == 0) return PQ_TIMESTAMP;
    if (t && strcmp(t, "long") == 0) return PQ_LONG;
    if (!t || strcmp(t, "enum") != 0) return -1;
    json_t *symbols = json_object_get(type, "symbols");
    size_t n = json_array_size(symbols);
    if (!n || n > 255 || !(c->symbols = calloc(n, sizeof *c->symbols))) return -1; /* an index a byte */
    for (c->n_symbols = 0; c->n_symbols < n; c->n_symbols++) {
        const char *s = json_string_value(json_array_get(symbols, c->n_symbols));
        if (!s || !(c->symbols[c->n_symbols] = strdup(s))) return -1;
    }
    return PQ_ENUM;
}

int pq_columns_new(const char *schema_text, pq_column **out, size_t *n, char *errstr, size_t errlen) {
    json_error_t jerr;
    json_t *schema = json_loads(schema_text, 0, &jerr), *fields = json_object_get(schema, "fields");
    size_t count = json_array_size(fields);
    pq_column *c = count ? calloc(count, sizeof *c) : NULL;
    *out = NULL;
    *n = 0;
    int rc = -1;
    if (!c) {
        snprintf(errstr, errlen, "parquet: expected an Avro record schema with fields");
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        json_t *f = json_array_get(fields, i), *type = json_object_get(f, "type");
        const char *name = json_string_value(json_object_get(f, "name"));
        snprintf(c[i].name, sizeof c[i].name, "%s", name ? name : "");
        if (json_is_array(type) && json_array_size(type) == 2 && json_is_string(json_array_get(type, 0)) &&
            strcmp(json_string_value(json_array_get(type, 0)), "null") == 0) {
            c[i].optional = 1;
            type = json_array_get(type, 1);
        }
        int k = kind_of(type, &c[i]);
        if (k < 0 || !name) {
            snprintf(errstr, errlen, "parquet: field %.100s: an Avro type the Parquet writer does not map",
                     name ? name : "(no name)");
            pq_columns_free(c, count);
            c = NULL;
            goto done;
        }
        c[i].kind = (pq_kind)k;
    }
    *out = c;
    *n = count;
    rc = 0;
done:
    json_decref(schema);
    return rc;
}

void pq_columns_free(pq_column *c, size_t n) {
    if (!c) return;
    for (size_t i = 0; i < n; i++) {
        for (size_t s = 0; s < c[i].n_symbols; s++) free(c[i].symbols[s]);
        free(c[i].symbols);
        free(c[i].values.data);
        free(c[i].defs.data);
        free(c[i].smin.data);
        free(c[i].smax.data);
        free(c[i].dict_body.data);
        free(c[i].dict_index.data);
    }
    free(c);
}

void pq_columns_reset(pq_column *c, size_t n) {
    for (size_t i = 0; i < n; i++) {
        c[i].values.len = c[i].defs.len = c[i].smin.len = c[i].smax.len = 0;
        c[i].rows = c[i].nulls = 0;
        c[i].has_stats = c[i].dict = 0;
        c[i].n_dict = c[i].dict_body.len = c[i].dict_index.len = 0;
        memset(c[i].used, 0, sizeof c[i].used);
    }
}

/* Avro's long: zigzag varint. 0, or -1 past the end. */
static int read_long(const unsigned char **p, const unsigned char *end, int64_t *v) {
    uint64_t z = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end) return -1;
        unsigned char b = *(*p)++;
        z |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
            return 0;
        }
    }
    return -1;
}

static int min_max_bytes(pq_column *c, const void *s, size_t n) {
    int first = !c->has_stats;
    size_t lmin = c->smin.len < n ? c->smin.len : n, lmax = c->smax.len < n ? c->smax.len : n;
    int below = first || memcmp(s, c->smin.data, lmin) < 0 || (memcmp(s, c->smin.data, lmin) == 0 && n < c->smin.len);
    int above = first || memcmp(s, c->smax.data, lmax) > 0 || (memcmp(s, c->smax.data, lmax) == 0 && n > c->smax.len);
    if (below && (c->smin.len = 0, pq_bytes_put(&c->smin, s, n) != 0)) return -1;
    if (above && (c->smax.len = 0, pq_bytes_put(&c->smax, s, n) != 0)) return -1;
    return 0;
}

/* One value of c at *p into its buffer and statistics. */
static int add_value(pq_column *c, const unsigned char **p, const unsigned char *end) {
    int64_t v = 0;
    if (c->kind == PQ_DOUBLE) {
        if (end - *p < 8) return -1;
        double d;
        memcpy(&d, *p, 8); /* Avro and Parquet: both little-endian IEEE 754 */
        if (pq_bytes_put(&c->values, *p, 8) != 0) return -1;
        *p += 8;
        if (!c->has_stats || d < c->dmin) c->dmin = d;
        if (!c->has_stats || d > c->dmax) c->dmax = d;
    } else if (c->kind == PQ_BOOL) {
        if (*p >= end) return -1;
        v = *(*p)++ != 0;
        unsigned char b = (unsigned char)v;
        if (pq_bytes_put(&c->values, &b, 1) != 0) return -1;
    } else if (c->kind == PQ_ENUM) { /* its symbol's index, for the dictionary */
        if (read_long(p, end, &v) != 0 || v < 0 || (uint64_t)v >= c->n_symbols) return -1;
        unsigned char index = (unsigned char)v;
        if (pq_bytes_put(&c->values, &index, 1) != 0) return -1;
        c->used[index >> 6] |= UINT64_C(1) << (index & 63);
    } else if (c->kind == PQ_STRING) {
        if (read_long(p, end, &v) != 0 || v < 0 || end - *p < v) return -1;
        const unsigned char *s = *p;
        size_t n = (size_t)v;
        *p += v;
        unsigned char len[4] = { (unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                                 (unsigned char)(n >> 24) };
        if (pq_bytes_put(&c->values, len, 4) != 0 || pq_bytes_put(&c->values, s, n) != 0) return -1;
        if (min_max_bytes(c, s, n) != 0) return -1;
    } else {
        if (read_long(p, end, &v) != 0) return -1;
        unsigned char le[8];
        for (int i = 0; i < 8; i++) le[i] = (unsigned char)((uint64_t)v >> (8 * i));
        if (pq_bytes_put(&c->values, le, c->kind == PQ_INT ? 4 : 8) != 0) return -1;
    }
    if (c->kind != PQ_DOUBLE && c->kind != PQ_STRING && c->kind != PQ_ENUM) {
        if (!c->has_stats || v < c->imin) c->imin = v;
        if (!c->has_stats || v > c->imax) c->imax = v;
    }
    c->has_stats = 1;
    return 0;
}

int pq_columns_add(pq_column *c, size_t n, const unsigned char *p, size_t len, char *errstr, size_t errlen) {
    const unsigned char *end = p + len;
    for (size_t i = 0; i < n; i++) {
        unsigned char level = 1;
        if (c[i].optional) {
            int64_t branch;
            if (read_long(&p, end, &branch) != 0 || (branch != 0 && branch != 1)) goto bad;
            level = (unsigned char)branch;
            if (pq_bytes_put(&c[i].defs, &level, 1) != 0) goto oom;
        }
        if (level && add_value(&c[i], &p, end) != 0) goto bad;
        c[i].nulls += !level;
        c[i].rows++;
    }
    if (p == end) return 0;
bad:
    /* a record the encoder made never gets here; the row group is then unusable */
    snprintf(errstr, errlen, "parquet: a record that is not Avro binary of its schema");
    return -1;
oom:
    snprintf(errstr, errlen, "out of memory");
    return -1;
}

/* n values of width bits, eight to a group, the first in the lowest bits;
 * with run: as the RLE/bit-packed hybrid's one bit-packed run (its header
 * first), else as PLAIN booleans. */
static int bit_packed(pq_bytes *pg, const unsigned char *v, size_t n, int width, int run) {
    unsigned char h[10];
    size_t groups = (n + 7) / 8, k = 0;
    uint64_t z = (uint64_t)groups << 1 | 1;
    while (z >= 0x80) h[k++] = (unsigned char)(z | 0x80), z >>= 7;
    h[k++] = (unsigned char)z;
    if (run && pq_bytes_put(pg, h, k) != 0) return -1;
    for (size_t g = 0; g < groups; g++) {
        uint64_t bits = 0;
        for (size_t i = 0; i < 8 && g * 8 + i < n; i++) bits |= (uint64_t)v[g * 8 + i] << (i * (size_t)width);
        unsigned char out[8];
        for (int b = 0; b < width; b++) out[b] = (unsigned char)(bits >> (8 * b));
        if (pq_bytes_put(pg, out, (size_t)width) != 0) return -1;
    }
    return 0;
}

int pq_dictionary_width(const pq_column *c) {
    size_t n = c->kind == PQ_ENUM ? c->n_symbols : c->n_dict;
    int w = 1;
    while (((size_t)1 << w) < n) w++;
    return w;
}

int pq_page_body(const pq_column *c, pq_bytes *pg) {
    pg->len = 0;
    if (c->optional) { /* definition levels: RLE runs of bit width 1, after their length */
        pq_bytes runs = { 0 };
        int rc = 0;
        for (size_t i = 0; i < c->defs.len && rc == 0;) {
            size_t j = i;
            while (j < c->defs.len && c->defs.data[j] == c->defs.data[i]) j++;
            unsigned char h[11];
            size_t k = 0;
            uint64_t z = (uint64_t)(j - i) << 1;
            while (z >= 0x80) h[k++] = (unsigned char)(z | 0x80), z >>= 7;
            h[k++] = (unsigned char)z;
            h[k++] = c->defs.data[i];
            rc = pq_bytes_put(&runs, h, k);
            i = j;
        }
        unsigned char len[4] = { (unsigned char)runs.len, (unsigned char)(runs.len >> 8),
                                 (unsigned char)(runs.len >> 16), (unsigned char)(runs.len >> 24) };
        if (rc == 0) rc = pq_bytes_put(pg, len, 4);
        if (rc == 0 && runs.len) rc = pq_bytes_put(pg, runs.data, runs.len);
        free(runs.data);
        if (rc != 0) return -1;
    }
    if (pq_has_dictionary(c)) { /* RLE_DICTIONARY: the bit width, then the indices */
        const pq_bytes *index = c->kind == PQ_ENUM ? &c->values : &c->dict_index;
        unsigned char w = (unsigned char)pq_dictionary_width(c);
        return pq_bytes_put(pg, &w, 1) != 0 ? -1 : bit_packed(pg, index->data, index->len, w, 1);
    }
    if (c->kind == PQ_BOOL) return bit_packed(pg, c->values.data, c->values.len, 1, 0);
    return c->values.len ? pq_bytes_put(pg, c->values.data, c->values.len) : 0;
}

int pq_dictionary_body(const pq_column *c, pq_bytes *pg) {
    pg->len = 0;
    if (c->kind != PQ_ENUM) return c->dict_body.len ? pq_bytes_put(pg, c->dict_body.data, c->dict_body.len) : 0;
    for (size_t i = 0; i < c->n_symbols; i++) {
        size_t n = strlen(c->symbols[i]);
        unsigned char len[4] = { (unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                                 (unsigned char)(n >> 24) };
        if (pq_bytes_put(pg, len, 4) != 0 || pq_bytes_put(pg, c->symbols[i], n) != 0) return -1;
    }
    return 0;
}

int pq_enum_stats(pq_column *c) {
    c->has_stats = 0;
    for (size_t i = 0; i < c->n_symbols; i++)
        if (c->used[i >> 6] >> (i & 63) & 1) {
            if (min_max_bytes(c, c->symbols[i], strlen(c->symbols[i])) != 0) return -1;
            c->has_stats = 1;
        }
    return 0;
}

size_t pq_columns_held(const pq_column *c, size_t n) {
    size_t held = 0;
    for (size_t i = 0; i < n; i++)
        held +=
            c[i].values.cap + c[i].defs.cap + c[i].smin.cap + c[i].smax.cap + c[i].dict_body.cap + c[i].dict_index.cap;
    return held;
}
