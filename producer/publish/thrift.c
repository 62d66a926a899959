/* SPDX-License-Identifier: Apache-2.0 */
/* thrift.c - Thrift's compact protocol, write side (see thrift.h). */
#include "thrift.h"

#include <stdlib.h>
#include <string.h>

void tc_init(tc_buf *b) { memset(b, 0, sizeof *b); }

void tc_free(tc_buf *b) {
    free(b->data);
    tc_init(b);
}

void tc_bytes(tc_buf *b, const void *p, size_t n) {
    if (b->failed) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void tc_varint(tc_buf *b, uint64_t v) {
    unsigned char out[10];
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    tc_bytes(b, out, n);
}

static uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }

void tc_field(tc_buf *b, int16_t id, int type) {
    int16_t *last = &b->last[b->depth];
    int delta = id - *last;
    if (delta > 0 && delta <= 15) {
        unsigned char h = (unsigned char)(delta << 4 | type);
        tc_bytes(b, &h, 1);
    } else {
        unsigned char h = (unsigned char)type;
        tc_bytes(b, &h, 1);
        tc_varint(b, zigzag(id));
    }
    *last = id;
}

void tc_i32(tc_buf *b, int16_t id, int32_t v) {
    tc_field(b, id, TC_I32);
    tc_varint(b, zigzag(v));
}

void tc_i64(tc_buf *b, int16_t id, int64_t v) {
    tc_field(b, id, TC_I64);
    tc_varint(b, zigzag(v));
}

void tc_bool(tc_buf *b, int16_t id, int v) { tc_field(b, id, v ? TC_TRUE : TC_FALSE); }

void tc_binary(tc_buf *b, int16_t id, const void *p, size_t n) {
    tc_field(b, id, TC_BINARY);
    tc_list_binary(b, p, n);
}

void tc_list(tc_buf *b, int16_t id, int elem_type, size_t n) {
    tc_field(b, id, TC_LIST);
    if (n < 15) {
        unsigned char h = (unsigned char)(n << 4 | (size_t)elem_type);
        tc_bytes(b, &h, 1);
    } else {
        unsigned char h = (unsigned char)(0xF0 | elem_type);
        tc_bytes(b, &h, 1);
        tc_varint(b, n);
    }
}

void tc_list_i32(tc_buf *b, int32_t v) { tc_varint(b, zigzag(v)); }

void tc_list_binary(tc_buf *b, const void *p, size_t n) {
    tc_varint(b, n);
    tc_bytes(b, p, n);
}

void tc_struct_begin(tc_buf *b, int16_t id) {
    if (id >= 0) tc_field(b, id, TC_STRUCT);
    if (b->depth + 1 >= THRIFT_DEPTH) {
        b->failed = 1;
        return;
    }
    b->last[++b->depth] = 0;
}

void tc_struct_end(tc_buf *b) {
    unsigned char stop = 0;
    tc_bytes(b, &stop, 1);
    if (b->depth > 0) b->depth--;
}
