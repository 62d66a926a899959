/* SPDX-License-Identifier: Apache-2.0 */
/* calendar_bucket.c - the calendar's memory: doubling arrays, the buckets'
 * blocks and their free list, all counted (see calendar_bucket.h). */
#include "calendar_bucket.h"

#include <stdlib.h>
#include <string.h>

size_t calendar_total_alloc(const calendar *c) { return c->alloc + (c->spill ? c->spill->alloc : 0); }

void calendar_note_peak(calendar *c) {
    if (calendar_total_alloc(c) > c->peak_alloc) c->peak_alloc = calendar_total_alloc(c);
}

void calendar_allocated(calendar *c, size_t before, size_t after) {
    c->alloc += after - before; /* mod 2^64: a shrink subtracts */
    if (after > before) calendar_note_peak(c);
}

int calendar_grow(calendar *c, void **p, size_t *cap, size_t need, size_t unit, size_t first) {
    if (need <= *cap) return 0;
    size_t cap2 = *cap ? *cap : first;
    while (cap2 < need) cap2 *= 2;
    void *q = realloc(*p, cap2 * unit);
    if (!q) return -1;
    calendar_allocated(c, *cap * unit, cap2 * unit);
    *p = q;
    *cap = cap2;
    return 0;
}

/* Whether a block of cap bytes is the pool's: the doubling sizes,
 * CALENDAR_FIRST_BYTES to CALENDAR_BLOCK_MAX (larger: a copy's own, malloc). */
static int pooled(size_t cap) {
    return cap >= CALENDAR_FIRST_BYTES && cap <= CALENDAR_BLOCK_MAX && (cap & (cap - 1)) == 0;
}

/* A block of cap bytes: a spent one when there is one of that size. */
static calendar_block *block_take(calendar *c, size_t cap) {
    calendar_block *k = c->free_blocks;
    if (cap == CALENDAR_BLOCK_MAX && k) {
        c->free_blocks = k->next;
        c->n_free_blocks--;
        return k;
    }
    if (!(k = pooled(cap) ? block_pool_take(&c->pool, sizeof *k + cap) : malloc(sizeof *k + cap))) return NULL;
    calendar_allocated(c, 0, sizeof *k + cap);
    k->cap = cap;
    return k;
}

/* Block k (and those behind it) back: full-sized ones to the free list
 * while it has room, the others freed. */
static void blocks_give(calendar *c, calendar_block *k) {
    while (k) {
        calendar_block *next = k->next;
        if (k->cap == CALENDAR_BLOCK_MAX && c->n_free_blocks < CALENDAR_FREE_BLOCKS) {
            k->next = c->free_blocks;
            c->free_blocks = k;
            c->n_free_blocks++;
        } else {
            calendar_allocated(c, sizeof *k + k->cap, 0);
            if (pooled(k->cap))
                block_pool_give(&c->pool, k, sizeof *k + k->cap);
            else
                free(k);
        }
        k = next;
    }
}

/* Room for size bytes at the end of b's blocks: a new block, twice the
 * last (up to CALENDAR_BLOCK_MAX, or size), when the last is full. */
static char *room(calendar *c, calendar_bucket *b, size_t size) {
    if (b->block && b->block->cap - b->used >= size) {
        char *at = b->block->data + b->used;
        b->used += size;
        return at;
    }
    size_t cap = b->block ? 2 * b->block->cap : CALENDAR_FIRST_BYTES;
    if (cap > CALENDAR_BLOCK_MAX) cap = CALENDAR_BLOCK_MAX;
    while (cap < size && cap < CALENDAR_BLOCK_MAX) cap *= 2; /* a power of two while it can */
    if (cap < size) cap = size;
    calendar_block *k = block_take(c, cap);
    if (!k) return NULL;
    k->next = b->block;
    b->block = k;
    b->used = size;
    return k->data;
}

int calendar_bucket_append(calendar *c, calendar_bucket *b, const msg_ref *r, const char *value, size_t size) {
    if (calendar_grow(c, (void **)&b->nodes, &b->cap, b->n + 1, sizeof *b->nodes, CALENDAR_FIRST_NODES) != 0) return -1;
    pending_msg *m = (pending_msg *)(void *)room(c, b, size);
    if (!m) return -1;
    m->ref = *r;
    memcpy(m->value, value, r->value_len);
    b->nodes[b->n++] = (calendar_node){ r->release_ms, r->tie, m };
    return 0;
}

int calendar_bucket_add(calendar *c, calendar_bucket *b, int64_t release_ms, uint64_t tie, pending_msg *m) {
    if (calendar_grow(c, (void **)&b->nodes, &b->cap, b->n + 1, sizeof *b->nodes, CALENDAR_FIRST_NODES) != 0) return -1;
    b->nodes[b->n++] = (calendar_node){ release_ms, tie, m };
    return 0;
}

void calendar_bucket_empty(calendar *c, calendar_bucket *b) {
    b->n = 0;
    b->used = 0;
    if (b->block) {
        blocks_give(c, b->block->next);
        b->block->next = NULL;
    }
}

void calendar_bucket_release(calendar *c, calendar_bucket *b) {
    blocks_give(c, b->block);
    calendar_allocated(c, b->cap * sizeof *b->nodes, 0);
    free(b->nodes);
    *b = (calendar_bucket){ 0 };
}

void calendar_blocks_free(calendar *c) {
    while (c->free_blocks) {
        calendar_block *k = c->free_blocks;
        c->free_blocks = k->next;
        calendar_allocated(c, sizeof *k + k->cap, 0);
    }
    c->n_free_blocks = 0;
    block_pool_free(&c->pool); /* every pooled block with it */
}

int calendar_adopt(calendar *c, char *block, size_t cap, int64_t until_ms) {
    if (c->n_held == c->held_cap) { /* a FIFO ring, grown by unrolling it into a new array twice the size */
        size_t cap2 = c->held_cap ? 2 * c->held_cap : 16;
        calendar_held *h = malloc(cap2 * sizeof *h);
        if (!h) return -1;
        for (size_t i = 0; i < c->n_held; i++) h[i] = c->held[(c->held_head + i) % c->held_cap];
        calendar_allocated(c, c->held_cap * sizeof *h, cap2 * sizeof *h);
        free(c->held);
        c->held = h;
        c->held_head = 0;
        c->held_cap = cap2;
    }
    c->held[(c->held_head + c->n_held++) % c->held_cap] = (calendar_held){ block, cap, until_ms };
    calendar_allocated(c, 0, cap);
    return 0;
}

void calendar_release_before(calendar *c, int64_t release_ms) {
    while (c->n_held && c->held[c->held_head].until_ms <= release_ms) {
        calendar_held h = c->held[c->held_head];
        c->held_head = (c->held_head + 1) % c->held_cap;
        c->n_held--;
        if (c->n_held_spares < CALENDAR_HELD_SPARES) {
            c->held_spares[c->n_held_spares++] = h;
        } else {
            calendar_allocated(c, h.cap, 0);
            free(h.block);
        }
    }
}

char *calendar_take_held_spare(calendar *c, size_t *cap) {
    if (c->n_held_spares == 0) {
        *cap = 0;
        return NULL;
    }
    calendar_held h = c->held_spares[--c->n_held_spares];
    calendar_allocated(c, h.cap, 0);
    *cap = h.cap;
    return h.block;
}

void calendar_held_free(calendar *c) {
    calendar_release_before(c, INT64_MAX);
    while (c->n_held_spares) {
        calendar_held h = c->held_spares[--c->n_held_spares];
        calendar_allocated(c, h.cap, 0);
        free(h.block);
    }
    calendar_allocated(c, c->held_cap * sizeof *c->held, 0);
    free(c->held);
    c->held = NULL;
    c->held_cap = c->n_held = c->held_head = 0;
}
