/* SPDX-License-Identifier: Apache-2.0 */
/* topics.c - topic names and schema files (see topics.h). */
#include "topics.h"

#include <stdio.h>
#include <string.h>

const char *const topic_suffixes[TOPIC_COUNT] = {
    "customers", "products",  "campaigns", "orders", "order_items", "payments",
    "shipments", "customers", "products",  "orders", "order_items",
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
    for (int t = 0; t < TOPIC_EVENT_COUNT; t++)
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
    memset(out, 0, sizeof *out);
    for (int t = 0; t < TOPIC_EVENT_COUNT; t++) {
        snprintf(out->name[t], sizeof out->name[t], "%s%s", prefix, topic_suffixes[t]);
        out->list[t] = out->name[t];
    }
    out->n = TOPIC_EVENT_COUNT;
    return 0;
}

/* An identifier: letters, digits and '_' (and, with dots, '.' and '-'),
 * not starting with a digit, at most 64 characters. */
static int identifier(const char *s, int dots) {
    if (!*s || (*s >= '0' && *s <= '9') || strlen(s) > 64) return 0;
    for (const char *p = s; *p; p++)
        if (!legal(*p) || (!dots && (*p == '.' || *p == '-'))) return 0;
    return 1;
}

int topic_names_add_changes(topic_names *out, const char *prefix, const char *schema, int *which_out, char *errstr,
                            size_t errlen) {
    *which_out = 0;
    if (!identifier(prefix, 1)) {
        snprintf(errstr, errlen,
                 "expected a topic prefix of 1-64 letters, digits, '_', '.' or '-', not starting with a digit, "
                 "got '%.100s'",
                 prefix);
        return -1;
    }
    if (!identifier(schema, 0)) {
        *which_out = 1;
        snprintf(errstr, errlen,
                 "expected a schema name of 1-64 letters, digits and '_', not starting with a digit, got '%.100s'",
                 schema);
        return -1;
    }
    for (int t = TOPIC_EVENT_COUNT; t < TOPIC_COUNT; t++) {
        snprintf(out->name[t], sizeof out->name[t], "%s.%s.%s", prefix, schema, topic_suffixes[t]);
        out->list[t] = out->name[t];
        for (int e = 0; e < TOPIC_EVENT_COUNT; e++)
            if (strcmp(out->name[t], out->name[e]) == 0) {
                *which_out = 2;
                snprintf(errstr, errlen,
                         "expected event topics apart from the change topics (prefix.schema.table), got '%s' for both",
                         out->name[t]);
                return -1;
            }
    }
    out->n = TOPIC_COUNT;
    return 0;
}

int topic_avro_namespace(const char *name, char *out, size_t cap) {
    size_t n = strlen(name);
    if (n + 1 > cap) return -1;
    int first = 1; /* at the start of a part */
    for (size_t i = 0; i <= n; i++) {
        char c = name[i];
        if (c == '.' || c == '\0') {
            if (first) return -1; /* an empty part: "a..b", ".a", "a." */
            out[i] = c;
            first = 1;
            continue;
        }
        int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        out[i] = letter || (!first && c >= '0' && c <= '9') ? c : '_';
        first = 0;
    }
    return 0;
}
