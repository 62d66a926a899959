/* SPDX-License-Identifier: Apache-2.0 */
/* kinds.h - the choices a run's settings name, shared by the option table
 * (options/), the encoders (encode/) and the sinks (publish/), so that none
 * of those folders includes another for an enum. Their names, as users type
 * them, are in options/config.h. Plain enums: no state, no locks. */
#ifndef SHOPSTREAM_KINDS_H
#define SHOPSTREAM_KINDS_H

/* Message keys: an order's id as 8 big-endian bytes, or in decimal. */
typedef enum key_format { KEY_BINARY, KEY_STRING, KEY_FORMAT_COUNT } key_format;

/* avro: Avro binary; avro-confluent: the same behind Confluent's 5-byte
 * frame (magic 0, schema id big-endian); json: one JSON object; protobuf:
 * protobuf binary, unframed (as Flink's protobuf format reads it);
 * protobuf-confluent: the same behind the 5-byte frame and Confluent's
 * message indexes ([0]: the one byte 0); json-schema-confluent: the JSON
 * behind the 5-byte frame. */
typedef enum value_format {
    FORMAT_AVRO,
    FORMAT_AVRO_CONFLUENT,
    FORMAT_JSON,
    FORMAT_PROTOBUF,
    FORMAT_PROTOBUF_CONFLUENT,
    FORMAT_JSON_SCHEMA_CONFLUENT,
    FORMAT_COUNT
} value_format;

/* The formats whose values a schema registry's id frames. */
static inline int value_format_registered(value_format f) {
    return f == FORMAT_AVRO_CONFLUENT || f == FORMAT_PROTOBUF_CONFLUENT || f == FORMAT_JSON_SCHEMA_CONFLUENT;
}

/* Where encoded messages go: Kafka, nowhere (benchmarks), standard output,
 * or files (a table per topic, in partitions by event date). */
typedef enum sink_kind { SINK_KAFKA, SINK_NULL, SINK_STDOUT, SINK_FILES, SINK_KIND_COUNT } sink_kind;

/* --sink files: JSON lines (a JSON value a line), Avro object container
 * files, or Parquet. */
typedef enum file_format { FILE_JSONL, FILE_AVRO, FILE_PARQUET, FILE_FORMAT_COUNT } file_format;

/* --file-codec: auto (the format's default: zstd for Parquet, deflate for
 * Avro, none for JSON lines), none, deflate (Avro), zstd (Parquet), snappy
 * (Parquet and Avro). */
typedef enum file_codec {
    CODEC_AUTO,
    CODEC_NONE,
    CODEC_DEFLATE,
    CODEC_ZSTD,
    CODEC_SNAPPY,
    FILE_CODEC_COUNT
} file_codec;

/* --changelog: the shop's tables as change events beside the event
 * topics (docs/guide/changelog.md): none, or as Debezium's PostgreSQL
 * connector writes them. */
typedef enum changelog_kind { CHANGELOG_NONE, CHANGELOG_DEBEZIUM, CHANGELOG_KIND_COUNT } changelog_kind;

/* --changelog-format: Kafka Connect's JsonConverter with schemas.enable
 * false (json) or true (json-schema: {"schema", "payload"}), or Confluent's
 * AvroConverter (avro: keys and values Avro behind the 5-byte frame, their
 * schemas registered as <topic>-key and <topic>-value). */
typedef enum changelog_format {
    CHANGELOG_JSON,
    CHANGELOG_JSON_SCHEMA,
    CHANGELOG_AVRO,
    CHANGELOG_FORMAT_COUNT
} changelog_format;

/* --sink stdout: one message a line, as kcat -C prints them; which columns
 * (tab-separated) come before the value. */
typedef enum stdout_columns {
    STDOUT_VALUE,
    STDOUT_KEY_VALUE,
    STDOUT_TOPIC_KEY_VALUE,
    STDOUT_COLUMNS_COUNT
} stdout_columns;

/* A librdkafka property, name=value, as -X and kafka.properties give it;
 * file and line say where a config file set it (file NULL: -X), so an
 * error names the origin the user wrote. */
typedef struct sink_property {
    const char *name;
    const char *value;
    const char *file;
    int line;
} sink_property;

#endif
