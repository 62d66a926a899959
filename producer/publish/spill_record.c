/* SPDX-License-Identifier: Apache-2.0 */
/* spill_record.c - the spill's compact record of a waiting message (see
 * spill_record.h). */
#include "spill_record.h"

#include "base/topics.h"

_Static_assert(TOPIC_COUNT <= 16, "a topic fits the first byte's 4 bits");

#define HAS_DELAY 0x40u   /* release_ms - timestamp_ms follows */
#define DERIVED_TIE 0x80u /* the tie is MSG_TIE(key_id - 1, a byte) */

static uint64_t zigzag(uint64_t v) { return (v << 1) ^ (0 - (v >> 63)); }
static uint64_t unzigzag(uint64_t v) { return (v >> 1) ^ (0 - (v & 1)); }

/* v as a little-endian base-128 varint at p; its length. */
static size_t put_varint(unsigned char *p, uint64_t v) {
    size_t n = 0;
    for (; v >= 0x80; v >>= 7) p[n++] = (unsigned char)(v | 0x80);
    p[n++] = (unsigned char)v;
    return n;
}

/* A varint from p (end: one past the last byte there is) into *v; its
 * length, 0 when cut short or longer than 10 bytes. */
static size_t get_varint(const unsigned char *p, const unsigned char *end, uint64_t *v) {
    uint64_t x = 0;
    for (size_t n = 0; n < 10 && p + n < end; n++) {
        x |= (uint64_t)(p[n] & 0x7f) << (7 * n);
        if (!(p[n] & 0x80)) {
            *v = x;
            return n + 1;
        }
    }
    return 0;
}

/* The tie a message of key_id has at step 0 of its order (msgbatch.h). */
static uint64_t tie_base(int64_t key_id) { return MSG_TIE((uint64_t)key_id - 1, 0); }

size_t spill_record_header(char hdr[SPILL_RECORD_HEADER_MAX], const msg_ref *r, int64_t base) {
    unsigned char *p = (unsigned char *)hdr;
    uint64_t delay = (uint64_t)r->release_ms - (uint64_t)r->timestamp_ms;
    int derived = (r->tie & ~(uint64_t)0xff) == tie_base(r->key_id);
    p[0] = (unsigned char)((r->topic & 0x0fu) | (r->kind & 3u) << 4 | (delay ? HAS_DELAY : 0) |
                           (derived ? DERIVED_TIE : 0));
    size_t n = 1;
    n += put_varint(p + n, r->value_len);
    n += put_varint(p + n, zigzag((uint64_t)r->key_id));
    n += put_varint(p + n, zigzag((uint64_t)r->release_ms - (uint64_t)base));
    if (delay) n += put_varint(p + n, zigzag(delay));
    if (derived)
        p[n++] = (unsigned char)(r->tie & 0xff);
    else
        n += put_varint(p + n, r->tie);
    return n;
}

size_t spill_record_read(const char *bytes, size_t len, int64_t base, msg_ref *r, const char **value) {
    const unsigned char *p = (const unsigned char *)bytes, *end = p + len;
    if (len == 0) return 0;
    unsigned flags = p[0];
    const unsigned char *q = p + 1;
    uint64_t v[5] = { 0 }; /* value_len, key_id, release_ms, delay, tie */
    for (int i = 0; i < 5; i++) {
        if (i == 3 && !(flags & HAS_DELAY)) continue;
        if (i == 4 && (flags & DERIVED_TIE)) break;
        size_t k = get_varint(q, end, &v[i]);
        if (k == 0) return 0;
        q += k;
    }
    if (flags & DERIVED_TIE) {
        if (q == end) return 0;
        v[4] = tie_base((int64_t)unzigzag(v[1])) | *q++;
    }
    if (v[0] > UINT32_MAX || v[0] > (size_t)(end - q)) return 0;
    int64_t release = (int64_t)((uint64_t)base + unzigzag(v[2]));
    *r = (msg_ref){ .key_id = (int64_t)unzigzag(v[1]),
                    .timestamp_ms = (int64_t)((uint64_t)release - unzigzag(v[3])),
                    .release_ms = release,
                    .tie = v[4],
                    .value_len = (uint32_t)v[0],
                    .topic = (uint8_t)(flags & 0x0fu),
                    .kind = (uint8_t)(flags >> 4 & 3u) }; /* not hashed: the sink hashes it at hand-off */
    *value = (const char *)q;
    return (size_t)(q - p) + (size_t)v[0];
}
