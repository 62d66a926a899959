/* SPDX-License-Identifier: Apache-2.0 */
/* parquet.h - a Parquet file from Avro-encoded records, written by our own
 * small writer (no C library for Parquet is packaged in Debian 12).
 *
 * The columns are the Avro record schema's fields (parquet_cols.c): long
 * as INT64, int as INT32, double as DOUBLE, boolean as BOOLEAN,
 * timestamp-millis as INT64 TIMESTAMP(MILLIS, adjusted to UTC), string and
 * enum as BYTE_ARRAY STRING (an enum's symbol); a union with null is an
 * OPTIONAL column with definition levels, every other column REQUIRED.
 * Records are decoded into column buffers; past row_group_bytes of them a
 * row group is written (parquet_group.c): per column one data page (v1) of PLAIN
 * values (an enum's, and a string column's with at most PQ_DICT_MAX
 * distinct values in the row group: RLE_DICTIONARY indices after a
 * dictionary page) after RLE definition levels, compressed with zstd (level 3),
 * snappy or not (packer.h), its statistics (min, max, null count) in the page's column chunk;
 * at close the footer, FileMetaData in Thrift's compact protocol (thrift.h)
 * with the schema, the row groups, type-defined column orders and
 * created_by "shopstream version V".
 *
 * A full row group is written by the writer's own worker thread while the
 * next one fills (parquet_impl.h).
 *
 * Invariants: the bytes are a function of the records, the schema, the
 * codec and the row group size, whatever the threads' timing; memory holds
 * two row groups' columns (the one filling, the one being written) and a
 * few bytes of metadata per row group written, whatever the file's size.
 * One thread calls a writer's functions. */
#ifndef SHOPSTREAM_PARQUET_H
#define SHOPSTREAM_PARQUET_H

#include <stddef.h>
#include <stdint.h>

#include "base/kinds.h"

typedef struct parquet_writer parquet_writer;

/* Where the file's bytes go: 0, or -1 with why in errstr. */
typedef int (*parquet_write_fn)(void *ctx, const void *data, size_t n, char *errstr, size_t errlen);

/* A writer for records of the Avro record schema schema_text; writes the
 * leading magic. -1 with why in errstr (a schema it cannot map). */
int parquet_writer_new(const char *schema_text, file_codec codec, size_t row_group_bytes, parquet_write_fn write,
                       void *ctx, parquet_writer **out, char *errstr, size_t errlen);

/* One record, Avro binary of the schema. */
int parquet_writer_append(parquet_writer *w, const void *avro, size_t len, char *errstr, size_t errlen);

/* Bytes buffered for the row group in hand. */
size_t parquet_writer_buffered(const parquet_writer *w);

/* The file's size as far as the caller can know it without waiting: the
 * bytes written when the worker was last seen idle, plus the values (not
 * yet compressed) of the row group it was handed since and of the one in
 * hand. A function of the records appended, not of the timing. */
uint64_t parquet_writer_size(const parquet_writer *w);

/* Bytes the writer holds (allocated): the row group in hand, its pages. */
size_t parquet_writer_held(const parquet_writer *w);

/* The row groups not yet written and the footer; the worker stopped. */
int parquet_writer_finish(parquet_writer *w, char *errstr, size_t errlen);

void parquet_writer_free(parquet_writer *w); /* NULL ok */

#endif
