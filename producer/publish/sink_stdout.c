/* SPDX-License-Identifier: Apache-2.0 */
/* sink_stdout.c - the stdout sink: each message a line, [topic TAB] [key
 * TAB] value, for previews with jq; counted and digested as the null sink
 * does, but only once the whole line was written. A JSON value is printed
 * as it is (json-schema-confluent's: after its 5-byte frame, which the
 * registry's id printed at registration stands for); a protobuf value, a
 * binary, in base64 (frame included), so that a line is one message. A
 * change topic's value (--changelog: JSON, whatever --format; settle
 * refuses its avro form here) is printed as it is.
 *
 * Lines are gathered in a buffer of 1 MiB (or one line, when a line is
 * longer) and written with write(2) when the next one does not fit, and at
 * flush. Each line keeps its end in the buffer and its hash (taken at
 * hand-off, when key and value are at hand); a write that returns counts
 * delivered the lines that ended within the bytes it took. A write error
 * (a full disk, a reader that left: EPIPE, SIGPIPE being ignored) ends the
 * output: the lines still buffered count failed, later produces are
 * refused with it, and fatal reports it (an error at the final flush). A
 * signal that interrupts a write (EINTR) after a stop was asked for ends
 * the output the same way; otherwise the write is retried. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/output.h"
#include "sink_impl.h"

#define OUT_CAP (1u << 20)

struct stdout_line {
    size_t end;    /* offset in s->out just past its newline */
    uint64_t hash; /* sink_message_hash */
    uint32_t bytes;
    int32_t partition;
    topic_id topic;
};

static sink_err stdout_open(sink *s, const sink_config *cfg, char *errstr, size_t errlen) {
    (void)cfg;
    s->out = malloc(OUT_CAP);
    s->lines_cap = 4096;
    s->lines = malloc(s->lines_cap * sizeof *s->lines);
    if (!s->out || !s->lines) {
        snprintf(errstr, errlen, "out of memory");
        return SINK_ERR_FATAL;
    }
    s->out_cap = OUT_CAP;
    return SINK_OK;
}

/* Writes the buffer; 0, or -1 with the output ended (s->out_errno). */
static int write_out(sink *s) {
    size_t done = 0, counted = 0;
    while (done < s->out_len && !s->out_errno) {
        ssize_t n = write(STDOUT_FILENO, s->out + done, s->out_len - done);
        if (n < 0 && errno == EINTR && !(s->stop && *s->stop)) continue;
        if (n <= 0) {
            s->out_errno = n < 0 ? errno : EIO;
            break;
        }
        done += (size_t)n;
        for (; counted < s->n_lines && s->lines[counted].end <= done; counted++) {
            const struct stdout_line *l = &s->lines[counted];
            sink_count_hashed(s, l->topic, l->partition, l->bytes, l->hash);
        }
    }
    for (size_t i = counted; i < s->n_lines; i++) sink_count_failed(s, s->lines[i].topic, output_why(s->out_errno));
    s->out_len = 0;
    s->n_lines = 0;
    return s->out_errno ? -1 : 0;
}

/* Room for need more bytes and one more line: the buffer written first,
 * grown when one line is longer than it. */
static int make_room(sink *s, size_t need) {
    if (s->out_len + need > s->out_cap || s->n_lines == s->lines_cap)
        if (write_out(s) != 0) return -1;
    if (need > s->out_cap) {
        char *bigger = realloc(s->out, need);
        if (!bigger) {
            s->out_errno = ENOMEM;
            return -1;
        }
        s->out = bigger;
        s->out_cap = need;
    }
    return 0;
}

static void put(sink *s, const void *bytes, size_t n) {
    memcpy(s->out + s->out_len, bytes, n);
    s->out_len += n;
}

/* RFC 4648 base64 of n bytes, padded: 4 characters for each 3 bytes. */
static void put_base64(sink *s, const unsigned char *b, size_t n) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *o = s->out + s->out_len;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < n ? (uint32_t)b[i + 1] << 8 : 0) | (i + 2 < n ? b[i + 2] : 0);
        *o++ = digits[v >> 18 & 63];
        *o++ = digits[v >> 12 & 63];
        *o++ = i + 1 < n ? digits[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? digits[v & 63] : '=';
    }
    s->out_len = (size_t)(o - s->out);
}

/* An 8-byte big-endian key as its id in decimal, into text; its length. */
static size_t decimal_key(const void *key, char *text) {
    const unsigned char *k = key;
    uint64_t id = 0;
    for (int i = 0; i < 8; i++) id = id << 8 | k[i];
    return (size_t)snprintf(text, 24, "%lld", (long long)id);
}

static sink_err stdout_produce(sink *s, topic_id t, const void *key, size_t key_len, const void *value,
                               size_t value_len, int64_t timestamp_ms, const sink_hashed *ahead, char *errstr,
                               size_t errlen) {
    (void)ahead; /* hashed from what was delivered or written */
    char id[24];
    const char *topic = s->topic_name[t];
    size_t topic_len = s->columns == STDOUT_TOPIC_KEY_VALUE ? strlen(topic) + 1 : 0;
    const void *shown = key;
    size_t shown_len = key_len;
    if (s->columns != STDOUT_VALUE && s->binary_keys && key_len == 8 && !topic_is_change(t)) /* change keys: JSON */
        shown = id, shown_len = decimal_key(key, id);
    size_t key_cols = s->columns != STDOUT_VALUE ? shown_len + 1 : 0;
    size_t skip = value_len < s->stdout_skip || topic_is_change(t) ? 0 : s->stdout_skip, printed = value_len - skip;
    int base64 = s->stdout_base64 && !topic_is_change(t); /* change values: JSON (avro is refused here) */
    size_t value_cols = base64 ? (printed + 2) / 3 * 4 : printed;
    if (!s->out_errno && make_room(s, topic_len + key_cols + value_cols + 1) == 0) {
        if (topic_len) put(s, topic, topic_len - 1), put(s, "\t", 1);
        if (key_cols) put(s, shown, shown_len), put(s, "\t", 1);
        if (base64)
            put_base64(s, (const unsigned char *)value + skip, printed);
        else
            put(s, (const char *)value + skip, printed);
        put(s, "\n", 1);
        int32_t p = sink_partition_of(s, key, key_len);
        s->lines[s->n_lines++] =
            (struct stdout_line){ s->out_len, sink_message_hash(s, t, key, key_len, value, value_len, timestamp_ms),
                                  (uint32_t)(key_len + value_len), p, t };
        sink_count_produced(s, t);
        return SINK_OK;
    }
    snprintf(errstr, errlen, "stdout: %s", output_why(s->out_errno));
    return SINK_ERR_FATAL;
}

static void stdout_poll(sink *s, int timeout_ms) { (void)s, (void)timeout_ms; }

/* Every line written, or none left that could be: 0 outstanding either way. */
static uint64_t stdout_flush(sink *s, int timeout_ms) {
    (void)timeout_ms;
    write_out(s);
    return 0;
}

static int stdout_fatal(sink *s, char *errstr, size_t errlen) {
    if (!s->out_errno) return 0;
    snprintf(errstr, errlen, "stdout: %s", output_why(s->out_errno));
    return 1;
}

static void stdout_close(sink *s) {
    free(s->out);
    free(s->lines);
}

const sink_ops sink_stdout_ops = { stdout_open,  stdout_produce, stdout_poll, stdout_flush,
                                   stdout_fatal, stdout_close,   NULL };
