/* SPDX-License-Identifier: Apache-2.0 */
/* frame.h - what a schema registry's serializers put before a value.
 *
 * Confluent's wire format: magic byte 0, then the schema id as 4 bytes
 * big-endian (avro-confluent, json-schema-confluent); protobuf-confluent
 * adds Confluent's MessageIndexes after them: the path of the message in
 * the .proto file as Kafka's zig-zag varints, the count first, except the
 * common [0] (the file's first message), written as the single byte 0.
 * Every .proto of schemas/ holds one message, so its index is [0] and the
 * frame is 6 bytes. Pure functions; buffers are the caller's. */
#ifndef SHOPSTREAM_FRAME_H
#define SHOPSTREAM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "base/kinds.h"

#define FRAME_CONFLUENT 5    /* magic and schema id */
#define FRAME_INDEXES_MAX 64 /* the most bytes frame_message_indexes writes for 8 indexes */

/* Writes magic 0 and id big-endian into buf; returns 5. */
size_t frame_confluent(char *buf, int32_t id);

/* Writes Confluent's MessageIndexes for indexes[0..n) into buf; returns its
 * length ([0]: 1 byte, 0x00). n at most 8; each index >= 0. */
size_t frame_message_indexes(char *buf, const int32_t *indexes, size_t n);

/* Kafka's ByteUtils.writeVarint: zig-zag, then 7 bits a byte, low first. */
size_t frame_put_varint(char *buf, int32_t v);

/* The bytes before the payload in a value of this format, every message
 * alike: 0, 5 (Avro, JSON) or 6 (protobuf, message index [0]). */
size_t frame_length(value_format format);

/* Writes the frame of format with schema id into buf (frame_length bytes). */
size_t frame_put(char *buf, value_format format, int32_t id);

#endif
