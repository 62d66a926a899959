/* topics.c - topic names and schema files (see topics.h). */
#include "topics.h"

const char *const topic_suffixes[TOPIC_COUNT] = {
    "customers", "products", "campaigns", "orders", "order_items",
};
const char *const topic_schema_files[TOPIC_COUNT] = {
    "customers.avsc", "products.avsc", "campaigns.avsc", "orders.avsc", "order_items.avsc",
};
