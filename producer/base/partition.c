/* SPDX-License-Identifier: Apache-2.0 */
/* partition.c - keys and Kafka's default partitioner (see partition.h). */
#include "partition.h"

#include <inttypes.h>
#include <stdio.h>

size_t partition_key_string(int64_t id, char key[KEY_MAX]) { return (size_t)snprintf(key, KEY_MAX, "%" PRId64, id); }

uint32_t partition_murmur2(const void *data, size_t len) {
    const unsigned char *d = data;
    const uint32_t m = 0x5bd1e995u;
    uint32_t h = 0x9747b28cu ^ (uint32_t)len;
    for (size_t i = 0; i + 4 <= len; i += 4) {
        uint32_t k = (uint32_t)d[i] | (uint32_t)d[i + 1] << 8 | (uint32_t)d[i + 2] << 16 | (uint32_t)d[i + 3] << 24;
        k *= m;
        k ^= k >> 24;
        k *= m;
        h *= m;
        h ^= k;
    }
    const unsigned char *tail = d + (len & ~(size_t)3);
    switch (len & 3) {
    case 3: h ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: h ^= (uint32_t)tail[1] << 8;  /* fall through */
    case 1: h ^= (uint32_t)tail[0]; h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return h;
}

int32_t partition_for_key(const void *key, size_t len, int32_t partitions) {
    return (int32_t)((partition_murmur2(key, len) & 0x7fffffffu) % (uint32_t)partitions);
}

int shard_owns(void *owner, uint64_t g) {
    const shard_owner *o = owner;
    char key[KEY_MAX];
    size_t len = partition_key(o->string_keys, (int64_t)(g + 1), key);
    return (uint64_t)partition_for_key(key, len, o->partitions) % o->count == o->index;
}
