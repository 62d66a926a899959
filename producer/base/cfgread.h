/* SPDX-License-Identifier: Apache-2.0 */
/* cfgread.h - one way to read a libconfig file, for config and scenario files.
 *
 * The file is checked (a regular file, at most CFGREAD_MAX_BYTES) and read
 * into memory before libconfig parses it, so a directory, a FIFO or a huge
 * file gets one clear line instead of a scanner that blocks, exits or takes
 * minutes; libconfig's own syntax errors come back as "file:line: text".
 * Before libconfig sees the text, every integer gets an L (so all are read
 * as 64 bits, never wrapped), and @include, NUL bytes in strings (\x00) and
 * strings over CFGREAD_MAX_STRING bytes are refused with their line. */
#ifndef SHOPSTREAM_CFGREAD_H
#define SHOPSTREAM_CFGREAD_H

#include <libconfig.h>
#include <stddef.h>

#define CFGREAD_MAX_BYTES (1u << 20)
#define CFGREAD_MAX_STRING 65536 /* one string token: libconfig's scanner is quadratic in its length */

/* Parses path into cfg (config_init'ed by the caller, destroyed by the
 * caller either way). what names the file's role in errors ("config",
 * "scenario"). Returns 0, or -1 with one line in errstr. */
int cfgread_load(config_t *cfg, const char *path, const char *what, char *errstr, size_t errlen);

/* Reads a whole regular file of at most max bytes into a NUL-terminated
 * buffer the caller frees; -1 with "path: cannot read the <what> file:
 * why" in errstr. Also for schemas. */
int cfgread_file(const char *path, const char *what, size_t max, char **out, size_t *len, char *errstr, size_t errlen);

/* The one form of a file's error: "file:line: path: msg" in errstr, with
 * the line of setting s; returns -1. */
int cfgread_fail(char *errstr, size_t errlen, const char *file, const config_setting_t *s, const char *path,
                 const char *msg);

/* 1 if s is valid UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF). */
int cfgread_utf8(const char *s);

#endif
