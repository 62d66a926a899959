/* SPDX-License-Identifier: Apache-2.0 */
/* embedded.h - the embedded broker: librdkafka's mock cluster, in process.
 *
 * The default when no -b is given, so one command shows shopstream working
 * with no Kafka installed. It listens on a loopback port that any Kafka
 * client can use (kcat -b ADDR -t shop.orders -C), for as long as the
 * process keeps it. */
#ifndef SHOPSTREAM_EMBEDDED_H
#define SHOPSTREAM_EMBEDDED_H

#include <stddef.h>

typedef struct embedded_broker embedded_broker;

/* Starts a one-broker mock cluster and creates topics[0..n) with the given
 * partition count. */
int embedded_broker_new(const char *const *topics, size_t n, int partitions, embedded_broker **out, char *errstr,
                        size_t errlen);

/* "127.0.0.1:PORT", the bootstrap address. */
const char *embedded_broker_address(const embedded_broker *b);

void embedded_broker_free(embedded_broker *b);

#endif
