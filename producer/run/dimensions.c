/* SPDX-License-Identifier: Apache-2.0 */
/* dimensions.c - customers, products and campaigns (see stream.h): each as
 * it stands when the run (or its slice) begins, then every later version
 * into the calendar, published when simulated time reaches it; with
 * --changelog, the connector's snapshot of customers and products and each
 * version's change event (encode/changes.h). A closed account is a
 * tombstone on shop.customers, and a delete and its tombstone on the
 * change topic. */
#include <stdio.h>

#include "stream.h"

/* One record, encoded on this thread into st->value (len 0: a tombstone). */
static int publish_record(run_state *st, topic_id t, int64_t id, int len, int64_t ts) {
    if (len < 0) {
        snprintf(st->errstr, sizeof st->errstr, "%s: a value outgrew %zu bytes", st->rc->topics.name[t], st->value_cap);
        return -1;
    }
    return publish_message(st, t, id, st->value, (size_t)len, ts) < 0 ? -1 : 0;
}

/* Into the calendar: id's message on t at ts with tie, its value the len
 * bytes in st->value (0: a tombstone). */
static int schedule(run_state *st, topic_id t, int64_t id, int64_t ts, uint64_t tie, int len) {
    if (len < 0) return publish_record(st, t, id, len, ts);
    msg_ref r = { .key_id = id,
                  .timestamp_ms = ts,
                  .release_ms = ts,
                  .tie = tie,
                  .value_len = (uint32_t)len,
                  .topic = (uint8_t)t,
                  .kind = MSG_ON_TIME };
    return calendar_push(&st->calendar, &r, st->value) != 0 ? calendar_failed(st) : 0;
}

/* The version of p a run begins with: the first; a slice from T, the
 * version valid at T (the last with valid_from <= T). */
static uint32_t version_at_start(const run_config *rc, const catalog *c, const product *p) {
    uint32_t k = p->first_version;
    if (rc->from_ms == INT64_MIN) return k;
    while (k + 1 < p->first_version + p->n_versions && c->versions[k + 1].valid_from_ms <= rc->from_ms) k++;
    return k;
}

/* The same for customer cu's versions. */
static uint32_t customer_at_start(const run_config *rc, const catalog *c, const customer *cu) {
    uint32_t k = cu->first_version;
    if (rc->from_ms == INT64_MIN) return k;
    while (k + 1 < cu->first_version + cu->n_versions && c->customer_versions[k + 1].valid_from_ms <= rc->from_ms) k++;
    return k;
}

/* cu as version v holds it. */
static customer as_of(const customer *cu, const customer_version *v) {
    customer x = *cu;
    x.loyalty_tier = v->loyalty_tier;
    x.region = v->region;
    return x;
}

/* Every product version after the one the run begins with. */
static int schedule_product_versions(run_state *st, const catalog *c) {
    for (size_t i = 0; i < c->n_products; i++) {
        const product *p = &c->products[i];
        for (uint32_t k = version_at_start(st->rc, c, p) + 1; k < p->first_version + p->n_versions; k++) {
            const product_version *v = &c->versions[k];
            int64_t at = v->valid_from_ms;
            if (schedule(st, TOPIC_PRODUCTS, p->id, at, k,
                         encoder_product(st->encoder, p, v, st->value, st->value_cap)))
                return -1;
            if (!st->changes) continue;
            change_event e = { 'u', "false", at, change_lsn(st->changes, at, p->id, CHANGE_SUB_PRODUCT) };
            if (schedule(st, TOPIC_CHANGE_PRODUCTS, p->id, at, MSG_TIE_CHANGE_VERSION + k,
                         change_product(st->changes, &e, p, v - 1, v, st->value, st->value_cap)))
                return -1;
        }
    }
    return 0;
}

/* Every customer version after the one the run begins with: a new tier or
 * region, or the account closed. */
static int schedule_customer_versions(run_state *st, const catalog *c) {
    for (size_t i = 0; i < c->n_customers; i++) {
        const customer *cu = &c->customers[i];
        for (uint32_t k = customer_at_start(st->rc, c, cu) + 1; k < cu->first_version + cu->n_versions; k++) {
            const customer_version *v = &c->customer_versions[k];
            int64_t at = v->valid_from_ms;
            customer x = as_of(cu, v);
            int len = v->closed ? 0 : encoder_customer(st->encoder, &x, st->value, st->value_cap);
            if (schedule(st, TOPIC_CUSTOMERS, cu->id, at, MSG_TIE_CUSTOMER_VERSION + k, len)) return -1;
            if (!st->changes) continue;
            change_event e = { v->closed ? 'd' : 'u', "false", at,
                               change_lsn(st->changes, at, cu->id, CHANGE_SUB_CUSTOMER) };
            uint64_t tie = MSG_TIE_CHANGE_CUSTOMER + 2u * (uint64_t)k;
            if (schedule(st, TOPIC_CHANGE_CUSTOMERS, cu->id, at, tie,
                         change_customer(st->changes, &e, cu, v - 1, v->closed ? NULL : v, st->value, st->value_cap)) ||
                (v->closed && schedule(st, TOPIC_CHANGE_CUSTOMERS, cu->id, at, tie + 1, 0)))
                return -1;
        }
    }
    return 0;
}

/* The connector's initial snapshot of customers and products (op r): the
 * rows as they stand when the run (or its slice) begins. */
static int publish_snapshot(run_state *st, const catalog *c, int64_t ts) {
    for (size_t i = 0; i < c->n_customers && !*st->stop; i++) {
        const customer *cu = &c->customers[i];
        uint32_t k = customer_at_start(st->rc, c, cu);
        const customer_version *v = &c->customer_versions[k];
        if (v->closed) continue; /* closed before the slice: no row */
        int64_t at = k == cu->first_version ? ts : v->valid_from_ms;
        change_event e = { 'r', "true", at, change_lsn(st->changes, -1, cu->id, CHANGE_SUB_SNAPSHOT_CUSTOMER) };
        if (publish_record(st, TOPIC_CHANGE_CUSTOMERS, cu->id,
                           change_customer(st->changes, &e, cu, NULL, v, st->value, st->value_cap), at))
            return -1;
    }
    for (size_t i = 0; i < c->n_products && !*st->stop; i++) {
        const product *p = &c->products[i];
        uint32_t k = version_at_start(st->rc, c, p);
        int64_t at = k == p->first_version ? ts : c->versions[k].valid_from_ms;
        change_event e = { 'r', i + 1 == c->n_products ? "last" : "true", at,
                           change_lsn(st->changes, -1, p->id, CHANGE_SUB_SNAPSHOT_PRODUCT) };
        if (publish_record(st, TOPIC_CHANGE_PRODUCTS, p->id,
                           change_product(st->changes, &e, p, NULL, &c->versions[k], st->value, st->value_cap), at))
            return -1;
    }
    return 0;
}

int publish_dimensions(run_state *st) {
    if (st->rc->shard_index != 0) return 0; /* shard 0 publishes them, once */
    const catalog *c = engine_get_catalog(st->engine);
    int64_t ts = st->rc->engine.start_ms;
    /* a slice's: the same message as the whole run's for the version valid at its start */
    for (size_t i = 0; i < c->n_customers && !*st->stop; i++) {
        const customer *cu = &c->customers[i];
        uint32_t k = customer_at_start(st->rc, c, cu);
        const customer_version *v = &c->customer_versions[k];
        if (v->closed) continue;
        customer x = as_of(cu, v);
        if (publish_record(st, TOPIC_CUSTOMERS, cu->id, encoder_customer(st->encoder, &x, st->value, st->value_cap),
                           k == cu->first_version ? ts : v->valid_from_ms))
            return -1;
    }
    for (size_t i = 0; i < c->n_products && !*st->stop; i++) {
        uint32_t k = version_at_start(st->rc, c, &c->products[i]);
        int64_t at = k == c->products[i].first_version ? ts : c->versions[k].valid_from_ms;
        if (publish_record(st, TOPIC_PRODUCTS, c->products[i].id,
                           encoder_product(st->encoder, &c->products[i], &c->versions[k], st->value, st->value_cap),
                           at))
            return -1;
    }
    if (st->changes && publish_snapshot(st, c, ts) != 0) return -1;
    if (schedule_product_versions(st, c) != 0 || schedule_customer_versions(st, c) != 0) return -1;
    for (size_t i = 0; i < c->n_campaigns && !*st->stop; i++)
        if (publish_record(st, TOPIC_CAMPAIGNS, c->campaigns[i].id,
                           encoder_campaign(st->encoder, &c->campaigns[i], st->value, st->value_cap), ts))
            return -1;
    /* Facts only after every dimension record is acknowledged. */
    if (publish_drain(st, FLUSH_TIMEOUT_MS) != 0 && !*st->stop) {
        if (sink_fatal(st->sink, st->errstr, sizeof st->errstr)) return -1; /* the sink's own line says why */
        const char *why = sink_get_counters(st->sink)->first_error;
        snprintf(st->errstr, sizeof st->errstr, "dimension topics were not fully delivered: %s",
                 why[0] ? why : "timed out");
        return -1;
    }
    return 0;
}
