/* SPDX-License-Identifier: Apache-2.0 */
/* parquet_dict.c - a string column's dictionary for one row group (see
 * parquet_cols.h): its distinct values in the order first seen, and each
 * value's index, or none when it holds more than PQ_DICT_MAX of them. */
#include <stdint.h>

#include "parquet_cols.h"

enum { SLOTS = 512 }; /* a power of two, at least twice PQ_DICT_MAX */

static uint64_t fnv1a(const unsigned char *s, size_t n) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * UINT64_C(0x100000001b3);
    return h;
}

static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int pq_string_dictionary(pq_column *c) {
    /* slot: 1 + the offset in dict_body of a distinct value's length prefix; 0 is empty */
    uint32_t slot[SLOTS] = { 0 };
    unsigned char index[SLOTS];
    c->dict = 0;
    c->n_dict = c->dict_body.len = c->dict_index.len = 0;
    if (c->values.len >= UINT32_MAX) return 0;
    const unsigned char *v = c->values.data, *end = v + c->values.len;
    while (v < end) {
        uint32_t n = le32(v);
        const unsigned char *s = v + 4;
        size_t k = (size_t)fnv1a(s, n) & (SLOTS - 1);
        while (slot[k] != 0) {
            const unsigned char *d = c->dict_body.data + slot[k] - 1;
            if (le32(d) == n && memcmp(d + 4, s, n) == 0) break;
            k = (k + 1) & (SLOTS - 1);
        }
        if (slot[k] == 0) {
            if (c->n_dict == PQ_DICT_MAX) { /* too many: PLAIN */
                c->n_dict = c->dict_body.len = c->dict_index.len = 0;
                return 0;
            }
            slot[k] = (uint32_t)c->dict_body.len + 1;
            index[k] = (unsigned char)c->n_dict++;
            if (pq_bytes_put(&c->dict_body, v, 4 + (size_t)n) != 0) return -1;
        }
        if (pq_bytes_put(&c->dict_index, &index[k], 1) != 0) return -1;
        v = s + n;
    }
    c->dict = c->n_dict > 0; /* no values (all null): PLAIN, an empty page */
    return 0;
}
