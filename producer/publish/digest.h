/* SPDX-License-Identifier: Apache-2.0 */
/* digest.h - content_digest: what was published, independent of scheduling;
 * and order_digest: the same per partition, in publish order.
 *
 * Each message hashes to 64 bits over (topic, key, value, timestamp); the
 * digest is the sum of those hashes mod 2^64, so it does not depend on the
 * order messages were encoded or delivered in, and shards' digests add up to
 * the whole run's. The hash is our own, after XXH3: a short string's first
 * and last words multiplied together (128 bits, folded), up to 64 bytes two
 * or four 16-byte pieces so, longer ones XXH3's accumulation over eight
 * lanes (SSE2 or AVX2 where the CPU has them, the same sums) merged in four
 * such multiplies; key and value then paired and mixed with the timestamp.
 * Fast enough to cover every message (a change event's kilobyte too). */
#ifndef SHOPSTREAM_DIGEST_H
#define SHOPSTREAM_DIGEST_H

#include <stddef.h>
#include <stdint.h>

uint64_t digest_message(const char *topic, const void *key, size_t key_len, const void *value, size_t value_len,
                        int64_t timestamp_ms);

/* The same in two steps, for a sink that hashes many messages of a topic:
 * digest_message(topic, ...) == digest_message_in(digest_topic(topic), ...). */
uint64_t digest_topic(const char *topic);
uint64_t digest_message_in(uint64_t topic_state, const void *key, size_t key_len, const void *value, size_t value_len,
                           int64_t timestamp_ms);

/* digest_message_in for a key of 8 to 16 bytes given as the words the
 * hash reads of it: its first 8 bytes and its last 8, each as memcpy into a
 * uint64_t loads them. For a caller that made the key in registers: read
 * back from memory at once, a key written in several stores waits for them
 * to reach the cache. */
uint64_t digest_message_in_words(uint64_t topic_state, uint64_t key_first, uint64_t key_last, size_t key_len,
                                 const void *value, size_t value_len, int64_t timestamp_ms);

/* order_digest: a partition's messages chained in the order it got them,
 * from a start that names the topic and the partition; the sink sums the
 * chains of the partitions that got a message. A swapped pair or a message
 * in another partition changes it; shards add up, as each partition has one
 * writer. */
uint64_t digest_chain_start(uint64_t topic_state, int32_t partition);
uint64_t digest_chain_next(uint64_t chain, uint64_t message_hash);

/* For the test that the forms agree: a value's hash with the lanes of a
 * long one worked out by one form; *had 0 when this build or CPU has no
 * such form. The hash is the portable form's; the others are faster. */
enum { DIGEST_FORM_BEST, DIGEST_FORM_PORTABLE, DIGEST_FORM_SSE2, DIGEST_FORM_AVX2 };
uint64_t digest_value_form(int form, const void *value, size_t len, int *had);

#endif
