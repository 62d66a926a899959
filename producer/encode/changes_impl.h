/* SPDX-License-Identifier: Apache-2.0 */
/* changes_impl.h - what changes.c (the writer, keys, the envelope) and
 * changes_rows.c (each table's rows) share: the writer's state, made once
 * at start and read only after, and the appender that writes into a buffer
 * already checked against the table's bound. Private to encode/. */
#ifndef SHOPSTREAM_CHANGES_IMPL_H
#define SHOPSTREAM_CHANGES_IMPL_H

#include <stdint.h>
#include <string.h>

#include "changes.h"
#include "changes_avro.h"

typedef struct table_text {
    char *key_schema, *value_schema; /* json-schema: `{"schema":...,"payload":`; else "" */
    size_t key_schema_len, value_schema_len;
    char source_head[512]; /* `,"source":{"version":...,"name":"P","ts_ms":` */
    char source_mid[512];  /* `,"snapshot":` ... after it: `,"db":...,"table":"T","txId":` */
    size_t head_len, mid_len;
    size_t bound;
} table_text;

struct change_writer {
    changelog_format format;
    change_avro *avro; /* avro: its writer; else NULL */
    int64_t start_ms;
    char currency[256]; /* as a JSON string, quoted */
    size_t currency_len;
    table_text table[TOPIC_CHANGE_COUNT];
};

/* The appender: p moves along a buffer known to be big enough. */
#define LIT(s) (memcpy(p, s, sizeof s - 1), p += sizeof s - 1)
static inline char *put_mem(char *p, const char *s, size_t n) {
    memcpy(p, s, n);
    return p + n;
}
/* Decimal digits, eight at a time in one register (SWAR: each step splits
 * every lane's number in two at once, by multiplying with a reciprocal); a
 * number of more than 8 digits in chunks of 8 (one division by 10^8
 * each). No table, no loop, no branch but the digit count's. */
static inline uint64_t digits_8(uint32_t v) { /* v < 10^8: its 8 digits in ASCII, the first in the lowest byte */
    uint64_t a = (uint64_t)(v / 10000) | (uint64_t)(v % 10000) << 32; /* 32-bit lanes: [hi 4 digits, lo 4] */
    uint64_t b = ((a * 10486) >> 20) & UINT64_C(0x0000007F0000007F);  /* each lane / 100 (exact below 43,699) */
    uint64_t d = b | (a - b * 100) << 16;                             /* 16-bit lanes: /100, %100, /100, %100 */
    uint64_t e = ((d * 103) >> 10) & UINT64_C(0x000F000F000F000F);    /* each / 10 (exact below 179) */
    return (e | (d - e * 10) << 8) + UINT64_C(0x3030303030303030);    /* bytes: tens, ones, ... in ASCII */
}
static inline char *put_8(char *p, uint32_t v) { /* exactly 8 digits, v < 10^8 */
    uint64_t w = digits_8(v);
    memcpy(p, &w, 8);
    return p + 8;
}
/* How many digits v < 10^8 has (1 for 0). */
static inline unsigned digit_count(uint32_t v) {
    return 1u + (v >= 10u) + (v >= 100u) + (v >= 1000u) + (v >= 10000u) + (v >= 100000u) + (v >= 1000000u) +
           (v >= 10000000u);
}
/* v < 10^8, no leading zeros. Writes 8 bytes at p, the digits first: the
 * buffer has room for 8 where it is called (every bound here has 256 to
 * spare), and what follows overwrites the rest. */
static inline char *put_small(char *p, uint32_t v) {
    size_t n = digit_count(v);
    uint64_t w = digits_8(v) >> (8 * (8 - n)); /* the leading zeros are the low bytes */
    memcpy(p, &w, 8);
    return p + n;
}
static inline char *put_u64(char *p, uint64_t v) {
    if (v < 100000000u) return put_small(p, (uint32_t)v);
    uint64_t hi = v / 100000000u;
    uint32_t lo = (uint32_t)(v % 100000000u);
    if (hi < 100000000u) {
        p = put_small(p, (uint32_t)hi);
    } else {
        p = put_small(p, (uint32_t)(hi / 100000000u));
        p = put_8(p, (uint32_t)(hi % 100000000u));
    }
    return put_8(p, lo);
}
static inline char *put_i64(char *p, int64_t v) {
    if (v < 0) {
        *p++ = '-';
        return put_u64(p, 0u - (uint64_t)v);
    }
    return put_u64(p, (uint64_t)v);
}
static inline char *put_str(char *p, const char *s) { /* an enum's name: no escapes needed */
    *p++ = '"';
    p = put_mem(p, s, strlen(s));
    *p++ = '"';
    return p;
}

/* The envelope around a value's rows: everything before `before`'s row,
 * and everything after `after`'s. */
char *changes_open_value(const table_text *x, char *p);
char *changes_close_value(const table_text *x, const change_event *e, char *p);

/* AVRO: the call that writes the value in Avro instead. */
#define BEGIN(t, AVRO)                                                                                                 \
    const table_text *x = &w->table[TOPIC_CHANGE_INDEX(t)];                                                            \
    if (cap < x->bound) return -1;                                                                                     \
    if (w->avro) return AVRO;                                                                                          \
    char *p = changes_open_value(x, buf)
#define END()                                                                                                          \
    p = changes_close_value(x, e, p);                                                                                  \
    return (int)(p - buf)

#endif
