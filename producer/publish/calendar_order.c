/* SPDX-License-Identifier: Apache-2.0 */
/* calendar_order.c - the calendar's heap and bucket sort (see calendar_order.h). */
#include "calendar_order.h"

void calendar_sift_up(calendar_node *h, size_t i) {
    calendar_node node = h[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!calendar_less(&node, &h[parent])) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = node;
}

void calendar_sift_down(calendar_node *h, size_t n, size_t i) {
    calendar_node node = h[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && calendar_less(&h[child + 1], &h[child])) child++;
        if (!calendar_less(&h[child], &node)) break;
        h[i] = h[child];
        i = child;
    }
    h[i] = node;
}

void calendar_sort_nodes(calendar_node *nodes, size_t n, calendar_node *scratch, int64_t base) {
    calendar_node *from = nodes, *to = scratch;
    for (int shift = 0; shift < 16; shift += 8) {
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++) count[((from[i].release_ms - base) >> shift & 0xff) + 1]++;
        for (int k = 0; k < 256; k++) count[k + 1] += count[k];
        for (size_t i = 0; i < n; i++) to[count[(from[i].release_ms - base) >> shift & 0xff]++] = from[i];
        calendar_node *t = from;
        from = to;
        to = t;
    }
    /* two passes: the sorted nodes are back in nodes */
    for (size_t i = 1; i < n; i++) {
        calendar_node x = nodes[i];
        size_t j = i;
        while (j > 0 && nodes[j - 1].release_ms == x.release_ms && nodes[j - 1].tie > x.tie) {
            nodes[j] = nodes[j - 1];
            j--;
        }
        nodes[j] = x;
    }
}
