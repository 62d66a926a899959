/* SPDX-License-Identifier: Apache-2.0 */
/* partition.h - message keys, and the partition Kafka's default
 * partitioner puts each key in.
 *
 * The key is the entity's id: 8 bytes big-endian (KEY_BINARY, what Java's
 * LongSerializer writes) or its decimal digits (KEY_STRING). The partition
 * is murmur2(key) & 0x7fffffff modulo the partition count: Java's
 * BuiltInPartitioner, and librdkafka's murmur2_random, which the sink
 * configures. Knowing it before an order is generated is what lets shards
 * split by partition (docs/design.md#order). */
#ifndef SHOPSTREAM_PARTITION_H
#define SHOPSTREAM_PARTITION_H

#include <stddef.h>
#include <stdint.h>

#define KEY_MAX 24

/* Writes id's key to key: decimal digits when string_keys is set, else 8
 * bytes big-endian; returns its length. (Inline: it runs for every message.) */
size_t partition_key_string(int64_t id, char key[KEY_MAX]);
static inline size_t partition_key(int string_keys, int64_t id, char key[KEY_MAX]) {
    if (string_keys) return partition_key_string(id, key);
    for (int i = 0; i < 8; i++) key[i] = (char)((uint64_t)id >> (56 - 8 * i));
    return 8;
}

/* Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2). */
uint32_t partition_murmur2(const void *data, size_t len);

/* The partition of a key among partitions (>= 1). */
int32_t partition_for_key(const void *key, size_t len, int32_t partitions);

/* Shard I of N owns the orders whose key falls in a partition p with
 * p mod N == I: every partition has exactly one writer, so per-partition
 * order holds however many shards run (docs/design.md#order). run and
 * expect select a shard's orders with it; it is read only once made. */
typedef struct shard_owner {
    int string_keys; /* key_format == KEY_STRING */
    int32_t partitions;
    uint64_t index, count;
} shard_owner;

/* 1 if order g (0-based; order id g + 1) is owner's: its key is in one of
 * the shard's partitions. An engine_selection's function (engine.h). */
int shard_owns(void *owner, uint64_t g);

#endif
