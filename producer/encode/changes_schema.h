/* SPDX-License-Identifier: Apache-2.0 */
/* changes_schema.h - the tables' columns, and the Kafka Connect schemas
 * JsonConverter writes beside each key and value when schemas.enable is
 * true (for changes.c). The column lists are the DDL of
 * docs/guide/changelog.md, in its order. No state. */
#ifndef SHOPSTREAM_CHANGES_SCHEMA_H
#define SHOPSTREAM_CHANGES_SCHEMA_H

#include <stddef.h>

#include "base/topics.h"

/* A column's Kafka Connect type. */
enum column_type { COL_INT64, COL_INT32, COL_STRING, COL_BOOLEAN, COL_TIMESTAMP };

typedef struct column {
    const char *name;
    enum column_type type;
    int optional;
} column;

/* The columns of change topic t's table, and how many. */
const column *changes_columns(topic_id t, size_t *n);

/* Writes `{"schema":<key schema>,"payload":` for table t named
 * name (prefix.schema.table), or the envelope's; returns the length, or -1
 * when cap is too small. */
int changes_key_schema(const char *name, char *buf, size_t cap);
int changes_value_schema(topic_id t, const char *name, char *buf, size_t cap);

#endif
