/* SPDX-License-Identifier: Apache-2.0 */
/* test_determinism.c - contract 1 through the program itself: what is
 * published (content_digest) and each partition's order (order_digest) are
 * the same for 1, 2 and 8 threads, for any batch size, at full speed and
 * paced, and N shards' digests add up to the whole run's while their orders
 * add up to its orders; for protobuf values too. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "options/config.h"
#include "base/partition.h"
#include "support.h"

typedef struct digest_run {
    uint64_t digest, order_digest, orders, messages;
} digest_run;

static digest_run run_null_as(const char *format, const char *threads, const char *batch, const char *speed,
                              const char *shard) {
    char stats[512];
    support_tmp_path("stats", stats, sizeof stats);
    const char *args[] = { "run",  "-s",          "flash_sale",   "--sink",    "null",  "--duration",
                           "6h",   "--intensity", "20",           "--threads", threads, "--batch-orders",
                           batch,  "--speed",     speed,          "--shard",   shard,   "--format",
                           format, "-q",          "--stats-json", stats,       NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "exit %d: %s", r.exit_code, r.stderr_text);
    json_t *j = support_read_stats(stats);
    cr_assert_not_null(j);
    digest_run d = { support_digest(j, "content_digest"), support_digest(j, "order_digest"), support_stat(j, "orders"),
                     support_stat(j, "messages") };
    json_decref(j);
    return d;
}

static digest_run run_null(const char *threads, const char *batch, const char *speed, const char *shard) {
    return run_null_as("auto", threads, batch, speed, shard);
}

Test(determinism, digest_is_the_same_for_any_thread_count_batch_size_and_speed) {
    digest_run ref = run_null("1", "4096", "max", "0/1");
    cr_assert_gt(ref.orders, 5000u);
    const char *variants[][3] = {
        { "2", "4096", "max" }, { "8", "4096", "max" },   { "2", "1", "max" },
        { "8", "333", "max" },  { "2", "1000", "86400" }, /* 6 simulated hours paced into 0.25 s */
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        digest_run d = run_null(variants[i][0], variants[i][1], variants[i][2], "0/1");
        cr_assert_eq(d.digest, ref.digest, "--threads %s --batch-orders %s --speed %s changed the content",
                     variants[i][0], variants[i][1], variants[i][2]);
        cr_assert_eq(d.order_digest, ref.order_digest, "--threads %s --batch-orders %s --speed %s changed the order",
                     variants[i][0], variants[i][1], variants[i][2]);
        cr_assert_eq(d.orders, ref.orders);
    }
}

Test(determinism, shard_digests_add_up_to_the_whole_run) {
    digest_run whole = run_null("2", "4096", "max", "0/1");
    uint64_t sum = 0, order_sum = 0, orders = 0, messages = 0;
    for (int i = 0; i < 3; i++) {
        char shard[16];
        snprintf(shard, sizeof shard, "%d/3", i);
        digest_run d = run_null("2", "512", "max", shard);
        sum += d.digest;
        order_sum += d.order_digest;
        orders += d.orders;
        messages += d.messages;
        cr_assert_lt(d.orders, whole.orders);
    }
    cr_assert_eq(orders, whole.orders);
    cr_assert_eq(messages, whole.messages, "dimension records must be published by one shard only");
    cr_assert_eq(sum, whole.digest, "shard digests do not combine to the run's");
    cr_assert_eq(order_sum, whole.order_digest, "shard order digests do not combine to the run's");
}

Test(determinism, a_protobuf_run_is_the_same_for_any_thread_count_and_its_shards_add_up_to_it) {
    digest_run whole = run_null_as("protobuf", "1", "4096", "max", "0/1");
    digest_run threads = run_null_as("protobuf", "8", "333", "max", "0/1");
    digest_run avro = run_null_as("avro", "1", "4096", "max", "0/1");
    cr_assert_eq(threads.digest, whole.digest, "--threads 8 changed the protobuf content");
    cr_assert_eq(threads.order_digest, whole.order_digest);
    cr_assert_neq(whole.digest, avro.digest, "protobuf and avro values cannot digest alike");
    cr_assert_eq(whole.orders, avro.orders);
    uint64_t sum = 0, order_sum = 0, messages = 0;
    for (int i = 0; i < 3; i++) {
        char shard[16];
        snprintf(shard, sizeof shard, "%d/3", i);
        digest_run d = run_null_as("protobuf", "2", "512", "max", shard);
        sum += d.digest;
        order_sum += d.order_digest;
        messages += d.messages;
    }
    cr_assert_eq(messages, whole.messages);
    cr_assert_eq(sum, whole.digest, "protobuf shard digests do not combine to the run's");
    cr_assert_eq(order_sum, whole.order_digest);
}

Test(determinism, bad_shard_is_a_usage_error) {
    const char *args[] = { "run", "--shard", "3/3", NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.stderr_text,
                     "shopstream: --shard: expected I/N with 0 <= I < N <= 1000000 (e.g. 0/4), or auto, got 3/3\n") !=
                  NULL,
              "%s", r.stderr_text);
}

Test(determinism, the_partitioner_is_kafkas_murmur2) {
    /* librdkafka src/rdmurmur2.c, java_murmur2_results: what the Java client computes. */
    static const struct {
        const char *key;
        uint32_t hash;
    } vectors[] = {
        { "kafka", 0xd067cf64u }, { "giberish123456789", 0x8f552b0cu },
        { "1234", 0x9fc97b14u },  { "234", 0xe7c009cau },
        { "34", 0x873930dau },    { "4", 0x5a4b5ca1u },
        { "", 0x106e08d9u },      { "PreAmbleWillBeRemoved,ThePrePartThatIs", 0x78424f1cu },
    };
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++)
        cr_expect_eq(partition_murmur2(vectors[i].key, strlen(vectors[i].key)), vectors[i].hash, "%s", vectors[i].key);
    char key[KEY_MAX];
    cr_assert_eq(partition_key(0, 258, key), 8u);
    cr_assert(memcmp(key, "\0\0\0\0\0\0\1\2", 8) == 0);
    cr_assert_eq(partition_key(1, 258, key), 3u);
    cr_assert(memcmp(key, "258", 3) == 0);
}

Test(determinism, more_shards_than_partitions_is_a_usage_error) {
    const char *args[] = { "run", "--shard", "0/7", "--partitions", "6", NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2, "%s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "shopstream: --shard: 7 shards for 6 partitions: ") != NULL, "%s", r.stderr_text);
}
