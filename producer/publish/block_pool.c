/* SPDX-License-Identifier: Apache-2.0 */
/* block_pool.c - blocks from huge-page regions (see block_pool.h). */
#include "block_pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A region of BLOCK_POOL_REGION bytes aligned to it, so that one huge page
 * can back it, and advised to be; NULL when out of memory. */
static char *map_region(void) {
    size_t twice = 2 * BLOCK_POOL_REGION;
    char *m = mmap(NULL, twice, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return NULL;
    char *r = (char *)(((uintptr_t)m + BLOCK_POOL_REGION - 1) & ~(uintptr_t)(BLOCK_POOL_REGION - 1));
    if (r > m) munmap(m, (size_t)(r - m));
    if (r + BLOCK_POOL_REGION < m + twice) munmap(r + BLOCK_POOL_REGION, (size_t)(m + twice - (r + BLOCK_POOL_REGION)));
#ifdef MADV_HUGEPAGE
    madvise(r, BLOCK_POOL_REGION, MADV_HUGEPAGE); /* advice: refused, the region is plain pages */
#endif
    return r;
}

/* The index of size among p's sizes, added when new; -1 past BLOCK_POOL_SIZES. */
static int size_index(block_pool *p, size_t size) {
    for (size_t i = 0; i < p->n_sizes; i++)
        if (p->sizes[i] == size) return (int)i;
    if (p->n_sizes == BLOCK_POOL_SIZES) return -1;
    p->sizes[p->n_sizes] = size;
    return (int)p->n_sizes++;
}

void *block_pool_take(block_pool *p, size_t size) {
    if (size == 0 || size > BLOCK_POOL_REGION || size % 16) return NULL;
    int i = size_index(p, size);
    if (i < 0) return NULL;
    if (p->free[i]) {
        void *b = p->free[i];
        memcpy(&p->free[i], b, sizeof p->free[i]);
        return b;
    }
    if (!p->carving || p->carved + size > BLOCK_POOL_REGION) {
        if (p->n_regions == p->regions_cap) {
            size_t cap = p->regions_cap ? 2 * p->regions_cap : 16;
            void **r = realloc(p->regions, cap * sizeof *r);
            if (!r) return NULL;
            p->regions = r;
            p->regions_cap = cap;
        }
        char *r = map_region();
        if (!r) return NULL;
        p->regions[p->n_regions++] = r;
        p->carving = r;
        p->carved = 0;
    }
    void *b = p->carving + p->carved;
    p->carved += size;
    return b;
}

void block_pool_give(block_pool *p, void *b, size_t size) {
    int i = size_index(p, size); /* a size it handed out: there */
    memcpy(b, &p->free[i], sizeof p->free[i]);
    p->free[i] = b;
}

void block_pool_free(block_pool *p) {
    for (size_t i = 0; i < p->n_regions; i++) munmap(p->regions[i], BLOCK_POOL_REGION);
    free(p->regions);
    memset(p, 0, sizeof *p);
}
