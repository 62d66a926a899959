/* SPDX-License-Identifier: Apache-2.0 */
/* topics.h - the topics shopstream writes, in the order it writes them.
 *
 * Dimension topics come first (every id an order references exists before
 * the order), then the facts; these seven are the event topics. With
 * --changelog, the four change topics follow (docs/guide/changelog.md): the
 * tables customers, products, orders and order_items, named
 * <prefix>.<schema>.<table> as Debezium names them. A run's topics are the
 * first topic_names.n of topic_id's order: loops over a run's topics stop
 * there. Each topic's value schema is
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
    TOPIC_CHANGE_CUSTOMERS,
    TOPIC_CHANGE_PRODUCTS,
    TOPIC_CHANGE_ORDERS,
    TOPIC_CHANGE_ORDER_ITEMS,
    TOPIC_COUNT
} topic_id;

#define TOPIC_EVENT_COUNT TOPIC_CHANGE_CUSTOMERS /* the event topics come first */
#define TOPIC_CHANGE_COUNT (TOPIC_COUNT - TOPIC_EVENT_COUNT)
static inline int topic_is_change(int t) { return t >= TOPIC_CHANGE_CUSTOMERS; }
/* A change topic's place among the change topics: 0 .. TOPIC_CHANGE_COUNT - 1. */
#define TOPIC_CHANGE_INDEX(t) ((size_t)(t)-TOPIC_EVENT_COUNT)

#define TOPIC_FIRST_FACT TOPIC_ORDERS
#define TOPIC_NAME_MAX 249 /* Kafka's limit, in characters */

/* Topic names without the prefix ("shop." by default); a change topic's
 * is its table's name. */
extern const char *const topic_suffixes[TOPIC_COUNT];
/* Schema files under the schema directory (event topics; NULL for the
 * change topics, whose schema is the table's, docs/guide/changelog.md). */
extern const char *const topic_schema_files[TOPIC_COUNT];

typedef struct topic_names {
    char name[TOPIC_COUNT][TOPIC_NAME_MAX + 1];
    const char *list[TOPIC_COUNT]; /* name[t], for APIs that take an array */
    int n;                         /* the run's topics: TOPIC_EVENT_COUNT, or TOPIC_COUNT with changes */
} topic_names;

/* prefix + each event topic's suffix; n = TOPIC_EVENT_COUNT. Kafka allows
 * 1-249 characters of [a-zA-Z0-9._-]; -1 with "expected ..., got ..."
 * (naming no setting) otherwise. */
int topic_names_make(const char *prefix, topic_names *out, char *errstr, size_t errlen);

/* The change topics, prefix.schema.table, after the event topics (n =
 * TOPIC_COUNT). prefix and schema: letters, digits and '_', not starting
 * with a digit (prefix may hold '.' and '-' too, as Kafka's names do); -1
 * with "expected ..., got ..." when not, or when a name falls on an event
 * topic's (which_out: 0 for the prefix, 1 for the schema, 2 for a clash
 * with the event topics). */
int topic_names_add_changes(topic_names *out, const char *prefix, const char *schema, int *which_out, char *errstr,
                            size_t errlen);

/* A change topic's name as an Avro namespace, as Debezium's
 * schema.name.adjustment.mode=avro makes it: each character Avro does not
 * allow there ('-', a digit starting a part) becomes '_'. -1 when a part is
 * empty ("a..b", a leading or trailing '.'), which no replacement mends,
 * or when out (cap bytes) cannot hold it. */
int topic_avro_namespace(const char *name, char *out, size_t cap);

#endif
