/* SPDX-License-Identifier: Apache-2.0 */
/* clip.h - a user's value shortened for an error line.
 *
 * An error line is "origin: expected ..., got ..." or "path: reason", built
 * into fixed buffers (1 KiB where it is printed). A path, URL or name of up
 * to 4 KiB written into it whole would push the reason off the end, so every
 * such value goes in clipped: at most CLIP_MAX bytes, its head and its tail
 * with "..." between (whole UTF-8 characters only). A value that fits is
 * unchanged. */
#ifndef SHOPSTREAM_CLIP_H
#define SHOPSTREAM_CLIP_H

#define CLIP_MAX 160

typedef struct clip_buf {
    char text[CLIP_MAX + 1];
} clip_buf;

/* s clipped into c; returns c->text. */
const char *clip_text(clip_buf *c, const char *s);

/* s clipped, for one printf argument list (the buffer lives as long as the
 * enclosing block). */
#define CLIP(s) clip_text(&(clip_buf){ { 0 } }, (s))

/* Every control byte of s (a library's message quoting the input: a
 * newline, a tab) made a space, in place: an error is one line. */
void clip_one_line(char *s);

#endif
