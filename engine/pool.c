/* SPDX-License-Identifier: Apache-2.0 */
/* pool.c - generator threads and the ordered ring (see pool.h).
 *
 * Slot s % slots takes batch s only when its turn has come (batch s - slots
 * was released from it), so batches can be released in any order and a
 * slow consumer stops the generators. */
#include "pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#include "simtime.h"

#define NOT_FULL UINT64_MAX

typedef struct ring_slot {
    order_batch batch;
    void *filler_block; /* the batch's memory, from the filler's alloc_block */
    uint64_t full_seq;  /* the batch it holds, or NOT_FULL */
    uint64_t turn;      /* the next batch that may fill it */
    int busy;           /* being filled, or held by the consumer */
} ring_slot;

typedef struct worker_arg {
    struct gen_pool *pool;
    size_t index;
} worker_arg;

struct gen_pool {
    const engine *engine;
    gen_pool_options opt;
    uint64_t n_batches;

    pthread_mutex_t lock;  /* @locks next_fill, next_take, stop, error, fill_s, filled_s,
                            * and every slot's full_seq, turn and busy (pool.h) */
    pthread_cond_t space;  /* a slot was released, or stop */
    pthread_cond_t filled; /* a batch became full */
    uint64_t next_fill;    /* next batch number a thread takes */
    uint64_t next_take;    /* next batch the consumer takes */
    bool stop;
    char error[256];         /* a filler's error; "" if none */
    double fill_s, filled_s; /* thread time filling batches, and in on_filled */

    ring_slot *slots;
    pthread_t *threads;
    worker_arg *args;
    size_t n_threads; /* started */
    int creator_nice; /* the creating thread's nice, set before the threads start */
};

/* The calling thread's nice (0 where it cannot be read). */
static int thread_nice(void) {
#ifdef __linux__
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid)); /* gettid(): glibc 2.30 and later only */
    return errno ? 0 : nice;
#else
    return 0;
#endif
}

/* The calling thread's nice raised by `by` (at most 19), from `base`, the
 * creating thread's. Best effort: a thread that cannot runs as it is. */
static void lower_priority(int base, int by) {
#ifdef __linux__
    if (by <= 0) return;
    int nice = base + by > 19 ? 19 : base + by;
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
#else
    (void)base;
    (void)by;
#endif
}

static void *worker(void *arg) {
    gen_pool *p = ((worker_arg *)arg)->pool;
    size_t index = ((worker_arg *)arg)->index;
    lower_priority(p->creator_nice, p->opt.lower_priority);
    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (p->stop || p->next_fill >= p->n_batches) break;
        uint64_t seq = p->next_fill++;
        ring_slot *slot = &p->slots[seq % p->opt.ring_slots];
        /* Batch seq - slots must have been released from this slot. */
        while (!p->stop && (slot->turn != seq || slot->busy)) pthread_cond_wait(&p->space, &p->lock);
        if (p->stop) break;
        slot->busy = 1;
        pthread_mutex_unlock(&p->lock);

        uint64_t done = seq * p->opt.batch_orders;
        uint64_t count = p->opt.count - done < p->opt.batch_orders ? p->opt.count - done : p->opt.batch_orders;
        uint64_t first = p->opt.first + done * p->opt.stride;
        double t0 = wall_now_s();
        if (p->opt.filler) {
            char err[sizeof p->error];
            err[0] = '\0';
            /* A filler cannot select: it fills the whole span, then the
             * selection is kept. */
            uint64_t from = p->opt.select ? done : first, step = p->opt.select ? 1 : p->opt.stride;
            if (p->opt.filler->fill(p->opt.filler->ctx, index, from, step, (size_t)count, &slot->batch, err,
                                    sizeof err) != 0) {
                pthread_mutex_lock(&p->lock);
                if (!p->error[0] && err[0])
                    snprintf(p->error, sizeof p->error, "%s", err);
                else if (!p->error[0])
                    snprintf(p->error, sizeof p->error, "filling the batch at order %llu failed",
                             (unsigned long long)first);
                p->stop = true;
                pthread_cond_broadcast(&p->space);
                break;
            }
            if (p->opt.select) engine_keep_selected(p->opt.select, &slot->batch);
        } else if (p->opt.select) {
            engine_fill_selected(p->engine, done, (size_t)count, p->opt.select, &slot->batch);
        } else {
            engine_fill(p->engine, first, p->opt.stride, (size_t)count, &slot->batch);
        }
        slot->batch.seq = seq;
        double t1 = wall_now_s();
        if (p->opt.on_filled) p->opt.on_filled(p->opt.ctx, index, (size_t)(seq % p->opt.ring_slots), &slot->batch);
        double t2 = wall_now_s();

        pthread_mutex_lock(&p->lock);
        p->fill_s += t1 - t0;
        p->filled_s += t2 - t1;
        slot->full_seq = seq;
        pthread_cond_broadcast(&p->filled);
    }
    pthread_cond_broadcast(&p->filled);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static int slot_batch_init(gen_pool *p, ring_slot *slot) {
    const gen_pool_filler *f = p->opt.filler;
    if (!f || !f->alloc_block) return order_batch_init(&slot->batch, p->opt.batch_orders);
    slot->filler_block = f->alloc_block(f->ctx, order_batch_bytes(p->opt.batch_orders));
    if (!slot->filler_block) return -1;
    order_batch_init_in(&slot->batch, p->opt.batch_orders, slot->filler_block);
    return 0;
}

static void slot_batch_free(gen_pool *p, ring_slot *slot) {
    order_batch_free(&slot->batch);
    if (slot->filler_block) p->opt.filler->free_block(p->opt.filler->ctx, slot->filler_block);
    slot->filler_block = NULL;
}

int gen_pool_new(const engine *e, const gen_pool_options *o, gen_pool **out, char *errstr, size_t errlen) {
    *out = NULL;
    if (o->threads < 1 || o->batch_orders < 1 || o->ring_slots < 1 || o->stride < 1) {
        snprintf(errstr, errlen, "generator pool: threads, batch size, ring slots and stride must be >= 1");
        return -1;
    }

    gen_pool *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    p->engine = e;
    p->opt = *o;
    p->n_batches = (o->count + o->batch_orders - 1) / o->batch_orders;
    if (pthread_mutex_init(&p->lock, NULL) != 0 || pthread_cond_init(&p->space, NULL) != 0 ||
        pthread_cond_init(&p->filled, NULL) != 0) {
        /* (destroying what did initialise is not required of a failed init's siblings; leak nothing else) */
        free(p);
        snprintf(errstr, errlen, "generator pool: cannot initialise its lock and conditions");
        return -1;
    }
    p->slots = calloc(o->ring_slots, sizeof *p->slots);
    p->threads = calloc(o->threads, sizeof *p->threads);
    p->args = calloc(o->threads, sizeof *p->args);
    if (!p->slots || !p->threads || !p->args) goto oom;
    for (size_t i = 0; i < o->ring_slots; i++) {
        if (slot_batch_init(p, &p->slots[i]) != 0) goto oom;
        p->slots[i].full_seq = NOT_FULL;
        p->slots[i].turn = i;
    }
    p->creator_nice = thread_nice();
    for (size_t i = 0; i < o->threads; i++) {
        p->args[i] = (worker_arg){ p, i };
        if (pthread_create(&p->threads[i], NULL, worker, &p->args[i]) != 0) {
            snprintf(errstr, errlen, "generator pool: cannot start thread %zu of %zu", i + 1, o->threads);
            gen_pool_free(p);
            return -1;
        }
        p->n_threads++;
    }
    *out = p;
    return 0;
oom:
    snprintf(errstr, errlen, "out of %smemory for %zu batches of %zu orders (%.0f MiB)",
             o->filler && o->filler->alloc_block ? "the filler's (pinned) " : "", o->ring_slots, o->batch_orders,
             (double)o->ring_slots * (double)order_batch_bytes(o->batch_orders) / 1048576.0);
    gen_pool_free(p);
    return -1;
}

const order_batch *gen_pool_next(gen_pool *p) {
    const order_batch *b = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->next_take < p->n_batches) {
        ring_slot *slot = &p->slots[p->next_take % p->opt.ring_slots];
        while (!p->stop && slot->full_seq != p->next_take) pthread_cond_wait(&p->filled, &p->lock);
        if (slot->full_seq == p->next_take) {
            b = &slot->batch;
            p->next_take++;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return b;
}

size_t gen_pool_slot(const gen_pool *p, const order_batch *b) { return (size_t)(b->seq % p->opt.ring_slots); }

void gen_pool_release(gen_pool *p, const order_batch *b) {
    pthread_mutex_lock(&p->lock);
    ring_slot *slot = &p->slots[b->seq % p->opt.ring_slots];
    slot->full_seq = NOT_FULL;
    slot->busy = 0;
    slot->turn = b->seq + p->opt.ring_slots;
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->lock);
}

const char *gen_pool_error(gen_pool *p) {
    pthread_mutex_lock(&p->lock);
    const char *e = p->error[0] ? p->error : NULL;
    pthread_mutex_unlock(&p->lock);
    return e;
}

void gen_pool_times(gen_pool *p, double *fill_s, double *filled_s) {
    pthread_mutex_lock(&p->lock);
    *fill_s = p->fill_s;
    *filled_s = p->filled_s;
    pthread_mutex_unlock(&p->lock);
}

void gen_pool_stop(gen_pool *p) {
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->space);
    pthread_cond_broadcast(&p->filled);
    pthread_mutex_unlock(&p->lock);
}

void gen_pool_free(gen_pool *p) {
    if (!p) return;
    gen_pool_stop(p);
    for (size_t i = 0; i < p->n_threads; i++) pthread_join(p->threads[i], NULL);
    if (p->slots)
        for (size_t i = 0; i < p->opt.ring_slots; i++) slot_batch_free(p, &p->slots[i]);
    free(p->args);
    free(p->threads);
    free(p->slots);
    pthread_cond_destroy(&p->filled);
    pthread_cond_destroy(&p->space);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
