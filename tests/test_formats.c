/* SPDX-License-Identifier: Apache-2.0 */
/* test_formats.c - the value formats as a consumer meets them: JSON that an
 * independent parser (jansson) reads back with docs/design.md's field names and types,
 * strings that round-trip whatever they hold, Confluent's 5-byte frame in
 * front of the very Avro bytes of --format avro, and every way a schema
 * registry can fail stopping the run before anything is published. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "encode/encoder.h"
#include "engine.h"
#include "options/scenario_file.h"
#include "support.h"

static engine *make_engine(const char *scenario_spec, scenario *sc_out) {
    engine_settings s;
    engine_settings_default(&s);
    s.intensity = 5;
    char dir[512], err[1024];
    support_source_path("", dir, sizeof dir);
    cr_assert_eq(scenario_file_resolve(scenario_spec, dir, s.products, &s.scenario, err, sizeof err), 0, "%s", err);
    if (sc_out) *sc_out = s.scenario;
    engine *e = NULL;
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    return e;
}

static encoder *make_encoder(value_format f, const char *scenario_name) {
    char schemas[512], err[1024];
    support_source_path("schemas", schemas, sizeof schemas);
    encoder *enc = NULL;
    cr_assert_eq(encoder_new(schemas, "USD", scenario_name, f, &enc, err, sizeof err), 0, "%s", err);
    return enc;
}

static json_t *parse(const char *buf, int len) {
    cr_assert_gt(len, 0, "encoding failed");
    json_error_t jerr;
    json_t *j = json_loadb(buf, (size_t)len, 0, &jerr);
    cr_assert_not_null(j, "not JSON (%s): %.*s", jerr.text, len, buf);
    return j;
}

static json_int_t int_field(json_t *o, const char *name) {
    json_t *v = json_object_get(o, name);
    cr_assert(json_is_integer(v), "%s is not an integer", name);
    return json_integer_value(v);
}

static const char *string_field(json_t *o, const char *name) {
    json_t *v = json_object_get(o, name);
    cr_assert(json_is_string(v), "%s is not a string", name);
    return json_string_value(v);
}

Test(formats, json_orders_and_items_parse_with_the_contract_names_and_add_up) {
    engine *e = make_engine("black_friday", NULL);
    encoder *enc = make_encoder(FORMAT_JSON, "black_friday");
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 2000), 0);
    engine_fill(e, engine_get_plan(e)->total_orders / 2, 1, 2000, &b); /* midday: campaigns run */
    char buf[4096];
    size_t with_campaign = 0;
    for (size_t k = 0; k < b.n_orders; k++) {
        json_t *o = parse(buf, encoder_order(enc, &b, k, buf, sizeof buf));
        cr_assert_eq(json_object_size(o), 13u);
        cr_assert_eq(int_field(o, "order_id"), b.order_id[k]);
        cr_assert_eq(int_field(o, "event_time"), b.event_time_ms[k]);
        cr_assert_eq(int_field(o, "total_cents"), int_field(o, "subtotal_cents") - int_field(o, "discount_cents"));
        cr_assert_str_eq(string_field(o, "currency"), "USD");
        cr_assert_str_eq(string_field(o, "scenario"), "black_friday");
        string_field(o, "channel");
        string_field(o, "payment_method");
        string_field(o, "status");
        json_t *camp = json_object_get(o, "campaign_id");
        cr_assert(json_is_null(camp) || json_integer_value(camp) == b.campaign_id[k]);
        with_campaign += !json_is_null(camp);
        json_int_t sub = 0;
        for (size_t line = 0; line < b.item_count[k]; line++) {
            json_t *it = parse(buf, encoder_order_item(enc, &b, k, line, buf, sizeof buf));
            cr_assert_eq(json_object_size(it), 8u);
            cr_assert_eq(int_field(it, "line_number"), (json_int_t)line + 1);
            cr_assert_eq(int_field(it, "line_total_cents"),
                         int_field(it, "quantity") * int_field(it, "unit_price_cents") -
                             int_field(it, "discount_cents"));
            sub += int_field(it, "quantity") * int_field(it, "unit_price_cents");
            json_decref(it);
        }
        cr_assert_eq(sub, int_field(o, "subtotal_cents"));
        json_decref(o);
    }
    cr_assert_gt(with_campaign, 0u);
    const catalog *c = engine_get_catalog(e);
    json_t *cu = parse(buf, encoder_customer(enc, &c->customers[0], buf, sizeof buf));
    cr_assert_eq(json_object_size(cu), 6u);
    string_field(cu, "cohort");
    json_decref(cu);
    json_t *p =
        parse(buf, encoder_product(enc, &c->products[0], &c->versions[c->products[0].first_version], buf, sizeof buf));
    cr_assert(json_is_real(json_object_get(p, "popularity")) &&
              json_real_value(json_object_get(p, "popularity")) == c->products[0].popularity);
    cr_assert(json_is_boolean(json_object_get(p, "in_stock")));
    json_decref(p);
    order_batch_free(&b);
    encoder_free(enc);
    engine_free(e);
}

Test(formats, json_strings_round_trip_quotes_backslashes_controls_and_utf8) {
    const char *nasty = "Say \"hi\" \\ tab\t nl\n ctl\x01\x1f caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9b\x92";
    char path[512];
    support_tmp_path("nasty", path, sizeof path);
    strcat(path, ".cfg");
    /* libconfig escapes: \" \\ \t \n \x01 */
    support_write_file(path,
                       "name = \"nasty\";\ntimeline = ( { start = 0; end = 24; campaign = { name = "
                       "\"Say \\\"hi\\\" \\\\ tab\\t nl\\n ctl\\x01\\x1f caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9b\x92\"; "
                       "discount_pct = 10; uptake = 1.0; }; } );\n");
    scenario sc;
    engine *e = make_engine(path, &sc);
    encoder *enc = make_encoder(FORMAT_JSON, nasty);
    const catalog *c = engine_get_catalog(e);
    const campaign *k = &c->campaigns[c->n_campaigns - 1];
    cr_assert_str_eq(k->name, nasty, "the scenario file did not carry the name through");
    char buf[4096];
    json_t *j = parse(buf, encoder_campaign(enc, k, buf, sizeof buf));
    cr_assert_str_eq(string_field(j, "name"), nasty);
    json_decref(j);
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 4), 0);
    engine_fill(e, 0, 1, 4, &b);
    j = parse(buf, encoder_order(enc, &b, 0, buf, sizeof buf));
    cr_assert_str_eq(string_field(j, "scenario"), nasty);
    json_decref(j);
    encoder_free(enc);
    /* Invalid UTF-8 becomes U+FFFD rather than invalid JSON. */
    enc = make_encoder(FORMAT_JSON, "bad \xff\xfe byte");
    j = parse(buf, encoder_order(enc, &b, 0, buf, sizeof buf));
    cr_assert_str_eq(string_field(j, "scenario"), "bad \xef\xbf\xbd\xef\xbf\xbd byte");
    json_decref(j);
    order_batch_free(&b);
    encoder_free(enc);
    engine_free(e);
}

Test(formats, confluent_frame_is_magic_zero_and_the_id_before_the_same_avro) {
    engine *e = make_engine("baseline", NULL);
    encoder *plain = make_encoder(FORMAT_AVRO, "baseline"), *framed = make_encoder(FORMAT_AVRO_CONFLUENT, "baseline");
    encoder_set_schema_id(framed, TOPIC_ORDERS, 0x01020304);
    encoder_set_schema_id(framed, TOPIC_ORDER_ITEMS, 77);
    cr_assert_eq(encoder_frame_length(FORMAT_AVRO_CONFLUENT), 5u);
    cr_assert_eq(encoder_frame_length(FORMAT_AVRO), 0u);
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 100), 0);
    engine_fill(e, 0, 1, 100, &b);
    char x[4096], y[4096];
    for (size_t k = 0; k < 100; k++) {
        int n = encoder_order(plain, &b, k, x, sizeof x), m = encoder_order(framed, &b, k, y, sizeof y);
        cr_assert_eq(m, n + 5);
        cr_assert(y[0] == 0 && y[1] == 1 && y[2] == 2 && y[3] == 3 && y[4] == 4);
        cr_assert_eq(memcmp(x, y + 5, (size_t)n), 0);
        n = encoder_order_item(plain, &b, k, 0, x, sizeof x);
        m = encoder_order_item(framed, &b, k, 0, y, sizeof y);
        cr_assert(m == n + 5 && y[4] == 77 && memcmp(x, y + 5, (size_t)n) == 0);
    }
    order_batch_free(&b);
    encoder_free(framed);
    encoder_free(plain);
    engine_free(e);
}

/* ---- registry failures ------------------------------------------------- */

/* A one-shot HTTP server on loopback answering every request with `reply`. */
typedef struct fake_registry {
    int fd;
    int port;
    const char *reply;
    pthread_t thread;
    char first[8192]; /* the first request, as read */
} fake_registry;

static void *serve(void *arg) {
    fake_registry *r = arg;
    char reply[2048];
    const char *blank = strstr(r->reply, "\r\n\r\n");
    /* The status line and headers as given, Content-Length counted here. */
    snprintf(reply, sizeof reply, "%.*s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s", (int)(blank - r->reply),
             r->reply, strlen(blank + 4), blank + 4);
    for (int served = 0; served < 10; served++) {
        int c = accept(r->fd, NULL, NULL);
        if (c < 0) break;
        char req[8192];
        ssize_t got = read(c, req, sizeof req - 1); /* headers and the small body arrive together here */
        if (served == 0 && got > 0) memcpy(r->first, req, (size_t)got), r->first[got] = '\0';
        ssize_t w = write(c, reply, strlen(reply));
        (void)w;
        close(c);
    }
    return NULL;
}

static void fake_start(fake_registry *r, const char *reply) {
    r->reply = reply;
    r->first[0] = '\0';
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    cr_assert_eq(bind(r->fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(r->fd, (struct sockaddr *)&a, &len);
    r->port = ntohs(a.sin_port);
    cr_assert_eq(listen(r->fd, 4), 0);
    pthread_create(&r->thread, NULL, serve, r);
}

static void fake_stop(fake_registry *r) {
    shutdown(r->fd, SHUT_RDWR);
    close(r->fd);
    pthread_join(r->thread, NULL);
}

static void expect_registry_error(const char *url, const char *message) {
    run_result r;
    const char *args[] = { "run", "--schema-registry", url, "--duration", "1h", "-q", NULL };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    support_run(args, &r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert_eq(r.exit_code, 2, "exit %d: %s", r.exit_code, r.stderr_text);
    cr_assert(strstr(r.stderr_text, message) != NULL, "expected '%s' in: %s", message, r.stderr_text);
    cr_assert(strstr(r.stderr_text, "produced") == NULL && strstr(r.stderr_text, "embedded broker") == NULL,
              "something started publishing: %s", r.stderr_text);
    cr_assert_lt(t1.tv_sec - t0.tv_sec, 15, "the failure took too long");
}

Test(formats, avro_confluent_without_a_registry_is_a_usage_error) {
    const char *args[] = { "run", "--format", "avro-confluent", NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.stderr_text, "avro-confluent needs a schema registry") != NULL, "%s", r.stderr_text);
}

Test(formats, unreachable_registry_is_named_and_nothing_is_published) {
    expect_registry_error("http://127.0.0.1:1", "cannot reach the schema registry at http://127.0.0.1:1");
}

Test(formats, registry_errors_and_malformed_answers_stop_the_run_before_publishing) {
    struct {
        const char *reply, *message;
    } cases[] = {
        { "HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\n\r\n"
          "{\"error_code\":409,\"message\":\"Schema being registered is incompatible xyz\"}",
          "refused the schema for shop.customers-value as incompatible: Schema being registered is incompatible xyz" },
        { "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n\r\n"
          "{\"error_code\":50001,\"message\":\"boom\"}",
          "HTTP 500 registering shop.customers-value: boom" },
        { "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\nnot json!", "answer that is not JSON" },
        { "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"foo\": 1}", "has no id" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fake_registry fr;
        fake_start(&fr, cases[i].reply);
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%d", fr.port);
        expect_registry_error(url, cases[i].message);
        fake_stop(&fr);
    }
}

/* Runs a shell pipeline and returns its whole stdout (the caller frees). */
static char *pipeline_output(const char *cmd) {
    FILE *p = popen(cmd, "r");
    cr_assert(p != NULL, "%s", cmd);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) out = realloc(out, cap *= 2);
    }
    out[len] = '\0';
    cr_assert_eq(pclose(p), 0, "%s exited non-zero", cmd);
    return out;
}

Test(formats, sink_stdout_prints_one_json_message_a_line_that_jq_reads) {
    char stats[512], cmd[2400], json_stats[512];
    support_tmp_path("stdout.json", stats, sizeof stats);
    support_tmp_path("null-json.json", json_stats, sizeof json_stats);
    const char *bin = getenv("SHOPSTREAM_BIN");
    const char *run = "run --start 2026-01-01T00:00:00Z --duration 1h --intensity 5 --customers 300 --products 40";
    /* jq reads every line; its count of orders and of all messages are the run's */
    snprintf(cmd, sizeof cmd,
             "'%s' %s --sink stdout --stats-json '%s' 2>/dev/null | "
             "jq -s '[length, (map(select(has(\"item_count\"))) | length)] | @tsv' -r",
             bin, run, stats);
    char *out = pipeline_output(cmd);
    json_t *s = support_read_stats(stats);
    cr_assert(s, "no stats at %s", stats);
    char want[64];
    snprintf(want, sizeof want, "%llu\t%llu\n", (unsigned long long)support_stat(s, "messages"),
             (unsigned long long)support_stat(s, "orders"));
    cr_assert_gt(support_stat(s, "orders"), 100u);
    cr_assert_str_eq(out, want, "jq counted %s, the run says %s", out, want);
    free(out);

    /* the same messages as --format json to the null sink */
    char null_cmd[2400];
    snprintf(null_cmd, sizeof null_cmd, "'%s' %s --sink null --format json -q --stats-json '%s'", bin, run, json_stats);
    cr_assert_eq(system(null_cmd), 0);
    json_t *n = support_read_stats(json_stats);
    cr_assert_str_eq(json_string_value(json_object_get(s, "content_digest")),
                     json_string_value(json_object_get(n, "content_digest")));
    cr_assert_str_eq(json_string_value(json_object_get(s, "order_digest")),
                     json_string_value(json_object_get(n, "order_digest")));
    json_decref(n);
    json_decref(s);

    /* topic-key-value: the topic, the key decoded, then the value */
    snprintf(cmd, sizeof cmd,
             "'%s' %s --sink stdout --stdout-columns topic-key-value -q | grep -m1 '^shop.orders\t' | "
             "awk -F'\\t' '{ print $2 }'; '%s' %s --sink stdout --stdout-columns topic-key-value -q | "
             "grep -m1 '^shop.orders\t' | cut -f3 | jq .order_id",
             bin, run, bin, run);
    out = pipeline_output(cmd);
    cr_assert_str_eq(out, "1\n1\n", "key and order_id of the first order: %s", out);
    free(out);
}

Test(formats, sink_stdout_prints_each_protobuf_value_in_base64_on_a_line) {
    char stats[512], null_stats[512], cmd[2400];
    support_tmp_path("stdout-pb.json", stats, sizeof stats);
    support_tmp_path("null-pb.json", null_stats, sizeof null_stats);
    const char *bin = getenv("SHOPSTREAM_BIN");
    const char *run = "run --start 2026-01-01T00:00:00Z --duration 1h --intensity 5 --customers 300 --products 40";
    /* every line decodes; the first is customer 1: field 1 (tag 0x08), 1 */
    snprintf(cmd, sizeof cmd,
             "'%s' %s --sink stdout --format protobuf --stats-json '%s' 2>/dev/null | python3 -c \""
             "import base64, sys\n"
             "vs = [base64.b64decode(l, validate=True) for l in sys.stdin.read().splitlines()]\n"
             "print(len(vs), vs[0][:2].hex())\"",
             bin, run, stats);
    char *out = pipeline_output(cmd);
    json_t *s = support_read_stats(stats), *n = NULL;
    cr_assert(s, "no stats at %s", stats);
    snprintf(cmd, sizeof cmd, "'%s' %s --sink null --format protobuf -q --stats-json '%s'", bin, run, null_stats);
    cr_assert_eq(system(cmd), 0);
    n = support_read_stats(null_stats);
    char want[128];
    snprintf(want, sizeof want, "%llu 0801\n", (unsigned long long)support_stat(s, "messages"));
    cr_assert_str_eq(out, want, "decoded %s, the run says %s", out, want);
    cr_assert_str_eq(json_string_value(json_object_get(s, "content_digest")),
                     json_string_value(json_object_get(n, "content_digest")));
    json_decref(n);
    json_decref(s);
    free(out);
}

Test(formats, json_schema_confluent_registers_its_schema_as_json_and_stdout_shows_the_json_after_the_frame) {
    fake_registry fr;
    fake_start(&fr, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"id\": 7}");
    char cmd[2400], stats[512];
    support_tmp_path("stdout-jsc.json", stats, sizeof stats);
    snprintf(cmd, sizeof cmd,
             "'%s' run --start 2026-01-01T00:00:00Z --duration 1h --intensity 5 --customers 300 --products 40 "
             "--format json-schema-confluent -r http://127.0.0.1:%d --sink stdout --stats-json '%s' 2>/dev/null | "
             "jq -s length",
             getenv("SHOPSTREAM_BIN"), fr.port, stats);
    char *out = pipeline_output(cmd);
    fake_stop(&fr);
    json_t *s = support_read_stats(stats);
    char want[32];
    snprintf(want, sizeof want, "%llu\n", (unsigned long long)support_stat(s, "messages"));
    cr_assert_str_eq(out, want, "jq read %s values, the run says %s", out, want);
    cr_assert(strstr(fr.first, "POST ") == fr.first && strstr(fr.first, "/subjects/shop.customers-value/versions"),
              "%s", fr.first);
    cr_assert(strstr(fr.first, "\"schemaType\":\"JSON\"") && strstr(fr.first, "draft-07"), "%s", fr.first);
    json_decref(s);
    free(out);
}

Test(formats, protobuf_confluent_registers_the_proto_file_as_protobuf) {
    fake_registry fr;
    fake_start(&fr, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"id\": 7}");
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", fr.port);
    const char *args[] = { "run", "--sink", "null", "--duration", "1h", "--format", "protobuf-confluent",
                           "-r",  url,      NULL };
    run_result r;
    support_run(args, &r);
    fake_stop(&fr);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    cr_assert(strstr(fr.first, "\"schemaType\":\"PROTOBUF\"") && strstr(fr.first, "message Customer {"), "%s",
              fr.first);
}
