/* SPDX-License-Identifier: Apache-2.0 */
/* admin_describe.c - topic and broker configs through DescribeConfigs (see admin_describe.h). */
#include "admin_describe.h"

#include <stdio.h>
#include <string.h>

#define DESCRIBE_MAX 32

/* The config a result is for: a wanted topic's, or the broker's. */
static topic_config *target_of(const rd_kafka_ConfigResource_t *r, const char *const *names, const int *want, size_t n,
                               topic_config *out, topic_config *defaults) {
    if (rd_kafka_ConfigResource_type(r) == RD_KAFKA_RESOURCE_BROKER) return defaults;
    for (size_t i = 0; i < n; i++)
        if (want[i] && strcmp(names[i], rd_kafka_ConfigResource_name(r)) == 0) return &out[i];
    return NULL;
}

/* Each resource's entries into its config; 0, or 1 with the first that was
 * not answered in errstr. */
static int read_results(const rd_kafka_DescribeConfigs_result_t *res, const char *const *names, const int *want,
                        size_t n, topic_config *out, topic_config *defaults, char *errstr, size_t errlen) {
    size_t cnt;
    int rc = 0;
    const rd_kafka_ConfigResource_t **rs = rd_kafka_DescribeConfigs_result_resources(res, &cnt);
    for (size_t i = 0; i < cnt; i++) {
        topic_config *c = target_of(rs[i], names, want, n, out, defaults);
        if (!c) continue;
        rd_kafka_resp_err_t e = rd_kafka_ConfigResource_error(rs[i]);
        if (e) {
            const char *why = rd_kafka_ConfigResource_error_string(rs[i]);
            if (rc == 0)
                snprintf(errstr, errlen, "%s %s: %s",
                         rd_kafka_ConfigResource_type(rs[i]) == RD_KAFKA_RESOURCE_BROKER ? "broker" : "topic",
                         rd_kafka_ConfigResource_name(rs[i]), why && *why ? why : rd_kafka_err2str(e));
            rc = 1;
            continue;
        }
        size_t n_entries;
        const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(rs[i], &n_entries);
        for (size_t k = 0; k < n_entries; k++)
            topic_config_set(c, rd_kafka_ConfigEntry_name(entries[k]), rd_kafka_ConfigEntry_value(entries[k]));
        c->known = 1;
    }
    return rc;
}

int admin_describe_configs(rd_kafka_t *rk, const char *const *names, const int *want, size_t n, int32_t broker_id,
                           topic_config *out, topic_config *defaults, int timeout_ms, char *errstr, size_t errlen) {
    rd_kafka_ConfigResource_t *res[DESCRIBE_MAX];
    size_t n_res = 0;
    char id[16], err[512];
    if (defaults) topic_config_init(defaults);
    for (size_t i = 0; i < n; i++) {
        topic_config_init(&out[i]);
        if (want[i] && n_res < DESCRIBE_MAX - 1)
            res[n_res++] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, names[i]);
    }
    if (defaults && broker_id >= 0) {
        snprintf(id, sizeof id, "%d", (int)broker_id);
        res[n_res++] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_BROKER, id);
    }
    if (n_res == 0) return 0;
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opt = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    rd_kafka_AdminOptions_set_request_timeout(opt, timeout_ms, err, sizeof err);
    rd_kafka_DescribeConfigs(rk, res, n_res, opt, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 2000);
    const rd_kafka_DescribeConfigs_result_t *result = ev ? rd_kafka_event_DescribeConfigs_result(ev) : NULL;
    int rc = -1;
    if (!result)
        snprintf(errstr, errlen, "reading topic configs: %s", ev ? rd_kafka_event_error_string(ev) : "timed out");
    else if (rd_kafka_event_error(ev))
        snprintf(errstr, errlen, "reading topic configs: %s", rd_kafka_event_error_string(ev));
    else
        rc = read_results(result, names, want, n, out, defaults, errstr, errlen);
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(opt);
    rd_kafka_queue_destroy(q);
    rd_kafka_ConfigResource_destroy_array(res, n_res);
    return rc;
}
