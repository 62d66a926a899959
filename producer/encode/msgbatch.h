/* SPDX-License-Identifier: Apache-2.0 */
/* msgbatch.h - the Avro messages of one order batch, encoded off the main thread.
 *
 * The generator pool calls back into the producer right after it fills a
 * batch (gen_pool_filled_fn); the producer encodes the batch's orders and
 * items there, in parallel, into the msg_batch kept for that ring slot. The
 * publishing thread then only hands finished values to the sink, in order:
 * each order's message followed by its items' messages. */
#ifndef SHOPSTREAM_MSGBATCH_H
#define SHOPSTREAM_MSGBATCH_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "encoder.h"
#include "topics.h"

typedef struct msg_ref {
    int64_t key_id;     /* the order id */
    int64_t timestamp_ms;
    uint32_t value_off; /* into the arena */
    uint32_t value_len;
    uint8_t topic;
} msg_ref;

typedef struct msg_batch {
    msg_ref *msgs;
    size_t n_msgs, cap_msgs;
    char *arena;
    size_t used, cap_arena;
    char error[256];    /* set when a batch could not be encoded */
} msg_batch;

/* Encodes every order and item of b; on failure sets mb->error. */
void msg_batch_encode(msg_batch *mb, encoder *enc, const order_batch *b);

void msg_batch_free(msg_batch *mb);

#endif
