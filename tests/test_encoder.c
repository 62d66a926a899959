/* SPDX-License-Identifier: Apache-2.0 */
/* test_encoder.c - the direct Avro writer for orders and items produces the
 * very bytes avro-c (the reference) produces, for every order and item of
 * several scenarios and seeds; and a schema that is not exactly the
 * contract's falls back to avro-c. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "encode/encoder.h"
#include "engine.h"
#include "options/scenario_file.h"
#include "support.h"

static encoder *make_encoder(const char *dir, const char *scenario) {
    encoder *enc = NULL;
    char err[1024];
    cr_assert_eq(encoder_new(dir, "USD", scenario, FORMAT_AVRO, &enc, err, sizeof err), 0, "%s", err);
    return enc;
}

static void compare_all(const char *scenario_name, uint64_t seed, const char *schema_dir) {
    engine_settings s;
    engine_settings_default(&s);
    s.seed = seed;
    s.intensity = 10;
    char dir[512], err[1024];
    support_source_path("", dir, sizeof dir);
    cr_assert_eq(scenario_file_resolve(scenario_name, dir, s.products, &s.scenario, err, sizeof err), 0, "%s", err);
    engine *e = NULL;
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    encoder *direct = make_encoder(schema_dir, s.scenario.name), *generic = make_encoder(schema_dir, s.scenario.name);
    encoder_force_generic(generic, 1);
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 2048), 0);
    uint64_t total = engine_get_plan(e)->total_orders, values = 0;
    char x[4096], y[4096];
    for (uint64_t g = 0; g < total; g += 2048) {
        size_t n = total - g < 2048 ? (size_t)(total - g) : 2048;
        engine_fill(e, g, 1, n, &b);
        for (size_t k = 0; k < n; k++) {
            int a = encoder_order(direct, &b, k, x, sizeof x), c = encoder_order(generic, &b, k, y, sizeof y);
            cr_assert(a > 0 && a == c && memcmp(x, y, (size_t)a) == 0, "order %lld differs (%d vs %d bytes)",
                      (long long)b.order_id[k], a, c);
            for (size_t line = 0; line < b.item_count[k]; line++) {
                a = encoder_order_item(direct, &b, k, line, x, sizeof x);
                c = encoder_order_item(generic, &b, k, line, y, sizeof y);
                cr_assert(a > 0 && a == c && memcmp(x, y, (size_t)a) == 0, "item %lld/%zu differs",
                          (long long)b.order_id[k], line + 1);
                values++;
            }
            values++;
        }
    }
    cr_assert_gt(values, 10000u);
    order_batch_free(&b);
    encoder_free(generic);
    encoder_free(direct);
    engine_free(e);
}

Test(encoder, direct_writer_matches_avro_c_for_every_order_and_item) {
    char schemas[512];
    support_source_path("schemas", schemas, sizeof schemas);
    compare_all("baseline", 42, schemas);
    compare_all("black_friday", 7, schemas); /* campaigns: the union's long branch */
    compare_all("payment_outage", 1234567, schemas);
    compare_all("viral_moment,payment_outage", UINT64_C(0xfedcba9876543210), schemas);
}

Test(encoder, reordered_enum_symbols_are_still_mapped_by_name) {
    char dir[512], src[512], cmd[4096];
    support_tmp_path("schemas", dir, sizeof dir);
    support_source_path("schemas", src, sizeof src);
    snprintf(
        cmd, sizeof cmd,
        "mkdir -p '%s' && cp '%s'/*.avsc '%s'/ && "
        "sed -i 's/\"web\", \"mobile_web\", \"mobile_app\"/\"mobile_app\", \"web\", \"mobile_web\"/' '%s/orders.avsc'",
        dir, src, dir, dir);
    cr_assert_eq(system(cmd), 0);
    compare_all("baseline", 42, dir);
}

Test(encoder, schema_with_an_extra_field_falls_back_to_avro_c) {
    char dir[512], src[512], cmd[4096];
    support_tmp_path("schemas", dir, sizeof dir);
    support_source_path("schemas", src, sizeof src);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s' && cp '%s'/*.avsc '%s'/ && "
             "sed -i 's/{\"name\": \"scenario\", \"type\": \"string\"}/{\"name\": \"scenario\", \"type\": \"string\"}, "
             "{\"name\": \"note\", \"type\": [\"null\", \"string\"], \"default\": null}/' '%s/orders.avsc'",
             dir, src, dir, dir);
    cr_assert_eq(system(cmd), 0);
    compare_all("baseline", 42, dir); /* both go through avro-c: equal by construction, and valid */
    encoder *enc = make_encoder(dir, "baseline");
    engine_settings s;
    engine_settings_default(&s);
    engine *e = NULL;
    char err[512], buf[4096], ref[4096];
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 4), 0);
    engine_fill(e, 0, 1, 4, &b);
    char schemas[512];
    support_source_path("schemas", schemas, sizeof schemas);
    encoder *plain = make_encoder(schemas, "baseline");
    int n = encoder_order(enc, &b, 0, buf, sizeof buf), m = encoder_order(plain, &b, 0, ref, sizeof ref);
    cr_assert_eq(n, m + 1, "the extra null union should add one byte (%d vs %d)", n, m);
    cr_assert_eq(memcmp(buf, ref, (size_t)m), 0);
    order_batch_free(&b);
    encoder_free(plain);
    engine_free(e);
    encoder_free(enc);
}

/* A copy of the shipped schemas in a fresh directory, one file edited by a
 * Python expression over its lines (a list named lines). */
static void edited_schema(const char *tag, const char *file, const char *python, char *dir, size_t cap) {
    char src[512], cmd[4096];
    support_tmp_path(tag, dir, cap);
    support_source_path("schemas", src, sizeof src);
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' && mkdir -p '%s' && cp '%s'/*.avsc '%s'/ && python3 -c \""
             "p='%s/%s'; lines=open(p).read().split('\\n'); %s; open(p,'w').write('\\n'.join(lines))\"",
             dir, dir, src, dir, dir, file, python);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void edited_schemas(const char *tag, const char *python, char *dir, size_t cap) {
    edited_schema(tag, "orders.avsc", python, dir, cap);
}

/* The schema directory with one edit is refused, the error being want
 * after the file's path. */
static void expect_schema_refused(const char *file, const char *python, const char *want) {
    char dir[512], err[1024], full[1400];
    edited_schema("bad-schema", file, python, dir, sizeof dir);
    encoder *enc = NULL;
    int r = encoder_new(dir, "USD", "baseline", FORMAT_AVRO, &enc, err, sizeof err);
    encoder_free(enc);
    cr_assert_neq(r, 0, "%s edited by %s was taken", file, python);
    snprintf(full, sizeof full, "%s/%s: %s", dir, file, want);
    cr_assert_str_eq(err, full);
}

Test(encoder, schemas_that_no_reader_decodes_to_the_contract_are_refused) {
    /* a union without null: "null" would be written as branch 0, an int */
    expect_schema_refused("orders.avsc",
                          "lines[17] = lines[17].replace('[\\\"null\\\", \\\"long\\\"], \\\"default\\\": null', "
                          "'[\\\"int\\\", \\\"long\\\"], \\\"default\\\": 0')",
                          "field 'campaign_id': expected a union of null and long, found a union without null "
                          "(readers could not tell null from a value)");
    /* ["string", Category] for a nullable enum */
    expect_schema_refused("campaigns.avsc",
                          "lines[9] = lines[9].replace('[\\\"null\\\", ', '[\\\"string\\\", "
                          "').replace('\\\"default\\\": null', '\\\"default\\\": \\\"\\\"')",
                          "field 'target_category': expected a union of null and an enum, found a union without "
                          "null (readers could not tell null from a value)");
    /* microseconds: readers would see 1970 */
    expect_schema_refused("order_items.avsc",
                          "lines[:] = [l.replace('timestamp-millis', 'timestamp-micros') for l in lines]",
                          "field 'event_time': expected a long with logicalType timestamp-millis (event times are "
                          "epoch milliseconds), got timestamp-micros");
    /* a duplicate field name */
    expect_schema_refused("orders.avsc", "lines.insert(18, lines[18] + ',')",
                          "field 'scenario': a second field of that name (fields 13 and 14)");
    /* a default of the wrong type */
    expect_schema_refused("orders.avsc",
                          "lines[17] = lines[17].replace('\\\"default\\\": null', '\\\"default\\\": \\\"none\\\"')",
                          "field 'campaign_id': its default does not fit its type (for a union: the first branch's)");
    /* an invalid namespace */
    expect_schema_refused("orders.avsc", "lines[3] = lines[3].replace('shopstream', 'shop-stream')",
                          "record 'Order': expected a namespace of dot-separated names, got 'shop-stream'");
}

Test(encoder, schema_with_two_same_typed_fields_swapped_is_refused_naming_the_field) {
    char dir[512], err[1024], want[1400];
    /* subtotal_cents and discount_cents: both long, neighbours in the contract */
    edited_schemas("swapped",
                   "i=[n for n,l in enumerate(lines) if 'subtotal_cents' in l][0]; "
                   "lines[i], lines[i+1] = lines[i+1].rstrip(',') + ',', lines[i].rstrip(',') + ','",
                   dir, sizeof dir);
    encoder *enc = NULL;
    cr_assert_neq(encoder_new(dir, "USD", "baseline", FORMAT_AVRO, &enc, err, sizeof err), 0,
                  "a schema with subtotal_cents and discount_cents swapped was taken");
    cr_assert_null(enc);
    snprintf(want, sizeof want,
             "%s/orders.avsc: field 'subtotal_cents' is field 9 of the record, the wire contract "
             "has it at 8: the contract's fields come first, in its order (extra optional fields may follow them)",
             dir);
    cr_assert_str_eq(err, want);
}

Test(encoder, a_schema_path_that_is_a_directory_is_refused_in_one_line) {
    char dir[512], err[1024], want[1400], cmd[1200];
    support_tmp_path("dir-schemas", dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/customers.avsc'", dir);
    cr_assert_eq(system(cmd), 0);
    encoder *enc = NULL;
    cr_assert_neq(encoder_new(dir, "USD", "baseline", FORMAT_AVRO, &enc, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/customers.avsc: cannot read the schema file: Is a directory", dir);
    cr_assert_str_eq(err, want);
}
