/* SPDX-License-Identifier: Apache-2.0 */
/* schema_desc.h - a topic's fields as one schema file describes them, in
 * any of the three languages of schemas/ (.avsc, .proto, .schema.json), so
 * that they can be held against the wire contract (codec.h's field specs)
 * and against each other (tests/test_schema_contract.c).
 *
 * A description is plain data: each field's name, its kind (codec.h's
 * field_kind, never F_OPT_*: nullable is apart), whether it is nullable, its
 * .proto number (else its position from 1) and, for an enum, the
 * contract's symbols with their numbers. A .proto names no time type: its
 * int64 times read as F_LONG (times_distinct 0), and compare equal to
 * F_TIME. A .proto enum value <PREFIX>_<SYMBOL>, PREFIX the enum's name in
 * upper snake case (PaymentMethod: PAYMENT_METHOD), is the symbol in lower
 * case; <PREFIX>_UNSPECIFIED, which proto3 needs as 0, is no symbol.
 * Errors are one line: "file[:line]: field 'x': expected ..., got ...". */
#ifndef SHOPSTREAM_SCHEMA_DESC_H
#define SHOPSTREAM_SCHEMA_DESC_H

#include <stddef.h>

#include "codec.h"

#define DESC_FIELDS_MAX 32
#define DESC_NAME_MAX 64

typedef struct desc_field {
    char name[DESC_NAME_MAX];
    field_kind kind;
    int nullable;
    int number;
    int line; /* .proto: where it is declared; else 0 */
    int n_symbols;
    char symbols[SYMBOLS_MAX][DESC_NAME_MAX];
    int symbol_number[SYMBOLS_MAX]; /* .proto: the enum value; else the position from 0 */
} desc_field;

typedef struct schema_desc {
    char message[DESC_NAME_MAX]; /* the record, message or title */
    int times_distinct;          /* 0: a .proto, whose times are int64 */
    size_t n;
    desc_field f[DESC_FIELDS_MAX];
} schema_desc;

/* Each reads text (len bytes, NUL-terminated) of the file at path into d.
 * 0, or -1 with one line in errstr. A .proto's value message is its first
 * (Confluent's message index [0]). */
int schema_desc_avro(const char *path, const char *text, size_t len, schema_desc *d, char *errstr, size_t errlen);
int schema_desc_proto(const char *path, const char *text, schema_desc *d, char *errstr, size_t errlen);
int schema_desc_json(const char *path, const char *text, size_t len, schema_desc *d, char *errstr, size_t errlen);

/* d (read from path) holds exactly topic t's contract fields, in order,
 * each of its kind, nullability and symbols; a .proto's numbers are the
 * positions 1..n, which the code protoc-c generated writes. */
int schema_desc_check(const char *path, const schema_desc *d, topic_id t, char *errstr, size_t errlen);

/* a and b describe the same fields: names in order, kinds, nullability,
 * enum symbols. The first difference, named with both files, in errstr. */
int schema_desc_same(const char *path_a, const schema_desc *a, const char *path_b, const schema_desc *b, char *errstr,
                     size_t errlen);

/* The field named name, or NULL. */
const desc_field *schema_desc_field(const schema_desc *d, const char *name);

#endif
