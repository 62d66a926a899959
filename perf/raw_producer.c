/* raw_producer.c - the baseline shopstream's publishing is measured against.
 *
 * A plain librdkafka producer: N pre-built messages of S bytes with 8-byte
 * keys, to one topic, with shopstream's producer settings (idempotent,
 * acks=all, murmur2_random, lz4, linger.ms=5, batch.num.messages=10000),
 * timed from the first produce to the last delivery report. No generation,
 * no encoding: what the client and broker alone can do.
 *
 *   raw_producer -b BROKERS|--mock -t TOPIC -n COUNT -s SIZE [-p PARTITIONS] [-X name=value ...]
 *
 * --mock starts librdkafka's mock cluster in process, as shopstream's
 * embedded broker does. Prints one line: messages, seconds, messages/s, MB/s. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned long long delivered, failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk; (void)opaque;
    if (m->err) failed++; else delivered++;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
    char err[512];
    if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "raw_producer: %s=%s: %s\n", name, value, err);
        exit(2);
    }
}

int main(int argc, char **argv) {
    const char *brokers = NULL, *topic = "raw.bench";
    long count = 1000000, size = 60, partitions = 6;
    int mock = 0;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "enable.idempotence", "true");
    set(conf, "acks", "all");
    set(conf, "partitioner", "murmur2_random");
    set(conf, "compression.type", "lz4");
    set(conf, "linger.ms", "5");
    set(conf, "batch.num.messages", "10000");
    set(conf, "queue.buffering.max.messages", "200000");
    set(conf, "queue.buffering.max.kbytes", "65536");
    int opt;
    while ((opt = getopt(argc, argv, "b:mt:n:s:p:X:")) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 'm': mock = 1; break;
        case 't': topic = optarg; break;
        case 'n': count = atol(optarg); break;
        case 's': size = atol(optarg); break;
        case 'p': partitions = atol(optarg); break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq) { fprintf(stderr, "raw_producer: -X name=value\n"); return 2; }
            *eq = '\0';
            set(conf, optarg, eq + 1);
            break;
        }
        default:
            fprintf(stderr, "usage: raw_producer -b BROKERS|-m -t TOPIC -n COUNT -s SIZE [-p N] [-X k=v]\n");
            return 2;
        }
    }
    if ((!brokers && !mock) || count < 1 || size < 1) {
        fprintf(stderr, "usage: raw_producer -b BROKERS|-m -t TOPIC -n COUNT -s SIZE [-p N] [-X k=v]\n");
        return 2;
    }
    char err[512];
    rd_kafka_t *host = NULL;
    rd_kafka_mock_cluster_t *mc = NULL;
    if (mock) {
        rd_kafka_conf_t *hconf = rd_kafka_conf_new();
        rd_kafka_conf_set(hconf, "log_level", "3", err, sizeof err);
        host = rd_kafka_new(RD_KAFKA_PRODUCER, hconf, err, sizeof err);
        mc = host ? rd_kafka_mock_cluster_new(host, 1) : NULL;
        if (!mc) { fprintf(stderr, "raw_producer: mock cluster: %s\n", err); return 1; }
        rd_kafka_mock_topic_create(mc, topic, (int)partitions, 1);
        brokers = rd_kafka_mock_cluster_bootstraps(mc);
    }
    set(conf, "bootstrap.servers", brokers);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) { fprintf(stderr, "raw_producer: %s\n", err); return 1; }

    /* Pre-built payloads: text-like bytes (letters, digits, small varints),
     * 64 variants so batches compress as real records roughly do. */
    char *payload = malloc((size_t)size * 64);
    for (long i = 0; i < size * 64; i++) payload[i] = (char)("0123456789abcdefghijklmnopqrstuvwxyz\002\004\010"[(i * 7 + i / 13) % 39]);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);

    double t0 = now_s();
    for (long i = 0; i < count; i++) {
        unsigned char key[8];
        unsigned long long id = (unsigned long long)i + 1;
        for (int b = 0; b < 8; b++) key[b] = (unsigned char)(id >> (56 - 8 * b));
        for (;;) {
            rd_kafka_resp_err_t e = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                      RD_KAFKA_V_KEY(key, 8),
                                                      RD_KAFKA_V_VALUE(payload + (i % 64) * size, (size_t)size),
                                                      RD_KAFKA_V_END);
            if (!e) break;
            if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) { fprintf(stderr, "raw_producer: %s\n", rd_kafka_err2str(e)); return 1; }
            rd_kafka_poll(rk, 5);
        }
        if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 120000);
    double secs = now_s() - t0;
    printf("raw_producer: %llu delivered, %llu failed, %.3f s, %.0f msgs/s, %.1f MB/s (%ld-byte values)\n",
           delivered, failed, secs, (double)delivered / secs, (double)delivered * (double)(size + 8) / secs / 1e6, size);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    free(payload);
    if (mc) rd_kafka_mock_cluster_destroy(mc);
    if (host) rd_kafka_destroy(host);
    return failed || delivered != (unsigned long long)count;
}
