/* SPDX-License-Identifier: Apache-2.0 */
/* test_sink.c - the two digests as the sinks compute them, in process: the
 * content_digest is blind to order and partition, the order_digest sees a
 * pair swapped within a partition, a message moved to another partition and
 * a change of partitioner, and still adds up over disjoint partitions. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/partition.h"
#include "base/topics.h"
#include "publish/sink.h"

typedef struct msg {
    topic_id t;
    int64_t id;
    const char *value;
    int64_t ts;
} msg;

typedef struct digests {
    uint64_t content, order;
} digests;

/* The null sink's digests of msgs, published in the order given. */
static digests publish(const msg *msgs, size_t n, int partitions, const sink_property *props, size_t n_props) {
    topic_names names;
    char err[512];
    cr_assert_eq(topic_names_make("shop.", &names, err, sizeof err), 0, "%s", err);
    sink_config cfg = {
        .kind = SINK_NULL, .topics = &names, .partitions = partitions, .properties = props, .n_properties = n_props
    };
    sink *s = NULL;
    cr_assert_eq(sink_new(&cfg, &s, err, sizeof err), SINK_OK, "%s", err);
    for (size_t i = 0; i < n; i++) {
        char key[KEY_MAX];
        size_t len = partition_key(0, msgs[i].id, key);
        cr_assert_eq(sink_produce(s, msgs[i].t, key, len, msgs[i].value, strlen(msgs[i].value), msgs[i].ts, NULL, err,
                                  sizeof err),
                     SINK_OK, "%s", err);
    }
    const sink_counters *c = sink_get_counters(s);
    digests d = { c->digest, c->order_digest };
    sink_free(s);
    return d;
}

/* Two order ids whose keys fall in the same partition of `partitions`, and
 * one in another. */
static void ids_by_partition(int partitions, int64_t *same_a, int64_t *same_b, int64_t *other) {
    char key[KEY_MAX];
    size_t len = partition_key(0, 1, key);
    int32_t p1 = partition_for_key(key, len, partitions);
    *same_a = 1, *same_b = 0, *other = 0;
    for (int64_t id = 2; !*same_b || !*other; id++) {
        len = partition_key(0, id, key);
        int32_t p = partition_for_key(key, len, partitions);
        if (p == p1 && !*same_b) *same_b = id;
        if (p != p1 && !*other) *other = id;
    }
}

Test(sink, a_pair_swapped_within_a_partition_moves_the_order_digest_but_not_the_content_digest) {
    int64_t a, b, other;
    ids_by_partition(6, &a, &b, &other);
    msg in_order[] = { { TOPIC_ORDERS, a, "first", 1000 }, { TOPIC_ORDERS, b, "second", 2000 } };
    msg swapped[] = { in_order[1], in_order[0] };
    digests d1 = publish(in_order, 2, 6, NULL, 0), d2 = publish(swapped, 2, 6, NULL, 0);
    cr_assert_eq(d1.content, d2.content, "the content digest must not see order");
    cr_assert_neq(d1.order, d2.order, "a swapped pair in one partition must move the order digest");
}

Test(sink, messages_of_different_partitions_may_interleave_in_any_order) {
    int64_t a, b, other;
    ids_by_partition(6, &a, &b, &other);
    msg one[] = { { TOPIC_ORDERS, a, "a", 1 }, { TOPIC_ORDERS, other, "o", 2 }, { TOPIC_ORDERS, b, "b", 3 } };
    msg two[] = { one[1], one[0], one[2] };
    digests d1 = publish(one, 3, 6, NULL, 0), d2 = publish(two, 3, 6, NULL, 0);
    cr_assert_eq(d1.order, d2.order, "only the order within a partition counts");
}

Test(sink, a_message_in_another_partition_moves_the_order_digest) {
    /* The same messages with 6 partitions and with 5: some keys land elsewhere. */
    msg m[] = { { TOPIC_ORDERS, 1, "a", 1 },
                { TOPIC_ORDERS, 2, "b", 2 },
                { TOPIC_ORDERS, 3, "c", 3 },
                { TOPIC_ORDERS, 4, "d", 4 } };
    digests d6 = publish(m, 4, 6, NULL, 0), d5 = publish(m, 4, 5, NULL, 0);
    cr_assert_eq(d6.content, d5.content);
    cr_assert_neq(d6.order, d5.order);
}

Test(sink, another_partitioner_moves_the_order_digest) {
    msg m[] = { { TOPIC_ORDERS, 1, "a", 1 },
                { TOPIC_ORDERS, 2, "b", 2 },
                { TOPIC_ORDERS, 3, "c", 3 },
                { TOPIC_ORDERS, 4, "d", 4 },
                { TOPIC_ORDERS, 5, "e", 5 } };
    sink_property crc[] = { { "partitioner", "consistent_random", NULL, 0 } };
    sink_property murmur[] = { { "partitioner", "murmur2_random", NULL, 0 } };
    digests def = publish(m, 5, 6, NULL, 0), other = publish(m, 5, 6, crc, 1), same = publish(m, 5, 6, murmur, 1);
    cr_assert_eq(def.content, other.content);
    cr_assert_neq(def.order, other.order, "consistent_random places keys elsewhere than murmur2_random");
    cr_assert_eq(def.order, same.order, "the default partitioner is murmur2_random, as Kafka's Java client");
}

Test(sink, order_digests_of_disjoint_partitions_add_up) {
    int64_t a, b, other;
    ids_by_partition(6, &a, &b, &other);
    msg all[] = { { TOPIC_ORDERS, a, "a", 1 }, { TOPIC_ORDERS, other, "o", 2 }, { TOPIC_ORDERS, b, "b", 3 } };
    msg first[] = { all[0], all[2] }, second[] = { all[1] };
    digests whole = publish(all, 3, 6, NULL, 0), d1 = publish(first, 2, 6, NULL, 0),
            d2 = publish(second, 1, 6, NULL, 0);
    cr_assert_eq(d1.order + d2.order, whole.order);
    cr_assert_eq(d1.content + d2.content, whole.content);
}
