/* SPDX-License-Identifier: Apache-2.0 */
/* test_lifecycle.c - engine/lifecycle.h's invariants over every order of a
 * week-long run, straight from the engine: the state machine, the money,
 * the times, and that a life is a function of its order alone. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include "engine.h"
#include "lifecycle.h"
#include "simtime.h"

#define P(s) ((LIFE_PAYMENT << 4) | (s))
#define S(s) ((LIFE_SHIPMENT << 4) | (s))

/* Whether event b may follow a (a < 0: the first event). */
static int may_follow(int a, int b) {
    switch (a) {
    case -1: return b == P(PAY_AUTHORIZED) || b == P(PAY_DECLINED) || b == P(PAY_EXPIRED);
    case P(PAY_DECLINED): return b == P(PAY_DECLINED) || b == P(PAY_AUTHORIZED);
    case P(PAY_AUTHORIZED): return b == P(PAY_CAPTURED) || b == P(PAY_VOIDED);
    case P(PAY_CAPTURED): return b == S(SHIP_PACKED);
    case S(SHIP_PACKED): return b == S(SHIP_SHIPPED);
    case S(SHIP_SHIPPED): return b == S(SHIP_DELIVERED);
    case S(SHIP_DELIVERED): return b == S(SHIP_RETURNED);
    case S(SHIP_RETURNED): return b == P(PAY_REFUNDED);
    default: return 0;
    }
}

static int is_terminal(int e) {
    return e == P(PAY_DECLINED) || e == P(PAY_VOIDED) || e == P(PAY_EXPIRED) || e == S(SHIP_DELIVERED) ||
           e == P(PAY_REFUNDED);
}

Test(lifecycle, every_life_of_a_week_follows_the_state_machine_and_its_money_adds_up) {
    engine_settings s;
    engine_settings_default(&s);
    s.duration_ms = 7 * DAY_MS;
    s.return_share = 0.3;
    engine *e = NULL;
    char err[512];
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    const life_model *m = engine_get_life_model(e);
    cr_assert_not_null(m);
    const catalog *c = engine_get_catalog(e);
    uint64_t total = engine_get_plan(e)->total_orders, finals = 0, refunds = 0, shipped = 0;
    order_batch b;
    cr_assert_eq(order_batch_init(&b, 4096), 0);
    for (uint64_t first = 0; first < total; first += 4096) {
        size_t n = total - first < 4096 ? (size_t)(total - first) : 4096;
        engine_fill(e, first, 1, n, &b);
        for (size_t k = 0; k < n; k++) {
            life_order o = life_order_at(&b, k, c->customers);
            life_event ev[LIFE_EVENTS_MAX], again[LIFE_EVENTS_MAX];
            size_t len = lifecycle_of(m, &o, ev);
            cr_assert_eq(lifecycle_of(m, &o, again), len);
            cr_assert_eq(memcmp(ev, again, len * sizeof *ev), 0, "order %" PRIu64 ": two different lives", o.g);
            int prev = -1, captures = 0;
            int64_t t = o.time_ms, captured = 0;
            for (size_t i = 0; i < len; i++) {
                int code = (ev[i].topic << 4) | ev[i].status;
                cr_assert(may_follow(prev, code), "order %" PRIu64 ": event %d after %d", o.g, code, prev);
                cr_assert(ev[i].time_ms >= t && ev[i].time_ms < m->end_ms, "order %" PRIu64 ": time", o.g);
                cr_assert_eq(ev[i].step, i + 1);
                if (ev[i].final) cr_assert(i == len - 1 && is_terminal(code), "order %" PRIu64 ": final", o.g);
                if (code == P(PAY_CAPTURED)) {
                    captures++;
                    captured = ev[i].amount_cents;
                    cr_assert_eq(captured, o.total_cents, "order %" PRIu64 ": capture is not the total", o.g);
                }
                if (ev[i].topic == LIFE_SHIPMENT) shipped += code == S(SHIP_PACKED);
                if (code == P(PAY_REFUNDED)) {
                    refunds++;
                    cr_assert(ev[i].amount_cents > 0 && ev[i].amount_cents <= captured, "order %" PRIu64, o.g);
                }
                prev = code;
                t = ev[i].time_ms;
            }
            cr_assert_leq(captures, 1);
            finals += len > 0 && ev[len - 1].final;
        }
    }
    cr_assert_gt(finals, total / 4, "%" PRIu64 " of %" PRIu64 " lives ended in a week", finals, total);
    cr_assert_gt(refunds, 0);
    cr_assert_gt(shipped, total / 2);
    order_batch_free(&b);
    engine_free(e);
}

Test(lifecycle, lifecycles_off_leave_no_model) {
    engine_settings s;
    engine_settings_default(&s);
    s.lifecycle = 0;
    engine *e = NULL;
    char err[512];
    cr_assert_eq(engine_new(&s, &e, err, sizeof err), 0, "%s", err);
    cr_assert_null(engine_get_life_model(e));
    engine_free(e);
}
