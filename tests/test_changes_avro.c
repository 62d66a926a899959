/* SPDX-License-Identifier: Apache-2.0 */
/* test_changes_avro.c - --changelog-format avro as a registry-aware consumer
 * meets it, without a broker: every key and value is Confluent's frame
 * with the id the registry gave, then Avro that avro-c (an independent
 * reader) decodes against the very schema text change_schema_text() hands
 * the registry, to what the json form writes for the same change: an order
 * inserted, updated (before the previous after) and deleted with its
 * items, customers and products in the snapshot, a customer's move and
 * closed account, a product version. The schemas are named as
 * Debezium's AvroConverter names them (Key; Envelope with before and after
 * of Value), in the topic's namespace with '-' made '_'. */
#include <criterion/criterion.h>
#include <avro.h>
#include <stdio.h>
#include <string.h>

#include "encode/changes.h"
#include "engine.h"
#include "options/scenario_file.h"
#include "support.h"

#define KEY_ID 0x01020304
#define VALUE_ID 77

static change_writer *writer(changelog_format f, int64_t start_ms) {
    change_writer *w = support_change_writer("shop-db", f, start_ms);
    for (int t = TOPIC_EVENT_COUNT; t < TOPIC_COUNT; t++) change_set_schema_ids(w, (topic_id)t, KEY_ID, VALUE_ID);
    return w;
}

/* An avro-c value as the JSON a JsonConverter writes: a union as its branch. */
static json_t *as_json(avro_value_t *v) {
    switch (avro_value_get_type(v)) {
    case AVRO_RECORD: {
        size_t n;
        json_t *o = json_object();
        avro_value_get_size(v, &n);
        for (size_t i = 0; i < n; i++) {
            avro_value_t f;
            const char *name;
            avro_value_get_by_index(v, i, &f, &name);
            json_object_set_new(o, name, as_json(&f));
        }
        return o;
    }
    case AVRO_UNION: {
        avro_value_t branch;
        avro_value_get_current_branch(v, &branch);
        return as_json(&branch);
    }
    case AVRO_NULL: return json_null();
    case AVRO_BOOLEAN: {
        int b;
        avro_value_get_boolean(v, &b);
        return json_boolean(b);
    }
    case AVRO_INT32: {
        int32_t i;
        avro_value_get_int(v, &i);
        return json_integer(i);
    }
    case AVRO_INT64: {
        int64_t l;
        avro_value_get_long(v, &l);
        return json_integer(l);
    }
    case AVRO_STRING: {
        const char *s;
        size_t len;
        avro_value_get_string(v, &s, &len);
        return json_stringn(s, len - 1); /* len counts the NUL */
    }
    default: cr_assert_fail("unexpected Avro type %d", (int)avro_value_get_type(v)); return NULL;
    }
}

/* Checks the frame (magic 0, id) and decodes the rest with schema, every byte. */
static json_t *decode(const char *schema, const char *buf, size_t len, int32_t id) {
    cr_assert_gt(len, 5u);
    cr_assert(buf[0] == 0 && ((uint32_t)(unsigned char)buf[1] << 24 | (uint32_t)(unsigned char)buf[2] << 16 |
                              (uint32_t)(unsigned char)buf[3] << 8 | (unsigned char)buf[4]) == (uint32_t)id,
              "the frame is not magic 0 and id %d", id);
    avro_schema_t s;
    cr_assert_eq(avro_schema_from_json_length(schema, strlen(schema), &s), 0, "%s: %s", avro_strerror(), schema);
    avro_value_iface_t *iface = avro_generic_class_from_schema(s);
    avro_value_t v;
    cr_assert_eq(avro_generic_value_new(iface, &v), 0);
    avro_reader_t r = avro_reader_memory(buf + 5, (int64_t)len - 5);
    cr_assert_eq(avro_value_read(r, &v), 0, "%s", avro_strerror());
    char extra;
    cr_assert_neq(avro_read(r, &extra, 1), 0, "bytes left after the value");
    json_t *j = as_json(&v);
    avro_reader_free(r);
    avro_value_decref(&v);
    avro_value_iface_decref(iface);
    avro_schema_decref(s);
    return j;
}

static json_t *parse(const char *buf, int len) {
    cr_assert_gt(len, 0);
    json_error_t e;
    json_t *j = json_loadb(buf, (size_t)len, 0, &e);
    cr_assert_not_null(j, "%s: %.*s", e.text, len, buf);
    return j;
}

/* One change written by both writers: the Avro decodes to the JSON. */
typedef int (*write_fn)(const change_writer *w, const void *ctx, char *buf, size_t cap);

static void same_change(const change_writer *avro, const change_writer *json, topic_id t, int64_t key_id,
                        write_fn write, const void *ctx, const char *want_op) {
    char a[8192], j[8192], ka[CHANGE_KEY_MAX], kj[CHANGE_KEY_MAX];
    int n = write(avro, ctx, a, sizeof a), m = write(json, ctx, j, sizeof j);
    cr_assert_gt(n, 0);
    cr_assert_leq((size_t)n, change_bound(avro, t));
    cr_assert_eq(write(avro, ctx, a, change_bound(avro, t) - 1), -1, "a buffer below the bound is refused");
    json_t *got = decode(change_schema_text(avro, t, 0), a, (size_t)n, VALUE_ID), *want = parse(j, m);
    char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS), *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
    cr_assert(json_equal(got, want), "%s: Avro decodes to\n%s\nthe json form is\n%s", topic_suffixes[t], g, w);
    cr_assert_str_eq(json_string_value(json_object_get(got, "op")), want_op);
    free(g);
    free(w);
    json_decref(got);
    json_decref(want);
    size_t kn = change_key(avro, t, key_id, ka), km = change_key(json, t, key_id, kj);
    got = decode(change_schema_text(avro, t, 1), ka, kn, KEY_ID);
    want = parse(kj, (int)km);
    cr_assert(json_equal(got, want), "%s: the key", topic_suffixes[t]);
    json_decref(got);
    json_decref(want);
}

typedef struct order_change {
    const order_batch *b;
    size_t k;
    change_event e;
    const order_row *before, *after;
    size_t line;
    int deleted;
} order_change;

static int write_order(const change_writer *w, const void *ctx, char *buf, size_t cap) {
    const order_change *c = ctx;
    order_text t; /* each writer's own */
    change_order_text(w, c->b, c->k, &t);
    return change_order(w, &c->e, &t, c->before, c->after, buf, cap);
}
static int write_item(const change_writer *w, const void *ctx, char *buf, size_t cap) {
    const order_change *c = ctx;
    return change_order_item(w, &c->e, c->b, c->k, c->line, c->deleted, buf, cap);
}

Test(changes_avro, an_order_update_and_delete_decode_with_avro_c_to_the_json_forms_values) {
    engine_settings s;
    engine_settings_default(&s);
    s.intensity = 5;
    char dir[512], err[1024];
    support_source_path("", dir, sizeof dir);
    cr_assert_eq(scenario_file_resolve("black_friday", dir, s.products, &s.scenario, err, sizeof err), 0, "%s", err);
    engine *e = NULL;
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 500), 0);
    engine_fill(e, engine_get_plan(e)->total_orders / 2, 1, 500, &b); /* midday: campaigns run */
    change_writer *avro = writer(CHANGELOG_AVRO, s.start_ms), *json = writer(CHANGELOG_JSON, s.start_ms);
    size_t campaigns = 0;
    for (size_t k = 0; k < b.n_orders; k++) {
        int64_t ts = b.event_time_ms[k], id = b.order_id[k];
        order_row placed = order_row_inserted(ts), paid = placed;
        paid.status = ROW_PAID, paid.updated_ms = ts + 90000;
        campaigns += b.campaign_id[k] != 0;
        order_change c = {
            &b, k, { 'c', "false", ts, change_lsn(avro, ts, id, CHANGE_SUB_ORDER) }, NULL, &placed, 0, 0
        };
        same_change(avro, json, TOPIC_CHANGE_ORDERS, id, write_order, &c, "c");
        c.e = (change_event){ 'u', "false", ts + 90000, change_lsn(avro, ts + 90000, id, CHANGE_SUB_LIFE(1, 8)) };
        c.before = &placed, c.after = &paid;
        same_change(avro, json, TOPIC_CHANGE_ORDERS, id, write_order, &c, "u");
        c.e = (change_event){ 'd', "false", ts + 3600000, change_lsn(avro, ts + 3600000, id, CHANGE_SUB_LIFE(2, 8)) };
        c.before = &paid, c.after = NULL;
        same_change(avro, json, TOPIC_CHANGE_ORDERS, id, write_order, &c, "d");
        for (size_t line = 0; line < b.item_count[k]; line++) {
            c.line = line, c.deleted = 0, c.e.op = 'c';
            same_change(avro, json, TOPIC_CHANGE_ORDER_ITEMS, ORDER_ITEM_ROW_ID(id, line), write_item, &c, "c");
            c.deleted = 1, c.e.op = 'd';
            same_change(avro, json, TOPIC_CHANGE_ORDER_ITEMS, ORDER_ITEM_ROW_ID(id, line), write_item, &c, "d");
        }
    }
    cr_assert_gt(campaigns, 0u, "no order with a campaign: campaign_id's union untested");
    cr_assert_lt(campaigns, b.n_orders);
    change_writer_free(avro);
    change_writer_free(json);
    order_batch_free(&b);
    engine_free(e);
}

typedef struct dim_change {
    const catalog *c;
    size_t i;
    change_event e;
} dim_change;

static int write_customer(const change_writer *w, const void *ctx, char *buf, size_t cap) {
    const dim_change *d = ctx;
    const customer *c = &d->c->customers[d->i];
    const customer_version *v = &d->c->customer_versions[c->first_version];
    if (d->e.op == 'r') return change_customer(w, &d->e, c, NULL, v, buf, cap);
    customer_version moved = *v; /* a move to another region and tier, or the account closed */
    moved.region = (uint8_t)((v->region + 1) % REGION_COUNT),
    moved.loyalty_tier = (uint8_t)((v->loyalty_tier + 1) % TIER_COUNT);
    return change_customer(w, &d->e, c, v, d->e.op == 'd' ? NULL : &moved, buf, cap);
}
static int write_product(const change_writer *w, const void *ctx, char *buf, size_t cap) {
    const dim_change *d = ctx;
    const product *p = &d->c->products[d->i];
    const product_version *v = &d->c->versions[p->first_version];
    return d->e.op == 'r' ? change_product(w, &d->e, p, NULL, v, buf, cap)
                          : change_product(w, &d->e, p, v, p->n_versions > 1 ? v + 1 : v, buf, cap);
}

Test(changes_avro, a_snapshot_and_customer_and_product_versions_decode_to_the_json_forms_values) {
    engine_settings s;
    engine_settings_default(&s);
    char err[1024];
    engine *e = NULL;
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    const catalog *c = engine_get_catalog(e);
    change_writer *avro = writer(CHANGELOG_AVRO, s.start_ms), *json = writer(CHANGELOG_JSON, s.start_ms);
    for (size_t i = 0; i < 50; i++) {
        dim_change d = { c, i, { 'r', i == 49 ? "last" : "true", s.start_ms, 200 } };
        same_change(avro, json, TOPIC_CHANGE_CUSTOMERS, c->customers[i].id, write_customer, &d, "r");
        same_change(avro, json, TOPIC_CHANGE_PRODUCTS, c->products[i].id, write_product, &d, "r");
        d.e = (change_event){ 'u', "false", s.start_ms + 5000, UINT64_C(5) << 28 };
        same_change(avro, json, TOPIC_CHANGE_PRODUCTS, c->products[i].id, write_product, &d, "u");
        same_change(avro, json, TOPIC_CHANGE_CUSTOMERS, c->customers[i].id, write_customer, &d, "u");
        d.e.op = 'd';
        same_change(avro, json, TOPIC_CHANGE_CUSTOMERS, c->customers[i].id, write_customer, &d, "d");
    }
    change_writer_free(avro);
    change_writer_free(json);
    engine_free(e);
}

Test(changes_avro, the_schemas_are_named_as_debeziums_avro_converter_names_them) {
    change_writer *avro = writer(CHANGELOG_AVRO, 0), *json = writer(CHANGELOG_JSON, 0);
    cr_assert_null(change_schema_text(json, TOPIC_CHANGE_ORDERS, 0), "json registers nothing");
    cr_assert_eq(change_frame_length(CHANGELOG_AVRO), 5u);
    cr_assert_eq(change_frame_length(CHANGELOG_JSON_SCHEMA), 0u);
    json_error_t e;
    json_t *key = json_loads(change_schema_text(avro, TOPIC_CHANGE_ORDERS, 1), 0, &e);
    json_t *value = json_loads(change_schema_text(avro, TOPIC_CHANGE_ORDERS, 0), 0, &e);
    cr_assert(key && value, "%s", e.text);
    cr_assert_str_eq(json_string_value(json_object_get(key, "name")), "Key");
    cr_assert_str_eq(json_string_value(json_object_get(key, "namespace")), "shop_db.public.orders");
    cr_assert_str_eq(json_string_value(json_object_get(value, "name")), "Envelope");
    cr_assert_str_eq(json_string_value(json_object_get(value, "namespace")), "shop_db.public.orders");
    cr_assert_str_eq(json_string_value(json_object_get(value, "connect.name")), "shop_db.public.orders.Envelope");
    const char *fields[] = { "before", "after", "source", "op", "ts_ms", "transaction" };
    json_t *f = json_object_get(value, "fields");
    cr_assert_eq(json_array_size(f), 6u);
    for (size_t i = 0; i < 6; i++)
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(f, i), "name")), fields[i]);
    json_t *before = json_object_get(json_array_get(f, 0), "type");
    cr_assert_str_eq(json_string_value(json_array_get(before, 0)), "null");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(before, 1), "name")), "Value");
    json_t *cols = json_object_get(json_array_get(before, 1), "fields");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(cols, 12), "name")), "created_at");
    json_t *ts = json_object_get(json_array_get(cols, 12), "type");
    cr_assert_str_eq(json_string_value(json_object_get(ts, "logicalType")), "timestamp-millis");
    cr_assert_str_eq(json_string_value(json_object_get(ts, "connect.name")), "org.apache.kafka.connect.data.Timestamp");
    json_t *after = json_object_get(json_array_get(f, 1), "type");
    cr_assert_str_eq(json_string_value(json_array_get(after, 1)), "Value");
    json_t *source = json_object_get(json_array_get(f, 2), "type");
    cr_assert_str_eq(json_string_value(json_object_get(source, "namespace")), "io.debezium.connector.postgresql");
    cr_assert_str_eq(json_string_value(json_object_get(source, "name")), "Source");
    json_decref(key);
    json_decref(value);
    change_writer_free(avro);
    change_writer_free(json);
}
