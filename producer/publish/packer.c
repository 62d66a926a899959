/* SPDX-License-Identifier: Apache-2.0 */
/* packer.c - deflate, zstd and snappy blocks (see packer.h). */
#include "packer.h"

#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

struct packer {
    file_codec codec;
    int avro;
    unsigned char *out;
    size_t cap;
    z_stream z;
    int z_ready;
    ZSTD_CCtx *zc;
};

int packer_new(file_codec codec, int avro, packer **out, char *errstr, size_t errlen) {
    *out = NULL;
    packer *p = calloc(1, sizeof *p);
    if (!p) goto oom;
    p->codec = codec;
    p->avro = avro;
    if (codec == CODEC_DEFLATE) {
        if (deflateInit2(&p->z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) goto oom;
        p->z_ready = 1;
    }
    if (codec == CODEC_ZSTD && !(p->zc = ZSTD_createCCtx())) goto oom;
    *out = p;
    return 0;
oom:
    packer_free(p);
    snprintf(errstr, errlen, "out of memory");
    return -1;
}

static size_t bound(const packer *p, size_t n) {
    switch (p->codec) {
    case CODEC_DEFLATE: return (size_t)deflateBound((z_stream *)&p->z, (uLong)n);
    case CODEC_ZSTD: return ZSTD_compressBound(n);
    case CODEC_SNAPPY: return snappy_max_compressed_length(n) + 4;
    default: return 0;
    }
}

int packer_pack(packer *p, const void *in, size_t n, const void **out, size_t *out_n, char *errstr, size_t errlen) {
    if (p->codec == CODEC_NONE || p->codec == CODEC_AUTO) {
        *out = in;
        *out_n = n;
        return 0;
    }
    size_t need = bound(p, n);
    if (need > p->cap) {
        unsigned char *d = realloc(p->out, need);
        if (!d) {
            snprintf(errstr, errlen, "out of memory");
            return -1;
        }
        p->out = d;
        p->cap = need;
    }
    size_t size = need;
    if (p->codec == CODEC_DEFLATE) {
        deflateReset(&p->z);
        p->z.next_in = (unsigned char *)in;
        p->z.avail_in = (uInt)n;
        p->z.next_out = p->out;
        p->z.avail_out = (uInt)p->cap;
        if (deflate(&p->z, Z_FINISH) != Z_STREAM_END) {
            snprintf(errstr, errlen, "deflate failed");
            return -1;
        }
        size = p->cap - p->z.avail_out;
    } else if (p->codec == CODEC_ZSTD) {
        size = ZSTD_compressCCtx(p->zc, p->out, p->cap, in, n, 3);
        if (ZSTD_isError(size)) {
            snprintf(errstr, errlen, "zstd: %s", ZSTD_getErrorName(size));
            return -1;
        }
    } else {
        size = p->cap - 4;
        if (snappy_compress(in, n, (char *)p->out, &size) != SNAPPY_OK) {
            snprintf(errstr, errlen, "snappy: compression failed");
            return -1;
        }
        if (p->avro) {
            uLong crc = crc32(0L, in, (uInt)n);
            for (int i = 0; i < 4; i++) p->out[size++] = (unsigned char)(crc >> (24 - 8 * i));
        }
    }
    *out = p->out;
    *out_n = size;
    return 0;
}

size_t packer_held(const packer *p) { return p ? p->cap : 0; }

void packer_free(packer *p) {
    if (!p) return;
    if (p->z_ready) deflateEnd(&p->z);
    ZSTD_freeCCtx(p->zc);
    free(p->out);
    free(p);
}
