/* SPDX-License-Identifier: Apache-2.0 */
/* packer.h - one codec's block compression for the file writers: Parquet's
 * pages (parquet.c) and Avro's blocks (filewriter.c).
 *
 * CODEC_NONE gives the block back as it is; CODEC_DEFLATE raw deflate
 * (zlib, level 6, windowBits -15: Avro's "deflate"); CODEC_ZSTD a zstd
 * frame at level 3 (Parquet's ZSTD); CODEC_SNAPPY a raw snappy block
 * (Parquet's SNAPPY), followed, when the packer is made for Avro, by the
 * big-endian CRC-32 of the uncompressed block (Avro's "snappy").
 *
 * Invariants: the output is a function of the codec, the Avro flag and the
 * input; the packer keeps one output buffer (grown to the largest bound
 * asked) and one compression context, reused block after block. One
 * thread uses a packer. */
#ifndef SHOPSTREAM_PACKER_H
#define SHOPSTREAM_PACKER_H

#include <stddef.h>

#include "base/kinds.h"

typedef struct packer packer;

/* avro: snappy blocks carry Avro's CRC-32 trailer. -1 with why in errstr. */
int packer_new(file_codec codec, int avro, packer **out, char *errstr, size_t errlen);

/* Compresses in[0..n); *out, *out_n: the result, valid until the next
 * call (in itself for CODEC_NONE). -1 with why in errstr. */
int packer_pack(packer *p, const void *in, size_t n, const void **out, size_t *out_n, char *errstr, size_t errlen);

size_t packer_held(const packer *p); /* bytes of its output buffer */
void packer_free(packer *p);

#endif
