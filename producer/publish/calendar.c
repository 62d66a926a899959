/* SPDX-License-Identifier: Apache-2.0 */
/* calendar.c - a bucket queue of encoded messages by stream key (see
 * calendar.h): ring buckets appended to, the current one sorted, a heap for
 * what comes in for it late and one for what lies beyond the ring, and past
 * `hold` the far future's segments in the spill (spill.h), read back into
 * the ring as their time nears. */
#include "calendar.h"
#include "calendar_bucket.h"
#include "calendar_order.h"
#include "spill_record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RING_MASK (CALENDAR_BUCKETS - 1)
#define CALENDAR_PREFETCH 8 /* how many messages ahead the current bucket's copies are fetched */

/* Bucket number of t, rounding down (times before 1970 too). */
static int64_t bucket_of(int64_t t) {
    return t >= 0 ? t / CALENDAR_BUCKET_MS : -((-t + CALENDAR_BUCKET_MS - 1) / CALENDAR_BUCKET_MS);
}

/* Spill segment of bucket b, rounding down, and its slot in the spill. */
static int64_t segment_of(int64_t b) {
    return b >= 0 ? b / CALENDAR_SEGMENT_BUCKETS : -((-b + CALENDAR_SEGMENT_BUCKETS - 1) / CALENDAR_SEGMENT_BUCKETS);
}
static size_t slot_of(int64_t segment) { return (size_t)((uint64_t)segment & (SPILL_SEGMENTS - 1)); }

/* The bytes a copy of r takes, rounded up to 8 so that copies stay aligned. */
static size_t copy_size(const msg_ref *r) { return msg_held_size(r->value_len); }

static int far_push(calendar *c, const msg_ref *r, const char *value, size_t size) {
    if (calendar_grow(c, (void **)&c->far, &c->far_cap, c->n_far + 1, sizeof *c->far, 64) != 0) return -1;
    pending_msg *m = malloc(size);
    if (!m) return -1;
    calendar_allocated(c, 0, size);
    m->ref = *r;
    memcpy(m->value, value, r->value_len);
    c->far[c->n_far] = (calendar_node){ r->release_ms, r->tie, m };
    calendar_sift_up(c->far, c->n_far++);
    return 0;
}

/* r into the ring's bucket b: a copy, or the record in place when there is one. */
static int ring_push(calendar *c, int64_t b, const msg_ref *r, const char *value, size_t size, pending_msg *in_place,
                     int64_t release_ms, uint64_t tie) {
    calendar_bucket *slot = &c->ring[b & RING_MASK];
    if (slot->cap == 0 && c->n_spares) *slot = c->spares[--c->n_spares];
    if ((in_place ? calendar_bucket_add(c, slot, release_ms, tie, in_place)
                  : calendar_bucket_append(c, slot, r, value, size)) != 0)
        return -1;
    c->in_ring++;
    return 0;
}

/* Spill segment g's first ms: what its records' times are written against. */
static int64_t segment_start(int64_t g) { return g * CALENDAR_SEGMENT_BUCKETS * CALENDAR_BUCKET_MS; }

/* A record of r (spill_record.h) appended to the spill segment of bucket b. */
static int spill_push(calendar *c, int64_t b, const msg_ref *r, const char *value, size_t size) {
    (void)size; /* the copy's size in memory; on disk the record is smaller */
    char hdr[SPILL_RECORD_HEADER_MAX];
    int64_t g = segment_of(b);
    size_t n = spill_record_header(hdr, r, segment_start(g));
    char *at = spill_append(c->spill, slot_of(g), n + r->value_len);
    if (!at) {
        c->spill_errno = errno;
        return -1;
    }
    memcpy(at, hdr, n);
    memcpy(at + n, value, r->value_len);
    c->spilled++;
    calendar_note_peak(c); /* the spill's buffers may have grown */
    return 0;
}

/* Back into the ring: a run of whole records of segment `loaded`. */
static int take_back(void *ctx, const char *bytes, size_t len) {
    calendar *c = ctx;
    int64_t base = segment_start(c->loaded);
    for (size_t at = 0; at < len;) {
        msg_ref r;
        const char *value;
        size_t n = spill_record_read(bytes + at, len - at, base, &r, &value);
        if (n == 0) {
            errno = EIO; /* not what was written */
            return -1;
        }
        if (ring_push(c, bucket_of(r.release_ms), &r, value, copy_size(&r), NULL, 0, 0) != 0) return -1;
        c->spilled--;
        at += n;
    }
    return 0;
}

/* Every spill segment whose first bucket is within the hot horizon of cur,
 * back into the ring. */
static int load_due(calendar *c) {
    if (!c->spill) return 0;
    int64_t horizon = segment_of(c->cur + CALENDAR_HOT_BUCKETS);
    if (c->spilled == 0 && c->loaded < horizon) c->loaded = horizon; /* nothing to read on the way */
    while (c->loaded < horizon) {
        c->loaded++;
        errno = ENOMEM;
        if (spill_take(c->spill, slot_of(c->loaded), take_back, c) != 0) {
            c->spill_errno = errno;
            return -1;
        }
    }
    return 0;
}

void calendar_spill_to(calendar *c, spill *s, size_t hold) {
    c->spill = s;
    c->hold = hold;
}

/* The message keyed (release_ms, tie), value_len bytes, into c: a copy of
 * r and its value, or (in_place) a node pointing at the record, which is
 * read only where it must be copied (the spill, the far heap). */
static int push(calendar *c, int64_t release_ms, uint64_t tie, size_t value_len, const msg_ref *r, const char *value,
                pending_msg *in_place) {
    int64_t b = bucket_of(release_ms);
    size_t size = msg_held_size(value_len);
    if (!c->ring) {
        if (!(c->ring = calloc(CALENDAR_BUCKETS, sizeof *c->ring))) return -1;
        calendar_allocated(c, 0, CALENDAR_BUCKETS * sizeof *c->ring);
        c->cur = b;
        c->loaded = segment_of(b + CALENDAR_HOT_BUCKETS);
    }
    if (b <= c->cur) {
        if ((in_place ? calendar_bucket_add(c, &c->soon, release_ms, tie, in_place)
                      : calendar_bucket_append(c, &c->soon, r, value, size)) != 0)
            return -1;
        calendar_sift_up(c->soon.nodes, c->soon.n - 1);
    } else if (b - c->cur < CALENDAR_BUCKETS) {
        int cold = c->spill && segment_of(b) > c->loaded && calendar_total_alloc(c) > c->hold;
        if ((cold ? spill_push(c, b, r, value, size) : ring_push(c, b, r, value, size, in_place, release_ms, tie)) != 0)
            return -1;
    } else if (far_push(c, r, value, size) != 0) {
        return -1;
    }
    c->n++;
    c->bytes += size;
    if (c->n > c->peak) c->peak = c->n;
    if (c->bytes > c->peak_bytes) c->peak_bytes = c->bytes;
    return 0;
}

int calendar_push(calendar *c, const msg_ref *r, const char *arena) {
    return push(c, r->release_ms, r->tie, r->value_len, r, arena + r->value_off, NULL);
}

int calendar_push_held(calendar *c, char *block, const held_entry *e) {
    pending_msg *m = (pending_msg *)(void *)(block + e->off);
    return push(c, e->release_ms, e->tie, e->value_len, &m->ref, m->value, m);
}

/* Sorts bucket b (number bn) by (release_ms, tie). -1 when out of memory. */
static int sort_bucket(calendar *c, calendar_bucket *b, int64_t bn) {
    if (calendar_grow(c, (void **)&c->scratch, &c->scratch_cap, b->n, sizeof *c->scratch, 256) != 0) return -1;
    calendar_sort_nodes(b->nodes, b->n, c->scratch, bn * CALENDAR_BUCKET_MS);
    return 0;
}

/* With the current bucket spent: the next one that holds messages, up to
 * bucket limit, becomes current, spill segments coming back on the way.
 * -1 when out of memory or a segment could not be read back. */
static int advance(calendar *c, int64_t limit) {
    for (;;) {
        if (load_due(c) != 0) return -1;
        if (c->now_head < c->now.n || c->cur >= limit) return 0;
        if (c->in_ring == 0) { /* nothing in the ring: jump, but not past the next spill segment's return */
            int64_t next = c->spilled ? (c->loaded + 1) * CALENDAR_SEGMENT_BUCKETS - CALENDAR_HOT_BUCKETS : limit;
            c->cur = next < limit ? next : limit;
            continue;
        }
        calendar_bucket *b = &c->ring[++c->cur & RING_MASK];
        if (b->n == 0) continue;
        calendar_bucket spent = c->now; /* its buffers are kept for a bucket to come, or given back */
        c->now = *b;
        c->now_head = 0;
        *b = (calendar_bucket){ 0 };
        calendar_bucket_empty(c, &spent);
        if (c->n_spares < CALENDAR_SPARES)
            c->spares[c->n_spares++] = spent;
        else
            calendar_bucket_release(c, &spent);
        c->in_ring -= c->now.n;
        if (sort_bucket(c, &c->now, c->cur) != 0) return -1;
    }
}

enum { NONE, NOW, SOON, FAR };

/* Which of the three heads is the earliest message. */
static int earliest(const calendar *c) {
    const calendar_node *best = NULL;
    int which = NONE;
    if (c->now_head < c->now.n) best = &c->now.nodes[c->now_head], which = NOW;
    if (c->soon.n && (!best || calendar_less(&c->soon.nodes[0], best))) best = &c->soon.nodes[0], which = SOON;
    if (c->n_far && (!best || calendar_less(&c->far[0], best))) which = FAR;
    return which;
}

static const calendar_node *head_of(const calendar *c, int which) {
    return which == NOW ? &c->now.nodes[c->now_head] : which == SOON ? &c->soon.nodes[0] : &c->far[0];
}

int calendar_before(calendar *c, int64_t release_ms, uint64_t tie) {
    if (c->n == 0) return 0;
    if (c->now_head == c->now.n && advance(c, bucket_of(release_ms)) != 0) return -1;
    int which = earliest(c);
    if (which == NONE) return 0;
    const calendar_node *top = head_of(c, which);
    return top->release_ms < release_ms || (top->release_ms == release_ms && top->tie < tie);
}

const pending_msg *calendar_peek(const calendar *c) {
    switch (earliest(c)) {
    case NOW: return c->now.nodes[c->now_head].msg;
    case SOON: return c->soon.nodes[0].msg;
    case FAR: return c->far[0].msg;
    default: return NULL;
    }
}

void calendar_pop(calendar *c) {
    const pending_msg *m = calendar_peek(c);
    if (!m) return;
    c->bytes -= copy_size(&m->ref);
    c->n--;
    switch (earliest(c)) {
    case NOW:
        if (c->now_head + CALENDAR_PREFETCH < c->now.n) /* a copy's header is a cache miss: ask for it early */
            __builtin_prefetch(c->now.nodes[c->now_head + CALENDAR_PREFETCH].msg);
        if (++c->now_head == c->now.n) { /* spent: reuse its nodes and bytes */
            calendar_bucket_empty(c, &c->now);
            c->now_head = 0;
        }
        break;
    case SOON:
        c->soon.nodes[0] = c->soon.nodes[--c->soon.n];
        if (c->soon.n)
            calendar_sift_down(c->soon.nodes, c->soon.n, 0);
        else
            calendar_bucket_empty(c, &c->soon);
        break;
    default:
        calendar_allocated(c, copy_size(&c->far[0].msg->ref), 0);
        free(c->far[0].msg);
        c->far[0] = c->far[--c->n_far];
        if (c->n_far) calendar_sift_down(c->far, c->n_far, 0);
        break;
    }
}

void calendar_free(calendar *c) {
    if (c->ring)
        for (size_t i = 0; i < CALENDAR_BUCKETS; i++) calendar_bucket_release(c, &c->ring[i]);
    free(c->ring);
    calendar_bucket_release(c, &c->now);
    calendar_bucket_release(c, &c->soon);
    free(c->scratch);
    for (size_t i = 0; i < c->n_spares; i++) calendar_bucket_release(c, &c->spares[i]);
    calendar_blocks_free(c);
    calendar_held_free(c);
    for (size_t i = 0; i < c->n_far; i++) free(c->far[i].msg);
    free(c->far);
    memset(c, 0, sizeof *c);
}
