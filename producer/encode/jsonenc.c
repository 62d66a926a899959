/* SPDX-License-Identifier: Apache-2.0 */
/* jsonenc.c - JSON message values (see jsonenc.h). */
#include "jsonenc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "lifecycle.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static int utf8_length(const unsigned char *s) {
    if (s[0] < 0x80) return 1;
    int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0; /* overlong, surrogates */
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))) return 0;
    return n;
}

int jsonenc_string(char *buf, size_t cap, size_t at, const char *str) {
    const unsigned char *s = (const unsigned char *)str;
    if (at + 2 > cap) return -1;
    buf[at++] = '"';
    while (*s) {
        if (at + 8 > cap) return -1;
        unsigned char c = *s;
        if (c == '"' || c == '\\') {
            buf[at++] = '\\';
            buf[at++] = (char)c;
            s++;
            continue;
        }
        if (c < 0x20) {
            static const char short_esc[] = { ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't' };
            if (c < sizeof short_esc && short_esc[c]) {
                buf[at++] = '\\';
                buf[at++] = short_esc[c];
            } else
                at += (size_t)snprintf(buf + at, cap - at, "\\u%04x", c);
            s++;
            continue;
        }
        int n = utf8_length(s);
        if (n == 0) {
            memcpy(buf + at, "\xEF\xBF\xBD", 3);
            at += 3;
            s++;
            continue;
        } /* U+FFFD */
        memcpy(buf + at, s, (size_t)n);
        at += (size_t)n;
        s += n;
    }
    if (at + 1 > cap) return -1;
    buf[at++] = '"';
    return (int)at;
}

/* A value being written: where, how far, and whether it still fits. */
typedef struct jbuf {
    char *p;
    size_t at, cap;
    int full;
} jbuf;

static void lit(jbuf *j, const char *s, size_t n) {
    if (j->full || j->at + n > j->cap) {
        j->full = 1;
        return;
    }
    memcpy(j->p + j->at, s, n);
    j->at += n;
}
#define LIT(j, s) lit((j), (s), sizeof(s) - 1)

static void num(jbuf *j, int64_t v) {
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[sizeof tmp - 1 - n++] = '-';
    lit(j, tmp + sizeof tmp - n, (size_t)n);
}

static void str(jbuf *j, const char *s) {
    if (j->full) return;
    int at = jsonenc_string(j->p, j->cap, j->at, s);
    if (at < 0)
        j->full = 1;
    else
        j->at = (size_t)at;
}

/* An enum's name: plain identifiers, no escaping needed. */
static void name(jbuf *j, const char *s) {
    LIT(j, "\"");
    lit(j, s, strlen(s));
    LIT(j, "\"");
}

static int done(jbuf *j) { return j->full ? -1 : (int)j->at; }

int jsonenc_customer(const customer *c, char *buf, size_t cap) {
    jbuf j = { buf, 0, cap, 0 };
    LIT(&j, "{\"customer_id\":");
    num(&j, c->id);
    LIT(&j, ",\"cohort\":");
    name(&j, cohort_names[c->cohort]);
    LIT(&j, ",\"preferred_channel\":");
    name(&j, channel_names[c->preferred_channel]);
    LIT(&j, ",\"region\":");
    name(&j, region_names[c->region]);
    LIT(&j, ",\"signup_time\":");
    num(&j, c->signup_ms);
    LIT(&j, ",\"loyalty_tier\":");
    name(&j, loyalty_tier_names[c->loyalty_tier]);
    LIT(&j, "}");
    return done(&j);
}

int jsonenc_product(const product *p, const product_version *v, char *buf, size_t cap) {
    jbuf j = { buf, 0, cap, 0 };
    char pop[32];
    int n = 0;
    for (int digits = 1; digits <= 17; digits++) { /* the shortest form that reads back to the same double */
        n = snprintf(pop, sizeof pop, "%.*g", digits, p->popularity);
        if (strtod(pop, NULL) == p->popularity) break;
    }
    if (!strpbrk(pop, ".eEn")) n += snprintf(pop + n, sizeof pop - (size_t)n, ".0"); /* stays a real: 1.0, not 1 */
    LIT(&j, "{\"product_id\":");
    num(&j, p->id);
    LIT(&j, ",\"category\":");
    name(&j, category_names[p->category]);
    LIT(&j, ",\"name\":");
    str(&j, p->name);
    LIT(&j, ",\"price_cents\":");
    num(&j, v->price_cents);
    LIT(&j, ",\"popularity\":");
    lit(&j, pop, (size_t)n);
    if (v->in_stock)
        LIT(&j, ",\"in_stock\":true");
    else
        LIT(&j, ",\"in_stock\":false");
    LIT(&j, ",\"valid_from\":");
    num(&j, v->valid_from_ms);
    LIT(&j, "}");
    return done(&j);
}

int jsonenc_campaign(const campaign *k, char *buf, size_t cap) {
    jbuf j = { buf, 0, cap, 0 };
    LIT(&j, "{\"campaign_id\":");
    num(&j, k->id);
    LIT(&j, ",\"name\":");
    str(&j, k->name);
    LIT(&j, ",\"discount_pct\":");
    num(&j, k->discount_pct);
    LIT(&j, ",\"target_category\":");
    if (k->target_category >= 0)
        name(&j, category_names[k->target_category]);
    else
        LIT(&j, "null");
    LIT(&j, ",\"target_cohort\":");
    if (k->target_cohort >= 0)
        name(&j, cohort_names[k->target_cohort]);
    else
        LIT(&j, "null");
    LIT(&j, ",\"start_time\":");
    num(&j, k->start_ms);
    LIT(&j, ",\"end_time\":");
    num(&j, k->end_ms);
    LIT(&j, "}");
    return done(&j);
}

int jsonenc_order(const order_batch *b, size_t k, const char *currency, const char *scenario, char *buf, size_t cap) {
    jbuf j = { buf, 0, cap, 0 };
    LIT(&j, "{\"order_id\":");
    num(&j, b->order_id[k]);
    LIT(&j, ",\"customer_id\":");
    num(&j, b->customer_id[k]);
    LIT(&j, ",\"event_time\":");
    num(&j, b->event_time_ms[k]);
    LIT(&j, ",\"channel\":");
    name(&j, channel_names[b->channel[k]]);
    LIT(&j, ",\"payment_method\":");
    name(&j, payment_method_names[b->payment_method[k]]);
    LIT(&j, ",\"status\":");
    name(&j, order_status_names[b->status[k]]);
    LIT(&j, ",\"item_count\":");
    num(&j, b->item_count[k]);
    LIT(&j, ",\"subtotal_cents\":");
    num(&j, b->subtotal_cents[k]);
    LIT(&j, ",\"discount_cents\":");
    num(&j, b->discount_cents[k]);
    LIT(&j, ",\"total_cents\":");
    num(&j, b->total_cents[k]);
    LIT(&j, ",\"currency\":");
    str(&j, currency);
    LIT(&j, ",\"campaign_id\":");
    if (b->campaign_id[k])
        num(&j, b->campaign_id[k]);
    else
        LIT(&j, "null");
    LIT(&j, ",\"scenario\":");
    str(&j, scenario);
    LIT(&j, "}");
    return done(&j);
}

int jsonenc_order_item(const order_batch *b, size_t k, size_t line, char *buf, size_t cap) {
    size_t i = b->first_item[k] + line;
    jbuf j = { buf, 0, cap, 0 };
    LIT(&j, "{\"order_id\":");
    num(&j, b->order_id[k]);
    LIT(&j, ",\"line_number\":");
    num(&j, (int64_t)line + 1);
    LIT(&j, ",\"product_id\":");
    num(&j, b->item_product_id[i]);
    LIT(&j, ",\"quantity\":");
    num(&j, b->item_quantity[i]);
    LIT(&j, ",\"unit_price_cents\":");
    num(&j, b->item_unit_price_cents[i]);
    LIT(&j, ",\"discount_cents\":");
    num(&j, b->item_discount_cents[i]);
    LIT(&j, ",\"line_total_cents\":");
    num(&j, b->item_line_total_cents[i]);
    LIT(&j, ",\"event_time\":");
    num(&j, b->event_time_ms[k]);
    LIT(&j, "}");
    return done(&j);
}

static void flag(jbuf *j, int on) {
    if (on)
        LIT(j, "true");
    else
        LIT(j, "false");
}

int jsonenc_payment(const life_record *r, const char *currency, char *buf, size_t cap) {
    jbuf j = { buf, 0, cap, 0 };
    LIT(&j, "{\"order_id\":");
    num(&j, r->order_id);
    LIT(&j, ",\"attempt\":");
    num(&j, r->ev->attempt);
    LIT(&j, ",\"event_time\":");
    num(&j, r->ev->time_ms);
    LIT(&j, ",\"payment_method\":");
    name(&j, payment_method_names[r->payment_method]);
    LIT(&j, ",\"status\":");
    name(&j, payment_status_names[r->ev->status]);
    LIT(&j, ",\"amount_cents\":");
    num(&j, r->ev->amount_cents);
    LIT(&j, ",\"currency\":");
    str(&j, currency);
    LIT(&j, ",\"final\":");
    flag(&j, r->ev->final);
    LIT(&j, "}");
    return done(&j);
}

int jsonenc_shipment(const life_record *r, char *buf, size_t cap) {
    jbuf j = { buf, 0, cap, 0 };
    LIT(&j, "{\"order_id\":");
    num(&j, r->order_id);
    LIT(&j, ",\"event_time\":");
    num(&j, r->ev->time_ms);
    LIT(&j, ",\"status\":");
    name(&j, shipment_status_names[r->ev->status]);
    LIT(&j, ",\"carrier\":");
    name(&j, carrier_names[r->ev->carrier]);
    LIT(&j, ",\"region\":");
    name(&j, region_names[r->region]);
    LIT(&j, ",\"final\":");
    flag(&j, r->ev->final);
    LIT(&j, "}");
    return done(&j);
}
