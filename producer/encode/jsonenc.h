/* SPDX-License-Identifier: Apache-2.0 */
/* jsonenc.h - message values as JSON objects (--format json), for encoder.c.
 *
 * the field names of docs/design.md#the-wire-contract; times as integer epoch milliseconds, money as
 * integer cents, enums as their names, absent optionals as null. Strings are
 * escaped per RFC 8259 (quote, backslash, control characters as \u00XX);
 * valid UTF-8 passes through, invalid bytes become U+FFFD. Each function
 * returns the length written, or -1 when cap is too small. */
#ifndef SHOPSTREAM_JSONENC_H
#define SHOPSTREAM_JSONENC_H

#include <stddef.h>

#include "batch.h"
#include "catalog.h"
#include "encoder.h"

int jsonenc_customer(const customer *c, char *buf, size_t cap);
int jsonenc_product(const product *p, const product_version *v, char *buf, size_t cap);
int jsonenc_campaign(const campaign *k, char *buf, size_t cap);
int jsonenc_order(const order_batch *b, size_t k, const char *currency, const char *scenario, char *buf, size_t cap);
int jsonenc_order_item(const order_batch *b, size_t k, size_t line, char *buf, size_t cap);
int jsonenc_payment(const life_record *r, const char *currency, char *buf, size_t cap);
int jsonenc_shipment(const life_record *r, char *buf, size_t cap);

/* Appends s as a JSON string (quotes included); returns the new length or -1. */
int jsonenc_string(char *buf, size_t cap, size_t at, const char *s);

#endif
