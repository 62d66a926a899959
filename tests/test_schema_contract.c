/* SPDX-License-Identifier: Apache-2.0 */
/* test_schema_contract.c - the three schema files of each topic (.avsc,
 * .proto, .schema.json) describe the same fields: names in order, kinds,
 * nullability, enum symbols; each holds the wire contract; a change made
 * to one file and not the others is found, naming both; and the program
 * refuses at start a .proto or .schema.json that breaks the contract,
 * naming the file, the field and what was expected (exit 2). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cfgread.h"
#include "base/topics.h"
#include "encode/encoder.h"
#include "encode/schema_desc.h"
#include "support.h"

/* Reads dir/<topic><ext> into d with the reader for ext; the path into path. */
static int describe(const char *dir, topic_id t, const char *ext, schema_desc *d, char *path, size_t cap, char *err,
                    size_t errlen) {
    const char *avsc = topic_schema_files[t];
    snprintf(path, cap, "%s/%.*s%s", dir, (int)(strlen(avsc) - 5), avsc, ext);
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(cfgread_file(path, "schema", 1 << 20, &text, &len, err, errlen), 0, "%s", err);
    int rc = strcmp(ext, ".avsc") == 0    ? schema_desc_avro(path, text, len, d, err, errlen)
             : strcmp(ext, ".proto") == 0 ? schema_desc_proto(path, text, d, err, errlen)
                                          : schema_desc_json(path, text, len, d, err, errlen);
    free(text);
    return rc;
}

/* 0 when the three files of topic t in dir agree with each other and with
 * the contract; else -1 with the first difference in err. */
static int topic_agrees(const char *dir, topic_id t, char *err, size_t errlen) {
    static schema_desc d[3];
    static const char *const ext[3] = { ".avsc", ".proto", ".schema.json" };
    char path[3][1024];
    for (int i = 0; i < 3; i++) {
        if (describe(dir, t, ext[i], &d[i], path[i], sizeof path[i], err, errlen) != 0) return -1;
        if (schema_desc_check(path[i], &d[i], t, err, errlen) != 0) return -1;
    }
    if (schema_desc_same(path[0], &d[0], path[1], &d[1], err, errlen) != 0) return -1;
    return schema_desc_same(path[0], &d[0], path[2], &d[2], err, errlen);
}

Test(schema_contract, the_three_schema_files_of_every_topic_describe_the_same_fields) {
    char dir[512], err[2048];
    support_source_path("schemas", dir, sizeof dir);
    for (int t = 0; t < TOPIC_EVENT_COUNT; t++)
        cr_assert_eq(topic_agrees(dir, (topic_id)t, err, sizeof err), 0, "%s", err);
}

/* A copy of schemas/ with one file edited by a sed expression. */
static void edited(const char *tag, const char *file, const char *sed, char *dir, size_t cap) {
    char src[512], cmd[4096];
    support_tmp_path(tag, dir, cap);
    support_source_path("schemas", src, sizeof src);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && cp '%s'/* '%s'/ && sed -i -E '%s' '%s/%s'", dir, dir,
             src, dir, sed, dir, file);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void expect_disagreement(const char *file, const char *sed, topic_id t, const char *want) {
    char dir[512], err[2048] = "";
    edited("contract", file, sed, dir, sizeof dir);
    cr_assert_neq(topic_agrees(dir, t, err, sizeof err), 0, "%s edited by %s: not found", file, sed);
    cr_assert(strstr(err, want) != NULL, "%s: expected '%s' in: %s", file, want, err);
}

Test(schema_contract, a_change_to_one_file_that_is_not_made_to_the_others_is_found) {
    expect_disagreement("orders.proto", "s/int64 total_cents = 10/int64 total_amount = 10/", TOPIC_ORDERS,
                        "total_cents");
    expect_disagreement("orders.schema.json", "s/(\"item_count\": .*)\"int32\"/\\1\"int64\"/", TOPIC_ORDERS,
                        "field 'item_count': expected a 32-bit integer (int, int32), got a 64-bit integer");
    expect_disagreement("campaigns.proto", "s/optional Cohort target_cohort/Cohort target_cohort/", TOPIC_CAMPAIGNS,
                        "nullable");
    expect_disagreement("shipments.proto", "s/CARRIER_DHL = 4/CARRIER_DHX = 4/", TOPIC_SHIPMENTS, "'dhl'");
    expect_disagreement("payments.avsc", "s/\"name\": \"final\"/\"name\": \"last\"/", TOPIC_PAYMENTS, "'final'");
}

/* The program refuses a broken file at start: exit 2, before publishing. */
static void expect_refused(const char *format, const char *file, const char *sed, const char *want) {
    char dir[512];
    edited("refused", file, sed, dir, sizeof dir);
    /* A registry that is never reached (for the formats that register): the files are read first. */
    const char *args[] = { "run",
                           "--sink",
                           "null",
                           "--duration",
                           "1h",
                           "--format",
                           format,
                           "--schema-dir",
                           dir,
                           strstr(format, "confluent") ? "--schema-registry" : NULL,
                           "http://127.0.0.1:9",
                           NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2, "%s: exit %d: %s", file, r.exit_code, r.stderr_text);
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    cr_assert(strstr(r.stderr_text, path) != NULL, "expected the file %s named: %s", path, r.stderr_text);
    cr_assert(strstr(r.stderr_text, want) != NULL, "expected '%s' in: %s", want, r.stderr_text);
}

Test(schema_contract, a_proto_or_json_schema_that_breaks_the_contract_is_refused_at_start) {
    expect_refused(
        "protobuf", "orders.proto", "/int64 total_cents = 10;/d",
        "field 'total_cents': expected a 64-bit integer (long, int64) (field 10 of the wire contract), got none");
    expect_refused("protobuf", "order_items.proto", "s/int32 quantity = 4/int32 qty = 4/", "field 'quantity'");
    expect_refused("protobuf", "payments.proto", "s/int64 amount_cents = 6/string amount_cents = 6/",
                   "field 'amount_cents': expected a 64-bit integer (long, int64), got a string");
    expect_refused("protobuf", "orders.proto", "s/optional int64 campaign_id/int64 campaign_id/",
                   "field 'campaign_id': expected nullable");
    expect_refused(
        "protobuf", "orders.proto", "s/int64 customer_id = 2/sint64 customer_id = 2/",
        "field 'customer_id': expected int64, int32, string, double, bool or an enum of the file, got sint64");
    expect_refused("protobuf", "orders.proto", "s/int64 customer_id = 2/int64 customer_id = 20/",
                   "field 'customer_id': expected field 2 (number 2), got number 20");
    expect_refused("json-schema-confluent", "customers.schema.json", "s/\"loyalty_tier\"/\"tier\"/g",
                   "field 'loyalty_tier'");
    expect_refused("json-schema-confluent", "campaigns.schema.json",
                   "s/\"target_cohort\": \\{\"oneOf\": \\[\\{\"type\": \"null\"\\}, /\"target_cohort\": {\"oneOf\": [/",
                   "field 'target_cohort'");
}

/* Every prefix of each shipped .proto and .schema.json (a file cut short)
 * is read without a crash and refused in one line naming the file, unless
 * it holds the whole message or object (its last brace). */
Test(schema_contract, files_cut_short_anywhere_are_refused_in_one_line_naming_the_file) {
    char dir[512], path[1024], err[2048];
    support_source_path("schemas", dir, sizeof dir);
    static schema_desc d;
    for (int t = 0; t < TOPIC_EVENT_COUNT; t++) {
        for (int json = 0; json < 2; json++) {
            const char *avsc = topic_schema_files[t];
            snprintf(path, sizeof path, "%s/%.*s%s", dir, (int)(strlen(avsc) - 5), avsc,
                     json ? ".schema.json" : ".proto");
            char *text = NULL;
            size_t len = 0;
            cr_assert_eq(cfgread_file(path, "schema", 1 << 20, &text, &len, err, sizeof err), 0, "%s", err);
            size_t last_brace = (size_t)(strrchr(text, '}') - text);
            for (size_t cut = 0; cut < len; cut++) {
                char saved = text[cut];
                text[cut] = '\0';
                err[0] = '\0';
                int rc = json ? schema_desc_json(path, text, cut, &d, err, sizeof err)
                              : schema_desc_proto(path, text, &d, err, sizeof err);
                if (rc == 0) rc = schema_desc_check(path, &d, (topic_id)t, err, sizeof err);
                if (rc != 0)
                    cr_assert(strncmp(err, path, strlen(path)) == 0 && !strchr(err, '\n'), "%s cut at %zu: %s", path,
                              cut, err);
                else
                    cr_assert_gt(cut, last_brace, "%s cut at %zu (before its last brace) was taken", path, cut);
                text[cut] = saved;
            }
            free(text);
        }
    }
}

/* A token an error line quotes is one line: a string continued past its
 * line with a backslash ends with its line, and a control byte is quoted
 * as '?' (fuzz_schema_desc found the newline in an error line). */
Test(schema_contract, a_proto_error_quoting_a_token_stays_one_line) {
    static schema_desc d;
    char err[1024];
    const char *text = "syntax = \"proto3\";\nmessage Order \"a\\\nb\" {\n}\n";
    cr_assert_eq(schema_desc_proto("orders.proto", text, &d, err, sizeof err), -1);
    cr_assert_str_eq(err, "orders.proto:2: expected '{', got '\"a\\'"); /* the string ends with its line */
    cr_assert_eq(schema_desc_proto("orders.proto", "syntax = \"proto3\";\n\x01", &d, err, sizeof err), -1);
    cr_assert_null(strchr(err, '\x01'), "%s", err);
}

/* jansson's message quotes the input near its error, a newline too: the
 * line made of it stays one line (fuzz_schema_desc found it, CI's run 4). */
Test(schema_contract, a_json_schema_error_quoting_the_input_stays_one_line) {
    static schema_desc d;
    char err[1024];
    const char *text = "{\n  \"type\": \"o\\\n\",\n  \"properties\": {}\n}\n";
    cr_assert_eq(schema_desc_json("orders.schema.json", text, strlen(text), &d, err, sizeof err), -1);
    cr_assert_str_eq(err, "orders.schema.json:3: invalid JSON: invalid escape near '\"o\\ '"); /* the newline a space */
}

/* A type's name and a field's name are the file's own strings, and a JSON
 * string may hold a newline (\n): an error naming them stays one line
 * (fuzz_schema_desc found "got i\nteger", CI's run 12). */
Test(schema_contract, a_json_schema_type_or_field_named_with_a_newline_is_refused_in_one_line) {
    static schema_desc d;
    char err[1024];
    const char *type = "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"i\\nteger\"}}}";
    cr_assert_eq(schema_desc_json("orders.schema.json", type, strlen(type), &d, err, sizeof err), -1);
    cr_assert_str_eq(err, "orders.schema.json: field 'id': expected integer, string, number or boolean, got i teger");
    const char *name = "{\"type\": \"object\", \"properties\": {\"i\\nd\": {\"type\": \"date\"}}}";
    cr_assert_eq(schema_desc_json("orders.schema.json", name, strlen(name), &d, err, sizeof err), -1);
    cr_assert_str_eq(err, "orders.schema.json: field 'i d': expected integer, string, number or boolean, got date");
    const char *avro =
        "{\"type\": \"record\", \"name\": \"Order\", \"fields\": [{\"name\": \"id\", \"type\": \"lo\\nng\"}]}";
    cr_assert_eq(schema_desc_avro("orders.avsc", avro, strlen(avro), &d, err, sizeof err), -1);
    cr_assert_null(strchr(err, '\n'), "%s", err);
    /* read without error, then named when compared with another file */
    static schema_desc e;
    const char *a = "{\"type\": \"object\", \"properties\": {\"i\\nd\": {\"type\": \"integer\"}}}",
               *b = "{\"type\": \"object\", \"properties\": {\"s\": {\"type\": \"string\", \"enum\": [\"x\\ny\"]}}}";
    cr_assert_eq(schema_desc_json("a.schema.json", a, strlen(a), &d, err, sizeof err), 0, "%s", err);
    cr_assert_eq(schema_desc_json("b.schema.json", b, strlen(b), &e, err, sizeof err), 0, "%s", err);
    cr_assert_eq(schema_desc_same("a.schema.json", &d, "b.schema.json", &e, err, sizeof err), -1);
    cr_assert_str_eq(err, "field 1: a.schema.json has 'i d', b.schema.json has 's'");
    cr_assert_str_eq(e.f[0].symbols[0], "x y");
}
