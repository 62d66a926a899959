/* SPDX-License-Identifier: Apache-2.0 */
/* block_pool.h - blocks of a few sizes carved from 2 MiB regions that the
 * kernel backs with huge pages where it can (madvise MADV_HUGEPAGE: Linux's
 * transparent huge pages, "madvise" or "always" mode).
 *
 * The calendar's blocks (calendar.h) come from here. A day's run with
 * change streams at intensity 100 makes the calendar touch ~180 MB once;
 * from malloc that was ~27,000 page faults of 4 KiB, each a trip into the
 * kernel; from huge pages it is one fault a region (and the same faults as
 * malloc where huge pages are not to be had). A block given back waits in
 * the pool with those of its size for the next take of that size; regions
 * are unmapped only by block_pool_free, so the pool holds its owner's
 * peak, as the heap keeps what malloc once handed out.
 *
 * Not locked: one owner (the publishing thread's calendar). */
#ifndef SHOPSTREAM_BLOCK_POOL_H
#define SHOPSTREAM_BLOCK_POOL_H

#include <stddef.h>

#define BLOCK_POOL_REGION ((size_t)2 << 20) /* a huge page */
#define BLOCK_POOL_SIZES 16                 /* distinct block sizes a pool hands out */

typedef struct block_pool {
    size_t sizes[BLOCK_POOL_SIZES]; /* each a multiple of 16, at most BLOCK_POOL_REGION */
    void *free[BLOCK_POOL_SIZES];   /* blocks of sizes[i] given back, each holding the next's address */
    size_t n_sizes;
    char *carving; /* the region blocks are cut from; NULL: none yet */
    size_t carved; /* bytes of it cut */
    void **regions;
    size_t n_regions, regions_cap;
} block_pool;

/* A block of size bytes (a multiple of 16, at most BLOCK_POOL_REGION, one
 * of at most BLOCK_POOL_SIZES sizes), or NULL when out of memory or past
 * those bounds. */
void *block_pool_take(block_pool *p, size_t size);

/* Block b of size bytes, which p handed out, back to it. */
void block_pool_give(block_pool *p, void *b, size_t size);

/* Every region unmapped; p zeroed. */
void block_pool_free(block_pool *p);

#endif
