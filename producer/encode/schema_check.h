/* SPDX-License-Identifier: Apache-2.0 */
/* schema_check.h - a .avsc checked as the Avro specification reads it,
 * before avro-c parses it: avro-c takes some schemas that no reader (Java,
 * fastavro, Flink) decodes, or decodes to something else. The encoder
 * accepts exactly the schemas whose bytes decode to the wire contract. */
#ifndef SHOPSTREAM_SCHEMA_CHECK_H
#define SHOPSTREAM_SCHEMA_CHECK_H

#include <jansson.h>
#include <stddef.h>

/* Names, namespaces, duplicate fields and symbols, unions, defaults.
 * 0, or -1 with "path: where: what" in errstr. */
int schema_check_json(const char *path, const json_t *schema, char *errstr, size_t errlen);

/* The field object named name of a record schema, or NULL. */
const json_t *schema_check_field(const json_t *schema, const char *name);

/* An event time: {"type": "long", "logicalType": "timestamp-millis"}. */
int schema_check_millis(const char *path, const json_t *field, char *errstr, size_t errlen);

#endif
