/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_support.c - inputs as files and strings (see fuzz_support.h). */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int fuzz_as_file(const uint8_t *data, size_t size, char *path, size_t cap) {
    int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
    if (fd < 0) return -1;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return -1;
    }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}

char *fuzz_as_string(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

const char *fuzz_source_dir(void) {
    const char *d = getenv("SHOPSTREAM_SOURCE_DIR");
    return d && *d ? d : SHOPSTREAM_SOURCE_DIR;
}
