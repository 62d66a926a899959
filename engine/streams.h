/* SPDX-License-Identifier: Apache-2.0 */
/* streams.h - the third counter word of each Philox draw, per purpose.
 *
 * Counter = (index low, index high, stream, sub). Distinct streams keep the
 * draws of different purposes independent. The GPU stage must use exactly
 * these values to produce the same bytes; change one and every digest moves. */
#ifndef SHOPSTREAM_STREAMS_H
#define SHOPSTREAM_STREAMS_H

enum philox_stream {
    STREAM_ORDER_A = 0x00000001,          /* customer, channel, payment, status */
    STREAM_ORDER_B = 0x00000002,          /* arrival jitter, item count, campaign uptake */
    STREAM_ORDER_C = 0x00000003,          /* scenario: cohort shift (2 words), channel shift, payment failure */
    STREAM_ITEM = 0x00000100,             /* + line number: product (2 words), quantity, focus */
    STREAM_LIFE_A = 0x00000201,           /* lifecycle.c: payment delays, retry */
    STREAM_LIFE_B = 0x00000202,           /* fulfilment delays, return */
    STREAM_LIFE_C = 0x00000203,           /* carrier, return and refund delays, refund line */
    STREAM_DELIVERY = 0x00000300,         /* + message step: late (2 words), duplicate (2 words) */
    STREAM_DELIVERY_OFFLINE = 0x00000400, /* a scenario's late window: whether, and how late (per order) */
    STREAM_CUSTOMER = 0x10000001,
    STREAM_PRODUCT = 0x10000002,
    STREAM_PRODUCT_RANK = 0x10000003,
    STREAM_CAMPAIGN = 0x10000004,
    STREAM_PRODUCT_VERSION = 0x10000005,  /* sub = which change of the product */
    STREAM_CUSTOMER_VERSION = 0x10000006, /* sub = which change of the customer */
    STREAM_SLICE_COUNT = 0x20000001,      /* sub = which of the slice's draws */
};

#endif
