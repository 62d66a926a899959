/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_support.h - what the libFuzzer harnesses share: an input as a file
 * (a memfd, a regular file to cfgread's checks) and as a C string. */
#ifndef SHOPSTREAM_FUZZ_SUPPORT_H
#define SHOPSTREAM_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* The input in a memfd; its path ("/proc/self/fd/N") in path. Returns the
 * fd to close after use, or -1. */
int fuzz_as_file(const uint8_t *data, size_t size, char *path, size_t cap);

/* The input as a NUL-terminated string the caller frees (NULs inside end it). */
char *fuzz_as_string(const uint8_t *data, size_t size);

/* The source tree (SHOPSTREAM_SOURCE_DIR, or the one compiled in). */
const char *fuzz_source_dir(void);

#endif
