/* SPDX-License-Identifier: Apache-2.0 */
/* digest.c - the per-message hash behind content_digest (see digest.h). */
#include "digest.h"

#include <string.h>

#define K1 UINT64_C(0x9E3779B97F4A7C15)
#define K2 UINT64_C(0xBF58476D1CE4E5B9)
#define K3 UINT64_C(0x94D049BB133111EB)

static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= K2;
    x ^= x >> 27;
    x *= K3;
    return x ^ (x >> 31);
}

/* One lane's turn: the 8-byte word at p mixed in. */
static inline uint64_t lane_step(uint64_t lane, const unsigned char *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    lane = (lane ^ w) * K1;
    return lane ^ (lane >> 32);
}

/* A lane folded into h. */
static inline uint64_t fold(uint64_t h, uint64_t lane) {
    h = (h ^ lane) * K2;
    return h ^ (h >> 29);
}

/* Absorbs a byte string, its length first so ("ab","c") != ("a","bc").
 * Eight lanes take turns at the 8-byte words of each 64-byte block, so their
 * multiplies overlap (about three times the speed of one chain on an 800-byte
 * value); the lanes then fold into one, and the last words and bytes go in
 * one at a time. */
static inline uint64_t absorb(uint64_t h, const void *data, size_t len) {
    const unsigned char *p = data;
    h = (h ^ (uint64_t)len) * K1;
    h ^= h >> 32;
    if (len >= 64) {
        uint64_t l0 = h, l1 = h ^ K2, l2 = h ^ K3, l3 = h + K1, l4 = h + K2, l5 = h + K3, l6 = h - K1, l7 = h - K2;
        for (; len >= 64; p += 64, len -= 64) {
            l0 = lane_step(l0, p);
            l1 = lane_step(l1, p + 8);
            l2 = lane_step(l2, p + 16);
            l3 = lane_step(l3, p + 24);
            l4 = lane_step(l4, p + 32);
            l5 = lane_step(l5, p + 40);
            l6 = lane_step(l6, p + 48);
            l7 = lane_step(l7, p + 56);
        }
        h = fold(fold(fold(fold(fold(fold(fold(fold(h, l0), l1), l2), l3), l4), l5), l6), l7);
    }
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * K1;
        h ^= h >> 32;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < len; i++) tail |= (uint64_t)p[i] << (8 * i);
    h = (h ^ tail) * K2;
    return h ^ (h >> 29);
}

uint64_t digest_topic(const char *topic) { return absorb(K3, topic, strlen(topic)); }

uint64_t digest_message_in(uint64_t topic_state, const void *key, size_t key_len, const void *value, size_t value_len,
                           int64_t timestamp_ms) {
    uint64_t h = absorb(topic_state, key, key_len);
    h = absorb(h, value, value_len);
    return mix64(h ^ (uint64_t)timestamp_ms);
}

uint64_t digest_message(const char *topic, const void *key, size_t key_len, const void *value, size_t value_len,
                        int64_t timestamp_ms) {
    return digest_message_in(digest_topic(topic), key, key_len, value, value_len, timestamp_ms);
}

uint64_t digest_chain_start(uint64_t topic_state, int32_t partition) {
    return mix64(topic_state + K2 * ((uint64_t)(uint32_t)partition + 1));
}

uint64_t digest_chain_next(uint64_t chain, uint64_t message_hash) { return mix64((chain ^ message_hash) * K1 + K3); }
