/* SPDX-License-Identifier: Apache-2.0 */
/* admin_describe.h - what a cluster says of its topics' configs, and of the
 * defaults a broker gives the topics it creates, read with librdkafka's
 * DescribeConfigs into topic_config (topic_limits.h) for admin.c.
 *
 * One request for all of them: the topics' resources (any broker answers)
 * and at most one broker's (the request goes to that broker). A resource the
 * broker does not answer for (not authorized, say) stays unknown, and the
 * caller says that it was not checked. */
#ifndef SHOPSTREAM_ADMIN_DESCRIBE_H
#define SHOPSTREAM_ADMIN_DESCRIBE_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>
#include <stdint.h>

#include "topic_limits.h"

/* The configs of names[i] where want[i] into out[i], and, when broker_id >=
 * 0, that broker's defaults for new topics into *defaults; each known once
 * the broker answered for it (else as topic_config_init left it). 0: all
 * answered; 1: some not, the first reason in errstr ("topic NAME: ..."); -1:
 * the request failed as a whole (not answered, or not supported), one line
 * in errstr. */
int admin_describe_configs(rd_kafka_t *rk, const char *const *names, const int *want, size_t n, int32_t broker_id,
                           topic_config *out, topic_config *defaults, int timeout_ms, char *errstr, size_t errlen);

#endif
