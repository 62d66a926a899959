/* SPDX-License-Identifier: Apache-2.0 */
/* filewriter.c - JSON lines and Avro object container files (see filewriter.h). */
#include "filewriter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "packer.h"
#include "parquet.h"

struct file_writer {
    int fd;
    file_format format;
    file_codec codec;
    unsigned char sync[16];
    char *buf; /* the block (Avro) or the lines (JSON) not yet written */
    size_t len;
    uint64_t records;        /* in buf (Avro) */
    packer *packer;          /* Avro: the blocks' codec */
    parquet_writer *parquet; /* --file-format parquet: the columns, not buf */
    uint64_t written;        /* bytes in the file so far */
    char path[4096];
};

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Avro's long: zigzag, then 7 bits a byte, low first. */
static size_t avro_long(unsigned char *out, int64_t v) {
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    size_t n = 0;
    while (z >= 0x80) {
        out[n++] = (unsigned char)(z | 0x80);
        z >>= 7;
    }
    out[n++] = (unsigned char)z;
    return n;
}

static int write_all(file_writer *w, const void *data, size_t n, char *errstr, size_t errlen) {
    const char *p = data;
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            snprintf(errstr, errlen, "%.3000s: %s", w->path, k < 0 ? strerror(errno) : "short write");
            return -1;
        }
        p += k;
        n -= (size_t)k;
        w->written += (uint64_t)k;
    }
    return 0;
}

/* The header: magic, {avro.schema, avro.codec}, the sync marker. */
static int avro_header(file_writer *w, const char *schema, char *errstr, size_t errlen) {
    const char *codec = w->codec == CODEC_DEFLATE ? "deflate" : w->codec == CODEC_SNAPPY ? "snappy" : "null";
    const char *keys[2] = { "avro.schema", "avro.codec" }, *values[2] = { schema, codec };
    unsigned char n[10];
    if (write_all(w, "Obj\x01", 4, errstr, errlen) != 0 || write_all(w, n, avro_long(n, 2), errstr, errlen) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        size_t kl = strlen(keys[i]), vl = strlen(values[i]);
        if (write_all(w, n, avro_long(n, (int64_t)kl), errstr, errlen) != 0 ||
            write_all(w, keys[i], kl, errstr, errlen) != 0 ||
            write_all(w, n, avro_long(n, (int64_t)vl), errstr, errlen) != 0 ||
            write_all(w, values[i], vl, errstr, errlen) != 0)
            return -1;
    }
    n[0] = 0; /* the map's end */
    if (write_all(w, n, 1, errstr, errlen) != 0) return -1;
    return write_all(w, w->sync, sizeof w->sync, errstr, errlen);
}

/* What buf holds: JSON lines as they are; an Avro block framed. */
static int flush_buf(file_writer *w, char *errstr, size_t errlen) {
    if (w->len == 0) return 0;
    if (w->format == FILE_JSONL) {
        if (write_all(w, w->buf, w->len, errstr, errlen) != 0) return -1;
        w->len = 0;
        return 0;
    }
    const void *data;
    size_t size;
    char why[256];
    if (packer_pack(w->packer, w->buf, w->len, &data, &size, why, sizeof why) != 0) {
        snprintf(errstr, errlen, "%.3000s: %s", w->path, why);
        return -1;
    }
    unsigned char head[20];
    size_t h = avro_long(head, (int64_t)w->records);
    h += avro_long(head + h, (int64_t)size);
    if (write_all(w, head, h, errstr, errlen) != 0 || write_all(w, data, size, errstr, errlen) != 0 ||
        write_all(w, w->sync, sizeof w->sync, errstr, errlen) != 0)
        return -1;
    w->len = 0;
    w->records = 0;
    return 0;
}

static int parquet_put(void *ctx, const void *data, size_t n, char *errstr, size_t errlen) {
    return write_all(ctx, data, n, errstr, errlen);
}

int file_writer_new(const char *path, file_format format, file_codec codec, const char *schema_text, uint64_t tag,
                    size_t row_group_bytes, file_writer **out, char *errstr, size_t errlen) {
    *out = NULL;
    file_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->buf = malloc(FILE_BLOCK_BYTES))) {
        free(w);
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    w->fd = -1;
    w->format = format;
    w->codec = codec;
    snprintf(w->path, sizeof w->path, "%s", path);
    for (int i = 0; i < 2; i++) {
        uint64_t v = splitmix64(&tag);
        for (int b = 0; b < 8; b++) w->sync[8 * i + b] = (unsigned char)(v >> (8 * b));
    }
    if (format == FILE_AVRO && packer_new(codec, 1, &w->packer, errstr, errlen) != 0) {
        file_writer_free(w);
        return -1;
    }
    w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        snprintf(errstr, errlen, "%.3000s: %s", path, strerror(errno));
        file_writer_free(w);
        return -1;
    }
    if ((format == FILE_AVRO && avro_header(w, schema_text, errstr, errlen) != 0) ||
        (format == FILE_PARQUET &&
         parquet_writer_new(schema_text, codec, row_group_bytes, parquet_put, w, &w->parquet, errstr, errlen) != 0)) {
        file_writer_free(w);
        return -1;
    }
    *out = w;
    return 0;
}

int file_writer_append(file_writer *w, const void *value, size_t value_len, char *errstr, size_t errlen) {
    if (w->parquet) return parquet_writer_append(w->parquet, value, value_len, errstr, errlen);
    size_t need = value_len + (w->format == FILE_JSONL);
    if (need > FILE_BLOCK_BYTES) {
        snprintf(errstr, errlen, "%.3000s: a record of %zu bytes outgrew the block", w->path, value_len);
        return -1;
    }
    if (w->len + need > FILE_BLOCK_BYTES && flush_buf(w, errstr, errlen) != 0) return -1;
    memcpy(w->buf + w->len, value, value_len);
    w->len += value_len;
    if (w->format == FILE_JSONL) w->buf[w->len++] = '\n';
    w->records++;
    return 0;
}

uint64_t file_writer_size(const file_writer *w) {
    return w->parquet ? parquet_writer_size(w->parquet) : w->written + w->len;
}

size_t file_writer_held(const file_writer *w) {
    return FILE_BLOCK_BYTES + packer_held(w->packer) + (w->parquet ? parquet_writer_held(w->parquet) : 0);
}

int file_writer_close(file_writer *w, char *errstr, size_t errlen) {
    int rc = w->parquet ? parquet_writer_finish(w->parquet, errstr, errlen) : flush_buf(w, errstr, errlen);
    if (close(w->fd) != 0 && rc == 0) {
        snprintf(errstr, errlen, "%.3000s: %s", w->path, strerror(errno));
        rc = -1;
    }
    w->fd = -1;
    file_writer_free(w);
    return rc;
}

void file_writer_free(file_writer *w) {
    if (!w) return;
    parquet_writer_free(w->parquet); /* its worker stopped before the file it writes is closed */
    if (w->fd >= 0) close(w->fd);
    packer_free(w->packer);
    free(w->buf);
    free(w);
}
