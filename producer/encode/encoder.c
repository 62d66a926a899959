/* encoder.c - Avro encoding of every topic's values with avro-c (see encoder.h).
 *
 * Each topic has a codec: its schema, one reusable generic value, and a
 * handle on each field found by name at start-up, so encoding a record is a
 * run of avro_value_set_* calls and one avro_value_write(). */
#include "encoder.h"

#include <avro.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "jsonenc.h"

#define FIELDS_MAX 16
#define SYMBOLS_MAX 16

typedef enum field_kind { F_LONG, F_INT, F_STRING, F_DOUBLE, F_BOOLEAN, F_ENUM, F_OPT_LONG, F_OPT_ENUM } field_kind;

typedef struct field_spec {
    const char *name;
    field_kind kind;
    const char *const *symbols; /* engine's names for F_ENUM / F_OPT_ENUM */
    int n_symbols;
} field_spec;

#define ENUM_OF(names, n) (names), (n)

/* Field order in each table is the index the encode functions use. */
static const field_spec customer_fields[] = {
    { "customer_id", F_LONG, NULL, 0 },
    { "cohort", F_ENUM, ENUM_OF(cohort_names, COHORT_COUNT) },
    { "preferred_channel", F_ENUM, ENUM_OF(channel_names, CHANNEL_COUNT) },
    { "region", F_ENUM, ENUM_OF(region_names, REGION_COUNT) },
    { "signup_time", F_LONG, NULL, 0 },
    { "loyalty_tier", F_ENUM, ENUM_OF(loyalty_tier_names, TIER_COUNT) },
};
static const field_spec product_fields[] = {
    { "product_id", F_LONG, NULL, 0 },
    { "category", F_ENUM, ENUM_OF(category_names, CATEGORY_COUNT) },
    { "name", F_STRING, NULL, 0 },
    { "price_cents", F_LONG, NULL, 0 },
    { "popularity", F_DOUBLE, NULL, 0 },
    { "in_stock", F_BOOLEAN, NULL, 0 },
};
static const field_spec campaign_fields[] = {
    { "campaign_id", F_LONG, NULL, 0 },
    { "name", F_STRING, NULL, 0 },
    { "discount_pct", F_INT, NULL, 0 },
    { "target_category", F_OPT_ENUM, ENUM_OF(category_names, CATEGORY_COUNT) },
    { "target_cohort", F_OPT_ENUM, ENUM_OF(cohort_names, COHORT_COUNT) },
    { "start_time", F_LONG, NULL, 0 },
    { "end_time", F_LONG, NULL, 0 },
};
static const field_spec order_fields[] = {
    { "order_id", F_LONG, NULL, 0 },
    { "customer_id", F_LONG, NULL, 0 },
    { "event_time", F_LONG, NULL, 0 },
    { "channel", F_ENUM, ENUM_OF(channel_names, CHANNEL_COUNT) },
    { "payment_method", F_ENUM, ENUM_OF(payment_method_names, PAYMENT_COUNT) },
    { "status", F_ENUM, ENUM_OF(order_status_names, STATUS_COUNT) },
    { "item_count", F_INT, NULL, 0 },
    { "subtotal_cents", F_LONG, NULL, 0 },
    { "discount_cents", F_LONG, NULL, 0 },
    { "total_cents", F_LONG, NULL, 0 },
    { "currency", F_STRING, NULL, 0 },
    { "campaign_id", F_OPT_LONG, NULL, 0 },
    { "scenario", F_STRING, NULL, 0 },
};
static const field_spec order_item_fields[] = {
    { "order_id", F_LONG, NULL, 0 },
    { "line_number", F_INT, NULL, 0 },
    { "product_id", F_LONG, NULL, 0 },
    { "quantity", F_INT, NULL, 0 },
    { "unit_price_cents", F_LONG, NULL, 0 },
    { "discount_cents", F_LONG, NULL, 0 },
    { "line_total_cents", F_LONG, NULL, 0 },
    { "event_time", F_LONG, NULL, 0 },
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct { const field_spec *fields; size_t n; } topic_fields[TOPIC_COUNT] = {
    [TOPIC_CUSTOMERS] = { customer_fields, COUNT_OF(customer_fields) },
    [TOPIC_PRODUCTS] = { product_fields, COUNT_OF(product_fields) },
    [TOPIC_CAMPAIGNS] = { campaign_fields, COUNT_OF(campaign_fields) },
    [TOPIC_ORDERS] = { order_fields, COUNT_OF(order_fields) },
    [TOPIC_ORDER_ITEMS] = { order_item_fields, COUNT_OF(order_item_fields) },
};

typedef struct codec {
    avro_schema_t schema;
    avro_value_iface_t *iface;
    avro_value_t value;
    int has_value;
    avro_value_t field[FIELDS_MAX];
    int null_branch[FIELDS_MAX];       /* unions: the null branch */
    int some_branch[FIELDS_MAX];       /* unions: the other one */
    int symbol[FIELDS_MAX][SYMBOLS_MAX]; /* engine code -> schema symbol index */
    int exact;                         /* fields are exactly the spec's, in order */
    char *text;                        /* the .avsc as read, for a schema registry */
} codec;

struct encoder {
    value_format format;
    int32_t schema_id[TOPIC_COUNT]; /* avro-confluent: the registry's ids */
    codec codecs[TOPIC_COUNT];
    avro_writer_t writer;
    char *currency;
    char *scenario;
    size_t currency_len, scenario_len;
    int direct[TOPIC_COUNT]; /* the schema is exactly our field list: write bytes directly */
    int force_generic;       /* tests: always go through avro-c */
};

#define FAIL(...) do { snprintf(errstr, errlen, __VA_ARGS__); return -1; } while (0)

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
            *len = fread(buf, 1, (size_t)n, f);
            buf[*len] = '\0';
        }
    }
    fclose(f);
    return buf;
}

static const char *kind_name(field_kind k) {
    switch (k) {
    case F_LONG: return "long";
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
        for (int b = 0; b < 2; b++) {
            avro_schema_t bs = avro_schema_union_branch(fs, b);
            if (is_avro_null(bs)) c->null_branch[i] = b; else { c->some_branch[i] = b; target = bs; }
        }
        if (c->null_branch[i] == c->some_branch[i])
            FAIL("%s: field '%s': expected a %s", path, f->name, kind_name(f->kind));
    }
    int ok = 0;
    switch (f->kind) {
    case F_LONG: case F_OPT_LONG: ok = is_avro_int64(target); break;
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
    char *json = read_file(path, &len);
    if (!json) FAIL("%s: cannot read schema: %s", path, strerror(errno));
    int rc = avro_schema_from_json_length(json, len, &c->schema);
    c->text = json;
    if (rc != 0) FAIL("%s: invalid Avro schema: %s", path, avro_strerror());
    if (!is_avro_record(c->schema)) FAIL("%s: expected a record schema, found %s", path, avro_schema_type_name(c->schema));

    const field_spec *fields = topic_fields[t].fields;
    for (size_t i = 0; i < topic_fields[t].n; i++) {
        /* field_get_index first: avro_schema_record_field_get() reads an
         * uninitialised pointer when the field is absent. */
        int idx = avro_schema_record_field_get_index(c->schema, fields[i].name);
        avro_schema_t fs = idx < 0 ? NULL : avro_schema_record_field_get_by_index(c->schema, idx);
        if (!fs) FAIL("%s: field '%s' is missing (it is part of the wire contract)", path, fields[i].name);
        if (bind_field(c, i, &fields[i], fs, path, errstr, errlen) != 0) return -1;
    }
    /* Exactly our fields, in our order, and nothing else: the hot topics may
     * then be written directly (encoder_order, encoder_order_item). */
    c->exact = avro_schema_record_size(c->schema) == topic_fields[t].n;
    for (size_t i = 0; c->exact && i < topic_fields[t].n; i++)
        c->exact = avro_schema_record_field_get_index(c->schema, fields[i].name) == (int)i;
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
        enc->direct[t] = enc->codecs[t].exact;
    }
    enc->currency_len = strlen(enc->currency);
    enc->scenario_len = strlen(enc->scenario);
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

static void set_enum(codec *c, int i, int code) { avro_value_set_enum(&c->field[i], c->symbol[i][code]); }

static void set_opt_long(codec *c, int i, int64_t v, int present) {
    avro_value_t branch;
    avro_value_set_branch(&c->field[i], present ? c->some_branch[i] : c->null_branch[i], &branch);
    if (present) avro_value_set_long(&branch, v); else avro_value_set_null(&branch);
}

static void set_opt_enum(codec *c, int i, int code) {
    avro_value_t branch;
    avro_value_set_branch(&c->field[i], code >= 0 ? c->some_branch[i] : c->null_branch[i], &branch);
    if (code >= 0) avro_value_set_enum(&branch, c->symbol[i][code]); else avro_value_set_null(&branch);
}

static int emit(encoder *enc, codec *c, char *buf, size_t cap) {
    avro_writer_memory_set_dest(enc->writer, buf, (int64_t)cap);
    if (avro_value_write(enc->writer, &c->value) != 0) return -1;
    return (int)avro_writer_tell(enc->writer);
}

static int avro_customer(encoder *enc, const customer *cu, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_CUSTOMERS];
    avro_value_set_long(&c->field[0], cu->id);
    set_enum(c, 1, cu->cohort);
    set_enum(c, 2, cu->preferred_channel);
    set_enum(c, 3, cu->region);
    avro_value_set_long(&c->field[4], cu->signup_ms);
    set_enum(c, 5, cu->loyalty_tier);
    return emit(enc, c, buf, cap);
}

static int avro_product(encoder *enc, const product *p, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_PRODUCTS];
    avro_value_set_long(&c->field[0], p->id);
    set_enum(c, 1, p->category);
    avro_value_set_string(&c->field[2], p->name);
    avro_value_set_long(&c->field[3], p->price_cents);
    avro_value_set_double(&c->field[4], p->popularity);
    avro_value_set_boolean(&c->field[5], p->in_stock);
    return emit(enc, c, buf, cap);
}

static int avro_campaign(encoder *enc, const campaign *k, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_CAMPAIGNS];
    avro_value_set_long(&c->field[0], k->id);
    avro_value_set_string(&c->field[1], k->name);
    avro_value_set_int(&c->field[2], k->discount_pct);
    set_opt_enum(c, 3, k->target_category);
    set_opt_enum(c, 4, k->target_cohort);
    avro_value_set_long(&c->field[5], k->start_ms);
    avro_value_set_long(&c->field[6], k->end_ms);
    return emit(enc, c, buf, cap);
}

/* ---- direct Avro binary for the two hot topics ------------------------
 *
 * The Avro binary encoding (zig-zag varints for int and long, a varint
 * length before string bytes, the index for an enum or a union branch),
 * written straight from the batch's columns when the schema holds exactly
 * our fields in our order. test_encoder proves the bytes equal avro-c's. */

#define DIRECT_MAX 512 /* more than an order or an item can take */

static inline char *put_long(char *p, int64_t v) {
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (z >= 0x80) { *p++ = (char)(z | 0x80); z >>= 7; }
    *p++ = (char)z;
    return p;
}

static inline char *put_bytes(char *p, const char *s, size_t n) {
    p = put_long(p, (int64_t)n);
    memcpy(p, s, n);
    return p + n;
}

static int direct_order(encoder *enc, const codec *c, const order_batch *b, size_t k, char *buf) {
    char *p = buf;
    p = put_long(p, b->order_id[k]);
    p = put_long(p, b->customer_id[k]);
    p = put_long(p, b->event_time_ms[k]);
    p = put_long(p, c->symbol[3][b->channel[k]]);
    p = put_long(p, c->symbol[4][b->payment_method[k]]);
    p = put_long(p, c->symbol[5][b->status[k]]);
    p = put_long(p, b->item_count[k]);
    p = put_long(p, b->subtotal_cents[k]);
    p = put_long(p, b->discount_cents[k]);
    p = put_long(p, b->total_cents[k]);
    p = put_bytes(p, enc->currency, enc->currency_len);
    if (b->campaign_id[k]) { p = put_long(p, c->some_branch[11]); p = put_long(p, b->campaign_id[k]); }
    else p = put_long(p, c->null_branch[11]);
    p = put_bytes(p, enc->scenario, enc->scenario_len);
    return (int)(p - buf);
}

static int direct_order_item(const order_batch *b, size_t k, size_t line, char *buf) {
    size_t j = b->first_item[k] + line;
    char *p = buf;
    p = put_long(p, b->order_id[k]);
    p = put_long(p, (int64_t)line + 1);
    p = put_long(p, b->item_product_id[j]);
    p = put_long(p, b->item_quantity[j]);
    p = put_long(p, b->item_unit_price_cents[j]);
    p = put_long(p, b->item_discount_cents[j]);
    p = put_long(p, b->item_line_total_cents[j]);
    p = put_long(p, b->event_time_ms[k]);
    return (int)(p - buf);
}

void encoder_force_generic(encoder *enc, int on) { enc->force_generic = on; }

static int avro_order(encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_ORDERS];
    if (enc->direct[TOPIC_ORDERS] && !enc->force_generic && cap >= DIRECT_MAX + enc->currency_len + enc->scenario_len)
        return direct_order(enc, c, b, k, buf);
    avro_value_set_long(&c->field[0], b->order_id[k]);
    avro_value_set_long(&c->field[1], b->customer_id[k]);
    avro_value_set_long(&c->field[2], b->event_time_ms[k]);
    set_enum(c, 3, b->channel[k]);
    set_enum(c, 4, b->payment_method[k]);
    set_enum(c, 5, b->status[k]);
    avro_value_set_int(&c->field[6], b->item_count[k]);
    avro_value_set_long(&c->field[7], b->subtotal_cents[k]);
    avro_value_set_long(&c->field[8], b->discount_cents[k]);
    avro_value_set_long(&c->field[9], b->total_cents[k]);
    avro_value_set_string(&c->field[10], enc->currency);
    set_opt_long(c, 11, b->campaign_id[k], b->campaign_id[k] != 0);
    avro_value_set_string(&c->field[12], enc->scenario);
    return emit(enc, c, buf, cap);
}

static int avro_order_item(encoder *enc, const order_batch *b, size_t k, size_t line,
                       char *buf, size_t cap) {
    codec *c = &enc->codecs[TOPIC_ORDER_ITEMS];
    if (enc->direct[TOPIC_ORDER_ITEMS] && !enc->force_generic && cap >= DIRECT_MAX)
        return direct_order_item(b, k, line, buf);
    size_t j = b->first_item[k] + line;
    avro_value_set_long(&c->field[0], b->order_id[k]);
    avro_value_set_int(&c->field[1], (int32_t)line + 1);
    avro_value_set_long(&c->field[2], b->item_product_id[j]);
    avro_value_set_int(&c->field[3], b->item_quantity[j]);
    avro_value_set_long(&c->field[4], b->item_unit_price_cents[j]);
    avro_value_set_long(&c->field[5], b->item_discount_cents[j]);
    avro_value_set_long(&c->field[6], b->item_line_total_cents[j]);
    avro_value_set_long(&c->field[7], b->event_time_ms[k]);
    return emit(enc, c, buf, cap);
}

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
    return framed(avro_customer(enc, c, buf + f, cap - f), f);
}

int encoder_product(encoder *enc, const product *p, char *buf, size_t cap) {
    if (enc->format == FORMAT_JSON) return jsonenc_product(p, buf, cap);
    size_t f = put_frame(enc, TOPIC_PRODUCTS, buf);
    return framed(avro_product(enc, p, buf + f, cap - f), f);
}

int encoder_campaign(encoder *enc, const campaign *k, char *buf, size_t cap) {
    if (enc->format == FORMAT_JSON) return jsonenc_campaign(k, buf, cap);
    size_t f = put_frame(enc, TOPIC_CAMPAIGNS, buf);
    return framed(avro_campaign(enc, k, buf + f, cap - f), f);
}

int encoder_order(encoder *enc, const order_batch *b, size_t k, char *buf, size_t cap) {
    if (enc->format == FORMAT_JSON) return jsonenc_order(b, k, enc->currency, enc->scenario, buf, cap);
    size_t f = put_frame(enc, TOPIC_ORDERS, buf);
    return framed(avro_order(enc, b, k, buf + f, cap - f), f);
}

int encoder_order_item(encoder *enc, const order_batch *b, size_t k, size_t line, char *buf, size_t cap) {
    if (enc->format == FORMAT_JSON) return jsonenc_order_item(b, k, line, buf, cap);
    size_t f = put_frame(enc, TOPIC_ORDER_ITEMS, buf);
    return framed(avro_order_item(enc, b, k, line, buf + f, cap - f), f);
}
