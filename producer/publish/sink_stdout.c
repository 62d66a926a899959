/* SPDX-License-Identifier: Apache-2.0 */
/* sink_stdout.c - the stdout sink: each message a line, [topic TAB] [key
 * TAB] value, for previews with jq; counted and digested as the null sink
 * does, once the line is written. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sink_impl.h"

static sink_err stdout_open(sink *s, const sink_config *cfg, char *errstr, size_t errlen) {
    (void)s, (void)cfg, (void)errstr, (void)errlen;
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    return SINK_OK;
}

/* A reader that went away (jq exited, `| head`) ends the run: SIGPIPE is
 * ignored, so it is EPIPE here. */
static int write_line(sink *s, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                      char *errstr, size_t errlen) {
    if (s->columns == STDOUT_TOPIC_KEY_VALUE) fprintf(stdout, "%s\t", s->topic_name[t]);
    if (s->columns != STDOUT_VALUE) {
        if (s->binary_keys && key_len == 8) {
            const unsigned char *k = key;
            uint64_t id = 0;
            for (int i = 0; i < 8; i++) id = id << 8 | k[i];
            fprintf(stdout, "%lld\t", (long long)id);
        } else {
            fwrite(key, 1, key_len, stdout);
            fputc('\t', stdout);
        }
    }
    fwrite(value, 1, value_len, stdout);
    if (fputc('\n', stdout) == EOF || ferror(stdout)) {
        snprintf(errstr, errlen, "stdout: %s", errno == EPIPE ? "the reader closed it" : strerror(errno));
        return -1;
    }
    return 0;
}

static sink_err stdout_produce(sink *s, topic_id t, const void *key, size_t key_len, const void *value,
                               size_t value_len, int64_t timestamp_ms, char *errstr, size_t errlen) {
    if (write_line(s, t, key, key_len, value, value_len, errstr, errlen) != 0) return SINK_ERR_FATAL;
    return sink_null_hand_off(s, t, key, key_len, value, value_len, timestamp_ms);
}

static void stdout_poll(sink *s, int timeout_ms) { (void)s, (void)timeout_ms; }

static uint64_t stdout_flush(sink *s, int timeout_ms) {
    (void)s, (void)timeout_ms;
    fflush(stdout);
    return 0;
}

static int stdout_fatal(sink *s, char *errstr, size_t errlen) {
    (void)s, (void)errstr, (void)errlen;
    return 0;
}

static void stdout_close(sink *s) { (void)s; }

const sink_ops sink_stdout_ops = { stdout_open, stdout_produce, stdout_poll, stdout_flush, stdout_fatal, stdout_close };
