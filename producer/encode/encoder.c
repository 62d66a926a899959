/* SPDX-License-Identifier: Apache-2.0 */
/* encoder.c - the .avsc files bound to the wire contract, and each topic's
 * values in the run's format (see encoder.h, codec.h).
 *
 * Each topic has a codec: its schema, one reusable generic value, and a
 * handle on each field, found by name at start-up and kept under the
 * field's enum name, so writing a record is a run of avro_value_set_* calls
 * (avro_generic.c) or, for the hot topics with an exact schema, bytes
 * written directly (avro_direct.c). */
#include "encoder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgread.h"
#include "codec.h"
#include "domain.h"
#include "errors.h"
#include "jsonenc.h"
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

static const struct { const field_spec *fields; size_t n; } topic_fields[TOPIC_COUNT] = {
    [TOPIC_CUSTOMERS] = { customer_fields, CUSTOMER_FIELD_COUNT },
    [TOPIC_PRODUCTS] = { product_fields, PRODUCT_FIELD_COUNT },
    [TOPIC_CAMPAIGNS] = { campaign_fields, CAMPAIGN_FIELD_COUNT },
    [TOPIC_ORDERS] = { order_fields, ORDER_FIELD_COUNT },
    [TOPIC_ORDER_ITEMS] = { order_item_fields, ITEM_FIELD_COUNT },
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
static int bind_field(codec *c, size_t i, const field_spec *f, avro_schema_t fs, const char *path,
                      char *errstr, size_t errlen) {
    avro_schema_t target = fs;
    if (f->kind == F_OPT_LONG || f->kind == F_OPT_ENUM) {
        if (!is_avro_union(fs) || avro_schema_union_size(fs) != 2)
            FAIL("%s: field '%s': expected a %s, found %s", path, f->name, kind_name(f->kind), avro_schema_type_name(fs));
        int nulls = 0;
        for (int b = 0; b < 2; b++) {
            avro_schema_t bs = avro_schema_union_branch(fs, b);
            if (is_avro_null(bs)) { c->null_branch[i] = b; nulls++; }
            else { c->some_branch[i] = b; target = bs; }
        }
        if (nulls != 1)
            FAIL("%s: field '%s': expected a %s, found a union %s", path, f->name, kind_name(f->kind),
                 nulls ? "of two nulls" : "without null (readers could not tell null from a value)");
    }
    int ok = 0;
    switch (f->kind) {
    case F_LONG: case F_TIME: case F_OPT_LONG: ok = is_avro_int64(target); break;
    case F_INT: ok = is_avro_int32(target); break;
    case F_STRING: ok = is_avro_string(target); break;
    case F_DOUBLE: ok = is_avro_double(target); break;
    case F_BOOLEAN: ok = is_avro_boolean(target); break;
    case F_ENUM: case F_OPT_ENUM: ok = is_avro_enum(target); break;
    }
    if (!ok) FAIL("%s: field '%s': expected %s, found %s", path, f->name, kind_name(f->kind), avro_schema_type_name(target));
    for (int s = 0; s < f->n_symbols; s++) {
        int idx = avro_schema_enum_get_by_name(target, f->symbols[s]);
        if (idx < 0) FAIL("%s: field '%s': enum lacks symbol '%s'", path, f->name, f->symbols[s]);
        c->symbol[i][s] = idx;
    }
    return 0;
}

static int codec_load(codec *c, topic_id t, const char *dir, char *errstr, size_t errlen) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, topic_schema_files[t]);
    size_t len = 0;
    char *json = NULL;
    if (cfgread_file(path, "schema", SCHEMA_MAX_BYTES, &json, &len, errstr, errlen) != 0) return -1;
    c->text = json;
    json_error_t jerr;
    json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) FAIL("%s:%d: invalid JSON: %s", path, jerr.line, jerr.text);
    int checked = schema_check_json(path, doc, errstr, errlen);
    for (size_t i = 0; checked == 0 && i < topic_fields[t].n; i++) {
        const json_t *f = schema_check_field(doc, topic_fields[t].fields[i].name);
        if (f && topic_fields[t].fields[i].kind == F_TIME) checked = schema_check_millis(path, f, errstr, errlen);
    }
    json_decref(doc);
    if (checked != 0) return -1;
    int rc = avro_schema_from_json_length(json, len, &c->schema);
    if (rc != 0) FAIL("%s: invalid Avro schema: %s", path, avro_strerror());
    if (!is_avro_record(c->schema)) FAIL("%s: expected a record schema, found %s", path, avro_schema_type_name(c->schema));

    const field_spec *fields = topic_fields[t].fields;
    for (size_t i = 0; i < topic_fields[t].n; i++) {
        /* field_get_index first: avro_schema_record_field_get() reads an
         * uninitialised pointer when the field is absent. */
        int idx = avro_schema_record_field_get_index(c->schema, fields[i].name);
        avro_schema_t fs = idx < 0 ? NULL : avro_schema_record_field_get_by_index(c->schema, idx);
        if (!fs) FAIL("%s: field '%s' is missing (it is part of the wire contract)", path, fields[i].name);
        if (idx != (int)i)
            FAIL("%s: field '%s' is field %d of the record, the wire contract has it at %zu: the contract's fields "
                 "come first, in its order (extra optional fields may follow them)", path, fields[i].name, idx + 1,
                 i + 1);
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
    case F_OPT_LONG: case F_OPT_ENUM: return 20;
    default: return 10;
    }
}

/* Every contract field at its largest, each of the user's extra fields
 * (always null) as its branch index; JSON: every string escaped six times
 * over, with room for the names. */
static size_t value_bound(const encoder *enc, topic_id t, const codec *c) {
    size_t strings = CATALOG_NAME_MAX + enc->currency_len + enc->scenario_len, n = topic_fields[t].n;
    size_t bound = 5; /* Confluent's frame */
    for (size_t i = 0; i < n; i++) bound += field_bound(topic_fields[t].fields[i].kind, strings);
    bound += 10 * (avro_schema_record_size(c->schema) - n);
    if (enc->format == FORMAT_JSON) bound = 1024 + 6 * strings + 48 * n;
    return bound;
}

size_t encoder_value_bound(const encoder *enc, topic_id t) { return enc->codecs[t].bound; }

static void codec_free(codec *c) {
    free(c->text);
    if (c->has_value) avro_value_decref(&c->value);
    if (c->iface) avro_value_iface_decref(c->iface);
    if (c->schema) avro_schema_decref(c->schema);
    memset(c, 0, sizeof *c);
}

int encoder_new(const char *schema_dir, const char *currency, const char *scenario, value_format format,
                encoder **out, char *errstr, size_t errlen) {
    *out = NULL;
    encoder *enc = calloc(1, sizeof *enc);
    if (!enc) FAIL("out of memory");
    enc->format = format;
    enc->currency = strdup(currency);
    enc->scenario = strdup(scenario);
    enc->writer = avro_writer_memory(NULL, 0);
    if (!enc->currency || !enc->scenario || !enc->writer) {
        encoder_free(enc);
        FAIL("out of memory");
    }
    for (int t = 0; t < TOPIC_COUNT; t++) {
        if (codec_load(&enc->codecs[t], (topic_id)t, schema_dir, errstr, errlen) != 0) {
            encoder_free(enc);
            return -1;
        }
    }
    enc->currency_len = strlen(enc->currency);
    enc->scenario_len = strlen(enc->scenario);
    for (int t = 0; t < TOPIC_COUNT; t++) {
        enc->codecs[t].bound = value_bound(enc, (topic_id)t, &enc->codecs[t]);
        if (enc->codecs[t].bound > ENCODER_VALUE_LIMIT) {
            snprintf(errstr, errlen, "%s/%s: a value could take %zu bytes, more than the %d a Kafka message may "
                     "hold by default (message.max.bytes): fewer extra fields", schema_dir, topic_schema_files[t],
                     enc->codecs[t].bound, ENCODER_VALUE_LIMIT);
            encoder_free(enc);
            return -1;
        }
    }
    *out = enc;
    return 0;
}

void encoder_free(encoder *enc) {
    if (!enc) return;
    for (int t = TOPIC_COUNT - 1; t >= 0; t--) codec_free(&enc->codecs[t]);
    if (enc->writer) avro_writer_free(enc->writer);
    free(enc->scenario);
    free(enc->currency);
    free(enc);
}

/* Orders and items directly when the schema allows it and the buffer holds
 * the largest value (the bound less the frame), else through avro-c. */
static int write_order(encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap) {
    if (enc->codecs[TOPIC_ORDERS].exact && !enc->force_generic && cap + 5 >= enc->codecs[TOPIC_ORDERS].bound)
        return avro_direct_order(enc, b, k, buf);
    return avro_generic_order(enc, b, k, buf, cap);
}

static int write_order_item(encoder *enc, const order_batch *b, size_t k, size_t line, char *buf, size_t cap) {
    if (enc->codecs[TOPIC_ORDER_ITEMS].exact && !enc->force_generic && cap + 5 >= enc->codecs[TOPIC_ORDER_ITEMS].bound)
        return avro_direct_order_item(b, k, line, buf);
    return avro_generic_order_item(enc, b, k, line, buf, cap);
}

void encoder_force_generic(encoder *enc, int on) { enc->force_generic = on; }

/* ---- the public encode functions: format and frame --------------------- */

const char *encoder_schema_text(const encoder *enc, topic_id t) { return enc->codecs[t].text; }

void encoder_set_schema_id(encoder *enc, topic_id t, int32_t id) { enc->schema_id[t] = id; }

size_t encoder_frame_length(value_format format) { return format == FORMAT_AVRO_CONFLUENT ? 5 : 0; }

/* Confluent's wire format: magic byte 0, the schema id big-endian, the Avro. */
static size_t put_frame(const encoder *enc, topic_id t, char *buf) {
    if (enc->format != FORMAT_AVRO_CONFLUENT) return 0;
    uint32_t id = (uint32_t)enc->schema_id[t];
    buf[0] = 0;
    buf[1] = (char)(id >> 24);
    buf[2] = (char)(id >> 16);
    buf[3] = (char)(id >> 8);
    buf[4] = (char)id;
    return 5;
}

static int framed(int len, size_t frame) { return len < 0 ? -1 : len + (int)frame; }

int encoder_customer(encoder *enc, const customer *c, char *buf, size_t cap) {
    if (enc->format == FORMAT_JSON) return jsonenc_customer(c, buf, cap);
    size_t f = put_frame(enc, TOPIC_CUSTOMERS, buf);
    return framed(avro_generic_customer(enc, c, buf + f, cap - f), f);
}

int encoder_product(encoder *enc, const product *p, char *buf, size_t cap) {
    if (enc->format == FORMAT_JSON) return jsonenc_product(p, buf, cap);
    size_t f = put_frame(enc, TOPIC_PRODUCTS, buf);
    return framed(avro_generic_product(enc, p, buf + f, cap - f), f);
}

int encoder_campaign(encoder *enc, const campaign *k, char *buf, size_t cap) {
    if (enc->format == FORMAT_JSON) return jsonenc_campaign(k, buf, cap);
    size_t f = put_frame(enc, TOPIC_CAMPAIGNS, buf);
    return framed(avro_generic_campaign(enc, k, buf + f, cap - f), f);
}

int encoder_order(encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap) {
    if (enc->format == FORMAT_JSON) return jsonenc_order(b, k, enc->currency, enc->scenario, buf, cap);
    size_t f = put_frame(enc, TOPIC_ORDERS, buf);
    return framed(write_order(enc, b, k, buf + f, cap - f), f);
}

int encoder_order_item(encoder *enc, const order_batch *b, size_t k, size_t line, char *buf, size_t cap) {
    if (enc->format == FORMAT_JSON) return jsonenc_order_item(b, k, line, buf, cap);
    size_t f = put_frame(enc, TOPIC_ORDER_ITEMS, buf);
    return framed(write_order_item(enc, b, k, line, buf + f, cap - f), f);
}
