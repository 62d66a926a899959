/* SPDX-License-Identifier: Apache-2.0 */
/* frame.c - Confluent's frame and message indexes (see frame.h). */
#include "frame.h"

size_t frame_confluent(char *buf, int32_t id) {
    uint32_t u = (uint32_t)id;
    buf[0] = 0;
    buf[1] = (char)(u >> 24);
    buf[2] = (char)(u >> 16);
    buf[3] = (char)(u >> 8);
    buf[4] = (char)u;
    return FRAME_CONFLUENT;
}

size_t frame_put_varint(char *buf, int32_t v) {
    uint32_t z = ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
    size_t n = 0;
    while (z >= 0x80) {
        buf[n++] = (char)(z | 0x80);
        z >>= 7;
    }
    buf[n++] = (char)z;
    return n;
}

size_t frame_message_indexes(char *buf, const int32_t *indexes, size_t n) {
    if (n == 1 && indexes[0] == 0) {
        buf[0] = 0; /* MessageIndexes.toByteArray's shortcut for [0] */
        return 1;
    }
    size_t at = frame_put_varint(buf, (int32_t)n);
    for (size_t i = 0; i < n; i++) at += frame_put_varint(buf + at, indexes[i]);
    return at;
}

size_t frame_length(value_format format) {
    switch (format) {
    case FORMAT_AVRO_CONFLUENT:
    case FORMAT_JSON_SCHEMA_CONFLUENT: return FRAME_CONFLUENT;
    case FORMAT_PROTOBUF_CONFLUENT: return FRAME_CONFLUENT + 1;
    default: return 0;
    }
}

size_t frame_put(char *buf, value_format format, int32_t id) {
    if (!value_format_registered(format)) return 0;
    size_t n = frame_confluent(buf, id);
    if (format == FORMAT_PROTOBUF_CONFLUENT) {
        static const int32_t first[1] = { 0 };
        n += frame_message_indexes(buf + n, first, 1);
    }
    return n;
}
