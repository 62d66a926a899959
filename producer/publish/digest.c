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

static inline uint64_t load64(const unsigned char *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint64_t load32(const unsigned char *p) {
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* Two hashes made one (b turned first, so the pair is not symmetric). */
static inline uint64_t pair(uint64_t a, uint64_t b) {
    uint64_t x = (a ^ ((b << 29) | (b >> 35))) * K2;
    return x ^ (x >> 32);
}

/* The 128-bit product of a and b, its two halves xored (XXH3's
 * mul128_fold64): one multiply mixes two words. */
static inline uint64_t fold_mul(uint64_t a, uint64_t b) {
#ifdef __SIZEOF_INT128__
    unsigned __int128 x = (unsigned __int128)a * b;
    return (uint64_t)x ^ (uint64_t)(x >> 64);
#else
    uint64_t ll = (a & 0xffffffffu) * (b & 0xffffffffu), hl = (a >> 32) * (b & 0xffffffffu);
    uint64_t lh = (a & 0xffffffffu) * (b >> 32), hh = (a >> 32) * (b >> 32);
    uint64_t cross = (ll >> 32) + (hl & 0xffffffffu) + lh;
    return ((cross << 32) | (ll & 0xffffffffu)) ^ ((hl >> 32) + (cross >> 32) + hh);
#endif
}

/* The words each stripe's lanes are keyed with: stripe n of a block of
 * STRIPES uses SECRET[n .. n + 8), so no two stripes of a block are keyed
 * alike (a pair of stripes swapped changes the sum), and the block's lanes
 * are scrambled with SECRET[STRIPES .. STRIPES + 8) before the next. A
 * string's last 64 bytes are keyed as the stripe after its whole ones.
 * splitmix64's first outputs from 0. */
#define STRIPES 16
static const uint64_t SECRET[STRIPES + 8] = {
    UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f4), UINT64_C(0x06c45d188009454f),
    UINT64_C(0xf88bb8a8724c81ec), UINT64_C(0x1b39896a51a8749b), UINT64_C(0x53cb9f0c747ea2ea),
    UINT64_C(0x2c829abe1f4532e1), UINT64_C(0xc584133ac916ab3c), UINT64_C(0x3ee5789041c98ac3),
    UINT64_C(0xf3b8488c368cb0a6), UINT64_C(0x657eecdd3cb13d09), UINT64_C(0xc2d326e0055bdef6),
    UINT64_C(0x8621a03fe0bbdb7b), UINT64_C(0x8e1f7555983aa92f), UINT64_C(0xb54e0f1600cc4d19),
    UINT64_C(0x84bb3f97971d80ab), UINT64_C(0x7d29825c75521255), UINT64_C(0xc3cf17102b7f7f86),
    UINT64_C(0x3466e9a083914f64), UINT64_C(0xd81a8d2b5a4485ac), UINT64_C(0xdb01602b100b9ed7),
    UINT64_C(0xa9038a921825f10d), UINT64_C(0xedf5f1d90dca2f6a), UINT64_C(0x54496ad67bd2634c),
};

/* A block's eight lanes scrambled before the next block. */
static inline void scramble(uint64_t acc[8]) {
    for (int i = 0; i < 8; i++) acc[i] = ((acc[i] ^ (acc[i] >> 47)) ^ SECRET[STRIPES + i]) * K1;
}

/* The definition (XXH3's accumulation): the lanes start at h ^ SECRET[i];
 * stripe s of a string, its eight words d keyed with SECRET[s % STRIPES ..]
 * into dk, adds to lane i its neighbour's word d[i ^ 1] and the product of
 * dk[i]'s two 32-bit halves; the block's lanes are scrambled after every
 * STRIPES stripes; then the string's last 64 bytes go in as stripe n. The
 * SIMD forms below compute exactly this, four or two lanes to an
 * instruction, and start the lanes in their registers. */
static void lanes_portable(uint64_t acc[8], uint64_t h, const unsigned char *p, size_t n, const unsigned char *last) {
    for (int i = 0; i < 8; i++) acc[i] = h ^ SECRET[i];
    for (size_t s = 0; s <= n; s++) {
        const unsigned char *at = s < n ? p + 64 * s : last;
        const uint64_t *key = SECRET + s % STRIPES;
        uint64_t d[8];
        for (int i = 0; i < 8; i++) d[i] = load64(at + 8 * i);
        for (int i = 0; i < 8; i++) {
            uint64_t dk = d[i] ^ key[i];
            acc[i] += d[i ^ 1] + (dk & 0xffffffffu) * (dk >> 32);
        }
        if (s < n && s % STRIPES == STRIPES - 1) scramble(acc);
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define DIGEST_SIMD 1

/* _mm*_mul_epu32 multiplies each lane's low halves, _mm*_shuffle_epi32
 * swaps each pair of lanes: the definition's terms. */
__attribute__((target("avx2"))) static void lanes_avx2(uint64_t acc[8], uint64_t h, const unsigned char *p, size_t n,
                                                       const unsigned char *last) {
    __m256i hh = _mm256_set1_epi64x((long long)h);
    __m256i a0 = _mm256_xor_si256(hh, _mm256_loadu_si256((const __m256i *)SECRET));
    __m256i a1 = _mm256_xor_si256(hh, _mm256_loadu_si256((const __m256i *)(SECRET + 4)));
    for (size_t s = 0; s <= n; s++) {
        const unsigned char *at = s < n ? p + 64 * s : last;
        const uint64_t *key = SECRET + s % STRIPES;
        __m256i d0 = _mm256_loadu_si256((const __m256i *)at), d1 = _mm256_loadu_si256((const __m256i *)(at + 32));
        __m256i k0 = _mm256_xor_si256(d0, _mm256_loadu_si256((const __m256i *)key));
        __m256i k1 = _mm256_xor_si256(d1, _mm256_loadu_si256((const __m256i *)(key + 4)));
        a0 = _mm256_add_epi64(a0, _mm256_shuffle_epi32(d0, _MM_SHUFFLE(1, 0, 3, 2)));
        a1 = _mm256_add_epi64(a1, _mm256_shuffle_epi32(d1, _MM_SHUFFLE(1, 0, 3, 2)));
        a0 = _mm256_add_epi64(a0, _mm256_mul_epu32(k0, _mm256_srli_epi64(k0, 32)));
        a1 = _mm256_add_epi64(a1, _mm256_mul_epu32(k1, _mm256_srli_epi64(k1, 32)));
        if (s < n && s % STRIPES == STRIPES - 1) {
            _mm256_storeu_si256((__m256i *)acc, a0);
            _mm256_storeu_si256((__m256i *)(acc + 4), a1);
            scramble(acc);
            a0 = _mm256_loadu_si256((const __m256i *)acc);
            a1 = _mm256_loadu_si256((const __m256i *)(acc + 4));
        }
    }
    _mm256_storeu_si256((__m256i *)acc, a0);
    _mm256_storeu_si256((__m256i *)(acc + 4), a1);
}

static void lanes_sse2(uint64_t acc[8], uint64_t h, const unsigned char *p, size_t n, const unsigned char *last) {
    __m128i a[4], hh = _mm_set1_epi64x((long long)h);
    for (int j = 0; j < 4; j++) a[j] = _mm_xor_si128(hh, _mm_loadu_si128((const __m128i *)(SECRET + 2 * j)));
    for (size_t s = 0; s <= n; s++) {
        const unsigned char *at = s < n ? p + 64 * s : last;
        const uint64_t *key = SECRET + s % STRIPES;
        for (int j = 0; j < 4; j++) {
            __m128i d = _mm_loadu_si128((const __m128i *)(at + 16 * j));
            __m128i dk = _mm_xor_si128(d, _mm_loadu_si128((const __m128i *)(key + 2 * j)));
            a[j] = _mm_add_epi64(a[j], _mm_shuffle_epi32(d, _MM_SHUFFLE(1, 0, 3, 2)));
            a[j] = _mm_add_epi64(a[j], _mm_mul_epu32(dk, _mm_srli_epi64(dk, 32)));
        }
        if (s < n && s % STRIPES == STRIPES - 1) {
            for (int j = 0; j < 4; j++) _mm_storeu_si128((__m128i *)(acc + 2 * j), a[j]);
            scramble(acc);
            for (int j = 0; j < 4; j++) a[j] = _mm_loadu_si128((const __m128i *)(acc + 2 * j));
        }
    }
    for (int j = 0; j < 4; j++) _mm_storeu_si128((__m128i *)(acc + 2 * j), a[j]);
}
#endif

/* Which form works out the lanes: the widest this CPU has (digest_form). */
static int lanes_form(int form, uint64_t acc[8], uint64_t h, const unsigned char *p, size_t n,
                      const unsigned char *last) {
#ifdef DIGEST_SIMD
    if (form == DIGEST_FORM_BEST) form = __builtin_cpu_supports("avx2") ? DIGEST_FORM_AVX2 : DIGEST_FORM_SSE2;
    if (form == DIGEST_FORM_AVX2 && !__builtin_cpu_supports("avx2")) form = -1;
    if (form == DIGEST_FORM_AVX2) lanes_avx2(acc, h, p, n, last);
    if (form == DIGEST_FORM_SSE2) lanes_sse2(acc, h, p, n, last);
#else
    if (form == DIGEST_FORM_BEST) form = DIGEST_FORM_PORTABLE;
    if (form != DIGEST_FORM_PORTABLE) form = -1; /* no SIMD form in this build */
#endif
    if (form == DIGEST_FORM_PORTABLE) lanes_portable(acc, h, p, n, last);
    if (form == DIGEST_FORM_PORTABLE || form == DIGEST_FORM_AVX2 || form == DIGEST_FORM_SSE2) return 0;
    memset(acc, 0, 8 * sizeof *acc); /* no such form here */
    return -1;
}

/* Sixteen bytes at p keyed with s[0] and s[1] (and h), in one multiply. */
static inline uint64_t mix16(const unsigned char *p, const uint64_t *s, uint64_t h) {
    return fold_mul(load64(p) ^ (s[0] + h), load64(p + 8) ^ (s[1] - h));
}

/* A string over 64 bytes: the lanes of its whole stripes before its last
 * 64 bytes, then of those (overlapping the stripe before), merged in pairs
 * keyed with the scrambling words. */
static uint64_t absorb_long(int form, uint64_t h, const unsigned char *p, size_t len, int *had) {
    uint64_t acc[8];
    *had = lanes_form(form, acc, h, p, (len - 1) / 64, p + len - 64) == 0;
    uint64_t r = (uint64_t)len * K1;
    for (int i = 0; i < 8; i += 2) r += fold_mul(acc[i] ^ SECRET[STRIPES + i], acc[i + 1] ^ SECRET[STRIPES + i + 1]);
    return r;
}

/* The hash of a string of 8 to 16 bytes from its first and last 8 (a and
 * b; shorter strings make theirs below), keyed and multiplied together;
 * the first also byte-swapped and both added, so neither is lost when the
 * product is. */
static inline uint64_t absorb_words(uint64_t h, size_t len, uint64_t a, uint64_t b) {
    uint64_t lo = a ^ (SECRET[0] + h), hi = b ^ (SECRET[1] - h);
    return (uint64_t)len + __builtin_bswap64(lo) + hi + fold_mul(lo, hi);
}

/* A byte string's hash from h (XXH3's short paths): its length counts, so
 * ("ab","c") != ("a","bc"). Up to 16 bytes: two words, the first and the
 * last (they overlap when shorter; the length tells them apart):
 * absorb_words. Up to 64: two or four 16-byte
 * pieces, the first and last 32 overlapping, each keyed by its place and
 * folded in one multiply. Longer: absorb_long. Not mixed further: the
 * message's hash does that once for key and value (digest_message_in). */
static inline uint64_t absorb_in(int form, uint64_t h, const void *data, size_t len, int *had) {
    const unsigned char *p = data;
    if (len <= 16) {
        uint64_t a = 0, b = 0;
        if (len >= 8) {
            a = load64(p);
            b = load64(p + len - 8);
        } else if (len >= 4) {
            a = load32(p);
            b = load32(p + len - 4);
        } else if (len > 0) {
            a = (uint64_t)p[0] | (uint64_t)p[len >> 1] << 8 | (uint64_t)p[len - 1] << 16;
        }
        return absorb_words(h, len, a, b);
    }
    if (len > 64) return absorb_long(form, h, p, len, had);
    uint64_t r = (uint64_t)len * K1;
    if (len > 32) r += mix16(p + 16, SECRET + 4, h) + mix16(p + len - 32, SECRET + 6, h);
    return r + mix16(p, SECRET, h) + mix16(p + len - 16, SECRET + 2, h);
}

static inline uint64_t absorb(uint64_t h, const void *data, size_t len) {
    int had;
    return absorb_in(DIGEST_FORM_BEST, h, data, len, &had);
}

uint64_t digest_value_form(int form, const void *value, size_t len, int *had) {
    *had = 1;
    return absorb_in(form, K3, value, len, had);
}

uint64_t digest_topic(const char *topic) { return absorb(K3, topic, strlen(topic)); }

uint64_t digest_message_in(uint64_t topic_state, const void *key, size_t key_len, const void *value, size_t value_len,
                           int64_t timestamp_ms) {
    uint64_t k = absorb(topic_state, key, key_len), v = absorb(topic_state + K3, value, value_len); /* side by side */
    return mix64(pair(k, v) ^ (uint64_t)timestamp_ms);
}

uint64_t digest_message_in_words(uint64_t topic_state, uint64_t key_first, uint64_t key_last, size_t key_len,
                                 const void *value, size_t value_len, int64_t timestamp_ms) {
    uint64_t k = absorb_words(topic_state, key_len, key_first, key_last),
             v = absorb(topic_state + K3, value, value_len);
    return mix64(pair(k, v) ^ (uint64_t)timestamp_ms);
}

uint64_t digest_message(const char *topic, const void *key, size_t key_len, const void *value, size_t value_len,
                        int64_t timestamp_ms) {
    return digest_message_in(digest_topic(topic), key, key_len, value, value_len, timestamp_ms);
}

uint64_t digest_chain_start(uint64_t topic_state, int32_t partition) {
    return mix64(topic_state + K2 * ((uint64_t)(uint32_t)partition + 1));
}

uint64_t digest_chain_next(uint64_t chain, uint64_t message_hash) { return mix64((chain ^ message_hash) * K1 + K3); }
