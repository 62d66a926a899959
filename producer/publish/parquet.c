/* SPDX-License-Identifier: Apache-2.0 */
/* parquet.c - the writer: records into columns, full row groups handed to
 * its worker thread, the file finished (see parquet.h, parquet_impl.h). */
#include "parquet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parquet_impl.h"

/* The worker: each row group handed over, written from spare. */
static void *worker(void *arg) {
    parquet_writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->busy && !w->quit) pthread_cond_wait(&w->cv, &w->mu);
        if (!w->busy) break;
        pthread_mutex_unlock(&w->mu);
        if (!w->failed && pq_write_row_group(w, w->spare, w->err, sizeof w->err) != 0) w->failed = 1;
        pthread_mutex_lock(&w->mu);
        w->busy = 0;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static size_t worker_held(const parquet_writer *w) {
    return pq_columns_held(w->spare, w->n_cols) + w->page.cap + packer_held(w->packer) + w->groups.cap;
}

/* Waits until the worker has written what it was handed; then the file's
 * bytes so far are settled. -1 with the worker's error. */
static int wait_idle(parquet_writer *w, char *errstr, size_t errlen) {
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        while (w->busy) pthread_cond_wait(&w->cv, &w->mu);
        pthread_mutex_unlock(&w->mu);
    }
    w->settled = w->offset;
    w->in_flight = 0;
    w->held_by_worker = worker_held(w);
    if (w->failed) {
        snprintf(errstr, errlen, "%s", w->err);
        return -1;
    }
    return 0;
}

/* The full row group in cols to the worker (written here if it could not
 * start); cols then fills again. */
static int hand_over(parquet_writer *w, char *errstr, size_t errlen) {
    if (wait_idle(w, errstr, errlen) != 0) return -1;
    size_t raw = parquet_writer_buffered(w);
    pq_column *full = w->cols;
    w->cols = w->spare;
    w->spare = full;
    if (!w->started && pthread_create(&w->thread, NULL, worker, w) == 0) w->started = 1;
    w->in_flight = raw; /* settled at the next wait_idle, written here or by the worker */
    w->held_by_worker = worker_held(w);
    if (!w->started) return pq_write_row_group(w, w->spare, errstr, errlen);
    pthread_mutex_lock(&w->mu);
    w->busy = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

/* Stops the worker, once it is idle. */
static void stop(parquet_writer *w) {
    if (!w->started) return;
    pthread_mutex_lock(&w->mu);
    while (w->busy) pthread_cond_wait(&w->cv, &w->mu);
    w->quit = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->started = 0;
}

int parquet_writer_new(const char *schema_text, file_codec codec, size_t row_group_bytes, parquet_write_fn write,
                       void *ctx, parquet_writer **out, char *errstr, size_t errlen) {
    *out = NULL;
    parquet_writer *w = calloc(1, sizeof *w);
    if (!w || pthread_mutex_init(&w->mu, NULL) != 0) {
        free(w);
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        free(w);
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    w->codec_id = codec == CODEC_ZSTD ? CODEC_ZSTD_ID : codec == CODEC_SNAPPY ? CODEC_SNAPPY_ID : CODEC_UNCOMPRESSED;
    w->row_group_bytes = row_group_bytes;
    w->write = write;
    w->ctx = ctx;
    tc_init(&w->groups);
    size_t n_spare = 0;
    if (packer_new(w->codec_id == CODEC_UNCOMPRESSED ? CODEC_NONE : codec, 0, &w->packer, errstr, errlen) != 0 ||
        pq_columns_new(schema_text, &w->cols, &w->n_cols, errstr, errlen) != 0 ||
        pq_columns_new(schema_text, &w->spare, &n_spare, errstr, errlen) != 0 ||
        pq_put(w, "PAR1", 4, errstr, errlen) != 0) {
        parquet_writer_free(w);
        return -1;
    }
    w->settled = w->offset;
    *out = w;
    return 0;
}

int parquet_writer_append(parquet_writer *w, const void *avro, size_t len, char *errstr, size_t errlen) {
    if (pq_columns_add(w->cols, w->n_cols, avro, len, errstr, errlen) != 0) return -1;
    if ((w->cols[0].rows & 63) != 0) return 0; /* the size is looked at every 64 rows */
    return parquet_writer_buffered(w) >= w->row_group_bytes ? hand_over(w, errstr, errlen) : 0;
}

size_t parquet_writer_buffered(const parquet_writer *w) {
    size_t n = 0;
    for (size_t i = 0; i < w->n_cols; i++) n += w->cols[i].values.len + w->cols[i].defs.len;
    return n;
}

uint64_t parquet_writer_size(const parquet_writer *w) { return w->settled + w->in_flight + parquet_writer_buffered(w); }

size_t parquet_writer_held(const parquet_writer *w) { return pq_columns_held(w->cols, w->n_cols) + w->held_by_worker; }

int parquet_writer_finish(parquet_writer *w, char *errstr, size_t errlen) {
    if (wait_idle(w, errstr, errlen) != 0) return -1;
    stop(w);
    if (pq_write_row_group(w, w->cols, errstr, errlen) != 0) return -1;
    return pq_write_footer(w, errstr, errlen);
}

void parquet_writer_free(parquet_writer *w) {
    if (!w) return;
    stop(w);
    pq_columns_free(w->cols, w->n_cols);
    pq_columns_free(w->spare, w->n_cols);
    tc_free(&w->groups);
    free(w->page.data);
    packer_free(w->packer);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
