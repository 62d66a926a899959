/* SPDX-License-Identifier: Apache-2.0 */
/* cfgread.h - one way to read a libconfig file, for config and scenario files.
 *
 * The file is checked (a regular file, at most CFGREAD_MAX_BYTES) and read
 * into memory before libconfig parses it, so a directory, a FIFO or a huge
 * file gets one clear line instead of a scanner that blocks, exits or takes
 * minutes; libconfig's own syntax errors come back as "file:line: text". */
#ifndef SHOPSTREAM_CFGREAD_H
#define SHOPSTREAM_CFGREAD_H

#include <libconfig.h>
#include <stddef.h>

#define CFGREAD_MAX_BYTES (1u << 20)

/* Parses path into cfg (config_init'ed by the caller, destroyed by the
 * caller either way). what names the file's role in errors ("config",
 * "scenario"). Returns 0, or -1 with one line in errstr. */
int cfgread_load(config_t *cfg, const char *path, const char *what, char *errstr, size_t errlen);

/* Reads a whole regular file of at most max bytes into a NUL-terminated
 * buffer the caller frees; -1 with "path: cannot read the <what> file:
 * why" in errstr. Also for schemas. */
int cfgread_file(const char *path, const char *what, size_t max, char **out, size_t *len, char *errstr, size_t errlen);

#endif
