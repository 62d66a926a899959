/* SPDX-License-Identifier: Apache-2.0 */
/* spill.c - time segments of records in an unnamed file (see spill.h). */
#include "spill.h"

#include "base/clip.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int spill_open(spill *s, const char *dir, char *errstr, size_t errlen) {
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
#ifdef O_TMPFILE
    s->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
    if (s->fd < 0) { /* a file system without O_TMPFILE: a name, unlinked at once */
        char path[1100];
        snprintf(path, sizeof path, "%s/shopstream-spill-XXXXXX", dir);
        s->fd = mkstemp(path);
        if (s->fd >= 0) unlink(path);
    }
    if (s->fd < 0) {
        snprintf(errstr, errlen, "%s (%s)", CLIP(dir), strerror(errno));
        return -1;
    }
    s->open = 1;
    return 0;
}

/* Grows *p to hold need bytes (first, then doubling), counted in s->alloc. */
static int grow(spill *s, void **p, size_t *cap, size_t need, size_t first) {
    if (need <= *cap) return 0;
    size_t cap2 = *cap ? *cap : first;
    while (cap2 < need) cap2 *= 2;
    void *q = realloc(*p, cap2);
    if (!q) {
        errno = ENOMEM;
        return -1;
    }
    s->alloc += cap2 - *cap;
    *p = q;
    *cap = cap2;
    return 0;
}

/* Where a chunk of span bytes goes: a slot read back before (the latest,
 * likeliest still in the page cache), else the file's end. */
static uint64_t place(spill *s, size_t span) {
    if (span <= SPILL_CHUNK && s->n_free) return s->free[--s->n_free];
    uint64_t off = s->end;
    s->end += span <= SPILL_CHUNK ? SPILL_CHUNK : span;
    return off;
}

/* Segment g's buffer written to the file as one chunk, in whole pages (a
 * slot written again never has its old last page read in). */
static int write_out(spill *s, spill_segment *g) {
    size_t span = (g->used + SPILL_PAGE - 1) & ~(size_t)(SPILL_PAGE - 1);
    if (grow(s, (void **)&g->chunks, &g->cap_chunks, (g->n_chunks + 1) * sizeof *g->chunks, 4 * sizeof *g->chunks) !=
            0 ||
        grow(s, (void **)&g->buf, &g->cap, span, SPILL_FIRST_BUFFER) != 0)
        return -1;
    memset(g->buf + g->used, 0, span - g->used);
    uint64_t off = place(s, span);
    for (size_t done = 0; done < span;) {
        ssize_t w = pwrite(s->fd, g->buf + done, span - done, (off_t)(off + done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = ENOSPC;
            return -1;
        }
        done += (size_t)w;
    }
    s->written += span;
    g->chunks[g->n_chunks++] = (spill_chunk){ off, g->used };
    g->used = 0;
    return 0;
}

char *spill_append(spill *s, size_t slot, size_t size) {
    if (!s->segs) {
        if (!(s->segs = calloc(SPILL_SEGMENTS, sizeof *s->segs))) return NULL;
        s->alloc += SPILL_SEGMENTS * sizeof *s->segs;
    }
    spill_segment *g = &s->segs[slot];
    if (g->used + size > SPILL_CHUNK && g->used > 0 && write_out(s, g) != 0) return NULL;
    if (grow(s, (void **)&g->buf, &g->cap, g->used + size, SPILL_FIRST_BUFFER) != 0) return NULL;
    char *at = g->buf + g->used;
    g->used += size;
    s->bytes += size;
    if (s->bytes > s->peak_bytes) s->peak_bytes = s->bytes;
    return at;
}

/* Chunk k's space, read back: its slot to be written again, or (a chunk
 * longer than a slot, or no memory to note the slot in) a hole punched. */
static void release(spill *s, const spill_chunk *k) {
    if (k->len <= SPILL_CHUNK &&
        grow(s, (void **)&s->free, &s->cap_free, (s->n_free + 1) * sizeof *s->free, 64 * sizeof *s->free) == 0) {
        s->free[s->n_free++] = k->off;
        return;
    }
#ifdef FALLOC_FL_PUNCH_HOLE
    size_t span = (k->len + SPILL_PAGE - 1) & ~(size_t)(SPILL_PAGE - 1);
    (void)fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)k->off, (off_t)span);
#endif
}

/* Reads chunk k back into s->scratch and frees its space in the file. */
static int read_back(spill *s, const spill_chunk *k) {
    if (grow(s, (void **)&s->scratch, &s->scratch_cap, k->len, SPILL_CHUNK) != 0) return -1;
    for (size_t done = 0; done < k->len;) {
        ssize_t r = pread(s->fd, s->scratch + done, k->len - done, (off_t)(k->off + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (r == 0) errno = EIO; /* the file is shorter than what was written */
            return -1;
        }
        done += (size_t)r;
    }
    release(s, k);
    return 0;
}

int spill_take(spill *s, size_t slot, int (*take)(void *ctx, const char *bytes, size_t len), void *ctx) {
    if (!s->segs) return 0;
    spill_segment *g = &s->segs[slot];
    size_t taken = 0;
    int rc = 0;
    for (size_t i = 0; i < g->n_chunks && rc == 0; i++) {
        rc = read_back(s, &g->chunks[i]);
        if (rc == 0) rc = take(ctx, s->scratch, g->chunks[i].len);
        taken += g->chunks[i].len;
    }
    if (rc == 0 && g->used) rc = take(ctx, g->buf, g->used);
    taken += g->used;
    if (rc != 0) return -1;
    s->bytes -= taken;
    g->n_chunks = g->used = 0;
    /* the buffer goes: the slot's next segment lies a ring's length ahead */
    s->alloc -= g->cap;
    free(g->buf);
    g->buf = NULL;
    g->cap = 0;
    return 0;
}

void spill_close(spill *s) {
    if (s->open) close(s->fd);
    if (s->segs)
        for (size_t i = 0; i < SPILL_SEGMENTS; i++) {
            free(s->segs[i].buf);
            free(s->segs[i].chunks);
        }
    free(s->segs);
    free(s->scratch);
    free(s->free);
    memset(s, 0, sizeof *s);
}
