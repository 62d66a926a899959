/* SPDX-License-Identifier: Apache-2.0 */
/* errors.h - how a function reports an error: one line in the caller's
 * buffer, and -1.
 *
 * Functions that can fail take (char *errstr, size_t errlen) last and
 * return 0 or -1; the line says what was expected and what was found
 * ("expected ..., got ..."), and the caller adds where (file:line: setting). */
#ifndef SHOPSTREAM_ERRORS_H
#define SHOPSTREAM_ERRORS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

__attribute__((format(printf, 3, 4))) static inline int errors_set(char *errstr, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* In a function with errstr and errlen: sets the message and returns -1. */
#define FAIL(...) return errors_set(errstr, errlen, __VA_ARGS__)

#endif
