/* SPDX-License-Identifier: Apache-2.0 */
/* tables.c - an order's row through its life (see tables.h). */
#include "tables.h"

const char *const order_row_status_names[ROW_STATUS_COUNT] = { "placed",    "authorized", "payment_failed", "paid",
                                                               "cancelled", "refunded",   "packed",         "shipped",
                                                               "delivered", "returned" };

static const int8_t status_of_payment[PAY_STATUS_COUNT] = {
    [PAY_AUTHORIZED] = ROW_AUTHORIZED,
    [PAY_DECLINED] = ROW_PAYMENT_FAILED,
    [PAY_CAPTURED] = ROW_PAID,
    [PAY_VOIDED] = ROW_CANCELLED,
    [PAY_EXPIRED] = -1,
    [PAY_REFUNDED] = ROW_REFUNDED,
};
static const int8_t status_of_shipment[SHIP_STATUS_COUNT] = {
    [SHIP_PACKED] = ROW_PACKED,
    [SHIP_SHIPPED] = ROW_SHIPPED,
    [SHIP_DELIVERED] = ROW_DELIVERED,
    [SHIP_RETURNED] = ROW_RETURNED,
};

int order_row_apply(order_row *r, const life_event *ev) {
    int8_t s = ev->topic == LIFE_PAYMENT ? status_of_payment[ev->status] : status_of_shipment[ev->status];
    r->updated_ms = ev->time_ms;
    if (s < 0) {
        r->deleted = 1;
        return 1;
    }
    r->status = (uint8_t)s;
    if (ev->topic == LIFE_PAYMENT && ev->status == PAY_REFUNDED) r->refunded_cents += ev->amount_cents;
    return 0;
}
