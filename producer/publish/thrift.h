/* SPDX-License-Identifier: Apache-2.0 */
/* thrift.h - Thrift's compact protocol, write side only, into a growing
 * buffer: what a Parquet footer and page header need (structs, i32, i64,
 * bool, binary, lists of i32, binary and structs).
 *
 * Invariants: fields of a struct are written in increasing id order (the
 * compact protocol encodes the delta); every tc_struct_begin is closed by
 * tc_struct_end; nesting is at most THRIFT_DEPTH. Out of memory sets
 * failed, and later calls write nothing. */
#ifndef SHOPSTREAM_THRIFT_H
#define SHOPSTREAM_THRIFT_H

#include <stddef.h>
#include <stdint.h>

#define THRIFT_DEPTH 16

enum { TC_TRUE = 1, TC_FALSE = 2, TC_I32 = 5, TC_I64 = 6, TC_BINARY = 8, TC_LIST = 9, TC_STRUCT = 12 };

typedef struct tc_buf {
    unsigned char *data;
    size_t len, cap;
    int16_t last[THRIFT_DEPTH]; /* the last field id of each open struct */
    int depth;
    int failed;
} tc_buf;

void tc_init(tc_buf *b);
void tc_free(tc_buf *b);
void tc_bytes(tc_buf *b, const void *p, size_t n); /* raw bytes */
void tc_varint(tc_buf *b, uint64_t v);

void tc_field(tc_buf *b, int16_t id, int type); /* a field's header */
void tc_i32(tc_buf *b, int16_t id, int32_t v);
void tc_i64(tc_buf *b, int16_t id, int64_t v);
void tc_bool(tc_buf *b, int16_t id, int v);
void tc_binary(tc_buf *b, int16_t id, const void *p, size_t n);
void tc_list(tc_buf *b, int16_t id, int elem_type, size_t n); /* then n elements */
void tc_list_i32(tc_buf *b, int32_t v);                       /* an i32 element */
void tc_list_binary(tc_buf *b, const void *p, size_t n);      /* a binary element */
void tc_struct_begin(tc_buf *b, int16_t id);                  /* id < 0: a list element */
void tc_struct_end(tc_buf *b);

#endif
