/* SPDX-License-Identifier: Apache-2.0 */
/* codec.c - each topic's schema bound to the wire contract (see codec.h):
 * the contract's fields, the checks a .avsc must pass, and the bound on a
 * value's size. */
#include "codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cfgread.h"
#include "base/clip.h"
#include "domain.h"
#include "errors.h"
#include "frame.h"
#include "lifecycle.h"
#include "schema_check.h"

#define SCHEMA_MAX_BYTES (1u << 20)
#define ENUM_OF(names, n) (names), (n)

static const field_spec customer_fields[CUSTOMER_FIELD_COUNT] = {
    [CUSTOMER_ID] = { "customer_id", F_LONG, NULL, 0 },
    [CUSTOMER_COHORT] = { "cohort", F_ENUM, ENUM_OF(cohort_names, COHORT_COUNT) },
    [CUSTOMER_PREFERRED_CHANNEL] = { "preferred_channel", F_ENUM, ENUM_OF(channel_names, CHANNEL_COUNT) },
    [CUSTOMER_REGION] = { "region", F_ENUM, ENUM_OF(region_names, REGION_COUNT) },
    [CUSTOMER_SIGNUP_TIME] = { "signup_time", F_TIME, NULL, 0 },
    [CUSTOMER_LOYALTY_TIER] = { "loyalty_tier", F_ENUM, ENUM_OF(loyalty_tier_names, TIER_COUNT) },
};
static const field_spec product_fields[PRODUCT_FIELD_COUNT] = {
    [PRODUCT_ID] = { "product_id", F_LONG, NULL, 0 },
    [PRODUCT_CATEGORY] = { "category", F_ENUM, ENUM_OF(category_names, CATEGORY_COUNT) },
    [PRODUCT_NAME] = { "name", F_STRING, NULL, 0 },
    [PRODUCT_PRICE_CENTS] = { "price_cents", F_LONG, NULL, 0 },
    [PRODUCT_POPULARITY] = { "popularity", F_DOUBLE, NULL, 0 },
    [PRODUCT_IN_STOCK] = { "in_stock", F_BOOLEAN, NULL, 0 },
    [PRODUCT_VALID_FROM] = { "valid_from", F_TIME, NULL, 0 },
};
static const field_spec campaign_fields[CAMPAIGN_FIELD_COUNT] = {
    [CAMPAIGN_ID] = { "campaign_id", F_LONG, NULL, 0 },
    [CAMPAIGN_NAME] = { "name", F_STRING, NULL, 0 },
    [CAMPAIGN_DISCOUNT_PCT] = { "discount_pct", F_INT, NULL, 0 },
    [CAMPAIGN_TARGET_CATEGORY] = { "target_category", F_OPT_ENUM, ENUM_OF(category_names, CATEGORY_COUNT) },
    [CAMPAIGN_TARGET_COHORT] = { "target_cohort", F_OPT_ENUM, ENUM_OF(cohort_names, COHORT_COUNT) },
    [CAMPAIGN_START_TIME] = { "start_time", F_TIME, NULL, 0 },
    [CAMPAIGN_END_TIME] = { "end_time", F_TIME, NULL, 0 },
};
static const field_spec order_fields[ORDER_FIELD_COUNT] = {
    [ORDER_ID] = { "order_id", F_LONG, NULL, 0 },
    [ORDER_CUSTOMER_ID] = { "customer_id", F_LONG, NULL, 0 },
    [ORDER_EVENT_TIME] = { "event_time", F_TIME, NULL, 0 },
    [ORDER_CHANNEL] = { "channel", F_ENUM, ENUM_OF(channel_names, CHANNEL_COUNT) },
    [ORDER_PAYMENT_METHOD] = { "payment_method", F_ENUM, ENUM_OF(payment_method_names, PAYMENT_COUNT) },
    [ORDER_STATUS] = { "status", F_ENUM, ENUM_OF(order_status_names, STATUS_COUNT) },
    [ORDER_ITEM_COUNT] = { "item_count", F_INT, NULL, 0 },
    [ORDER_SUBTOTAL_CENTS] = { "subtotal_cents", F_LONG, NULL, 0 },
    [ORDER_DISCOUNT_CENTS] = { "discount_cents", F_LONG, NULL, 0 },
    [ORDER_TOTAL_CENTS] = { "total_cents", F_LONG, NULL, 0 },
    [ORDER_CURRENCY] = { "currency", F_STRING, NULL, 0 },
    [ORDER_CAMPAIGN_ID] = { "campaign_id", F_OPT_LONG, NULL, 0 },
    [ORDER_SCENARIO] = { "scenario", F_STRING, NULL, 0 },
};
static const field_spec order_item_fields[ITEM_FIELD_COUNT] = {
    [ITEM_ORDER_ID] = { "order_id", F_LONG, NULL, 0 },
    [ITEM_LINE_NUMBER] = { "line_number", F_INT, NULL, 0 },
    [ITEM_PRODUCT_ID] = { "product_id", F_LONG, NULL, 0 },
    [ITEM_QUANTITY] = { "quantity", F_INT, NULL, 0 },
    [ITEM_UNIT_PRICE_CENTS] = { "unit_price_cents", F_LONG, NULL, 0 },
    [ITEM_DISCOUNT_CENTS] = { "discount_cents", F_LONG, NULL, 0 },
    [ITEM_LINE_TOTAL_CENTS] = { "line_total_cents", F_LONG, NULL, 0 },
    [ITEM_EVENT_TIME] = { "event_time", F_TIME, NULL, 0 },
};

static const field_spec payment_fields[PAYMENT_FIELD_COUNT] = {
    [PAYMENT_ORDER_ID] = { "order_id", F_LONG, NULL, 0 },
    [PAYMENT_ATTEMPT] = { "attempt", F_INT, NULL, 0 },
    [PAYMENT_EVENT_TIME] = { "event_time", F_TIME, NULL, 0 },
    [PAYMENT_METHOD] = { "payment_method", F_ENUM, ENUM_OF(payment_method_names, PAYMENT_COUNT) },
    [PAYMENT_STATUS] = { "status", F_ENUM, ENUM_OF(payment_status_names, PAY_STATUS_COUNT) },
    [PAYMENT_AMOUNT_CENTS] = { "amount_cents", F_LONG, NULL, 0 },
    [PAYMENT_CURRENCY] = { "currency", F_STRING, NULL, 0 },
    [PAYMENT_FINAL] = { "final", F_BOOLEAN, NULL, 0 },
};
static const field_spec shipment_fields[SHIPMENT_FIELD_COUNT] = {
    [SHIPMENT_ORDER_ID] = { "order_id", F_LONG, NULL, 0 },
    [SHIPMENT_EVENT_TIME] = { "event_time", F_TIME, NULL, 0 },
    [SHIPMENT_STATUS] = { "status", F_ENUM, ENUM_OF(shipment_status_names, SHIP_STATUS_COUNT) },
    [SHIPMENT_CARRIER] = { "carrier", F_ENUM, ENUM_OF(carrier_names, CARRIER_COUNT) },
    [SHIPMENT_REGION] = { "region", F_ENUM, ENUM_OF(region_names, REGION_COUNT) },
    [SHIPMENT_FINAL] = { "final", F_BOOLEAN, NULL, 0 },
};

static const struct {
    const field_spec *fields;
    size_t n;
} topic_fields[TOPIC_COUNT] = {
    [TOPIC_CUSTOMERS] = { customer_fields, CUSTOMER_FIELD_COUNT },
    [TOPIC_PRODUCTS] = { product_fields, PRODUCT_FIELD_COUNT },
    [TOPIC_CAMPAIGNS] = { campaign_fields, CAMPAIGN_FIELD_COUNT },
    [TOPIC_ORDERS] = { order_fields, ORDER_FIELD_COUNT },
    [TOPIC_ORDER_ITEMS] = { order_item_fields, ITEM_FIELD_COUNT },
    [TOPIC_PAYMENTS] = { payment_fields, PAYMENT_FIELD_COUNT },
    [TOPIC_SHIPMENTS] = { shipment_fields, SHIPMENT_FIELD_COUNT },
};

const field_spec *codec_fields(topic_id t, size_t *n) {
    *n = topic_fields[t].n;
    return topic_fields[t].fields;
}

static const char *kind_name(field_kind k) {
    switch (k) {
    case F_LONG: return "long";
    case F_TIME: return "long (timestamp-millis)";
    case F_INT: return "int";
    case F_STRING: return "string";
    case F_DOUBLE: return "double";
    case F_BOOLEAN: return "boolean";
    case F_ENUM: return "enum";
    case F_OPT_LONG: return "union of null and long";
    case F_OPT_ENUM: return "union of null and an enum";
    }
    return "?";
}

/* Checks one field's schema against its spec and records its branches and
 * symbol mapping. */
static int bind_field(codec *c, size_t i, const field_spec *f, avro_schema_t fs, const char *path, char *errstr,
                      size_t errlen) {
    avro_schema_t target = fs;
    if (f->kind == F_OPT_LONG || f->kind == F_OPT_ENUM) {
        if (!is_avro_union(fs) || avro_schema_union_size(fs) != 2)
            FAIL("%s: field '%s': expected a %s, found %s", path, f->name, kind_name(f->kind),
                 avro_schema_type_name(fs));
        int nulls = 0;
        for (int b = 0; b < 2; b++) {
            avro_schema_t bs = avro_schema_union_branch(fs, b);
            if (is_avro_null(bs)) {
                c->null_branch[i] = b;
                nulls++;
            } else {
                c->some_branch[i] = b;
                target = bs;
            }
        }
        if (nulls != 1)
            FAIL("%s: field '%s': expected a %s, found a union %s", path, f->name, kind_name(f->kind),
                 nulls ? "of two nulls" : "without null (readers could not tell null from a value)");
    }
    int ok = 0;
    switch (f->kind) {
    case F_LONG:
    case F_TIME:
    case F_OPT_LONG: ok = is_avro_int64(target); break;
    case F_INT: ok = is_avro_int32(target); break;
    case F_STRING: ok = is_avro_string(target); break;
    case F_DOUBLE: ok = is_avro_double(target); break;
    case F_BOOLEAN: ok = is_avro_boolean(target); break;
    case F_ENUM:
    case F_OPT_ENUM: ok = is_avro_enum(target); break;
    }
    if (!ok)
        FAIL("%s: field '%s': expected %s, found %s", path, f->name, kind_name(f->kind), avro_schema_type_name(target));
    for (int s = 0; s < f->n_symbols; s++) {
        int idx = avro_schema_enum_get_by_name(target, f->symbols[s]);
        if (idx < 0) FAIL("%s: field '%s': enum lacks symbol '%s'", path, f->name, f->symbols[s]);
        c->symbol[i][s] = idx;
    }
    return 0;
}

int codec_load(codec *c, topic_id t, const char *dir, char *errstr, size_t errlen) {
    char full[4096];
    snprintf(full, sizeof full, "%s/%s", dir, topic_schema_files[t]);
    clip_buf shown;
    const char *path = clip_text(&shown, full); /* for errors (clip.h) */
    size_t len = 0;
    char *json = NULL;
    if (cfgread_file(full, "schema", SCHEMA_MAX_BYTES, &json, &len, errstr, errlen) != 0) return -1;
    c->text = json;
    json_error_t jerr;
    json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        clip_one_line(jerr.text); /* jansson quotes the input near the error, newlines and all */
        FAIL("%s:%d: invalid JSON: %s", path, jerr.line, jerr.text);
    }
    int checked = schema_check_json(path, doc, errstr, errlen);
    for (size_t i = 0; checked == 0 && i < topic_fields[t].n; i++) {
        const json_t *f = schema_check_field(doc, topic_fields[t].fields[i].name);
        if (f && topic_fields[t].fields[i].kind == F_TIME) checked = schema_check_millis(path, f, errstr, errlen);
    }
    json_decref(doc);
    if (checked != 0) return -1;
    int rc = avro_schema_from_json_length(json, len, &c->schema);
    if (rc != 0) FAIL("%s: invalid Avro schema: %s", path, avro_strerror());
    if (!is_avro_record(c->schema))
        FAIL("%s: expected a record schema, found %s", path, avro_schema_type_name(c->schema));

    const field_spec *fields = topic_fields[t].fields;
    for (size_t i = 0; i < topic_fields[t].n; i++) {
        /* field_get_index first: avro_schema_record_field_get() reads an
         * uninitialised pointer when the field is absent. */
        int idx = avro_schema_record_field_get_index(c->schema, fields[i].name);
        avro_schema_t fs = idx < 0 ? NULL : avro_schema_record_field_get_by_index(c->schema, idx);
        if (!fs) FAIL("%s: field '%s' is missing (it is part of the wire contract)", path, fields[i].name);
        if (idx != (int)i)
            FAIL("%s: field '%s' is field %d of the record, the wire contract has it at %zu: the contract's fields "
                 "come first, in its order (extra optional fields may follow them)",
                 path, fields[i].name, idx + 1, i + 1);
        if (bind_field(c, i, &fields[i], fs, path, errstr, errlen) != 0) return -1;
    }
    /* Exactly our fields and nothing after them: the hot topics may then be
     * written directly (avro_direct.c). */
    c->exact = avro_schema_record_size(c->schema) == topic_fields[t].n;
    c->iface = avro_generic_class_from_schema(c->schema);
    if (!c->iface || avro_generic_value_new(c->iface, &c->value) != 0)
        FAIL("%s: cannot build an Avro value: %s", path, avro_strerror());
    c->has_value = 1;
    for (size_t i = 0; i < topic_fields[t].n; i++)
        if (avro_value_get_by_name(&c->value, fields[i].name, &c->field[i], NULL) != 0)
            FAIL("%s: field '%s': %s", path, fields[i].name, avro_strerror());
    /* Fields of the user's own are allowed when optional: they stay null. */
    for (size_t i = 0; i < avro_schema_record_size(c->schema); i++) {
        const char *name = avro_schema_record_field_name(c->schema, (int)i);
        int ours = 0;
        for (size_t f = 0; f < topic_fields[t].n; f++) ours |= strcmp(fields[f].name, name) == 0;
        if (ours) continue;
        avro_schema_t fs = avro_schema_record_field_get_by_index(c->schema, (int)i);
        int null_branch = -1;
        for (size_t b = 0; is_avro_union(fs) && b < avro_schema_union_size(fs); b++)
            if (is_avro_null(avro_schema_union_branch(fs, (int)b))) null_branch = (int)b;
        avro_value_t field, branch;
        if (null_branch < 0 || avro_value_get_by_index(&c->value, i, &field, NULL) != 0 ||
            avro_value_set_branch(&field, null_branch, &branch) != 0 || avro_value_set_null(&branch) != 0)
            FAIL("%s: field '%s' is not one shopstream writes: extra fields must be unions with null", path, name);
    }
    return 0;
}

/* The most bytes one field of kind k takes in Avro binary; strings at most
 * string_max bytes. A varint of a long or an index takes at most 10. */
static size_t field_bound(field_kind k, size_t string_max) {
    switch (k) {
    case F_DOUBLE: return 8;
    case F_BOOLEAN: return 1;
    case F_STRING: return 10 + string_max;
    case F_OPT_LONG:
    case F_OPT_ENUM: return 20;
    default: return 10;
    }
}

/* Every contract field at its largest, each of the user's extra fields
 * (always null) as its branch index; JSON: every string escaped six times
 * over, with room for the names. */
size_t codec_value_bound(const encoder *enc, topic_id t, const codec *c) {
    size_t strings = CATALOG_NAME_MAX + enc->currency_len + enc->scenario_len, n = topic_fields[t].n;
    size_t bound = 5; /* Confluent's frame */
    for (size_t i = 0; i < n; i++) bound += field_bound(topic_fields[t].fields[i].kind, strings);
    bound += 10 * (avro_schema_record_size(c->schema) - n);
    if (enc->format == FORMAT_JSON || enc->format == FORMAT_JSON_SCHEMA_CONFLUENT)
        bound = frame_length(enc->format) + 1024 + 6 * strings + 48 * n;
    if (enc->format == FORMAT_PROTOBUF || enc->format == FORMAT_PROTOBUF_CONFLUENT) { /* a one-byte tag a field */
        bound = 6;
        for (size_t i = 0; i < n; i++) bound += 1 + field_bound(topic_fields[t].fields[i].kind, strings);
    }
    return bound;
}

size_t encoder_value_bound(const encoder *enc, topic_id t) { return enc->codecs[t].bound; }

void codec_free(codec *c) {
    free(c->text);
    free(c->format_text);
    if (c->has_value) avro_value_decref(&c->value);
    if (c->iface) avro_value_iface_decref(c->iface);
    if (c->schema) avro_schema_decref(c->schema);
    memset(c, 0, sizeof *c);
}
