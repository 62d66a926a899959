/* SPDX-License-Identifier: Apache-2.0 */
/* test_protobuf.c - the registered formats' bytes: Confluent's frame and
 * message indexes against bytes worked out from Confluent's MessageIndexes
 * (zig-zag varints, the count first, [0] as the one byte 0), whole values
 * of protobuf-confluent and json-schema-confluent byte for byte, and the
 * direct protobuf writer equal to protobuf-c's code on every order, item,
 * payment and shipment of several runs. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "encode/encoder.h"
#include "encode/frame.h"
#include "engine.h"
#include "lifecycle.h"
#include "options/scenario_file.h"
#include "support.h"

static void assert_bytes(const char *what, const char *got, size_t n, const unsigned char *want, size_t m) {
    char text[1024] = "";
    for (size_t i = 0; i < n && i < 200; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%02x ", (unsigned char)got[i]);
    cr_assert(n == m && memcmp(got, want, m) == 0, "%s: %zu bytes %s, expected %zu", what, n, text, m);
}

Test(frame, message_index_zero_is_the_single_byte_zero) {
    char buf[FRAME_INDEXES_MAX];
    int32_t first[] = { 0 };
    assert_bytes("[0]", buf, frame_message_indexes(buf, first, 1), (const unsigned char[]){ 0x00 }, 1);
}

Test(frame, other_message_indexes_are_the_count_then_each_as_zigzag_varints) {
    char buf[FRAME_INDEXES_MAX];
    /* [1]: count 1 -> zig-zag 2, index 1 -> 2 */
    assert_bytes("[1]", buf, frame_message_indexes(buf, (int32_t[]){ 1 }, 1), (const unsigned char[]){ 0x02, 0x02 }, 2);
    /* [2, 3]: count 2 -> 4, then 4 and 6 */
    assert_bytes("[2,3]", buf, frame_message_indexes(buf, (int32_t[]){ 2, 3 }, 2),
                 (const unsigned char[]){ 0x04, 0x04, 0x06 }, 3);
    /* [0, 64]: count 2 -> 4, 0 -> 0, 64 -> zig-zag 128 = 0x80 0x01 */
    assert_bytes("[0,64]", buf, frame_message_indexes(buf, (int32_t[]){ 0, 64 }, 2),
                 (const unsigned char[]){ 0x04, 0x00, 0x80, 0x01 }, 4);
}

Test(frame, each_format_has_its_frame_before_the_payload) {
    char buf[16];
    static const unsigned char confluent[] = { 0x00, 0x01, 0x02, 0x03, 0x04 };
    static const unsigned char protobuf[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x00 };
    assert_bytes("json-schema-confluent", buf, frame_put(buf, FORMAT_JSON_SCHEMA_CONFLUENT, 0x01020304), confluent, 5);
    assert_bytes("avro-confluent", buf, frame_put(buf, FORMAT_AVRO_CONFLUENT, 0x01020304), confluent, 5);
    assert_bytes("protobuf-confluent", buf, frame_put(buf, FORMAT_PROTOBUF_CONFLUENT, 0x01020304), protobuf, 6);
    cr_assert_eq(frame_put(buf, FORMAT_PROTOBUF, 0x01020304), 0u);
    cr_assert_eq(encoder_frame_length(FORMAT_PROTOBUF_CONFLUENT), 6u);
    cr_assert_eq(encoder_frame_length(FORMAT_JSON_SCHEMA_CONFLUENT), 5u);
    cr_assert_eq(encoder_frame_length(FORMAT_PROTOBUF), 0u);
}

static encoder *make(value_format f, int generic) {
    char dir[512], err[1024];
    support_source_path("schemas", dir, sizeof dir);
    encoder *enc = NULL;
    cr_assert_eq(encoder_new(dir, "USD", "baseline", f, &enc, err, sizeof err), 0, "%s", err);
    encoder_force_generic(enc, generic);
    for (int t = 0; t < TOPIC_EVENT_COUNT; t++) encoder_set_schema_id(enc, (topic_id)t, 0x01020304);
    return enc;
}

/* One order: 1, customer 300, at 1700000000000, mobile_app, card, placed,
 * 2 items, 2500 cents, no discount, campaign 7 (or none). */
static void one_order(order_batch *b, int64_t campaign) {
    cr_assert_eq(order_batch_init(b, 1), 0);
    b->order_id[0] = 1;
    b->customer_id[0] = 300;
    b->event_time_ms[0] = INT64_C(1700000000000);
    b->channel[0] = 2;        /* mobile_app: CHANNEL_MOBILE_APP = 3 */
    b->payment_method[0] = 0; /* card: PAYMENT_METHOD_CARD = 1 */
    b->status[0] = 0;         /* placed: ORDER_STATUS_PLACED = 1 */
    b->item_count[0] = 2;
    b->subtotal_cents[0] = 2500;
    b->discount_cents[0] = 0;
    b->total_cents[0] = 2500;
    b->campaign_id[0] = campaign;
}

Test(protobuf, an_order_is_framed_and_written_as_confluents_serializer_writes_it) {
    static const unsigned char want[] = {
        0x00, 0x01, 0x02, 0x03, 0x04,             /* magic, schema id 0x01020304 */
        0x00,                                     /* message indexes [0] */
        0x08, 0x01,                               /* 1 order_id: 1 */
        0x10, 0xAC, 0x02,                         /* 2 customer_id: 300 */
        0x18, 0x80, 0xD0, 0x95, 0xFF, 0xBC, 0x31, /* 3 event_time: 1700000000000 */
        0x20, 0x03,                               /* 4 channel: CHANNEL_MOBILE_APP */
        0x28, 0x01,                               /* 5 payment_method: PAYMENT_METHOD_CARD */
        0x30, 0x01,                               /* 6 status: ORDER_STATUS_PLACED */
        0x38, 0x02,                               /* 7 item_count: 2 */
        0x40, 0xC4, 0x13,                         /* 8 subtotal_cents: 2500 */
        /* 9 discount_cents: 0, not written (proto3) */
        0x50, 0xC4, 0x13,                                  /* 10 total_cents: 2500 */
        0x5A, 0x03, 'U', 'S', 'D',                         /* 11 currency */
        0x60, 0x07,                                        /* 12 campaign_id: 7 (optional, set) */
        0x6A, 0x08, 'b', 'a', 's', 'e', 'l', 'i', 'n', 'e' /* 13 scenario */
    };
    order_batch b;
    one_order(&b, 7);
    char buf[4096];
    for (int generic = 0; generic < 2; generic++) {
        encoder *enc = make(FORMAT_PROTOBUF_CONFLUENT, generic);
        int n = encoder_order(enc, &b, 0, buf, sizeof buf);
        assert_bytes(generic ? "protobuf-c" : "direct", buf, (size_t)n, want, sizeof want);
        encoder_free(enc);
    }
    /* No campaign: field 12 left out, the rest alike; raw protobuf: no frame. */
    b.campaign_id[0] = 0;
    encoder *raw = make(FORMAT_PROTOBUF, 0);
    int n = encoder_order(raw, &b, 0, buf, sizeof buf);
    unsigned char no_campaign[sizeof want];
    size_t at = 0;
    for (size_t i = 6; i < sizeof want; i++)
        if (!(i >= sizeof want - 12 && i < sizeof want - 10)) no_campaign[at++] = want[i];
    assert_bytes("raw, no campaign", buf, (size_t)n, no_campaign, at);
    encoder_free(raw);
    order_batch_free(&b);
}

Test(json_schema, a_customer_is_the_json_text_behind_the_five_byte_frame) {
    customer c = { .id = 42, .signup_ms = 1000, .cohort = 1, .preferred_channel = 0, .region = 2, .loyalty_tier = 3 };
    static const char text[] = "{\"customer_id\":42,\"cohort\":\"millennial\",\"preferred_channel\":\"web\","
                               "\"region\":\"eu_west\",\"signup_time\":1000,\"loyalty_tier\":\"platinum\"}";
    unsigned char want[5 + sizeof text - 1] = { 0x00, 0x01, 0x02, 0x03, 0x04 };
    memcpy(want + 5, text, sizeof text - 1);
    encoder *enc = make(FORMAT_JSON_SCHEMA_CONFLUENT, 0);
    char buf[4096];
    int n = encoder_customer(enc, &c, buf, sizeof buf);
    assert_bytes("json-schema-confluent", buf, (size_t)n, want, sizeof want);
    encoder_free(enc);
}

/* Every order, item, payment and shipment of a run, directly and through
 * protobuf-c: the same bytes. */
static void compare_run(const char *scenario_name, uint64_t seed) {
    engine_settings s;
    engine_settings_default(&s);
    s.seed = seed;
    s.intensity = 10;
    char dir[512], err[1024];
    support_source_path("", dir, sizeof dir);
    cr_assert_eq(scenario_file_resolve(scenario_name, dir, s.products, &s.scenario, err, sizeof err), 0, "%s", err);
    engine *e = NULL;
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    encoder *direct = make(FORMAT_PROTOBUF_CONFLUENT, 0), *ref = make(FORMAT_PROTOBUF_CONFLUENT, 1);
    const life_model *life = engine_get_life_model(e);
    const customer *customers = engine_get_catalog(e)->customers;
    cr_assert_not_null(life);
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 2048), 0);
    uint64_t total = engine_get_plan(e)->total_orders, counts[4] = { 0 };
    char x[4096], y[4096];
#define SAME(what, call_x, call_y)                                                                                     \
    do {                                                                                                               \
        int a_ = call_x, c_ = call_y;                                                                                  \
        cr_assert(a_ > 0 && a_ == c_ && memcmp(x, y, (size_t)a_) == 0, "%s of order %lld differs (%d vs %d bytes)",    \
                  what, (long long)b.order_id[k], a_, c_);                                                             \
    } while (0)
    for (uint64_t g = 0; g < total; g += 2048) {
        size_t n = total - g < 2048 ? (size_t)(total - g) : 2048;
        engine_fill(e, g, 1, n, &b);
        for (size_t k = 0; k < n; k++) {
            SAME("order", encoder_order(direct, &b, k, x, sizeof x), encoder_order(ref, &b, k, y, sizeof y));
            counts[0]++;
            for (size_t line = 0; line < b.item_count[k]; line++, counts[1]++)
                SAME("item", encoder_order_item(direct, &b, k, line, x, sizeof x),
                     encoder_order_item(ref, &b, k, line, y, sizeof y));
            life_order o = life_order_at(&b, k, customers);
            life_event ev[LIFE_EVENTS_MAX];
            size_t m = lifecycle_of(life, &o, ev);
            for (size_t i = 0; i < m; i++) {
                life_record r = { b.order_id[k], b.payment_method[k], o.region, &ev[i] };
                if (ev[i].topic == LIFE_PAYMENT) {
                    SAME("payment", encoder_payment(direct, &r, x, sizeof x), encoder_payment(ref, &r, y, sizeof y));
                    counts[2]++;
                } else {
                    SAME("shipment", encoder_shipment(direct, &r, x, sizeof x), encoder_shipment(ref, &r, y, sizeof y));
                    counts[3]++;
                }
            }
        }
    }
    for (int i = 0; i < 4; i++) cr_assert_gt(counts[i], 1000u, "too few values of kind %d", i);
    order_batch_free(&b);
    encoder_free(ref);
    encoder_free(direct);
    engine_free(e);
}

Test(protobuf, direct_writer_matches_protobuf_c_for_every_fact_of_a_run) {
    compare_run("baseline", 42);
    compare_run("black_friday", 7); /* campaigns: the optional campaign_id set */
    compare_run("payment_outage", 1234567);
}
