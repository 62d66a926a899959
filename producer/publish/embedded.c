/* SPDX-License-Identifier: Apache-2.0 */
/* embedded.c - librdkafka mock cluster as the embedded broker (see embedded.h).
 *
 * The mock cluster lives inside an rd_kafka_t of its own, which nothing
 * produces through: the producer reaches it over loopback like any client. */
#include "embedded.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>

struct embedded_broker {
    rd_kafka_t *host;
    rd_kafka_mock_cluster_t *cluster;
};

int embedded_broker_new(const char *const *topics, size_t n, int partitions, embedded_broker **out, char *errstr,
                        size_t errlen) {
    *out = NULL;
    char err[512];
    embedded_broker *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    b->host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!b->host) {
        rd_kafka_conf_destroy(conf);
        snprintf(errstr, errlen, "embedded broker: %s", err);
        free(b);
        return -1;
    }
    b->cluster = rd_kafka_mock_cluster_new(b->host, 1);
    if (!b->cluster) {
        snprintf(errstr, errlen, "embedded broker: cannot start librdkafka's mock cluster");
        embedded_broker_free(b);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(b->cluster, topics[i], partitions, 1);
        if (e) {
            snprintf(errstr, errlen, "embedded broker: topic %s: %s", topics[i], rd_kafka_err2str(e));
            embedded_broker_free(b);
            return -1;
        }
    }
    *out = b;
    return 0;
}

const char *embedded_broker_address(const embedded_broker *b) { return rd_kafka_mock_cluster_bootstraps(b->cluster); }

void embedded_broker_free(embedded_broker *b) {
    if (!b) return;
    if (b->cluster) rd_kafka_mock_cluster_destroy(b->cluster);
    if (b->host) rd_kafka_destroy(b->host);
    free(b);
}
