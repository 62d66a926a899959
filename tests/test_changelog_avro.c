/* SPDX-License-Identifier: Apache-2.0 */
/* test_changelog_avro.c - --changelog-format avro as the program meets
 * its user (docs/guide/changelog.md): refused at start, one line naming the
 * flag, without a registry, on --sink stdout, or with a prefix no Avro
 * namespace can be made of; with one, the four change topics' key and
 * value schemas registered as <topic>-key and <topic>-value after the
 * event topics' (or alone, beside --format json), before anything is
 * published; and content_digest the same whatever ids the registry gives.
 * The registry is a fake on loopback that answers each request the next
 * id and notes what it was asked. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support.h"

#define RUN "run", "--sink", "null", "--changelog", "debezium", "--changelog-format", "avro"

typedef struct fake_registry {
    int fd, port, next_id;
    pthread_t thread;
    char subjects[64][160]; /* each request's subject, in order */
    int n;
    int key_schema_bare; /* the key's body had no schemaType (Avro) and named record Key */
} fake_registry;

static void *serve(void *arg) {
    fake_registry *r = arg;
    for (;;) {
        int c = accept(r->fd, NULL, NULL);
        if (c < 0) break;
        char req[32768];
        ssize_t got = 0, n;
        while (got < (ssize_t)sizeof req - 1 && (n = read(c, req + got, sizeof req - 1 - (size_t)got)) > 0) {
            got += n;
            req[got] = '\0';
            const char *body = strstr(req, "\r\n\r\n"), *len = strstr(req, "Content-Length: ");
            if (body && len && got - (body + 4 - req) >= atol(len + 16)) break; /* the whole body */
        }
        req[got > 0 ? got : 0] = '\0';
        const char *s = strstr(req, "/subjects/"), *e = s ? strstr(s, "/versions") : NULL;
        if (s && e && r->n < 64) {
            snprintf(r->subjects[r->n], sizeof r->subjects[r->n], "%.*s", (int)(e - s - 10), s + 10);
            if (strstr(r->subjects[r->n], "orders-key"))
                r->key_schema_bare = !strstr(req, "schemaType") && strstr(req, "\\\"name\\\":\\\"Key\\\"");
            r->n++;
        }
        char body[32], reply[256];
        int bl = snprintf(body, sizeof body, "{\"id\": %d}", r->next_id++);
        int rl = snprintf(reply, sizeof reply,
                          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                          "Connection: close\r\n\r\n%s",
                          bl, body);
        ssize_t w = write(c, reply, (size_t)rl);
        (void)w;
        close(c);
    }
    return NULL;
}

static void fake_start(fake_registry *r, int first_id, char *url, size_t cap) {
    memset(r, 0, sizeof *r);
    r->next_id = first_id;
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    cr_assert_eq(bind(r->fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(r->fd, (struct sockaddr *)&a, &len);
    r->port = ntohs(a.sin_port);
    cr_assert_eq(listen(r->fd, 16), 0);
    pthread_create(&r->thread, NULL, serve, r);
    snprintf(url, cap, "http://127.0.0.1:%d", r->port);
}

static void fake_stop(fake_registry *r) {
    shutdown(r->fd, SHUT_RDWR);
    close(r->fd);
    pthread_join(r->thread, NULL);
}

Test(changelog_avro, without_a_registry_on_stdout_or_with_an_empty_prefix_part_it_is_refused_naming_the_flag) {
    const char *bare[] = { RUN, NULL };
    support_refused_with(bare, "--changelog-format: expected a schema registry (--schema-registry) for avro, whose "
                               "keys and values name their registered schemas, got no --schema-registry");
    const char *out[] = { "run", "--sink", "stdout", "--changelog", "debezium", "--changelog-format", "avro", NULL };
    support_refused_with(out,
                         "--changelog-format: --sink stdout writes one value a line: expected json or json-schema, "
                         "got avro");
    const char *dots[] = { RUN, "-r", "http://127.0.0.1:1", "--changelog-prefix", "shop..db", NULL };
    support_refused_with(dots, "--changelog-prefix: expected no empty part between dots with --changelog-format avro "
                               "(Avro namespaces are prefix.schema.table), got 'shop..db'");
    const char *alone[] = { "run", "--sink", "null", "--changelog-format", "avro", NULL };
    support_refused_with(alone, "--changelog-format: expected --changelog debezium, the change events it formats, got "
                                "--changelog none (the default)");
}

static const char *const tables[] = { "customers", "products", "orders", "order_items" };

/* The run's requests: the event topics' value subjects first when
 * events, then each table's key and value. */
static void registered_in_order(const fake_registry *r, int events) {
    static const char *const event_topics[] = { "customers",   "products", "campaigns", "orders",
                                                "order_items", "payments", "shipments" };
    int at = 0;
    cr_assert_eq(r->n, (events ? 7 : 0) + 8, "%d subjects registered", r->n);
    char want[160];
    for (int t = 0; events && t < 7; t++) {
        snprintf(want, sizeof want, "shop.%s-value", event_topics[t]);
        cr_assert_str_eq(r->subjects[at++], want);
    }
    for (int t = 0; t < 4; t++) {
        snprintf(want, sizeof want, "shopdb.public.%s-key", tables[t]);
        cr_assert_str_eq(r->subjects[at++], want);
        snprintf(want, sizeof want, "shopdb.public.%s-value", tables[t]);
        cr_assert_str_eq(r->subjects[at++], want);
    }
    cr_assert(r->key_schema_bare, "the key's schema went as Avro (no schemaType), record Key");
}

Test(changelog_avro, the_change_topics_keys_and_values_register_before_the_first_message_whatever_format) {
    char url[64];
    fake_registry fr;
    fake_start(&fr, 1, url, sizeof url);
    const char *with_events[] = { RUN, "-r", url, "--duration", "1h", "-q", NULL };
    run_result r;
    support_run(with_events, &r);
    fake_stop(&fr);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    registered_in_order(&fr, 1);

    fake_start(&fr, 1, url, sizeof url);
    const char *json[] = { RUN, "-r", url, "--format", "json", "--duration", "1h", "-q", NULL };
    support_run(json, &r);
    fake_stop(&fr);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    registered_in_order(&fr, 0);
}

#define TWO_DAYS                                                                                                       \
    "run", "--sink", "null", "--changelog", "debezium", "--duration", "2d", "-s", "payment_outage", "--late-share",    \
        "0.1", "--duplicate-share", "0.05", "-q"

/* content_digest of a 2-day run with deletes (tombstones), late and
 * duplicate delivery, against a registry whose ids start at first_id. */
static uint64_t digest_with_ids(int first_id, const char *changelog_format) {
    char url[64], stats[512];
    fake_registry fr;
    fake_start(&fr, first_id, url, sizeof url);
    support_tmp_path("changelog-avro.json", stats, sizeof stats);
    const char *args[] = { TWO_DAYS, "--changelog-format", changelog_format, "-r", url, "--stats-json", stats, NULL };
    run_result r;
    support_run(args, &r);
    fake_stop(&fr);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    json_t *s = support_read_stats(stats);
    uint64_t d = support_digest(s, "content_digest");
    json_decref(s);
    return d;
}

Test(changelog_avro, content_digest_leaves_the_registrys_ids_out_of_keys_and_values) {
    cr_assert_eq(digest_with_ids(1, "avro"), digest_with_ids(1000, "avro"));
    /* the json form beside avro-confluent events: tombstones digested, no frame taken from them */
    cr_assert_eq(digest_with_ids(1, "json"), digest_with_ids(1000, "json"));
}
