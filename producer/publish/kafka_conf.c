/* SPDX-License-Identifier: Apache-2.0 */
/* kafka_conf.c - the producer's configuration and partitioner (see kafka_conf.h). */
#include "kafka_conf.h"

#include <stdio.h>
#include <string.h>

#include "base/clip.h"
#include "base/secrets.h"

/* shopstream's producer defaults; config kafka.properties and -X override. */
static const sink_property producer_defaults[] = {
    { "enable.idempotence", "true", NULL, 0 },
    { "allow.auto.create.topics", "false", NULL, 0 }, /* admin.c creates them as we need them */
    { "acks", "all", NULL, 0 },
    { "partitioner", "murmur2_random", NULL, 0 },
    { "compression.type", "lz4", NULL, 0 },
    { "linger.ms", "5", NULL, 0 },
    { "batch.num.messages", "10000", NULL, 0 },
    { "queue.buffering.max.messages", "200000", NULL, 0 },
    { "queue.buffering.max.kbytes", "65536", NULL, 0 },
    { "message.timeout.ms", "60000", NULL, 0 },
};
#define N_DEFAULTS (sizeof producer_defaults / sizeof producer_defaults[0])

rd_kafka_conf_t *kafka_conf_new(const sink_config *cfg, const char *brokers, char *errstr, size_t errlen) {
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (brokers && rd_kafka_conf_set(conf, "bootstrap.servers", brokers, err, sizeof err) != RD_KAFKA_CONF_OK) {
        snprintf(errstr, errlen, "-b %s: %s", CLIP(brokers), err);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    for (size_t i = 0; i < N_DEFAULTS; i++)
        rd_kafka_conf_set(conf, producer_defaults[i].name, producer_defaults[i].value, err, sizeof err);
    if (kafka_conf_apply(conf, cfg->properties, cfg->n_properties, errstr, errlen) != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

int kafka_conf_apply(rd_kafka_conf_t *conf, const sink_property *properties, size_t n, char *errstr, size_t errlen) {
    char err[512];
    for (size_t i = 0; i < n; i++) {
        const sink_property *p = &properties[i];
        if (rd_kafka_conf_set(conf, p->name, p->value, err, sizeof err) != RD_KAFKA_CONF_OK) {
            /* The value only when it cannot be a secret (an unknown name may
             * be a mistyped secret one). */
            int known = !strstr(err, "No such configuration property");
            const char *value = known && !secrets_property_is_secret(p->name) ? p->value : "***";
            if (p->file)
                snprintf(errstr, errlen, "%s:%d: kafka.properties: %s=%s: %s", CLIP(p->file), p->line, CLIP(p->name),
                         CLIP(value), err);
            else
                snprintf(errstr, errlen, "-X %s=%s: %s", CLIP(p->name), CLIP(value), err);
            return -1;
        }
    }
    return 0;
}

static const struct {
    const char *name;
    kafka_partitioner_fn fn;
} partitioners[] = {
    { "murmur2_random", rd_kafka_msg_partitioner_murmur2_random },
    { "murmur2", rd_kafka_msg_partitioner_murmur2 },
    { "consistent_random", rd_kafka_msg_partitioner_consistent_random },
    { "consistent", rd_kafka_msg_partitioner_consistent },
    { "fnv1a_random", rd_kafka_msg_partitioner_fnv1a_random },
    { "fnv1a", rd_kafka_msg_partitioner_fnv1a },
    { "random", NULL },
};

const char *kafka_conf_partitioner_name(const sink_property *properties, size_t n) {
    const char *name = NULL;
    for (size_t i = 0; i < N_DEFAULTS; i++)
        if (strcmp(producer_defaults[i].name, "partitioner") == 0) name = producer_defaults[i].value;
    for (size_t i = 0; i < n; i++)
        if (strcmp(properties[i].name, "partitioner") == 0) name = properties[i].value;
    return name;
}

kafka_partitioner_fn kafka_conf_partitioner(const sink_config *cfg) {
    const char *name = kafka_conf_partitioner_name(cfg->properties, cfg->n_properties);
    for (size_t i = 0; name && i < sizeof partitioners / sizeof partitioners[0]; i++)
        if (strcmp(partitioners[i].name, name) == 0) return partitioners[i].fn;
    /* Another name: kafka_conf_new refuses it for the Kafka sink; the null
     * and stdout sinks, which check no property, use the default. */
    return rd_kafka_msg_partitioner_murmur2_random;
}

const char *kafka_conf_scram_hint(const sink_config *cfg, const char *why) {
    int scram = 0;
    for (size_t i = 0; i < cfg->n_properties; i++)
        if (strncmp(cfg->properties[i].name, "sasl.mechanism", 14) == 0 &&
            strcasestr(cfg->properties[i].value, "SCRAM"))
            scram = 1;
    if (!scram || rd_kafka_version() >= 0x020601ff || !strcasestr(why, "authentication")) return "";
    return "; note: this librdkafka's SASL/SCRAM is refused by Kafka 4 even with the right password, "
           "librdkafka 2.6.1 fixed it (issue 4895)";
}
