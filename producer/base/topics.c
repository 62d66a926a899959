/* SPDX-License-Identifier: Apache-2.0 */
/* topics.c - topic names and schema files (see topics.h). */
#include "topics.h"

#include <stdio.h>
#include <string.h>

const char *const topic_suffixes[TOPIC_COUNT] = {
    "customers", "products", "campaigns", "orders", "order_items", "payments", "shipments",
};
const char *const topic_schema_files[TOPIC_COUNT] = {
    "customers.avsc",   "products.avsc", "campaigns.avsc", "orders.avsc",
    "order_items.avsc", "payments.avsc", "shipments.avsc",
};

static int legal(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

int topic_names_make(const char *prefix, topic_names *out, char *errstr, size_t errlen) {
    size_t longest = 0;
    for (int t = 0; t < TOPIC_COUNT; t++)
        if (strlen(topic_suffixes[t]) > longest) longest = strlen(topic_suffixes[t]);
    for (const char *p = prefix; *p; p++)
        if (!legal(*p)) {
            snprintf(errstr, errlen, "expected a topic prefix of letters, digits, '.', '_' and '-', got '%.100s'",
                     prefix);
            return -1;
        }
    if (strlen(prefix) + longest > TOPIC_NAME_MAX) {
        snprintf(errstr, errlen,
                 "expected a topic prefix of at most %zu characters (topic names are at most %d), "
                 "got %zu",
                 TOPIC_NAME_MAX - longest, TOPIC_NAME_MAX, strlen(prefix));
        return -1;
    }
    for (int t = 0; t < TOPIC_COUNT; t++) {
        snprintf(out->name[t], sizeof out->name[t], "%s%s", prefix, topic_suffixes[t]);
        out->list[t] = out->name[t];
    }
    return 0;
}
