/* SPDX-License-Identifier: Apache-2.0 */
/* metrics.c - the /metrics endpoint with libmicrohttpd (see metrics.h). */
#include "metrics.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lateness.h"
#include "base/topics.h"

#define BROKERS_MAX 16
#define PAGE_MAX 16384

/* Lateness histogram bounds, in seconds. */

/* A label value as the Prometheus text format wants it: backslash, double
 * quote and newline escaped. */
static void label_value(const char *in, char *out, size_t cap) {
    size_t o = 0;
    for (; *in && o + 3 < cap; in++) {
        if (*in == '\\' || *in == '"') {
            out[o++] = '\\';
            out[o++] = *in;
        } else if (*in == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else
            out[o++] = *in;
    }
    out[o] = '\0';
}
static const double le_s[] = { 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30 };
#define N_LE (sizeof le_s / sizeof le_s[0])

typedef struct snapshot {
    sink_counters sink;
    char topic[TOPIC_COUNT][256];
    int n_topics; /* the run's: topic[0 .. n_topics) */
    unsigned long long orders, order_items;
    double scheduled_rate, achieved_rate, behind_s;
    int paced;
    unsigned long long late_le[N_LE], late_count, early;
    double late_sum_s;
    /* librdkafka statistics */
    long long queue_msgs, queue_bytes, in_flight;
    int n_brokers;
    char broker[BROKERS_MAX][128];
    double rtt_avg_s[BROKERS_MAX];
} snapshot;

struct metrics {
    struct MHD_Daemon *daemon;
    pthread_mutex_t lock; /* @locks snap: the run thread writes it (metrics_publish), libmicrohttpd's
                           * thread reads it on each scrape; daemon is the run thread's */
    snapshot snap;
};

#define P(...)                                                                                                         \
    do {                                                                                                               \
        if (off < PAGE_MAX) off += snprintf(page + off, PAGE_MAX - (size_t)off, __VA_ARGS__);                          \
    } while (0)

/* One unlabelled sample with its HELP and TYPE lines. */
static void one(char *page, int *off_p, const char *name, const char *type, const char *help, double value) {
    int off = *off_p;
    P("# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type, name, value);
    *off_p = off;
}

static int render(const snapshot *s, char *page) {
    int off = 0;
    static const char *const what[] = { "produced", "delivered", "failed", "bytes" };
    static const char *const help[] = { "Messages handed to the producer", "Messages the broker acknowledged",
                                        "Messages whose delivery failed", "Key and value bytes delivered" };
    for (int w = 0; w < 4; w++) {
        P("# HELP shopstream_messages_%s_total %s.\n# TYPE shopstream_messages_%s_total counter\n", what[w], help[w],
          what[w]);
        for (int t = 0; t < s->n_topics; t++) {
            const sink_topic_counters *c = &s->sink.topic[t];
            unsigned long long v = w == 0 ? c->produced : w == 1 ? c->delivered : w == 2 ? c->failed : c->bytes;
            char label[600];
            label_value(s->topic[t], label, sizeof label);
            P("shopstream_messages_%s_total{topic=\"%s\"} %llu\n", what[w], label, v);
        }
    }
    one(page, &off, "shopstream_orders_total", "counter", "Orders handed to the producer.", (double)s->orders);
    one(page, &off, "shopstream_order_items_total", "counter", "Order items handed to the producer.",
        (double)s->order_items);
    one(page, &off, "shopstream_scheduled_rate", "gauge",
        "Orders and items per second the schedule asks for (0 at --speed max).", s->scheduled_rate);
    one(page, &off, "shopstream_achieved_rate", "gauge", "Orders and items per second handed over so far.",
        s->achieved_rate);
    one(page, &off, "shopstream_behind_seconds", "gauge", "How far the latest message was behind its schedule.",
        s->behind_s);
    P("# HELP shopstream_lateness_seconds Hand-off time minus scheduled time of each message (paced runs).\n");
    P("# TYPE shopstream_lateness_seconds histogram\n");
    for (size_t i = 0; i < N_LE; i++) P("shopstream_lateness_seconds_bucket{le=\"%g\"} %llu\n", le_s[i], s->late_le[i]);
    P("shopstream_lateness_seconds_bucket{le=\"+Inf\"} %llu\n", s->late_count);
    P("shopstream_lateness_seconds_sum %.6f\nshopstream_lateness_seconds_count %llu\n", s->late_sum_s, s->late_count);
    one(page, &off, "shopstream_early_handoffs_total", "counter",
        "Messages handed over before their scheduled time (paced runs; none but on a stop signal).", (double)s->early);
    one(page, &off, "shopstream_kafka_queue_messages", "gauge", "Messages in librdkafka's local queue.",
        (double)s->queue_msgs);
    one(page, &off, "shopstream_kafka_queue_bytes", "gauge", "Bytes in librdkafka's local queue.",
        (double)s->queue_bytes);
    one(page, &off, "shopstream_kafka_in_flight_messages", "gauge",
        "Messages sent to brokers and not yet acknowledged.", (double)s->in_flight);
    P("# HELP shopstream_kafka_broker_rtt_seconds Average broker round-trip time (librdkafka statistics).\n");
    P("# TYPE shopstream_kafka_broker_rtt_seconds gauge\n");
    for (int b = 0; b < s->n_brokers; b++) {
        char label[600];
        label_value(s->broker[b], label, sizeof label);
        P("shopstream_kafka_broker_rtt_seconds{broker=\"%s\"} %.6f\n", label, s->rtt_avg_s[b]);
    }
    return off < PAGE_MAX ? off : PAGE_MAX - 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state) {
    (void)version;
    (void)upload;
    (void)upload_size;
    (void)state;
    metrics *m = cls;
    struct MHD_Response *r;
    unsigned status = MHD_HTTP_OK;
    if (strcmp(method, "GET") != 0 || strcmp(url, "/metrics") != 0) {
        static const char missing[] = "shopstream serves /metrics only\n";
        status = MHD_HTTP_NOT_FOUND;
        r = MHD_create_response_from_buffer(sizeof missing - 1, (void *)missing, MHD_RESPMEM_PERSISTENT);
    } else {
        char *page = malloc(PAGE_MAX);
        if (!page) return MHD_NO;
        pthread_mutex_lock(&m->lock);
        snapshot s = m->snap;
        pthread_mutex_unlock(&m->lock);
        int n = render(&s, page);
        r = MHD_create_response_from_buffer((size_t)n, page, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    }
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

int metrics_new(const char *addr, metrics **out, char *errstr, size_t errlen) {
    *out = NULL;
    char host[64] = "127.0.0.1";
    unsigned port = 0;
    const char *colon = strrchr(addr, ':');
    char extra;
    if (colon) {
        if ((size_t)(colon - addr) >= sizeof host) {
            snprintf(errstr, errlen, "expected [ADDR:]PORT with an IPv4 ADDR, got %.100s", addr);
            return -1;
        }
        memcpy(host, addr, (size_t)(colon - addr));
        host[colon - addr] = '\0';
    }
    if (sscanf(colon ? colon + 1 : addr, "%u%c", &port, &extra) != 1 || port < 1 || port > 65535) {
        snprintf(errstr, errlen, "expected [ADDR:]PORT with PORT in [1, 65535], got %.100s", addr);
        return -1;
    }
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        snprintf(errstr, errlen, "expected [ADDR:]PORT with an IPv4 ADDR, got %.100s", addr);
        return -1;
    }
    metrics *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        snprintf(errstr, errlen, "%.100s: cannot initialise its lock", addr);
        return -1;
    }
    m->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, m, MHD_OPTION_SOCK_ADDR,
                                 (struct sockaddr *)&sa, MHD_OPTION_END);
    if (!m->daemon) {
        snprintf(errstr, errlen, "cannot listen at %.100s (in use, or not this host's address)", addr);
        pthread_mutex_destroy(&m->lock);
        free(m);
        return -1;
    }
    *out = m;
    return 0;
}

void metrics_publish(metrics *m, const run_totals *t, double scheduled_rate, double achieved_rate) {
    if (!m) return;
    pthread_mutex_lock(&m->lock);
    snapshot *s = &m->snap;
    s->sink = *t->sink;
    s->n_topics = t->n_topics;
    for (int i = 0; i < t->n_topics; i++) snprintf(s->topic[i], sizeof s->topic[i], "%s", t->topic_names[i]);
    s->orders = t->orders;
    s->order_items = t->order_items;
    s->scheduled_rate = scheduled_rate;
    s->achieved_rate = achieved_rate;
    s->behind_s = t->behind_s;
    if (t->late) {
        for (size_t i = 0; i < N_LE; i++) s->late_le[i] = lateness_count_at_most(t->late, le_s[i] * 1000.0);
        s->late_count = t->late->n;
        s->late_sum_s = t->late->sum_ms / 1000.0;
        s->early = t->late->early;
    }
    pthread_mutex_unlock(&m->lock);
}

void metrics_kafka_stats(metrics *m, const char *json, size_t len) {
    if (!m) return;
    json_error_t err;
    json_t *root = json_loadb(json, len, 0, &err);
    if (!root) return;
    long long in_flight = 0;
    int n = 0;
    char names[BROKERS_MAX][128];
    double rtt[BROKERS_MAX];
    const char *key;
    json_t *b;
    json_object_foreach(json_object_get(root, "brokers"), key, b) {
        in_flight += json_integer_value(json_object_get(b, "outbuf_msg_cnt")) +
                     json_integer_value(json_object_get(b, "waitresp_msg_cnt"));
        json_int_t nodeid = json_integer_value(json_object_get(b, "nodeid"));
        if (n < BROKERS_MAX && nodeid >= 0) {
            snprintf(names[n], sizeof names[n], "%s", key);
            rtt[n] = (double)json_integer_value(json_object_get(json_object_get(b, "rtt"), "avg")) / 1e6;
            n++;
        }
    }
    pthread_mutex_lock(&m->lock);
    m->snap.queue_msgs = json_integer_value(json_object_get(root, "msg_cnt"));
    m->snap.queue_bytes = json_integer_value(json_object_get(root, "msg_size"));
    m->snap.in_flight = in_flight;
    m->snap.n_brokers = n;
    memcpy(m->snap.broker, names, sizeof names);
    memcpy(m->snap.rtt_avg_s, rtt, sizeof rtt);
    pthread_mutex_unlock(&m->lock);
    json_decref(root);
}

void metrics_free(metrics *m) {
    if (!m) return;
    MHD_stop_daemon(m->daemon);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
