/* SPDX-License-Identifier: Apache-2.0 */
/* verify_diff.h - the pure part of `shopstream verify`: two sets of
 * per-partition sequences (what the run publishes, what the topics hold),
 * each message noted as (hash, id), compared into a report per topic.
 *
 * Per partition the two sequences must be equal. Where they are not,
 * sorting both by hash tells which records are missing, unexpected, copies
 * beyond those the run sent, or the same id with other bytes (differing),
 * and whether the rest only moved (out of order). A record found in a
 * partition its key does not hash to is misplaced. For a run in progress
 * (until_ms < INT64_MAX) each partition must hold a prefix of the run's:
 * at least every message released before until_ms. A partition whose log
 * starts at offset N > 0 lost its first N records to the broker (retention
 * or DeleteRecords; the run's partitions count from offset 0): the first N
 * records the run sent it count as deleted_by_broker, not missing, and the
 * rest are compared as above; a topic with any is not exact.
 *
 * Memory: 16 bytes per expected and per found message (and 8 more per
 * expected one for its release time). Not locked: one thread notes and
 * compares. No Kafka here: tests drive it with made-up hashes. */
#ifndef SHOPSTREAM_VERIFY_DIFF_H
#define SHOPSTREAM_VERIFY_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "base/topics.h"

#define VERIFY_SAMPLE_IDS 8

typedef struct verify_topic_report {
    uint64_t expected, found, missing, unexpected, extra_copies, differing, out_of_order, misplaced;
    uint64_t deleted_by_broker; /* expected records before a partition's log start offset */
    int64_t missing_ids[VERIFY_SAMPLE_IDS], unexpected_ids[VERIFY_SAMPLE_IDS];
    size_t n_missing_ids, n_unexpected_ids;
} verify_topic_report;

typedef struct verify_diff verify_diff;

/* partitions: of every topic; until_ms: INT64_MAX for a finished run. */
int verify_diff_new(int32_t partitions, int64_t until_ms, verify_diff **out, char *errstr, size_t errlen);
void verify_diff_free(verify_diff *d);

/* A message the run publishes to partition p of topic t, in publish order,
 * released at simulated time release_ms. */
void verify_diff_expect(verify_diff *d, topic_id t, int32_t p, uint64_t hash, int64_t id, int64_t release_ms);

/* Partition p of topic t starts at offset log_start (its low watermark). */
void verify_diff_log_start(verify_diff *d, topic_id t, int32_t p, int64_t log_start);

/* A message read from partition p of topic t, in offset order; key_p is
 * the partition its key hashes to (p, unless it is misplaced). */
void verify_diff_found(verify_diff *d, topic_id t, int32_t p, int32_t key_p, uint64_t hash, int64_t id);

/* 1 if noting ran out of memory (the report would be wrong). */
int verify_diff_oom(const verify_diff *d);

/* Compares every partition; topic_partitions[t]: how many partitions topic
 * t has on the broker (another count than the run's is misplaced). Returns
 * 1 when every topic is exact. Once only. */
int verify_diff_compare(verify_diff *d, const int32_t topic_partitions[TOPIC_COUNT]);

const verify_topic_report *verify_diff_report(const verify_diff *d, topic_id t);

/* Nothing missing, deleted by the broker, unexpected, copied, out of order
 * or misplaced. */
int verify_topic_exact(const verify_topic_report *r);

#endif
