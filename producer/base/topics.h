/* SPDX-License-Identifier: Apache-2.0 */
/* topics.h - the seven topics shopstream writes, in the order it writes them.
 *
 * Dimension topics come first (every id an order references exists before
 * the order), then the facts. Each topic's value schema is
 * schemas/<schema_file>. A topic's name is the prefix and its suffix, made
 * in one place (topic_names_make), which holds Kafka's rules for names. */
#ifndef SHOPSTREAM_TOPICS_H
#define SHOPSTREAM_TOPICS_H

#include <stddef.h>

typedef enum topic_id {
    TOPIC_CUSTOMERS,
    TOPIC_PRODUCTS,
    TOPIC_CAMPAIGNS,
    TOPIC_ORDERS,
    TOPIC_ORDER_ITEMS,
    TOPIC_PAYMENTS,
    TOPIC_SHIPMENTS,
    TOPIC_COUNT
} topic_id;

#define TOPIC_FIRST_FACT TOPIC_ORDERS
#define TOPIC_NAME_MAX 249 /* Kafka's limit, in characters */

/* Topic names without the prefix ("shop." by default). */
extern const char *const topic_suffixes[TOPIC_COUNT];
/* Schema files under the schema directory. */
extern const char *const topic_schema_files[TOPIC_COUNT];

typedef struct topic_names {
    char name[TOPIC_COUNT][TOPIC_NAME_MAX + 1];
    const char *list[TOPIC_COUNT]; /* name[t], for APIs that take an array */
} topic_names;

/* prefix + each suffix. Kafka allows 1-249 characters of [a-zA-Z0-9._-];
 * -1 with "expected ..., got ..." (naming no setting) otherwise. */
int topic_names_make(const char *prefix, topic_names *out, char *errstr, size_t errlen);

#endif
