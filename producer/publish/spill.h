/* SPDX-License-Identifier: Apache-2.0 */
/* spill.h - the calendar's far future on disk: records kept in time
 * segments of an unnamed temporary file, handed back a segment at a time.
 *
 * The calendar (calendar.h) holds what a run has made but not yet
 * published: at a high rate, an order's life of up to 25 days is most of
 * it. What falls due beyond a short horizon it may put here instead, by
 * segment (a stretch of simulated time, SPILL_SEGMENTS of them in a ring),
 * and take each segment back when its time nears: an external bucket queue.
 *
 * A record is opaque bytes (the calendar's are spill_record.h's: a compact
 * header and the value); a segment's records come back in the order they
 * were put, in runs of whole records. Each segment gathers its records in a
 * buffer that doubles up to SPILL_CHUNK bytes and is then written to the
 * file as one chunk, in a slot of SPILL_CHUNK bytes: one a chunk read back
 * left free (the latest first), else a new one at the file's end. So the
 * file grows to the most that was spilled at once, not what passed through,
 * and writing it allocates no blocks once it has grown. (Punching a hole
 * for each chunk read back, as the spill did before, costs a synchronous
 * discard per chunk on a file system mounted with `discard`, as this
 * project's VM's ext4 is.) A chunk longer than a slot (a record longer
 * than SPILL_CHUNK) goes at the end and its space is punched out when read.
 *
 * The file is opened with O_TMPFILE (else created and unlinked at once): it
 * has no name, and nothing is left behind however the process ends.
 * The publishing thread's own (not locked). */
#ifndef SHOPSTREAM_SPILL_H
#define SHOPSTREAM_SPILL_H

#include <stddef.h>
#include <stdint.h>

#define SPILL_SEGMENTS 4096     /* segments live at once: the ring */
#define SPILL_CHUNK 32768       /* a segment's buffer is written out at this size, into a slot of it */
#define SPILL_FIRST_BUFFER 1024 /* and starts at this one */
#define SPILL_PAGE 4096         /* a chunk is written in whole pages of this size */

typedef struct spill_chunk {
    uint64_t off;
    size_t len;
} spill_chunk;

typedef struct spill_segment {
    char *buf; /* records not yet written */
    size_t used, cap;
    spill_chunk *chunks; /* records written, in order */
    size_t n_chunks, cap_chunks;
} spill_segment;

typedef struct spill {
    int fd;         /* the unnamed file, when open */
    int open;       /* 1: fd is open (a zeroed spill is not) */
    char dir[1024]; /* where it is, for errors */
    uint64_t end;   /* the file's end: where a chunk goes when no slot is free */
    uint64_t *free; /* slots read back, to be written again: a stack */
    size_t n_free, cap_free;
    uint64_t written;    /* bytes written to the file, in all */
    spill_segment *segs; /* SPILL_SEGMENTS, allocated on the first record */
    char *scratch;       /* a chunk read back */
    size_t scratch_cap;
    size_t bytes, peak_bytes; /* the records' bytes, in buffers and on disk */
    size_t alloc;             /* buffers, chunk lists, free slots: memory the spill takes */
} spill;

/* A temporary file in dir; errstr says why not ("DIR: <reason>"). */
int spill_open(spill *s, const char *dir, char *errstr, size_t errlen);

/* Room for a record of size bytes at the end of segment slot (< SPILL_SEGMENTS),
 * which the caller fills at once; NULL when out of memory or the file cannot
 * be written (errno says which). */
char *spill_append(spill *s, size_t slot, size_t size);

/* Hands back segment slot's records to take(ctx, bytes, len), a run of
 * whole records at a time, in the order they were put, and empties it.
 * -1: a read failed (errno) or take returned nonzero. */
int spill_take(spill *s, size_t slot, int (*take)(void *ctx, const char *bytes, size_t len), void *ctx);

/* Closes the file (its space goes with it) and frees the buffers; a zeroed
 * spill is fine. */
void spill_close(spill *s);

#endif
