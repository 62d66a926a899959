/* SPDX-License-Identifier: Apache-2.0 */
/* lifecycle.c - an order's payments, shipment and return (see lifecycle.h).
 *
 * Draws: (g, STREAM_LIFE_A) the payment's delays and the retry, (g,
 * STREAM_LIFE_B) fulfilment's delays and the return, (g, STREAM_LIFE_C)
 * the carrier, the return's and refund's delays and what is refunded.
 * Integer arithmetic only, as in order_gen.h. */
#include "lifecycle.h"

#include "mix.h"
#include "simtime.h"

const char *const payment_status_names[PAY_STATUS_COUNT] = { "authorized", "declined", "captured",
                                                             "voided",     "expired",  "refunded" };
const char *const shipment_status_names[SHIP_STATUS_COUNT] = { "packed", "shipped", "delivered", "returned" };
const char *const carrier_names[CARRIER_COUNT] = { "ups", "fedex", "usps", "dhl", "dpd" };

#define SECOND_MS 1000

/* The carriers serving each region, picked uniformly. */
static const uint8_t region_carriers[REGION_COUNT][3] = {
    [REGION_US_EAST] = { CARRIER_UPS, CARRIER_FEDEX, CARRIER_USPS },
    [REGION_US_WEST] = { CARRIER_UPS, CARRIER_FEDEX, CARRIER_USPS },
    [REGION_EU_WEST] = { CARRIER_DHL, CARRIER_DPD, CARRIER_UPS },
    [REGION_EU_CENTRAL] = { CARRIER_DHL, CARRIER_DPD, CARRIER_UPS },
    [REGION_APAC] = { CARRIER_DHL, CARRIER_FEDEX, CARRIER_UPS },
    [REGION_LATAM] = { CARRIER_DHL, CARRIER_FEDEX, CARRIER_UPS },
};

void life_model_init(life_model *m, uint64_t seed, int64_t end_ms) {
    *m = (life_model){ 0 };
    m->key = philox_key_from_seed(seed);
    m->end_ms = end_ms;
    m->retry_share = mix_share_threshold(0.03);
    m->return_share = mix_share_threshold(0.08);
    m->full_refund_share = mix_share_threshold(0.40);
}

/* The outage window holding (t, method), or NULL. */
static const life_window *outage_at(const life_model *m, int64_t t, unsigned method) {
    for (size_t i = 0; i < m->n_outages; i++) {
        const life_window *w = &m->outages[i];
        if (t >= w->start_ms && t < w->end_ms && (w->methods == 0 || (w->methods >> method & 1u))) return w;
    }
    return NULL;
}

/* Extra transit for a delivery due at t by this carrier to this region. */
static int64_t delay_at(const life_model *m, int64_t t, int carrier, int region) {
    int64_t extra = 0;
    for (size_t i = 0; i < m->n_delays; i++) {
        const life_window *w = &m->delays[i];
        if (t >= w->start_ms && t < w->end_ms && (w->carrier < 0 || w->carrier == carrier) &&
            (w->region < 0 || w->region == region))
            extra += w->extra_ms;
    }
    return extra;
}

/* The return share for an order delivered at t. */
static uint32_t return_share_at(const life_model *m, int64_t t) {
    double f = 1.0;
    for (size_t i = 0; i < m->n_waves; i++)
        if (t >= m->waves[i].start_ms && t < m->waves[i].end_ms) f *= m->waves[i].factor;
    double p = (double)m->return_share * f;
    return p >= 4294967295.0 ? UINT32_MAX : (uint32_t)p;
}

typedef struct life_writer {
    life_event *out;
    size_t n;
} life_writer;

static void add(life_writer *w, int64_t t, int topic, int status, int attempt, int carrier, int64_t amount) {
    w->out[w->n] = (life_event){
        t, amount, (uint8_t)topic, (uint8_t)status, (uint8_t)attempt, (uint8_t)carrier, (uint8_t)(w->n + 1), 0
    };
    w->n++;
}

/* Capture, fulfilment and perhaps a return, once a payment is authorized at t. */
static void after_authorization(const life_model *m, const life_order *o, philox_ctr a, int64_t t, int attempt,
                                life_writer *w) {
    philox_ctr b = philox_draw(m->key, o->g, STREAM_LIFE_B, 0);
    philox_ctr c = philox_draw(m->key, o->g, STREAM_LIFE_C, 0);
    add(w, t, LIFE_PAYMENT, PAY_AUTHORIZED, attempt, 0, o->total_cents);
    t += o->payment_method == PAYMENT_BANK_TRANSFER ? philox_between(a.v[3], DAY_MS, 3 * DAY_MS)
                                                    : philox_between(a.v[3], 10 * SECOND_MS, 30 * MINUTE_MS);
    add(w, t, LIFE_PAYMENT, PAY_CAPTURED, attempt, 0, o->total_cents);
    int carrier = region_carriers[o->region][philox_below(c.v[3], 3)];
    t += philox_between(b.v[0], 2 * HOUR_MS, 20 * HOUR_MS);
    add(w, t, LIFE_SHIPMENT, SHIP_PACKED, 0, carrier, 0);
    t += philox_between(b.v[1], 2 * HOUR_MS, 24 * HOUR_MS);
    add(w, t, LIFE_SHIPMENT, SHIP_SHIPPED, 0, carrier, 0);
    t += philox_between(b.v[2], DAY_MS, 5 * DAY_MS);
    t += delay_at(m, t, carrier, o->region);
    add(w, t, LIFE_SHIPMENT, SHIP_DELIVERED, 0, carrier, 0);
    if (b.v[3] >= return_share_at(m, t)) return;
    t += philox_between(c.v[0], DAY_MS, 14 * DAY_MS);
    add(w, t, LIFE_SHIPMENT, SHIP_RETURNED, 0, carrier, 0);
    t += philox_between(c.v[1], DAY_MS, 3 * DAY_MS);
    int64_t refund = c.v[2] < m->full_refund_share || o->n_lines == 0
                         ? o->total_cents
                         : o->line_totals[philox_below(c.v[2], o->n_lines)];
    if (refund > o->total_cents) refund = o->total_cents; /* a campaign's discount on other lines */
    add(w, t, LIFE_PAYMENT, PAY_REFUNDED, attempt, 0, refund);
}

size_t lifecycle_of(const life_model *m, const life_order *o, life_event out[LIFE_EVENTS_MAX]) {
    philox_ctr a = philox_draw(m->key, o->g, STREAM_LIFE_A, 0);
    life_writer w = { out, 0 };
    int64_t t = o->time_ms + philox_between(a.v[0], SECOND_MS, 8 * SECOND_MS);
    switch (o->status) {
    case STATUS_PAID:
        if (a.v[1] < m->retry_share) {
            add(&w, t, LIFE_PAYMENT, PAY_DECLINED, 1, 0, 0);
            t += philox_between(a.v[2], MINUTE_MS, 15 * MINUTE_MS);
            after_authorization(m, o, a, t, 2, &w);
        } else {
            after_authorization(m, o, a, t, 1, &w);
        }
        break;
    case STATUS_PAYMENT_FAILED: {
        add(&w, t, LIFE_PAYMENT, PAY_DECLINED, 1, 0, 0);
        const life_window *outage = outage_at(m, o->time_ms, o->payment_method);
        int64_t retry = t + philox_between(a.v[2], MINUTE_MS, 15 * MINUTE_MS);
        if (outage) { /* the backlog: customers retry once it is over */
            int64_t after = outage->end_ms + philox_between(a.v[2], 0, 60 * MINUTE_MS);
            if (after > retry) retry = after;
        }
        /* Every failure in an outage is retried, 70% successfully; others
         * a third of the time, half successfully. */
        uint32_t retried = outage ? UINT32_MAX : mix_share_threshold(1.0 / 3.0);
        uint32_t succeeds = mix_share_threshold(outage ? 0.70 : 0.50);
        if (a.v[1] >= retried) break;
        if ((a.v[1] ^ a.v[3]) < succeeds)
            after_authorization(m, o, a, retry, 2, &w);
        else
            add(&w, retry, LIFE_PAYMENT, PAY_DECLINED, 2, 0, 0);
        break;
    }
    case STATUS_CANCELLED:
        add(&w, t, LIFE_PAYMENT, PAY_AUTHORIZED, 1, 0, o->total_cents);
        add(&w, t + philox_between(a.v[2], 10 * MINUTE_MS, 6 * HOUR_MS), LIFE_PAYMENT, PAY_VOIDED, 1, 0,
            o->total_cents);
        break;
    default: /* placed: never paid */
        add(&w, o->time_ms + philox_between(a.v[2], DAY_MS, 3 * DAY_MS), LIFE_PAYMENT, PAY_EXPIRED, 1, 0, 0);
        break;
    }
    if (w.n > 0) out[w.n - 1].final = 1;
    size_t n = 0;
    while (n < w.n && out[n].time_ms < m->end_ms) n++;
    return n;
}
