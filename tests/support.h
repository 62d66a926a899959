/* SPDX-License-Identifier: Apache-2.0 */
/* support.h - what the tests share: running the shopstream program as a user
 * would, reading the --stats-json file it writes, and a change writer. */
#ifndef SHOPSTREAM_TEST_SUPPORT_H
#define SHOPSTREAM_TEST_SUPPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "encode/changes.h"

typedef struct run_result {
    int exit_code; /* -1 if it did not exit normally */
    char stderr_text[16384];
    char stdout_text[16384];
    long max_rss_kb; /* the program's peak resident memory (getrusage's ru_maxrss) */
} run_result;

/* Runs $SHOPSTREAM_BIN with argv (NULL-terminated, without argv[0]). */
void support_run(const char *const *args, run_result *out);

/* Runs shopstream with args; fails the test unless it exits 2 with exactly
 * one line on stderr, "shopstream: " + want. */
void support_refused_with(const char *const *args, const char *want);

/* support_run with the program's stdout on stdout_fd instead (its text is
 * not kept), and when file_size_limit > 0 every file it writes limited to
 * that many bytes (RLIMIT_FSIZE, SIGXFSZ ignored: a write past the limit
 * fails with EFBIG, "File too large"). */
void support_run_out(const char *const *args, int stdout_fd, long file_size_limit, run_result *out);
/* The same in at most address_space bytes of memory (RLIMIT_AS; 0: no
 * limit), for a program that runs out of it. */
void support_run_in_memory(const char *const *args, size_t address_space, run_result *out);

/* All of the above: stdout_fd (-1: kept as text), file_size_limit (0: none),
 * address_space (0: none). */
void support_run_with(const char *const *args, int stdout_fd, long file_size_limit, size_t address_space,
                      run_result *out);

/* A fresh path under $SHOPSTREAM_TEST_TMP for this process: tag + pid. */
void support_tmp_path(const char *tag, char *buf, size_t cap);

/* Writes text to path (a config or scenario file for a test), failing the
 * test if it cannot. */
void support_write_file(const char *path, const char *text);

/* $SHOPSTREAM_SOURCE_DIR/relative. */
void support_source_path(const char *relative, char *buf, size_t cap);

/* Parses a stats JSON file; NULL if unreadable. Caller json_decref()s. */
json_t *support_read_stats(const char *path);

/* A number field of the stats object (0 if absent). */
uint64_t support_stat(const json_t *stats, const char *name);

/* A digest of the stats ("content_digest", "order_digest": 16 hex digits);
 * fails the test when it is missing or malformed. */
uint64_t support_digest(const json_t *stats, const char *name);

/* stats.topics[topic].delivered */
uint64_t support_topic_delivered(const json_t *stats, const char *topic);

/* A change writer in format f for the topics of prefix "shop." and their
 * change topics under changelog prefix `prefix`, schema "public", lsn
 * counted from start_ms, currency USD; fails the test when it cannot. */
change_writer *support_change_writer(const char *prefix, changelog_format f, int64_t start_ms);

#endif
