/* SPDX-License-Identifier: Apache-2.0 */
/* avro_put.h - Avro's binary encoding of a long and of bytes, for the
 * writers that write Avro straight from columns (avro_direct.c,
 * changes_avro.c): a long as a zig-zag varint, 7 bits a byte, low first;
 * bytes (and a string) as that long's length, then the bytes. Each writes
 * at p, which the caller has checked has room, and returns past what it
 * wrote. No state. */
#ifndef SHOPSTREAM_AVRO_PUT_H
#define SHOPSTREAM_AVRO_PUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline char *put_long(char *p, int64_t v) {
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (z >= 0x80) {
        *p++ = (char)(z | 0x80);
        z >>= 7;
    }
    *p++ = (char)z;
    return p;
}

static inline char *put_bytes(char *p, const char *s, size_t n) {
    p = put_long(p, (int64_t)n);
    memcpy(p, s, n);
    return p + n;
}

#endif
