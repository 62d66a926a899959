/* SPDX-License-Identifier: Apache-2.0 */
/* spill_record.h - a waiting message as the calendar (calendar.h) writes it
 * to its spill (spill.h): a compact header, then the value, no padding.
 *
 * In memory a message waits as a pending_msg: a 48-byte msg_ref and its
 * value rounded up to 8. Most values are a few dozen bytes, so that header
 * would be most of what goes to disk; on disk it is instead
 *
 *   1 byte     topic (bits 0-3), kind (bits 4-5), bit 6: a timestamp
 *              delta follows, bit 7: the tie is MSG_TIE(key_id - 1, step)
 *   varint     value_len
 *   varint     key_id, zig-zag
 *   varint     release_ms - base, zig-zag (base: the segment's first ms)
 *   [varint]   release_ms - timestamp_ms, zig-zag, when bit 6 is set
 *              (a late or duplicate copy; on time they are equal)
 *   1 byte     step, when bit 7 is set; else the tie as a varint
 *   value_len bytes of value
 *
 * about 10 bytes for an order's message. value_off is not kept (0 when
 * read back). Every delta is taken mod 2^64, so any msg_ref whose topic is
 * below 16 and kind below 4 (an enum msg_kind) comes back exactly, whatever
 * base it was written against, as long as it is read back against the
 * same one.
 * Pure functions; no allocation. */
#ifndef SHOPSTREAM_SPILL_RECORD_H
#define SHOPSTREAM_SPILL_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "encode/msgbatch.h"

#define SPILL_RECORD_HEADER_MAX (1 + 5 + 10 + 10 + 10 + 10) /* the longest header */

/* r's header, against base, into hdr; its length. */
size_t spill_record_header(char hdr[SPILL_RECORD_HEADER_MAX], const msg_ref *r, int64_t base);

/* The record at bytes (len of them left) read back against base into *r,
 * its value at *value; the record's length, 0 when it is cut short or
 * malformed. */
size_t spill_record_read(const char *bytes, size_t len, int64_t base, msg_ref *r, const char **value);

#endif
