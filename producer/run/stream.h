/* SPDX-License-Identifier: Apache-2.0 */
/* stream.h - what goes to the sink, in order: the schemas to the registry,
 * the dimension topics (acknowledged before any fact), then the facts,
 * each order followed by its items, paced to their event times.
 *
 * Every message goes through one produce path (publish_message): the key
 * from the id in the configured key format, the value, the event time as
 * its timestamp. */
#ifndef SHOPSTREAM_STREAM_H
#define SHOPSTREAM_STREAM_H

#include "run_state.h"

/* The registered formats (avro-confluent, protobuf-confluent,
 * json-schema-confluent): each topic's schema under "<topic>-value", before
 * anything is published; the ids frame every value. */
int publish_register_schemas(run_state *st);

/* Shard 0 publishes customers, products and campaigns, once, and waits for
 * every delivery report; their later versions wait in the calendar
 * (dimensions.c). */
int publish_dimensions(run_state *st);

/* The facts, batch by batch from facts.c, until done or a signal. */
int publish_facts(run_state *st);

/* The one produce path. 1: produced; 0: a signal stopped the wait for room
 * (the caller sees *st->stop); -1: failed, the reason in st->errstr. A
 * change topic's key is changes.h's, a tombstone's value len 0. */
int publish_message(run_state *st, topic_id t, int64_t key_id, const char *value, size_t len, int64_t ts);

/* The key of row key_id's message in topic t: the configured key format's,
 * or a change topic's (changes.h); its length. Any thread. */
size_t message_key(const run_state *st, topic_id t, int64_t key_id, char key[CHANGE_KEY_MAX]);

/* Why the calendar refused a message: its spill file, or memory, into
 * st->errstr. Always -1. */
int calendar_failed(run_state *st);

/* Waits up to timeout_ms for delivery reports; 0 when all came in and none
 * failed. */
int publish_drain(run_state *st, int timeout_ms);

#endif
