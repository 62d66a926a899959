/* SPDX-License-Identifier: Apache-2.0 */
/* filewriter.h - one data file of --sink files: JSON lines or an Avro
 * object container file, written through a buffer of its own.
 *
 * JSON lines: each value (a JSON object) and '\n'. Avro: the container
 * format of the Avro specification, written here rather than by avro-c's
 * file writer, whose sync marker comes from rand() seeded with the clock
 * (a file's bytes must be a function of the run): the header (magic, the
 * metadata map with avro.schema and avro.codec, a 16-byte sync marker made
 * from tag), then blocks of whole records (their count, their size, the
 * records' Avro binary, null, raw-deflated (zlib, level 6, windowBits
 * -15) or snappy with its CRC-32 (packer.h), the sync marker). The values given are already Avro binary of the
 * schema given.
 *
 * Parquet files are parquet.h's, from the same Avro values.
 *
 * Invariants: the bytes written are a function of the calls made (values,
 * schema, codec, tag, row group size); the writer holds at most one block
 * (FILE_BLOCK_BYTES of values, and its compressed form), or for Parquet
 * two row groups (parquet.h), whatever the file's size; a failed
 * write is reported once with errno's reason and leaves the file for the
 * caller to remove. One thread calls a writer's functions (a Parquet
 * writer's worker also writes the file: parquet.h). */
#ifndef SHOPSTREAM_FILEWRITER_H
#define SHOPSTREAM_FILEWRITER_H

#include <stddef.h>
#include <stdint.h>

#include "base/kinds.h"

#define FILE_BLOCK_BYTES (256u << 10) /* values per block (Avro) or per write (JSON lines) */

typedef struct file_writer file_writer;

/* Creates path (O_EXCL: never over a file) and, for Avro, writes its
 * header; Parquet (parquet.h) past row_group_bytes of values writes a row
 * group. -1 with "path: why" in errstr. */
int file_writer_new(const char *path, file_format format, file_codec codec, const char *schema_text, uint64_t tag,
                    size_t row_group_bytes, file_writer **out, char *errstr, size_t errlen);

/* One record; value_len at most FILE_BLOCK_BYTES. -1 with why in errstr. */
int file_writer_append(file_writer *w, const void *value, size_t value_len, char *errstr, size_t errlen);

/* Bytes the file will hold if closed now, at most (before compression of
 * the block in hand; Parquet: parquet_writer_size). */
uint64_t file_writer_size(const file_writer *w);

/* Bytes the writer holds (allocated): its block or row group, compressed
 * forms included; they only grow until it is closed. */
size_t file_writer_held(const file_writer *w);

/* Writes what is buffered and closes the file; frees w either way. -1 with
 * why in errstr (the file is then incomplete). */
int file_writer_close(file_writer *w, char *errstr, size_t errlen);

/* Closes without writing what is buffered (the file is incomplete); NULL ok. */
void file_writer_free(file_writer *w);

#endif
