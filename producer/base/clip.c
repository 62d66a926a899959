/* SPDX-License-Identifier: Apache-2.0 */
/* clip.c - a user's value shortened for an error line (see clip.h). */
#include "clip.h"

#include <string.h>

static int continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

const char *clip_text(clip_buf *c, const char *s) {
    if (!s) s = "";
    size_t n = strlen(s);
    if (n <= CLIP_MAX) {
        memcpy(c->text, s, n + 1);
        return c->text;
    }
    size_t keep = CLIP_MAX - 3, head = keep / 2, tail = n - (keep - head);
    while (head > 0 && continuation((unsigned char)s[head])) head--; /* s[head] starts a character */
    while (tail < n && continuation((unsigned char)s[tail])) tail++;
    memcpy(c->text, s, head);
    memcpy(c->text + head, "...", 3);
    memcpy(c->text + head + 3, s + tail, n - tail + 1);
    return c->text;
}

void clip_one_line(char *s) {
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = ' ';
}
