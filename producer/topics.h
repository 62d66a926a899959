/* topics.h - the five topics shopstream writes, in the order it writes them.
 *
 * Dimension topics come first (every id an order references exists before
 * the order), then the facts. Each topic's value schema is
 * schemas/<schema_file>. */
#ifndef SHOPSTREAM_TOPICS_H
#define SHOPSTREAM_TOPICS_H

typedef enum topic_id {
    TOPIC_CUSTOMERS,
    TOPIC_PRODUCTS,
    TOPIC_CAMPAIGNS,
    TOPIC_ORDERS,
    TOPIC_ORDER_ITEMS,
    TOPIC_COUNT
} topic_id;

#define TOPIC_FIRST_FACT TOPIC_ORDERS

/* Topic names without the prefix ("shop." by default). */
extern const char *const topic_suffixes[TOPIC_COUNT];
/* Schema files under the schema directory. */
extern const char *const topic_schema_files[TOPIC_COUNT];

#endif
