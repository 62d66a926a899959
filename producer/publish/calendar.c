/* SPDX-License-Identifier: Apache-2.0 */
/* calendar.c - a min-heap of encoded messages by stream key (see calendar.h). */
#include "calendar.h"

#include <stdlib.h>
#include <string.h>

static int less(const calendar_node *a, const calendar_node *b) {
    return a->release_ms < b->release_ms || (a->release_ms == b->release_ms && a->tie < b->tie);
}

int calendar_push(calendar *c, const msg_ref *r, const char *arena) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        calendar_node *h = realloc(c->heap, cap * sizeof *h);
        if (!h) return -1;
        c->heap = h;
        c->cap = cap;
    }
    pending_msg *m = malloc(sizeof *m + r->value_len);
    if (!m) return -1;
    m->ref = *r;
    memcpy(m->value, arena + r->value_off, r->value_len);
    calendar_node node = { r->release_ms, r->tie, m };
    size_t i = c->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!less(&node, &c->heap[parent])) break;
        c->heap[i] = c->heap[parent];
        i = parent;
    }
    c->heap[i] = node;
    c->bytes += sizeof *m + r->value_len;
    if (c->n > c->peak) c->peak = c->n;
    if (c->bytes > c->peak_bytes) c->peak_bytes = c->bytes;
    return 0;
}

void calendar_pop(calendar *c) {
    if (c->n == 0) return;
    c->bytes -= sizeof *c->heap[0].msg + c->heap[0].msg->ref.value_len;
    free(c->heap[0].msg);
    calendar_node last = c->heap[--c->n];
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= c->n) break;
        if (child + 1 < c->n && less(&c->heap[child + 1], &c->heap[child])) child++;
        if (!less(&c->heap[child], &last)) break;
        c->heap[i] = c->heap[child];
        i = child;
    }
    if (c->n) c->heap[i] = last;
}

void calendar_free(calendar *c) {
    for (size_t i = 0; i < c->n; i++) free(c->heap[i].msg);
    free(c->heap);
    memset(c, 0, sizeof *c);
}
