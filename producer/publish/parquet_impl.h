/* SPDX-License-Identifier: Apache-2.0 */
/* parquet_impl.h - the Parquet writer's state, shared by parquet.c (the
 * writer and its worker thread) and parquet_group.c (a row group's pages,
 * the footer); private to them.
 *
 * Two sets of columns: the appending thread decodes records into cols;
 * a full row group is handed over (the sets swapped) to the writer's
 * worker thread, which writes it from spare while the next one fills.
 * At most one row group is in the worker's hands: the next hand-over
 * waits for it. What the worker writes, and in what order, is what one
 * thread would write, so the file's bytes do not depend on the timing.
 *
 * @locks mu guards busy, quit. While busy, the worker alone uses spare,
 * packer, page, offset, rows, groups, n_groups, failed and err; while not
 * busy (and before the worker starts), the appending thread does. cols,
 * settled, in_flight and held_by_worker are the appending thread's;
 * held_by_worker is taken when the worker is handed a row group or seen
 * idle, so the dictionaries it makes while busy count from its next
 * hand-over. */
#ifndef SHOPSTREAM_PARQUET_IMPL_H
#define SHOPSTREAM_PARQUET_IMPL_H

#include <pthread.h>
#include <stdint.h>

#include "packer.h"
#include "parquet.h"
#include "parquet_cols.h"
#include "thrift.h"

enum { PT_BOOLEAN = 0, PT_INT32 = 1, PT_INT64 = 2, PT_DOUBLE = 5, PT_BYTE_ARRAY = 6 }; /* Type */
enum { CODEC_UNCOMPRESSED = 0, CODEC_SNAPPY_ID = 1, CODEC_ZSTD_ID = 6 };               /* CompressionCodec */

struct parquet_writer {
    /* Set at creation. */
    size_t n_cols;
    int codec_id; /* Parquet's CompressionCodec */
    size_t row_group_bytes;
    parquet_write_fn write;
    void *ctx;
    /* The appending thread's. */
    pq_column *cols;       /* the row group filling */
    uint64_t settled;      /* the file's bytes when the worker was last seen idle */
    size_t in_flight;      /* the values and levels of the row group handed over, until seen written */
    size_t held_by_worker; /* what spare, page, packer and groups held when the worker was last seen idle */
    /* The worker's while busy. */
    pq_column *spare;      /* the row group handed over (or the next to fill) */
    packer *packer;        /* the pages' */
    pq_bytes page;         /* a page being made */
    uint64_t offset, rows; /* bytes written, rows in the file */
    tc_buf groups;         /* the row groups written, each a RowGroup struct */
    size_t n_groups;
    int failed;     /* a row group's write failed: err says why */
    char err[3300]; /* a write's error: the path (at most 3000 bytes of it) and errno's reason */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int busy, quit;
    int started; /* the worker runs (else row groups are written by the appending thread) */
    pthread_t thread;
};

/* Writes n bytes through w->write, counting them in offset. */
int pq_put(parquet_writer *w, const void *p, size_t n, char *errstr, size_t errlen);

/* The physical Type of a column kind. */
int pq_physical(pq_kind k);

/* cols as one row group (nothing if empty): each column's chunk, its
 * RowGroup into groups; then cols emptied. -1 with why in errstr. */
int pq_write_row_group(parquet_writer *w, pq_column *cols, char *errstr, size_t errlen);

/* The footer: FileMetaData (the schema of cols, the row groups written,
 * created_by), its length, the magic. */
int pq_write_footer(parquet_writer *w, char *errstr, size_t errlen);

#endif
