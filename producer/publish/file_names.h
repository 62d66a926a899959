/* SPDX-License-Identifier: Apache-2.0 */
/* file_names.h - the names --sink files gives its files (sink_files.c).
 *
 * A file is DIR/<table>/date=YYYY-MM-DD/part-<shard>-<n>.<ext>; n counts
 * the files of (table, date) this shard began, from 0, or with --file-add
 * from after the highest n (of a file or a killed run's temporary) the
 * date's directory held when the first file of the date was begun. A
 * finished file is renamed to its name never over another file.
 *
 * Memory: a count per (table, date) seen. One thread uses it. */
#ifndef SHOPSTREAM_FILE_NAMES_H
#define SHOPSTREAM_FILE_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "base/topics.h"

typedef struct file_day {
    int64_t day;   /* days since the epoch, UTC */
    uint64_t next; /* the next file's n */
} file_day;

typedef struct file_numbers {
    uint64_t shard;
    int add; /* --file-add */
    file_day *days[TOPIC_COUNT];
    size_t n_days[TOPIC_COUNT], cap_days[TOPIC_COUNT];
} file_numbers;

/* The n of the next file of (t, day), whose files are in dir. -1 with why
 * (out of memory, or dir unreadable with --file-add). */
int file_numbers_next(file_numbers *fn, topic_id t, int64_t day, const char *dir, uint64_t *n, char *why, size_t cap);

void file_numbers_clear(file_numbers *fn); /* its counts freed */

/* tmp renamed to name, never over a file (--file-add beside another run
 * writing the same names); a file system that cannot refuse (EINVAL)
 * gets a plain rename. -1 with errno. */
int file_rename_new(const char *tmp, const char *name);

#endif
