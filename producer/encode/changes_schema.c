/* SPDX-License-Identifier: Apache-2.0 */
/* changes_schema.c - the tables' columns and their Connect schemas (see
 * changes_schema.h). */
#include "changes_schema.h"

#include <stdio.h>

static const column customers[] = {
    { "id", COL_INT64, 0 },      { "cohort", COL_STRING, 0 },       { "preferred_channel", COL_STRING, 0 },
    { "region", COL_STRING, 0 }, { "loyalty_tier", COL_STRING, 0 }, { "signup_at", COL_TIMESTAMP, 0 },
};
static const column products[] = {
    { "id", COL_INT64, 0 },          { "category", COL_STRING, 0 },  { "name", COL_STRING, 0 },
    { "price_cents", COL_INT64, 0 }, { "in_stock", COL_BOOLEAN, 0 }, { "updated_at", COL_TIMESTAMP, 0 },
};
static const column orders[] = {
    { "id", COL_INT64, 0 },
    { "customer_id", COL_INT64, 0 },
    { "status", COL_STRING, 0 },
    { "channel", COL_STRING, 0 },
    { "payment_method", COL_STRING, 0 },
    { "item_count", COL_INT32, 0 },
    { "subtotal_cents", COL_INT64, 0 },
    { "discount_cents", COL_INT64, 0 },
    { "total_cents", COL_INT64, 0 },
    { "refunded_cents", COL_INT64, 0 },
    { "currency", COL_STRING, 0 },
    { "campaign_id", COL_INT64, 1 },
    { "created_at", COL_TIMESTAMP, 0 },
    { "updated_at", COL_TIMESTAMP, 0 },
};
static const column order_items[] = {
    { "id", COL_INT64, 0 },
    { "order_id", COL_INT64, 0 },
    { "line_number", COL_INT32, 0 },
    { "product_id", COL_INT64, 0 },
    { "quantity", COL_INT32, 0 },
    { "unit_price_cents", COL_INT64, 0 },
    { "discount_cents", COL_INT64, 0 },
    { "line_total_cents", COL_INT64, 0 },
    { "created_at", COL_TIMESTAMP, 0 },
};

const column *changes_columns(topic_id t, size_t *n) {
#define TABLE(a)                                                                                                       \
    do {                                                                                                               \
        *n = sizeof a / sizeof a[0];                                                                                   \
        return a;                                                                                                      \
    } while (0)
    switch (t) {
    case TOPIC_CHANGE_CUSTOMERS: TABLE(customers);
    case TOPIC_CHANGE_PRODUCTS: TABLE(products);
    case TOPIC_CHANGE_ORDERS: TABLE(orders);
    case TOPIC_CHANGE_ORDER_ITEMS: TABLE(order_items);
    default: *n = 0; return NULL;
    }
#undef TABLE
}

static const char *const type_names[] = { "int64", "int32", "string", "boolean", "int64" };

/* Appends printf output at *at; -1 once cap is exceeded. */
#define PUT(...)                                                                                                       \
    do {                                                                                                               \
        int n_ = snprintf(buf + at, at < cap ? cap - at : 0, __VA_ARGS__);                                             \
        if (n_ < 0 || at + (size_t)n_ >= cap) return -1;                                                               \
        at += (size_t)n_;                                                                                              \
    } while (0)

int changes_key_schema(const char *name, char *buf, size_t cap) {
    size_t at = 0;
    PUT("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"}],"
        "\"optional\":false,\"name\":\"%s.Key\"},\"payload\":",
        name);
    return (int)at;
}

/* The row struct, as before or after. */
static int row_schema(topic_id t, const char *name, const char *field, char *buf, size_t cap) {
    size_t at = 0, n;
    const column *c = changes_columns(t, &n);
    PUT("{\"type\":\"struct\",\"fields\":[");
    for (size_t i = 0; i < n; i++) {
        PUT("%s{\"type\":\"%s\",\"optional\":%s,", i ? "," : "", type_names[c[i].type],
            c[i].optional ? "true" : "false");
        if (c[i].type == COL_TIMESTAMP) PUT("\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1,");
        PUT("\"field\":\"%s\"}", c[i].name);
    }
    PUT("],\"optional\":true,\"name\":\"%s.Value\",\"field\":\"%s\"}", name, field);
    return (int)at;
}

static const char source_schema[] =
    "{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"string\",\"optional\":false,\"field\":\"version\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"connector\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"},"
    "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\",\"version\":1,"
    "\"parameters\":{\"allowed\":\"true,last,false,incremental\"},\"default\":\"false\",\"field\":\"snapshot\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"db\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"sequence\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"schema\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"table\"},"
    "{\"type\":\"int64\",\"optional\":true,\"field\":\"txId\"},"
    "{\"type\":\"int64\",\"optional\":true,\"field\":\"lsn\"},"
    "{\"type\":\"int64\",\"optional\":true,\"field\":\"xmin\"}],"
    "\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Source\",\"field\":\"source\"}";

static const char transaction_schema[] =
    "{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"total_order\"},"
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"data_collection_order\"}],"
    "\"optional\":true,\"name\":\"event.block\",\"version\":1,\"field\":\"transaction\"}";

int changes_value_schema(topic_id t, const char *name, char *buf, size_t cap) {
    size_t at = 0;
    PUT("{\"schema\":{\"type\":\"struct\",\"fields\":[");
    for (int i = 0; i < 2; i++) {
        int n = row_schema(t, name, i ? "after" : "before", buf + at, cap - at);
        if (n < 0) return -1;
        at += (size_t)n;
        PUT(",");
    }
    PUT("%s,{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
        "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},%s],"
        "\"optional\":false,\"name\":\"%s.Envelope\",\"version\":1},\"payload\":",
        source_schema, transaction_schema, name);
    return (int)at;
}

/* ---- Avro: the schemas Confluent's AvroConverter (AvroData, connect.meta.data on) makes of the Connect schemas
 * above: a struct is a record named by the Connect name's last part in the namespace before it, an optional
 * field a union with null first and default null, except an optional field with a default (source.snapshot),
 * whose type comes first with that default. Avro's own form: a name already in scope is written bare. */

int changes_avro_key_schema(const char *ns, char *buf, size_t cap) {
    size_t at = 0;
    PUT("{\"type\":\"record\",\"name\":\"Key\",\"namespace\":\"%s\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}],"
        "\"connect.name\":\"%s.Key\"}",
        ns, ns);
    return (int)at;
}

static const char *const avro_types[] = {
    "\"long\"",
    "\"int\"",
    "\"string\"",
    "\"boolean\"",
    ("{\"type\":\"long\",\"connect.version\":1,\"connect.name\":\"org.apache.kafka.connect.data.Timestamp\","
     "\"logicalType\":\"timestamp-millis\"}"), /* one literal, continued: parenthesized for clang's -Wstring-concatenation */
};

static const char avro_source[] =
    "{\"name\":\"source\",\"type\":{\"type\":\"record\",\"name\":\"Source\","
    "\"namespace\":\"io.debezium.connector.postgresql\",\"fields\":["
    "{\"name\":\"version\",\"type\":\"string\"},"
    "{\"name\":\"connector\",\"type\":\"string\"},"
    "{\"name\":\"name\",\"type\":\"string\"},"
    "{\"name\":\"ts_ms\",\"type\":\"long\"},"
    "{\"name\":\"snapshot\",\"type\":[{\"type\":\"string\",\"connect.version\":1,"
    "\"connect.parameters\":{\"allowed\":\"true,last,false,incremental\"},\"connect.default\":\"false\","
    "\"connect.name\":\"io.debezium.data.Enum\"},\"null\"],\"default\":\"false\"},"
    "{\"name\":\"db\",\"type\":\"string\"},"
    "{\"name\":\"sequence\",\"type\":[\"null\",\"string\"],\"default\":null},"
    "{\"name\":\"schema\",\"type\":\"string\"},"
    "{\"name\":\"table\",\"type\":\"string\"},"
    "{\"name\":\"txId\",\"type\":[\"null\",\"long\"],\"default\":null},"
    "{\"name\":\"lsn\",\"type\":[\"null\",\"long\"],\"default\":null},"
    "{\"name\":\"xmin\",\"type\":[\"null\",\"long\"],\"default\":null}],"
    "\"connect.name\":\"io.debezium.connector.postgresql.Source\"}}";

static const char avro_transaction[] =
    "{\"name\":\"transaction\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"block\",\"namespace\":\"event\","
    "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"total_order\",\"type\":\"long\"},"
    "{\"name\":\"data_collection_order\",\"type\":\"long\"}],\"connect.version\":1,\"connect.name\":\"event.block\"}],"
    "\"default\":null}";

int changes_avro_value_schema(topic_id t, const char *ns, char *buf, size_t cap) {
    size_t at = 0, n;
    const column *c = changes_columns(t, &n);
    PUT("{\"type\":\"record\",\"name\":\"Envelope\",\"namespace\":\"%s\",\"fields\":["
        "{\"name\":\"before\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Value\",\"fields\":[",
        ns);
    for (size_t i = 0; i < n; i++) {
        if (c[i].optional)
            PUT("%s{\"name\":\"%s\",\"type\":[\"null\",%s],\"default\":null}", i ? "," : "", c[i].name,
                avro_types[c[i].type]);
        else
            PUT("%s{\"name\":\"%s\",\"type\":%s}", i ? "," : "", c[i].name, avro_types[c[i].type]);
    }
    PUT("],\"connect.name\":\"%s.Value\"}],\"default\":null},"
        "{\"name\":\"after\",\"type\":[\"null\",\"Value\"],\"default\":null},%s,"
        "{\"name\":\"op\",\"type\":\"string\"},"
        "{\"name\":\"ts_ms\",\"type\":[\"null\",\"long\"],\"default\":null},%s],"
        "\"connect.version\":1,\"connect.name\":\"%s.Envelope\"}",
        ns, avro_source, avro_transaction, ns);
    return (int)at;
}
