/* SPDX-License-Identifier: Apache-2.0 */
/* changes_schema.h - the tables' columns, the Kafka Connect schemas
 * JsonConverter writes beside each key and value when schemas.enable is
 * true (for changes.c), and the Avro schemas Confluent's AvroConverter
 * registers for them (for changes_avro.c). The column lists are the DDL of
 * docs/guide/changelog.md, in its order; the Avro values' fields are in the
 * same order as these schemas'. No state. */
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

/* The Avro schemas of table t's key (record Key) and value (record
 * Envelope; before and after ["null", Value]) in namespace ns (the topic's
 * name as topic_avro_namespace makes it); the length, or -1 when cap is too
 * small. */
int changes_avro_key_schema(const char *ns, char *buf, size_t cap);
int changes_avro_value_schema(topic_id t, const char *ns, char *buf, size_t cap);

/* The version source.version names. */
#define CHANGES_DEBEZIUM_VERSION "2.5.4.Final"

#endif
