/* SPDX-License-Identifier: Apache-2.0 */
/* digest.h - content_digest: what was published, independent of scheduling.
 *
 * Each message hashes to 64 bits over (topic, key, value, timestamp); the
 * digest is the sum of those hashes mod 2^64, so it does not depend on the
 * order messages were encoded or delivered in, and shards' digests add up to
 * the whole run's. The hash is our own 64-bit multiply-xorshift over 8-byte
 * words, fast enough to cover every message. */
#ifndef SHOPSTREAM_DIGEST_H
#define SHOPSTREAM_DIGEST_H

#include <stddef.h>
#include <stdint.h>

uint64_t digest_message(const char *topic, const void *key, size_t key_len,
                        const void *value, size_t value_len, int64_t timestamp_ms);

/* The same in two steps, for a sink that hashes many messages of a topic:
 * digest_message(topic, ...) == digest_message_in(digest_topic(topic), ...). */
uint64_t digest_topic(const char *topic);
uint64_t digest_message_in(uint64_t topic_state, const void *key, size_t key_len, const void *value,
                           size_t value_len, int64_t timestamp_ms);

#endif
